/* SPDX-License-Identifier: MIT */
/*
 * Large buffers: a crash image is tens of MiB, and copying one into fresh
 * malloc memory costs a page fault per 4 KiB, which dominates a judge run
 * under a hypervisor. These buffers are anonymous mappings the kernel may
 * back with transparent huge pages (MADV_HUGEPAGE), and copies between
 * them can skip what is zero.
 */
#ifndef DAXLAB_MEM_H
#define DAXLAB_MEM_H

#include <stdbool.h>
#include <stddef.h>

/* Below this a buffer comes from malloc: a mapping is not worth it. */
#define DX_BIG_MIN ((size_t)2 << 20)

/* n zeroed bytes, or NULL (errno set); free with dx_big_free(p, n). */
void *dx_big_alloc(size_t n);
void dx_big_free(void *p, size_t n);

/* Whether n bytes at p are all zero. */
bool dx_is_zero(const void *p, size_t n);

/*
 * Copy n bytes from src into dst, which must be zero already (fresh from
 * dx_big_alloc): 4 KiB pages of src that are all zero are not written,
 * so dst stays sparse where src is. Reading a never-written page of an
 * anonymous mapping costs no memory.
 */
void dx_copy_nonzero(void *dst, const void *src, size_t n);

#endif /* DAXLAB_MEM_H */
