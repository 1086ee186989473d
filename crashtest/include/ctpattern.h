/* SPDX-License-Identifier: MIT */
/*
 * Content pattern shared by the scenario workload (which writes it) and the
 * durability oracle (which expects it): the byte at file offset off written
 * under seed s is a pure function of (s, off), so a promise only needs to
 * carry (file, offset, length, seed), never the bytes themselves.
 */
#ifndef CTPATTERN_H
#define CTPATTERN_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t ctpattern_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Fill buf with the pattern of seed for file offsets [off, off+len). */
static inline void ctpattern_fill(unsigned char *buf, uint64_t seed,
				  uint64_t off, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint64_t o = off + i;
		uint64_t w = ctpattern_mix(seed * 0x100000001b3ull ^ (o >> 3));
		unsigned b = (unsigned)(o & 7);

		for (; b < 8 && i < len; b++, i++)
			buf[i] = (unsigned char)(w >> (8 * b));
	}
}

/* Offset of the first byte in buf that differs from the pattern, or len. */
static inline size_t ctpattern_mismatch(const unsigned char *buf,
					uint64_t seed, uint64_t off, size_t len)
{
	unsigned char tmp[512];
	size_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(tmp) ? len - done : sizeof(tmp);

		ctpattern_fill(tmp, seed, off + done, n);
		for (size_t i = 0; i < n; i++)
			if (buf[done + i] != tmp[i])
				return done + i;
		done += n;
	}
	return len;
}

#endif /* CTPATTERN_H */
