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

static void st(struct pm_rec *r, uint64_t addr, uint64_t v)
{
	assert_int_equal(pm_store(r, addr, &v, 8), 0);
}

static void nt(struct pm_rec *r, uint64_t addr, uint64_t v)
{
	assert_int_equal(pm_ntstore(r, addr, &v, 8), 0);
}

static int setup(void **state)
{
	(void)state;
	pmsim_opts_default(&opts);
	return 0;
}

/* 1. Store, no flush, crash: old and new value both reachable. */
static void store_no_flush(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 0, 1);
	pm_rec_free(r);
}

/* 2. A never-flushed store can still be persisted, even after later
 * fences made other data durable (eviction). */
static void unflushed_store_can_persist(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	st(r, B, 2);
	pm_clwb(r, B);
	pm_sfence(r);
	st(r, C, 3);
	pm_clwb(r, C);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, B, C }, 3, AT_END, &out);
	EXPECT(&out, 0, 2, 3, 1, 2, 3);
	pm_rec_free(r);
}

/* 3. store; clwb; crash before sfence: may be lost. */
static void clwb_without_fence(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	pm_clwb(r, A);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 0, 1);
	pm_rec_free(r);
}

/* 4. store; clwb; sfence: durable. */
static void clwb_sfence_durable(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	pm_clwb(r, A);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 1);
	pm_rec_free(r);
}

/* 5. st A; clwb L; st A' to the same line; sfence: A durable, A' optional.
 * Both for another word of the line and for the same word. */
static void store_after_clwb_same_line(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	pm_clwb(r, A);
	st(r, A + 8, 2);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 1, 0, 1, 2);
	pm_rec_free(r);

	r = rec_new();
	st(r, A, 1);
	pm_clwb(r, A);
	st(r, A, 2);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 1, 2);
	pm_rec_free(r);
}

/* 6. movnti without sfence: may be lost; with sfence: durable. */
static void movnti_fence(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	nt(r, A, 1);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 0, 1);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 1);
	pm_rec_free(r);
}

/* 7. Two movnti to different lines, no fence: any subset. */
static void movnti_unordered(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	nt(r, A, 1);
	nt(r, B, 2);
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 0, 2, 1, 2);
	pm_rec_free(r);
}

/* 8. A cached store x, then movnti to the same line, then sfence: x is
 * durable too. Before the fence, the NT store never persists without x. */
static void movnti_evicts_line(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	nt(r, A + 8, 2);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 1, 2);
	pm_rec_free(r);
}

/* 9. An aligned 8-byte store is all-or-nothing; a 16-byte store, an
 * unaligned 8-byte store and a line-crossing store can tear. */
static void store_atomicity(void **state)
{
	const uint64_t X = 0x1111111111111111ull, Y = 0x2222222222222222ull;
	unsigned char b[16];
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, X);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 0, X);
	pm_rec_free(r);

	/* 16 bytes, crash before the fence: either half can be missing,
	 * the high half persisted without the low one included (the
	 * pieces of one store are unordered) */
	r = rec_new();
	memcpy(b, &X, 8);
	memcpy(b + 8, &Y, 8);
	pm_store(r, A, b, 16);
	pm_clwb(r, A);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, X, 0, 0, Y, X, Y);
	/* the other modes see the same options */
	opts.mode = PMSIM_BOUNDED;
	opts.mode_arg = 1;
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, X, 0, 0, Y, X, Y);
	opts.mode = PMSIM_RANDOM;
	opts.mode_arg = 64;
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, X, 0, 0, Y, X, Y);
	/* eADR: torn too, between nothing and the whole store */
	pmsim_opts_default(&opts);
	opts.eadr = 1;
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, X, 0, 0, Y, X, Y);
	pmsim_opts_default(&opts);
	/* after the fence: both */
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, X, Y);
	pm_rec_free(r);

	/* ... but a younger store on the line still needs the whole wide
	 * store before it: {}, {lo}, {hi}, {lo,hi}, {lo,hi,Z} */
	r = rec_new();
	pm_store(r, A, b, 16);
	st(r, A + 16, 5);
	collect(r, &opts, (uint64_t[]){ A, A + 8, A + 16 }, 3, AT_END, &out);
	EXPECT(&out, 0, 0, 0, X, 0, 0, 0, Y, 0, X, Y, 0, X, Y, 5);
	pm_rec_free(r);

	r = rec_new();	/* unaligned 8 bytes at A+4 span two words */
	memset(b, 0xab, 8);
	pm_store(r, A + 4, b, 8);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 0xabababab00000000ull, 0, 0, 0xababababull,
	       0xabababab00000000ull, 0xababababull);
	pm_rec_free(r);

	/* 32 bytes (an AVX store): every one of the 16 subsets */
	r = rec_new();
	{
		uint64_t w[4] = { 1, 2, 3, 4 };

		pm_store(r, A, w, 32);
	}
	collect(r, &opts, (uint64_t[]){ A, A + 8, A + 16, A + 24 }, 4, AT_END, &out);
	assert_int_equal(out.n, 16);
	assert_int_equal(out.res.explored, 16);
	pm_rec_free(r);

	r = rec_new();	/* 8 bytes at A+60 cross into line B: any part */
	pm_store(r, A + 60, b, 8);
	collect(r, &opts, (uint64_t[]){ A + 56, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 0xabababab00000000ull, 0, 0, 0xababababull,
	       0xabababab00000000ull, 0xababababull);
	pm_rec_free(r);
}

