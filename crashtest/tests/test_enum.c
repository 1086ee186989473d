// SPDX-License-Identifier: MIT
/*
 * Enumeration modes: exhaustive counts and de-duplication, bounded:K,
 * random:N with a seed, --max-states reported as bounded, per-line option
 * limits, crash-point kinds, and the marks each eADR state has reached.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"

static struct tuples out, out2;

/* Three lines with two stores each: 3 options per line, 27 states. */
static struct pm_rec *three_lines(uint64_t same)
{
	struct pm_rec *r = rec_new();

	for (int l = 0; l < 3; l++)
		for (int k = 0; k < 2; k++) {
			uint64_t v = same ? same : 10 * (uint64_t)l + (uint64_t)k + 1;

			assert_int_equal(pm_store(r, LINE(l) + 8 * (uint64_t)k, &v, 8), 0);
		}
	return r;
}

static const uint64_t W[] = { LINE(0), LINE(0) + 8, LINE(1), LINE(1) + 8,
			      LINE(2), LINE(2) + 8 };

static void exhaustive_counts(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = three_lines(0);

	(void)state;
	pmsim_opts_default(&o);
	collect(r, &o, W, 6, AT_END, &out);
	assert_int_equal(out.n, 27);
	assert_int_equal(out.res.explored, 27);
	assert_int_equal(out.res.distinct, 27);
	assert_int_equal(out.res.crash_points, 1);
	assert_false(out.res.bounded);
	pm_rec_free(r);
}

/* Stores of the value already there give the same image: de-duplicated. */
static void dedup_by_image(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();
	uint64_t one = 1;

	(void)state;
	pmsim_opts_default(&o);
	for (int l = 0; l < 3; l++)	/* 1 then 1 again on each line */
		for (int k = 0; k < 2; k++)
			pm_store(r, LINE(l), &one, 8);
	collect(r, &o, W, 1, AT_END, &out);
	assert_int_equal(out.res.explored, 27);
	assert_int_equal(out.res.distinct, 8);	/* each line 0 or 1 */
	pm_rec_free(r);
}

static void bounded_k(void **state)
{
	static const uint64_t want[] = { 7, 19, 27, 27 };
	struct pmsim_opts o;
	struct pm_rec *r = three_lines(0);

	(void)state;
	for (unsigned k = 1; k <= 4; k++) {
		pmsim_opts_default(&o);
		o.mode = PMSIM_BOUNDED;
		o.mode_arg = k;
		collect(r, &o, W, 6, AT_END, &out);
		/* 1 + C(3,1)*2 + C(3,2)*4 + C(3,3)*8 summed up to k */
		assert_int_equal(out.res.explored, want[k - 1]);
		assert_int_equal(out.n, want[k - 1]);
	}
	pm_rec_free(r);
}

static void random_seeded(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = three_lines(0);
	struct tuples *all = malloc(sizeof(*all));

	(void)state;
	pmsim_opts_default(&o);
	collect(r, &o, W, 6, AT_END, all);
	o.mode = PMSIM_RANDOM;
	o.mode_arg = 10;
	o.seed = 1234;
	collect(r, &o, W, 6, AT_END, &out);
	assert_int_equal(out.res.explored, 10);
	assert_true(out.n >= 2 && out.n <= 10);
	/* every sample is a reachable state */
	for (size_t i = 0; i < out.n; i++) {
		bool found = false;

		for (size_t j = 0; j < all->n && !found; j++)
			found = !memcmp(out.v[i], all->v[j], 6 * sizeof(uint64_t));
		assert_true(found);
	}
	/* the same seed gives the same states, in the same order */
	collect(r, &o, W, 6, AT_END, &out2);
	assert_int_equal(out2.n, out.n);
	assert_memory_equal(out.v, out2.v, out.n * sizeof(out.v[0]));
	free(all);
	pm_rec_free(r);
}

static void max_states_bounded(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = three_lines(0);

	(void)state;
	pmsim_opts_default(&o);
	o.max_states = 5;
	collect(r, &o, W, 6, AT_ALL, &out);
	assert_int_equal(out.res.explored, 5);
	assert_true(out.res.bounded);
	assert_non_null(strstr(out.res.bound_reason, "--max-states 5"));
	/* exactly enough states: not bounded */
	o.max_states = 27;
	collect(r, &o, W, 6, AT_ALL, &out);
	assert_false(out.res.bounded);
	pm_rec_free(r);
}

