/* SPDX-License-Identifier: MIT */
/* The state budget of ctoracle check (budget.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "budget.h"

/* Below this many random states per mark the marks are sampled. */
#define MIN_PER_MARK 4

static int count(const struct pmsim_trace *t, const struct pmsim_opts *base,
		 enum pmsim_crash_points kind, uint64_t *n)
{
	struct pmsim_opts o = *base;

	o.points = kind;
	o.max_points = 0;
	return pmsim_count_points(t, &o, n);
}

static const char *kind_name(enum pmsim_crash_points k)
{
	return k == PMSIM_AT_EVENT ? "event" : k == PMSIM_AT_MARK ? "mark" : "fence";
}

int budget_plan(const struct pmsim_trace *t, const struct pmsim_opts *base,
		uint64_t budget, struct budget_plan *p)
{
	uint64_t share_marks = budget / 3, share_points = budget - budget / 3;
	uint64_t per;
	struct pmsim_opts o;
	size_t used;

	memset(p, 0, sizeof(*p));
	if (count(t, base, PMSIM_AT_MARK, &p->marks) ||
	    count(t, base, base->points, &p->points))
		return -1;
	if (!budget) {
		p->pass[0].o = *base;
		p->pass[0].what = "as asked";
		p->npass = 1;
		return 0;
	}
	o = *base;
	o.max_states = 0;	/* the plan bounds the states, not a cap */
	o.max_points = 0;
	if (p->marks) {
		o.points = PMSIM_AT_MARK;
		o.mode = PMSIM_BOUNDED;
		o.mode_arg = 0;
		p->pass[p->npass].o = o;
		p->pass[p->npass++].what = "durable at marks";

		per = share_marks / p->marks;
		o.mode = PMSIM_RANDOM;
		o.mode_arg = per > MIN_PER_MARK ? per : MIN_PER_MARK;
		/* Marks are few (one per operation): all of them, unless
		 * even the minimum would overrun the whole budget. */
		if (p->marks * o.mode_arg > budget)
			o.max_points = budget / o.mode_arg ? budget / o.mode_arg : 1;
		p->pass[p->npass].o = o;
		p->pass[p->npass++].what = "random at marks";
	}
	o = *base;
	o.max_states = 0;
	o.mode = PMSIM_RANDOM;
	if (p->points <= share_points) {
		o.mode_arg = share_points / (p->points ? p->points : 1);
		o.max_points = 0;
	} else {
		o.mode_arg = 1;
		o.max_points = share_points;
	}
	p->pass[p->npass].o = o;
	p->pass[p->npass++].what = "random at crash points";

	used = 0;
	if (p->marks)
		used = (size_t)snprintf(p->mode, sizeof(p->mode),
					"durable + random:%" PRIu64 " at %s marks, ",
					p->pass[1].o.mode_arg,
					p->pass[1].o.max_points ? "sampled" : "all");
	if (o.max_points)
		snprintf(p->mode + used, sizeof(p->mode) - used,
			 "random:1 at %" PRIu64 " of %" PRIu64 " %ss, evenly spread",
			 o.max_points, p->points, kind_name(o.points));
	else
		snprintf(p->mode + used, sizeof(p->mode) - used,
			 "random:%" PRIu64 " at all %" PRIu64 " %ss", o.mode_arg,
			 p->points, kind_name(o.points));
	return 0;
}
