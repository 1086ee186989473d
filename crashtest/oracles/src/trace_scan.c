/* SPDX-License-Identifier: MIT */
/* Base and final images, touched pages and noise statistics of a trace. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/mem.h"
#include "trace_scan.h"

#define LINE 64u

static int is_store(const struct pmsim_event *e)
{
	return e->type == PMTRACE_STORE || e->type == PMTRACE_NTSTORE;
}

int trace_scan(const struct pmsim_trace *t, struct trace_scan *s, char *err,
	       size_t errlen)
{
	const struct pmsim_region *r;
	size_t n = pmsim_trace_nevents(t), first = n, nlines;
	struct pmsim_opts o;
	unsigned char **data = NULL;
	uint64_t *last_wb;	/* per line: last event index writing it back */

	memset(s, 0, sizeof(*s));
	if (pmsim_trace_nregions(t) != 1) {
		snprintf(err, errlen, "the trace has %zu regions; one NVDIMM region is expected",
			 pmsim_trace_nregions(t));
		return -1;
	}
	r = pmsim_trace_region(t, 0);
	s->base_addr = r->base;
	s->size = r->size;
	for (size_t i = 0; i < n; i++)
		if (is_store(pmsim_trace_event(t, i))) {
			first = i;
			break;
		}
	pmsim_opts_default(&o);
	if (pmsim_build_image(t, &o, first, NULL, 0, &data)) {
		snprintf(err, errlen, "building the initial image: %s",
			 pmsim_errmsg());
		return -1;
	}
	s->t = t;
	s->data = data;
	s->base = data[0];
	nlines = (size_t)((s->size + LINE - 1) / LINE);
	/* Sparse like base: an image is mostly zeros, and page faults on a
	 * full copy cost more than the rest of the scan. */
	s->final = dx_big_alloc(s->size);
	s->touched = calloc((size_t)((s->size >> 12) / 8 + 1), 1);
	last_wb = calloc(nlines, sizeof(*last_wb));
	if (!s->final || !s->touched || !last_wb) {
		free(last_wb);
		trace_scan_free(s);
		snprintf(err, errlen, "out of memory for a %llu-byte region",
			 (unsigned long long)s->size);
		return -1;
	}
	dx_copy_nonzero(s->final, s->base, s->size);

	/* Forward: final image, touched pages, counts, last write-back. */
	for (size_t i = 0; i < n; i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		uint64_t off = e->addr - s->base_addr;

		switch (e->type) {
		case PMTRACE_STORE:
		case PMTRACE_NTSTORE:
			if (e->addr < s->base_addr || off + e->len > s->size)
				break;
			memcpy(s->final + off, e->payload, e->len);
			for (uint64_t p = off >> 12; p <= (off + e->len - 1) >> 12; p++)
				s->touched[p >> 3] |= (uint8_t)(1u << (p & 7));
			if (e->type == PMTRACE_STORE) {
				s->stores++;
				s->store_bytes += e->len;
			} else {
				s->ntstores++;
				s->ntstore_bytes += e->len;
				for (uint64_t l = off / LINE; l <= (off + e->len - 1) / LINE; l++)
					last_wb[l] = i + 1;
			}
			break;
		case PMTRACE_FLUSH:
			if (e->addr >= s->base_addr && off < s->size)
				last_wb[off / LINE] = i + 1;
			s->flushes++;
			break;
		case PMTRACE_FENCE:
			s->fences++;
			break;
		case PMTRACE_MARK:
			s->marks++;
			break;
		}
	}
	/* A cached store whose line is never written back after it. */
	for (size_t i = 0; i < n; i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		uint64_t off = e->addr - s->base_addr;
		int wb = 0;

		if (e->type != PMTRACE_STORE || e->addr < s->base_addr ||
		    off + e->len > s->size)
			continue;
		for (uint64_t l = off / LINE; l <= (off + e->len - 1) / LINE; l++)
			if (last_wb[l] > i)
				wb = 1;
		if (!wb) {
			s->noise_stores++;
			s->noise_bytes += e->len;
		}
	}
	free(last_wb);
	return 0;
}

void trace_scan_outside(const struct pmsim_trace *t, struct trace_scan *s,
			uint64_t lo, uint64_t hi)
{
	size_t n = pmsim_trace_nevents(t);

	s->outside_stores = 0;
	for (size_t i = 0; i < n; i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		uint64_t off = e->addr - s->base_addr;

		if (is_store(e) && (off < lo || off >= hi))
			s->outside_stores++;
	}
}

void trace_scan_free(struct trace_scan *s)
{
	if (s->data)
		pmsim_image_data_free(s->t, s->data);
	dx_big_free(s->final, s->size);
	free(s->touched);
	memset(s, 0, sizeof(*s));
}
