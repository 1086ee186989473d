// SPDX-License-Identifier: MIT
/* Seeded content patterns: see daxlab/pattern.h. */
#include "daxlab/pattern.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

enum { CHUNK = 1 << 20 };

/* The pattern's byte at file offset o. */
static inline unsigned char pattern_byte(enum dx_pattern kind, uint64_t seed,
					 uint64_t o)
{
	return (unsigned char)(dx_pattern_word(kind, seed, o >> 3) >> (8 * (o & 7)));
}

/* Store w at p in little-endian byte order, the order the pattern is
 * defined in, as one 8-byte store rather than eight byte stores. */
static inline void put_le64(unsigned char *p, uint64_t w)
{
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
	w = __builtin_bswap64(w);
#endif
	memcpy(p, &w, sizeof(w));
}

/* Whole words of one kind; the kind is a constant in each caller so the
 * word function inlines without a branch per word (a fill of a 2 GiB
 * target is setup time the user waits for). */
static size_t fill_words(enum dx_pattern kind, uint64_t seed, uint64_t index,
			 unsigned char *b, size_t nwords)
{
	for (size_t w = 0; w < nwords; w++)
		put_le64(b + 8 * w, dx_pattern_word(kind, seed, index + w));
	return 8 * nwords;
}

void dx_pattern_fill(enum dx_pattern kind, uint64_t seed, uint64_t off,
		     void *buf, size_t len)
{
	unsigned char *b = buf;
	size_t i = 0;

	/* Head and tail are the bytes of a word cut by the buffer's ends. */
	for (; i < len && ((off + i) & 7); i++)
		b[i] = pattern_byte(kind, seed, off + i);
	if (kind == DX_PATTERN_CTWL)
		i += fill_words(DX_PATTERN_CTWL, seed, (off + i) >> 3, b + i,
				(len - i) / 8);
	else
		i += fill_words(DX_PATTERN_DAXWL, seed, (off + i) >> 3, b + i,
				(len - i) / 8);
	for (; i < len; i++)
		b[i] = pattern_byte(kind, seed, off + i);
}

/* Whether buf (file offsets [o, o + n), within one word) matches. */
static int word_ok(enum dx_pattern kind, uint64_t seed, uint64_t o,
		   const unsigned char *buf, size_t n, size_t *bad_at)
{
	uint64_t w = dx_pattern_word(kind, seed, o >> 3);

	for (size_t j = 0; j < n; j++)
		if (buf[j] != (unsigned char)(w >> (8 * ((o + j) & 7)))) {
			*bad_at = j;
			return 0;
		}
	return 1;
}

/* Length of the piece from o to the end of its word, at most left. */
static size_t piece(uint64_t o, size_t left)
{
	size_t n = 8 - (size_t)(o & 7);

	return n < left ? n : left;
}

size_t dx_pattern_mismatch(enum dx_pattern kind, uint64_t seed, uint64_t off,
			   const void *buf, size_t len)
{
	const unsigned char *b = buf;
	size_t i = 0, at;

	while (i < len) {
		size_t n = piece(off + i, len - i);

		if (!word_ok(kind, seed, off + i, b + i, n, &at))
			return i + at;
		i += n;
	}
	return len;
}

uint64_t dx_pattern_check(enum dx_pattern kind, uint64_t seed, uint64_t off,
			  const void *buf, size_t len, uint64_t *first_bad)
{
	const unsigned char *b = buf;
	uint64_t bad = 0;
	size_t i = 0, at;

	while (i < len) {
		size_t n = piece(off + i, len - i);

		if (!word_ok(kind, seed, off + i, b + i, n, &at)) {
			if (!bad && first_bad)
				*first_bad = off + i;
			bad++;
		}
		i += n;
	}
	return bad;
}

/* All n bytes at off, retrying EINTR and short transfers. 0, or -1 with
 * errno (ENOSPC for a write, EIO for a read, that makes no progress). */
static int rw_all(int fd, bool write, unsigned char *buf, size_t n,
		  uint64_t off, int rwf_flags)
{
	for (size_t done = 0; done < n;) {
		struct iovec iov = { buf + done, n - done };
		ssize_t r = !write ? pread(fd, iov.iov_base, iov.iov_len,
					   (off_t)(off + done)) :
			    rwf_flags ? pwritev2(fd, &iov, 1, (off_t)(off + done),
						 rwf_flags) :
			    pwrite(fd, iov.iov_base, iov.iov_len,
				   (off_t)(off + done));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = write ? ENOSPC : EIO;
			return -1;
		}
		done += (size_t)r;
	}
	return 0;
}

int dx_pattern_write_fd(int fd, enum dx_pattern kind, uint64_t seed,
			uint64_t off, uint64_t len, int rwf_flags)
{
	size_t size = len < CHUNK ? (size_t)len : CHUNK;
	unsigned char *buf = malloc(size ? size : 1);
	int rc = 0;

	if (!buf)
		return -1;
	for (uint64_t done = 0; !rc && done < len;) {
		size_t n = len - done < size ? (size_t)(len - done) : size;

		dx_pattern_fill(kind, seed, off + done, buf, n);
		rc = rw_all(fd, true, buf, n, off + done, rwf_flags);
		done += n;
	}
	free(buf);	/* free keeps errno (POSIX 2024; glibc does) */
	return rc;
}

int64_t dx_pattern_check_fd(int fd, enum dx_pattern kind, uint64_t seed,
			    uint64_t off, uint64_t len, uint64_t *first_bad)
{
	size_t size = len < CHUNK ? (size_t)len : CHUNK;
	unsigned char *buf = malloc(size ? size : 1);
	int64_t bad = 0;

	if (!buf)
		return -1;
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < size ? (size_t)(len - done) : size;
		uint64_t fb = 0, b;

		/* A chunk that is not the last ends on a word boundary, or a
		 * word split across two chunks would count twice. */
		if (done + n < len)
			n -= (size_t)((off + done + n) & 7);
		if (rw_all(fd, false, buf, n, off + done, 0)) {
			bad = -1;
			break;
		}
		b = dx_pattern_check(kind, seed, off + done, buf, n, &fb);
		if (b && !bad && first_bad)
			*first_bad = fb;
		bad += (int64_t)b;
		done += n;
	}
	free(buf);
	return bad;
}
