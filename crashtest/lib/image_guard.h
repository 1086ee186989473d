/* SPDX-License-Identifier: MIT */
/* The read-only view of a region that in-process checkers get, and undoing
 * their writes to it (image_guard.c). */
#ifndef PMSIM_IMAGE_GUARD_H
#define PMSIM_IMAGE_GUARD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/* Pages one checker call may write before the whole view is reset. */
#define PMS_GUARD_PAGES 256

struct pms_guard {
	unsigned char *view;	/* a private, read-only mapping */
	uint64_t size, page;
	unsigned slot;
	bool active;
	atomic_uint nwritten;	/* pages written since the last undo */
	uintptr_t written[PMS_GUARD_PAGES];
};

/* Watch writes to view; -1 when no slot or handler is available (the
 * view then stays read-only and a write to it faults). */
int pms_guard_on(struct pms_guard *g, unsigned char *view, uint64_t size);
void pms_guard_off(struct pms_guard *g);
/* After a checker: drop the pages it wrote; returns how many. */
unsigned pms_guard_undo(struct pms_guard *g);

#endif
