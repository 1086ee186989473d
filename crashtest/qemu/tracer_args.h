/* SPDX-License-Identifier: MIT */
/*
 * Plugin arguments (-plugin libpmtrace.so,KEY=VALUE,...). Declared in one
 * table in tracer_args.c; README.md lists them.
 */
#ifndef TRACER_ARGS_H
#define TRACER_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regions.h"

/* Kernel direct-map base without KASLR memory randomisation (4 levels). */
#define DEFAULT_PAGE_OFFSET_BASE 0xffff888000000000ull

/* drain=ADDR:NAME: reaching ADDR claims every write-back so far durable. */
#define DRAIN_MAX	8
#define DRAIN_NAME_MAX	47

struct drain_point {
	uint64_t pc;
	char name[DRAIN_NAME_MAX + 1];
};

struct tracer_config {
	const char *trace_path;			/* trace=PATH */
	const char *windows_dir;		/* windows=DIR: or that */
	struct region_set regions;		/* region=BASE:SIZE[:NAME] */
	const char *backing[REGIONS_MAX];	/* backing=FILE, by region */
	unsigned nbacking;
	bool have_page_offset_base;
	uint64_t page_offset_base;		/* page_offset_base=ADDR */
	const char *system_map;			/* system_map=PATH */
	bool have_pob_symbol;			/* it has page_offset_base */
	uint64_t pob_symbol;			/* at this address */
	uint64_t max_trace_bytes;		/* max_trace_bytes=N, 0 = none */
	const char *stats_path;			/* stats=PATH (JSON) */
	struct drain_point drain[DRAIN_MAX];	/* drain=ADDR:NAME */
	unsigned ndrain;
};

/*
 * Parse argv into *c. Returns 0, or -1 with one message in err naming the
 * argument that is missing or wrong.
 */
int tracer_args_parse(struct tracer_config *c, int argc, char **argv,
		      char *err, size_t errlen);

#endif /* TRACER_ARGS_H */
