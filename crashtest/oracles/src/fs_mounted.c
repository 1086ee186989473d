/* SPDX-License-Identifier: MIT */
/*
 * Files read through a mounted file system, for images that only the
 * kernel can recover (xfs log replay): the guest mounts the image and the
 * durability check reads below the mount point.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsops.h"

static int mounted_read(const char *root, const char *workdir, int sound,
			struct file_read *fr, size_t n, char *msg, size_t len)
{
	(void)workdir;
	(void)sound;	/* the kernel read the metadata */
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", root, fr[i].path);
		fr[i].data = NULL;
		fr[i].size = 0;
		fr[i].exists = 0;
		/* Directories are promised by name only. */
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			fr[i].exists = 1;
			continue;
		}
		if (fsops_slurp(path, &fr[i].data, &fr[i].size)) {
			if (errno == ENOENT || errno == ENOTDIR)
				continue;
			snprintf(msg, len, "reading %s: %s", path, strerror(errno));
			return -1;
		}
		fr[i].exists = 1;
	}
	return 0;
}

static const struct fsops ops = {
	.read = mounted_read,
};

const struct fsops *fsops_mounted(void)
{
	return &ops;
}
