/* PRNG: reference values, determinism, bounds, shuffles. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "prng.h"

/* splitmix64 from state 0: the published reference sequence. */
static void test_splitmix_reference(void **state)
{
	(void)state;
	uint64_t st = 0;

	assert_true(splitmix64(&st) == 0xe220a8397b1dcdafull);
	assert_true(splitmix64(&st) == 0x6e789e6aa1b965f4ull);
	assert_true(splitmix64(&st) == 0x06c45d188009454full);
}

static void test_deterministic(void **state)
{
	(void)state;
	struct prng a, b, c;

	prng_seed(&a, 42);
	prng_seed(&b, 42);
	prng_seed(&c, 43);
	int same_c = 0;

	for (int i = 0; i < 1000; i++) {
		uint64_t x = prng_next(&a);

		assert_true(x == prng_next(&b));
		same_c += x == prng_next(&c);
	}
	assert_true(same_c < 2);
}

static void test_below(void **state)
{
	(void)state;
	struct prng r;
	unsigned seen[10] = { 0 };

	prng_seed(&r, 1);
	for (int i = 0; i < 100000; i++) {
		uint64_t v = prng_below(&r, 10);

		assert_true(v < 10);
		seen[v]++;
	}
	/* Roughly uniform: each residue within 5 % of 10000. */
	for (int i = 0; i < 10; i++)
		assert_true(seen[i] > 9500 && seen[i] < 10500);
	assert_true(prng_below(&r, 1) == 0);
}

static void test_shuffle_is_permutation(void **state)
{
	(void)state;
	enum { N = 4096 };
	static uint64_t v[N];
	static unsigned char hit[N];
	struct prng r;
	size_t moved = 0;

	for (uint64_t i = 0; i < N; i++)
		v[i] = i;
	prng_seed(&r, 9);
	prng_shuffle(&r, v, N);
	memset(hit, 0, sizeof(hit));
	for (uint64_t i = 0; i < N; i++) {
		assert_true(v[i] < N);
		assert_int_equal(hit[v[i]], 0);
		hit[v[i]] = 1;
		moved += v[i] != i;
	}
	assert_true(moved > N / 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_splitmix_reference),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_below),
		cmocka_unit_test(test_shuffle_is_permutation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