/* 10. st a; st b on the same line, no flush: {}, {a}, {a,b}; not {b}. */
static void same_line_prefix(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	st(r, A + 8, 2);
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2);
	/* The looser per-8-byte option allows {b} alone. */
	opts.per_word = 1;
	collect(r, &opts, (uint64_t[]){ A, A + 8 }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2, 0, 2);
	pm_rec_free(r);
}

/* 11. clflush A; st B: B persisted implies A persisted. With clflushopt
 * instead, B without A is reachable. */
static void clflush_orders_later_stores(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	pm_clflush(r, A);
	st(r, B, 2);
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2);
	pm_rec_free(r);

	r = rec_new();
	st(r, A, 1);
	pm_clflushopt(r, A);
	st(r, B, 2);
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2, 0, 2);
	pm_rec_free(r);
}

/* 12. clwb A; clflush B: A is not guaranteed (clflush is no fence). */
static void clflush_does_not_fence_clwb(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	st(r, B, 2);
	pm_clwb(r, A);
	pm_clflush(r, B);
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 0, 2, 1, 2);
	pm_rec_free(r);
}

/* 13. clwb then a locked RMW or xchg: durable. clwb then lfence: not. */
static void rmw_xchg_fence_lfence_not(void **state)
{
	uint64_t one = 1;
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 7);
	pm_clwb(r, A);
	pm_rmw(r, C, &one, 8);	/* lock inc of a counter on another line */
	collect(r, &opts, (uint64_t[]){ A, C }, 2, AT_END, &out);
	EXPECT(&out, 7, 0, 7, 1);
	pm_rec_free(r);

	r = rec_new();
	st(r, A, 7);
	pm_clwb(r, A);
	pm_xchg(r, C, &one, 8);
	collect(r, &opts, (uint64_t[]){ A, C }, 2, AT_END, &out);
	EXPECT(&out, 7, 0, 7, 1);
	pm_rec_free(r);

	/* Publishing with xchg: at no crash point, in no mode of crash
	 * points, is the flag durable without the data flushed before it. */
	r = rec_new();
	st(r, A, 7);
	pm_clwb(r, A);
	pm_xchg(r, C, &one, 8);
	for (int pts = PMSIM_AT_FENCE; pts <= PMSIM_AT_EVENT; pts++) {
		opts.points = pts;
		collect(r, &opts, (uint64_t[]){ A, C }, 2, AT_ALL, &out);
		EXPECT(&out, 0, 0, 7, 0, 7, 1);
	}
	opts.points = PMSIM_AT_FENCE;
	pm_rec_free(r);

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

	r = rec_new();
	st(r, A, 7);
	pm_clwb(r, A);
	pm_lfence(r);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 0, 7);
	pm_mfence(r);
	collect(r, &opts, (uint64_t[]){ A }, 1, AT_END, &out);
	EXPECT(&out, 7);
	pm_rec_free(r);
}

/* 14. clwb of a mid-line address writes back the whole line. */
static void clwb_mid_line(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	st(r, A + 56, 2);
	pm_clwb(r, A + 40);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, A + 56 }, 2, AT_END, &out);
	EXPECT(&out, 1, 2);
	pm_rec_free(r);
}

