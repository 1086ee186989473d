// SPDX-License-Identifier: MIT
/*
 * Four- or five-level x86-64 page-table walk (SDM vol. 3, 4.5). Large
 * pages end the walk early at the PDPT (1 GiB) or PD (2 MiB) level.
 */
#include "pgwalk.h"

#define PTE_PRESENT	(1ull << 0)
#define PTE_PS		(1ull << 7)
#define PTE_ADDR_MASK	0x000ffffffffff000ull	/* bits 51:12 */
#define CR3_ADDR_MASK	0x000ffffffffff000ull	/* drops PCID and bit 63 */

static bool canonical(uint64_t va, unsigned bits)
{
	int64_t s = (int64_t)(va << (64 - bits)) >> (64 - bits);

	return (uint64_t)s == va;
}

int pgwalk_translate(uint64_t cr3, uint64_t cr4, uint64_t va,
		     pgwalk_read_fn read, void *ctx, uint64_t *pa)
{
	unsigned levels = (cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = cr3 & CR3_ADDR_MASK;

	if (!canonical(va, levels == 5 ? 57 : 48))
		return PGWALK_NONCANONICAL;
	for (unsigned level = levels; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		uint64_t idx = (va >> shift) & 0x1ff;
		uint64_t e;

		if (!read(ctx, table + idx * 8, &e))
			return PGWALK_READ_FAILED;
		if (!(e & PTE_PRESENT))
			return PGWALK_NOT_PRESENT;
		/* PS marks a leaf at level 3 (1 GiB) and level 2 (2 MiB). */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t off = va & ((1ull << shift) - 1);
			/* A large-page frame has its PAT bit at 12: mask it. */
			uint64_t frame = e & PTE_ADDR_MASK & ~((1ull << shift) - 1);

			*pa = frame | off;
			return PGWALK_OK;
		}
		table = e & PTE_ADDR_MASK;
	}
	return PGWALK_NOT_PRESENT;	/* not reached */
}
