// SPDX-License-Identifier: MIT
/*
 * The append-only log example: the correct log passes in every mode and
 * with every kind of crash point; the buggy one (commit record flushed
 * before the data) is caught, and the report blames the record's data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "applog.h"
#include "helpers.h"

static void run_log(int buggy, unsigned n, const char *mode,
		    enum pmsim_crash_points pts, int eadr, struct pmsim_result *res)
{
	struct pmsim_checker chk = { .check = applog_checker, .name = "applog" };
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r;

	assert_int_equal(pm_rec_new(&r, NULL), 0);
	assert_int_equal(applog_workload(r, buggy, n), 0);
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pmsim_opts_default(&o);
	assert_int_equal(pmsim_parse_mode(&o, mode), 0);
	o.points = pts;
	o.eadr = eadr;
	o.seed = 7;
	if (pmsim_run(t, &o, &chk, res))
		fail_msg("pmsim_run: %s", pmsim_errmsg());
	pmsim_trace_free(t);
	pm_rec_free(r);
}

static const char *const modes[] = { "exhaustive", "bounded:1", "bounded:2", "random:50" };

/* Run the log (buggy or not) in every mode, at every kind of crash point
 * up to last: the correct one passes with states checked, the buggy one
 * is caught. */
static void every_mode(int buggy, int last)
{
	struct pmsim_result res;

	for (size_t m = 0; m < 4; m++)
		for (int pts = PMSIM_AT_FENCE; pts <= last; pts++) {
			run_log(buggy, 6, modes[m], pts, 0, &res);
			if (buggy) {
				assert_true(res.violations > 0);
			} else {
				assert_int_equal(res.violations, 0);
				assert_true(res.distinct > 0);
			}
			pmsim_result_free(&res);
		}
}

static void correct_log_passes(void **state)
{
	(void)state;
	every_mode(0, PMSIM_AT_MARK);
}

static void buggy_log_caught(void **state)
{
	(void)state;
	every_mode(1, PMSIM_AT_EVENT);
}

/* The report's lost pieces are record data, never the commit record. */
static void report_blames_data(void **state)
{
	struct pmsim_result res;

	(void)state;
	run_log(1, 3, "exhaustive", PMSIM_AT_FENCE, 0, &res);
	assert_true(res.nreports > 0);
	for (size_t i = 0; i < res.nreports; i++) {
		const struct pmsim_violation *v = &res.reports[i];

		assert_true(v->nlost > 0);
		for (size_t k = 0; k < v->nlost; k++)
			assert_true(v->lost[k].addr >= APPLOG_BASE + APPLOG_DATA);
	}
	pmsim_result_free(&res);
}

/* With eADR the flush order no longer matters: the buggy log is fine. */
static void buggy_log_fine_with_eadr(void **state)
{
	struct pmsim_result res;

	(void)state;
	run_log(1, 6, "exhaustive", PMSIM_AT_FENCE, 1, &res);
	assert_int_equal(res.violations, 0);
	pmsim_result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(correct_log_passes),
		cmocka_unit_test(buggy_log_caught),
		cmocka_unit_test(report_blames_data),
		cmocka_unit_test(buggy_log_fine_with_eadr),
	};

	return cmocka_run_group_tests_name("applog", tests, NULL, NULL);
}