/* 15. eADR: a store is durable as soon as it is visible; between crash
 * points any TSO prefix. */
static void eadr(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	st(r, A, 1);
	st(r, B, 2);
	opts.eadr = 1;
	opts.points = PMSIM_AT_EVENT;
	/* crash right after the first store (events: region, store A) */
	collect(r, &opts, (uint64_t[]){ A, B }, 2, 2, &out);
	EXPECT(&out, 1, 0);
	/* at the end of the trace: both stores, no flush needed */
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 1, 2);
	/* one crash point at the end: every prefix in program order */
	opts.points = PMSIM_AT_FENCE;
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 1, 2);
	/* a 16-byte store tears either way, but only after A and before B */
	{
		uint64_t w[2] = { 3, 4 };

		pm_store(r, C, w, 16);
		pm_store(r, C + 16, w, 8);
	}
	collect(r, &opts, (uint64_t[]){ A, B, C, C + 8, C + 16 }, 5, AT_END, &out);
	EXPECT(&out, 0, 0, 0, 0, 0,  1, 0, 0, 0, 0,  1, 2, 0, 0, 0,
	       1, 2, 3, 0, 0,  1, 2, 0, 4, 0,  1, 2, 3, 4, 0,  1, 2, 3, 4, 3);
	/* without eADR, B alone is reachable */
	opts.eadr = 0;
	collect(r, &opts, (uint64_t[]){ A, B }, 2, AT_END, &out);
	EXPECT(&out, 0, 0, 1, 0, 0, 2, 1, 2);
	pm_rec_free(r);
}

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