/* A line with more options than the per-line limit is reported. */
static void line_option_limit(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();

	(void)state;
	pmsim_opts_default(&o);
	o.per_word = 1;
	o.max_states = 100;
	for (uint64_t w = 0; w < 8; w++)	/* 3^8 = 6561 options */
		for (uint64_t v = 1; v <= 2; v++)
			pm_store(r, LINE(0) + 8 * w, &v, 8);
	collect(r, &o, W, 1, AT_END, &out);
	assert_true(out.res.bounded);
	assert_int_equal(out.res.explored, 100);
	pm_rec_free(r);
}

/* The pieces of one wide store are unordered: a 64-byte store on one line
 * has 2^8 states; in eADR mode a store of more than 12 pieces is cut to
 * 4095 torn states and reported. */
static void torn_store_counts(void **state)
{
	unsigned char b[128];
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();

	(void)state;
	for (unsigned i = 0; i < sizeof(b); i++)
		b[i] = (unsigned char)(i + 1);
	pm_store(r, LINE(0), b, 64);
	pmsim_opts_default(&o);
	collect(r, &o, W, 1, AT_END, &out);
	assert_int_equal(out.res.explored, 256);
	assert_int_equal(out.res.distinct, 256);
	assert_false(out.res.bounded);
	pm_rec_free(r);

	r = rec_new();
	pm_store(r, LINE(0), b, 128);	/* 16 pieces on two lines */
	collect(r, &o, W, 1, AT_END, &out);
	assert_int_equal(out.res.explored, 256 * 256);
	o.eadr = 1;
	collect(r, &o, W, 1, AT_END, &out);
	/* nothing, 4095 torn (the first 12 pieces), the whole store */
	assert_int_equal(out.res.explored, 4097);
	assert_true(out.res.bounded);
	assert_non_null(strstr(out.res.bound_reason, "16 pieces"));
	assert_int_equal(out.res.points_checked, 0);
	pm_rec_free(r);
}

/*
 * The 64-bit line hash that image keys used to be built from, and a line
 * content that collides with another under it: constructible, since each
 * step of the hash is invertible in the next word. De-duplication by that
 * key took the second image for the first and never checked it.
 */
static uint64_t old_mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

#define OLD_P 0x100000001b3ull

static uint64_t old_premix(uint64_t addr, const uint64_t *w, int n)
{
	uint64_t h = old_mix(addr ^ 0x9e3779b97f4a7c15ull);

	for (int i = 0; i < n; i++)
		h = (h ^ w[i]) * OLD_P + (h >> 29);
	return h;
}

static void collide(uint64_t addr, const uint64_t *a, uint64_t *b)
{
	uint64_t inv = OLD_P, target = old_premix(addr, a, 8), h7;

	for (int i = 0; i < 5; i++)	/* Newton: inverse of OLD_P mod 2^64 */
		inv *= 2 - OLD_P * inv;
	h7 = old_premix(addr, b, 7);
	b[7] = ((target - (h7 >> 29)) * inv) ^ h7;
	assert_true(old_mix(old_premix(addr, b, 8)) == old_mix(target));
}

static void hash_collision_not_deduplicated(void **state)
{
	uint64_t a[8], b[8];
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();

	(void)state;
	for (int i = 0; i < 8; i++) {
		a[i] = 0x1000 + (uint64_t)i;
		b[i] = 0x2000 + (uint64_t)i;
	}
	collide(LINE(0), a, b);
	assert_int_equal(pm_image(r, LINE(0), a, 64), 0);
	for (int i = 0; i < 8; i++)	/* A, then B word by word */
		pm_store(r, LINE(0) + 8 * (uint64_t)i, &b[i], 8);
	pmsim_opts_default(&o);
	collect(r, &o, (uint64_t[]){ LINE(0), LINE(0) + 56 }, 2, AT_END, &out);
	/* 9 prefixes, all checked: the last one (all of B) too */
	assert_int_equal(out.res.explored, 9);
	assert_int_equal(out.res.distinct, 9);
	EXPECT(&out, a[0], a[7], b[0], a[7], b[0], b[7]);
	pm_rec_free(r);
}

/* Events: region, store, clwb, sfence, mark, lfence, store, mfence, mark. */
static const struct step kinds_steps[] = {
	P_ST(LINE(0), 1), P_CLWB(LINE(0)), P_SFENCE, P_MARK("one"), P_LFENCE,
	P_ST(LINE(1), 1), P_MFENCE, P_MARK("two"), P_END
};

