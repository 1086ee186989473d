/* SPDX-License-Identifier: MIT */
/*
 * The checker server's image slots (image_slots.c): n crash images laid
 * out as image files, one after the other in one mapping, each brought
 * up to date with the lines changed since it last held a state.
 */
#ifndef PMSIM_IMAGE_SLOTS_H
#define PMSIM_IMAGE_SLOTS_H

#include "daxlab/vec.h"
#include "sim.h"

#define PMS_SLOTS_SEEN 128	/* lines one update de-duplicates */

struct pms_slots {
	unsigned char *map;	/* n images of size bytes */
	uint64_t size, *off;	/* of one image; offset of each region */
	unsigned n;
	DX_VEC(uint64_t) log;	/* lines changed, oldest first ... */
	uint64_t log_base;	/* ... log.v[0] being change number log_base */
	uint64_t *pos;		/* per slot: the changes it holds */
	bool *whole;		/* per slot: write it whole */
	uint64_t seen[PMS_SLOTS_SEEN];	/* lines copied by this update ... */
	uint32_t seen_gen[PMS_SLOTS_SEEN], gen;	/* ... when seen_gen == gen */
};

/* n slots (map, size and off are the caller's to set). */
int pms_slots_init(struct pms_slots *sl, unsigned n);
void pms_slots_free(struct pms_slots *sl);
/* The lines that changed for the next state (nchanged SIZE_MAX: all). */
int pms_slots_note(struct pms_slots *sl, const uint64_t *changed, size_t nchanged);
/* Bring slot k to the model's current image (s->view). */
void pms_slots_write(struct pms_slots *sl, const struct sim *s, unsigned k);

#endif
