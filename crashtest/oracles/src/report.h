/* SPDX-License-Identifier: MIT */
/* Violation reports and the result JSON of one scenario run. */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include "judge.h"
#include "pmsim.h"
#include "sym.h"
#include "trace_scan.h"

struct run_info {
	const char *scenario, *kernel, *trace_path, *manifest_path, *outdir;
	const char *mode, *points;
	const struct ctm_manifest *m;
	const struct symtab *syms;
	const struct pmsim_trace *t;
	const struct pmsim_opts *o;
	uint64_t fs_addr;	/* where the file system starts in the trace */
};

/* A judged violation, remembered by crash point and state. */
struct found {
	uint64_t event, state;
	struct verdict v;
};

/* Write OUTDIR/violations/N.txt and N.repro for report i of res. */
int report_violation(const struct run_info *ri, const struct pmsim_violation *pv,
		     const struct verdict *v, unsigned n, FILE *summary);

/* The same for a drain mark whose claim failed (pv->drain). */
int report_drain(const struct run_info *ri, const struct pmsim_violation *pv,
		 unsigned n, FILE *summary);

/* Write OUTDIR/result.json. */
int report_json(const struct run_info *ri, const struct pmsim_result *res,
		const struct judge *j, const struct trace_scan *sc,
		uint64_t trace_bytes, int partial, const char *why,
		double scan_s, double judge_s, uint64_t dur_states,
		uint64_t fsck_states, uint64_t err_states,
		uint64_t skipped_states);

#endif /* REPORT_H */
