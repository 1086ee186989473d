/* Histogram buckets and percentiles: exact expected values on known inputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "hist.h"
#include "daxlab/prng.h"

static struct hist h, h2;

static void test_empty(void **state)
{
	(void)state;
	hist_init(&h);
	assert_int_equal(hist_percentile(&h, 50), 0);
	assert_int_equal(h.count, 0);
	assert_true(hist_mean(&h) == 0.0);
}

/* 1..100 ns: all in exact buckets, nearest-rank percentiles. */
static void test_exact_range(void **state)
{
	(void)state;
	hist_init(&h);
	for (uint64_t v = 1; v <= 100; v++)
		hist_add(&h, v);
	assert_int_equal(hist_percentile(&h, 50), 50);
	assert_int_equal(hist_percentile(&h, 90), 90);
	assert_int_equal(hist_percentile(&h, 99), 99);
	assert_int_equal(hist_percentile(&h, 99.9), 100);
	assert_int_equal(hist_percentile(&h, 100), 100);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100);
	assert_int_equal(h.sum, 5050);
	assert_true(hist_mean(&h) == 50.5);
}

static void test_bucket_edges(void **state)
{
	(void)state;
	/* Exact below 128; then 64 buckets per power of two. */
	assert_int_equal(hist_index(127), 127);
	assert_int_equal(hist_index(128), 128);
	assert_int_equal(hist_index(129), 128);
	assert_int_equal(hist_index(130), 129);
	assert_int_equal(hist_bucket_low(128), 128);
	assert_int_equal(hist_bucket_high(128), 129);
	assert_int_equal(hist_index(256), 192);
	assert_int_equal(hist_bucket_low(192), 256);
	assert_int_equal(hist_bucket_high(192), 259);
	/* 1000 = 125 << 3: bucket [1000, 1007]. */
	assert_int_equal(hist_bucket_low(hist_index(1000)), 1000);
	assert_int_equal(hist_bucket_high(hist_index(1000)), 1007);
	assert_int_equal(hist_bucket_high(hist_index(1007)), 1007);
	assert_int_equal(hist_index(1008), hist_index(1000) + 1);
	/* The top bucket ends at UINT64_MAX without overflow. */
	assert_int_equal(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	assert_true(hist_bucket_high(HIST_BUCKETS - 1) == UINT64_MAX);
	/* Every bucket starts right after the previous one ends. */
	for (unsigned i = 1; i < HIST_BUCKETS; i++)
		assert_true(hist_bucket_low(i) == hist_bucket_high(i - 1) + 1);
}

/* Percentiles above the exact range report the bucket's highest value, clamped to max. */
static void test_log_buckets(void **state)
{
	(void)state;
	hist_init(&h);
	hist_add(&h, 1000);
	hist_add(&h, 5000);
	assert_int_equal(hist_percentile(&h, 50), 1007);
	assert_int_equal(hist_percentile(&h, 100), 5000);
	hist_init(&h);
	for (int i = 0; i < 999; i++)
		hist_add(&h, 100);
	hist_add(&h, 1000000);
	assert_int_equal(hist_percentile(&h, 50), 100);
	assert_int_equal(hist_percentile(&h, 99), 100);
	assert_int_equal(hist_percentile(&h, 99.9), 100);	/* rank 999 */
	assert_int_equal(hist_percentile(&h, 99.95), 1000000);	/* rank 1000 */
	assert_int_equal(h.max, 1000000);
	/* A lone sample is reported exactly (clamped to min and max). */
	hist_init(&h);
	hist_add(&h, 123457);
	assert_int_equal(hist_percentile(&h, 50), 123457);
}

static void test_merge(void **state)
{
	(void)state;
	hist_init(&h);
	hist_init(&h2);
	for (uint64_t v = 1; v <= 50; v++)
		hist_add(&h, v);
	for (uint64_t v = 51; v <= 100; v++)
		hist_add(&h2, v);
	hist_merge(&h, &h2);
	assert_int_equal(h.count, 100);
	assert_int_equal(hist_percentile(&h, 50), 50);
	assert_int_equal(hist_percentile(&h, 90), 90);
	assert_int_equal(h.min, 1);
	assert_int_equal(h.max, 100);
	hist_init(&h2);
	hist_merge(&h, &h2);	/* merging an empty histogram changes nothing */
	assert_int_equal(h.min, 1);
	assert_int_equal(h.count, 100);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Against a sorted copy: never below the true value, at most 1/64 above. */
static void test_error_bound(void **state)
{
	(void)state;
	enum { N = 20000 };
	static uint64_t v[N];
	struct dx_prng r;
	const double ps[] = { 50, 90, 99, 99.9 };

	dx_prng_seed(&r, 7);
	hist_init(&h);
	for (int i = 0; i < N; i++) {
		v[i] = 1 + dx_prng_below(&r, 1ull << (dx_prng_below(&r, 40) + 1));
		hist_add(&h, v[i]);
	}
	qsort(v, N, sizeof(v[0]), cmp_u64);
	for (size_t k = 0; k < sizeof(ps) / sizeof(ps[0]); k++) {
		uint64_t rank = (uint64_t)((ps[k] / 100.0) * N + 0.999999);
		uint64_t truth = v[rank - 1], got = hist_percentile(&h, ps[k]);

		assert_true(got >= truth);
		assert_true((double)(got - truth) <= (double)truth / 64.0);
	}
	assert_int_equal(hist_percentile(&h, 100), v[N - 1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_exact_range),
		cmocka_unit_test(test_bucket_edges),
		cmocka_unit_test(test_log_buckets),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_error_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
