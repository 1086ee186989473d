// SPDX-License-Identifier: MIT
/*
 * The x86 persistency model, case by case (cases 1-16, then drain marks and
 * the durable mode): each test
 * records a few events and checks the exact set of reachable crash states
 * of the words it watches.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"

#define A LINE(0)
#define B LINE(1)
#define C LINE(2)

static struct tuples out;
static struct pmsim_opts opts;

static int setup(void **state)
{
	(void)state;
	pmsim_opts_default(&opts);
	return 0;
}

/* A test that is one script: its steps are the cmocka state. */
static void play_script(void **state)
{
	script_run(&opts, *state);
}

/* 1. Store, no flush, crash: old and new value both reachable. */
static const struct step store_no_flush[] = {
	P_WATCH(A), P_ST(A, 1), P_CHECK(0, 1), P_END
};

/* 2. A never-flushed store can still be persisted, even after later
 * fences made other data durable (eviction). */
static const struct step unflushed_store_can_persist[] = {
	P_WATCH(A, B, C),
	P_ST(A, 1), P_ST(B, 2), P_CLWB(B), P_SFENCE, P_ST(C, 3), P_CLWB(C), P_SFENCE,
	P_CHECK(0, 2, 3, 1, 2, 3), P_END
};

/* 3. store; clwb; crash before sfence: may be lost. */
static const struct step clwb_without_fence[] = {
	P_WATCH(A), P_ST(A, 1), P_CLWB(A), P_CHECK(0, 1), P_END
};

/* 4. store; clwb; sfence: durable. */
static const struct step clwb_sfence_durable[] = {
	P_WATCH(A), P_ST(A, 1), P_CLWB(A), P_SFENCE, P_CHECK(1), P_END
};

/* 5. st A; clwb L; st A' to the same line; sfence: A durable, A' optional.
 * Both for another word of the line and for the same word. */
static const struct step store_after_clwb_same_line[] = {
	P_WATCH(A, A + 8),
	P_ST(A, 1), P_CLWB(A), P_ST(A + 8, 2), P_SFENCE, P_CHECK(1, 0, 1, 2),
	P_NEW, P_WATCH(A),
	P_ST(A, 1), P_CLWB(A), P_ST(A, 2), P_SFENCE, P_CHECK(1, 2), P_END
};

/* 6. movnti without sfence: may be lost; with sfence: durable. */
static const struct step movnti_fence[] = {
	P_WATCH(A), P_NT(A, 1), P_CHECK(0, 1), P_SFENCE, P_CHECK(1), P_END
};

/* 7. Two movnti to different lines, no fence: any subset. */
static const struct step movnti_unordered[] = {
	P_WATCH(A, B), P_NT(A, 1), P_NT(B, 2), P_CHECK(0, 0, 1, 0, 0, 2, 1, 2), P_END
};

/* 8. A cached store x, then movnti to the same line, then sfence: x is
 * durable too. Before the fence, the NT store never persists without x. */
static const struct step movnti_evicts_line[] = {
	P_WATCH(A, A + 8), P_ST(A, 1), P_NT(A + 8, 2), P_CHECK(0, 0, 1, 0, 1, 2),
	P_SFENCE, P_CHECK(1, 2), P_END
};

/* 9. An aligned 8-byte store is all-or-nothing; a 16-byte store, an
 * unaligned 8-byte store and a line-crossing store can tear. */
