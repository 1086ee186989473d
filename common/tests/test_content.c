// SPDX-License-Identifier: MIT
/*
 * Mixers, generators and content patterns, against values the earlier
 * copies produced (their outputs are on disk: a run's seed, a written
 * pattern, a verdict key must mean the same as before), plus the growing
 * array, the clock and the MAP_SYNC prologue.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/clock.h"
#include "daxlab/mapsync.h"
#include "daxlab/mix.h"
#include "daxlab/pattern.h"
#include "daxlab/prng.h"
#include "daxlab/vec.h"

static void test_mixers(void **state)
{
	uint64_t st = 0;

	(void)state;
	/* fmix64 of libpmsim's mix64 and the oracles' hash_mix. */
	assert_true(dx_mix64(1) == 0xb456bcfc34c2cb2cull);
	assert_true(dx_mix64(0) == 0);
	/* ctpattern_mix(0); splitmix64 from state 0 gives the same. */
	assert_true(dx_splitmix64_at(0) == 0xe220a8397b1dcdafull);
	assert_true(dx_splitmix64(&st) == 0xe220a8397b1dcdafull);
	assert_true(st == DX_GOLDEN64);
}

static void test_prng(void **state)
{
	static const uint64_t first[] = {
		0xbe6a36374160d49bull, 0x214aaa0637a688c6ull,
		0xf69d16de9954d388ull, 0x0c60048c4e96e033ull,
	};
	static const uint64_t below[] = { 557, 522, 900, 383 };
	uint64_t v[100], x = 99 | 1, sum = 0;
	struct dx_prng r;

	(void)state;
	dx_prng_seed(&r, 12345);
	for (int i = 0; i < 4; i++)
		assert_true(dx_prng_next(&r) == first[i]);
	dx_prng_seed(&r, 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(dx_prng_below(&r, 1000), below[i]);
	assert_true(dx_xorshift64s(&x) == 0x4c0ab4d5974e3cefull);
	assert_true(dx_xorshift64s(&x) == 0xfb83e09b70008f29ull);
	assert_true(dx_xorshift64s(&x) == 0xef8aacf1fe38fe55ull);
	/* A shuffle is a permutation. */
	for (int i = 0; i < 100; i++)
		v[i] = (uint64_t)i;
	dx_prng_shuffle(&r, v, 100);
	for (int i = 0; i < 100; i++)
		sum += v[i];
	assert_int_equal(sum, 4950);
	dx_prng_shuffle(&r, v, 0);
}

static void test_pattern_ctwl(void **state)
{
	/* ctpattern_fill(buf, 42, 1003, 24) of the scenario workloads. */
	static const unsigned char want[24] = {
		0x3f, 0xaf, 0x4d, 0x94, 0x66, 0x92, 0x30, 0x7e, 0xeb, 0x31,
		0xb6, 0x63, 0xd0, 0xd2, 0x55, 0x90, 0x63, 0x25, 0x91, 0x8e,
		0x6c, 0xfe, 0x03, 0x7e,
	};
	unsigned char buf[24], big[300];

	(void)state;
	dx_pattern_fill(DX_PATTERN_CTWL, 42, 1003, buf, sizeof(buf));
	assert_memory_equal(buf, want, sizeof(want));
	/* Any piece of it is the same bytes. */
	dx_pattern_fill(DX_PATTERN_CTWL, 42, 1000, big, sizeof(big));
	assert_memory_equal(big + 3, want, sizeof(want));
	assert_int_equal(dx_pattern_mismatch(DX_PATTERN_CTWL, 42, 1003, buf,
					     sizeof(buf)), sizeof(buf));
	assert_true(dx_pattern_mismatch(DX_PATTERN_CTWL, 43, 1003, buf,
					sizeof(buf)) < 8);
	buf[17] ^= 1;
	assert_int_equal(dx_pattern_mismatch(DX_PATTERN_CTWL, 42, 1003, buf,
					     sizeof(buf)), 17);
}

static void test_pattern_daxwl(void **state)
{
	uint64_t w[3], first = 0;
	unsigned char b[8];

	(void)state;
	/* daxwl's pattern_word(7, off) for off 0, 8 and 4096. */
	assert_true(dx_pattern_word(DX_PATTERN_DAXWL, 7, 0) == 0x63cbe1e459320dd7ull);
	assert_true(dx_pattern_word(DX_PATTERN_DAXWL, 7, 1) == 0x1e7266b5e2f62687ull);
	assert_true(dx_pattern_word(DX_PATTERN_DAXWL, 7, 512) == 0x59ef108dafdcaf23ull);
	/* Filled words read back as those values on this (little-endian) host. */
	dx_pattern_fill(DX_PATTERN_DAXWL, 7, 0, w, sizeof(w));
	assert_true(w[0] == 0x63cbe1e459320dd7ull);
	assert_true(w[1] == 0x1e7266b5e2f62687ull);
	assert_int_equal(dx_pattern_check(DX_PATTERN_DAXWL, 7, 0, w, sizeof(w),
					  &first), 0);
	w[1] ^= 1ull << 40;
	w[2] ^= 1;
	assert_int_equal(dx_pattern_check(DX_PATTERN_DAXWL, 7, 0, w, sizeof(w),
					  &first), 2);
	assert_int_equal(first, 8);
	/* An unaligned piece: bytes 5..12 span two words. */
	dx_pattern_fill(DX_PATTERN_DAXWL, 7, 5, b, sizeof(b));
	assert_int_equal(dx_pattern_check(DX_PATTERN_DAXWL, 7, 5, b, sizeof(b),
					  &first), 0);
	b[7] ^= 0x80;	/* file offset 12, in the second word */
	assert_int_equal(dx_pattern_check(DX_PATTERN_DAXWL, 7, 5, b, sizeof(b),
					  &first), 1);
	assert_int_equal(first, 8);
	b[0] ^= 0x80;	/* file offset 5: the first word starts before off */
	assert_int_equal(dx_pattern_check(DX_PATTERN_DAXWL, 7, 5, b, sizeof(b),
					  &first), 2);
	assert_int_equal(first, 5);
}

static void test_pattern_fd(void **state)
{
	char path[] = "/tmp/test_content.XXXXXX";
	const uint64_t len = (3u << 20) + 13, off = 7;
	uint64_t first = 0;
	unsigned char x = 0;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(dx_pattern_write_fd(fd, DX_PATTERN_CTWL, 5, off, len, 0), 0);
	assert_int_equal(dx_pattern_check_fd(fd, DX_PATTERN_CTWL, 5, off, len,
					     &first), 0);
	/* Corrupt one byte just past the first 1 MiB chunk: one bad word,
	 * counted once although the unaligned chunks would split it. */
	assert_int_equal(pread(fd, &x, 1, (off_t)(off + (1u << 20) + 1)), 1);
	x ^= 0xff;
	assert_int_equal(pwrite(fd, &x, 1, (off_t)(off + (1u << 20) + 1)), 1);
	assert_int_equal(dx_pattern_check_fd(fd, DX_PATTERN_CTWL, 5, off, len,
					     &first), 1);
	assert_true(first == ((off + (1u << 20) + 1) & ~7ull));
	/* Past the end of the file: a read error, not a silent pass. */
	errno = 0;
	assert_int_equal(dx_pattern_check_fd(fd, DX_PATTERN_CTWL, 5, off,
					     len + 100, &first), -1);
	assert_int_equal(errno, EIO);
	close(fd);
	/* A write error reaches the caller. */
	fd = open("/dev/full", O_WRONLY);
	if (fd >= 0) {
		assert_int_equal(dx_pattern_write_fd(fd, DX_PATTERN_DAXWL, 1, 0,
						     4096, 0), -1);
		assert_int_equal(errno, ENOSPC);
		close(fd);
	}
}

static void test_vec(void **state)
{
	DX_VEC(uint32_t) v = { 0 };
	char *p = NULL;
	size_t cap = 0;

	(void)state;
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(DX_VEC_PUSH(v, i * 3), 0);
	assert_int_equal(v.n, 1000);
	assert_int_equal(v.cap, 1024);
	for (uint32_t i = 0; i < 1000; i++)
		assert_int_equal(v.v[i], i * 3);
	free(v.v);
	assert_int_equal(DX_RESERVE(p, cap, 5), 0);
	assert_int_equal(cap, 16);
	assert_int_equal(DX_RESERVE(p, cap, 16), 0);
	assert_int_equal(cap, 16);
	/* need * elem overflows: refused, the array kept. */
	errno = 0;
	assert_int_equal(dx_reserve(&p, &cap, SIZE_MAX / 2, 4), -1);
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(cap, 16);
	assert_non_null(p);
	free(p);
}

static void test_clock(void **state)
{
	uint64_t a = dx_now_ns(), b, c = dx_cpu_ns();

	(void)state;
	usleep(2000);
	b = dx_now_ns();
	assert_true(b - a >= 2000000);
	assert_true(dx_cpu_ns() >= c);
	assert_true(dx_clock_overhead_ns() < 1000000);
	assert_true(dx_ns_to_s(1500000000) == 1.5);
}

static void test_map_sync(void **state)
{
	char path[] = "/tmp/test_content.XXXXXX", err[256];
	struct dx_mapping m;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4096), 0);
	close(fd);
	/* /tmp is no DAX file system: refused, with the reason, nothing open. */
	if (dx_map_sync(&m, path, 4096, err, sizeof(err)) == 0) {
		print_message("# %s accepted MAP_SYNC: a DAX file system\n", path);
		dx_unmap(&m);
	} else {
		assert_non_null(strstr(err, "MAP_SYNC mapping"));
		assert_non_null(strstr(err, "not on a DAX file system?"));
		assert_int_equal(m.fd, -1);
		dx_unmap(&m);
	}
	unlink(path);
	assert_int_equal(dx_map_sync(&m, "/nonexistent/x", 4096, err,
				     sizeof(err)), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(err, "/nonexistent/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixers),
		cmocka_unit_test(test_prng),
		cmocka_unit_test(test_pattern_ctwl),
		cmocka_unit_test(test_pattern_daxwl),
		cmocka_unit_test(test_pattern_fd),
		cmocka_unit_test(test_vec),
		cmocka_unit_test(test_clock),
		cmocka_unit_test(test_map_sync),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
