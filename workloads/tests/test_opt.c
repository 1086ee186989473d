/*
 * The table-driven option parser, good and bad input. The number syntax
 * itself is common's (daxlab/num.h) and tested there; here: that every
 * numeric option goes through it with its table's limits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "opt.h"

static char err[400];

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

	/* Decimal even with a leading zero; hexadecimal only after 0x; fractions of a second. */
	const char *num[] = { "--count", "010", "--size", "0x1000", "--time", "1.5s" };

	assert_int_equal(parse(&p, 6, num), 0);
	assert_true(p.count == 10 && p.size == 4096 && p.time == 1500000000ull);
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
	expect_bad("--size", "4097", "--size 4097 is not a multiple of 4K");
	expect_bad("--size", "2G", "--size: 2G is out of range [4K, 1G]");
	expect_bad("--size", "4Q", "unknown size suffix");
	expect_bad("--size", "-4K", "is not a size");
	expect_bad("--size", "16777216T", "too large");
	expect_bad("--count", "0", "--count: 0 is out of range [1, 10]");
	expect_bad("--count", "11", "out of range");
	expect_bad("--count", "3x", "--count: '3x' is not an unsigned integer");
	expect_bad("--count", "-1", "not an unsigned integer");
	expect_bad("--count", "+1", "not an unsigned integer");
	expect_bad("--count", " 1", "not an unsigned integer");
	expect_bad("--count", "1e1", "not an unsigned integer");
	expect_bad("--count", "0x", "not an unsigned integer");
	expect_bad("--count", "", "not an unsigned integer");
	expect_bad("--count", "99999999999999999999", "too large");
	expect_bad("--time", "18446744074s", "too long");
	expect_bad("--time", "1.5ns", "finer than one nanosecond");
	expect_bad("--time", "0x10s", "unknown unit");
	expect_bad("--mode", "gamma", "not one of: alpha beta");
	expect_bad("--flag=1", NULL, "takes no value");
	expect_bad("--time", "fast", "not a duration");
	expect_bad("--path=", NULL, "non-empty");
	expect_bad("stray", NULL, "unexpected argument 'stray'");
	expect_bad("--", NULL, "unexpected argument");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parser_good),
		cmocka_unit_test(test_parser_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
