/* SPDX-License-Identifier: MIT */
/*
 * One pass over a trace for the judge and the report: the region's content
 * before the first store and after the last, which 4 KiB pages were stored
 * to, and how many stores were volatile noise (never written back).
 */
#ifndef TRACE_SCAN_H
#define TRACE_SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "pmsim.h"

struct trace_scan {
	uint64_t base_addr, size;	/* the region judged */
	unsigned char *base, *final;	/* size bytes each */
	/* base is region 0 of the image pmsim built: kept, not copied */
	const struct pmsim_trace *t;
	unsigned char **data;
	uint8_t *touched;		/* 1 bit per 4 KiB page */
	uint64_t stores, ntstores, store_bytes, ntstore_bytes;
	uint64_t flushes, fences, marks;
	/* Stores whose line is never written back (no later flush of the
	 * line, no later NT store to it) before the trace ends. */
	uint64_t noise_stores, noise_bytes;
	/* Stores outside [fs_lo, fs_hi) (filled in by trace_scan_outside). */
	uint64_t outside_stores;
};

/* Scan region 0 of t. Returns 0 or -1 with err. */
int trace_scan(const struct pmsim_trace *t, struct trace_scan *s, char *err,
	       size_t errlen);
/* Count stores that fall outside [lo, hi) of the region. */
void trace_scan_outside(const struct pmsim_trace *t, struct trace_scan *s,
			uint64_t lo, uint64_t hi);
void trace_scan_free(struct trace_scan *s);

#endif /* TRACE_SCAN_H */
