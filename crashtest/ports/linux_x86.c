// SPDX-License-Identifier: MIT
/*
 * Linux 6.1 x86-64 persistence primitives on the model (see linux_x86.h).
 * The control flow follows the kernel's: which bytes go through the cache
 * and which through movnti, where clwb is issued and where the fences are.
 */
#include "linux_x86.h"

#define CLFLUSH_SIZE 64u
#define PAGE_SIZE 4096u

enum lx_mutant lx_mutant;

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

void lx_clean_cache_range(struct pm_rec *r, uint64_t addr, size_t size)
{
	uint64_t vend = addr + size;
	uint64_t p = lx_mutant == LX_CLWB_FROM_ADDR ? addr :
		addr & ~(uint64_t)(CLFLUSH_SIZE - 1);

	for (; p < vend; p += CLFLUSH_SIZE)
		pm_clwb(r, p);
}

void lx_arch_wb_cache_pmem(struct pm_rec *r, uint64_t addr, size_t size)
{
	lx_clean_cache_range(r, addr, size);
}

void lx_memcpy_flushcache(struct pm_rec *r, uint64_t dst, const void *src,
			  size_t size)
{
	const unsigned char *s = src;

	/* cache copy and flush to align dst */
	if (dst % 8) {
		size_t len = align_up(dst, 8) - dst;

		if (len > size)
			len = size;
		pm_store(r, dst, s, len);
		lx_clean_cache_range(r, dst, len);
		dst += len;
		s += len;
		size -= len;
		if (!size)
			return;
	}
	while (size >= 32) {	/* 4x8 movnti loop */
		for (int i = 0; i < 4; i++)
			pm_ntstore(r, dst + 8 * i, s + 8 * i, 8);
		dst += 32;
		s += 32;
		size -= 32;
	}
	while (size >= 8) {	/* 1x8 movnti loop */
		pm_ntstore(r, dst, s, 8);
		dst += 8;
		s += 8;
		size -= 8;
	}
	while (size >= 4) {	/* 1x4 movnti loop */
		pm_ntstore(r, dst, s, 4);
		dst += 4;
		s += 4;
		size -= 4;
	}
	if (size) {		/* cache copy for the remaining bytes */
		pm_store(r, dst, s, size);
		if (lx_mutant != LX_NO_TAIL_CLWB)
			lx_clean_cache_range(r, dst, size);
	}
}

long lx_copy_user_nocache(struct pm_rec *r, uint64_t dst, const void *src,
			  unsigned size)
{
	const unsigned char *s = src;
	unsigned n;

	if (size >= 8) {
		/* ALIGN_DESTINATION: byte copy through the cache */
		if (dst % 8) {
			n = 8 - (unsigned)(dst % 8);
			pm_store(r, dst, s, n);
			dst += n;
			s += n;
			size -= n;
		}
		for (n = size / 64; n; n--) {	/* 4x8-byte nocache loop, twice */
			for (int i = 0; i < 8; i++)
				pm_ntstore(r, dst + 8 * i, s + 8 * i, 8);
			dst += 64;
			s += 64;
		}
		size %= 64;
		for (n = size / 8; n; n--) {	/* 8-byte nocache loop */
			pm_ntstore(r, dst, s, 8);
			dst += 8;
			s += 8;
		}
		size %= 8;
	}
	if (size) {
		/* 4-byte nocache copy only from a 4-byte aligned destination */
		if (dst % 4 == 0 && size >= 4) {
			pm_ntstore(r, dst, s, 4);
			dst += 4;
			s += 4;
			size -= 4;
		}
		if (size)	/* byte "cache" loop-copy for the rest */
			pm_store(r, dst, s, size);
	}
	pm_sfence(r);	/* .L_finish_copy fences the prior stores */
	return 0;
}

long lx_copy_user_flushcache(struct pm_rec *r, uint64_t dst, const void *src,
			     unsigned size)
{
	uint64_t flushed, dest = dst;
	long rc = lx_copy_user_nocache(r, dst, src, size);

	/* The kernel flushes what __copy_user_nocache copied through the
	 * cache: an unaligned head and a tail that is not a multiple of 8. */
	if (size < 8) {
		if (dst % 4 || size != 4)
			lx_clean_cache_range(r, dst, size);
	} else {
		if (dest % 8) {
			dest = align_up(dest, CLFLUSH_SIZE);
			lx_clean_cache_range(r, dst, 1);
		}
		flushed = dest - dst;
		if (size > flushed && (size - flushed) % 8 &&
		    lx_mutant != LX_NO_TAIL_CLWB)
			lx_clean_cache_range(r, dst + size - 1, 1);
	}
	return rc;
}

void lx_write_pmem(struct pm_rec *r, uint64_t pmem_addr, const void *src,
		   unsigned src_off, unsigned len)
{
	const unsigned char *s = src;

	while (len) {
		unsigned chunk = len < PAGE_SIZE - src_off ? len : PAGE_SIZE - src_off;

		lx_memcpy_flushcache(r, pmem_addr, s, chunk);
		len -= chunk;
		s += chunk;
		src_off = 0;
		pmem_addr += chunk;
	}
}

void lx_pmem_wmb(struct pm_rec *r)
{
	if (lx_mutant != LX_NO_FENCE)
		pm_sfence(r);
}

void lx_nvdimm_flush(struct pm_rec *r)
{
	/* pmem_wmb(); writeq() to the flush hints (MMIO, not pmem); wmb() */
	lx_pmem_wmb(r);
	lx_pmem_wmb(r);
}
