/* SPDX-License-Identifier: MIT */
/*
 * ctwl WORKLOAD DIR MANIFEST [--bytes N] [--first-id N] [--trace]
 *
 * Run one crash-test workload in DIR (a DAX mount) and append its promises
 * to MANIFEST, one line per promise: "ID KIND ARGS" (see
 * crashtest/README.md). With --trace the tracer is started before the
 * first operation and stopped after the last, and every promise gets a
 * trace mark with the same id.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "../../guest/pmmark.h"
#include "ctwl.h"

extern const struct ctwl_workload ctwl_write_fsync, ctwl_osync_write,
	ctwl_dsync_write, ctwl_mmap_msync, ctwl_map_sync, ctwl_dir_ops,
	ctwl_trunc_falloc;

const struct ctwl_workload *const ctwl_workloads[] = {
	&ctwl_write_fsync, &ctwl_osync_write, &ctwl_dsync_write,
	&ctwl_mmap_msync, &ctwl_map_sync, &ctwl_dir_ops, &ctwl_trunc_falloc,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ctwl [--bytes N] [--first-id N] [--trace] "
		   "WORKLOAD DIR MANIFEST\n       ctwl --list\nworkloads:\n");
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		fprintf(f, "  %-14s %s\n", ctwl_workloads[i]->name,
			ctwl_workloads[i]->promise);
}

static int parse_u64(const char *s, const char *what, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || end == s || *end) {
		fprintf(stderr, "ctwl: %s '%s' is not a number\n", what, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bytes", required_argument, NULL, 'b' },
		{ "first-id", required_argument, NULL, 'i' },
		{ "trace", no_argument, NULL, 't' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctwl c = { .next_id = 100, .next_seed = 1, .bytes = 1 << 20 };
	const struct ctwl_workload *wl = NULL;
	uint64_t v;
	int opt, rc;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'b':
			if (parse_u64(optarg, "--bytes", &v))
				return 2;
			if (v < 4096 || v > (1ull << 30)) {
				fprintf(stderr, "ctwl: --bytes must be 4096..1G\n");
				return 2;
			}
			c.bytes = v;
			break;
		case 'i':
			if (parse_u64(optarg, "--first-id", &v))
				return 2;
			c.next_id = v;
			break;
		case 't':
			c.traced = 1;
			break;
		case 'l':
			usage(stdout);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return 2;
	}
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		if (!strcmp(ctwl_workloads[i]->name, argv[optind]))
			wl = ctwl_workloads[i];
	if (!wl) {
		fprintf(stderr, "ctwl: unknown workload '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	c.dir = argv[optind + 1];
	/* Seeds differ between workloads so stale content never matches. */
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		if (ctwl_workloads[i] == wl)
			c.next_seed = (uint64_t)i * 1000003u + 17u;
	c.manifest = fopen(argv[optind + 2], "a");
	if (!c.manifest) {
		ctwl_err("opening the manifest %s", argv[optind + 2]);
		return 1;
	}
	fprintf(c.manifest, "workload %s\n", wl->name);
	fflush(c.manifest);
	if (c.traced) {
		pmmark_start();
		pmmark_mark(c.next_id++, wl->name);
	}
	rc = wl->run(&c);
	if (c.traced)
		pmmark_stop();
	if (fclose(c.manifest) && !rc) {
		ctwl_err("closing the manifest");
		rc = 1;
	}
	if (rc == CTWL_EXIT_UNSUPPORTED)
		return rc;
	return rc ? 1 : 0;
}
