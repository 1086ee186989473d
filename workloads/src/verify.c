#include "verify.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "prng.h"

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
		ssize_t got = pread(fd, buf, n, (off_t)(off + done));

		if (got != (ssize_t)n) {
			if (got >= 0)
				errno = EIO;
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

int pattern_write_fd(int fd, uint64_t off, uint64_t len, uint64_t seed)
{
	char *buf = malloc(CHUNK);

	if (!buf)
		return -1;
	for (uint64_t done = 0; done < len;) {
		size_t n = len - done < CHUNK ? len - done : CHUNK;

		pattern_fill(buf, n, seed, off + done);
		ssize_t put = pwrite(fd, buf, n, (off_t)(off + done));

		if (put != (ssize_t)n) {
			if (put >= 0)
				errno = ENOSPC;
			free(buf);
			return -1;
		}
		done += n;
	}
	free(buf);
	return 0;
}
