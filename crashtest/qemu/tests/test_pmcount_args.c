// SPDX-License-Identifier: MIT
/*
 * pmcount arguments: accepted forms, every rejection naming the bad
 * argument, and outputs that would overwrite an input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/symmap.h"
#include "pmcount_args.h"
#include "scratch.h"

static char map[160], map_arg[200];

/* A System.map with three functions; common/tests/test_symmap.c tests
 * how they are found, here the map is only an argument. */
static const char fixture[] =
	"ffffffff81000000 T _text\n"
	"ffffffff81000100 t vfs_write\n"
	"ffffffff81000200 D some_data\n"
	"ffffffff81000300 T _etext\n";

static int setup(void **state)
{
	if (scratch_setup(state))
		return -1;
	snprintf(map, sizeof(map), "%s", scratch_file("System.map", fixture));
	snprintf(map_arg, sizeof(map_arg), "system_map=%s", map);
	return 0;
}

static int parse_pmcount(void *c, int argc, char **argv, char *err,
			 size_t errlen)
{
	return pmcount_args_parse(c, argc, argv, err, errlen);
}

static void free_pmcount(void *c)
{
	pmcount_args_free(c);
}

#define parse(c, err, ...) args_parse(parse_pmcount, (c), (err), __VA_ARGS__, NULL)

static void test_accepts(void **state)
{
	struct pmcount_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, err, "counts=/nonexistent/c.jsonl"), 0);
	assert_string_equal(c.counts_path, "/nonexistent/c.jsonl");
	assert_int_equal(c.mem, PMC_MEM_ON);	/* the default */
	assert_null(c.syms);
	assert_null(c.stats_path);
	pmcount_args_free(&c);

	assert_int_equal(parse(&c, err, "mem=off", "counts=/nonexistent/c",
			       "stats=/nonexistent/s", map_arg), 0);
	assert_int_equal(c.mem, PMC_MEM_OFF);
	assert_string_equal(c.stats_path, "/nonexistent/s");
	assert_string_equal(c.system_map, map);
	assert_non_null(c.syms);
	assert_int_equal(dx_symmap_nfuncs(c.syms), 3);
	pmcount_args_free(&c);

	assert_int_equal(parse(&c, err, "counts=/nonexistent/c", "mem=always",
			       "region=0x140000000:256M:nv0",
			       "region=0x150000000:16M"), 0);
	assert_int_equal(c.mem, PMC_MEM_ALWAYS);
	assert_int_equal(c.regions.n, 2);
	assert_int_equal(c.regions.r[0].base, 0x140000000ull);
	assert_int_equal(c.regions.r[0].size, 256ull << 20);
	assert_string_equal(c.regions.r[0].name, "nv0");
	pmcount_args_free(&c);
	assert_string_equal(pmc_mem_mode_name(PMC_MEM_ALWAYS), "always");
	assert_int_equal(parse(&c, err, "counts=/nonexistent/c", "mem=first"), 0);
	assert_int_equal(c.mem, PMC_MEM_FIRST);
	pmcount_args_free(&c);
	assert_string_equal(pmc_mem_mode_name(PMC_MEM_FIRST), "first");
}

static void expect_error(const char *a0, const char *a1, const char *a2,
			 const char *needle)
{
	struct pmcount_config c;

	args_refused(parse_pmcount, free_pmcount, &c, needle, a0, a1, a2, NULL);
}

static void test_rejects(void **state)
{
	char missing[200];

	(void)state;
	expect_error(NULL, NULL, NULL, "counts=PATH is required");
	expect_error("mem=off", NULL, NULL, "counts=PATH is required");
	expect_error("counts=/nonexistent/c", "colour=blue", NULL,
		     "unknown argument 'colour=blue'");
	expect_error("counts=/nonexistent/c", "colour=blue", NULL, "system_map=PATH");
	expect_error("counts=/nonexistent/c", "noequals", NULL,
		     "unknown argument 'noequals'");
	expect_error("counts=/nonexistent/c", "counts=/nonexistent/d", NULL,
		     "counts= given twice");
	expect_error("counts=", NULL, NULL, "counts=: empty path");
	expect_error("counts=/nonexistent/c", "stats=", NULL, "stats=: empty path");
	expect_error("counts=/nonexistent/c", "stats=/nonexistent/c", NULL,
		     "stats=/nonexistent/c: the same file as counts=");
	expect_error("counts=/nonexistent/c", "mem=maybe", NULL,
		     "mem=maybe: expected on, off, always or first");
	expect_error("counts=/nonexistent/c", "mem=on", "mem=off", "mem= given twice");
	expect_error("counts=/nonexistent/c", "region=0x1000", NULL, "region=0x1000");
	snprintf(missing, sizeof(missing), "system_map=%s/nothere", scratch_dir);
	expect_error("counts=/nonexistent/c", missing, NULL, "system_map=");
	expect_error("counts=/nonexistent/c", missing, NULL, "nothere");
	expect_error("counts=/nonexistent/c", "system_map=", NULL,
		     "system_map=: empty path");
}

static void test_not_a_system_map(void **state)
{
	char arg[200];

	(void)state;
	snprintf(arg, sizeof(arg), "system_map=%s",
		 scratch_file("data-only.map", "ffffffff82000000 D only_data\n"));
	expect_error("counts=/nonexistent/c", arg, NULL, "no text symbols");
	snprintf(arg, sizeof(arg), "system_map=%s",
		 scratch_file("words.map", "ffffffff81000000 T f\nnot a map\n"));
	expect_error("counts=/nonexistent/c", arg, NULL, "words.map:2: 'not a map'");
}

/* counts= and stats= must not overwrite each other or the System.map. */
static void test_outputs_distinct(void **state)
{
	char counts[200], stats[200];

	(void)state;
	snprintf(counts, sizeof(counts), "counts=%s", map);
	expect_error(counts, map_arg, NULL, "counts=");
	expect_error(counts, map_arg, NULL, "the same file as system_map=");
	snprintf(stats, sizeof(stats), "stats=%s", map);
	expect_error("counts=/nonexistent/c", stats, map_arg,
		     "the same file as system_map=");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_not_a_system_map),
		cmocka_unit_test(test_outputs_distinct),
	};

	return cmocka_run_group_tests(tests, setup, scratch_teardown);
}
