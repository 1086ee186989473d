// SPDX-License-Identifier: MIT
/*
 * pmcount-seq: known event counts in pmcount windows, for
 * tests/vm-host/25-pmcount.sh. Runs in the guest under libpmcount.so.
 *
 *   pmcount-seq FILE [K M N B]
 *
 * FILE: at least 1 MiB on a DAX file system (mapped MAP_SYNC), already
 * written so that its blocks exist. Defaults K=64 M=32 N=512 B=65536.
 * Every page is faulted in before the first window, so the windows hold
 * the sequence and nothing of the setup. Four windows, each after a mark:
 *
 *   mark 1 "pmcount-seq"  K clwb, K clflushopt, K clflush (one line each,
 *                         pmem), M sfence, M mfence, M lfence, M lock add
 *                         and M xchg (on DRAM), N movnti of 8 bytes to
 *                         pmem, memcpy of B bytes from DRAM to pmem;
 *                         window_end(K, "seq")
 *   mark 2 "empty"        nothing; window_end(0, "empty")
 *   mark 3 "same block"   START, one 8-byte store to pmem, STOP (pmmark_stop:
 *                         ops 0, unit ""), all inline: one translation
 *                         block, so the store runs before the START's
 *                         memory-callback reset can take effect
 *   mark 4 "pwrite"       pwrite 4 KiB to FILE, fsync; window_end(1, "io")
 *
 * In user mode the first window has exactly K, K, K, M, M, M, 2M and N of
 * those events, 8N NT bytes to pmem and at least B store bytes to pmem.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/exit.h"
#include "daxlab/mapsync.h"
#include "daxlab/num.h"
#include "pmmark.h"

#define MAP_BYTES	(1u << 20)
#define FLUSH_OFF	0		/* K lines per flush kind: 3 * 64 K */
#define NT_OFF		(256u << 10)	/* N * 8 bytes */
#define COPY_OFF	(512u << 10)	/* B bytes */
#define BLOCK_OFF	(1000u << 10)	/* the same-block window's store */

static uint64_t dram_word;
static char src[512u << 10];

static void flushes(char *p, unsigned long k)
{
	for (unsigned long i = 0; i < k; i++)
		__asm__ volatile("clwb %0" : "+m"(p[FLUSH_OFF + 64 * i]));
	for (unsigned long i = 0; i < k; i++)
		__asm__ volatile("clflushopt %0"
				 : "+m"(p[FLUSH_OFF + 64 * (k + i)]));
	for (unsigned long i = 0; i < k; i++)
		__asm__ volatile("clflush %0"
				 : "+m"(p[FLUSH_OFF + 64 * (2 * k + i)]));
}

static void fences_and_locks(unsigned long m)
{
	uint64_t x = 1;

	for (unsigned long i = 0; i < m; i++)
		__asm__ volatile("sfence" ::: "memory");
	for (unsigned long i = 0; i < m; i++)
		__asm__ volatile("mfence" ::: "memory");
	for (unsigned long i = 0; i < m; i++)
		__asm__ volatile("lfence" ::: "memory");
	for (unsigned long i = 0; i < m; i++)
		__asm__ volatile("lock addq $1, %0" : "+m"(dram_word)::"memory");
	for (unsigned long i = 0; i < m; i++)
		__asm__ volatile("xchgq %0, %1"
				 : "+r"(x), "+m"(dram_word)::"memory");
}

static void nt_stores(char *p, unsigned long n)
{
	uint64_t *dst = (uint64_t *)(p + NT_OFF);

	for (unsigned long i = 0; i < n; i++)
		__asm__ volatile("movnti %1, %0"
				 : "=m"(dst[i])
				 : "r"(0x6e74000000000000ull | i));
}

static int number(const char *s, uint64_t max, const char *what,
		  unsigned long *out)
{
	char err[256];
	uint64_t v;

	if (dx_parse_u64(s, 0, max, &v, what, err, sizeof(err))) {
		fprintf(stderr, "pmcount-seq: %s\n", err);
		return -1;
	}
	*out = (unsigned long)v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long k = 64, m = 32, n = 512, b = 65536;
	struct dx_mapping map;
	char block[4096], err[512];
	struct stat st;
	char *p;
	int fd;

	if ((argc != 2 && argc != 6) ||
	    (argc == 6 && (number(argv[2], 1024, "K", &k) ||
			   number(argv[3], 1u << 20, "M", &m) ||
			   number(argv[4], (NT_OFF / 8), "N", &n) ||
			   number(argv[5], sizeof(src), "B", &b)))) {
		fprintf(stderr, "usage: pmcount-seq FILE [K M N B]\n");
		return DX_EXIT_USAGE;
	}
	if (dx_map_sync(&map, argv[1], MAP_BYTES, err, sizeof(err))) {
		fprintf(stderr, "pmcount-seq: %s\n", err);
		return errno == EOPNOTSUPP ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING;
	}
	p = map.addr;
	fd = map.fd;
	/* A shorter file maps, then faults SIGBUS past its end. */
	if (fstat(fd, &st) || st.st_size < (off_t)MAP_BYTES) {
		fprintf(stderr, "pmcount-seq: %s is smaller than %u bytes\n",
			argv[1], MAP_BYTES);
		dx_unmap(&map);
		return DX_EXIT_USAGE;
	}
	/* Fault in everything the windows touch, here and not in them. */
	for (size_t off = 0; off < MAP_BYTES; off += 4096)
		*(volatile char *)(p + off) = 0;
	memset(src, 0x5a, sizeof(src));
	memset(block, 0xa5, sizeof(block));
	dram_word = 0;
	printf("pmcount-seq: K=%lu M=%lu N=%lu B=%lu\n", k, m, n, b);
	fflush(stdout);

	pmmark_mark(1, "pmcount-seq");
	pmmark_start();
	flushes(p, k);
	fences_and_locks(m);
	nt_stores(p, n);
	memcpy(p + COPY_OFF, src, b);
	pmmark_window_end(k, "seq");

	pmmark_mark(2, "empty");
	pmmark_start();
	pmmark_window_end(0, "empty");

	pmmark_mark(3, "same block");
	pmmark_start();
	*(volatile uint64_t *)(p + BLOCK_OFF) = 0x626c6f636bull;
	pmmark_stop();

	pmmark_mark(4, "pwrite");
	pmmark_start();
	if (pwrite(fd, block, sizeof(block), MAP_BYTES - sizeof(block)) !=
	    (ssize_t)sizeof(block) || fsync(fd)) {
		pmmark_window_end(1, "io");
		fprintf(stderr, "pmcount-seq: pwrite+fsync: %s\n",
			strerror(errno));
		dx_unmap(&map);
		return DX_EXIT_FINDING;
	}
	pmmark_window_end(1, "io");

	dx_unmap(&map);
	return DX_EXIT_OK;
}