static void crash_point_kinds(void **state)
{
	static const struct {
		enum pmsim_crash_points k;
		uint64_t n;
	} want[] = {
		{ PMSIM_AT_FENCE, 3 },	/* sfence, mfence, end */
		{ PMSIM_AT_EVENT, 9 },
		{ PMSIM_AT_MARK, 2 },
	};
	struct pmsim_opts o;
	struct pm_rec *r;

	(void)state;
	pmsim_opts_default(&o);
	r = script_play(rec_new(), &o, kinds_steps);
	for (size_t k = 0; k < 3; k++) {
		o.points = want[k].k;
		collect(r, &o, W, 1, AT_ALL, &out);
		assert_int_equal(out.res.crash_points, want[k].n);
	}
	pm_rec_free(r);
}

/*
 * What a checker saw, crash by crash: the event, the marks reached and the
 * sum of the first words of lines 0 and 1; with per_point, the first crash
 * of each point only.
 */
struct crash_log {
	uint64_t ev[64], sum[64], marks[64];
	size_t n;
	bool per_point;
};

static int log_crash(void *arg, const struct pmsim_image *img,
		     const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	struct crash_log *l = arg;

	(void)ch;
	(void)n;
	if (l->per_point && l->n && l->ev[l->n - 1] == c->event)
		return 0;
	assert_true(l->n < 64);
	l->ev[l->n] = c->event;
	l->marks[l->n] = c->nmarks;
	l->sum[l->n++] = image_u64(img, LINE(0)) + image_u64(img, LINE(1));
	return 0;
}

/*
 * eADR run of: store 1 to A, then a fence (fence) or a mark, then store
 * 2 to B; what each state holds (A + B) and the marks it reached: a state
 * that lacks a store has not reached the marks after it.
 */
static const struct step fence_between[] = {
	P_ST(LINE(0), 1), P_SFENCE, P_ST(LINE(1), 2), P_END
};
static const struct step mark_between[] = {
	P_ST(LINE(0), 1), P_MARK("A stored"), P_ST(LINE(1), 2), P_END
};

static void eadr_two_stores(int fence, uint64_t max_points, struct crash_log *m,
			    struct pmsim_result *res)
{
	struct pmsim_checker chk = { .check = log_crash, .arg = m };
	struct pmsim_trace *t = script_trace(fence ? fence_between : mark_between);
	struct pmsim_opts o;

	pmsim_opts_default(&o);
	o.eadr = 1;
	o.max_points = max_points;
	m->n = 0;
	m->per_point = false;
	assert_int_equal(pmsim_run(t, &o, &chk, res), 0);
	pmsim_trace_free(t);
}

static void eadr_marks(void **state)
{
	struct crash_log m;
	struct pmsim_result res;

	(void)state;
	eadr_two_stores(0, 0, &m, &res);
	assert_int_equal(m.n, 3);
	/* (sum of A and B, marks): nothing/0, A/1, A+B/1 */
	assert_int_equal(m.sum[0], 0);
	assert_int_equal(m.marks[0], 0);
	assert_int_equal(m.sum[1], 1);
	assert_int_equal(m.marks[1], 1);
	assert_int_equal(m.sum[2], 3);
	assert_int_equal(m.marks[2], 1);
	pmsim_result_free(&res);
}

/* A million states at one crash point: the de-dup table grows to many
 * MiB (the huge-page path) and still counts every state exactly once. */
static int count_state(void *arg, const struct pmsim_image *img,
		       const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	(void)img;
	(void)c;
	(void)ch;
	(void)n;
	++*(uint64_t *)arg;
	return 0;
}

static void million_states(void **state)
{
	uint64_t calls = 0;
	struct pmsim_checker chk = { .check = count_state, .arg = &calls };
	struct pmsim_result res;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();

	(void)state;
	for (uint64_t l = 0; l < 10; l++)	/* 10 lines x 3 stores: 4^10 */
		for (uint64_t k = 0; k < 3; k++) {
			uint64_t v = 100 * l + k + 1;

			pm_store(r, LINE(l) + 8 * k, &v, 8);
		}
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pmsim_opts_default(&o);
	assert_int_equal(pmsim_run(t, &o, &chk, &res), 0);
	assert_int_equal(res.explored, 1u << 20);
	assert_int_equal(res.distinct, 1u << 20);
	assert_int_equal(calls, 1u << 20);
	/* the same states again at a second crash point are all duplicates */
	pmsim_result_free(&res);
	pmsim_trace_free(t);
	pm_lfence(r);
	pm_mfence(r);	/* nothing was flushed: the same pending set */
	assert_int_equal(pm_rec_trace(r, &t), 0);
	calls = 0;
	assert_int_equal(pmsim_run(t, &o, &chk, &res), 0);
	assert_int_equal(res.crash_points, 2);
	assert_int_equal(res.explored, 2u << 20);
	assert_int_equal(res.distinct, 1u << 20);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
	pm_rec_free(r);
}

