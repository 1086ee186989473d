/* SPDX-License-Identifier: MIT */
/*
 * Event output: filters events to the pmem regions, folds runs of fences,
 * enforces max_trace_bytes and keeps the counters the tracer reports.
 * Callers serialise calls (the tracer runs with one vCPU).
 */
#ifndef TRACE_OUT_H
#define TRACE_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "regions.h"

/* Mark id written when the trace stops early; its label says why. */
#define TRACE_MARK_PARTIAL UINT64_MAX

struct trace_stats {
	uint64_t stores, stores_pmem, ntstores_pmem, store_bytes_pmem;
	uint64_t flushes, flushes_resolved, flushes_unresolved, flushes_pmem;
	uint64_t fences, fences_written;
	uint64_t marks;
	uint64_t bytes;		/* trace file size so far */
	bool partial;
};

struct trace_out;

/* Open path for writing; max_bytes 0 means no limit. NULL + err on error. */
struct trace_out *trace_out_open(const char *path, uint64_t max_bytes,
				 char *err, size_t errlen);

/* Register the regions (REGION records); events are filtered by them. */
int trace_out_regions(struct trace_out *t, const struct region_set *s);
/* IMAGE kind 1: the region at base starts as the bytes of file path. */
int trace_out_image_file(struct trace_out *t, uint64_t base, const char *path);

/* Each returns false once the trace has stopped (error or size limit). */
bool trace_out_store(struct trace_out *t, bool nt, uint64_t pa,
		     const uint8_t *data, uint64_t size, uint64_t pc);
/*
 * One iteration of a rep movs/stos at pc. Iterations that continue the
 * previous one's bytes are joined into one STORE (up to 4096 bytes): the
 * string instruction's stores have no program order among themselves
 * that a crash could expose beyond what pmsim's per-line model gives.
 */
bool trace_out_store_run(struct trace_out *t, uint64_t pa,
			 const uint8_t *data, uint64_t size, uint64_t pc);
bool trace_out_flush(struct trace_out *t, unsigned kind, uint64_t pa,
		     uint64_t pc);
/* A flush whose address the page walk could not translate: counted only. */
void trace_out_flush_unresolved(struct trace_out *t);
bool trace_out_fence(struct trace_out *t, unsigned kind, uint64_t pc);
bool trace_out_mark(struct trace_out *t, uint64_t id, const char *label,
		    uint64_t pc);

/* Stop for good: write a PARTIAL mark with reason and refuse more events. */
void trace_out_fail(struct trace_out *t, const char *reason);
bool trace_out_stopped(const struct trace_out *t);
const char *trace_out_reason(const struct trace_out *t);

/* Push buffered records to the file. */
int trace_out_sync(struct trace_out *t);
const struct trace_stats *trace_out_stats(const struct trace_out *t);
/*
 * The counters as one JSON object in path (stats=), with the trace's path,
 * whether tracing started, and the reason it stopped early (null when it
 * did not). Returns 0, or -1 with a message in err.
 */
int trace_out_write_stats(const struct trace_out *t, const char *path,
			  const char *trace_path, bool started, char *err,
			  size_t errlen);

/* Close; returns 0 or a negative errno from the writer. */
int trace_out_close(struct trace_out *t);

#endif /* TRACE_OUT_H */
