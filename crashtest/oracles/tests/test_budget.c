/* SPDX-License-Identifier: MIT */
/*
 * The budget planner (budget.h) against what libpmsim then does: the
 * crash points it plans for are the ones pmsim_run visits (marks without
 * an end point, events without the inside of a locked RMW), and a budget
 * smaller than the trace samples crash points in libpmsim, so the checker
 * never sees a state of a point left out.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../src/budget.h"

/*
 * A trace of nops operations: each stores two lines, flushes them,
 * fences, and closes with mark 101 + k; every third also runs a locked
 * RMW (a STORE + FENCE pair, one instruction), and a drain mark follows
 * the first operation.
 */
static struct pmsim_trace *trace(unsigned nops)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct pmsim_trace *t;

	assert_non_null(f);
	fprintf(f, "region 0x100000 0x100000 pmem0\nmark 100 \"start\"\n");
	for (unsigned k = 0; k < nops; k++) {
		uint64_t a = 0x100000 + (uint64_t)k * 256;

		fprintf(f, "store 0x%" PRIx64 " 8 %016x pc=0xffffffff81000010\n", a, k + 1);
		fprintf(f, "store 0x%" PRIx64 " 8 %016x pc=0xffffffff81000010\n", a + 64, k + 2);
		fprintf(f, "flush clwb 0x%" PRIx64 "\nflush clwb 0x%" PRIx64 "\n", a, a + 64);
		if (k % 3 == 0)
			fprintf(f, "store 0x%" PRIx64 " 8 %016x pc=0xffffffff81000020\n"
				   "fence rmw pc=0xffffffff81000020\n", a + 128, k);
		fprintf(f, "fence sfence\nmark %u \"op\"\n", 101 + k);
		if (k == 0)
			fprintf(f, "mark 18446744073709551614 \"drain:pmem_flush\"\n");
	}
	assert_int_equal(fclose(f), 0);
	assert_int_equal(pmsim_trace_from_mem(&t, text, len, NULL, 0), 0);
	free(text);
	return t;
}

struct calls {
	uint64_t n, last_event;
};

static int count_cb(void *arg, const struct pmsim_image *img,
		    const struct pmsim_crash *crash, const uint64_t *changed,
		    size_t nchanged)
{
	struct calls *c = arg;

	(void)img;
	(void)changed;
	(void)nchanged;
	c->n++;
	if (crash->event > c->last_event)
		c->last_event = crash->event;
	return 0;
}

static void run(const struct pmsim_trace *t, const struct pmsim_opts *o,
		struct pmsim_result *res, struct calls *calls)
{
	struct pmsim_checker chk = { .check = count_cb, .arg = calls, .name = "count" };

	memset(calls, 0, sizeof(*calls));
	if (pmsim_run(t, o, &chk, res))
		fail_msg("pmsim_run: %s", pmsim_errmsg());
}

/* The planner's counts are pmsim's, for every kind of crash point. */
static void test_counts_match_pmsim(void **state)
{
	static const enum pmsim_crash_points kinds[] = {
		PMSIM_AT_FENCE, PMSIM_AT_EVENT, PMSIM_AT_MARK,
	};
	struct pmsim_trace *t = trace(9);
	struct pmsim_opts base, o;
	struct budget_plan p;
	struct pmsim_result res;
	struct calls calls;

	(void)state;
	pmsim_opts_default(&base);
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		base.points = kinds[i];
		assert_int_equal(budget_plan(t, &base, 0, &p), 0);
		/* The start mark and 101..109; a drain mark is no crash
		 * point. */
		assert_int_equal(p.marks, 10);
		o = base;
		o.mode = PMSIM_BOUNDED;
		o.mode_arg = 0;
		run(t, &o, &res, &calls);
		assert_int_equal(p.points, res.points_total);
		assert_int_equal(p.points, res.crash_points);
		pmsim_result_free(&res);
	}
	/* Marks: no end point (it would be one more than the marks). */
	base.points = PMSIM_AT_MARK;
	assert_int_equal(budget_plan(t, &base, 0, &p), 0);
	assert_int_equal(p.points, 10);
	pmsim_trace_free(t);
}

