/*
 * Seeded PRNG: splitmix64 expands the seed, xoshiro256** generates.
 * Every random choice in daxwl comes from here, so a run is reproducible
 * from its --seed.
 */
#ifndef DAXWL_PRNG_H
#define DAXWL_PRNG_H
#include <stddef.h>
#include <stdint.h>

struct prng {
	uint64_t s[4];
};

uint64_t splitmix64(uint64_t *state);
void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* Uniform in [0, bound), bound > 0, without modulo bias. */
uint64_t prng_below(struct prng *r, uint64_t bound);
/* Fisher-Yates shuffle of v[0..n). */
void prng_shuffle(struct prng *r, uint64_t *v, size_t n);

#endif
