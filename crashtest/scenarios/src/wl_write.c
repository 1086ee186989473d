/* SPDX-License-Identifier: MIT */
/*
 * Write-path workloads: write()+fsync, O_SYNC writes, RWF_DSYNC writes.
 * Lengths and offsets are deliberately not multiples of 8 so that the
 * kernel's flushcache copies take their cached head/tail paths, and
 * write-fsync also writes through sendfile(), whose kernel-buffer
 * (bvec) copy goes through memcpy_flushcache rather than the user-copy
 * variant.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ctwl.h"

#define NOPS 16

/* Length of operation k: about bytes/NOPS, with an odd tail. */
static size_t op_len(const struct ctwl *c, unsigned k)
{
	size_t base = c->bytes / NOPS;

	return (base > 64 ? base : 64) + (k * 37u) % 61u + 1;
}

/* Write [off, off+len) with the pattern of seed through sendfile() from a
 * temporary file outside the DAX mount. */
static int sendfile_pattern(int fd, uint64_t off, size_t len, uint64_t seed)
{
	char tmpl[] = "/tmp/ctwl-src-XXXXXX";
	int src = mkstemp(tmpl);
	off_t in = (off_t)off;
	size_t done = 0;
	int rc = -1;

	if (src < 0)
		return ctwl_err("creating a temporary file");
	unlink(tmpl);
	if (ctwl_pwrite_pattern(src, off, len, seed, 0))
		goto out;
	if (lseek(fd, (off_t)off, SEEK_SET) < 0) {
		ctwl_err("seeking to %llu", (unsigned long long)off);
		goto out;
	}
	while (done < len) {
		ssize_t n = sendfile(fd, src, &in, len - done);

		if (n <= 0) {
			ctwl_err("sendfile of %zu bytes", len - done);
			goto out;
		}
		done += (size_t)n;
	}
	rc = 0;
out:
	close(src);
	return rc;
}

static int write_fsync(struct ctwl *c)
{
	const char *name = "data";
	int fd = open(ctwl_path(c, name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint64_t off = 0;
	int rc = 0;

	if (fd < 0)
		return ctwl_err("creating %s", name);
	/* The name first: fsync of a file need not persist its directory
	 * entry (ext2 does not), so the data promises need it durable. */
	if (fsync(fd) || ctwl_fsync_path(c, "."))
		rc = ctwl_err("fsync after creating %s", name);
	if (!rc)
		rc = ctwl_name(c, ctwl_mark(c, "created file durable"), name);
	for (unsigned k = 0; k < NOPS && !rc; k++) {
		size_t len = op_len(c, k);
		uint64_t seed = ctwl_seed(c), id;

		rc = k & 1 ? sendfile_pattern(fd, off, len, seed)
			   : ctwl_pwrite_pattern(fd, off, len, seed, 0);
		if (!rc && fsync(fd))
			rc = ctwl_err("fsync of %s", name);
		if (rc)
			break;
		id = ctwl_mark(c, k & 1 ? "sendfile+fsync returned"
					: "write+fsync returned");
		rc = ctwl_data(c, id, name, off, len, seed);
		off += len;
	}
	close(fd);
	return rc;
}

/* Each write returns durable by itself: O_SYNC (open_flags) or RWF_DSYNC
 * (rwf). The file is created and made durable before the first write so
 * that the promises are about data, not the name. */
static int sync_writes(struct ctwl *c, const char *name, int open_flags,
		       int rwf, const char *label)
{
	int fd = open(ctwl_path(c, name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint64_t off = 0, id;
	int rc = 0;

	if (fd < 0)
		return ctwl_err("creating %s", name);
	if (fsync(fd) || ctwl_fsync_path(c, "."))
		rc = ctwl_err("fsync after creating %s", name);
	if (!rc) {
		id = ctwl_mark(c, "created file durable");
		rc = ctwl_name(c, id, name);
	}
	close(fd);
	if (rc)
		return rc;
	fd = open(ctwl_path(c, name), O_RDWR | open_flags);
	if (fd < 0)
		return ctwl_err("opening %s", name);
	for (unsigned k = 0; k < NOPS && !rc; k++) {
		size_t len = op_len(c, k);
		uint64_t seed = ctwl_seed(c);

		rc = ctwl_pwrite_pattern(fd, off, len, seed, rwf);
		if (rc)
			break;
		id = ctwl_mark(c, label);
		rc = ctwl_data(c, id, name, off, len, seed);
		off += len;
	}
	close(fd);
	return rc;
}

static int osync_write(struct ctwl *c)
{
	return sync_writes(c, "osync", O_SYNC, 0, "O_SYNC write returned");
}

static int dsync_write(struct ctwl *c)
{
	return sync_writes(c, "dsync", 0, RWF_DSYNC,
			   "RWF_DSYNC write returned");
}

const struct ctwl_workload ctwl_write_fsync = {
	.name = "write-fsync",
	.promise = "data of each write()/sendfile() is durable once the following fsync returns",
	.run = write_fsync,
};

const struct ctwl_workload ctwl_osync_write = {
	.name = "osync-write",
	.promise = "data of each O_SYNC write() is durable once it returns",
	.run = osync_write,
};

const struct ctwl_workload ctwl_dsync_write = {
	.name = "dsync-write",
	.promise = "data of each pwritev2(RWF_DSYNC) is durable once it returns",
	.run = dsync_write,
};
