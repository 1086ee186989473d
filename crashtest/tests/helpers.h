/* SPDX-License-Identifier: MIT */
/*
 * Test helpers: run the simulator on a recorded trace and collect the set
 * of reachable values of a few watched 8-byte words, so a test can state
 * the exact expected set.
 */
#ifndef PMSIM_TEST_HELPERS_H
#define PMSIM_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>

#include "pmsim.h"

#define MAX_WATCH 8
#define MAX_TUPLES 4096
#define AT_END UINT64_MAX	/* only the crash point at the end */
#define AT_ALL (UINT64_MAX - 1)	/* every crash point */

/* A fixed region used by the tests. */
#define RBASE 0x100000ull
#define RSIZE 0x10000ull
#define LINE(n) (RBASE + 64ull * (n))

struct tuples {
	size_t n, width;
	uint64_t v[MAX_TUPLES][MAX_WATCH];
	struct pmsim_result res;
};

/* A recorder with the test region registered. */
struct pm_rec *rec_new(void);

/* States of the words at addrs (each 8 bytes) at crash point `event`
 * (AT_END, AT_ALL, or an event count). Fails the test on error. */
void collect(struct pm_rec *r, const struct pmsim_opts *o, const uint64_t *addrs,
	     size_t n, uint64_t event, struct tuples *out);
/* Same, on a parsed trace. */
void collect_trace(struct pmsim_trace *t, const struct pmsim_opts *o,
		   const uint64_t *addrs, size_t n, uint64_t event,
		   struct tuples *out);

/* Assert out holds exactly the nexp tuples of exp (any order). */
void expect_tuples(const struct tuples *out, const uint64_t *exp, size_t nexp);

/* Running the built programs (tests of the command line). */
extern char cli_bin[];		/* the build directory of crashtest */
extern char cli_dir[];		/* a scratch directory, removed by teardown */
extern char cli_out[1 << 16];	/* stdout of the last cli_run */
/* Group setup and teardown for cmocka: find the build directory, make and
 * remove the scratch directory. */
int cli_setup(void **state);
int cli_teardown(void **state);
/* Run a shell command line; its exit status (128+N for signal N), its
 * stdout in cli_out. */
int cli_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Read a u64 from a crash image. */
uint64_t image_u64(const struct pmsim_image *img, uint64_t addr);

#define EXPECT(out, ...)                                                   \
	do {                                                               \
		const uint64_t exp_[] = { __VA_ARGS__ };                   \
		expect_tuples((out), exp_, sizeof(exp_) / sizeof(exp_[0]) / \
			      (out)->width);                               \
	} while (0)

#endif
