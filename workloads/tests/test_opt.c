/* Option parsing: sizes, durations, the table-driven parser; good and bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "opt.h"

static char err[400];

static void test_sizes_good(void **state)
{
	(void)state;
	static const struct { const char *in; uint64_t want; } t[] = {
		{ "0", 0 }, { "4096", 4096 }, { "512B", 512 }, { "4K", 4096 }, { "4k", 4096 },
		{ "4KiB", 4096 }, { "2M", 2u << 20 }, { "2MiB", 2u << 20 }, { "1G", 1u << 30 },
		{ "1GiB", 1u << 30 }, { "3T", 3ull << 40 }, { "16m", 16u << 20 },
		{ "16777215T", 16777215ull << 40 }, { "0x10", 16 }, { "0X1000", 4096 },
		{ "010", 10 }, { "0xffffffffffffffff", UINT64_MAX },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint64_t v = 1;

		assert_int_equal(opt_parse_size(t[i].in, &v, err, sizeof(err)), 0);
		assert_true(v == t[i].want);
	}
}

static void test_sizes_bad(void **state)
{
	(void)state;
	const char *bad[] = { "", "K", "-4K", "4X", "4 K", "4KB", "1.5G", "0x", "0x10K", "0xg",
			      "+4K", " 4K", "4K ", "16777216TiB0", "99999999999999999999",
			      "0x10000000000000000", "16777216T", "-0" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 7;

		assert_int_equal(opt_parse_size(bad[i], &v, err, sizeof(err)), -1);
		assert_true(v == 7);
		assert_true(strlen(err) > 0);
	}
}

static void test_durations(void **state)
{
	(void)state;
	static const struct { const char *in; uint64_t want; } t[] = {
		{ "5", 5000000000ull }, { "5s", 5000000000ull }, { "100ms", 100000000ull },
		{ "250us", 250000ull }, { "10ns", 10 }, { "2m", 120000000000ull },
		{ "2min", 120000000000ull }, { "1h", 3600000000000ull }, { "0", 0 },
	};
	const char *bad[] = { "", "s", "5x", "5 s", "-1s", "1.5s", "99999999999h" };
	uint64_t v;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(opt_parse_duration(t[i].in, &v, err, sizeof(err)), 0);
		assert_true(v == t[i].want);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(opt_parse_duration(bad[i], &v, err, sizeof(err)), -1);
}

struct params {
	uint64_t size, count, time;
	int mode;
	bool flag;
	const char *path;
};

static const char *const modes[] = { "alpha", "beta", NULL };

#define P(f) offsetof(struct params, f)
static const struct opt table[] = {
	{ .name = "size", .type = OPT_SIZE, .off = P(size), .help = "s", .min = 4096,
	  .max = 1ull << 30, .align = 4096 },
	{ .name = "count", .type = OPT_UINT, .off = P(count), .help = "c", .min = 1, .max = 10 },
	{ .name = "time", .type = OPT_DURATION, .off = P(time), .help = "t" },
	{ .name = "mode", .type = OPT_ENUM, .off = P(mode), .help = "m", .choices = modes },
	{ .name = "flag", .type = OPT_FLAG, .off = P(flag), .help = "f" },
	{ .name = "path", .type = OPT_STRING, .off = P(path), .help = "p" },
	{ .name = NULL },
};

static int parse(struct params *p, int argc, const char **argv)
{
	struct opt_set set = { table, p };

	memset(p, 0, sizeof(*p));
	err[0] = 0;
	return opt_parse(&set, 1, argc, (char **)argv, err, sizeof(err));
}

static void test_parser_good(void **state)
{
	(void)state;
	struct params p;
	const char *argv[] = { "--size", "2M", "--count=3", "--time", "100ms", "--mode", "beta",
			       "--flag", "--path=/x y" };

	assert_int_equal(parse(&p, 9, argv), 0);
	assert_true(p.size == 2u << 20);
	assert_true(p.count == 3);
	assert_true(p.time == 100000000ull);
	assert_int_equal(p.mode, 1);
	assert_true(p.flag);
	assert_string_equal(p.path, "/x y");
	assert_int_equal(parse(&p, 0, argv), 0);

	/* Decimal even with a leading zero; hexadecimal only after 0x. */
	const char *num[] = { "--count", "010", "--size", "0x1000" };

	assert_int_equal(parse(&p, 4, num), 0);
	assert_true(p.count == 10 && p.size == 4096);
	num[1] = "0xA";
	assert_int_equal(parse(&p, 2, num), 0);
	assert_true(p.count == 10);
}

static void expect_bad(const char *a, const char *b, const char *msg)
{
	struct params p;
	const char *argv[] = { a, b };

	assert_int_equal(parse(&p, b ? 2 : 1, argv), -1);
	if (!strstr(err, msg))
		fail_msg("error '%s' does not mention '%s'", err, msg);
}

static void test_parser_bad(void **state)
{
	(void)state;
	expect_bad("--nope", NULL, "unknown option --nope");
	expect_bad("--size", NULL, "needs a value");
	expect_bad("--size", "4097", "not a multiple of 4K");
	expect_bad("--size", "2G", "out of range [4K, 1G]");
	expect_bad("--size", "4Q", "unknown size suffix");
	expect_bad("--count", "0", "out of range [1, 10]");
	expect_bad("--count", "11", "out of range");
	expect_bad("--count", "3x", "not a non-negative integer");
	expect_bad("--count", "-1", "not a non-negative integer");
	expect_bad("--count", "+1", "not a non-negative integer");
	expect_bad("--count", " 1", "not a non-negative integer");
	expect_bad("--count", "1e1", "not a non-negative integer");
	expect_bad("--count", "0x", "not a non-negative integer");
	expect_bad("--count", "", "not a non-negative integer");
	expect_bad("--count", "99999999999999999999", "is too large (at most 10)");
	expect_bad("--count", "0x10000000000000000", "is too large");
	expect_bad("--time", "18446744074s", "too long");
	expect_bad("--time", "99999999999999999999ns", "too long");
	expect_bad("--time", "0x10s", "unknown duration unit");
	expect_bad("--mode", "gamma", "not one of: alpha beta");
	expect_bad("--flag=1", NULL, "takes no value");
	expect_bad("--time", "fast", "not a duration");
	expect_bad("--path=", NULL, "non-empty");
	expect_bad("stray", NULL, "unexpected argument 'stray'");
	expect_bad("--", NULL, "unexpected argument");
}

static void test_format_size(void **state)
{
	(void)state;
	char b[32];

	opt_format_size(4096, b, sizeof(b));
	assert_string_equal(b, "4K");
	opt_format_size(2u << 20, b, sizeof(b));
	assert_string_equal(b, "2M");
	opt_format_size(1000, b, sizeof(b));
	assert_string_equal(b, "1000");
	opt_format_size(0, b, sizeof(b));
	assert_string_equal(b, "0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sizes_good),
		cmocka_unit_test(test_sizes_bad),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_parser_good),
		cmocka_unit_test(test_parser_bad),
		cmocka_unit_test(test_format_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
