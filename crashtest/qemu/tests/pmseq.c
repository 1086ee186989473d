// SPDX-License-Identifier: MIT
/*
 * pmseq: a known sequence of persistence events on a DAX-mapped file, for
 * the tracer test (tests/vm-host/20-tracer.sh). Runs in the guest between
 * `pmmark start` and `pmmark stop`; marks 1 and 2 bracket the sequence.
 *
 *   pmseq FILE    FILE: at least 4 KiB on a DAX file system, all zeros
 *
 * Every event goes to its own 64-byte line of the file's first page:
 *
 *   +0    store 8        clwb       sfence
 *   +64   movnti 8
 *   +128  store 4        clflushopt mfence
 *   +192  store 8        clflush
 *   +256  lock add 8 (0 -> 1)
 *   +320  xchg 8
 *   +384  movntdq 16     sfence
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "daxlab/exit.h"
#include "daxlab/mapsync.h"
#include "pmmark.h"

#define LINE(p, n) ((p) + 64 * (n))

static void sequence(char *p)
{
	static const uint8_t nt16[16] = { 0x60, 0x61, 0x62, 0x63, 0x64, 0x65,
					  0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b,
					  0x6c, 0x6d, 0x6e, 0x6f };
	uint64_t x = 0x5555555555555555ull;

	*(volatile uint64_t *)LINE(p, 0) = 0x1111111111111111ull;
	__asm__ volatile("movnti %1, %0"
			 : "=m"(*(uint64_t *)LINE(p, 1))
			 : "r"(0x2222222222222222ull));
	__asm__ volatile("clwb %0" : "+m"(*(volatile char *)LINE(p, 0)));
	__asm__ volatile("sfence" ::: "memory");

	*(volatile uint32_t *)LINE(p, 2) = 0x33333333u;
	__asm__ volatile("clflushopt %0" : "+m"(*(volatile char *)LINE(p, 2)));
	__asm__ volatile("mfence" ::: "memory");

	*(volatile uint64_t *)LINE(p, 3) = 0x4444444444444444ull;
	__asm__ volatile("clflush %0" : "+m"(*(volatile char *)LINE(p, 3)));

	__asm__ volatile("lock addq $1, %0"
			 : "+m"(*(uint64_t *)LINE(p, 4)) :: "memory");
	__asm__ volatile("xchgq %0, %1"
			 : "+r"(x), "+m"(*(uint64_t *)LINE(p, 5)) :: "memory");

	__asm__ volatile("movdqu %1, %%xmm0\n\tmovntdq %%xmm0, %0"
			 : "=m"(*(char(*)[16])LINE(p, 6))
			 : "m"(*(const char(*)[16])nt16)
			 : "xmm0");
	__asm__ volatile("sfence" ::: "memory");
}

int main(int argc, char **argv)
{
	struct dx_mapping m;
	char err[512];
	char *p;

	if (argc != 2) {
		fprintf(stderr, "usage: pmseq FILE\n");
		return DX_EXIT_USAGE;
	}
	if (dx_map_sync(&m, argv[1], 4096, err, sizeof(err))) {
		fprintf(stderr, "pmseq: %s\n", err);
		return errno == EOPNOTSUPP ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING;
	}
	p = m.addr;
	/* Fault the page in before the marked window. */
	(void)*(volatile char *)p;
	*(volatile char *)(p + 4095) = 0;

	pmmark_mark(1, "pmseq begin");
	sequence(p);
	pmmark_mark(2, "pmseq end");

	dx_unmap(&m);
	return DX_EXIT_OK;
}
