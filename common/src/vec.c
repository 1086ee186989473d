// SPDX-License-Identifier: MIT
#include "daxlab/vec.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int dx_reserve(void *pp, size_t *cap, size_t need, size_t elem)
{
	size_t c = *cap;
	void *p, *np;

	if (need <= c)
		return 0;
	if (c < 16)
		c = 16;
	while (c < need) {
		if (c > SIZE_MAX / 2) {
			c = need;
			break;
		}
		c *= 2;
	}
	if (!elem || c > SIZE_MAX / elem) {
		/* Doubling overshot: ask for exactly what is needed. */
		if (!elem || need > SIZE_MAX / elem) {
			errno = ENOMEM;
			return -1;
		}
		c = need;
	}
	/* The pointer is read and written as bytes: pp may point to any
	 * object pointer type, which all share void *'s representation here. */
	memcpy(&p, pp, sizeof(p));
	np = realloc(p, c * elem);
	if (!np) {
		errno = ENOMEM;
		return -1;
	}
	memcpy(pp, &np, sizeof(np));
	*cap = c;
	return 0;
}
