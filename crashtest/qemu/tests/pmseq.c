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
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmmark.h"

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

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
	char *p;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: pmseq FILE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "pmseq: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);
	if (p == MAP_FAILED) {
		fprintf(stderr, "pmseq: MAP_SYNC mapping of %s: %s (not on a "
			"DAX file system?)\n", argv[1], strerror(errno));
		close(fd);
		return 1;
	}
	/* Fault the page in before the marked window. */
	(void)*(volatile char *)p;
	*(volatile char *)(p + 4095) = 0;

	pmmark_mark(1, "pmseq begin");
	sequence(p);
	pmmark_mark(2, "pmseq end");

	munmap(p, 4096);
	close(fd);
	return 0;
}