static void crash_during_recovery(void **state)
{
	const uint64_t log_val = 42, one = 1, zero = 0;
	struct pmsim_piece persisted[2];
	struct pmsim_checker chk = { .check = second_crash, .arg = &out };
	struct pmsim_trace *t;
	unsigned char **img;
	struct pm_rec *r = rec_new(), *rr;

	(void)state;
	/* First run: the log record at C, its flag at C+8, data at A, flag B. */
	st(r, C, log_val);
	pm_clwb(r, C);
	pm_sfence(r);
	st(r, B, one);
	pm_clwb(r, B);
	pm_sfence(r);
	st(r, A, log_val);	/* the crash hits before this persists */
	assert_int_equal(pm_rec_trace(r, &t), 0);
	/* First crash image: the end of the trace with A lost. */
	assert_int_equal(pmsim_build_image(t, &opts, pmsim_trace_nevents(t),
					   persisted, 0, &img), 0);
	pm_rec_free(r);

	/* Recovery on top of that image. */
	assert_int_equal(pm_rec_new(&rr, NULL), 0);
	assert_int_equal(pm_region(rr, RBASE, RSIZE, "pmem0"), 0);
	assert_int_equal(pm_image(rr, RBASE, img[0], RSIZE), 0);
	pmsim_image_data_free(t, img);
	pmsim_trace_free(t);
	assert_int_equal(*(uint64_t *)pm_ptr(rr, B, 8), 1);
	st(rr, A, *(uint64_t *)pm_ptr(rr, C, 8));
	pm_clwb(rr, A);
	pm_sfence(rr);
	assert_int_equal(pm_store(rr, B, &zero, 8), 0);
	pm_clwb(rr, B);
	pm_sfence(rr);
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
static void drain_claims(void **state)
{
	struct pmsim_violation v;
	struct pm_rec *r;
	uint64_t one = 1;

	(void)state;
	opts.max_reports = 4;
	r = rec_new();
	st(r, A, 1);
	st(r, B, 2);
	pm_clwb(r, A);
	pm_mark(r, "drain:fua");
	assert_int_equal(drain_run(r, &v), 1);
	assert_int_equal(v.nlost, 1);		/* A only: B was not written back */
	assert_int_equal(v.lost[0].addr, A);
	free(v.lost);
	pm_rec_free(r);

	r = rec_new();
	nt(r, C, 3);
	pm_mark(r, "drain:fua");
	assert_int_equal(drain_run(r, &v), 1);
	assert_int_equal(v.lost[0].addr, C);
	free(v.lost);
	pm_rec_free(r);

	r = rec_new();
	st(r, A, 1);
	pm_clflush(r, A);
	pm_mark(r, "drain:fua");
	assert_int_equal(drain_run(r, &v), 1);
	free(v.lost);
	pm_rec_free(r);

	/* each of sfence, mfence, locked RMW, xchg completes the write-backs */
	for (int k = 0; k < 4; k++) {
		r = rec_new();
		st(r, A, 1);
		pm_clflushopt(r, A);
		nt(r, C, 3);
		if (k == 0)
			pm_sfence(r);
		else if (k == 1)
			pm_mfence(r);
		else if (k == 2)
			pm_rmw(r, B, &one, 8);
		else
			pm_xchg(r, B, &one, 8);
		st(r, B + 8, 4);	/* later, never written back */
		pm_mark(r, "drain:preflush");
		assert_int_equal(drain_run(r, &v), 0);
		pm_rec_free(r);
	}

	/* lfence does not; a mark without the prefix claims nothing */
	r = rec_new();
	nt(r, C, 3);
	pm_lfence(r);
	pm_mark(r, "drain:fua");
	assert_int_equal(drain_run(r, &v), 1);
	free(v.lost);
	pm_rec_free(r);
	r = rec_new();
	nt(r, C, 3);
	pm_mark(r, "drainage");
	pm_mark(r, "drain:");
	pm_sfence(r);
	assert_int_equal(drain_run(r, &v), 1);	/* only "drain:" counts */
	free(v.lost);
	pm_rec_free(r);

	/* eADR: caches are persistent, there is nothing to claim */
	opts.eadr = 1;
	r = rec_new();
	nt(r, C, 3);
	pm_mark(r, "drain:fua");
	assert_int_equal(drain_run(r, &v), 0);
	pm_rec_free(r);
	opts.eadr = 0;

	/* not a crash point of its own (accept_all asserts it) */
	opts.points = PMSIM_AT_MARK;
	r = rec_new();
	st(r, A, 1);
	pm_clwb(r, A);
	pm_sfence(r);
	pm_mark(r, "drain:fua");
	pm_mark(r, "fsync returned");
	assert_int_equal(drain_run(r, &v), 0);
	pm_rec_free(r);
}

/* 18. bounded:0 ("durable"): only the guaranteed-durable state. */
static void durable_mode(void **state)
{
	struct pm_rec *r = rec_new();

	(void)state;
	assert_int_equal(pmsim_parse_mode(&opts, "durable"), 0);
	assert_int_equal(opts.mode, PMSIM_BOUNDED);
	assert_int_equal(opts.mode_arg, 0);
	st(r, A, 1);
	pm_clwb(r, A);
	nt(r, B, 2);
	st(r, C, 3);
	collect(r, &opts, (uint64_t[]){ A, B, C }, 3, AT_END, &out);
	EXPECT(&out, 0, 0, 0);
	pm_sfence(r);
	collect(r, &opts, (uint64_t[]){ A, B, C }, 3, AT_END, &out);
	EXPECT(&out, 1, 2, 0);
	pm_rec_free(r);
	assert_int_equal(pmsim_parse_mode(&opts, "bounded:0"), 0);
	assert_int_equal(opts.mode_arg, 0);
	assert_int_not_equal(pmsim_parse_mode(&opts, "bounded:"), 0);
	assert_int_not_equal(pmsim_parse_mode(&opts, "bounded:-1"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(store_no_flush, setup),
		cmocka_unit_test_setup(unflushed_store_can_persist, setup),
		cmocka_unit_test_setup(clwb_without_fence, setup),
		cmocka_unit_test_setup(clwb_sfence_durable, setup),
		cmocka_unit_test_setup(store_after_clwb_same_line, setup),
		cmocka_unit_test_setup(movnti_fence, setup),
		cmocka_unit_test_setup(movnti_unordered, setup),
		cmocka_unit_test_setup(movnti_evicts_line, setup),
		cmocka_unit_test_setup(store_atomicity, setup),
		cmocka_unit_test_setup(same_line_prefix, setup),
		cmocka_unit_test_setup(clflush_orders_later_stores, setup),
		cmocka_unit_test_setup(clflush_does_not_fence_clwb, setup),
		cmocka_unit_test_setup(rmw_xchg_fence_lfence_not, setup),
		cmocka_unit_test_setup(clwb_mid_line, setup),
		cmocka_unit_test_setup(eadr, setup),
		cmocka_unit_test_setup(crash_during_recovery, setup),
		cmocka_unit_test_setup(drain_claims, setup),
		cmocka_unit_test_setup(durable_mode, setup),
	};

	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