/* The crash points the checker saw, in order. */
static void run_events(struct pmsim_trace *t, const struct pmsim_opts *o,
		       struct crash_log *s, struct pmsim_result *res)
{
	struct pmsim_checker chk = { .check = log_crash, .arg = s };
	struct pmsim_opts po = *o;

	/* every point checks at least one state */
	po.dedup_per_point = 1;
	s->n = 0;
	s->per_point = true;
	assert_int_equal(pmsim_run(t, &po, &chk, res), 0);
}

/*
 * Events: 0 region, 1 store, 2 clwb, 3 sfence, 4 mark "one",
 * 5 mark "drain: x", 6 store+7 rmw fence (one instruction), 8 lfence,
 * 9 store, 10 mfence, 11 mark "two".
 */
static const struct step points_steps[] = {
	P_ST(LINE(0), 1), P_CLWB(LINE(0)), P_SFENCE, P_MARK("one"), P_MARK("drain: x"),
	P_RMW(LINE(2), 1), P_LFENCE, P_ST(LINE(1), 1), P_MFENCE, P_MARK("two"), P_END
};

static struct pmsim_trace *points_trace(void)
{
	struct pmsim_trace *t = script_trace(points_steps);

	assert_int_equal(pmsim_trace_nevents(t), 12);
	return t;
}

/* The points trace and what a run of it gives: the fixture of the tests
 * of counting and sampling crash points. */
struct points_run {
	struct pmsim_trace *t;
	struct crash_log seen;
	struct pmsim_result res;
	struct pmsim_opts o;
	uint64_t n;
};

static int points_setup(void **state)
{
	struct points_run *p = calloc(1, sizeof(*p));

	if (!p)
		return -1;
	p->t = points_trace();
	*state = p;
	return 0;
}

static int points_teardown(void **state)
{
	struct points_run *p = *state;

	pmsim_trace_free(p->t);
	free(p);
	return 0;
}

/* pmsim_count_points is the number of points pmsim_run visits, for every
 * kind: marks without drain marks and without an end point, events
 * without the point inside a locked RMW, fences with the RMW's point
 * before its STORE. */
static void count_points_is_run(void **state)
{
	static const struct {
		enum pmsim_crash_points k;
		uint64_t n;
		uint64_t ev[12];
	} want[] = {
		{ PMSIM_AT_FENCE, 4, { 3, 6, 10, 12 } },
		{ PMSIM_AT_EVENT, 11, { 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12 } },
		{ PMSIM_AT_MARK, 2, { 5, 12 } },
	};
	struct points_run *p = *state;

	for (size_t k = 0; k < 3; k++) {
		pmsim_opts_default(&p->o);
		p->o.points = want[k].k;
		assert_int_equal(pmsim_count_points(p->t, &p->o, &p->n), 0);
		assert_int_equal(p->n, want[k].n);
		run_events(p->t, &p->o, &p->seen, &p->res);
		assert_int_equal(p->res.crash_points, p->n);
		assert_int_equal(p->res.points_total, p->n);
		assert_int_equal(p->res.points_checked, p->n);
		assert_int_equal(p->seen.n, p->n);
		assert_memory_equal(p->seen.ev, want[k].ev, p->n * sizeof(uint64_t));
		pmsim_result_free(&p->res);
		/* stop_event: the end point moves with it */
		p->o.stop_event = 4;
		assert_int_equal(pmsim_count_points(p->t, &p->o, &p->n), 0);
		run_events(p->t, &p->o, &p->seen, &p->res);
		assert_int_equal(p->res.crash_points, p->n);
		pmsim_result_free(&p->res);
	}
	p->o.mode = (enum pmsim_mode)7;
	assert_int_equal(pmsim_count_points(p->t, &p->o, &p->n), -1);
}

/* max_points: that many points, evenly spread, the last one included,
 * and no state built at the others. */
