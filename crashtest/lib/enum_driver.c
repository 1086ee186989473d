// SPDX-License-Identifier: MIT
/*
 * pmsim_run: replay the trace, stop at each crash point, and let the
 * enumeration mode walk the crash states there.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "daxlab/vec.h"
#include "engine.h"
#include "points.h"

static const struct enum_ops *const modes[] = {
	[PMSIM_EXHAUSTIVE] = &pms_enum_exhaustive,
	[PMSIM_BOUNDED] = &pms_enum_bounded,
	[PMSIM_RANDOM] = &pms_enum_random,
};

/* Marks executed before event p. */
static size_t marks_before(const struct pmsim_trace *t, uint64_t p)
{
	size_t lo = 0, hi = t->nmarks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->marks[mid].event < p)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The marks reached are part of a state's key ("marks" as the seed). */
static void set_marks(struct eng *e, size_t nmarks)
{
	uint64_t n = nmarks;
	XXH128_hash_t h = XXH3_128bits_withSeed(&n, sizeof(n), 0x6d61726bull);

	e->crash.nmarks = nmarks;
	e->mark_salt = (struct pms_key){ h.high64, h.low64 };
}

/* eADR: fold piece j of the window into the durable base. */
static void eadr_persist(struct sim *s, size_t j)
{
	struct line *l = &s->lines[s->ep_line[j]];
	struct pms_key h;

	piece_apply(&s->ep[j], l->mem);
	h = line_hash(l->addr, l->mem);
	pms_key_move(&s->base_key, l->hash_base, h);
	l->hash_base = h;
	pms_sim_touch(s, l);
}

/* Pieces of the store at window position j (same seq, consecutive). */
static size_t eadr_run(const struct sim *s, size_t j)
{
	size_t e = j + 1;

	while (e < s->nep && s->ep[e].seq == s->ep[j].seq)
		e++;
	return e - j;
}

/* Torn stores visited in eADR mode: subsets of at most this many pieces
 * (4095 states, as the option cap of a line). */
#define EADR_TORN_BITS 12

/*
 * eADR: the states where the store at window position j (c pieces) is
 * torn, every earlier one whole and no later one there: each non-empty
 * proper subset of its pieces, which are unordered. Lines are rebuilt
 * from their base content for every subset.
 */
static int eadr_torn(struct eng *e, size_t j, size_t c)
{
	struct sim *s = e->s;
	unsigned bits = c > EADR_TORN_BITS ? EADR_TORN_BITS : (unsigned)c;
	uint64_t end = (1ull << bits) - (c > EADR_TORN_BITS ? 0 : 1);
	unsigned char *save = malloc(c * LINE_SIZE);
	int r = VISIT_GO;

	if (!save) {
		e->err = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		e->stop = true;
		return VISIT_STOP;
	}
	if (c > EADR_TORN_BITS) {
		e->cut = true;
		if (!e->res->bounded) {
			e->res->bounded = 1;
			snprintf(e->res->bound_reason, sizeof(e->res->bound_reason),
				 "eADR: the store at event %u has %zu pieces; only %" PRIu64
				 " of its torn states were explored", s->ep[j].seq - 1, c,
				 end - 1);
		}
	}
	for (size_t b = 0; b < c; b++)
		memcpy(save + b * LINE_SIZE, s->lines[s->ep_line[j + b]].mem, LINE_SIZE);
	set_marks(e, marks_before(s->t, s->ep[j].seq - 1));
	e->eadr_j = j;
	for (uint64_t m = 1; m < end && r == VISIT_GO; m++) {
		e->key = s->base_key;
		for (size_t b = 0; b < c; b++)
			memcpy(s->lines[s->ep_line[j + b]].mem, save + b * LINE_SIZE, LINE_SIZE);
		for (size_t b = 0; b < bits; b++)
			if (m >> b & 1)
				piece_apply(&s->ep[j + b], s->lines[s->ep_line[j + b]].mem);
		for (size_t b = 0; b < c; b++) {
			struct line *l = &s->lines[s->ep_line[j + b]];

			if (b && s->ep_line[j + b] == s->ep_line[j + b - 1])
				continue;	/* one line, counted once */
			pms_key_move(&e->key, l->hash_base, line_hash(l->addr, l->mem));
			pms_sim_touch(s, l);
		}
		e->eadr_mask = m;
		r = pms_eng_visit(e);
	}
	for (size_t b = 0; b < c; b++) {
		memcpy(s->lines[s->ep_line[j + b]].mem, save + b * LINE_SIZE, LINE_SIZE);
		pms_sim_touch(s, &s->lines[s->ep_line[j + b]]);
	}
	e->eadr_mask = 0;
	free(save);
	return r;
}

