// SPDX-License-Identifier: MIT
/* applog-trace [--buggy] [-n N] TRACE: record the log workload to a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applog.h"
#include "daxlab/num.h"

int main(int argc, char **argv)
{
	unsigned long n = 8;
	const char *path = NULL;
	struct pm_rec *r;
	int buggy = 0, rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--buggy")) {
			buggy = 1;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			uint64_t v;
			char err[200];

			if (dx_parse_u64(argv[++i], 1, 400, &v, "-n", err, sizeof(err))) {
				fprintf(stderr, "applog-trace: %s\n", err);
				return 2;
			}
			n = (unsigned long)v;
		} else if (argv[i][0] != '-' && !path) {
			path = argv[i];
		} else {
			fprintf(stderr, "usage: applog-trace [--buggy] [-n N] TRACE\n");
			return 2;
		}
	}
	if (!path) {
		fprintf(stderr, "usage: applog-trace [--buggy] [-n N] TRACE\n");
		return 2;
	}
	if (pm_rec_new(&r, path)) {
		fprintf(stderr, "applog-trace: %s\n", pmsim_errmsg());
		return 2;
	}
	rc = applog_workload(r, buggy, (unsigned)n);
	if (rc)
		fprintf(stderr, "applog-trace: %s\n", pmsim_errmsg());
	pm_rec_free(r);
	return rc ? 2 : 0;
}