#define X 0x1111111111111111ull
#define Y 0x2222222222222222ull
#define AB 0xababababababababull
#define AB_LO 0xababababull
#define AB_HI 0xabababab00000000ull
static const struct step store_atomicity[] = {
	P_WATCH(A), P_ST(A, X), P_CHECK(0, X),
	/* 16 bytes, crash before the fence: either half can be missing,
	 * the high half persisted without the low one included (the
	 * pieces of one store are unordered) */
	P_NEW, P_WATCH(A, A + 8), P_WIDE(A, X, Y), P_CLWB(A),
	P_CHECK(0, 0, X, 0, 0, Y, X, Y),
	/* the other modes see the same options */
	P_MODE(PMSIM_BOUNDED, 1), P_CHECK(0, 0, X, 0, 0, Y, X, Y),
	P_MODE(PMSIM_RANDOM, 64), P_CHECK(0, 0, X, 0, 0, Y, X, Y),
	/* eADR: torn too, between nothing and the whole store */
	P_DEFAULTS, P_EADR(1), P_CHECK(0, 0, X, 0, 0, Y, X, Y),
	/* after the fence: both */
	P_DEFAULTS, P_SFENCE, P_CHECK(X, Y),
	/* ... but a younger store on the line still needs the whole wide
	 * store before it: {}, {lo}, {hi}, {lo,hi}, {lo,hi,Z} */
	P_NEW, P_WATCH(A, A + 8, A + 16), P_WIDE(A, X, Y), P_ST(A + 16, 5),
	P_CHECK(0, 0, 0, X, 0, 0, 0, Y, 0, X, Y, 0, X, Y, 5),
	/* unaligned 8 bytes at A+4 span two words */
	P_NEW, P_WATCH(A, A + 8), P_ST(A + 4, AB),
	P_CHECK(0, 0, AB_HI, 0, 0, AB_LO, AB_HI, AB_LO),
	/* 32 bytes (an AVX store): every one of the 16 subsets */
	P_NEW, P_WATCH(A, A + 8, A + 16, A + 24), P_WIDE(A, 1, 2, 3, 4), P_NSTATES(16),
	/* 8 bytes at A+60 cross into line B: any part */
	P_NEW, P_WATCH(A + 56, B), P_ST(A + 60, AB),
	P_CHECK(0, 0, AB_HI, 0, 0, AB_LO, AB_HI, AB_LO), P_END
};

/* 10. st a; st b on the same line, no flush: {}, {a}, {a,b}; not {b}.
 * The looser per-8-byte option allows {b} alone. */
static const struct step same_line_prefix[] = {
	P_WATCH(A, A + 8), P_ST(A, 1), P_ST(A + 8, 2), P_CHECK(0, 0, 1, 0, 1, 2),
	P_PER_WORD(1), P_CHECK(0, 0, 1, 0, 1, 2, 0, 2), P_END
};

/* 11. clflush A; st B: B persisted implies A persisted. With clflushopt
 * instead, B without A is reachable. */
static const struct step clflush_orders_later_stores[] = {
	P_WATCH(A, B), P_ST(A, 1), P_CLFLUSH(A), P_ST(B, 2), P_CHECK(0, 0, 1, 0, 1, 2),
	P_NEW, P_ST(A, 1), P_CLFLUSHOPT(A), P_ST(B, 2),
	P_CHECK(0, 0, 1, 0, 1, 2, 0, 2), P_END
};

/* 12. clwb A; clflush B: A is not guaranteed (clflush is no fence). */
static const struct step clflush_does_not_fence_clwb[] = {
	P_WATCH(A, B), P_ST(A, 1), P_ST(B, 2), P_CLWB(A), P_CLFLUSH(B),
	P_CHECK(0, 0, 1, 0, 0, 2, 1, 2), P_END
};

/* 13. clwb then a locked RMW or xchg: durable (a lock inc of a counter on
 * another line, an xchg). Publishing with xchg: at no crash point, in no
 * mode of crash points, is the flag durable without the data flushed
 * before it. */
static const struct step rmw_xchg_fence[] = {
	P_WATCH(A, C), P_ST(A, 7), P_CLWB(A), P_RMW(C, 1), P_CHECK(7, 0, 7, 1),
	P_NEW, P_ST(A, 7), P_CLWB(A), P_XCHG(C, 1), P_CHECK(7, 0, 7, 1),
	P_POINTS(PMSIM_AT_FENCE), P_CHECK_AT(AT_ALL, 0, 0, 7, 0, 7, 1),
	P_POINTS(PMSIM_AT_EVENT), P_CHECK_AT(AT_ALL, 0, 0, 7, 0, 7, 1),
	P_POINTS(PMSIM_AT_FENCE), P_END
};

/* clwb then lfence: not durable; then mfence: durable. */
static const struct step lfence_not[] = {
	P_WATCH(A), P_ST(A, 7), P_CLWB(A), P_LFENCE, P_CHECK(0, 7), P_MFENCE, P_CHECK(7),
	P_END
};

