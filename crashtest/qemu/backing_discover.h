/* SPDX-License-Identifier: MIT */
/*
 * Find the NVDIMMs' memory-backend-file paths in QEMU's own command line
 * (/proc/self/cmdline), so a harness that creates the files in a temporary
 * directory need not pass backing= by hand.
 */
#ifndef BACKING_DISCOVER_H
#define BACKING_DISCOVER_H

#include <stddef.h>

#include "regions.h"

struct backing_list {
	unsigned n;
	char *path[REGIONS_MAX];	/* in -device nvdimm order */
};

/*
 * Parse the NUL-separated argument vector args[0..len) (the format of
 * /proc/self/cmdline) for "-device nvdimm,...,memdev=ID" and
 * "-object memory-backend-file,id=ID,...,mem-path=PATH". Fills *out with
 * one path per nvdimm, in device order. Returns 0, or -1 with a message
 * for an nvdimm whose backend is not a memory-backend-file.
 */
int backing_parse_cmdline(const char *args, size_t len,
			  struct backing_list *out, char *err, size_t errlen);

/* The same for the running process. */
int backing_discover(struct backing_list *out, char *err, size_t errlen);

void backing_list_free(struct backing_list *l);

#endif /* BACKING_DISCOVER_H */
