/* SPDX-License-Identifier: MIT */
/*
 * OUTDIR/result.json of "ctoracle check": what was judged, how much of
 * the trace the run covered, what it found, how fast, and whether it is
 * partial (and why: images not judged, a bound, a signal).
 */
#ifndef RESULT_JSON_H
#define RESULT_JSON_H

#include <stdint.h>

#include "budget.h"
#include "judge.h"
#include "pmsim.h"
#include "trace_scan.h"
#include "violation_report.h"

struct check_summary {
	const struct budget_plan *plan;
	struct pmsim_result pass[BUDGET_MAX_PASSES];	/* counts only */
	int npass;			/* passes that ran */
	struct pmsim_result total;	/* counts summed over the passes */
	int partial;
	const char *why;		/* what made it partial */
	int signal;			/* stopped by this signal, 0: not */
	double scan_s, judge_s;
	uint64_t dur_states, fsck_states, err_states;
	uint64_t trace_bytes;
};

/* Write OUTDIR/result.json (j may be NULL: stopped before judging).
 * 0, or -1 with a message on stderr. */
int result_json_write(const struct run_info *ri, const struct check_summary *s,
		      const struct judge *j, const struct trace_scan *sc);

#endif /* RESULT_JSON_H */
