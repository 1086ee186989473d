// SPDX-License-Identifier: MIT
/*
 * pmcount argument table and validation. The table says which keys
 * exist, which may repeat and which are required (plugin_args.c walks
 * it), so a new argument is one setter and one table line.
 */
#include "pmcount_args.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "daxlab/symmap.h"
#include "plugin_args.h"

static int set_system_map(void *cfg, const struct plugin_arg *a,
			  const char *v, char *err, size_t errlen)
{
	struct pmcount_config *c = cfg;
	char why[256];

	(void)a;
	/* Load it now: a wrong path fails the load, not the first window. */
	if (!*v || dx_symmap_load(&c->syms, v, why, sizeof(why))) {
		snprintf(err, errlen, "system_map=%s: %s", v,
			 *v ? why : "empty path");
		return -1;
	}
	c->system_map = v;
	return 0;
}

static int set_mem(void *cfg, const struct plugin_arg *a, const char *v,
		   char *err, size_t errlen)
{
	static const enum pmc_mem_mode modes[] = { PMC_MEM_ON, PMC_MEM_OFF,
						   PMC_MEM_ALWAYS, PMC_MEM_FIRST };
	struct pmcount_config *c = cfg;

	(void)a;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(v, pmc_mem_mode_name(modes[i]))) {
			c->mem = modes[i];
			return 0;
		}
	snprintf(err, errlen, "mem=%s: expected on, off, always or first", v);
	return -1;
}

static int set_region(void *cfg, const struct plugin_arg *a, const char *v,
		      char *err, size_t errlen)
{
	struct pmcount_config *c = cfg;

	(void)a;
	return regions_add_spec(&c->regions, v, err, errlen);
}

static const struct plugin_arg pmc_args[] = {
	{ "counts", "PATH", false, true, plugin_arg_output,
	  offsetof(struct pmcount_config, counts_path) },
	{ "stats", "PATH", false, false, plugin_arg_output,
	  offsetof(struct pmcount_config, stats_path) },
	{ "system_map", "PATH", false, false, set_system_map, 0 },
	{ "mem", "on|off|always|first", false, false, set_mem, 0 },
	{ "region", "BASE:SIZE[:NAME]", true, false, set_region, 0 },
};

const char *pmc_mem_mode_name(enum pmc_mem_mode m)
{
	switch (m) {
	case PMC_MEM_ON: return "on";
	case PMC_MEM_OFF: return "off";
	case PMC_MEM_ALWAYS: return "always";
	case PMC_MEM_FIRST: return "first";
	}
	return "?";
}

int pmcount_args_parse(struct pmcount_config *c, int argc, char **argv,
		       char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->mem = PMC_MEM_ON;
	if (plugin_args_parse(pmc_args, sizeof(pmc_args) / sizeof(pmc_args[0]),
			      c, argc, argv, err, errlen))
		return -1;
	/* Outputs must not overwrite each other or the System.map. */
	return plugin_args_distinct("stats", c->stats_path, "counts",
				    c->counts_path, err, errlen) ||
	       plugin_args_distinct("counts", c->counts_path, "system_map",
				    c->system_map, err, errlen) ||
	       plugin_args_distinct("stats", c->stats_path, "system_map",
				    c->system_map, err, errlen) ? -1 : 0;
}

void pmcount_args_free(struct pmcount_config *c)
{
	dx_symmap_free(c->syms);
	c->syms = NULL;
}
