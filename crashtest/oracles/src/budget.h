/* SPDX-License-Identifier: MIT */
/*
 * The state budget of "ctoracle check --budget N": how many crash states
 * to judge where, planned from libpmsim's own count of crash points
 * (pmsim_count_points), so the plan and the run agree on what a crash
 * point is, and sampled by libpmsim (max_points), so a point left out
 * costs nothing.
 *
 *   1. the guaranteed-durable state at every mark: the durability check
 *      of every promise is deterministic;
 *   2. random states at the marks, right after a promise returns, where a
 *      lost promised line shows: about N/3 of them, at least 4 per mark;
 *   3. random states at every crash point of the chosen kind (fences by
 *      default) for the consistency of what is in flight: about 2N/3,
 *      at least one per point; when the points outnumber them, that many
 *      points evenly spread over the whole trace, one state each, so no
 *      bound cuts off the end of the trace.
 */
#ifndef BUDGET_H
#define BUDGET_H

#include <stdint.h>

#include "pmsim.h"

#define BUDGET_MAX_PASSES 3

struct budget_pass {
	struct pmsim_opts o;
	const char *what;	/* "durable at marks", ... (result.json) */
};

struct budget_plan {
	struct budget_pass pass[BUDGET_MAX_PASSES];
	int npass;
	uint64_t marks;		/* crash points at marks (pmsim's count) */
	uint64_t points;	/* crash points of base->points */
	char mode[192];		/* the plan in words */
};

/*
 * Plan budget states over t with base's crash-point kind, seed and report
 * limit. budget 0: one pass, base itself (an explicit --mode). Returns 0,
 * or -1 with pmsim_errmsg() set.
 */
int budget_plan(const struct pmsim_trace *t, const struct pmsim_opts *base,
		uint64_t budget, struct budget_plan *p);

#endif /* BUDGET_H */
