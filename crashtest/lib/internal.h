/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by libpmsim's source files. */
#ifndef PMSIM_INTERNAL_H
#define PMSIM_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pmsim.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libpmsim reads little-endian traces on a little-endian host"
#endif

#define LINE_SIZE 64u
#define LINE_MASK (~(uint64_t)(LINE_SIZE - 1))

static inline uint64_t rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

struct pmsim_trace {
	struct pmsim_event *ev;
	size_t nev, evcap;
	struct pmsim_region *reg;
	size_t nreg;
	struct pmsim_mark *marks;
	size_t nmarks, mcap;
	unsigned char *data;	/* the trace bytes (binary) or payload arena */
	size_t len, cap;
	bool mapped;		/* data is an mmap of the file */
	bool text;
	bool stored;		/* a STORE/NTSTORE was seen (IMAGE must precede) */
	unsigned flags;
	size_t last_region;	/* lookup cache while parsing */
	char *path, *dir;
	char **names;		/* owned strings of text traces */
	size_t nnames;
};

/* Validate one parsed event and append it. where() formats the location. */
int pms_trace_add(struct pmsim_trace *t, struct pmsim_event *e);
/* Location prefix for errors about event e ("offset 0x.. (event N)"). */
void pms_trace_where(const struct pmsim_trace *t, const struct pmsim_event *e,
		 char *buf, size_t size);
int pms_trace_parse_binary(struct pmsim_trace *t);
int pms_trace_parse_text(struct pmsim_trace *t, const char *text, size_t len);
struct pmsim_trace *pms_trace_alloc(const char *path, const char *dir,
				unsigned flags);
/* Region index containing [addr, addr+len), or -1. */
int pms_trace_find_region(const struct pmsim_trace *t, uint64_t addr, uint64_t len,
		      size_t *hint);
/* Resolve an IMAGE kind 1 path against the trace directory (malloc'd). */
char *pms_trace_image_path(const struct pmsim_trace *t, const char *p);

/* 64-bit line hash used for image keys. */
static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t line_hash(uint64_t addr, const unsigned char *p)
{
	uint64_t h = mix64(addr ^ 0x9e3779b97f4a7c15ull);

	for (unsigned i = 0; i < LINE_SIZE; i += 8)
		h = (h ^ rd64(p + i)) * 0x100000001b3ull + (h >> 29);
	return mix64(h);
}

#endif
