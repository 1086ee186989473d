// SPDX-License-Identifier: MIT
/* Plugin argument table, parsing and validation. */
#include "tracer_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "daxlab/num.h"
#include "daxlab/symmap.h"
#include "plugin_args.h"

static int set_region(void *cfg, const struct plugin_arg *a, const char *v,
		      char *err, size_t errlen)
{
	struct tracer_config *c = cfg;

	(void)a;
	return regions_add_spec(&c->regions, v, err, errlen);
}

static int set_backing(void *cfg, const struct plugin_arg *a, const char *v,
		       char *err, size_t errlen)
{
	struct tracer_config *c = cfg;
	struct stat st;

	(void)a;
	if (c->nbacking == REGIONS_MAX) {
		snprintf(err, errlen, "backing=: more than %d files",
			 REGIONS_MAX);
		return -1;
	}
	if (stat(v, &st) != 0) {
		snprintf(err, errlen, "backing=%s: %s", v, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "backing=%s: not a regular file", v);
		return -1;
	}
	c->backing[c->nbacking++] = v;
	return 0;
}

static int set_pob(void *cfg, const struct plugin_arg *a, const char *v,
		   char *err, size_t errlen)
{
	struct tracer_config *c = cfg;

	if (dx_parse_u64(v, 0, UINT64_MAX, &c->page_offset_base, a->key, err,
			 errlen))
		return -1;
	/* The direct map lives in the upper (kernel) half. */
	if (c->page_offset_base < (1ull << 63) ||
	    (c->page_offset_base & 0xfff)) {
		snprintf(err, errlen, "page_offset_base=%s: expected a "
			 "page-aligned kernel address such as 0x%llx", v,
			 DEFAULT_PAGE_OFFSET_BASE);
		return -1;
	}
	c->have_page_offset_base = true;
	return 0;
}

static int set_system_map(void *cfg, const struct plugin_arg *a,
			  const char *v, char *err, size_t errlen)
{
	struct tracer_config *c = cfg;
	struct dx_symmap *m;
	char why[256];

	(void)a;
	/* Read it now so a wrong path fails the load, not the first flush. */
	if (!*v || dx_symmap_load(&m, v, why, sizeof(why))) {
		snprintf(err, errlen, "system_map=%s: %s", v,
			 *v ? why : "empty path");
		return -1;
	}
	c->system_map = v;
	c->have_pob_symbol = dx_symmap_addr(m, "page_offset_base",
					    &c->pob_symbol) == 1;
	dx_symmap_free(m);
	return 0;
}

static int set_max_bytes(void *cfg, const struct plugin_arg *a,
			 const char *v, char *err, size_t errlen)
{
	struct tracer_config *c = cfg;

	/* Room for the header, one region and the closing mark. */
	return dx_parse_size(v, 4096, UINT64_MAX, &c->max_trace_bytes, a->key,
			     err, errlen);
}

static int set_drain(void *cfg, const struct plugin_arg *a, const char *v,
		     char *err, size_t errlen)
{
	struct tracer_config *c = cfg;
	const char *colon = strchr(v, ':');
	struct drain_point *d = &c->drain[c->ndrain];
	char addr[32], why[160];
	size_t n;

	(void)a;
	if (c->ndrain == DRAIN_MAX) {
		snprintf(err, errlen, "drain=: more than %d points", DRAIN_MAX);
		return -1;
	}
	n = colon ? (size_t)(colon - v) : 0;
	if (!colon || n == 0 || n >= sizeof(addr) || !colon[1] ||
	    strlen(colon + 1) > DRAIN_NAME_MAX) {
		snprintf(err, errlen, "drain=%s: expected ADDR:NAME (a kernel "
			 "instruction address and a name of at most %d "
			 "characters)", v, DRAIN_NAME_MAX);
		return -1;
	}
	memcpy(addr, v, n);
	addr[n] = '\0';
	if (dx_parse_u64(addr, 1, UINT64_MAX, &d->pc, "ADDR", why,
			 sizeof(why))) {
		snprintf(err, errlen, "drain=%s: %s", v, why);
		return -1;
	}
	for (const char *p = colon + 1; *p; p++)
		if (*p <= ' ' || *p > '~') {
			snprintf(err, errlen, "drain=%s: the name must be "
				 "printable, without spaces", v);
			return -1;
		}
	snprintf(d->name, sizeof(d->name), "%s", colon + 1);
	c->ndrain++;
	return 0;
}

/* windows=DIR: an existing directory; each window's files go below it. */
static int set_windows(void *cfg, const struct plugin_arg *a, const char *v,
		       char *err, size_t errlen)
{
	struct tracer_config *c = cfg;
	struct stat st;

	(void)a;
	if (!v[0] || stat(v, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "windows=%s: not a directory", v);
		return -1;
	}
	c->windows_dir = v;
	return 0;
}

static const struct plugin_arg arg_table[] = {
	{ "trace", "PATH", false, false, plugin_arg_output,
	  offsetof(struct tracer_config, trace_path) },
	{ "windows", "DIR", false, false, set_windows, 0 },
	{ "region", "BASE:SIZE[:NAME]", true, false, set_region, 0 },
	{ "backing", "FILE", true, false, set_backing, 0 },
	{ "page_offset_base", "ADDR", false, false, set_pob, 0 },
	{ "system_map", "PATH", false, false, set_system_map, 0 },
	{ "max_trace_bytes", "SIZE", false, false, set_max_bytes, 0 },
	{ "stats", "PATH", false, false, plugin_arg_output,
	  offsetof(struct tracer_config, stats_path) },
	{ "drain", "ADDR:NAME", true, false, set_drain, 0 },
};

int tracer_args_parse(struct tracer_config *c, int argc, char **argv,
		      char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	if (plugin_args_parse(arg_table, sizeof(arg_table) / sizeof(arg_table[0]),
			      c, argc, argv, err, errlen))
		return -1;
	if (!c->trace_path == !c->windows_dir) {
		snprintf(err, errlen, "give trace=PATH (one window) or windows=DIR "
			 "(a window per pmmark window NAME), one of them");
		return -1;
	}
	if (c->windows_dir && c->stats_path) {
		snprintf(err, errlen, "stats= is for trace=: with windows= each "
			 "window's statistics are DIR/NAME/tracer.json");
		return -1;
	}
	if (c->have_page_offset_base && c->system_map) {
		snprintf(err, errlen, "give page_offset_base= or system_map=, "
			 "not both");
		return -1;
	}
	if (c->regions.n && c->nbacking && c->nbacking != c->regions.n) {
		snprintf(err, errlen, "%u region= but %u backing= arguments: "
			 "give one backing file per region or none",
			 c->regions.n, c->nbacking);
		return -1;
	}
	/* Outputs must not overwrite each other or an input. */
	if (plugin_args_distinct("stats", c->stats_path, "trace",
				 c->trace_path, err, errlen) ||
	    plugin_args_distinct("trace", c->trace_path, "system_map",
				 c->system_map, err, errlen) ||
	    plugin_args_distinct("stats", c->stats_path, "system_map",
				 c->system_map, err, errlen))
		return -1;
	for (unsigned i = 0; i < c->nbacking; i++)
		if (plugin_args_distinct("trace", c->trace_path, "backing",
					 c->backing[i], err, errlen) ||
		    plugin_args_distinct("stats", c->stats_path, "backing",
					 c->backing[i], err, errlen))
			return -1;
	return 0;
}
