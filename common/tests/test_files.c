// SPDX-License-Identifier: MIT
/* Same-file checks, scratch directories, tree removal, whole writes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/files.h"
#include "fixture.h"

static const char *in_dir(const char *name)
{
	static char path[4][160];
	static unsigned slot;
	char *p = path[slot++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static void test_same_file(void **state)
{
	char a[160], b[160], l[160], dotted[200];

	(void)state;
	snprintf(a, sizeof(a), "%s", in_dir("a"));
	snprintf(b, sizeof(b), "%s", in_dir("b"));
	snprintf(l, sizeof(l), "%s", in_dir("link"));
	assert_int_equal(dx_write_file(a, "x", 1), 0);
	assert_int_equal(dx_write_file(b, "x", 1), 0);
	assert_int_equal(symlink(a, l), 0);
	snprintf(dotted, sizeof(dotted), "%s/./a", dir);
	assert_true(dx_same_file(a, a));
	assert_true(dx_same_file(a, l));
	assert_true(dx_same_file(dotted, a));
	assert_false(dx_same_file(a, b));	/* same bytes, two files */
	/* Not there yet: the same only as itself. */
	assert_true(dx_same_file(in_dir("new"), in_dir("new")));
	assert_false(dx_same_file(in_dir("new"), a));
	assert_false(dx_same_file(NULL, a));
}

static void test_tmpdir(void **state)
{
	char d[128], err[256], old[128];
	const char *env = getenv("TMPDIR");
	struct stat st;

	(void)state;
	snprintf(old, sizeof(old), "%s", env ? env : "");
	setenv("TMPDIR", dir, 1);
	assert_int_equal(dx_tmpdir_make(d, sizeof(d), "x", err, sizeof(err)), 0);
	assert_int_equal(strncmp(d, dir, strlen(dir)), 0);
	assert_int_equal(stat(d, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	setenv("TMPDIR", in_dir("missing"), 1);
	assert_int_equal(dx_tmpdir_make(d, sizeof(d), "x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing"));
	assert_int_equal(dx_tmpdir_make(d, 10, "x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "too long"));
	if (env)
		setenv("TMPDIR", old, 1);
	else
		unsetenv("TMPDIR");
}

/* The number a refusal quotes: statvfs's available blocks times their
 * size, the same through a path and an open file; -1 where there is no
 * file system to ask. */
static void test_free_bytes(void **state)
{
	struct statvfs v;
	char d[128], err[256];
	int fd;

	(void)state;
	assert_int_equal(statvfs(dir, &v), 0);
	assert_true(dx_free_bytes(dir) >= 0);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	assert_true(dx_free_bytes_fd(fd) >= 0);
	close(fd);
	errno = 0;
	assert_int_equal(dx_free_bytes(in_dir("missing")), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(dx_free_bytes_fd(-1), -1);
	/* dx_tmpdir_make_under: the base named, not $TMPDIR's. */
	assert_int_equal(dx_tmpdir_make_under(d, sizeof(d), dir, "u", err,
					      sizeof(err)), 0);
	assert_int_equal(strncmp(d, dir, strlen(dir)), 0);
	assert_non_null(strstr(d, "/u."));
}

static void test_tree_remove(void **state)
{
	char top[160], outside[160], p[200];

	(void)state;
	snprintf(top, sizeof(top), "%s", in_dir("tree"));
	snprintf(outside, sizeof(outside), "%s", in_dir("outside"));
	assert_int_equal(mkdir(top, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub", top);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/sub/f", top);
	assert_int_equal(dx_write_file(p, "data", 4), 0);
	/* A symlink out of the tree: removed as a link, its target kept. */
	assert_int_equal(mkdir(outside, 0700), 0);
	assert_int_equal(dx_write_file(in_dir("outside/keep"), "k", 1), 0);
	snprintf(p, sizeof(p), "%s/out", top);
	assert_int_equal(symlink(outside, p), 0);
	assert_int_equal(dx_tree_remove(top), 0);
	assert_int_equal(access(top, F_OK), -1);
	assert_int_equal(access(in_dir("outside/keep"), F_OK), 0);
	/* Gone already, or a plain file: both fine. */
	assert_int_equal(dx_tree_remove(top), 0);
	assert_int_equal(dx_tree_remove(in_dir("outside/keep")), 0);
	assert_int_equal(access(in_dir("outside/keep"), F_OK), -1);
}

static void test_write_file(void **state)
{
	char buf[16] = "";
	FILE *f;

	(void)state;
	assert_int_equal(dx_write_file(in_dir("w"), "long content", 12), 0);
	assert_int_equal(dx_write_file(in_dir("w"), "ab\0c", 4), 0);
	f = fopen(in_dir("w"), "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 4);	/* truncated */
	fclose(f);
	assert_memory_equal(buf, "ab\0c", 4);
	errno = 0;
	assert_int_equal(dx_write_file(in_dir("no/such/w"), "x", 1), -1);
	assert_int_equal(errno, ENOENT);
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(dx_write_file("/dev/full", "x", 1), -1);
		assert_int_equal(errno, ENOSPC);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_file),
		cmocka_unit_test(test_tmpdir),
		cmocka_unit_test(test_free_bytes),
		cmocka_unit_test(test_tree_remove),
		cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
