// SPDX-License-Identifier: MIT
/* Strict number parsing: every accepted form, every rejection, messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "daxlab/num.h"

static char err[256];

static uint64_t u64_ok(const char *s)
{
	uint64_t v = 0;

	if (dx_parse_u64(s, 0, UINT64_MAX, &v, "--n", err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
	return v;
}

static void u64_bad(const char *s, const char *needle)
{
	uint64_t v = 77;

	err[0] = '\0';
	assert_int_equal(dx_parse_u64(s, 0, UINT64_MAX, &v, "--n", err,
				      sizeof(err)), -1);
	assert_int_equal(v, 77);	/* untouched on error */
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, needle);
}

static void test_u64(void **state)
{
	(void)state;
	assert_int_equal(u64_ok("0"), 0);
	assert_int_equal(u64_ok("42"), 42);
	assert_int_equal(u64_ok("010"), 10);	/* never octal */
	assert_int_equal(u64_ok("0x10"), 16);
	assert_int_equal(u64_ok("0XfF"), 255);
	assert_int_equal(u64_ok("18446744073709551615"), UINT64_MAX);
	assert_int_equal(u64_ok("0xffffffffffffffff"), UINT64_MAX);
	u64_bad("-1", "--n: '-1' is not an unsigned integer");
	u64_bad("+1", "is not an unsigned integer");
	u64_bad("", "is not an unsigned integer");
	u64_bad(" 1", "is not an unsigned integer");
	u64_bad("1 ", "is not an unsigned integer");
	u64_bad("0x", "is not an unsigned integer");
	u64_bad("12abc", "is not an unsigned integer");
	u64_bad("1.0", "is not an unsigned integer");
	u64_bad("18446744073709551616", "too large");
	u64_bad("0x10000000000000000", "too large");
	u64_bad(NULL, "is not an unsigned integer");
}

