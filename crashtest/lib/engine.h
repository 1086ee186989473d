/* SPDX-License-Identifier: MIT */
/*
 * The crash-state engine: the enumeration modes pick an option per dirty
 * line (eng_set) and submit the resulting state (pms_eng_visit), which checks
 * the cross-line clflush rule, de-duplicates by image hash and calls the
 * checker. One ops table per mode, as with fio's ioengines.
 */
#ifndef PMSIM_ENGINE_H
#define PMSIM_ENGINE_H

#include "daxlab/clock.h"
#include "image_guard.h"
#include "sim.h"
#include "state_set.h"

struct pmsim_image {
	struct sim *s;
};

/* A clflush constraint restricted to this crash point's dirty lines. */
struct eng_dep {
	uint32_t di;		/* dirty index of the flushed line */
	uint32_t seq;
};

struct eng {
	struct sim *s;
	const struct pmsim_opts *o;
	const struct pmsim_checker *chk;
	struct pmsim_result *res;
	struct state_set set;
	struct pmsim_image img;
	struct pms_guard *guard;	/* per region, for in-process checkers */
	/* this crash point */
	size_t nd;
	struct line **dl;	/* dirty lines */
	uint32_t *cur;		/* chosen option per dirty line */
	size_t dlcap, curcap;
	size_t reportcap;	/* of res->reports */
	struct eng_dep *dep;
	size_t ndep, depcap;
	struct pms_key key;	/* base_key + option deltas */
	struct pms_key mark_salt;	/* the number of marks reached */
	struct pmsim_crash crash;
	uint64_t point;		/* crash points so far */
	uint64_t eadr_from;	/* eADR: first event of the window */
	size_t eadr_j;		/* eADR: pieces persisted in the window ... */
	uint64_t eadr_mask;	/* ... and bit b: piece eadr_j + b too */
	uint64_t t0_ns, progress_at;	/* run start; next progress call */
	uint64_t points_visit, nevents;	/* for progress */
	bool stop;		/* a bound or a violation ends the run */
	bool cut;		/* this point is not enumerated to the end */
	uint64_t space;		/* states at this point: product of option
				 * counts, saturated (0: not known) */
	uint64_t point_explored0;	/* res->explored when the point began */
	int err;
	/* states sent to a checker that answers later, oldest at head */
	struct eng_later *later;
	size_t window, nlater, later_head;
};

/* A state whose verdict comes later (PMSIM_LATER): what a report of it
 * needs once the checker has settled it (engine_later.c). */
struct eng_later {
	struct pmsim_crash crash;
	struct pms_key key, mark_salt;
	size_t eadr_j;
	uint64_t eadr_mask;
	uint32_t *cur;		/* the options of the crash point's lines */
	size_t curcap;
};

enum { VISIT_GO = 0, VISIT_STOP = 1 };

static inline void eng_set(struct eng *e, size_t i, uint32_t c)
{
	struct line *l = e->dl[i];
	uint32_t old = e->cur[i];

	if (c == old)
		return;
	memcpy(l->mem, l->o.content + (size_t)c * LINE_SIZE, LINE_SIZE);
	pms_key_move(&e->key, l->o.hash[old], l->o.hash[c]);
	e->cur[i] = c;
	pms_sim_touch(e->s, l);
}

/* Submit the current state; VISIT_STOP when the run must end. */
int pms_eng_visit(struct eng *e);

struct enum_ops {
	const char *name;
	/* Walk the states of one crash point (options are built). */
	int (*run)(struct eng *e);
};

extern const struct enum_ops pms_enum_exhaustive, pms_enum_bounded, pms_enum_random;

/* File offset (text: line) of event p, or just past the last event. */
static inline uint64_t eng_offset(const struct pmsim_trace *t, size_t p)
{
	if (p < t->nev)
		return t->ev[p].offset;
	if (t->text)
		return t->nev ? t->ev[t->nev - 1].offset + 1 : 1;
	return t->len;
}

void pms_eng_progress_now(struct eng *e);
/* Call the progress callback when it is due. */
static inline void pms_eng_progress(struct eng *e)
{
	if (e->progress_at && dx_now_ns() >= e->progress_at)
		pms_eng_progress_now(e);
}

/* Record a violation of the current state. */
int pms_eng_report(struct eng *e);
/* The checker's verdict on the current state: r from check (0, 1, < 0);
 * VISIT_STOP when the run must end. */
int pms_eng_verdict(struct eng *e, int r);
/* PMSIM_LATER: keep what the state's report needs; settle the oldest
 * when the window is full. */
int pms_eng_later(struct eng *e);
/* Settle every state still waiting for its verdict: before the crash
 * point's lines (or eADR window) change. VISIT_STOP on an error. */
int pms_eng_settle(struct eng *e);
int pms_eng_later_init(struct eng *e);
void pms_eng_later_free(struct eng *e);
/* Check the claim of the drain mark just applied (p: the event after it):
 * no written-back piece may still wait for a fence. */
int pms_eng_drain(struct eng *e, size_t p);

#endif
