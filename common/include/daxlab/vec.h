/* SPDX-License-Identifier: MIT */
/*
 * Growing arrays: the grow-by-doubling idiom once, with the overflow
 * checks that the copies of it lacked.
 *
 *	struct sym *syms = NULL;
 *	size_t nsyms = 0, cap = 0;
 *
 *	if (DX_RESERVE(syms, cap, nsyms + 1))
 *		return -1;		// errno is ENOMEM, syms unchanged
 *	syms[nsyms++] = s;
 *
 * or, with the three together:
 *
 *	DX_VEC(struct sym) v = { 0 };
 *
 *	if (DX_VEC_PUSH(v, s))
 *		return -1;
 *	... v.v[0 .. v.n) ...
 *	free(v.v);
 */
#ifndef DAXLAB_VEC_H
#define DAXLAB_VEC_H

#include <stddef.h>

/*
 * Make the array at *(void **)pp hold at least need elements of elem
 * bytes: its capacity *cap doubles (from 16 at least) until it does.
 * Returns 0, or -1 with errno ENOMEM (out of memory, or need * elem
 * overflows) and the array and *cap unchanged.
 */
int dx_reserve(void *pp, size_t *cap, size_t need, size_t elem);

#define DX_RESERVE(p, cap, need) dx_reserve(&(p), &(cap), (need), sizeof(*(p)))

/* An anonymous struct type: the elements, their number, the capacity. */
#define DX_VEC(T) struct { T *v; size_t n, cap; }

/* Append x; 0, or -1 (ENOMEM) with the vector unchanged. */
#define DX_VEC_PUSH(vec, x) \
	(DX_RESERVE((vec).v, (vec).cap, (vec).n + 1) ? -1 : \
	 ((vec).v[(vec).n++] = (x), 0))

#endif /* DAXLAB_VEC_H */