/* eADR: every prefix of the window's stores, in program order, and every
 * torn state of each of them. The marks a state has reached are those
 * before the first piece it lacks. */
static void eadr_point(struct eng *e, size_t p)
{
	struct sim *s = e->s;

	e->eadr_j = 0;
	e->eadr_mask = 0;
	e->key = s->base_key;
	set_marks(e, s->nep ? marks_before(s->t, s->ep[0].seq - 1) : s->nmarks);
	/* With nothing persisted the image is the previous point's full one. */
	if ((e->point == 1 || s->nep == 0) && pms_eng_visit(e) == VISIT_STOP)
		return;
	for (size_t j = 0; j < s->nep;) {
		size_t c = eadr_run(s, j);

		if (c > 1 && eadr_torn(e, j, c) == VISIT_STOP)
			return;
		for (size_t k = j; k < j + c; k++)
			eadr_persist(s, k);
		j += c;
		e->key = s->base_key;
		e->eadr_j = j;
		set_marks(e, j < s->nep ?
			  marks_before(s->t, s->ep[j].seq - 1) : s->nmarks);
		if (pms_eng_visit(e) == VISIT_STOP)
			return;
	}
	/* the window's pieces are what reports of its states name */
	if (pms_eng_settle(e) == VISIT_STOP)
		return;
	s->nep = 0;
	e->eadr_from = p;
}

/* eADR, a crash point not sampled: its window becomes durable unvisited,
 * so the next visited point's window starts here. */
static void eadr_skip(struct eng *e, size_t p)
{
	struct sim *s = e->s;

	for (size_t j = 0; j < s->nep; j++)
		eadr_persist(s, j);
	s->nep = 0;
	e->eadr_from = p;
}

static int prepare(struct eng *e)
{
	struct sim *s = e->s;

	if (DX_RESERVE(e->dl, e->dlcap, s->ndirty) ||
	    DX_RESERVE(e->cur, e->curcap, s->ndirty))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	e->nd = s->ndirty;
	e->space = 1;
	for (size_t i = 0; i < e->nd; i++) {
		struct line *l = &s->lines[s->dirty[i]];

		if (pms_line_options(s, l))
			return -1;
		if (l->o.truncated) {
			e->cut = true;
			if (!e->res->bounded) {
				e->res->bounded = 1;
				snprintf(e->res->bound_reason, sizeof(e->res->bound_reason),
					 "line 0x%" PRIx64 " has more than %u crash options at event %"
					 PRIu64 "; only the first %u were explored",
					 l->addr, MAX_LINE_OPTIONS, e->crash.event,
					 MAX_LINE_OPTIONS);
			}
		}
		e->space = l->o.n && e->space > UINT64_MAX / l->o.n ?
			   UINT64_MAX : e->space * l->o.n;
		e->dl[i] = l;
		e->cur[i] = 0;
	}
	e->ndep = 0;
	for (size_t k = 0; k < s->nclf; k++) {
		const struct line *l = &s->lines[s->clf[k].line];

		if (l->dirty_pos < 0)
			continue;
		if (DX_RESERVE(e->dep, e->depcap, e->ndep + 1))
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		e->dep[e->ndep].di = (uint32_t)l->dirty_pos;
		e->dep[e->ndep++].seq = s->clf[k].seq;
	}
	return 0;
}

