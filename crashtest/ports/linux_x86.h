/* SPDX-License-Identifier: MIT */
/*
 * Linux 6.1 x86-64 persistence primitives, re-expressed on the pm_* API so
 * the model can judge them: every movnti becomes pm_ntstore, every cached
 * copy pm_store, clwb pm_clwb, sfence/wmb pm_sfence. Addresses are pmem
 * addresses of the recorder's region.
 */
#ifndef PMSIM_LINUX_X86_H
#define PMSIM_LINUX_X86_H

#include <stddef.h>
#include <stdint.h>

#include "pmsim.h"

/* Deliberate bugs the tests must catch. */
enum lx_mutant {
	LX_CORRECT = 0,
	LX_NO_FENCE,		/* nvdimm_flush / the caller's fence left out */
	LX_NO_TAIL_CLWB,	/* memcpy_flushcache skips the unaligned tail */
	LX_CLWB_FROM_ADDR,	/* clwb loop starts at addr, not its line */
};

extern enum lx_mutant lx_mutant;

/* arch/x86/lib/usercopy_64.c */
void lx_clean_cache_range(struct pm_rec *r, uint64_t addr, size_t size);
void lx_arch_wb_cache_pmem(struct pm_rec *r, uint64_t addr, size_t size);
void lx_memcpy_flushcache(struct pm_rec *r, uint64_t dst, const void *src,
			  size_t size);
long lx_copy_user_flushcache(struct pm_rec *r, uint64_t dst, const void *src,
			     unsigned size);
/* arch/x86/lib/copy_user_64.S */
long lx_copy_user_nocache(struct pm_rec *r, uint64_t dst, const void *src,
			  unsigned size);
/* drivers/nvdimm/pmem.c: write_pmem; src_off is the offset in the page */
void lx_write_pmem(struct pm_rec *r, uint64_t pmem_addr, const void *src,
		   unsigned src_off, unsigned len);
/* drivers/nvdimm/region_devs.c: generic_nvdimm_flush (no flush hints) */
void lx_nvdimm_flush(struct pm_rec *r);
/* The caller's pmem_wmb() (sfence), unless mutated away. */
void lx_pmem_wmb(struct pm_rec *r);

#endif
