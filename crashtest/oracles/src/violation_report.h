/* SPDX-License-Identifier: MIT */
/*
 * One violation's report, OUTDIR/violations/NNN.txt, with its reproducer
 * NNN.repro and a line in violations.txt: what failed, which mark's
 * promise, the crash point with its kernel symbol, the stores lost and
 * who stored them, and the torn sectors.
 */
#ifndef VIOLATION_REPORT_H
#define VIOLATION_REPORT_H

#include <stdio.h>

#include "daxlab/symmap.h"
#include "judge.h"
#include "pmsim.h"

struct run_info {
	const char *scenario, *kernel, *trace_path, *manifest_path, *outdir;
	const char *mode, *points;
	const struct ctm_manifest *m;
	const struct dx_symmap *syms;
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

#endif /* VIOLATION_REPORT_H */
