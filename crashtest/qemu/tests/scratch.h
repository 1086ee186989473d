/* SPDX-License-Identifier: MIT */
/*
 * What the plugin tests share: a scratch directory per test program,
 * files written into it, and running an argument parser on a list of
 * KEY=VALUE strings.
 */
#ifndef SCRATCH_H
#define SCRATCH_H

#include <stddef.h>

/* The directory, valid between scratch_setup and scratch_teardown. */
extern char scratch_dir[64];

/* cmocka group setup and teardown: create and remove scratch_dir. */
int scratch_setup(void **state);
int scratch_teardown(void **state);

/* Write text to scratch_dir/name; returns the path (valid until the
 * fourth next call). */
const char *scratch_file(const char *name, const char *text);

/* A plugin's argument parser behind a void * config. */
typedef int (*args_parser)(void *cfg, int argc, char **argv, char *err,
			   size_t errlen);

/* Run parse on the NULL-terminated arguments after err (256 bytes). */
int args_parse(args_parser parse, void *cfg, char *err, ...)
	__attribute__((sentinel));

/*
 * parse must refuse the NULL-terminated arguments with one line that
 * contains needle; free (may be NULL) is called on cfg afterwards.
 */
void args_refused(args_parser parse, void (*free_cfg)(void *), void *cfg,
		  const char *needle, ...) __attribute__((sentinel));

#endif /* SCRATCH_H */
