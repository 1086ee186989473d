// SPDX-License-Identifier: MIT
/* Saving a region's initial content to a raw image file. */
#include "region_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/mem.h"

/*
 * Write buf (n bytes, for file offset off) to out, leaving out what is zero
 * in whole 4 KiB pages: out is truncated to its size first, so a page not
 * written reads as zeros. The namespace's zeroing and mkfs's zeroed inode
 * tables and journal make most of a region zero that is still allocated
 * in the backing file; written whole, each image was 60 MiB and more, and
 * a campaign's traces went to the disk at hundreds of MiB a minute.
 */
static int write_nonzero(int out, const char *buf, size_t n, off_t off)
{
	enum { PAGE = 4096 };
	size_t at = 0;

	while (at < n) {
		size_t start, end;

		while (at < n && dx_is_zero(buf + at, n - at < PAGE ? n - at : PAGE))
			at += PAGE;
		if (at >= n)
			break;
		start = at;
		while (at < n && !dx_is_zero(buf + at, n - at < PAGE ? n - at : PAGE))
			at += PAGE;
		end = at < n ? at : n;
		for (size_t w = start; w < end;) {
			ssize_t k = pwrite(out, buf + w, end - w, off + (off_t)w);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return k < 0 ? -errno : -EIO;
			w += (size_t)k;
		}
	}
	return 0;
}

/* Copy [off, off+len) of in to the same offset of out, zero pages left as
 * holes. */
static int copy_extent(int in, int out, uint64_t off, uint64_t len)
{
	static char buf[1 << 16];
	off_t at = (off_t)off;

	while (len) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t n = pread(in, buf, want, at);
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;	/* 0: source shorter than claimed */
		if ((r = write_nonzero(out, buf, (size_t)n, at)))
			return r;
		at += n;
		len -= (uint64_t)n;
	}
	return 0;
}

/*
 * Copy the first size bytes, keeping holes: a fresh NVDIMM file is sparse
 * and most of it stays so, which keeps a 256 MiB image to a few MiB.
 */
static int copy_range(int in, int out, uint64_t size)
{
	uint64_t pos = 0;

	if (ftruncate(out, (off_t)size))
		return -errno;
	while (pos < size) {
		off_t data = lseek(in, (off_t)pos, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break;			/* only a hole is left */
		if (data < 0)			/* no SEEK_DATA: copy it all */
			return copy_extent(in, out, pos, size - pos);
		if ((uint64_t)data >= size)
			break;
		hole = lseek(in, data, SEEK_HOLE);
		if (hole < 0 || (uint64_t)hole > size)
			hole = (off_t)size;
		if (copy_extent(in, out, (uint64_t)data, (uint64_t)(hole - data)))
			return -EIO;
		pos = (uint64_t)hole;
	}
	return 0;
}

int image_copy_file(const char *src, uint64_t size, const char *dst,
		    char *err, size_t errlen)
{
	struct stat st;
	int in, out, r;

	in = open(src, O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		snprintf(err, errlen, "backing file %s: %s", src,
			 strerror(errno));
		return -1;
	}
	if (fstat(in, &st) || (uint64_t)st.st_size < size) {
		snprintf(err, errlen, "backing file %s is %lld bytes, smaller "
			 "than its region (%llu bytes): wrong file for the "
			 "region?", src, (long long)st.st_size,
			 (unsigned long long)size);
		close(in);
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		snprintf(err, errlen, "image %s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	r = copy_range(in, out, size);
	if (close(out) && !r)
		r = -errno;
	close(in);
	if (r) {
		snprintf(err, errlen, "copying %s to %s: %s", src, dst,
			 strerror(-r));
		return -1;
	}
	return 0;
}

int image_from_guest(image_read_fn read, void *ctx, uint64_t base,
		     uint64_t size, const char *dst, char *err, size_t errlen)
{
	const size_t chunk = 1 << 16;
	char *buf = malloc(chunk);
	int out, r = 0;

	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		snprintf(err, errlen, "image %s: %s", dst, strerror(errno));
		free(buf);
		return -1;
	}
	if (ftruncate(out, (off_t)size)) {
		snprintf(err, errlen, "image %s: %s", dst, strerror(errno));
		r = -1;
	}
	for (uint64_t off = 0; off < size && !r; off += chunk) {
		size_t n = size - off < chunk ? (size_t)(size - off) : chunk;

		if (!read(ctx, base + off, buf, n)) {
			snprintf(err, errlen, "guest memory at 0x%llx is not "
				 "readable through the direct map; give "
				 "backing=FILE for the region",
				 (unsigned long long)(base + off));
			r = -1;
			break;
		}
		if ((r = write_nonzero(out, buf, n, (off_t)off))) {
			snprintf(err, errlen, "image %s: %s", dst, strerror(-r));
			r = -1;
		}
	}
	if (close(out) && !r) {
		snprintf(err, errlen, "image %s: %s", dst, strerror(errno));
		r = -1;
	}
	free(buf);
	return r;
}
