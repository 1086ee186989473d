// SPDX-License-Identifier: MIT
/*
 * pmcount arguments: accepted forms, every rejection naming the bad
 * argument, and the address -> function lookup (sym.c) on a small
 * System.map written here: aliases, weak and data symbols, the edges.
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

#include "pmcount_args.h"
#include "sym.h"

static char dir[64], map[128], map_arg[160];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/*
 * Two aliases at _text and at +0x40 (the unprefixed global name wins),
 * memcpy/__memcpy, a weak function, data (not a function), a weak
 * undefined symbol at 0 (not a function) and _etext.
 */
static const char fixture[] =
	"0000000000000000 w __weak_undefined\n"
	"ffffffff81000000 T _text\n"
	"ffffffff81000000 T startup_64\n"
	"ffffffff81000040 t __startup_alias\n"
	"ffffffff81000040 T secondary_startup_64\n"
	"ffffffff81000100 T __memcpy\n"
	"ffffffff81000100 T memcpy\n"
	"ffffffff81000180 W memmove_weak\n"
	"ffffffff81000200 D some_data\n"
	"ffffffff81000300 t local_func\n"
	"ffffffff81000400 T _etext\n";

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_pmcount_args.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(map, sizeof(map), "%s/System.map", dir);
	snprintf(map_arg, sizeof(map_arg), "system_map=%s", map);
	write_file(map, fixture);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static int parse(struct pmcount_config *c, char *err, const char *a0,
		 const char *a1, const char *a2, const char *a3)
{
	char *argv[4] = { (char *)a0, (char *)a1, (char *)a2, (char *)a3 };
	int argc = 0;

	while (argc < 4 && argv[argc])
		argc++;
	return pmcount_args_parse(c, argc, argv, err, 256);
}

static void test_accepts(void **state)
{
	struct pmcount_config c;
	char err[256];

	(void)state;
	assert_int_equal(parse(&c, err, "counts=/tmp/c.jsonl", NULL, NULL,
			       NULL), 0);
	assert_string_equal(c.counts_path, "/tmp/c.jsonl");
	assert_int_equal(c.mem, PMC_MEM_ON);	/* the default */
	assert_null(c.syms);
	assert_null(c.stats_path);
	pmcount_args_free(&c);

	assert_int_equal(parse(&c, err, "mem=off", "counts=/tmp/c",
			       "stats=/tmp/s", map_arg), 0);
	assert_int_equal(c.mem, PMC_MEM_OFF);
	assert_string_equal(c.stats_path, "/tmp/s");
	assert_string_equal(c.system_map, map);
	assert_non_null(c.syms);
	assert_int_equal(symtab_nfuncs(c.syms), 6);
	pmcount_args_free(&c);

	assert_int_equal(parse(&c, err, "counts=/tmp/c", "mem=always",
			       "region=0x140000000:256M:nv0",
			       "region=0x150000000:16M"), 0);
	assert_int_equal(c.mem, PMC_MEM_ALWAYS);
	assert_int_equal(c.regions.n, 2);
	assert_int_equal(c.regions.r[0].base, 0x140000000ull);
	assert_int_equal(c.regions.r[0].size, 256ull << 20);
	assert_string_equal(c.regions.r[0].name, "nv0");
	pmcount_args_free(&c);
	assert_string_equal(pmc_mem_mode_name(PMC_MEM_ALWAYS), "always");
	assert_int_equal(parse(&c, err, "counts=/tmp/c", "mem=first", NULL, NULL), 0);
	assert_int_equal(c.mem, PMC_MEM_FIRST);
	pmcount_args_free(&c);
	assert_string_equal(pmc_mem_mode_name(PMC_MEM_FIRST), "first");
}

static void expect_error(const char *a0, const char *a1, const char *a2,
			 const char *needle)
{
	struct pmcount_config c;
	char err[256];

	assert_int_equal(parse(&c, err, a0, a1, a2, NULL), -1);
	pmcount_args_free(&c);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	/* One line: QEMU prints it as the reason the load failed. */
	assert_null(strchr(err, '\n'));
}

