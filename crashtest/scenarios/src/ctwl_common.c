/* SPDX-License-Identifier: MIT */
/* Helpers shared by the workloads: errors, paths, pattern writes, marks. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "ctmanifest.h"
#include "ctwl.h"
#include "daxlab/pattern.h"
#include "pmmark.h"

static int saw_enospc;

int ctwl_out_of_space(void)
{
	return saw_enospc;
}

int ctwl_err(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	if (e == ENOSPC)
		saw_enospc = 1;
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
	/* One buffer, one pwritev2 for all of it (short writes aside): the
	 * kernel path each operation takes is part of the scenario, so no
	 * chunking as dx_pattern_write_fd does. */
	dx_pattern_fill(DX_PATTERN_CTWL, seed, off, buf, len);
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

/* Copy into a mapping with 8-byte stores where aligned (byte stores at the
 * edges), as a program storing words would; a plain memcpy may use rep
 * movsb, which the tracer sees one byte at a time. */
void ctwl_store_words(unsigned char *dst, const unsigned char *src,
		      size_t len)
{
	size_t i = 0;

	for (; i < len && ((uintptr_t)(dst + i) & 7); i++)
		((volatile unsigned char *)dst)[i] = src[i];
	for (; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, src + i, 8);
		*(volatile uint64_t *)(dst + i) = w;
	}
	for (; i < len; i++)
		((volatile unsigned char *)dst)[i] = src[i];
}

uint64_t ctwl_mark(struct ctwl *c, const char *label)
{
	uint64_t id = c->next_id++;

	if (c->traced)
		pmmark_mark(id, label);
	return id;
}

/* One manifest line, flushed: a workload killed later loses no promise
 * whose mark is already in the trace. */
static int promise(struct ctwl *c, uint64_t id, enum ctm_kind kind,
		   const char *path, const char *path2, uint64_t off,
		   uint64_t len, uint64_t seed)
{
	struct ctm_promise p;
	char err[512] = "";

	memset(&p, 0, sizeof(p));
	p.id = id;
	p.kind = kind;
	p.off = off;
	p.len = len;
	p.seed = seed;
	if (snprintf(p.path, sizeof(p.path), "%s", path) >= (int)sizeof(p.path) ||
	    snprintf(p.path2, sizeof(p.path2), "%s", path2 ? path2 : "") >=
		    (int)sizeof(p.path2)) {
		fprintf(stderr, "ctwl: a path of mark %llu is too long for the "
			"manifest\n", (unsigned long long)id);
		return -1;
	}
	if (ctm_write_promise(c->manifest, &p, err, sizeof(err)) ||
	    fflush(c->manifest)) {
		if (!err[0] || ferror(c->manifest))
			return ctwl_err("writing the manifest");
		fprintf(stderr, "ctwl: %s\n", err);
		return -1;
	}
	return 0;
}

int ctwl_data(struct ctwl *c, uint64_t id, const char *path, uint64_t off,
	      uint64_t len, uint64_t seed)
{
	return promise(c, id, CTM_DATA, path, NULL, off, len, seed);
}

int ctwl_zero(struct ctwl *c, uint64_t id, const char *path, uint64_t off,
	      uint64_t len)
{
	return promise(c, id, CTM_ZERO, path, NULL, off, len, 0);
}

int ctwl_size(struct ctwl *c, uint64_t id, const char *path, uint64_t size)
{
	return promise(c, id, CTM_SIZE, path, NULL, 0, size, 0);
}

int ctwl_name(struct ctwl *c, uint64_t id, const char *path)
{
	return promise(c, id, CTM_NAME, path, NULL, 0, 0, 0);
}

int ctwl_gone(struct ctwl *c, uint64_t id, const char *path)
{
	return promise(c, id, CTM_GONE, path, NULL, 0, 0, 0);
}

int ctwl_rename(struct ctwl *c, uint64_t id, const char *from, const char *to)
{
	return promise(c, id, CTM_RENAME, from, to, 0, 0, 0);
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
