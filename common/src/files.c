// SPDX-License-Identifier: MIT
#include "daxlab/files.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

bool dx_same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (!a || !b)
		return false;
	if (!strcmp(a, b))
		return true;
	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

int dx_tmpdir_make_under(char *dir, size_t len, const char *base,
			 const char *prefix, char *err, size_t errlen)
{
	int n = snprintf(dir, len, "%s/%s.XXXXXX", base, prefix);

	if (n < 0 || (size_t)n >= len) {
		snprintf(err, errlen, "scratch directory under %s: path too long",
			 base);
		return -1;
	}
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot make a directory under %s: %s",
			 base, strerror(errno));
		return -1;
	}
	return 0;
}

int dx_tmpdir_make(char *dir, size_t len, const char *prefix, char *err,
		   size_t errlen)
{
	const char *base = getenv("TMPDIR");

	return dx_tmpdir_make_under(dir, len, base && *base ? base : "/tmp",
				    prefix, err, errlen);
}

static int64_t avail(const struct statvfs *v)
{
	uint64_t b = (uint64_t)v->f_bavail * v->f_frsize;

	return b > INT64_MAX ? INT64_MAX : (int64_t)b;
}

int64_t dx_free_bytes(const char *path)
{
	struct statvfs v;

	return statvfs(path, &v) ? -1 : avail(&v);
}

int64_t dx_free_bytes_fd(int fd)
{
	struct statvfs v;

	return fstatvfs(fd, &v) ? -1 : avail(&v);
}

/* nftw passes no user data: dx_tree_remove is not thread-safe. */
static int first_errno;

static int remove_one(const char *path, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	if (remove(path) && errno != ENOENT && !first_errno)
		first_errno = errno;
	return 0;
}

int dx_tree_remove(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return errno == ENOENT ? 0 : -1;
	first_errno = 0;
	/* Depth first, symlinks removed as links, other file systems too. */
	if (nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) && !first_errno)
		first_errno = errno;
	if (first_errno) {
		errno = first_errno;
		return -1;
	}
	return 0;
}

int dx_write_file(const char *path, const void *data, size_t len)
{
	const char *p = data;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			int e = w < 0 ? errno : ENOSPC;

			close(fd);
			errno = e;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return close(fd);
}
