// SPDX-License-Identifier: MIT
/* Binary pmtrace parser: header, then records validated one by one. */
#include <inttypes.h>
#include <stdlib.h>

#include "internal.h"

static int parse_header(struct pmsim_trace *t)
{
	const unsigned char *p = t->data;

	if (t->len < PMTRACE_HEADER_SIZE)
		return pmsim_seterr("%s: truncated file header (%zu of %u bytes)",
				    t->path, t->len, PMTRACE_HEADER_SIZE);
	if (memcmp(p, PMTRACE_MAGIC, PMTRACE_MAGIC_LEN))
		return pmsim_seterr("%s: offset 0x0: bad magic, not a pmtrace file", t->path);
	if (rd32(p + 8) != PMTRACE_VERSION)
		return pmsim_seterr("%s: offset 0x8: unsupported version %u (expected %u)",
				    t->path, rd32(p + 8), PMTRACE_VERSION);
	if (rd32(p + 12) != PMTRACE_HEADER_SIZE)
		return pmsim_seterr("%s: offset 0xc: header_size %u (expected %u)",
				    t->path, rd32(p + 12), PMTRACE_HEADER_SIZE);
	if (rd64(p + 16))
		return pmsim_seterr("%s: offset 0x10: unknown flags 0x%" PRIx64,
				    t->path, rd64(p + 16));
	if (rd64(p + 24))
		return pmsim_seterr("%s: offset 0x18: reserved field is not zero", t->path);
	return 0;
}

int pms_trace_parse_binary(struct pmsim_trace *t)
{
	const unsigned char *base = t->data;
	size_t off = PMTRACE_HEADER_SIZE, len = t->len;
	int r = parse_header(t);

	if (r)
		return r;
	/* Most records are small stores: reserve for that up front. */
	if (!t->evcap && len / 40 > 0) {
		t->evcap = len / 40;
		t->ev = malloc(t->evcap * sizeof(*t->ev));
		if (!t->ev)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", t->path);
	}
	while (off < len) {
		const unsigned char *h = base + off;
		struct pmsim_event e;
		uint64_t rec;

		if (len - off < PMTRACE_REC_SIZE)
			return pmsim_seterr("%s: offset 0x%zx (event %zu): truncated record header (%zu of %u bytes)",
					    t->path, off, t->nev, len - off, PMTRACE_REC_SIZE);
		e.type = h[0];
		e.kind = h[1];
		e.len = rd32(h + 4);
		e.addr = rd64(h + 8);
		e.pc = rd64(h + 16);
		e.offset = off;
		e.payload = h + PMTRACE_REC_SIZE;
		if (h[2] | h[3])
			return pmsim_seterr("%s: offset 0x%zx (event %zu): reserved field is not zero",
					    t->path, off, t->nev);
		rec = pmtrace_rec_bytes(e.len);
		if (rec > len - off)
			return pmsim_seterr("%s: offset 0x%zx (event %zu): truncated record: %" PRIu64
					    " bytes needed, %zu left",
					    t->path, off, t->nev, rec, len - off);
		for (uint64_t i = PMTRACE_REC_SIZE + e.len; i < rec; i++)
			if (h[i])
				return pmsim_seterr("%s: offset 0x%zx (event %zu): padding is not zero",
						    t->path, off, t->nev);
		r = pms_trace_add(t, &e);
		if (r)
			return r;
		off += rec;
	}
	return 0;
}