static void test_u64_range(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(dx_parse_u64("5", 1, 10, &v, "--k", err, sizeof(err)), 0);
	assert_int_equal(v, 5);
	assert_int_equal(dx_parse_u64("11", 1, 10, &v, "--k", err, sizeof(err)), -1);
	assert_string_equal(err, "--k: 11 is out of range [1, 10]");
	assert_int_equal(dx_parse_u64("0", 1, UINT64_MAX, &v, "--k", err,
				      sizeof(err)), -1);
	assert_string_equal(err, "--k: 0 is below the minimum 1");
	assert_int_equal(dx_parse_u64("0x20", 0, 16, &v, NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "0x20 is above the maximum 16");
	/* A NULL err is allowed. */
	assert_int_equal(dx_parse_u64("x", 0, 1, &v, NULL, NULL, 0), -1);
}

static void test_quote_cut(void **state)
{
	char big[300];
	uint64_t v;

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(dx_parse_u64(big, 0, 1, &v, "--n", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "zzz..."));
	assert_true(strlen(err) < 200);
}

static void test_i64(void **state)
{
	int64_t v;

	(void)state;
	assert_int_equal(dx_parse_i64("-1", INT64_MIN, INT64_MAX, &v, "--o", err,
				      sizeof(err)), 0);
	assert_int_equal(v, -1);
	assert_int_equal(dx_parse_i64("-0x10", INT64_MIN, INT64_MAX, &v, "--o",
				      err, sizeof(err)), 0);
	assert_int_equal(v, -16);
	assert_int_equal(dx_parse_i64("-9223372036854775808", INT64_MIN,
				      INT64_MAX, &v, "--o", err, sizeof(err)), 0);
	assert_true(v == INT64_MIN);
	assert_int_equal(dx_parse_i64("9223372036854775807", INT64_MIN,
				      INT64_MAX, &v, "--o", err, sizeof(err)), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(dx_parse_i64("9223372036854775808", INT64_MIN,
				      INT64_MAX, &v, "--o", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "does not fit 64 bits"));
	assert_int_equal(dx_parse_i64("-9223372036854775809", INT64_MIN,
				      INT64_MAX, &v, "--o", err, sizeof(err)), -1);
	assert_int_equal(dx_parse_i64("+3", INT64_MIN, INT64_MAX, &v, "--o",
				      err, sizeof(err)), -1);
	assert_int_equal(dx_parse_i64("--3", INT64_MIN, INT64_MAX, &v, "--o",
				      err, sizeof(err)), -1);
	assert_int_equal(dx_parse_i64("-", INT64_MIN, INT64_MAX, &v, "--o",
				      err, sizeof(err)), -1);
	assert_int_equal(dx_parse_i64("-5", -4, 4, &v, "--o", err, sizeof(err)), -1);
	assert_string_equal(err, "--o: -5 is out of range [-4, 4]");
}

static void test_double(void **state)
{
	static const char *const bad[] = {
		"", "inf", "nan", "-inf", "0x1p3", "1e", "1e+", ".", "-", "+1",
		"1.5x", " 1", "1 ", "1,5", "infinity",
	};
	double v;

	(void)state;
	assert_int_equal(dx_parse_double("0.5", 0, 10, &v, "--t", err, sizeof(err)), 0);
	assert_true(v == 0.5);
	assert_int_equal(dx_parse_double(".5", 0, 10, &v, "--t", err, sizeof(err)), 0);
	assert_true(v == 0.5);
	assert_int_equal(dx_parse_double("5.", 0, 10, &v, "--t", err, sizeof(err)), 0);
	assert_true(v == 5);
	assert_int_equal(dx_parse_double("1e-3", 0, 10, &v, "--t", err, sizeof(err)), 0);
	assert_true(v == 1e-3);
	assert_int_equal(dx_parse_double("-2.5", -10, 10, &v, "--t", err, sizeof(err)), 0);
	assert_true(v == -2.5);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (!dx_parse_double(bad[i], -1e300, 1e300, &v, "--t", err,
				     sizeof(err)))
			fail_msg("'%s' accepted as %g", bad[i], v);
		assert_non_null(strstr(err, "is not a number"));
	}
	assert_int_equal(dx_parse_double("1e999", 0, 1e308, &v, "--t", err,
					 sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
	/* No sign where the value cannot be negative, not even "-0". */
	assert_int_equal(dx_parse_double("-0", 0, 10, &v, "--t", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "negative"));
	assert_int_equal(dx_parse_double("11", 0, 10, &v, "--t", err, sizeof(err)), -1);
	assert_string_equal(err, "--t: 11 is out of range [0, 10]");
}

static void size_is(const char *s, uint64_t want)
{
	uint64_t v = 0;

	if (dx_parse_size(s, 0, UINT64_MAX, &v, "size", err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
	if (v != want)
		fail_msg("'%s' = %llu, want %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

static void test_size(void **state)
{
	static const char *const bad[] = {
		"-4K", "+4K", "4X", "4KB", "4 K", "K", "", "4.5M", "4Kib", "0x",
	};
	uint64_t v;

	(void)state;
	size_is("4096", 4096);
	size_is("0x1000", 4096);
	size_is("010", 10);
	size_is("12B", 12);
	size_is("4K", 4096);
	size_is("4k", 4096);
	size_is("4Ki", 4096);
	size_is("4KiB", 4096);
	size_is("2M", 2 << 20);
	size_is("2m", 2 << 20);
	size_is("2MiB", 2 << 20);
	size_is("1G", 1ull << 30);
	size_is("1Gi", 1ull << 30);
	size_is("3T", 3ull << 40);
	size_is("0x10M", 16ull << 20);
	size_is("0x1B", 0x1b);	/* hex digits are greedy */
	size_is("16777215T", 16777215ull << 40);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!dx_parse_size(bad[i], 0, UINT64_MAX, &v, "size", err,
				   sizeof(err)))
			fail_msg("'%s' accepted as %llu", bad[i],
				 (unsigned long long)v);
	assert_int_equal(dx_parse_size("4X", 0, UINT64_MAX, &v, "size", err,
				       sizeof(err)), -1);
	assert_string_equal(err, "size: '4X' has an unknown size suffix (use "
			    "K, M, G, T or KiB, MiB, GiB, TiB)");
	assert_int_equal(dx_parse_size("16777216T", 0, UINT64_MAX, &v, "size",
				       err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too large"));
	/* Bounds print as sizes. */
	assert_int_equal(dx_parse_size("12", 4096, UINT64_MAX, &v,
				       "max_trace_bytes", err, sizeof(err)), -1);
	assert_string_equal(err, "max_trace_bytes: 12 is below the minimum 4K");
}

static void dur_is(const char *s, uint64_t want)
{
	uint64_t v = 0;

	if (dx_parse_duration(s, DX_NS_PER_S, 0, UINT64_MAX, &v, "--time",
			      err, sizeof(err)))
		fail_msg("'%s' refused: %s", s, err);
	if (v != want)
		fail_msg("'%s' = %llu ns, want %llu", s, (unsigned long long)v,
			 (unsigned long long)want);
}

static void dur_bad(const char *s, const char *needle)
{
	uint64_t v;

	assert_int_equal(dx_parse_duration(s, DX_NS_PER_S, 0, UINT64_MAX, &v,
					   "--time", err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, needle);
}

static void test_duration(void **state)
{
	uint64_t v;

	(void)state;
	dur_is("5", 5 * DX_NS_PER_S);
	dur_is("5s", 5 * DX_NS_PER_S);
	dur_is("1.5s", 1500 * DX_NS_PER_MS);
	dur_is("0.5", 500 * DX_NS_PER_MS);
	dur_is(".25s", 250 * DX_NS_PER_MS);
	dur_is("100ms", 100 * DX_NS_PER_MS);
	dur_is("250us", 250 * DX_NS_PER_US);
	dur_is("17ns", 17);
	dur_is("2m", 2 * DX_NS_PER_MIN);
	dur_is("2min", 2 * DX_NS_PER_MIN);
	dur_is("1h", DX_NS_PER_H);
	dur_is("1.000000001s", DX_NS_PER_S + 1);
	dur_is("010s", 10 * DX_NS_PER_S);
	dur_bad("-1s", "is not a duration");
	dur_bad("+1s", "is not a duration");
	dur_bad("", "is not a duration");
	dur_bad("s", "is not a duration");
	dur_bad("1.5.5s", "unknown unit");
	dur_bad("5 s", "unknown unit");
	dur_bad("5sec", "unknown unit");
	dur_bad("0x10s", "unknown unit");
	dur_bad("1.0000000001s", "finer than one nanosecond");
	dur_bad("0.5ns", "finer than one nanosecond");
	dur_bad("18446744073709551616ns", "too long");
	dur_bad("18446744074s", "too long");
	/* The unit is mandatory when there is no bare unit. */
	assert_int_equal(dx_parse_duration("5", 0, 0, UINT64_MAX, &v, "--time",
					   err, sizeof(err)), -1);
	assert_non_null(strstr(err, "needs a unit"));
	assert_int_equal(dx_parse_duration("50ms", DX_NS_PER_S, DX_NS_PER_S,
					   UINT64_MAX, &v, "--time", err,
					   sizeof(err)), -1);
	assert_string_equal(err, "--time: 50ms is below the minimum 1s");
}

static void test_format(void **state)
{
	char b[32];

	(void)state;
	dx_format_size(4096, b, sizeof(b));
	assert_string_equal(b, "4K");
	dx_format_size(3ull << 20, b, sizeof(b));
	assert_string_equal(b, "3M");
	dx_format_size(1000, b, sizeof(b));
	assert_string_equal(b, "1000");
	dx_format_size(0, b, sizeof(b));
	assert_string_equal(b, "0");
	dx_format_size(1ull << 50, b, sizeof(b));
	assert_string_equal(b, "1024T");
	dx_format_duration(5 * DX_NS_PER_S, b, sizeof(b));
	assert_string_equal(b, "5s");
	dx_format_duration(100 * DX_NS_PER_MS, b, sizeof(b));
	assert_string_equal(b, "100ms");
	dx_format_duration(250 * DX_NS_PER_US, b, sizeof(b));
	assert_string_equal(b, "250us");
	dx_format_duration(17, b, sizeof(b));
	assert_string_equal(b, "17ns");
	dx_format_duration(0, b, sizeof(b));
	assert_string_equal(b, "0ns");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_u64_range),
		cmocka_unit_test(test_quote_cut),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_double),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
