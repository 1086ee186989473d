// SPDX-License-Identifier: MIT
/*
 * Reproducers: every reported violation's persisted set rebuilds exactly
 * the image the checker saw, both in memory and through a reproducer file
 * and pmsim_replay(); an unreachable persisted set is refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "applog.h"
#include "helpers.h"

/* Violations kept (max_reports): the first ones, whose images are kept. */
#define MAX_SNAP 512

struct snapshots {
	unsigned char *img[MAX_SNAP];
	uint64_t state[MAX_SNAP];
	size_t n;
	uint64_t base, size;
	int always;	/* every state is a violation */
};

static int snap(void *arg, const struct pmsim_image *img,
		const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	struct snapshots *s = arg;
	const unsigned char *p = pmsim_image_ptr(img, s->base, s->size);
	char why[200];
	int bad = s->always ? 1 : applog_check(p, c->nmarks, why, sizeof(why));

	(void)ch;
	(void)n;
	if (bad && s->n < MAX_SNAP) {
		s->state[s->n] = c->state;
		s->img[s->n] = malloc(s->size);
		memcpy(s->img[s->n++], p, s->size);
	}
	return bad;
}

static void check_reports(struct pmsim_trace *t, const struct pmsim_opts *o,
			  const struct pmsim_result *res, struct snapshots *s)
{
	char repro[] = "/tmp/pmsim-repro-XXXXXX", image[] = "/tmp/pmsim-img-XXXXXX";
	unsigned char *file = malloc(s->size);

	assert_true(mkstemp(repro) >= 0);
	assert_true(mkstemp(image) >= 0);
	assert_true(res->nreports > 0);
	for (size_t i = 0; i < res->nreports; i++) {
		const struct pmsim_violation *v = &res->reports[i];
		unsigned char **data;
		FILE *f;

		/* the i-th report is the i-th violation */
		assert_true(i < s->n);
		assert_int_equal(v->crash.state, s->state[i]);
		if (!o->eadr) {
			assert_int_equal(pmsim_build_image(t, o, v->crash.event, v->persisted,
							   v->npersisted, &data), 0);
			assert_memory_equal(data[0], s->img[i], s->size);
			pmsim_image_data_free(t, data);
		}
		assert_int_equal(pmsim_repro_write(t, o, v, repro), 0);
		if (pmsim_replay(repro, image, PMSIM_REPLAY_FORCE))
			fail_msg("replay: %s", pmsim_errmsg());
		f = fopen(image, "rb");
		assert_int_equal(fread(file, 1, s->size, f), s->size);
		fclose(f);
		assert_memory_equal(file, s->img[i], s->size);
	}
	for (size_t i = 0; i < s->n; i++)
		free(s->img[i]);
	s->n = 0;
	free(file);
	unlink(repro);
	unlink(image);
}

static struct pmsim_trace *record(int which, char *path)
{
	struct pmsim_trace *t;
	struct pm_rec *r;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pm_rec_new(&r, path), 0);
	if (which == 0) {
		assert_int_equal(applog_workload(r, 1, 3), 0);
	} else {
		uint64_t v[2] = { 1, 2 };

		assert_int_equal(pm_region(r, RBASE, RSIZE, "pmem0"), 0);
		assert_int_equal(pm_store(r, LINE(0), v, 16), 0);
		assert_int_equal(pm_ntstore(r, LINE(1), v, 8), 0);
		assert_int_equal(pm_store(r, LINE(1) + 8, v + 1, 8), 0);
		assert_int_equal(pm_store(r, LINE(0) + 16, v, 8), 0);
	}
	pm_rec_free(r);	/* flushes the file */
	assert_int_equal(pmsim_trace_open(&t, path), 0);
	return t;
}

/* Run t with o, keeping up to MAX_SNAP reports, and check that each one
 * rebuilds the image its checker saw; when every state is a violation,
 * every state is reported. */
static void replay_reports(struct pmsim_trace *t, struct pmsim_opts *o,
			   struct snapshots *s)
{
	struct pmsim_checker chk = { .check = snap, .arg = s };
	struct pmsim_result res;

	o->max_reports = MAX_SNAP;
	assert_int_equal(pmsim_run(t, o, &chk, &res), 0);
	if (s->always) {
		assert_true(res.distinct <= MAX_SNAP);
		assert_int_equal(res.nreports, res.distinct);
	}
	check_reports(t, o, &res, s);
	pmsim_result_free(&res);
}

static void replay_buggy_log(void **state)
{
	char path[] = "/tmp/pmsim-trace-XXXXXX";
	static struct snapshots s = { .base = APPLOG_BASE, .size = APPLOG_SIZE };
	struct pmsim_trace *t = record(0, path);
	struct pmsim_opts o;

	(void)state;
	pmsim_opts_default(&o);
	replay_reports(t, &o, &s);
	pmsim_trace_free(t);
	unlink(path);
}

/* Every state (torn stores, NT stores, eADR prefixes) replays exactly. */
static void replay_every_state(void **state)
{
	char path[] = "/tmp/pmsim-trace-XXXXXX";
	static struct snapshots s = { .base = RBASE, .size = RSIZE, .always = 1 };
	struct pmsim_trace *t = record(1, path);
	struct pmsim_opts o;

	(void)state;
	for (int eadr = 0; eadr <= 1; eadr++) {
		pmsim_opts_default(&o);
		o.eadr = eadr;
		o.points = PMSIM_AT_EVENT;
		replay_reports(t, &o, &s);
	}
	pmsim_trace_free(t);
	unlink(path);
}

static void unreachable_set_refused(void **state)
{
	char path[] = "/tmp/pmsim-trace-XXXXXX";
	struct pmsim_trace *t = record(1, path);
	/* the store at event 4 without the older 16-byte one on its line */
	struct pmsim_piece p = { .event = 4, .off = 0, .len = 8 };
	/* the pieces of one store are unordered: its high half alone is a
	 * state (a torn 16-byte store) */
	struct pmsim_piece hi = { .event = 1, .off = 8, .len = 8 };
	/* the NT store without the older... there is none; a piece that
	 * does not exist */
	struct pmsim_piece q = { .event = 1, .off = 4, .len = 4 };
	struct pmsim_opts o;
	unsigned char **data;

	(void)state;
	pmsim_opts_default(&o);
	assert_int_not_equal(pmsim_build_image(t, &o, pmsim_trace_nevents(t), &p, 1, &data), 0);
	assert_non_null(strstr(pmsim_errmsg(), "not reachable"));
	assert_int_not_equal(pmsim_build_image(t, &o, pmsim_trace_nevents(t), &q, 1, &data), 0);
	assert_non_null(strstr(pmsim_errmsg(), "not pending"));
	assert_int_equal(pmsim_build_image(t, &o, pmsim_trace_nevents(t), &hi, 1, &data), 0);
	assert_int_equal(data[0][LINE(0) - RBASE], 0);
	assert_int_equal(data[0][LINE(0) - RBASE + 8], 2);
	pmsim_image_data_free(t, data);
	pmsim_trace_free(t);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay_buggy_log),
		cmocka_unit_test(replay_every_state),
		cmocka_unit_test(unreachable_set_refused),
	};

	return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
