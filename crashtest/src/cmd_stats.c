// SPDX-License-Identifier: MIT
/* pmsim stats: event counts and the size of the crash-state space. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "daxlab/json.h"
#include "pmsim.h"

static const char *const types[] = { "", "region", "store", "ntstore", "flush",
				     "fence", "mark", "image" };

static int json(const struct pmsim_stats *s)
{
	static const char *const flushes[] = { "clwb", "clflushopt", "clflush" };
	static const char *const fences[] = { "sfence", "mfence", "rmw", "xchg", "lfence" };
	struct dx_json j;
	char err[256];

	dx_json_init(&j, stdout);
	dx_json_obj_begin(&j, NULL);
	dx_json_u64(&j, "events", s->events);
	dx_json_u64(&j, "bytes", s->bytes);
	for (int k = 1; k < 8; k++)
		dx_json_u64(&j, types[k], s->by_type[k]);
	for (int k = 0; k < 3; k++)
		dx_json_u64(&j, flushes[k], s->flush_kind[k]);
	for (int k = 0; k < 5; k++)
		dx_json_u64(&j, fences[k], s->fence_kind[k]);
	dx_json_u64(&j, "stored_bytes", s->stored_bytes);
	dx_json_u64(&j, "ntstored_bytes", s->ntstored_bytes);
	dx_json_u64(&j, "lines_touched", s->lines_touched);
	dx_json_u64(&j, "fence_points", s->fence_points);
	dx_json_u64(&j, "max_dirty_lines", s->max_dirty_lines);
	dx_json_obj_end(&j);
	if (dx_json_check(&j, err, sizeof(err)))
		return cli_error(DX_EXIT_FINDING, "stats: %s", err);
	return DX_EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
	const char *path = NULL;
	struct pmsim_stats s;
	struct pmsim_trace *t;
	int as_json = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			as_json = 1;
		else if (argv[i][0] == '-' || path)
			return cli_error(DX_EXIT_USAGE, "usage: pmsim stats TRACE [--json]");
		else
			path = argv[i];
	}
	if (!path)
		return cli_error(DX_EXIT_USAGE, "usage: pmsim stats TRACE [--json]");
	if (pmsim_trace_open(&t, path))
		return cli_lib_error(DX_EXIT_USAGE);
	r = pmsim_trace_stats(t, &s);
	pmsim_trace_free(t);
	if (r)
		return cli_lib_error(DX_EXIT_FINDING);
	if (as_json)
		return json(&s);
	printf("trace            %s\n", path);
	printf("events           %" PRIu64 " (%" PRIu64 " bytes)\n", s.events, s.bytes);
	for (int k = 1; k < 8; k++)
		printf("  %-14s %" PRIu64 "\n", types[k], s.by_type[k]);
	printf("flushes          clwb %" PRIu64 ", clflushopt %" PRIu64 ", clflush %" PRIu64 "\n",
	       s.flush_kind[0], s.flush_kind[1], s.flush_kind[2]);
	printf("fences           sfence %" PRIu64 ", mfence %" PRIu64 ", rmw %" PRIu64
	       ", xchg %" PRIu64 ", lfence %" PRIu64 "\n", s.fence_kind[0], s.fence_kind[1],
	       s.fence_kind[2], s.fence_kind[3], s.fence_kind[4]);
	printf("bytes stored     %" PRIu64 " cached, %" PRIu64 " non-temporal\n",
	       s.stored_bytes, s.ntstored_bytes);
	printf("lines touched    %" PRIu64 "\n", s.lines_touched);
	printf("fence points     %" PRIu64 " (largest pending set: %" PRIu64 " lines)\n",
	       s.fence_points, s.max_dirty_lines);
	return DX_EXIT_OK;
}