/* Enough budget: every point, several states each. */
static void test_plan_large_budget(void **state)
{
	struct pmsim_trace *t = trace(6);
	struct pmsim_opts base;
	struct budget_plan p;

	(void)state;
	pmsim_opts_default(&base);
	base.seed = 7;
	assert_int_equal(budget_plan(t, &base, 3000, &p), 0);
	assert_int_equal(p.npass, 3);
	/* durable at every mark */
	assert_int_equal(p.pass[0].o.points, PMSIM_AT_MARK);
	assert_int_equal(p.pass[0].o.mode, PMSIM_BOUNDED);
	assert_int_equal(p.pass[0].o.mode_arg, 0);
	assert_int_equal(p.pass[0].o.max_points, 0);
	/* random at every mark: a third of the budget */
	assert_int_equal(p.pass[1].o.mode, PMSIM_RANDOM);
	assert_int_equal(p.pass[1].o.mode_arg, 1000 / p.marks);
	assert_int_equal(p.pass[1].o.max_points, 0);
	/* random at every fence: the rest */
	assert_int_equal(p.pass[2].o.points, PMSIM_AT_FENCE);
	assert_int_equal(p.pass[2].o.mode_arg, 2000 / p.points);
	assert_int_equal(p.pass[2].o.max_points, 0);
	for (int i = 0; i < p.npass; i++) {
		assert_int_equal(p.pass[i].o.seed, 7);
		assert_int_equal(p.pass[i].o.max_states, 0);
	}
	assert_non_null(strstr(p.mode, "at all"));
	pmsim_trace_free(t);
}

/* More crash points than budget: libpmsim visits that many, evenly
 * spread and the end among them, and builds no state for the others. */
static void test_plan_samples_points(void **state)
{
	struct pmsim_trace *t = trace(60);
	struct pmsim_opts base;
	struct budget_plan p;
	struct pmsim_result res;
	struct calls calls;
	const uint64_t budget = 30;

	(void)state;
	pmsim_opts_default(&base);
	assert_int_equal(budget_plan(t, &base, budget, &p), 0);
	assert_true(p.points > budget);
	assert_int_equal(p.pass[2].o.mode_arg, 1);
	assert_int_equal(p.pass[2].o.max_points, budget - budget / 3);
	run(t, &p.pass[2].o, &res, &calls);
	assert_int_equal(res.points_total, p.points);
	assert_int_equal(res.crash_points, budget - budget / 3);
	assert_int_equal(res.points_checked, res.crash_points);
	assert_false(res.bounded);
	/* one random state per visited point, none for the others */
	assert_true(calls.n <= res.crash_points);
	assert_int_equal(res.explored, res.crash_points);
	/* the end of the trace is always among the sampled points */
	assert_int_equal(calls.last_event, pmsim_trace_nevents(t));
	assert_non_null(strstr(p.mode, "of"));
	pmsim_result_free(&res);

	/* The marks too, when even 4 states each would overrun the budget:
	 * 61 marks x 4 > 30. */
	assert_int_equal(p.pass[1].o.mode_arg, 4);
	assert_int_equal(p.pass[1].o.max_points, budget / 4);
	run(t, &p.pass[1].o, &res, &calls);
	assert_int_equal(res.crash_points, budget / 4);
	pmsim_result_free(&res);
	/* ... while the guaranteed-durable state is judged at every mark. */
	run(t, &p.pass[0].o, &res, &calls);
	assert_int_equal(res.crash_points, p.marks);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
}

/* A trace without marks: one pass over the fences. */
static void test_plan_no_marks(void **state)
{
	static const char text[] = "region 0x100000 0x1000 pmem0\n"
				   "store 0x100000 8 0101010101010101\n"
				   "flush clwb 0x100000\nfence sfence\n";
	struct pmsim_trace *t;
	struct pmsim_opts base;
	struct budget_plan p;

	(void)state;
	assert_int_equal(pmsim_trace_from_mem(&t, text, sizeof(text) - 1, NULL, 0), 0);
	pmsim_opts_default(&base);
	assert_int_equal(budget_plan(t, &base, 10, &p), 0);
	assert_int_equal(p.marks, 0);
	assert_int_equal(p.npass, 1);
	assert_int_equal(p.points, 2);
	assert_int_equal(p.pass[0].o.mode_arg, (10 - 10 / 3) / 2);
	pmsim_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_match_pmsim),
		cmocka_unit_test(test_plan_large_budget),
		cmocka_unit_test(test_plan_samples_points),
		cmocka_unit_test(test_plan_no_marks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
