/* SPDX-License-Identifier: MIT */
/*
 * The persistent-memory regions the tracer records: guest-physical ranges,
 * sorted by base, never overlapping. Everything outside them is filtered
 * out except fences, which are global.
 */
#ifndef REGIONS_H
#define REGIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REGIONS_MAX	8
#define REGION_NAME_MAX	32

struct region {
	uint64_t base, size;
	char name[REGION_NAME_MAX];
};

struct region_set {
	unsigned n;
	struct region r[REGIONS_MAX];
};

/*
 * Add [base, base+size) named name (NULL or "" gives "pmemN"). Returns 0,
 * or -1 with a message in err for a zero size, an overflow, an overlap, a
 * bad name or a full set. The set stays sorted by base.
 */
int regions_add(struct region_set *s, uint64_t base, uint64_t size,
		const char *name, char *err, size_t errlen);

/*
 * Parse "BASE:SIZE[:NAME]" and add it. BASE and SIZE are sizes as
 * dx_parse_size reads them: decimal or 0x hex, K/M/G/T suffixes.
 */
int regions_add_spec(struct region_set *s, const char *spec, char *err,
		     size_t errlen);

/*
 * Clip [addr, addr+len) to the first region it overlaps. Returns that
 * region and sets [*start, *start + *clipped) to the overlap, or returns
 * NULL if the range touches no region.
 */
const struct region *regions_find(const struct region_set *s, uint64_t addr,
				  uint64_t len, uint64_t *start,
				  uint64_t *clipped);

#endif /* REGIONS_H */
