// SPDX-License-Identifier: MIT
/*
 * Page-table walk tests on page tables built in a buffer that stands for
 * guest-physical memory: 4 KiB, 2 MiB and 1 GiB mappings, 5-level paging,
 * non-present entries and unreadable tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "pgwalk.h"

#define PHYS_SIZE (64 * 4096)
#define P 0x1ull	/* present */
#define RW 0x2ull
#define PS 0x80ull	/* large page */

static uint64_t phys[PHYS_SIZE / 8];

static bool read_phys(void *ctx, uint64_t pa, uint64_t *e)
{
	(void)ctx;
	if (pa + 8 > PHYS_SIZE)
		return false;
	*e = phys[pa / 8];
	return true;
}

static void set(uint64_t table_pa, unsigned idx, uint64_t entry)
{
	phys[(table_pa + idx * 8) / 8] = entry;
}

static unsigned ix(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * (level - 1))) & 0x1ff;
}

/* Tables at pages 1 (PML4), 2 (PDPT), 3 (PD), 4 (PT). */
static int setup(void **state)
{
	(void)state;
	memset(phys, 0, sizeof(phys));
	return 0;
}

static void test_4k(void **state)
{
	const uint64_t va = 0xffff888012345678ull;
	uint64_t pa;

	(void)state;
	set(0x1000, ix(va, 4), 0x2000 | P | RW);
	set(0x2000, ix(va, 3), 0x3000 | P | RW);
	set(0x3000, ix(va, 2), 0x4000 | P | RW);
	set(0x4000, ix(va, 1), 0x1234567000ull | P | RW | (1ull << 63));
	/* CR3 carries a PCID in bits 11:0; the walk ignores it. */
	assert_int_equal(pgwalk_translate(0x1000 | 0x5, 0, va, read_phys, NULL,
					  &pa), PGWALK_OK);
	assert_int_equal(pa, 0x1234567678ull);
}

static void test_2m_and_1g(void **state)
{
	const uint64_t va2m = 0x00007f0000312345ull;
	const uint64_t va1g = 0xffff888040abcdefull;
	uint64_t pa;

	(void)state;
	set(0x1000, ix(va2m, 4), 0x2000 | P);
	set(0x2000, ix(va2m, 3), 0x3000 | P);
	/* 2 MiB page at 0x140000000 with the PAT bit (12) set. */
	set(0x3000, ix(va2m, 2), 0x140000000ull | 0x1000 | P | PS);
	assert_int_equal(pgwalk_translate(0x1000, 0, va2m, read_phys, NULL, &pa),
			 PGWALK_OK);
	assert_int_equal(pa, 0x140000000ull + (va2m & 0x1fffff));

	set(0x1000, ix(va1g, 4), 0x5000 | P);
	set(0x5000, ix(va1g, 3), 0x100000000ull | P | PS);
	assert_int_equal(pgwalk_translate(0x1000, 0, va1g, read_phys, NULL, &pa),
			 PGWALK_OK);
	assert_int_equal(pa, 0x100000000ull + (va1g & 0x3fffffff));
}

static void test_la57(void **state)
{
	const uint64_t va = 0xff11000000401000ull;	/* 57-bit canonical */
	uint64_t pa;

	(void)state;
	set(0x1000, ix(va, 5), 0x6000 | P);
	set(0x6000, ix(va, 4), 0x2000 | P);
	set(0x2000, ix(va, 3), 0x3000 | P);
	set(0x3000, ix(va, 2), 0x4000 | P);
	set(0x4000, ix(va, 1), 0x9000 | P);
	assert_int_equal(pgwalk_translate(0x1000, CR4_LA57, va, read_phys, NULL,
					  &pa), PGWALK_OK);
	assert_int_equal(pa, 0x9000);
	/* The same address is not canonical with 4 levels. */
	assert_int_equal(pgwalk_translate(0x1000, 0, va, read_phys, NULL, &pa),
			 PGWALK_NONCANONICAL);
}

static void test_failures(void **state)
{
	const uint64_t va = 0x401000;
	uint64_t pa;

	(void)state;
	assert_int_equal(pgwalk_translate(0x1000, 0, va, read_phys, NULL, &pa),
			 PGWALK_NOT_PRESENT);
	set(0x1000, ix(va, 4), 0x2000 | P);
	set(0x2000, ix(va, 3), 0x3000 | P);
	set(0x3000, ix(va, 2), 0x4000 | P);
	set(0x4000, ix(va, 1), 0x9000);	/* not present */
	assert_int_equal(pgwalk_translate(0x1000, 0, va, read_phys, NULL, &pa),
			 PGWALK_NOT_PRESENT);
	/* A table outside readable memory. */
	set(0x3000, ix(va, 2), 0x7ffff000ull | P);
	assert_int_equal(pgwalk_translate(0x1000, 0, va, read_phys, NULL, &pa),
			 PGWALK_READ_FAILED);
	assert_int_equal(pgwalk_translate(0x1000, 0, 0x0000800000000000ull,
					  read_phys, NULL, &pa),
			 PGWALK_NONCANONICAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_4k, setup),
		cmocka_unit_test_setup(test_2m_and_1g, setup),
		cmocka_unit_test_setup(test_la57, setup),
		cmocka_unit_test_setup(test_failures, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