static int crash_point(struct eng *e, size_t p)
{
	const struct pmsim_trace *t = e->s->t;

	e->res->crash_points++;
	e->point++;
	e->cut = false;
	e->space = 0;
	e->point_explored0 = e->res->explored;
	e->crash.event = p;
	e->crash.offset = eng_offset(t, p);
	e->crash.marks = t->marks;
	if (e->o->dedup_per_point)
		pms_state_set_clear(&e->set);
	if (e->o->eadr) {
		eadr_point(e, p);
	} else {
		set_marks(e, e->s->nmarks);
		if (prepare(e))
			return -1;
		e->key = e->s->base_key;
		modes[e->o->mode]->run(e);
		for (size_t i = 0; i < e->nd; i++)
			eng_set(e, i, 0);	/* back to the durable image */
	}
	/* verdicts still to come, while the point's lines are as they were */
	pms_eng_settle(e);
	if (!e->err && !e->cut && !e->stop)
		e->res->points_checked++;
	return e->err;
}

/*
 * The checkers' views: a second, read-only, private mapping of each
 * region's memfd, guarded (image_guard.c). Without a memfd the checker
 * sees the model's memory itself.
 */
static int open_views(struct sim *s, struct eng *e)
{
	size_t n = s->t->nreg;

	s->view = calloc(n ? n : 1, sizeof(*s->view));
	e->guard = calloc(n ? n : 1, sizeof(*e->guard));
	if (!s->view || !e->guard)
		return -1;
	for (size_t i = 0; i < n; i++) {
		uint64_t size = s->t->reg[i].size;
		void *v = MAP_FAILED;

		if (s->memfd[i] >= 0)
			v = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_NORESERVE,
				 s->memfd[i], 0);
		if (v == MAP_FAILED) {
			s->view[i] = s->img[i];
			continue;
		}
		s->view[i] = v;
		pms_guard_on(&e->guard[i], v, size);
	}
	return 0;
}

static void close_views(struct sim *s, struct eng *e)
{
	for (size_t i = 0; e->guard && i < s->t->nreg; i++)
		pms_guard_off(&e->guard[i]);
	free(e->guard);
	e->guard = NULL;
}

int pmsim_run(const struct pmsim_trace *t, const struct pmsim_opts *o,
	      const struct pmsim_checker *chk, struct pmsim_result *res)
{
	struct sim s;
	struct eng e = { 0 };
	uint64_t pidx = 0;
	size_t n;
	int r = 0;

	memset(res, 0, sizeof(*res));
	e.t0_ns = dx_now_ns();
	if (pms_check_opts(o))
		return -1;
	if (!chk || !chk->check)
		return pmsim_seterr("no checker");
	if (t->nev >= UINT32_MAX - 1)
		return pmsim_seterr("%s: too many events (%zu)", t->path, t->nev);
	n = pms_nevents(t, o);
	res->points_total = pms_points_total(t, o);
	if (pms_sim_init(&s, t, o))
		return -1;
	e.chk = chk;
	e.o = o;
	if (pms_state_set_init(&e.set) || open_views(&s, &e) || pms_eng_later_init(&e)) {
		pms_eng_later_free(&e);
		close_views(&s, &e);
		pms_state_set_free(&e.set);
		pms_sim_free(&s);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	e.s = &s;
	e.res = res;
	e.nevents = n;
	e.points_visit = o->max_points && o->max_points < res->points_total ?
		o->max_points : res->points_total;
	if (o->progress && o->progress_ns)
		e.progress_at = e.t0_ns + o->progress_ns;
	e.img.s = &s;
	for (size_t i = 0; i <= n && !e.stop; i++) {
		if (pms_is_point(t, o->points, i, n)) {
			if (pms_sampled(pidx++, res->points_total, o->max_points)) {
				pms_eng_progress(&e);
				r = crash_point(&e, i);
				if (r || e.stop)
					break;
			} else if (o->eadr) {
				eadr_skip(&e, i);
			}
		}
		if (i < n && (r = pms_sim_apply(&s, i)))
			break;
		/* A drain mark is checked, not crashed at: its claim holds
		 * in every state or in none. */
		if (i < n && t->ev[i].type == PMTRACE_MARK && !o->eadr &&
		    pmtrace_is_drain_label((const char *)t->ev[i].payload) &&
		    (r = pms_eng_drain(&e, i + 1)))
			break;
	}
	res->seconds = dx_ns_to_s(dx_now_ns() - e.t0_ns);
	free(e.dl);
	free(e.cur);
	free(e.dep);
	pms_eng_later_free(&e);
	close_views(&s, &e);
	pms_state_set_free(&e.set);
	pms_sim_free(&s);
	return r ? -1 : 0;
}
