// SPDX-License-Identifier: MIT
/*
 * plugin-args: the plugins' argument parsers without QEMU. Parses the
 * arguments as libpmtrace.so or libpmcount.so does at load and prints
 * the configuration as one JSON object; a refusal is the plugin's own
 * one-line message. For tests/badinput/40-plugins.sh, which feeds them
 * hostile arguments without booting anything.
 */
#include <stdio.h>
#include <string.h>

#include "ctcli.h"
#include "daxlab/exit.h"
#include "daxlab/json.h"
#include "daxlab/symmap.h"
#include "pmcount_args.h"
#include "tracer_args.h"

static void usage(FILE *f)
{
	fputs("usage: plugin-args pmtrace|pmcount [KEY=VALUE ...]\n"
	      "  Parses KEY=VALUE arguments as libpmtrace.so or libpmcount.so\n"
	      "  does at load (one argument per word, no QEMU) and prints the\n"
	      "  configuration as JSON.\n"
	      "exit status: 0 accepted, 2 refused (the plugin's message on\n"
	      "stderr, \"pmtrace: ...\" or \"pmcount: ...\")\n", f);
}

static void regions(struct dx_json *j, const struct region_set *rs)
{
	dx_json_arr_begin(j, "regions");
	for (unsigned i = 0; i < rs->n; i++) {
		dx_json_obj_begin(j, NULL);
		dx_json_str(j, "name", rs->r[i].name);
		dx_json_u64(j, "base", rs->r[i].base);
		dx_json_u64(j, "size", rs->r[i].size);
		dx_json_obj_end(j);
	}
	dx_json_arr_end(j);
}

static void print_tracer(struct dx_json *j, const struct tracer_config *c)
{
	dx_json_str(j, "trace", c->trace_path);
	regions(j, &c->regions);
	dx_json_arr_begin(j, "backing");
	for (unsigned i = 0; i < c->nbacking; i++)
		dx_json_str(j, NULL, c->backing[i]);
	dx_json_arr_end(j);
	if (c->have_page_offset_base)
		dx_json_u64(j, "page_offset_base", c->page_offset_base);
	else
		dx_json_null(j, "page_offset_base");
	dx_json_str(j, "system_map", c->system_map);
	if (c->have_pob_symbol)
		dx_json_u64(j, "page_offset_base_symbol", c->pob_symbol);
	else
		dx_json_null(j, "page_offset_base_symbol");
	dx_json_u64(j, "max_trace_bytes", c->max_trace_bytes);
	dx_json_str(j, "stats", c->stats_path);
	dx_json_arr_begin(j, "drain");
	for (unsigned i = 0; i < c->ndrain; i++) {
		dx_json_obj_begin(j, NULL);
		dx_json_u64(j, "pc", c->drain[i].pc);
		dx_json_str(j, "name", c->drain[i].name);
		dx_json_obj_end(j);
	}
	dx_json_arr_end(j);
}

static void print_pmcount(struct dx_json *j, const struct pmcount_config *c)
{
	dx_json_str(j, "counts", c->counts_path);
	dx_json_str(j, "stats", c->stats_path);
	dx_json_str(j, "system_map", c->system_map);
	dx_json_u64(j, "functions", dx_symmap_nfuncs(c->syms));
	dx_json_str(j, "mem", pmc_mem_mode_name(c->mem));
	regions(j, &c->regions);
}

int main(int argc, char **argv)
{
	struct tracer_config tc;
	struct pmcount_config pc;
	struct dx_json j;
	char err[512];
	bool tracer;
	int rc;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return DX_EXIT_OK;
	}
	if (argc == 2 && !strcmp(argv[1], "--version")) {
		printf("plugin-args %s\n", CT_VERSION);
		return DX_EXIT_OK;
	}
	if (argc < 2 || (strcmp(argv[1], "pmtrace") && strcmp(argv[1], "pmcount"))) {
		usage(stderr);
		return DX_EXIT_USAGE;
	}
	tracer = !strcmp(argv[1], "pmtrace");
	rc = tracer ? tracer_args_parse(&tc, argc - 2, argv + 2, err, sizeof(err))
		    : pmcount_args_parse(&pc, argc - 2, argv + 2, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "%s: %s\n", argv[1], err);
		if (!tracer)
			pmcount_args_free(&pc);
		return DX_EXIT_USAGE;
	}
	dx_json_init(&j, stdout);
	dx_json_obj_begin(&j, NULL);
	dx_json_str(&j, "plugin", argv[1]);
	if (tracer)
		print_tracer(&j, &tc);
	else
		print_pmcount(&j, &pc);
	dx_json_obj_end(&j);
	if (!tracer)
		pmcount_args_free(&pc);
	if (dx_json_check(&j, err, sizeof(err))) {
		fprintf(stderr, "plugin-args: %s\n", err);
		return DX_EXIT_FINDING;
	}
	return DX_EXIT_OK;
}
