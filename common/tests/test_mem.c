// SPDX-License-Identifier: MIT
/* Large buffers: zeroed, writable, freed by size; zero tests and sparse
 * copies at every length class (whole pages, a tail, below a page). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "daxlab/mem.h"

static void check_alloc(size_t n)
{
	unsigned char *p = dx_big_alloc(n);

	assert_non_null(p);
	assert_true(dx_is_zero(p, n));
	p[0] |= 1;
	p[n - 1] |= 2;
	assert_true(p[0] & 1);
	assert_true(p[n - 1] & 2);
	assert_false(dx_is_zero(p, n));
	dx_big_free(p, n);
}

static void test_big_alloc(void **state)
{
	(void)state;
	check_alloc(1);
	check_alloc(DX_BIG_MIN - 1);	/* malloc side */
	check_alloc(DX_BIG_MIN);	/* mapping side */
	check_alloc((size_t)80 << 20);	/* a crash image */
	dx_big_free(NULL, DX_BIG_MIN);	/* like free(NULL) */
	dx_big_free(NULL, 1);
}

static void test_is_zero(void **state)
{
	static unsigned char buf[3 * 4096 + 100];
	const size_t lens[] = { 0, 1, 7, 8, 4095, 4096, 4097, sizeof(buf) };

	(void)state;
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		size_t n = lens[k];

		memset(buf, 0, sizeof(buf));
		assert_true(dx_is_zero(buf, n));
		if (!n)
			continue;
		/* a byte set anywhere inside is seen; one past the end is not */
		buf[n - 1] = 0x80;
		assert_false(dx_is_zero(buf, n));
		buf[n - 1] = 0;
		buf[n / 2] = 1;
		assert_false(dx_is_zero(buf, n));
		buf[n / 2] = 0;
		if (n < sizeof(buf)) {
			buf[n] = 1;
			assert_true(dx_is_zero(buf, n));
		}
	}
}

static void test_copy_nonzero(void **state)
{
	enum { PAGE = 4096, N = 5 * PAGE + 300 };
	static unsigned char src[N], dst[N];

	(void)state;
	memset(src, 0, sizeof(src));
	src[PAGE + 5] = 7;		/* page 1 */
	src[3 * PAGE] = 9;		/* first byte of page 3 */
	src[N - 1] = 4;			/* the partial tail */
	/* dst marked: a page that is zero in src must not be written */
	memset(dst, 0xaa, sizeof(dst));
	dx_copy_nonzero(dst, src, N);
	assert_memory_equal(dst + PAGE, src + PAGE, PAGE);
	assert_memory_equal(dst + 3 * PAGE, src + 3 * PAGE, PAGE);
	assert_memory_equal(dst + 5 * PAGE, src + 5 * PAGE, N - 5 * PAGE);
	for (size_t p = 0; p < 5; p++)
		if (p != 1 && p != 3)
			for (size_t i = 0; i < PAGE; i++)
				assert_int_equal(dst[p * PAGE + i], 0xaa);
	/* on a zeroed dst, the result is src exactly */
	memset(dst, 0, sizeof(dst));
	dx_copy_nonzero(dst, src, N);
	assert_memory_equal(dst, src, N);
	dx_copy_nonzero(dst, src, 0);	/* nothing to do */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_big_alloc),
		cmocka_unit_test(test_is_zero),
		cmocka_unit_test(test_copy_nonzero),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
