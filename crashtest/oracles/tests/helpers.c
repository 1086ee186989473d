/* SPDX-License-Identifier: MIT */
/* What the oracles' tests share (helpers.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "helpers.h"

char th_dir[256];

int th_setup(void **state)
{
	(void)state;
	snprintf(th_dir, sizeof(th_dir), "/tmp/test_oracles.XXXXXX");
	return mkdtemp(th_dir) ? 0 : -1;
}

int th_teardown(void **state)
{
	(void)state;
	return th_sh("rm -rf '%s'", th_dir) ? -1 : 0;
}

const char *th_path(const char *name)
{
	static char buf[8][512];
	static unsigned slot;
	char *p = buf[slot++ % 8];

	snprintf(p, sizeof(buf[0]), "%s/%s", th_dir, name);
	return p;
}

void th_write(const char *name, const char *text, mode_t mode)
{
	FILE *f = fopen(th_path(name), "w");

	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(th_path(name), mode), 0);
}

int th_sh(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

int th_run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

const char *th_read(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

int th_program(const char *argv0, const char *name, char *path)
{
	char *slash;

	if (!realpath(argv0, path))
		return -1;
	/* drop the test's name, then the tests directory */
	slash = strrchr(path, '/');
	*slash = 0;
	slash = strrchr(path, '/');
	snprintf(slash + 1, PATH_MAX - (size_t)(slash + 1 - path), "%s", name);
	return 0;
}

unsigned long long th_bmap(const char *image, const char *file,
			   unsigned long long lblk)
{
	unsigned long long blk = 0;
	FILE *f;

	assert_int_equal(th_sh("debugfs -R 'bmap %s %llu' %s 2>/dev/null > %s",
			       file, lblk, image, th_path("bmap")), 0);
	f = fopen(th_path("bmap"), "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llu", &blk), 1);
	fclose(f);
	assert_true(blk != 0);
	return blk;
}
