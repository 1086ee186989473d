// SPDX-License-Identifier: MIT
/*
 * pmmark: start, stop and mark a pmtrace window from inside the guest.
 *
 *   pmmark start      announce the guest's pmem regions, then start tracing
 *   pmmark stop       stop tracing
 *   pmmark announce   announce the regions without starting a window (the
 *                     pmcount plugin takes them once per boot, then counts
 *                     the windows that workloads open themselves)
 *   pmmark mark ID [LABEL]
 *   pmmark window NAME
 *                     the next window goes to DIR/NAME/ of a tracer given
 *                     windows=DIR (several traces in one boot)
 *   pmmark regions    print the regions start would announce
 *
 * Regions are the top-level "Persistent Memory" ranges of /proc/iomem
 * (NFIT NVDIMMs and memmap= legacy pmem); their addresses need root.
 * Outside the tracer every command is a harmless cpuid. Exit statuses:
 * 0 done, 1 /proc/iomem unreadable, 2 usage.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctcli.h"
#include "daxlab/exit.h"
#include "pmmark.h"

#define IOMEM "/proc/iomem"

static int usage(FILE *f)
{
	fprintf(f, "usage: pmmark start | stop | announce | regions | mark ID [LABEL]\n"
		"       pmmark window NAME\n"
		"       pmmark --help | --version\n");
	return f == stdout ? DX_EXIT_OK : DX_EXIT_USAGE;
}

/* Call fn for every top-level pmem range of /proc/iomem; returns count. */
static int for_each_region(void (*fn)(uint64_t base, uint64_t size,
				      const char *name))
{
	char line[256], name[16];
	int n = 0;
	FILE *f = fopen(IOMEM, "r");

	if (!f) {
		fprintf(stderr, "pmmark: %s: %s\n", IOMEM, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long start, end;
		int off = 0;

		if (line[0] == ' ')	/* nested: namespaces, pfn devices */
			continue;
		if (sscanf(line, "%llx-%llx : %n", &start, &end, &off) != 2 ||
		    !off || strncmp(line + off, "Persistent Memory", 17))
			continue;
		if (end <= start) {
			fprintf(stderr, "pmmark: %s shows pmem at 0-0: run as "
				"root to see addresses\n", IOMEM);
			fclose(f);
			return -1;
		}
		snprintf(name, sizeof(name), "pmem%d", n++);
		fn(start, end - start + 1, name);
	}
	fclose(f);
	return n;
}

static void print_region(uint64_t base, uint64_t size, const char *name)
{
	printf("%s 0x%" PRIx64 " 0x%" PRIx64 "\n", name, base, size);
}

static void announce_region(uint64_t base, uint64_t size, const char *name)
{
	pmmark_region(base, size, name);
}

int main(int argc, char **argv)
{
	uint64_t id;

	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") && argc == 2)
		return usage(stdout);
	if (!strcmp(argv[1], "--version") && argc == 2) {
		printf("pmmark %s\n", CT_VERSION);
		return DX_EXIT_OK;
	}
	if (!strcmp(argv[1], "start") && argc == 2) {
		if (for_each_region(announce_region) < 0)
			return 1;
		pmmark_start();
		return 0;
	}
	if (!strcmp(argv[1], "announce") && argc == 2)
		return for_each_region(announce_region) < 0 ? 1 : 0;
	if (!strcmp(argv[1], "stop") && argc == 2) {
		pmmark_stop();
		return 0;
	}
	if (!strcmp(argv[1], "window") && argc == 3) {
		if (!argv[2][0] || strlen(argv[2]) > PMMARK_LABEL_MAX) {
			fprintf(stderr, "pmmark: a window name is 1-%d bytes\n",
				PMMARK_LABEL_MAX);
			return DX_EXIT_USAGE;
		}
		pmmark_window(argv[2]);
		return 0;
	}
	if (!strcmp(argv[1], "regions") && argc == 2)
		return for_each_region(print_region) < 0 ? 1 : 0;
	if (!strcmp(argv[1], "mark") && (argc == 3 || argc == 4)) {
		if (ct_opt_u64("pmmark", "mark ID", argv[2], 0, UINT64_MAX, &id))
			return DX_EXIT_USAGE;
		if (argc == 4 && strlen(argv[3]) > PMMARK_LABEL_MAX) {
			fprintf(stderr, "pmmark: label longer than %d bytes\n",
				PMMARK_LABEL_MAX);
			return DX_EXIT_USAGE;
		}
		pmmark_mark(id, argc == 4 ? argv[3] : NULL);
		return 0;
	}
	return usage(stderr);
}
