// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "daxlab/files.h"
#include "scratch.h"

char scratch_dir[64];

int scratch_setup(void **state)
{
	(void)state;
	return dx_tmpdir_make(scratch_dir, sizeof(scratch_dir),
			      program_invocation_short_name, NULL, 0);
}

int scratch_teardown(void **state)
{
	(void)state;
	return dx_tree_remove(scratch_dir);
}

const char *scratch_file(const char *name, const char *text)
{
	static char path[4][160];
	static unsigned slot;
	char *p = path[slot++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", scratch_dir, name);
	assert_int_equal(dx_write_file(p, text, strlen(text)), 0);
	return p;
}

enum { MAX_ARGS = 16 };

static int run(args_parser parse, void *cfg, char *err, va_list ap)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	const char *a;

	while ((a = va_arg(ap, const char *)) != NULL) {
		assert_true(argc < MAX_ARGS);
		argv[argc++] = (char *)a;
	}
	return parse(cfg, argc, argv, err, 256);
}

int args_parse(args_parser parse, void *cfg, char *err, ...)
{
	va_list ap;
	int rc;

	va_start(ap, err);
	rc = run(parse, cfg, err, ap);
	va_end(ap);
	return rc;
}

void args_refused(args_parser parse, void (*free_cfg)(void *), void *cfg,
		  const char *needle, ...)
{
	char err[256] = "";
	va_list ap;
	int rc;

	va_start(ap, needle);
	rc = run(parse, cfg, err, ap);
	va_end(ap);
	if (free_cfg)
		free_cfg(cfg);
	if (rc != -1)
		fail_msg("accepted; expected a refusal naming '%s'", needle);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
	/* One line: QEMU prints it as the reason the load failed. */
	assert_null(strchr(err, '\n'));
}
