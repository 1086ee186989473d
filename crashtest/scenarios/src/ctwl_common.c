/* SPDX-License-Identifier: MIT */
/* Helpers shared by the workloads: errors, paths, pattern writes, marks. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../ctpattern.h"
#include "../../guest/pmmark.h"
#include "ctwl.h"

int ctwl_err(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	fputs("ctwl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(e));
	return -1;
}

const char *ctwl_path(struct ctwl *c, const char *name)
{
	static char buf[4][4096];
	static unsigned slot;
	char *p = buf[slot++ % 4];

	snprintf(p, sizeof(buf[0]), "%s/%s", c->dir, name);
	return p;
}

uint64_t ctwl_seed(struct ctwl *c)
{
	return c->next_seed++;
}

int ctwl_pwrite_pattern(int fd, uint64_t off, size_t len, uint64_t seed,
			int rwf_flags)
{
	unsigned char *buf = malloc(len ? len : 1);
	size_t done = 0;

	if (!buf)
		return ctwl_err("allocating %zu bytes", len);
	ctpattern_fill(buf, seed, off, len);
	while (done < len) {
		struct iovec iov = { buf + done, len - done };
		ssize_t n = pwritev2(fd, &iov, 1, (off_t)(off + done),
				     rwf_flags);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return ctwl_err("writing %zu bytes at %llu", len - done,
					(unsigned long long)(off + done));
		}
		done += (size_t)n;
	}
	free(buf);
	return 0;
}

uint64_t ctwl_mark(struct ctwl *c, const char *label)
{
	uint64_t id = c->next_id++;

	if (c->traced)
		pmmark_mark(id, label);
	return id;
}

int ctwl_promise(struct ctwl *c, uint64_t id, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->manifest, "%llu ", (unsigned long long)id);
	va_start(ap, fmt);
	vfprintf(c->manifest, fmt, ap);
	va_end(ap);
	fputc('\n', c->manifest);
	return ferror(c->manifest) ? ctwl_err("writing the manifest") : 0;
}

int ctwl_fsync_path(struct ctwl *c, const char *name)
{
	int fd = open(ctwl_path(c, name), O_RDONLY | O_DIRECTORY);

	if (fd < 0)
		fd = open(ctwl_path(c, name), O_RDONLY);
	if (fd < 0)
		return ctwl_err("opening %s", name);
	if (fsync(fd)) {
		ctwl_err("fsync of %s", name);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}
