// SPDX-License-Identifier: MIT
/*
 * The de-duplication set. Millions of random probes: the table is mapped
 * with transparent huge pages where possible, since a TLB miss per probe
 * would otherwise dominate a run.
 */
#include "daxlab/mem.h"
#include "internal.h"
#include "state_set.h"

static struct pms_key *table_alloc(size_t n)
{
	return dx_big_alloc(n * sizeof(struct pms_key));
}

static void table_free(struct pms_key *t, size_t n)
{
	dx_big_free(t, n * sizeof(struct pms_key));
}

int pms_state_set_init(struct state_set *s)
{
	s->size = 1 << 12;
	s->used = 0;
	s->slot = table_alloc(s->size);
	return s->slot ? 0 : -1;
}

void pms_state_set_free(struct state_set *s)
{
	table_free(s->slot, s->size);
	s->slot = NULL;
}

void pms_state_set_clear(struct state_set *s)
{
	if (s->used) {
		memset(s->slot, 0, s->size * sizeof(*s->slot));
		s->used = 0;
	}
}

static bool empty(struct pms_key k)
{
	return !(k.hi | k.lo);
}

static int grow(struct state_set *s)
{
	struct state_set n = { .size = s->size * 2 };

	n.slot = table_alloc(n.size);
	if (!n.slot)
		return -1;
	for (size_t i = 0; i < s->size; i++) {
		struct pms_key k = s->slot[i];
		size_t j;

		if (empty(k))
			continue;
		for (j = pms_state_set_slot(&n, k); !empty(n.slot[j]);
		     j = (j + 1) & (n.size - 1))
			;
		n.slot[j] = k;
	}
	table_free(s->slot, s->size);
	s->slot = n.slot;
	s->size = n.size;
	return 0;
}

int pms_state_set_insert(struct state_set *s, struct pms_key key)
{
	size_t j;

	if (empty(key))
		key.lo = 1;	/* {0, 0} marks an empty slot */
	for (j = pms_state_set_slot(s, key); !empty(s->slot[j]);
	     j = (j + 1) & (s->size - 1))
		if (s->slot[j].hi == key.hi && s->slot[j].lo == key.lo)
			return 0;
	s->slot[j] = key;
	if (++s->used * 4 > s->size * 3 && grow(s))
		return -1;
	return 1;
}
