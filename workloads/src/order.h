/* The order in which a worker visits the blocks of its region. */
#ifndef DAXWL_ORDER_H
#define DAXWL_ORDER_H
#include <stdbool.h>
#include <stdint.h>

#include "daxlab/prng.h"

extern const char *const order_names[];	/* "seq", "rand" */
enum { ORDER_SEQ, ORDER_RAND };

struct order {
	uint64_t *idx;
	uint64_t n, pos;
	bool rand;
	struct dx_prng *rng;
};

/*
 * n blocks; random order visits every block once per pass, in a new
 * shuffled order each pass (as fio does with its random map).
 */
int order_init(struct order *o, uint64_t n, int kind, struct dx_prng *rng);
uint64_t order_next(struct order *o);
void order_free(struct order *o);

#endif
