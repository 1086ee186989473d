// SPDX-License-Identifier: MIT
/* Plugin argument table, parsing and validation. */
#include "tracer_args.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pmtrace.h"

struct arg_def {
	const char *key;
	bool repeat;
	int (*set)(struct tracer_config *c, const char *val, char *err,
		   size_t errlen);
	const char *help;
};

static int set_trace(struct tracer_config *c, const char *v, char *err,
		     size_t errlen)
{
	if (!*v) {
		snprintf(err, errlen, "trace=: empty path");
		return -1;
	}
	c->trace_path = v;
	return 0;
}

static int set_region(struct tracer_config *c, const char *v, char *err,
		      size_t errlen)
{
	return regions_add_spec(&c->regions, v, err, errlen);
}

static int set_backing(struct tracer_config *c, const char *v, char *err,
		       size_t errlen)
{
	struct stat st;

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

static int set_pob(struct tracer_config *c, const char *v, char *err,
		   size_t errlen)
{
	/* The direct map lives in the upper (kernel) half. */
	if (!parse_u64_size(v, &c->page_offset_base) ||
	    c->page_offset_base < (1ull << 63) ||
	    (c->page_offset_base & 0xfff)) {
		snprintf(err, errlen, "page_offset_base=%s: expected a "
			 "page-aligned kernel address such as 0x%llx", v,
			 DEFAULT_PAGE_OFFSET_BASE);
		return -1;
	}
	c->have_page_offset_base = true;
	return 0;
}

static int set_system_map(struct tracer_config *c, const char *v, char *err,
			  size_t errlen)
{
	uint64_t addr;

	/* Read it now so a wrong path fails the load, not the first flush. */
	if (system_map_lookup(v, "_text", &addr, err, errlen) != 1) {
		if (!*err)
			snprintf(err, errlen, "system_map=%s: no _text symbol; "
				 "not a kernel System.map", v);
		return -1;
	}
	c->system_map = v;
	return 0;
}

static int set_max_bytes(struct tracer_config *c, const char *v, char *err,
			 size_t errlen)
{
	/* Room for the header, one region and the closing mark. */
	if (!parse_u64_size(v, &c->max_trace_bytes) ||
	    c->max_trace_bytes < 4096) {
		snprintf(err, errlen, "max_trace_bytes=%s: expected a size of "
			 "at least 4096 (K/M/G suffixes allowed)", v);
		return -1;
	}
	return 0;
}

static int set_stats(struct tracer_config *c, const char *v, char *err,
		     size_t errlen)
{
	if (!*v) {
		snprintf(err, errlen, "stats=: empty path");
		return -1;
	}
	c->stats_path = v;
	return 0;
}

static int set_drain(struct tracer_config *c, const char *v, char *err,
		     size_t errlen)
{
	const char *colon = strchr(v, ':');
	struct drain_point *d = &c->drain[c->ndrain];
	char addr[32];
	size_t n;

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
	if (!parse_u64_size(addr, &d->pc) || d->pc == 0) {
		snprintf(err, errlen, "drain=%s: '%s' is not an address", v,
			 addr);
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

static const struct arg_def arg_table[] = {
	{ "trace", false, set_trace, "trace file to write (required)" },
	{ "region", true, set_region, "BASE:SIZE[:NAME] guest-physical pmem" },
	{ "backing", true, set_backing, "memory-backend-file of each region" },
	{ "page_offset_base", false, set_pob, "guest direct-map base" },
	{ "system_map", false, set_system_map, "guest System.map" },
	{ "max_trace_bytes", false, set_max_bytes, "trace size limit" },
	{ "stats", false, set_stats, "JSON counters written at exit" },
	{ "drain", true, set_drain, "ADDR:NAME where write-backs must be durable" },
};

#define NARGS (sizeof(arg_table) / sizeof(arg_table[0]))

static void list_keys(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < NARGS && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", arg_table[i].key);
}

int tracer_args_parse(struct tracer_config *c, int argc, char **argv,
		      char *err, size_t errlen)
{
	bool seen[NARGS] = { false };

	memset(c, 0, sizeof(*c));
	err[0] = '\0';
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t klen = eq ? (size_t)(eq - argv[i]) : 0;
		size_t a;

		for (a = 0; eq && a < NARGS; a++)
			if (strlen(arg_table[a].key) == klen &&
			    !strncmp(arg_table[a].key, argv[i], klen))
				break;
		if (!eq || a == NARGS) {
			char keys[256];

			list_keys(keys, sizeof(keys));
			snprintf(err, errlen, "unknown argument '%s' "
				 "(expected KEY=VALUE with KEY one of: %s)",
				 argv[i], keys);
			return -1;
		}
		if (seen[a] && !arg_table[a].repeat) {
			snprintf(err, errlen, "%s= given twice",
				 arg_table[a].key);
			return -1;
		}
		seen[a] = true;
		if (arg_table[a].set(c, eq + 1, err, errlen))
			return -1;
	}
	if (!c->trace_path) {
		snprintf(err, errlen, "trace=PATH is required");
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
	return 0;
}

int system_map_lookup(const char *path, const char *symbol, uint64_t *addr,
		      char *err, size_t errlen)
{
	char line[512];
	int found = 0;
	FILE *f;

	err[0] = '\0';
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "system_map=%s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, name[256];

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx %c %255s", &a, &type, name) != 3) {
			snprintf(err, errlen, "system_map=%s: line '%.40s' is "
				 "not 'ADDRESS TYPE NAME'", path, line);
			fclose(f);
			return -1;
		}
		if (!strcmp(name, symbol)) {
			*addr = a;
			found = 1;
			break;
		}
	}
	fclose(f);
	return found;
}
