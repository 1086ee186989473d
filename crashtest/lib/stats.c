// SPDX-License-Identifier: MIT
/* Trace statistics (`pmsim stats`): what is in it and how hard it is. */
#include "points.h"

int pmsim_trace_stats(const struct pmsim_trace *t, struct pmsim_stats *st)
{
	struct pmsim_opts o;
	struct sim s;
	int r = 0;

	memset(st, 0, sizeof(*st));
	st->events = t->nev;
	st->bytes = t->text ? 0 : t->len;
	for (size_t i = 0; i < t->nev; i++) {
		const struct pmsim_event *e = &t->ev[i];

		st->by_type[e->type & 7]++;
		if (e->type == PMTRACE_FLUSH)
			st->flush_kind[e->kind]++;
		else if (e->type == PMTRACE_FENCE)
			st->fence_kind[e->kind]++;
		else if (e->type == PMTRACE_STORE)
			st->stored_bytes += e->len;
		else if (e->type == PMTRACE_NTSTORE)
			st->ntstored_bytes += e->len;
	}
	/* Replay the model to see how many lines are pending at each fence. */
	pmsim_opts_default(&o);
	if (pms_sim_init(&s, t, &o))
		return -1;
	for (size_t i = 0; i <= t->nev && !r; i++) {
		if (pms_is_point(t, PMSIM_AT_FENCE, i, t->nev)) {
			st->fence_points++;
			if (s.ndirty > st->max_dirty_lines)
				st->max_dirty_lines = s.ndirty;
		}
		if (i < t->nev)
			r = pms_sim_apply(&s, i);
	}
	st->lines_touched = s.nlines;
	pms_sim_free(&s);
	return r;
}
