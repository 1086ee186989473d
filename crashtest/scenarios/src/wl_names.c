/* SPDX-License-Identifier: MIT */
/*
 * Name and size workloads: create/rename/unlink made durable by fsync of
 * the directory, and truncate/fallocate made durable by fsync of the file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctwl.h"

#define NFILES 8

/* Create dir/name with len bytes of seed's pattern, fsync the file. */
static int create_file(struct ctwl *c, const char *rel, size_t len,
		       uint64_t seed)
{
	int fd = open(ctwl_path(c, rel), O_RDWR | O_CREAT | O_EXCL, 0644);
	int rc;

	if (fd < 0)
		return ctwl_err("creating %s", rel);
	rc = ctwl_pwrite_pattern(fd, 0, len, seed, 0);
	if (!rc && fsync(fd))
		rc = ctwl_err("fsync of %s", rel);
	close(fd);
	return rc;
}

static int dir_ops(struct ctwl *c)
{
	size_t len = c->bytes / (2 * NFILES) + 1000;
	char a[64], b[64];
	uint64_t id;

	if (mkdir(ctwl_path(c, "d"), 0755) || ctwl_fsync_path(c, "."))
		return ctwl_err("mkdir d and fsync of the root");
	id = ctwl_mark(c, "mkdir + fsync of the parent returned");
	if (ctwl_name(c, id, "d"))
		return -1;
	for (unsigned k = 0; k < NFILES; k++) {
		uint64_t seed = ctwl_seed(c);

		snprintf(a, sizeof(a), "d/new%u", k);
		snprintf(b, sizeof(b), "d/file%u", k);
		/* create + fsync(file) + fsync(dir): name and data. */
		if (create_file(c, a, len, seed) || ctwl_fsync_path(c, "d"))
			return -1;
		id = ctwl_mark(c, "create + fsync of file and directory returned");
		if (ctwl_name(c, id, a) || ctwl_data(c, id, a, 0, len, seed))
			return -1;
		/* rename + fsync(dir): the new name replaces the old. */
		if (rename(ctwl_path(c, a), ctwl_path(c, b)))
			return ctwl_err("rename %s to %s", a, b);
		if (ctwl_fsync_path(c, "d"))
			return -1;
		id = ctwl_mark(c, "rename + fsync of the directory returned");
		if (ctwl_rename(c, id, a, b))
			return -1;
		/* Every other file: unlink + fsync(dir). */
		if (k & 1) {
			if (unlink(ctwl_path(c, b)))
				return ctwl_err("unlink %s", b);
			if (ctwl_fsync_path(c, "d"))
				return -1;
			id = ctwl_mark(c, "unlink + fsync of the directory returned");
			if (ctwl_gone(c, id, b))
				return -1;
		}
	}
	return 0;
}

static int fsync_fd(int fd, const char *what)
{
	return fsync(fd) ? ctwl_err("fsync after %s", what) : 0;
}

static int trunc_falloc(struct ctwl *c)
{
	const char *name = "sized";
	size_t big = c->bytes / 2 + 4093, cut = c->bytes / 4 + 3;
	off_t pre = (off_t)(c->bytes / 2 + 65536) & ~(off_t)4095;
	size_t prelen = c->bytes / 4 + 65536;
	uint64_t seed = ctwl_seed(c), seed2 = ctwl_seed(c), id;
	int fd = open(ctwl_path(c, name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	int rc = -1;

	if (fd < 0)
		return ctwl_err("creating %s", name);
	if (ctwl_pwrite_pattern(fd, 0, big, seed, 0) || fsync_fd(fd, "write") ||
	    ctwl_fsync_path(c, "."))
		goto out;
	id = ctwl_mark(c, "write + fsync returned");
	if (ctwl_name(c, id, name) || ctwl_data(c, id, name, 0, big, seed))
		goto out;

	if (ftruncate(fd, (off_t)cut) || fsync_fd(fd, "truncate")) {
		ctwl_err("truncating %s to %zu", name, cut);
		goto out;
	}
	id = ctwl_mark(c, "truncate down + fsync returned");
	if (ctwl_size(c, id, name, cut))
		goto out;

	/* Preallocate past EOF, then write into it: the write converts
	 * unwritten extents, which fsync must make durable. */
	if (fallocate(fd, 0, pre, (off_t)prelen) || fsync_fd(fd, "fallocate")) {
		ctwl_err("fallocate of %s", name);
		goto out;
	}
	id = ctwl_mark(c, "fallocate + fsync returned");
	if (ctwl_size(c, id, name, (uint64_t)pre + prelen) ||
	    ctwl_zero(c, id, name, (uint64_t)pre, prelen))
		goto out;

	if (ctwl_pwrite_pattern(fd, (uint64_t)pre + 4096, prelen - 8192,
				seed2, 0) || fsync_fd(fd, "write"))
		goto out;
	id = ctwl_mark(c, "write into preallocated space + fsync returned");
	if (ctwl_data(c, id, name, (uint64_t)pre + 4096, prelen - 8192, seed2))
		goto out;

	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      pre + 8192, 8192) || fsync_fd(fd, "punch hole")) {
		ctwl_err("punching a hole in %s", name);
		goto out;
	}
	id = ctwl_mark(c, "punch hole + fsync returned");
	if (ctwl_zero(c, id, name, (uint64_t)pre + 8192, 8192))
		goto out;
	rc = 0;
out:
	close(fd);
	return rc;
}

const struct ctwl_workload ctwl_dir_ops = {
	.name = "dir-ops",
	.promise = "a created, renamed or unlinked name is durable once fsync of its directory returns",
	.run = dir_ops,
};

const struct ctwl_workload ctwl_trunc_falloc = {
	.name = "trunc-falloc",
	.promise = "size changes by truncate and fallocate, and writes into preallocated space, are durable once fsync returns",
	.run = trunc_falloc,
};
