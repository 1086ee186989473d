/* SPDX-License-Identifier: MIT */
/*
 * pmcount plugin arguments (-plugin libpmcount.so,KEY=VALUE,...). Declared
 * in one table in pmcount_args.c, as the tracer's are in tracer_args.c;
 * README.md lists them.
 */
#ifndef PMCOUNT_ARGS_H
#define PMCOUNT_ARGS_H

#include <stddef.h>

#include "regions.h"

struct dx_symmap;

/* When the memory callbacks that count bytes are installed. */
enum pmc_mem_mode {
	PMC_MEM_ON,	/* only while a window is open (qemu_plugin_reset) */
	PMC_MEM_OFF,	/* never: no byte counts */
	PMC_MEM_ALWAYS,	/* for the whole run: no toggling, costs the boot */
	PMC_MEM_FIRST,	/* like on, in the first window after each MARK only */
};

struct pmcount_config {
	const char *counts_path;	/* counts=PATH (required), JSON Lines */
	const char *stats_path;		/* stats=PATH, JSON at exit */
	const char *system_map;		/* system_map=PATH */
	struct dx_symmap *syms;		/* its symbols, NULL without */
	enum pmc_mem_mode mem;		/* mem=on|off|always|first */
	struct region_set regions;	/* region=BASE:SIZE[:NAME] */
};

/*
 * Parse argv into *c. Returns 0, or -1 with one message in err naming the
 * argument that is missing or wrong. Free with pmcount_args_free() either
 * way.
 */
int pmcount_args_parse(struct pmcount_config *c, int argc, char **argv,
		       char *err, size_t errlen);
void pmcount_args_free(struct pmcount_config *c);

/* "on", "off", "always" or "first". */
const char *pmc_mem_mode_name(enum pmc_mem_mode m);

#endif /* PMCOUNT_ARGS_H */