static void rmw_xchg_fence_lfence_not(void **state)
{
	(void)state;
	script_run(&opts, rmw_xchg_fence);

	/* In a trace, the pair is one instruction when the pcs agree; with
	 * different pcs the fence is a locked op of its own (e.g. on DRAM) and
	 * the store before it an ordinary one. */
	for (int same = 0; same <= 1; same++) {
		char text[256];
		struct pmsim_trace *t;

		snprintf(text, sizeof(text),
			 "region 0x%llx 0x%llx pmem0\nstore 0x%llx 8 0700000000000000\n"
			 "flush clwb 0x%llx\nstore 0x%llx 8 0100000000000000 pc=0x10\n"
			 "fence xchg pc=0x%x\n", RBASE, RSIZE, A, A, C, same ? 0x10 : 0x20);
		assert_int_equal(pmsim_trace_from_mem(&t, text, strlen(text), NULL, 0), 0);
		collect_trace(t, &opts, (uint64_t[]){ A, C }, 2, AT_ALL, &out);
		if (same)
			EXPECT(&out, 0, 0, 7, 0, 7, 1);
		else
			EXPECT(&out, 0, 0, 7, 0, 0, 1, 7, 1);
		pmsim_trace_free(t);
	}

	script_run(&opts, lfence_not);
}

/* 14. clwb of a mid-line address writes back the whole line. */
static const struct step clwb_mid_line[] = {
	P_WATCH(A, A + 56), P_ST(A, 1), P_ST(A + 56, 2), P_CLWB(A + 40), P_SFENCE,
	P_CHECK(1, 2), P_END
};

/* 15. eADR: a store is durable as soon as it is visible; between crash
 * points any TSO prefix. */
static const struct step eadr[] = {
	P_WATCH(A, B), P_ST(A, 1), P_ST(B, 2), P_EADR(1), P_POINTS(PMSIM_AT_EVENT),
	/* crash right after the first store (events: region, store A) */
	P_CHECK_AT(2, 1, 0),
	/* at the end of the trace: both stores, no flush needed */
	P_CHECK(1, 2),
	/* one crash point at the end: every prefix in program order */
	P_POINTS(PMSIM_AT_FENCE), P_CHECK(0, 0, 1, 0, 1, 2),
	/* a 16-byte store tears either way, but only after A and before B */
	P_WIDE(C, 3, 4), P_ST(C + 16, 3), P_WATCH(A, B, C, C + 8, C + 16),
	P_CHECK(0, 0, 0, 0, 0,  1, 0, 0, 0, 0,  1, 2, 0, 0, 0,
		1, 2, 3, 0, 0,  1, 2, 0, 4, 0,  1, 2, 3, 4, 0,  1, 2, 3, 4, 3),
	/* without eADR, B alone is reachable */
	P_EADR(0), P_WATCH(A, B), P_CHECK(0, 0, 1, 0, 0, 2, 1, 2), P_END
};

/*
 * 16. Crash during recovery. A redo record (value, valid flag) is durable;
 * recovery applies it to the data word and then clears the flag. Each crash
 * image of recovery is a second crash on top of the first crash image.
 */
static int second_crash(void *arg, const struct pmsim_image *img,
			const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	struct tuples *t = arg;
	uint64_t v[2] = { image_u64(img, A), image_u64(img, B) };

	(void)c;
	(void)ch;
	(void)n;
	for (size_t k = 0; k < t->n; k++)
		if (t->v[k][0] == v[0] && t->v[k][1] == v[1])
			return 0;
	t->v[t->n][0] = v[0];
	t->v[t->n++][1] = v[1];
	return 0;
}

/* First run: the log record at C, its flag at C+8, data at A, flag B. */
static const struct step logged_update[] = {
	P_ST(C, 42), P_CLWB(C), P_SFENCE, P_ST(B, 1), P_CLWB(B), P_SFENCE,
	P_ST(A, 42),	/* the crash hits before this persists */
	P_END
};

/* Recovery, after copying the record to A: write A back, then clear B. */
static const struct step recovery_rest[] = {
	P_CLWB(A), P_SFENCE, P_ST(B, 0), P_CLWB(B), P_SFENCE, P_END
};

