// SPDX-License-Identifier: MIT
/*
 * Buffered pmtrace writer. Libc only, so the QEMU tracer plugin can build
 * this file directly with -fPIC. Fields are encoded little-endian byte by
 * byte so the output does not depend on the host's byte order.
 */
#include "pmtrace.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WBUF_SIZE (1u << 20)

struct pmtrace_writer {
	int fd;
	int err;		/* first error, sticky */
	size_t used;
	unsigned char buf[WBUF_SIZE];
};

static void put_le(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static int write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t r = write(fd, p, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (r == 0)
			return -EIO;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int pmtrace_writer_flush(struct pmtrace_writer *w)
{
	if (!w)
		return -EINVAL;
	if (w->err)
		return w->err;
	if (w->used) {
		w->err = write_all(w->fd, w->buf, w->used);
		w->used = 0;
	}
	return w->err;
}

/* Append raw bytes, going around the buffer for large payloads. */
static int emit(struct pmtrace_writer *w, const void *data, size_t n)
{
	const unsigned char *p = data;

	if (w->err)
		return w->err;
	if (n > WBUF_SIZE - w->used) {
		if (pmtrace_writer_flush(w))
			return w->err;
		if (n >= WBUF_SIZE) {
			w->err = write_all(w->fd, p, n);
			return w->err;
		}
	}
	memcpy(w->buf + w->used, p, n);
	w->used += n;
	return 0;
}

static int emit_record(struct pmtrace_writer *w, unsigned type, unsigned kind,
		       uint64_t addr, uint64_t pc, const void *pre, size_t prelen,
		       const void *data, size_t len)
{
	static const unsigned char zeros[PMTRACE_ALIGN];
	unsigned char h[PMTRACE_REC_SIZE];
	uint64_t total = (uint64_t)prelen + len;

	if (!w)
		return -EINVAL;
	if (total > UINT32_MAX)
		return -EINVAL;
	h[0] = (unsigned char)type;
	h[1] = (unsigned char)kind;
	put_le(h + 2, 0, 2);
	put_le(h + 4, total, 4);
	put_le(h + 8, addr, 8);
	put_le(h + 16, pc, 8);
	if (emit(w, h, sizeof(h)) || (prelen && emit(w, pre, prelen)) ||
	    (len && emit(w, data, len)))
		return w->err;
	if (total % PMTRACE_ALIGN)
		return emit(w, zeros, PMTRACE_ALIGN - total % PMTRACE_ALIGN);
	return 0;
}

int pmtrace_writer_fdopen(struct pmtrace_writer **wp, int fd)
{
	unsigned char h[PMTRACE_HEADER_SIZE];
	struct pmtrace_writer *w;

	if (!wp || fd < 0)
		return -EINVAL;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->err = 0;
	w->used = 0;
	memcpy(h, PMTRACE_MAGIC, PMTRACE_MAGIC_LEN);
	put_le(h + 8, PMTRACE_VERSION, 4);
	put_le(h + 12, PMTRACE_HEADER_SIZE, 4);
	put_le(h + 16, 0, 8);
	put_le(h + 24, 0, 8);
	emit(w, h, sizeof(h));
	*wp = w;
	return 0;
}

int pmtrace_writer_open(struct pmtrace_writer **wp, const char *path)
{
	int fd, r;

	if (!wp || !path)
		return -EINVAL;
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	r = pmtrace_writer_fdopen(wp, fd);
	if (r)
		close(fd);
	return r;
}

int pmtrace_writer_close(struct pmtrace_writer *w)
{
	int r;

	if (!w)
		return -EINVAL;
	r = pmtrace_writer_flush(w);
	if (close(w->fd) && !r)
		r = -errno;
	free(w);
	return r;
}

int pmtrace_write_region(struct pmtrace_writer *w, uint64_t base,
			 uint64_t size, const char *name)
{
	unsigned char sz[8];

	if (!name || size == 0 || base + size < base)
		return -EINVAL;
	put_le(sz, size, 8);
	return emit_record(w, PMTRACE_REGION, 0, base, 0, sz, sizeof(sz), name,
			   strlen(name) + 1);
}

static int write_store(struct pmtrace_writer *w, unsigned type, uint64_t addr,
		       const void *data, uint32_t size, uint64_t pc)
{
	if (!data || size == 0 || size > PMTRACE_MAX_STORE)
		return -EINVAL;
	return emit_record(w, type, 0, addr, pc, NULL, 0, data, size);
}

int pmtrace_write_store(struct pmtrace_writer *w, uint64_t addr,
			const void *data, uint32_t size, uint64_t pc)
{
	return write_store(w, PMTRACE_STORE, addr, data, size, pc);
}

int pmtrace_write_ntstore(struct pmtrace_writer *w, uint64_t addr,
			  const void *data, uint32_t size, uint64_t pc)
{
	return write_store(w, PMTRACE_NTSTORE, addr, data, size, pc);
}

int pmtrace_write_flush(struct pmtrace_writer *w, enum pmtrace_flush_kind kind,
			uint64_t addr, uint64_t pc)
{
	if (!pmtrace_flush_name(kind))
		return -EINVAL;
	return emit_record(w, PMTRACE_FLUSH, kind, addr, pc, NULL, 0, NULL, 0);
}

int pmtrace_write_fence(struct pmtrace_writer *w, enum pmtrace_fence_kind kind,
			uint64_t pc)
{
	if (!pmtrace_fence_name(kind))
		return -EINVAL;
	return emit_record(w, PMTRACE_FENCE, kind, 0, pc, NULL, 0, NULL, 0);
}

int pmtrace_write_mark(struct pmtrace_writer *w, uint64_t id,
		       const char *label, uint64_t pc)
{
	if (!label)
		label = "";
	return emit_record(w, PMTRACE_MARK, 0, id, pc, NULL, 0, label,
			   strlen(label) + 1);
}

int pmtrace_write_image(struct pmtrace_writer *w, uint64_t addr,
			const void *data, uint64_t len)
{
	const unsigned char *p = data;
	const uint64_t chunk = 1ull << 30;

	if (!data && len)
		return -EINVAL;
	while (len > 0) {
		uint64_t n = len < chunk ? len : chunk;
		int r = emit_record(w, PMTRACE_IMAGE, PMTRACE_IMAGE_BYTES, addr,
				    0, NULL, 0, p, n);

		if (r)
			return r;
		addr += n;
		p += n;
		len -= n;
	}
	return 0;
}

int pmtrace_write_image_file(struct pmtrace_writer *w, uint64_t addr,
			     const char *path)
{
	if (!path || !*path)
		return -EINVAL;
	return emit_record(w, PMTRACE_IMAGE, PMTRACE_IMAGE_FILE, addr, 0, NULL,
			   0, path, strlen(path) + 1);
}

const char *pmtrace_flush_name(unsigned kind)
{
	static const char *const names[] = { "clwb", "clflushopt", "clflush" };

	return kind < 3 ? names[kind] : NULL;
}

const char *pmtrace_fence_name(unsigned kind)
{
	static const char *const names[] = { "sfence", "mfence", "rmw", "xchg",
					     "lfence" };

	return kind < 5 ? names[kind] : NULL;
}
