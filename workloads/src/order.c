#include "order.h"

#include <stdint.h>
#include <stdlib.h>

const char *const order_names[] = { "seq", "rand", NULL };

int order_init(struct order *o, uint64_t n, int kind, struct dx_prng *rng)
{
	o->n = n;
	o->pos = 0;
	o->rand = kind == ORDER_RAND;
	o->rng = rng;
	o->idx = NULL;
	if (!o->rand)
		return 0;
	if (n > SIZE_MAX / sizeof(*o->idx))
		return -1;
	o->idx = malloc(n * sizeof(*o->idx));
	if (!o->idx)
		return -1;
	for (uint64_t i = 0; i < n; i++)
		o->idx[i] = i;
	dx_prng_shuffle(rng, o->idx, n);
	return 0;
}

uint64_t order_next(struct order *o)
{
	if (o->pos == o->n) {
		o->pos = 0;
		if (o->rand)
			dx_prng_shuffle(o->rng, o->idx, o->n);
	}
	uint64_t i = o->pos++;

	return o->rand ? o->idx[i] : i;
}

void order_free(struct order *o)
{
	free(o->idx);
	o->idx = NULL;
}
