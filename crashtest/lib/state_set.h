/* SPDX-License-Identifier: MIT */
/* A set of 128-bit image keys (open addressing) for de-duplication. */
#ifndef PMSIM_STATE_SET_H
#define PMSIM_STATE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

struct state_set {
	struct pms_key *slot;	/* {0, 0}: empty */
	size_t size, used;
};

int pms_state_set_init(struct state_set *s);
void pms_state_set_free(struct state_set *s);
void pms_state_set_clear(struct state_set *s);
/* 1 if newly inserted, 0 if present, -1 on allocation failure. */
int pms_state_set_insert(struct state_set *s, struct pms_key key);

/* Slot of a key: shared by insert and prefetch. The key is a hash
 * already; its low lane picks the slot. */
static inline size_t pms_state_set_slot(const struct state_set *s,
					struct pms_key key)
{
	return (size_t)key.lo & (s->size - 1);
}

/* Start loading a key's slot: the table is large, so the insert of the
 * next state would otherwise wait for memory. A macro: as an inline
 * function GCC finds it free of side effects and drops the call. */
#define pms_state_set_prefetch(s, key) \
	__builtin_prefetch(&(s)->slot[pms_state_set_slot((s), (key))])

#endif
