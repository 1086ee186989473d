// SPDX-License-Identifier: MIT
/* Capturing a violation: the crash point and which pieces persisted. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/vec.h"
#include "engine.h"

static int cmp_piece(const void *a, const void *b)
{
	const struct pmsim_piece *x = a, *y = b;

	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static void to_piece(const struct pmsim_trace *t, uint64_t line,
		     const struct piece *p, struct pmsim_piece *out)
{
	const struct pmsim_event *ev = &t->ev[p->seq - 1];

	out->event = p->seq - 1;
	out->addr = line + p->off;
	out->off = (uint32_t)(out->addr - ev->addr);
	out->len = p->n;
}

static struct pmsim_violation *new_report(struct eng *e)
{
	struct pmsim_result *res = e->res;

	/* grow as violations come: max_reports may be large */
	if (DX_RESERVE(res->reports, e->reportcap, res->nreports + 1))
		return NULL;
	memset(&res->reports[res->nreports], 0, sizeof(res->reports[0]));
	return &res->reports[res->nreports];
}

int pms_eng_report(struct eng *e)
{
	struct pmsim_result *res = e->res;
	struct sim *s = e->s;
	struct pmsim_violation *v;
	size_t total = 0, np = 0, nl = 0;

	if (res->nreports >= e->o->max_reports)
		return 0;
	v = new_report(e);
	if (!v)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (e->o->eadr)
		total = s->nep;
	else
		for (size_t i = 0; i < e->nd; i++)
			total += e->dl[i]->np;
	v->persisted = malloc((total ? total : 1) * sizeof(*v->persisted));
	v->lost = malloc((total ? total : 1) * sizeof(*v->lost));
	if (!v->persisted || !v->lost) {
		free(v->persisted);
		free(v->lost);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	if (e->o->eadr) {
		for (size_t j = 0; j < s->nep; j++) {
			size_t b = j - e->eadr_j;
			bool in = j < e->eadr_j || (b < 64 && (e->eadr_mask >> b & 1));
			struct pmsim_piece *out = in ? &v->persisted[np++] : &v->lost[nl++];

			to_piece(s->t, s->lines[s->ep_line[j]].addr, &s->ep[j], out);
		}
	} else {
		for (size_t i = 0; i < e->nd; i++) {
			const struct line *l = e->dl[i];
			for (uint32_t k = 0; k < l->np; k++) {
				bool in = pms_opt_persists(l, e->cur[i], k);

				to_piece(s->t, l->addr, &l->p[k],
					 in ? &v->persisted[np++] : &v->lost[nl++]);
			}
		}
	}
	qsort(v->persisted, np, sizeof(*v->persisted), cmp_piece);
	qsort(v->lost, nl, sizeof(*v->lost), cmp_piece);
	v->npersisted = np;
	v->nlost = nl;
	v->crash = e->crash;
	{
		struct pms_key k = pms_key_add(e->key, e->mark_salt);

		v->key[0] = k.hi;
		v->key[1] = k.lo;
	}
	v->window = e->o->eadr ? e->eadr_from : 0;
	/* the checker's reason, if it left one (a failed strdup: none) */
	v->reason = pms_errset() ? strdup(pmsim_errmsg()) : NULL;
	res->nreports++;
	return 0;
}

int pms_eng_drain(struct eng *e, size_t p)
{
	struct pmsim_result *res = e->res;
	struct sim *s = e->s;
	const struct pmsim_trace *t = s->t;
	struct pmsim_violation *v;
	size_t total = 0, nl = 0;

	res->drains++;
	for (size_t i = 0; i < s->nflushed; i++) {
		const struct line *l = &s->lines[s->flushed[i]];

		for (uint32_t k = 0; k < l->np; k++)
			total += piece_written_back(l, &l->p[k]);
	}
	if (total == 0)
		return 0;
	res->drain_violations++;
	if (e->o->stop_on_violation)
		e->stop = true;
	if (res->nreports >= e->o->max_reports)
		return 0;
	v = new_report(e);
	if (!v)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	v->persisted = malloc(sizeof(*v->persisted));
	v->lost = malloc(total * sizeof(*v->lost));
	if (!v->persisted || !v->lost) {
		free(v->persisted);
		free(v->lost);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	for (size_t i = 0; i < s->nflushed; i++) {
		const struct line *l = &s->lines[s->flushed[i]];

		for (uint32_t k = 0; k < l->np; k++)
			if (piece_written_back(l, &l->p[k]))
				to_piece(t, l->addr, &l->p[k], &v->lost[nl++]);
	}
	qsort(v->lost, nl, sizeof(*v->lost), cmp_piece);
	v->nlost = nl;
	v->drain = 1;
	v->crash.event = p;
	v->crash.offset = eng_offset(t, p);
	v->crash.nmarks = s->nmarks;
	v->crash.marks = t->marks;
	v->key[0] = s->base_key.hi;
	v->key[1] = s->base_key.lo;
	res->nreports++;
	return 0;
}

void pmsim_result_free(struct pmsim_result *res)
{
	for (size_t i = 0; i < res->nreports; i++) {
		free(res->reports[i].persisted);
		free(res->reports[i].lost);
		free(res->reports[i].reason);
	}
	free(res->reports);
	res->reports = NULL;
	res->nreports = 0;
}