static void max_points_samples(void **state)
{
	struct points_run *p = *state;

	pmsim_opts_default(&p->o);
	p->o.points = PMSIM_AT_EVENT;
	p->o.max_points = 3;	/* of 11: points 4, 8 and 11 (1-based) */
	assert_int_equal(pmsim_count_points(p->t, &p->o, &p->n), 0);
	assert_int_equal(p->n, 3);
	run_events(p->t, &p->o, &p->seen, &p->res);
	assert_int_equal(p->seen.n, 3);
	assert_int_equal(p->seen.ev[0], 4);
	assert_int_equal(p->seen.ev[1], 9);
	assert_int_equal(p->seen.ev[2], 12);
	assert_int_equal(p->res.crash_points, 3);
	assert_int_equal(p->res.points_total, 11);
	assert_int_equal(p->res.points_checked, 3);
	assert_false(p->res.bounded);
	/* drain marks are checked all the same */
	assert_int_equal(p->res.drains, 1);
	pmsim_result_free(&p->res);
	p->o.max_points = 1;	/* just the end */
	run_events(p->t, &p->o, &p->seen, &p->res);
	assert_int_equal(p->seen.n, 1);
	assert_int_equal(p->seen.ev[0], 12);
	pmsim_result_free(&p->res);
	p->o.max_points = 1000;	/* more than there are: all */
	assert_int_equal(pmsim_count_points(p->t, &p->o, &p->n), 0);
	assert_int_equal(p->n, 11);
	run_events(p->t, &p->o, &p->seen, &p->res);
	assert_int_equal(p->seen.n, 11);
	pmsim_result_free(&p->res);
}

/* eADR with sampling: a skipped point's window becomes durable, so the
 * next visited point starts from the full image of the skipped one. */
static void max_points_eadr(void **state)
{
	struct crash_log m;
	struct pmsim_result res;

	(void)state;
	eadr_two_stores(1, 1, &m, &res);	/* of 2 points: only the end */
	/* A + B: A durable from the skipped point, then B or not */
	assert_int_equal(m.n, 2);
	assert_int_equal(m.sum[0], 1);
	assert_int_equal(m.sum[1], 3);
	assert_int_equal(res.points_total, 2);
	assert_int_equal(res.points_checked, 1);
	pmsim_result_free(&res);
}

/* A bound leaves points unchecked, and the result says how many. */
static void coverage_when_bounded(void **state)
{
	struct pmsim_opts o;
	struct pm_rec *r = three_lines(0);
	uint64_t v = 5;

	(void)state;
	pm_sfence(r);		/* point 1: 27 states; point 2 (end): 27 */
	pm_store(r, LINE(3), &v, 8);
	pmsim_opts_default(&o);
	collect(r, &o, W, 1, AT_ALL, &out);
	assert_false(out.res.bounded);
	assert_int_equal(out.res.points_total, 2);
	assert_int_equal(out.res.points_checked, 2);
	o.max_states = 10;
	collect(r, &o, W, 1, AT_ALL, &out);
	assert_true(out.res.bounded);
	assert_int_equal(out.res.points_total, 2);
	assert_int_equal(out.res.points_checked, 0);
	assert_non_null(strstr(out.res.bound_reason, "after 10 of at most 27 states"));
	o.max_states = 30;	/* the first point, then 3 of the second's 54 */
	collect(r, &o, W, 1, AT_ALL, &out);
	assert_true(out.res.bounded);
	assert_int_equal(out.res.points_checked, 1);
	assert_int_equal(out.res.crash_points, 2);
	pm_rec_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exhaustive_counts),
		cmocka_unit_test(dedup_by_image),
		cmocka_unit_test(bounded_k),
		cmocka_unit_test(random_seeded),
		cmocka_unit_test(max_states_bounded),
		cmocka_unit_test(line_option_limit),
		cmocka_unit_test(torn_store_counts),
		cmocka_unit_test(hash_collision_not_deduplicated),
		cmocka_unit_test(crash_point_kinds),
		cmocka_unit_test(eadr_marks),
		cmocka_unit_test(million_states),
		cmocka_unit_test_setup_teardown(count_points_is_run, points_setup,
						points_teardown),
		cmocka_unit_test_setup_teardown(max_points_samples, points_setup,
						points_teardown),
		cmocka_unit_test(max_points_eadr),
		cmocka_unit_test(coverage_when_bounded),
	};

	return cmocka_run_group_tests_name("enum", tests, NULL, NULL);
}