static void crash_during_recovery(void **state)
{
	const uint64_t log_val = 42;
	struct pmsim_piece persisted[2];
	struct pmsim_checker chk = { .check = second_crash, .arg = &out };
	struct pmsim_trace *t = script_trace(logged_update);
	unsigned char **img;
	struct pm_rec *rr;
	uint64_t rec;

	(void)state;
	/* First crash image: the end of the trace with A lost. */
	assert_int_equal(pmsim_build_image(t, &opts, pmsim_trace_nevents(t),
					   persisted, 0, &img), 0);

	/* Recovery on top of that image. */
	rr = rec_new();
	assert_int_equal(pm_image(rr, RBASE, img[0], RSIZE), 0);
	pmsim_image_data_free(t, img);
	pmsim_trace_free(t);
	assert_int_equal(*(uint64_t *)pm_ptr(rr, B, 8), 1);
	memcpy(&rec, pm_ptr(rr, C, 8), 8);
	assert_int_equal(pm_store(rr, A, &rec, 8), 0);
	rr = script_play(rr, &opts, recovery_rest);
	assert_int_equal(pm_rec_trace(rr, &t), 0);
	out.n = 0;
	out.width = 2;
	opts.points = PMSIM_AT_EVENT;
	assert_int_equal(pmsim_run(t, &opts, &chk, &out.res), 0);
	/* (data, flag): recovery can be interrupted anywhere, but the flag is
	 * never cleared before the data is durable. */
	EXPECT(&out, 0, 1, log_val, 1, log_val, 0);
	pmsim_result_free(&out.res);
	pmsim_trace_free(t);
	pm_rec_free(rr);
	(void)persisted;
}

static int accept_all(void *arg, const struct pmsim_image *img,
		      const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	(void)img;
	(void)ch;
	(void)n;
	++*(uint64_t *)arg;
	/* drain marks are checked, never crashed at */
	assert_false(c->nmarks &&
		     pmtrace_is_drain_label(c->marks[c->nmarks - 1].label) &&
		     c->event == c->marks[c->nmarks - 1].event + 1 &&
		     opts.points == PMSIM_AT_MARK);
	return 0;
}

/* Run r's trace; return the drain claims that failed, first report in *v. */
static uint64_t drain_run(struct pm_rec *r, struct pmsim_violation *v)
{
	struct pmsim_trace *t;
	struct pmsim_result res;
	uint64_t visits = 0;
	struct pmsim_checker chk = { .check = accept_all, .arg = &visits };
	uint64_t bad;

	assert_int_equal(pm_rec_trace(r, &t), 0);
	assert_int_equal(pmsim_run(t, &opts, &chk, &res), 0);
	bad = res.drain_violations;
	assert_true(res.nreports == (bad ? 1 : 0));
	if (bad) {
		const struct pmsim_crash *c = &res.reports[0].crash;

		/* the crash point is right after the drain mark */
		assert_true(c->nmarks > 0);
		assert_true(pmtrace_is_drain_label(c->marks[c->nmarks - 1].label));
		assert_int_equal(c->event, c->marks[c->nmarks - 1].event + 1);
		assert_true(res.reports[0].drain);
		assert_int_equal(res.reports[0].npersisted, 0);
		*v = res.reports[0];
		v->crash.marks = NULL;	/* they live in the trace */
		v->lost = malloc(v->nlost * sizeof(*v->lost));
		assert_non_null(v->lost);
		memcpy(v->lost, res.reports[0].lost, v->nlost * sizeof(*v->lost));
		v->persisted = NULL;
	}
	assert_int_equal(res.drains, opts.eadr ? 0 : 1);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
	return bad;
}

/* 17. A drain mark claims every write-back so far durable: written back
 * and not yet fenced (clwb, clflushopt, clflush, movnti) breaks the claim;
 * a store never written back, a fence or a locked instruction does not. */
static const struct step clwb_then_drain[] = {
	P_ST(A, 1), P_ST(B, 2), P_CLWB(A), P_MARK("drain:fua"), P_END
};
static const struct step movnti_then_drain[] = {
	P_NT(C, 3), P_MARK("drain:fua"), P_END
};
static const struct step clflush_then_drain[] = {
	P_ST(A, 1), P_CLFLUSH(A), P_MARK("drain:fua"), P_END
};
/* each of sfence, mfence, locked RMW, xchg completes the write-backs; the
 * store after it is never written back */
#define FENCED_DRAIN(fence) {                                               \
	P_ST(A, 1), P_CLFLUSHOPT(A), P_NT(C, 3), fence, P_ST(B + 8, 4),       \
	P_MARK("drain:preflush"), P_END                                       \
}
static const struct step sfence_drain[] = FENCED_DRAIN(P_SFENCE);
static const struct step mfence_drain[] = FENCED_DRAIN(P_MFENCE);
static const struct step rmw_drain[] = FENCED_DRAIN(P_RMW(B, 1));
static const struct step xchg_drain[] = FENCED_DRAIN(P_XCHG(B, 1));
/* lfence does not; a mark without the prefix claims nothing (only
 * "drain:" counts) */
