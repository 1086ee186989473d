#include "verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prng.h"
#include "stop.h"

uint64_t pattern_word(uint64_t seed, uint64_t off)
{
	uint64_t st = seed ^ (off * 0xd6e8feb86659fd93ull);

	return splitmix64(&st);
}

void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off)
{
	uint64_t *w = buf;

	for (size_t i = 0; i < len / 8; i++)
		w[i] = pattern_word(seed, off + i * 8);
}

uint64_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off,
		       uint64_t *first_bad)
{
	const uint64_t *w = buf;
	uint64_t bad = 0;

	for (size_t i = 0; i < len / 8; i++) {
		if (w[i] == pattern_word(seed, off + i * 8))
			continue;
		if (!bad && first_bad)
			*first_bad = off + i * 8;
		bad++;
	}
	return bad;
}

enum { CHUNK = 1 << 20 };

int64_t pattern_check_fd(int fd, uint64_t off, uint64_t len, uint64_t seed,
			 uint64_t *first_bad)
{
	char *buf = malloc(CHUNK);
	int64_t bad = 0;

	if (!buf)
		return -1;
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;
		ssize_t got = stop_requested() ? -1 : pread(fd, buf, n, (off_t)(off + done));

		if (got != (ssize_t)n) {
			errno = got >= 0 ? EIO : stop_requested() ? EINTR : errno;
			free(buf);
			return -1;
		}
		uint64_t fb = 0, b = pattern_check(buf, n, seed, off + done, &fb);

		if (b && !bad && first_bad)
			*first_bad = fb;
		bad += (int64_t)b;
		done += n;
	}
	free(buf);
	return bad;
}

int pattern_write_fd(int fd, uint64_t off, uint64_t len, uint64_t seed, uint64_t *done)
{
	char *buf = malloc(CHUNK);

	*done = 0;
	if (!buf)
		return -1;
	while (*done < len) {
		size_t n = len - *done < CHUNK ? len - *done : CHUNK;

		if (stop_requested()) {
			free(buf);
			errno = EINTR;
			return -1;
		}
		pattern_fill(buf, n, seed, off + *done);
		for (size_t put = 0; put < n;) {
			ssize_t w = pwrite(fd, buf + put, n - put, (off_t)(off + *done + put));

			if (w <= 0) {
				/* A write that makes no progress has run out of space. */
				if (w == 0)
					errno = ENOSPC;
				*done += put;
				free(buf);
				return -1;
			}
			put += (size_t)w;
		}
		*done += n;
	}
	free(buf);
	return 0;
}
