/* SPDX-License-Identifier: MIT */
/*
 * Files: whether two paths name one file (an output must never alias an
 * input), private scratch directories and their removal, whole-file
 * writes.
 */
#ifndef DAXLAB_FILES_H
#define DAXLAB_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Whether a and b name the same file: the same string, or two existing
 * paths with one device and inode (a symlink or hard link, "./x" and
 * "x"). A path that does not exist yet is the same only as itself.
 */
bool dx_same_file(const char *a, const char *b);

/*
 * Make a new private (0700) directory PREFIX.XXXXXX under base; its path
 * goes into dir. Returns 0, or -1 with a message in err.
 */
int dx_tmpdir_make_under(char *dir, size_t len, const char *base,
			 const char *prefix, char *err, size_t errlen);
/* The same under $TMPDIR, or /tmp when TMPDIR is unset or empty. */
int dx_tmpdir_make(char *dir, size_t len, const char *prefix, char *err,
		   size_t errlen);

/*
 * Bytes an unprivileged writer can still use in the file system that holds
 * path (or fd): its available blocks times their size. -1 with errno set
 * when the file system cannot be asked. A refusal for lack of space quotes
 * this number.
 */
int64_t dx_free_bytes(const char *path);
int64_t dx_free_bytes_fd(int fd);

/*
 * Remove path and, if it is a directory, everything below it, without
 * following symlinks. A path that does not exist is no error. Returns 0,
 * or -1 with errno of the first failure (the rest is still tried). Not
 * thread-safe.
 */
int dx_tree_remove(const char *path);

/* Create or truncate path and write len bytes. 0, or -1 with errno. */
int dx_write_file(const char *path, const void *data, size_t len);

#endif /* DAXLAB_FILES_H */
