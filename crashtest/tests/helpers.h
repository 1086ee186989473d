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
/* Run a shell command line and fail the test unless it exits with status
 * and, when want is not NULL, its stdout holds want: the one shape of a
 * command-line case. */
void cli_expect(int status, const char *want, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a u64 from a crash image. */
uint64_t image_u64(const struct pmsim_image *img, uint64_t addr);

/*
 * A recorded program as data: the recorder calls a model test makes, the
 * options it changes and the crash states it expects, one step each.
 * script_play() feeds the steps to the recorder API, so a table of steps
 * tests the same calls a hand-written sequence did and states only what
 * happens and what must be reachable.
 */
enum step_op {
	S_END,		/* the end of a script */
	S_NEW,		/* a fresh recorder: the next case of the same test */
	S_STORE,	/* pm_store: 8 bytes of v, or the n words of list */
	S_NTSTORE,	/* pm_ntstore of 8 bytes of v */
	S_CLWB,
	S_CLFLUSHOPT,
	S_CLFLUSH,
	S_SFENCE,
	S_MFENCE,
	S_LFENCE,
	S_RMW,		/* pm_rmw of 8 bytes of v */
	S_XCHG,		/* pm_xchg of 8 bytes of v */
	S_MARK,		/* pm_mark(label) */
	S_WATCH,	/* the n words of list are what later checks read */
	S_CHECK,	/* the states at crash point event (as for collect) are
			 * exactly the tuples of list, n values in all */
	S_NSTATES,	/* v states at the end, each explored once */
	S_DEFAULTS,	/* pmsim_opts_default */
	S_EADR,		/* opts.eadr = v */
	S_PER_WORD,	/* opts.per_word = v */
	S_POINTS,	/* opts.points = v */
	S_MODE,		/* opts.mode = addr, opts.mode_arg = v */
};

struct step {
	enum step_op op;
	uint64_t addr, v;
	const uint64_t *list;
	size_t n;
	uint64_t event;
	const char *label;
};

#define NWORDS_(...) (sizeof((const uint64_t[]){ __VA_ARGS__ }) / sizeof(uint64_t))
#define P_ST(a, val) { .op = S_STORE, .addr = (a), .v = (val) }
#define P_WIDE(a, ...) { .op = S_STORE, .addr = (a),                        \
		.list = (const uint64_t[]){ __VA_ARGS__ }, .n = NWORDS_(__VA_ARGS__) }
#define P_NT(a, val) { .op = S_NTSTORE, .addr = (a), .v = (val) }
#define P_CLWB(a) { .op = S_CLWB, .addr = (a) }
#define P_CLFLUSHOPT(a) { .op = S_CLFLUSHOPT, .addr = (a) }
#define P_CLFLUSH(a) { .op = S_CLFLUSH, .addr = (a) }
#define P_SFENCE { .op = S_SFENCE }
#define P_MFENCE { .op = S_MFENCE }
#define P_LFENCE { .op = S_LFENCE }
#define P_RMW(a, val) { .op = S_RMW, .addr = (a), .v = (val) }
#define P_XCHG(a, val) { .op = S_XCHG, .addr = (a), .v = (val) }
#define P_MARK(l) { .op = S_MARK, .label = (l) }
#define P_WATCH(...) { .op = S_WATCH, .list = (const uint64_t[]){ __VA_ARGS__ }, \
		.n = NWORDS_(__VA_ARGS__) }
#define P_CHECK_AT(ev, ...) { .op = S_CHECK, .event = (ev),                 \
		.list = (const uint64_t[]){ __VA_ARGS__ }, .n = NWORDS_(__VA_ARGS__) }
#define P_CHECK(...) P_CHECK_AT(AT_END, __VA_ARGS__)
#define P_NSTATES(k) { .op = S_NSTATES, .v = (k) }
#define P_DEFAULTS { .op = S_DEFAULTS }
#define P_EADR(on) { .op = S_EADR, .v = (on) }
#define P_PER_WORD(on) { .op = S_PER_WORD, .v = (on) }
#define P_POINTS(p) { .op = S_POINTS, .v = (p) }
#define P_MODE(m, arg) { .op = S_MODE, .addr = (m), .v = (arg) }
#define P_NEW { .op = S_NEW }
#define P_END { .op = S_END }

/* Play the steps on r with the options *o (which option steps change, as
 * a test's own assignments would); returns the recorder in use at the
 * end, a new one after S_NEW. */
struct pm_rec *script_play(struct pm_rec *r, struct pmsim_opts *o,
			   const struct step *s);
/* Play the steps on a new recorder and free it. */
void script_run(struct pmsim_opts *o, const struct step *s);
/* Play the steps on a new recorder and return its trace. */
struct pmsim_trace *script_trace(const struct step *s);

#define EXPECT(out, ...)                                                   \
	do {                                                               \
		const uint64_t exp_[] = { __VA_ARGS__ };                   \
		expect_tuples((out), exp_, sizeof(exp_) / sizeof(exp_[0]) / \
			      (out)->width);                               \
	} while (0)

#endif
