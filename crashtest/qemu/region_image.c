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

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Copy [off, off+len) of in to the same offset of out. */
static int copy_extent(int in, int out, uint64_t off, uint64_t len)
{
	static char buf[1 << 16];
	off_t ioff = (off_t)off, ooff = (off_t)off;

	while (len) {
		ssize_t n = copy_file_range(in, &ioff, out, &ooff, len, 0);

		if (n > 0) {
			len -= (uint64_t)n;
			continue;
		}
		if (n == 0)
			return -EIO;	/* source shorter than claimed */
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS &&
		    errno != EOPNOTSUPP)
			return -errno;
		break;
	}
	while (len) {
		size_t want = len < sizeof(buf) ? (size_t)len : sizeof(buf);
		ssize_t n = pread(in, buf, want, ioff);
		ssize_t w;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		w = pwrite(out, buf, (size_t)n, ooff);
		if (w != n)
			return w < 0 ? -errno : -EIO;
		ioff += n;
		ooff += n;
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
		if (write_all(out, buf, n)) {
			snprintf(err, errlen, "image %s: %s", dst,
				 strerror(errno));
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