static const struct step lfence_drain[] = {
	P_NT(C, 3), P_LFENCE, P_MARK("drain:fua"), P_END
};
static const struct step prefix_drain[] = {
	P_NT(C, 3), P_MARK("drainage"), P_MARK("drain:"), P_SFENCE, P_END
};
/* eADR: caches are persistent, there is nothing to claim */
static const struct step eadr_drain[] = {
	P_EADR(1), P_NT(C, 3), P_MARK("drain:fua"), P_END
};
/* not a crash point of its own (accept_all asserts it) */
static const struct step drain_not_a_point[] = {
	P_POINTS(PMSIM_AT_MARK), P_ST(A, 1), P_CLWB(A), P_SFENCE, P_MARK("drain:fua"),
	P_MARK("fsync returned"), P_END
};

static void drain_claims(void **state)
{
	static const struct {
		const struct step *steps;
		uint64_t bad;		/* drain claims that fail */
		size_t nlost;		/* words lost in the report, 0: not checked */
		uint64_t lost;		/* the first of them, 0: not checked */
	} cases[] = {
		{ clwb_then_drain, 1, 1, A },	/* A only: B was not written back */
		{ movnti_then_drain, 1, 0, C },
		{ clflush_then_drain, 1, 0, 0 },
		{ sfence_drain, 0, 0, 0 },
		{ mfence_drain, 0, 0, 0 },
		{ rmw_drain, 0, 0, 0 },
		{ xchg_drain, 0, 0, 0 },
		{ lfence_drain, 1, 0, 0 },
		{ prefix_drain, 1, 0, 0 },
		{ eadr_drain, 0, 0, 0 },
		{ drain_not_a_point, 0, 0, 0 },
	};

	(void)state;
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct pmsim_violation v = { 0 };
		struct pm_rec *r;

		pmsim_opts_default(&opts);
		opts.max_reports = 4;
		r = script_play(rec_new(), &opts, cases[k].steps);
		assert_int_equal(drain_run(r, &v), cases[k].bad);
		if (cases[k].nlost)
			assert_int_equal(v.nlost, cases[k].nlost);
		if (cases[k].lost)
			assert_int_equal(v.lost[0].addr, cases[k].lost);
		if (cases[k].bad)
			free(v.lost);
		pm_rec_free(r);
	}
}

/* 18. bounded:0 ("durable"): only the guaranteed-durable state. */
static const struct step durable_steps[] = {
	P_WATCH(A, B, C), P_ST(A, 1), P_CLWB(A), P_NT(B, 2), P_ST(C, 3),
	P_CHECK(0, 0, 0), P_SFENCE, P_CHECK(1, 2, 0), P_END
};

static void durable_mode(void **state)
{
	(void)state;
	assert_int_equal(pmsim_parse_mode(&opts, "durable"), 0);
	assert_int_equal(opts.mode, PMSIM_BOUNDED);
	assert_int_equal(opts.mode_arg, 0);
	script_run(&opts, durable_steps);
	assert_int_equal(pmsim_parse_mode(&opts, "bounded:0"), 0);
	assert_int_equal(opts.mode_arg, 0);
	assert_int_not_equal(pmsim_parse_mode(&opts, "bounded:"), 0);
	assert_int_not_equal(pmsim_parse_mode(&opts, "bounded:-1"), 0);
}

/* A script test under the name of its steps. */
#define SCRIPT_TEST(steps) { #steps, play_script, setup, NULL, (void *)(steps) }

int main(void)
{
	const struct CMUnitTest tests[] = {
		SCRIPT_TEST(store_no_flush),
		SCRIPT_TEST(unflushed_store_can_persist),
		SCRIPT_TEST(clwb_without_fence),
		SCRIPT_TEST(clwb_sfence_durable),
		SCRIPT_TEST(store_after_clwb_same_line),
		SCRIPT_TEST(movnti_fence),
		SCRIPT_TEST(movnti_unordered),
		SCRIPT_TEST(movnti_evicts_line),
		SCRIPT_TEST(store_atomicity),
		SCRIPT_TEST(same_line_prefix),
		SCRIPT_TEST(clflush_orders_later_stores),
		SCRIPT_TEST(clflush_does_not_fence_clwb),
		cmocka_unit_test_setup(rmw_xchg_fence_lfence_not, setup),
		SCRIPT_TEST(clwb_mid_line),
		SCRIPT_TEST(eadr),
		cmocka_unit_test_setup(crash_during_recovery, setup),
		cmocka_unit_test_setup(drain_claims, setup),
		cmocka_unit_test_setup(durable_mode, setup),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
