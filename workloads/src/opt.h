/*
 * Options are declared in tables (name, type, storage offset, limits,
 * help) and parsed by one parser. The same tables print --help and the
 * "params" object of the JSON output, so the three never disagree.
 */
#ifndef DAXWL_OPT_H
#define DAXWL_OPT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "daxlab/json.h"

enum opt_type {
	OPT_FLAG,	/* bool, no value */
	/* The numbers follow common's rules (daxlab/num.h): strict, range-checked. */
	OPT_UINT,	/* uint64_t: decimal, or hexadecimal after 0x */
	OPT_SIZE,	/* uint64_t bytes: 4096, 4K, 4KiB, 2M, 1G, 1T, 0x1000 */
	OPT_DURATION,	/* uint64_t ns: 5s, 1.5s, 100ms, 250us, 10ns, 2m, 1h; bare = s */
	OPT_ENUM,	/* int index into choices */
	OPT_STRING,	/* const char * (points into argv) */
};

struct opt {
	const char *name;	/* without leading -- */
	enum opt_type type;
	size_t off;		/* offset of the value in the params struct */
	const char *help;
	const char *const *choices;	/* OPT_ENUM: NULL-terminated */
	uint64_t min, max;	/* inclusive limits, max 0 = none */
	uint64_t align;		/* OPT_SIZE: value must be a multiple */
};

/* One table together with the struct its offsets point into. */
struct opt_set {
	const struct opt *opts;	/* terminated by an entry with name NULL */
	void *base;
};

/* Parses argv[0..argc) against the sets; 0 or -1 with err filled. */
int opt_parse(const struct opt_set *sets, int nsets, int argc, char **argv,
	      char *err, size_t errlen);
const struct opt *opt_find(const struct opt_set *sets, int nsets,
			   const char *name, void **base);
/* One line per option with its current (default) value. */
void opt_print_help(const struct opt_set *set, FILE *f);
/* One key per option, '-' turned into '_'; sizes in bytes, durations in ns. */
void opt_emit_json(const struct opt_set *sets, int nsets, struct dx_json *j);

#endif
