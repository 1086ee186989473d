// SPDX-License-Identifier: MIT
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "daxlab/mem.h"

void *dx_big_alloc(size_t n)
{
	void *p;

	if (n < DX_BIG_MIN)
		return calloc(1, n ? n : 1);
	p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		 -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	/* A hint: where THP is off, the buffer is still good. */
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

void dx_big_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < DX_BIG_MIN)
		free(p);
	else
		munmap(p, n);
}

bool dx_is_zero(const void *p, size_t n)
{
	static const unsigned char zero[4096];
	const unsigned char *c = p;

	/* libc's memcmp against a zero page: vectorised, unlike a loop */
	for (size_t at = 0; at < n; at += sizeof(zero))
		if (memcmp(c + at, zero, n - at < sizeof(zero) ? n - at : sizeof(zero)))
			return false;
	return true;
}

void dx_copy_nonzero(void *dst, const void *src, size_t n)
{
	enum { PAGE = 4096 };
	unsigned char *d = dst;
	const unsigned char *s = src;

	for (size_t at = 0; at < n; at += PAGE) {
		size_t len = n - at < PAGE ? n - at : PAGE;

		if (!dx_is_zero(s + at, len))
			memcpy(d + at, s + at, len);
	}
}
