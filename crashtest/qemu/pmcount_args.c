// SPDX-License-Identifier: MIT
/*
 * pmcount argument table, parsing and validation. The table says which
 * keys exist, which may repeat and which are required; the parser only
 * walks it, so a new argument is one setter and one table line.
 */
#include "pmcount_args.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "sym.h"

struct pmc_arg {
	const char *key;
	bool repeat;		/* may be given more than once */
	bool required;
	int (*set)(struct pmcount_config *c, const char *val, char *err,
		   size_t errlen);
	const char *value;	/* what the value looks like, for messages */
};

static int set_path(const char *key, const char **dst, const char *v,
		    char *err, size_t errlen)
{
	if (!*v) {
		snprintf(err, errlen, "%s=: empty path", key);
		return -1;
	}
	*dst = v;
	return 0;
}

static int set_counts(struct pmcount_config *c, const char *v, char *err,
		      size_t errlen)
{
	return set_path("counts", &c->counts_path, v, err, errlen);
}

static int set_stats(struct pmcount_config *c, const char *v, char *err,
		     size_t errlen)
{
	return set_path("stats", &c->stats_path, v, err, errlen);
}

static int set_system_map(struct pmcount_config *c, const char *v, char *err,
			  size_t errlen)
{
	char why[256];

	/* Load it now: a wrong path fails the load, not the first window. */
	if (!*v || symtab_load(&c->syms, v, why, sizeof(why))) {
		snprintf(err, errlen, "system_map=%s: %s", v,
			 *v ? why : "empty path");
		return -1;
	}
	c->system_map = v;
	return 0;
}

static int set_mem(struct pmcount_config *c, const char *v, char *err,
		   size_t errlen)
{
	static const enum pmc_mem_mode modes[] = { PMC_MEM_ON, PMC_MEM_OFF,
						   PMC_MEM_ALWAYS, PMC_MEM_FIRST };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(v, pmc_mem_mode_name(modes[i]))) {
			c->mem = modes[i];
			return 0;
		}
	snprintf(err, errlen, "mem=%s: expected on, off, always or first", v);
	return -1;
}

static int set_region(struct pmcount_config *c, const char *v, char *err,
		      size_t errlen)
{
	return regions_add_spec(&c->regions, v, err, errlen);
}

static const struct pmc_arg pmc_args[] = {
	{ "counts", false, true, set_counts, "PATH" },
	{ "stats", false, false, set_stats, "PATH" },
	{ "system_map", false, false, set_system_map, "PATH" },
	{ "mem", false, false, set_mem, "on|off|always|first" },
	{ "region", true, false, set_region, "BASE:SIZE[:NAME]" },
};

#define PMC_NARGS (sizeof(pmc_args) / sizeof(pmc_args[0]))

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

static const struct pmc_arg *find_arg(const char *kv, size_t klen)
{
	for (size_t i = 0; i < PMC_NARGS; i++)
		if (strlen(pmc_args[i].key) == klen &&
		    !memcmp(pmc_args[i].key, kv, klen))
			return &pmc_args[i];
	return NULL;
}

static void unknown(const char *arg, char *err, size_t errlen)
{
	int n = snprintf(err, errlen, "unknown argument '%s' (expected", arg);

	for (size_t i = 0; i < PMC_NARGS && n > 0 && (size_t)n < errlen; i++)
		n += snprintf(err + n, errlen - (size_t)n, "%s %s=%s",
			      i ? "," : "", pmc_args[i].key,
			      pmc_args[i].value);
	if (n > 0 && (size_t)n < errlen)
		snprintf(err + n, errlen - (size_t)n, ")");
}

int pmcount_args_parse(struct pmcount_config *c, int argc, char **argv,
		       char *err, size_t errlen)
{
	unsigned given[PMC_NARGS] = { 0 };

	memset(c, 0, sizeof(*c));
	c->mem = PMC_MEM_ON;
	err[0] = '\0';
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		const struct pmc_arg *a = eq ? find_arg(argv[i],
						(size_t)(eq - argv[i])) : NULL;

		if (!a) {
			unknown(argv[i], err, errlen);
			return -1;
		}
		if (given[a - pmc_args]++ && !a->repeat) {
			snprintf(err, errlen, "%s= given twice", a->key);
			return -1;
		}
		if (a->set(c, eq + 1, err, errlen))
			return -1;
	}
	for (size_t i = 0; i < PMC_NARGS; i++)
		if (pmc_args[i].required && !given[i]) {
			snprintf(err, errlen, "%s=%s is required",
				 pmc_args[i].key, pmc_args[i].value);
			return -1;
		}
	if (c->stats_path && !strcmp(c->stats_path, c->counts_path)) {
		snprintf(err, errlen, "stats=%s: the same file as counts=",
			 c->stats_path);
		return -1;
	}
	return 0;
}

void pmcount_args_free(struct pmcount_config *c)
{
	symtab_free(c->syms);
	c->syms = NULL;
}
