// SPDX-License-Identifier: MIT
/* pmsim dump: print a trace in its text form. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pmsim.h"

int cmd_dump(int argc, char **argv)
{
	uint64_t n = SIZE_MAX;
	const char *path = NULL;
	struct pmsim_trace *t;
	int r;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--events") && i + 1 < argc) {
			if (cli_u64("--events", argv[++i], 0, SIZE_MAX, &n))
				return DX_EXIT_USAGE;
		} else if (argv[i][0] == '-' || path) {
			return cli_error(DX_EXIT_USAGE, "usage: pmsim dump TRACE [--events N]");
		} else {
			path = argv[i];
		}
	}
	if (!path)
		return cli_error(DX_EXIT_USAGE, "usage: pmsim dump TRACE [--events N]");
	if (pmsim_trace_open(&t, path))
		return cli_lib_error(DX_EXIT_USAGE);
	printf("# pmtrace %s: %zu events, %zu regions, %zu marks\n", path,
	       pmsim_trace_nevents(t), pmsim_trace_nregions(t), pmsim_trace_nmarks(t));
	fflush(stdout);
	r = pmsim_trace_dump(t, 1, (size_t)n);
	pmsim_trace_free(t);
	return r ? cli_lib_error(DX_EXIT_FINDING) : DX_EXIT_OK;
}
