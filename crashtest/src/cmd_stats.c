// SPDX-License-Identifier: MIT
/* pmsim stats: event counts and the size of the crash-state space. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pmsim.h"

int cmd_stats(int argc, char **argv)
{
	static const char *const types[] = { "", "region", "store", "ntstore", "flush",
					     "fence", "mark", "image" };
	const char *path = NULL;
	struct pmsim_stats s;
	struct pmsim_trace *t;
	int json = 0, r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' || path)
			return cli_error("usage: pmsim stats TRACE [--json]");
		else
			path = argv[i];
	}
	if (!path)
		return cli_error("usage: pmsim stats TRACE [--json]");
	if (pmsim_trace_open(&t, path))
		return cli_error("%s", pmsim_errmsg());
	r = pmsim_trace_stats(t, &s);
	pmsim_trace_free(t);
	if (r)
		return cli_error("%s", pmsim_errmsg());
	if (json) {
		printf("{\"events\": %" PRIu64 ", \"bytes\": %" PRIu64, s.events, s.bytes);
		for (int k = 1; k < 8; k++)
			printf(", \"%s\": %" PRIu64, types[k], s.by_type[k]);
		printf(", \"clwb\": %" PRIu64 ", \"clflushopt\": %" PRIu64 ", \"clflush\": %" PRIu64,
		       s.flush_kind[0], s.flush_kind[1], s.flush_kind[2]);
		printf(", \"sfence\": %" PRIu64 ", \"mfence\": %" PRIu64 ", \"rmw\": %" PRIu64
		       ", \"xchg\": %" PRIu64 ", \"lfence\": %" PRIu64,
		       s.fence_kind[0], s.fence_kind[1], s.fence_kind[2], s.fence_kind[3],
		       s.fence_kind[4]);
		printf(", \"stored_bytes\": %" PRIu64 ", \"ntstored_bytes\": %" PRIu64
		       ", \"lines_touched\": %" PRIu64 ", \"fence_points\": %" PRIu64
		       ", \"max_dirty_lines\": %" PRIu64 "}\n", s.stored_bytes,
		       s.ntstored_bytes, s.lines_touched, s.fence_points, s.max_dirty_lines);
		return EXIT_OK;
	}
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
	return EXIT_OK;
}
