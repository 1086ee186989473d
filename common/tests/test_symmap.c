// SPDX-License-Identifier: MIT
/*
 * System.map: name -> address for any symbol, address -> function for
 * text, alias naming, the edges, and files that are not a System.map.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/files.h"
#include "fixture.h"
#include "daxlab/symmap.h"

static const char *write_map(const char *name, const char *text)
{
	static char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(dx_write_file(path, text, strlen(text)), 0);
	return path;
}

/* A file with any bytes, NULs too. */
static const char *write_bytes(const char *name, const char *data, size_t n)
{
	static char path[160];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(dx_write_file(path, data, n), 0);
	return path;
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
	"ffffffff81000400 T _etext\n"
	"ffffffff82a1b2c8 D page_offset_base\n";

static void test_functions(void **state)
{
	const uint64_t text = 0xffffffff81000000ull;
	struct dx_symmap *m;
	char err[256];

	(void)state;
	assert_int_equal(dx_symmap_load(&m, write_map("System.map", fixture),
					err, sizeof(err)), 0);
	assert_int_equal(dx_symmap_count(m), 12);
	assert_int_equal(dx_symmap_nfuncs(m), 6);
	assert_string_equal(dx_symmap_func_name(m, 0), "startup_64");
	assert_string_equal(dx_symmap_func_name(m, 1), "secondary_startup_64");
	assert_string_equal(dx_symmap_func_name(m, 2), "memcpy");
	assert_string_equal(dx_symmap_func_name(m, 3), "memmove_weak");
	assert_string_equal(dx_symmap_func_name(m, 4), "local_func");
	assert_string_equal(dx_symmap_func_name(m, 5), "_etext");
	assert_true(dx_symmap_func_addr(m, 2) == text + 0x100);
	assert_int_equal(dx_symmap_func_index(m, text - 1), -1);
	assert_int_equal(dx_symmap_func_index(m, 0), -1);
	assert_int_equal(dx_symmap_func_index(m, 0x401000), -1); /* user code */
	assert_int_equal(dx_symmap_func_index(m, text), 0);
	assert_int_equal(dx_symmap_func_index(m, text + 0x3f), 0);
	assert_int_equal(dx_symmap_func_index(m, text + 0x40), 1);
	/* Data is no function: its bytes belong to the one before. */
	assert_int_equal(dx_symmap_func_index(m, text + 0x200), 3);
	assert_int_equal(dx_symmap_func_index(m, text + 0x400 +
					      DX_SYMMAP_LAST_SPAN - 1), 5);
	assert_int_equal(dx_symmap_func_index(m, text + 0x400 +
					      DX_SYMMAP_LAST_SPAN), -1);
	assert_int_equal(dx_symmap_func_index(m, UINT64_MAX), -1);
	dx_symmap_free(m);
}

static void test_names(void **state)
{
	struct dx_symmap *m;
	char err[256], buf[128];
	uint64_t a = 0;

	(void)state;
	assert_int_equal(dx_symmap_load(&m, write_map("System.map", fixture),
					err, sizeof(err)), 0);
	/* Any type: page_offset_base is data. */
	assert_int_equal(dx_symmap_addr(m, "page_offset_base", &a), 1);
	assert_true(a == 0xffffffff82a1b2c8ull);
	assert_int_equal(dx_symmap_addr(m, "_text", &a), 1);
	assert_true(a == 0xffffffff81000000ull);
	assert_int_equal(dx_symmap_addr(m, "nothere", &a), 0);
	assert_string_equal(dx_symmap_describe(m, 0xffffffff81000108ull, buf,
					       sizeof(buf)),
			    "memcpy+0x8 (0xffffffff81000108)");
	/* Not named after the weak undefined symbol at 0. */
	assert_string_equal(dx_symmap_describe(m, 0x1000, buf, sizeof(buf)),
			    "0x1000");
	assert_string_equal(dx_symmap_describe(m, 0, buf, sizeof(buf)), "0x0");
	dx_symmap_free(m);
}

static void test_empty(void **state)
{
	struct dx_symmap *m;
	char err[64], buf[32];
	uint64_t a;

	(void)state;
	assert_int_equal(dx_symmap_load(&m, NULL, err, sizeof(err)), 0);
	assert_int_equal(dx_symmap_nfuncs(m), 0);
	assert_int_equal(dx_symmap_func_index(m, 0xffffffff81000000ull), -1);
	assert_int_equal(dx_symmap_addr(m, "_text", &a), 0);
	assert_string_equal(dx_symmap_describe(m, 0x10, buf, sizeof(buf)), "0x10");
	dx_symmap_free(m);
	assert_int_equal(dx_symmap_nfuncs(NULL), 0);
	dx_symmap_free(NULL);
}

static void load_fails(const char *name, const char *text, const char *needle)
{
	struct dx_symmap *m = (struct dx_symmap *)1;
	char err[256] = "";

	assert_int_equal(dx_symmap_load(&m, text ? write_map(name, text) : name,
					err, sizeof(err)), -1);
	assert_null(m);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
}

static void test_not_a_map(void **state)
{
	(void)state;
	load_fails("/nonexistent/System.map", NULL, "No such file");
	load_fails("words", "hello world\n", "words:1: 'hello world' is not "
		   "'ADDRESS TYPE NAME'");
	load_fails("line3", "ffffffff81000000 T _text\n\nxyz T f\n", "line3:3:");
	load_fails("noname", "ffffffff81000000 T\n", "noname:1:");
	load_fails("extra", "ffffffff81000000 T _text junk\n", "extra:1:");
	load_fails("longaddr", "1ffffffff81000000 T _text\n", "longaddr:1:");
	{
		static const char nul[] = "ffffffff81000000 T _text\n"
					  "ffffffff81000010 T f\0junk\n";

		load_fails(write_bytes("nul", nul, sizeof(nul) - 1), NULL, "nul:2:");
	}
	load_fails("datao", "ffffffff81000000 D only_data\n", "no text symbols");
	load_fails("empty", "", "no text symbols");
	/* Only a regular file: a directory, a device that never ends, and a
	 * FIFO nobody writes (which would block the open) are refused. */
	load_fails("/", NULL, "/ is not a regular file");
	load_fails("/dev/zero", NULL, "/dev/zero is not a regular file");
	{
		char fifo[160];

		snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
		assert_int_equal(mkfifo(fifo, 0600), 0);
		load_fails(fifo, NULL, "fifo is not a regular file");
	}
	/* NUL bytes and binary junk are no System.map either. */
	load_fails(write_bytes("binary", "\x7f" "ELF\0\0\x01\xff\n", 10), NULL,
		   "binary:1: '?ELF' is not");
}

static void test_long_names(void **state)
{
	char text[1200], name[1001];
	struct dx_symmap *m;
	char err[256];
	uint64_t a;

	(void)state;
	/* Longer than any fixed line buffer of the old parsers. */
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "ffffffff81000000 T %s\n", name);
	assert_int_equal(dx_symmap_load(&m, write_map("long", text), err,
					sizeof(err)), 0);
	assert_int_equal(dx_symmap_addr(m, name, &a), 1);
	assert_string_equal(dx_symmap_func_name(m, 0), name);
	dx_symmap_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_functions),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_not_a_map),
		cmocka_unit_test(test_long_names),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
