// SPDX-License-Identifier: MIT
/* Torn sectors of a crash state: see torn.h. */
#include <stdlib.h>

#include "torn.h"

/* Kernel text and data live in the upper half of the address space. */
#define KERNEL_PC 0xffff800000000000ull

struct mark {
	uint64_t sector;
	int persisted;
};

static int cmp_mark(const void *a, const void *b)
{
	const struct mark *x = a, *y = b;

	return x->sector < y->sector ? -1 : x->sector > y->sector;
}

static size_t collect(const struct pmsim_trace *t, const struct pmsim_piece *p,
		      size_t n, int persisted, uint64_t base, struct mark *m,
		      size_t k)
{
	for (size_t i = 0; i < n; i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, p[i].event);

		if (!e || e->pc < KERNEL_PC || p[i].addr < base)
			continue;
		m[k].sector = (p[i].addr - base) / TORN_SECTOR;
		m[k++].persisted = persisted;
	}
	return k;
}

size_t torn_sectors(const struct pmsim_trace *t,
		    const struct pmsim_violation *pv, uint64_t base,
		    struct torn_sector *out, size_t max)
{
	size_t n = pv->nlost + pv->npersisted, k, torn = 0;
	struct mark *m;

	if (!n)
		return 0;
	m = malloc(n * sizeof(*m));
	if (!m)
		return 0;
	k = collect(t, pv->lost, pv->nlost, 0, base, m, 0);
	k = collect(t, pv->persisted, pv->npersisted, 1, base, m, k);
	qsort(m, k, sizeof(*m), cmp_mark);
	for (size_t i = 0; i < k;) {
		unsigned lost = 0, kept = 0;
		size_t j = i;

		for (; j < k && m[j].sector == m[i].sector; j++) {
			if (m[j].persisted)
				kept++;
			else
				lost++;
		}
		if (lost && kept) {
			if (torn < max)
				out[torn] = (struct torn_sector){
					m[i].sector * TORN_SECTOR, lost, kept };
			torn++;
		}
		i = j;
	}
	free(m);
	return torn;
}
