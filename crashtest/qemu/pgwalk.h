/* SPDX-License-Identifier: MIT */
/*
 * x86-64 page-table walk: translate a guest-virtual address to
 * guest-physical from CR3. The tracer needs it for flushes, which TCG
 * executes as no-ops without a memory callback. The walk reads page-table
 * entries through a caller-supplied function (the tracer reads them through
 * the guest kernel's direct map).
 */
#ifndef PGWALK_H
#define PGWALK_H

#include <stdbool.h>
#include <stdint.h>

/* Read the 8-byte entry at guest-physical address pa; false if unreadable. */
typedef bool (*pgwalk_read_fn)(void *ctx, uint64_t pa, uint64_t *entry);

enum pgwalk_err {
	PGWALK_OK = 0,
	PGWALK_NOT_PRESENT = -1,	/* an entry on the path is not present */
	PGWALK_READ_FAILED = -2,	/* an entry could not be read */
	PGWALK_NONCANONICAL = -3,	/* va is not a canonical address */
};

#define CR4_LA57 (1ull << 12)

/*
 * Translate va with the page tables rooted at cr3 (5 levels if cr4 has
 * LA57). On success stores the physical address in *pa and returns 0.
 */
int pgwalk_translate(uint64_t cr3, uint64_t cr4, uint64_t va,
		     pgwalk_read_fn read, void *ctx, uint64_t *pa);

#endif /* PGWALK_H */
