/* SPDX-License-Identifier: MIT */
/*
 * Seeded pseudo-random numbers: a run is reproducible from its seed.
 * dx_prng is xoshiro256** seeded by splitmix64 (daxwl's generator);
 * dx_xorshift64s is the small generator of pmsim's random mode. Both are
 * bit-exact with what earlier runs drew, so a seed means the same run.
 */
#ifndef DAXLAB_PRNG_H
#define DAXLAB_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct dx_prng {
	uint64_t s[4];
};

void dx_prng_seed(struct dx_prng *r, uint64_t seed);
uint64_t dx_prng_next(struct dx_prng *r);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t dx_prng_below(struct dx_prng *r, uint64_t bound);
/* Fisher-Yates shuffle of v[0..n). */
void dx_prng_shuffle(struct dx_prng *r, uint64_t *v, size_t n);

/* xorshift64*: *x must not be 0 (seed it with a value | 1). */
static inline uint64_t dx_xorshift64s(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

#endif /* DAXLAB_PRNG_H */
