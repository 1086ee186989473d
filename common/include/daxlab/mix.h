/* SPDX-License-Identifier: MIT */
/*
 * 64-bit mixers. Their outputs are on disk (content patterns, verdict
 * keys, image keys), so they are bit-exact forever: a change here is a
 * new function, never an edit.
 */
#ifndef DAXLAB_MIX_H
#define DAXLAB_MIX_H

#include <stdint.h>

/* 2^64 / golden ratio: splitmix64's increment and a common seed. */
#define DX_GOLDEN64 0x9e3779b97f4a7c15ull

/* MurmurHash3's fmix64 finalizer: a bijection, every input bit reaches
 * every output bit. Image keys (libpmsim) and verdict keys (ctoracle). */
static inline uint64_t dx_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

/* splitmix64's output function, without the increment. */
static inline uint64_t dx_splitmix64_finalize(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* The splitmix64 generator: advance *state, return the next output. */
static inline uint64_t dx_splitmix64(uint64_t *state)
{
	*state += DX_GOLDEN64;
	return dx_splitmix64_finalize(*state);
}

/* splitmix64's output for the state after x: a stateless mixer. */
static inline uint64_t dx_splitmix64_at(uint64_t x)
{
	return dx_splitmix64_finalize(x + DX_GOLDEN64);
}

#endif /* DAXLAB_MIX_H */
