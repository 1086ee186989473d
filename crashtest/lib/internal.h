/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by libpmsim's source files. */
#ifndef PMSIM_INTERNAL_H
#define PMSIM_INTERNAL_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "pmsim.h"

/* xxhash's XXH3, compiled in: the 64-byte line hash is on the hot path. */
#define XXH_INLINE_ALL
#include <xxhash.h>

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
	size_t nreg, regcap;
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

/*
 * Image keys are 128-bit: the key of an image is the sum, lane by lane
 * (mod 2^64 each), of the XXH3-128 hashes of its lines that differ from
 * the initial image, so one changed line updates it in O(1). Two images
 * share a key by chance with probability about 2^-128 per pair, so
 * de-duplication cannot hide an unchecked state in practice.
 */
struct pms_key {
	uint64_t hi, lo;
};

static inline struct pms_key line_hash(uint64_t addr, const unsigned char *p)
{
	XXH128_hash_t h = XXH3_128bits_withSeed(p, LINE_SIZE, addr);

	return (struct pms_key){ h.high64, h.low64 };
}

/* *k += to - from */
static inline void pms_key_move(struct pms_key *k, struct pms_key from,
				struct pms_key to)
{
	k->hi += to.hi - from.hi;
	k->lo += to.lo - from.lo;
}

static inline struct pms_key pms_key_add(struct pms_key a, struct pms_key b)
{
	return (struct pms_key){ a.hi + b.hi, a.lo + b.lo };
}

/* No message (before a checker, which may leave one); is there one? */
void pms_errclear(void);
bool pms_errset(void);

#endif
