// SPDX-License-Identifier: MIT
/*
 * Image slots. Every state's changed lines go to one log; a slot that
 * last held a state some states ago copies the lines logged since then,
 * newest first and each line once: enumeration flips the same few lines
 * over and over, so a slot 64 states behind copies two or three lines,
 * not 64 times the changes.
 */
#include <stdlib.h>
#include <string.h>

#include "image_file.h"
#include "image_slots.h"

/* The log keeps what the slot furthest behind still needs, trimmed in
 * steps of this many changes. */
#define TRIM 4096u

int pms_slots_init(struct pms_slots *sl, unsigned n)
{
	sl->n = n;
	sl->pos = calloc(n, sizeof(*sl->pos));
	sl->whole = calloc(n, sizeof(*sl->whole));
	if (!sl->pos || !sl->whole)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	return 0;
}

void pms_slots_free(struct pms_slots *sl)
{
	free(sl->pos);
	free(sl->whole);
	free(sl->log.v);
}

static void trim(struct pms_slots *sl)
{
	uint64_t low = sl->log_base + sl->log.n;

	for (unsigned k = 0; k < sl->n; k++)
		if (!sl->whole[k] && sl->pos[k] < low)
			low = sl->pos[k];
	memmove(sl->log.v, sl->log.v + (low - sl->log_base),
		(sl->log.n - (low - sl->log_base)) * sizeof(*sl->log.v));
	sl->log.n -= low - sl->log_base;
	sl->log_base = low;
}

int pms_slots_note(struct pms_slots *sl, const uint64_t *changed, size_t nchanged)
{
	if (nchanged == SIZE_MAX) {
		for (unsigned k = 0; k < sl->n; k++)
			sl->whole[k] = true;
		sl->log_base += sl->log.n;
		sl->log.n = 0;
		return 0;
	}
	if (sl->log.n >= TRIM)
		trim(sl);
	for (size_t i = 0; i < nchanged; i++)
		if (DX_VEC_PUSH(sl->log, changed[i]))
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	return 0;
}

/* Has this update copied line a already? Records it if not; a full
 * table copies again rather than miss one. */
static bool seen(struct pms_slots *sl, uint64_t a)
{
	size_t h = (size_t)((a >> 6) * 0x9e3779b97f4a7c15ull >> 57);	/* 7 bits */

	for (unsigned probe = 0; probe < 8; probe++, h = (h + 1) % PMS_SLOTS_SEEN) {
		if (sl->seen_gen[h] != sl->gen) {
			sl->seen_gen[h] = sl->gen;
			sl->seen[h] = a;
			return false;
		}
		if (sl->seen[h] == a)
			return true;
	}
	return false;
}

static void copy_line(struct pms_slots *sl, const struct sim *s, unsigned char *img,
		      uint64_t a)
{
	for (size_t i = 0; i < s->t->nreg; i++) {
		const struct pmsim_region *r = &s->t->reg[i];

		if (a >= r->base && a - r->base < r->size) {
			memcpy(img + sl->off[i] + (a - r->base), s->view[i] + (a - r->base),
			       LINE_SIZE);
			return;
		}
	}
}

void pms_slots_write(struct pms_slots *sl, const struct sim *s, unsigned k)
{
	unsigned char *img = sl->map + (uint64_t)k * sl->size;
	uint64_t end = sl->log_base + sl->log.n;

	if (sl->whole[k]) {
		pms_image_mem_write(s, s->view, img, sl->off);
	} else {
		if (!++sl->gen) {	/* wrapped: no stale generation may match */
			memset(sl->seen_gen, 0, sizeof(sl->seen_gen));
			sl->gen = 1;
		}
		for (uint64_t i = end; i-- > sl->pos[k];) {
			uint64_t a = sl->log.v[i - sl->log_base];

			if (!seen(sl, a))
				copy_line(sl, s, img, a);
		}
	}
	sl->whole[k] = false;
	sl->pos[k] = end;
}
