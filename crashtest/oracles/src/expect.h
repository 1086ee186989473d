/* SPDX-License-Identifier: MIT */
/*
 * What the files must hold after a crash: the promises of the marks
 * reached, folded in order, with whatever the operation in flight at the
 * crash may have changed relaxed.
 */
#ifndef EXPECT_H
#define EXPECT_H

#include <stddef.h>
#include <stdint.h>

#include "ctmanifest.h"

/* One byte range a file must hold. seed == RANGE_ZERO: zeros. */
#define RANGE_ZERO UINT64_MAX
struct expect_range {
	uint64_t off, len, seed, id;
};

enum exist_state { EXIST_UNKNOWN, EXIST_YES, EXIST_NO };

struct expect_file {
	char path[CTM_PATH_MAX];
	enum exist_state exists;
	int size_known;
	uint64_t size, size_id;
	uint64_t exist_id;		/* mark that promised exists/gone */
	struct expect_range *r;
	size_t nr, capr;
};

struct expect {
	struct expect_file *f;
	size_t n, cap;
	uint64_t last_id;		/* last promise mark reached, 0: none */
};

/*
 * What the files must hold after a crash at which the marks reached[0..n)
 * were passed (any order; marks without promises count for nothing).
 * Returns 0 or -1 (out of memory).
 */
int expect_build(const struct ctm_manifest *m, const uint64_t *reached,
		 size_t nreached, struct expect *e);
void expect_free(struct expect *e);

#endif /* EXPECT_H */
