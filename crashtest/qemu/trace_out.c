// SPDX-License-Identifier: MIT
/*
 * Event output for the tracer. Fences are global (a fence anywhere orders
 * every earlier pmem flush), so each one is recorded, but a run of fences
 * with no pmem event in between is written once: the later ones cannot
 * change which crash states exist. lfence has no persistence effect, so it
 * never stands in for a stronger fence.
 */
#include "trace_out.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/json.h"
#include "pmtrace.h"

/* What was written since the last pmem event. */
enum fence_state { FENCED_NONE, FENCED_LFENCE, FENCED_STRONG };

/* A rep-string run being joined into one STORE. */
struct store_run {
	bool active;
	const struct region *region;
	uint64_t addr, pc;
	uint32_t len;
	uint8_t data[PMTRACE_MAX_STORE];
};

struct trace_out {
	struct pmtrace_writer *w;
	struct store_run run;
	struct region_set regions;
	uint64_t max_bytes;
	enum fence_state fenced;
	bool stopped;
	char reason[160];
	struct trace_stats st;
};

/* Bytes kept free for the closing PARTIAL mark. */
#define PARTIAL_RESERVE (PMTRACE_REC_SIZE + 160)

struct trace_out *trace_out_open(const char *path, uint64_t max_bytes,
				 char *err, size_t errlen)
{
	struct trace_out *t = calloc(1, sizeof(*t));
	int r;

	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r = pmtrace_writer_open(&t->w, path);
	if (r) {
		snprintf(err, errlen, "trace=%s: %s", path, strerror(-r));
		free(t);
		return NULL;
	}
	t->max_bytes = max_bytes;
	t->st.bytes = PMTRACE_HEADER_SIZE;
	return t;
}

void trace_out_fail(struct trace_out *t, const char *reason)
{
	if (t->stopped)
		return;
	t->run.active = false;	/* a partial trace ends where it stops */
	snprintf(t->reason, sizeof(t->reason), "%s", reason);
	/* The reserve guarantees the mark fits under max_bytes. */
	if (pmtrace_write_mark(t->w, TRACE_MARK_PARTIAL, t->reason, 0) == 0)
		t->st.bytes += pmtrace_rec_bytes((uint32_t)strlen(t->reason) + 1);
	t->st.partial = true;
	t->stopped = true;
}

/* Account for a record of len payload bytes; false if it does not fit. */
static bool reserve(struct trace_out *t, uint64_t len)
{
	uint64_t need = pmtrace_rec_bytes((uint32_t)len);

	if (t->stopped)
		return false;
	if (t->max_bytes && t->st.bytes + need + PARTIAL_RESERVE > t->max_bytes) {
		char why[160];

		snprintf(why, sizeof(why), "partial: max_trace_bytes=%llu "
			 "reached, tracing stopped",
			 (unsigned long long)t->max_bytes);
		trace_out_fail(t, why);
		return false;
	}
	t->st.bytes += need;
	return true;
}

/* A writer error stops the trace with the reason. */
static bool check(struct trace_out *t, int r, const char *what)
{
	char why[160];

	if (r == 0)
		return true;
	snprintf(why, sizeof(why), "partial: writing %s failed: %s", what,
		 strerror(-r));
	trace_out_fail(t, why);
	return false;
}

/* Write the pending rep-string run, if any, before any other record. */
static bool flush_run(struct trace_out *t)
{
	struct store_run *r = &t->run;

	if (!r->active)
		return !t->stopped;
	r->active = false;
	return reserve(t, r->len) &&
	       check(t, pmtrace_write_store(t->w, r->addr, r->data, r->len,
					    r->pc), "a store");
}

int trace_out_regions(struct trace_out *t, const struct region_set *s)
{
	t->regions = *s;
	for (unsigned i = 0; i < s->n; i++) {
		const struct region *r = &s->r[i];

		if (!reserve(t, 8 + strlen(r->name) + 1) ||
		    !check(t, pmtrace_write_region(t->w, r->base, r->size,
						   r->name), "a region"))
			return -1;
	}
	return 0;
}

int trace_out_image_file(struct trace_out *t, uint64_t base, const char *path)
{
	if (!reserve(t, strlen(path) + 1) ||
	    !check(t, pmtrace_write_image_file(t->w, base, path), "an image"))
		return -1;
	return 0;
}

bool trace_out_store(struct trace_out *t, bool nt, uint64_t pa,
		     const uint8_t *data, uint64_t size, uint64_t pc)
{
	uint64_t start, n;
	int r;

	t->st.stores++;
	if (!regions_find(&t->regions, pa, size, &start, &n))
		return !t->stopped;
	data += start - pa;
	if (!flush_run(t) || !reserve(t, n))
		return false;
	r = nt ? pmtrace_write_ntstore(t->w, start, data, (uint32_t)n, pc)
	       : pmtrace_write_store(t->w, start, data, (uint32_t)n, pc);
	if (!check(t, r, "a store"))
		return false;
	t->st.stores_pmem += !nt;
	t->st.ntstores_pmem += nt;
	t->st.store_bytes_pmem += n;
	t->fenced = FENCED_NONE;
	return true;
}

