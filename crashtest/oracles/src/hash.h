/* SPDX-License-Identifier: MIT */
/* A fast 128-bit non-cryptographic hash for verdict keys. */
#ifndef HASH_H
#define HASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct hash128 {
	uint64_t a, b;
};

static inline uint64_t hash_mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static inline void hash_init(struct hash128 *h)
{
	h->a = 0x243f6a8885a308d3ull;
	h->b = 0x13198a2e03707344ull;
}

static inline void hash_u64(struct hash128 *h, uint64_t v)
{
	h->a = hash_mix(h->a ^ v) + 0x9e3779b97f4a7c15ull;
	h->b = hash_mix(h->b + v * 0x9e3779b97f4a7c15ull) ^ h->a;
}

/* Hash len bytes (len a multiple of 8 for speed; the tail is padded). */
static inline void hash_bytes(struct hash128 *h, const unsigned char *p,
			      size_t len)
{
	uint64_t a = h->a, b = h->b, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		a = (a ^ w) * 0x9e3779b97f4a7c15ull;
		a ^= a >> 29;
		b = (b + w) * 0xbf58476d1ce4e5b9ull;
		b ^= b >> 31;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, p + i, len - i);
		a = (a ^ w) * 0x9e3779b97f4a7c15ull;
		b = (b + w) * 0xbf58476d1ce4e5b9ull;
	}
	h->a = hash_mix(a ^ len);
	h->b = hash_mix(b + h->a);
}

#endif /* HASH_H */
