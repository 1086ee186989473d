/* SPDX-License-Identifier: MIT */
/*
 * KEY=VALUE plugin arguments (-plugin libX.so,KEY=VALUE,...), walked from
 * a table: which keys exist, what their values look like, which may
 * repeat and which are required. Both plugins (tracer_args.c,
 * pmcount_args.c) declare their table and setters; the walk, the
 * messages and the checks every plugin needs are here.
 */
#ifndef PLUGIN_ARGS_H
#define PLUGIN_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#define PLUGIN_ARGS_MAX 16	/* keys in one table */

struct plugin_arg;

/* Store val into cfg; 0, or -1 with one message in err naming the key. */
typedef int (*plugin_arg_set)(void *cfg, const struct plugin_arg *a,
			      const char *val, char *err, size_t errlen);

struct plugin_arg {
	const char *key;
	const char *value;	/* what the value looks like: "PATH" */
	bool repeat;		/* may be given more than once */
	bool required;
	plugin_arg_set set;
	size_t off;		/* plugin_arg_output: the const char * in cfg */
};

/*
 * Walk argv against the table of n arguments: an unknown key (listing
 * the known ones), a key given twice that may not repeat, or a missing
 * required key is an error, and so is what a setter refuses. Returns 0,
 * or -1 with one message in err.
 */
int plugin_args_parse(const struct plugin_arg *table, size_t n, void *cfg,
		      int argc, char **argv, char *err, size_t errlen);

/*
 * Setter of an output path, stored at cfg + a->off: not empty, and when it
 * exists it must
 * be a regular file or a character device (/dev/null), never a directory
 * or a FIFO, whose open would block QEMU.
 */
int plugin_arg_output(void *cfg, const struct plugin_arg *a, const char *val,
		      char *err, size_t errlen);

/*
 * An output that must not overwrite another file the plugin uses:
 * -1 with "KEY=PATH: the same file as OTHER=" when out and other name
 * one file (the same string, or an existing file by device and inode).
 */
int plugin_args_distinct(const char *key, const char *out,
			 const char *other_key, const char *other,
			 char *err, size_t errlen);

#endif /* PLUGIN_ARGS_H */