bool trace_out_store_run(struct trace_out *t, uint64_t pa,
			 const uint8_t *data, uint64_t size, uint64_t pc)
{
	struct store_run *r = &t->run;
	const struct region *reg;
	uint64_t start, n;

	t->st.stores++;
	reg = regions_find(&t->regions, pa, size, &start, &n);
	if (!reg)
		return !t->stopped;
	data += start - pa;
	if (!(r->active && r->pc == pc && r->region == reg &&
	      r->addr + r->len == start && r->len + n <= PMTRACE_MAX_STORE)) {
		if (!flush_run(t))
			return false;
		r->active = true;
		r->region = reg;
		r->addr = start;
		r->pc = pc;
		r->len = 0;
	}
	memcpy(r->data + r->len, data, n);
	r->len += (uint32_t)n;
	t->st.stores_pmem++;
	t->st.store_bytes_pmem += n;
	t->fenced = FENCED_NONE;
	return true;
}

bool trace_out_flush(struct trace_out *t, unsigned kind, uint64_t pa,
		     uint64_t pc)
{
	uint64_t start, n;

	t->st.flushes++;
	t->st.flushes_resolved++;
	if (!regions_find(&t->regions, pa, 1, &start, &n))
		return !t->stopped;
	if (!flush_run(t) || !reserve(t, 0) ||
	    !check(t, pmtrace_write_flush(t->w, kind, pa, pc), "a flush"))
		return false;
	t->st.flushes_pmem++;
	t->fenced = FENCED_NONE;
	return true;
}

void trace_out_flush_unresolved(struct trace_out *t)
{
	t->st.flushes++;
	t->st.flushes_unresolved++;
}

bool trace_out_fence(struct trace_out *t, unsigned kind, uint64_t pc)
{
	bool weak = kind == PMTRACE_FENCE_LFENCE;

	t->st.fences++;
	if (t->fenced == FENCED_STRONG || (weak && t->fenced == FENCED_LFENCE))
		return !t->stopped;
	if (!flush_run(t) || !reserve(t, 0) ||
	    !check(t, pmtrace_write_fence(t->w, kind, pc), "a fence"))
		return false;
	t->st.fences_written++;
	t->fenced = weak ? FENCED_LFENCE : FENCED_STRONG;
	return true;
}

bool trace_out_mark(struct trace_out *t, uint64_t id, const char *label,
		    uint64_t pc)
{
	if (!flush_run(t) || !reserve(t, strlen(label) + 1) ||
	    !check(t, pmtrace_write_mark(t->w, id, label, pc), "a mark"))
		return false;
	t->st.marks++;
	return true;
}

bool trace_out_stopped(const struct trace_out *t)
{
	return t->stopped;
}

const char *trace_out_reason(const struct trace_out *t)
{
	return t->reason;
}

int trace_out_sync(struct trace_out *t)
{
	flush_run(t);
	return pmtrace_writer_flush(t->w);
}

const struct trace_stats *trace_out_stats(const struct trace_out *t)
{
	return &t->st;
}

int trace_out_close(struct trace_out *t)
{
	int r;

	flush_run(t);
	r = pmtrace_writer_close(t->w);

	free(t);
	return r;
}

struct stats_file {
	const struct trace_out *t;
	const char *trace_path;
	bool started;
};

static void fill_stats(struct dx_json *j, const void *arg)
{
	const struct stats_file *sf = arg;
	const struct trace_stats *s = &sf->t->st;

	dx_json_obj_begin(j, NULL);
	dx_json_str(j, "trace", sf->trace_path);
	dx_json_str(j, "reason", sf->t->reason[0] ? sf->t->reason : NULL);
	dx_json_bool(j, "started", sf->started);
	dx_json_bool(j, "partial", s->partial);
	dx_json_u64(j, "stores", s->stores);
	dx_json_u64(j, "stores_pmem", s->stores_pmem);
	dx_json_u64(j, "ntstores_pmem", s->ntstores_pmem);
	dx_json_u64(j, "store_bytes_pmem", s->store_bytes_pmem);
	dx_json_u64(j, "flushes", s->flushes);
	dx_json_u64(j, "flushes_resolved", s->flushes_resolved);
	dx_json_u64(j, "flushes_unresolved", s->flushes_unresolved);
	dx_json_u64(j, "flushes_pmem", s->flushes_pmem);
	dx_json_u64(j, "fences", s->fences);
	dx_json_u64(j, "fences_written", s->fences_written);
	dx_json_u64(j, "marks", s->marks);
	dx_json_u64(j, "trace_bytes", s->bytes);
	dx_json_obj_end(j);
}

int trace_out_write_stats(const struct trace_out *t, const char *path,
			  const char *trace_path, bool started, char *err,
			  size_t errlen)
{
	struct stats_file sf = { t, trace_path, started };
	char why[512];

	if (!dx_json_write_file(path, fill_stats, &sf, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "stats=%s", why);
	return -1;
}
