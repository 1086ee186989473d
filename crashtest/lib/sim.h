/* SPDX-License-Identifier: MIT */
/*
 * The persistency model's state while a trace is replayed, and the engine
 * that turns one crash point into crash images.
 *
 * Every store is cut into pieces: the bytes of one aligned 8-byte word
 * (atomic). Pieces not yet durable sit in their cache line's list in
 * program order. The region buffers (img) always hold the durable content
 * outside of an enumeration; during one they hold the current crash image.
 */
#ifndef PMSIM_SIM_H
#define PMSIM_SIM_H

#include "internal.h"

struct piece {
	uint32_t seq;		/* event index + 1: program order */
	uint8_t off, n;		/* bytes [off, off+n) of the line */
	uint8_t nt;		/* non-temporal store */
	uint8_t word;		/* off / 8 */
	const unsigned char *src;
};

/* The crash-time choices of one line: each is a persisted subset. */
struct lopts {
	uint32_t n, cap;	/* options */
	uint32_t ngroups;
	bool truncated;		/* more options exist than were generated */
	unsigned char *content;	/* n * 64 */
	struct pms_key *hash;	/* line_hash of each content */
	uint32_t *maxseq;	/* newest persisted piece, 0 if none */
	uint32_t *lostmin;	/* oldest lost cached piece, UINT32_MAX if none */
	uint16_t *choice;	/* n * ngroups: persisted prefix per group */
	uint8_t *cmask;		/* n * ngroups: persisted pieces of the store
				 * after the prefix (bit b: piece prefix + b) */
	uint8_t *group;		/* per piece: its group */
	uint16_t *pos;		/* per piece: its position in the group */
	uint32_t pcap;
};

struct line {
	uint64_t addr;
	unsigned char *mem;	/* the line in its region buffer */
	struct piece *p;
	uint32_t np, pcap;
	uint32_t flush_seq;	/* pending flush/NT eviction covers seq < this */
	int32_t dirty_pos;	/* index in sim.dirty, -1 if clean */
	bool flushed;		/* in sim.flushed */
	bool changed;		/* in sim.changed */
	bool opts_valid;
	struct pms_key hash_init;	/* line_hash of the initial content */
	struct pms_key hash_base;	/* line_hash of the durable content */
	struct lopts o;
};

struct clflush_dep {
	uint32_t line, seq;
};

struct sim {
	const struct pmsim_trace *t;
	const struct pmsim_opts *o;
	size_t last_region;		/* region lookup hint of the model */
	size_t image_region;		/* ... and of pmsim_image_ptr() */
	unsigned char **img;		/* per region: what the model writes */
	unsigned char **view;		/* per region: the checkers' view of img
					 * (pmsim_run; img itself without memfd) */
	int *memfd;			/* per region: backing of img, or -1 */
	struct line *lines;
	size_t nlines, lcap;
	uint32_t *ltab;			/* open addressing: line index + 1 */
	size_t ltab_size;
	uint32_t *dirty, *flushed, *changed;
	uint64_t *changed_addr;		/* addresses of the changed lines */
	size_t ndirty, nflushed, nchanged, dcap, fcap, ccap, cacap;
	bool all_changed;		/* the next checker sees every line */
	struct clflush_dep *clf;
	size_t nclf, clfcap;
	struct pms_key base_key;	/* sum of (hash_base - hash_init) */
	size_t nmarks;			/* marks executed so far */
	/* eADR: pieces since the last crash point, in program order */
	struct piece *ep;
	uint32_t *ep_line;
	size_t nep, epcap, elcap;
};

int pms_sim_init(struct sim *s, const struct pmsim_trace *t, const struct pmsim_opts *o);
void pms_sim_free(struct sim *s);
/*
 * Is event p the FENCE of a locked RMW or xchg whose STORE is event p-1?
 * The pair is one instruction: the fence takes effect before the store
 * becomes visible, and no crash falls between them. When both carry a pc
 * it must be the same instruction (a locked op on DRAM leaves a FENCE
 * alone, which may follow an unrelated store).
 */
static inline bool rmw_pair_fence(const struct pmsim_trace *t, size_t p)
{
	const struct pmsim_event *f, *st;

	if (p == 0 || p >= t->nev)
		return false;
	f = &t->ev[p];
	st = &t->ev[p - 1];
	return f->type == PMTRACE_FENCE && st->type == PMTRACE_STORE &&
	       (f->kind == PMTRACE_FENCE_RMW || f->kind == PMTRACE_FENCE_XCHG) &&
	       (!f->pc || !st->pc || f->pc == st->pc);
}

/* Apply event i to the model. */
int pms_sim_apply(struct sim *s, size_t i);
/* Record that a line's bytes in the image changed. */
void pms_sim_touch(struct sim *s, struct line *l);
/* Build the options of a dirty line (cached until the line changes). */
int pms_line_options(struct sim *s, struct line *l);
/* Index of the line at addr, creating it; -1 on error. */
int64_t pms_sim_line(struct sim *s, uint64_t addr);
/* Existing line or NULL. */
struct line *pms_sim_find_line(struct sim *s, uint64_t addr);
/* Written back and waiting for a fence: an NT piece, or a piece older
 * than the line's pending flush. The next fence makes it durable. */
static inline bool piece_written_back(const struct line *l,
				      const struct piece *p)
{
	return p->nt || p->seq < l->flush_seq;
}

/* Apply piece bytes to a line buffer. */
static inline void piece_apply(const struct piece *p, unsigned char *line)
{
	memcpy(line + p->off, p->src, p->n);
}

/* Does option opt of line l persist piece i? */
static inline bool pms_opt_persists(const struct line *l, uint32_t opt,
				    uint32_t i)
{
	size_t k = (size_t)opt * l->o.ngroups + l->o.group[i];
	uint32_t p = l->o.choice[k], pos = l->o.pos[i];

	return pos < p || (pos - p < 8 && (l->o.cmask[k] >> (pos - p) & 1));
}

#define MAX_LINE_OPTIONS 4096u

#endif
