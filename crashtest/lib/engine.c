// SPDX-License-Identifier: MIT
/* Judging one crash state: reachability, de-duplication, the checker. */
#include <inttypes.h>
#include <stdlib.h>

#include "engine.h"

/* The clflush rule: a store younger than clflush L persisted implies every
 * cached store to L older than the clflush persisted. */
static bool deps_ok(const struct eng *e)
{
	uint32_t maxseq = 0;

	for (size_t i = 0; i < e->nd; i++) {
		uint32_t m = e->dl[i]->o.maxseq[e->cur[i]];

		if (m > maxseq)
			maxseq = m;
	}
	for (size_t k = 0; k < e->ndep; k++) {
		const struct eng_dep *d = &e->dep[k];

		if (maxseq > d->seq &&
		    e->dl[d->di]->o.lostmin[e->cur[d->di]] < d->seq)
			return false;
	}
	return true;
}

static void clear_changed(struct sim *s)
{
	for (size_t i = 0; i < s->nchanged; i++)
		s->lines[s->changed[i]].changed = false;
	s->nchanged = 0;
	s->all_changed = false;
}

void pms_eng_progress_now(struct eng *e)
{
	uint64_t now = dx_now_ns();
	struct pmsim_progress p = {
		.points_done = e->res->crash_points - (e->point && !e->stop ? 1 : 0),
		.points = e->points_visit,
		.event = e->crash.event, .events = e->nevents,
		.explored = e->res->explored, .distinct = e->res->distinct,
		.violations = e->res->violations + e->res->drain_violations,
		.seconds = dx_ns_to_s(now - e->t0_ns),
	};

	e->o->progress(e->o->progress_arg, &p);
	e->progress_at = dx_now_ns() + e->o->progress_ns;
}

/* The checker wrote to the image: drop it, the next state is the model's. */
static bool undo_writes(struct eng *e)
{
	unsigned n = 0;

	for (size_t i = 0; e->guard && i < e->s->t->nreg; i++)
		n += pms_guard_undo(&e->guard[i]);
	return n != 0;
}

int pms_eng_visit(struct eng *e)
{
	struct pmsim_result *res = e->res;
	int r;

	if (e->ndep && !deps_ok(e))
		return VISIT_GO;	/* not a reachable state */
	if (e->o->max_states && res->explored >= e->o->max_states) {
		int len;

		res->bounded = 1;
		e->cut = true;
		len = snprintf(res->bound_reason, sizeof(res->bound_reason),
			       "stopped at --max-states %" PRIu64 " in crash point %" PRIu64
			       " (event %" PRIu64 ")", e->o->max_states, e->point,
			       e->crash.event);
		/* Exhaustive: the states of that point are known up front. */
		if (e->space && e->o->mode == PMSIM_EXHAUSTIVE && !e->o->eadr &&
		    len > 0 && (size_t)len < sizeof(res->bound_reason))
			snprintf(res->bound_reason + len,
				 sizeof(res->bound_reason) - (size_t)len,
				 " after %" PRIu64 " of at most %" PRIu64 " states there",
				 res->explored - e->point_explored0, e->space);
		e->stop = true;
		return VISIT_STOP;
	}
	/* the clock every 4096 states: cheap, and often enough */
	if (!(res->explored & 4095))
		pms_eng_progress(e);
	res->explored++;
	r = pms_state_set_insert(&e->set, pms_key_add(e->key, e->mark_salt));
	if (r < 0) {
		e->err = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory for the state set");
		e->stop = true;
		return VISIT_STOP;
	}
	if (r == 0)
		return VISIT_GO;
	e->crash.state = res->distinct++;
	pms_errclear();		/* what the checker leaves is its reason */
	r = e->chk->check(e->chk->arg, &e->img, &e->crash,
			  e->s->all_changed ? NULL : e->s->changed_addr,
			  e->s->all_changed ? SIZE_MAX : e->s->nchanged);
	clear_changed(e->s);
	if (undo_writes(e))
		res->checker_writes++;
	if (r == PMSIM_LATER && e->window)
		return pms_eng_later(e);
	return pms_eng_verdict(e, r == PMSIM_LATER ? -1 : r);
}

int pms_eng_verdict(struct eng *e, int r)
{
	if (r < 0) {
		e->err = -1;
		e->stop = true;
		return VISIT_STOP;
	}
	if (r > 0) {
		e->res->violations++;
		if (pms_eng_report(e)) {
			e->err = -1;
			e->stop = true;
			return VISIT_STOP;
		}
		if (e->o->stop_on_violation) {
			e->stop = true;
			return VISIT_STOP;
		}
	}
	return VISIT_GO;
}

const unsigned char *pmsim_image_ptr(const struct pmsim_image *img,
				     uint64_t addr, size_t len)
{
	struct sim *s = img->s;
	const struct pmsim_region *r;
	int ri;

	/* checkers call this per state: the last region first, inline */
	if (s->image_region < s->t->nreg) {
		r = &s->t->reg[s->image_region];
		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base))
			return s->view[s->image_region] + (addr - r->base);
	}
	ri = pms_trace_find_region(s->t, addr, len, &s->image_region);
	return ri < 0 ? NULL : s->view[ri] + (addr - s->t->reg[ri].base);
}

size_t pmsim_image_nregions(const struct pmsim_image *img)
{
	return img->s->t->nreg;
}

const struct pmsim_region *pmsim_image_region(const struct pmsim_image *img,
					      size_t i,
					      const unsigned char **data)
{
	if (i >= img->s->t->nreg)
		return NULL;
	if (data)
		*data = img->s->view[i];
	return &img->s->t->reg[i];
}
