/* SPDX-License-Identifier: MIT */
/* A set of 64-bit image keys (open addressing) for de-duplication. */
#ifndef PMSIM_STATE_SET_H
#define PMSIM_STATE_SET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct state_set {
	uint64_t *slot;
	size_t size, used;
};

int pms_state_set_init(struct state_set *s);
void pms_state_set_free(struct state_set *s);
void pms_state_set_clear(struct state_set *s);
/* 1 if newly inserted, 0 if present, -1 on allocation failure. */
int pms_state_set_insert(struct state_set *s, uint64_t key);

/* Slot of a key: shared by insert and prefetch. */
static inline size_t pms_state_set_slot(const struct state_set *s, uint64_t key)
{
	key = key ? key : 1;	/* 0 marks an empty slot */
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (s->size - 1);
}

/* Start loading a key's slot: the table is large, so the insert of the
 * next state would otherwise wait for memory. A macro: as an inline
 * function GCC finds it free of side effects and drops the call. */
#define pms_state_set_prefetch(s, key) \
	__builtin_prefetch(&(s)->slot[pms_state_set_slot((s), (key))])

#endif