static void test_rejects(void **state)
{
	char missing[160];

	(void)state;
	expect_error(NULL, NULL, NULL, "counts=PATH is required");
	expect_error("mem=off", NULL, NULL, "counts=PATH is required");
	expect_error("counts=/tmp/c", "colour=blue", NULL,
		     "unknown argument 'colour=blue'");
	expect_error("counts=/tmp/c", "colour=blue", NULL, "system_map=PATH");
	expect_error("counts=/tmp/c", "noequals", NULL,
		     "unknown argument 'noequals'");
	expect_error("counts=/tmp/c", "counts=/tmp/d", NULL,
		     "counts= given twice");
	expect_error("counts=", NULL, NULL, "counts=: empty path");
	expect_error("counts=/tmp/c", "stats=", NULL, "stats=: empty path");
	expect_error("counts=/tmp/c", "stats=/tmp/c", NULL,
		     "stats=/tmp/c: the same file as counts=");
	expect_error("counts=/tmp/c", "mem=maybe", NULL,
		     "mem=maybe: expected on, off, always or first");
	expect_error("counts=/tmp/c", "mem=on", "mem=off", "mem= given twice");
	expect_error("counts=/tmp/c", "region=0x1000", NULL, "region=0x1000");
	snprintf(missing, sizeof(missing), "system_map=%s/nothere", dir);
	expect_error("counts=/tmp/c", missing, NULL, "system_map=");
	expect_error("counts=/tmp/c", missing, NULL, "nothere");
	expect_error("counts=/tmp/c", "system_map=", NULL,
		     "system_map=: empty path");
}

static void test_not_a_system_map(void **state)
{
	char path[128], arg[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/data-only.map", dir);
	write_file(path, "ffffffff82000000 D only_data\n");
	snprintf(arg, sizeof(arg), "system_map=%s", path);
	expect_error("counts=/tmp/c", arg, NULL, "no text symbols");
}

static void test_function_lookup(void **state)
{
	struct symtab *s = NULL;
	char err[256];
	const uint64_t text = 0xffffffff81000000ull;

	(void)state;
	assert_int_equal(symtab_load(&s, map, err, sizeof(err)), 0);
	assert_int_equal(symtab_nfuncs(s), 6);
	assert_string_equal(symtab_func_name(s, 0), "startup_64");
	assert_string_equal(symtab_func_name(s, 1), "secondary_startup_64");
	assert_string_equal(symtab_func_name(s, 2), "memcpy");
	assert_string_equal(symtab_func_name(s, 3), "memmove_weak");
	assert_string_equal(symtab_func_name(s, 4), "local_func");
	assert_string_equal(symtab_func_name(s, 5), "_etext");
	assert_int_equal(symtab_func_addr(s, 2), text + 0x100);

	assert_int_equal(symtab_func_index(s, text - 1), -1);
	assert_int_equal(symtab_func_index(s, 0), -1);
	assert_int_equal(symtab_func_index(s, 0x401000), -1);	/* user code */
	assert_int_equal(symtab_func_index(s, text), 0);
	assert_int_equal(symtab_func_index(s, text + 0x3f), 0);
	assert_int_equal(symtab_func_index(s, text + 0x40), 1);
	assert_int_equal(symtab_func_index(s, text + 0x17f), 2);
	/* Data is not a function: memmove_weak runs up to local_func. */
	assert_int_equal(symtab_func_index(s, text + 0x2ff), 3);
	assert_int_equal(symtab_func_index(s, text + 0x300), 4);
	assert_int_equal(symtab_func_index(s, text + 0x400), 5);
	assert_int_equal(symtab_func_index(s, text + 0x400 +
					   SYMTAB_LAST_SPAN - 1), 5);
	assert_int_equal(symtab_func_index(s, text + 0x400 + SYMTAB_LAST_SPAN),
			 -1);
	assert_int_equal(symtab_func_index(s, UINT64_MAX), -1);
	symtab_free(s);

	/* No System.map: no functions, every lookup misses. */
	assert_int_equal(symtab_load(&s, NULL, err, sizeof(err)), 0);
	assert_int_equal(symtab_nfuncs(s), 0);
	assert_int_equal(symtab_func_index(s, text), -1);
	symtab_free(s);
	assert_int_equal(symtab_nfuncs(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_not_a_system_map),
		cmocka_unit_test(test_function_lookup),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
