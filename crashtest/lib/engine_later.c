// SPDX-License-Identifier: MIT
/*
 * Verdicts that come later. A checker with a settle function (the
 * checker server) may return PMSIM_LATER from check: the state has been
 * sent and its verdict is read with the next ones, so the checker works
 * on a window of states while the model builds the next. The engine
 * keeps what a report of each such state needs (its crash point, key and
 * the options chosen) and settles them, oldest first, when the window is
 * full and before the crash point's lines change. Verdicts, counts and
 * reports are then those of checking one state at a time; with
 * --stop-on-violation the window is one state, so no state after the
 * violation is judged.
 */
#include <stdlib.h>
#include <string.h>

#include "daxlab/vec.h"
#include "engine.h"

int pms_eng_later_init(struct eng *e)
{
	const struct pmsim_checker *c = e->chk;

	if (!c->settle)
		return 0;
	e->window = e->o->stop_on_violation || c->window < 1 ? 1 : c->window;
	e->later = calloc(e->window, sizeof(*e->later));
	return e->later ? 0 : pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
}

void pms_eng_later_free(struct eng *e)
{
	for (size_t i = 0; e->later && i < e->window; i++)
		free(e->later[i].cur);
	free(e->later);
}

/* The verdict of the oldest waiting state, reported as if it were the
 * current one. */
static int settle_one(struct eng *e)
{
	struct eng_later *l = &e->later[e->later_head];
	struct eng_later now = { e->crash, e->key, e->mark_salt, e->eadr_j, e->eadr_mask,
				 e->cur, 0 };
	int r, v;

	pms_errclear();
	r = e->chk->settle(e->chk->arg);

	e->later_head = (e->later_head + 1) % e->window;
	e->nlater--;
	e->crash = l->crash;
	e->key = l->key;
	e->mark_salt = l->mark_salt;
	e->eadr_j = l->eadr_j;
	e->eadr_mask = l->eadr_mask;
	e->cur = l->cur;
	v = pms_eng_verdict(e, r);
	e->crash = now.crash;
	e->key = now.key;
	e->mark_salt = now.mark_salt;
	e->eadr_j = now.eadr_j;
	e->eadr_mask = now.eadr_mask;
	e->cur = now.cur;
	return v;
}

int pms_eng_later(struct eng *e)
{
	struct eng_later *l = &e->later[(e->later_head + e->nlater) % e->window];

	if (DX_RESERVE(l->cur, l->curcap, e->nd ? e->nd : 1)) {
		e->err = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		e->stop = true;
		return VISIT_STOP;
	}
	l->crash = e->crash;
	l->key = e->key;
	l->mark_salt = e->mark_salt;
	l->eadr_j = e->eadr_j;
	l->eadr_mask = e->eadr_mask;
	memcpy(l->cur, e->cur, e->nd * sizeof(*e->cur));
	e->nlater++;
	return e->nlater == e->window ? settle_one(e) : VISIT_GO;
}

int pms_eng_settle(struct eng *e)
{
	int r = VISIT_GO;

	/* after an error the rest is not asked for: the run is over */
	while (e->nlater && !e->err)
		r |= settle_one(e);
	e->nlater = 0;
	return r;
}
