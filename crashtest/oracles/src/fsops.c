/* SPDX-License-Identifier: MIT */
/* The ops table per file system, and small helpers the ops share. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "daxlab/vec.h"
#include "fsops.h"

extern const struct fsops fsops_ext2, fsops_ext4, fsops_xfs;

const struct fsops *fsops_get(enum fs_type type)
{
	switch (type) {
	case FS_EXT2: return &fsops_ext2;
	case FS_EXT4: return &fsops_ext4;
	case FS_XFS: return &fsops_xfs;
	}
	return NULL;
}

void file_read_free(struct file_read *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].data);
		f[i].data = NULL;
	}
}

int fsops_slurp(const char *path, unsigned char **data, uint64_t *size)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	size_t got;

	*data = NULL;
	*size = 0;
	if (!f)
		return -1;
	if (fstat(fileno(f), &st)) {
		fclose(f);
		return -1;
	}
	*data = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!*data) {
		fclose(f);
		errno = ENOMEM;
		return -1;
	}
	got = fread(*data, 1, (size_t)st.st_size, f);
	fclose(f);
	if (got != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		errno = EIO;
		return -1;
	}
	*size = got;
	return 0;
}

const char *fsops_wpath(const char *workdir, const char *name, char *buf,
			size_t len)
{
	snprintf(buf, len, "%s/%s", workdir, name);
	return buf;
}

int fs_extent_push(struct fs_extent **ext, size_t *n, size_t *cap,
		   uint64_t lblk, uint64_t pblk, uint64_t count)
{
	if (DX_RESERVE(*ext, *cap, *n + 1))
		return -1;
	(*ext)[(*n)++] = (struct fs_extent){ lblk, pblk, count };
	return 0;
}
