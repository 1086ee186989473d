// SPDX-License-Identifier: MIT
/*
 * The crash-time options of one cache line. Pending pieces fall into
 * groups, each a list of stores in program order:
 *   - cached pieces: one group per line (strict Px86), or one per 8-byte
 *     word with opts.per_word;
 *   - NT pieces: one group per word (NT stores are unordered among
 *     themselves, but stores to the same word keep their order).
 * What persists of a group is a prefix of its stores plus any part of the
 * next one: the pieces of one store (an SSE/AVX store, a rep movs chunk:
 * up to 8 on a line) are unordered among themselves. So a group option is
 * (p, m): its first p pieces, and the pieces p + b of the store starting
 * at p for every bit b of m (m is never the whole store: that is the next
 * prefix). A line option picks one per group. A persisted NT piece needs
 * every older cached piece of its line persisted (it evicts the line).
 */
#include <stdlib.h>

#include "sim.h"

#define MAX_GROUPS 16

/* One option of a group: prefix p, mask m over the c pieces from p. */
struct gopt {
	uint16_t p;
	uint8_t m, c;
};

struct groups {
	uint32_t n;
	uint32_t size[MAX_GROUPS];
	bool nt[MAX_GROUPS];
	/* seq of each group's pieces, in order (pointers into a scratch) */
	uint32_t *seq[MAX_GROUPS];
	/* piece index (into the line) of each group position */
	uint32_t *piece[MAX_GROUPS];
	uint32_t nopt[MAX_GROUPS];
	struct gopt *opt[MAX_GROUPS];
	bool capped;		/* a group has more options than were listed */
};

static int reserve(struct lopts *o, uint32_t need, uint32_t ngroups)
{
	if (need <= o->cap && ngroups == o->ngroups)
		return 0;
	if (need > o->cap || ngroups > o->ngroups) {
		uint32_t cap = need > o->cap ? need : o->cap;
		void *c = realloc(o->content, (size_t)cap * LINE_SIZE);

		if (!c)
			return -1;
		o->content = c;
		if (!(c = realloc(o->hash, cap * sizeof(*o->hash))))
			return -1;
		o->hash = c;
		if (!(c = realloc(o->maxseq, cap * sizeof(*o->maxseq))))
			return -1;
		o->maxseq = c;
		if (!(c = realloc(o->lostmin, cap * sizeof(*o->lostmin))))
			return -1;
		o->lostmin = c;
		if (!(c = realloc(o->choice, (size_t)cap * MAX_GROUPS * sizeof(*o->choice))))
			return -1;
		o->choice = c;
		if (!(c = realloc(o->cmask, (size_t)cap * MAX_GROUPS * sizeof(*o->cmask))))
			return -1;
		o->cmask = c;
		o->cap = cap;
	}
	o->ngroups = ngroups;
	return 0;
}

/* Pieces of the store at position s of group k (same seq, consecutive). */
static uint32_t run_len(const struct groups *g, uint32_t k, uint32_t s)
{
	uint32_t e = s + 1;

	while (e < g->size[k] && g->seq[k][e] == g->seq[k][s])
		e++;
	return e - s;
}

/* Assign pieces to groups; returns -1 if the line needs too many groups. */
static int make_groups(struct sim *s, struct line *l, struct groups *g,
		       uint32_t *scratch)
{
	int cache_group[8], nt_group[8];
	uint32_t at = 0;

	for (int w = 0; w < 8; w++)
		cache_group[w] = nt_group[w] = -1;
	g->n = 0;
	/* First pass: group ids and sizes. */
	for (uint32_t i = 0; i < l->np; i++) {
		const struct piece *p = &l->p[i];
		int *slot = p->nt ? &nt_group[p->word] :
			s->o->per_word ? &cache_group[p->word] : &cache_group[0];

		if (*slot < 0) {
			if (g->n == MAX_GROUPS)
				return -1;
			*slot = (int)g->n;
			g->nt[g->n] = p->nt;
			g->size[g->n++] = 0;
		}
		l->o.group[i] = (uint8_t)*slot;
		l->o.pos[i] = (uint16_t)g->size[*slot]++;
	}
	for (uint32_t k = 0; k < g->n; k++) {
		g->seq[k] = scratch + at;
		g->piece[k] = scratch + l->np + at;
		at += g->size[k];
	}
	for (uint32_t i = 0; i < l->np; i++) {
		g->seq[l->o.group[i]][l->o.pos[i]] = l->p[i].seq;
		g->piece[l->o.group[i]][l->o.pos[i]] = i;
	}
	return 0;
}

/* Options of each group, at most `limit` each (g->capped if cut). */
static int group_options(struct groups *g, uint32_t limit)
{
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t n = 1;
		struct gopt *o;

		for (uint32_t s = 0; s < g->size[k] && n < limit;) {
			uint32_t c = run_len(g, k, s);

			n += (1u << c) - 1;
			s += c;
		}
		o = malloc((size_t)(n < limit ? n : limit) * sizeof(*o));
		if (!o)
			return -1;
		n = 0;
		g->opt[k] = o;
		for (uint32_t s = 0; s < g->size[k] && n < limit;) {
			uint32_t c = run_len(g, k, s);

			/* a store has at most one piece per word of the line */
			for (uint32_t m = 0; m + 1 < (1u << c) && n < limit; m++)
				o[n++] = (struct gopt){ (uint16_t)s, (uint8_t)m, (uint8_t)c };
			s += c;
		}
		if (n < limit)
			o[n++] = (struct gopt){ (uint16_t)g->size[k], 0, 0 };
		else
			g->capped = true;
		g->nopt[k] = n;
	}
	return 0;
}

/* Newest persisted seq of group k under option o, 0 if none. */
static uint32_t newest(const struct groups *g, uint32_t k, const struct gopt *o)
{
	if (o->m)
		return g->seq[k][o->p];
	return o->p ? g->seq[k][o->p - 1] : 0;
}

/* Oldest lost seq of group k under option o, UINT32_MAX if none. */
static uint32_t oldest_lost(const struct groups *g, uint32_t k,
			    const struct gopt *o)
{
	return o->p < g->size[k] ? g->seq[k][o->p] : UINT32_MAX;
}

/* Does choice c (an option index per group) keep the NT eviction rule? */
static bool valid(const struct groups *g, const uint32_t *c)
{
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t y;

		if (!g->nt[k])
			continue;
		y = newest(g, k, &g->opt[k][c[k]]);
		if (!y)
			continue;
		for (uint32_t j = 0; j < g->n; j++)
			if (!g->nt[j] && oldest_lost(g, j, &g->opt[j][c[j]]) < y)
				return false;
	}
	return true;
}

static void fill(struct line *l, const struct groups *g, const uint32_t *c,
		 uint32_t k)
{
	struct lopts *o = &l->o;
	unsigned char *dst = o->content + (size_t)k * LINE_SIZE;
	uint32_t maxseq = 0, lostmin = UINT32_MAX;

	memcpy(dst, l->mem, LINE_SIZE);
	for (uint32_t j = 0; j < g->n; j++) {
		const struct gopt *go = &g->opt[j][c[j]];
		uint32_t y = newest(g, j, go);

		for (uint32_t i = 0; i < go->p; i++)
			piece_apply(&l->p[g->piece[j][i]], dst);
		for (uint32_t b = 0; b < go->c; b++)
			if (go->m >> b & 1)
				piece_apply(&l->p[g->piece[j][go->p + b]], dst);
		if (y > maxseq)
			maxseq = y;
		if (!g->nt[j] && oldest_lost(g, j, go) < lostmin)
			lostmin = oldest_lost(g, j, go);
		o->choice[(size_t)k * g->n + j] = go->p;
		o->cmask[(size_t)k * g->n + j] = go->m;
	}
	o->hash[k] = line_hash(l->addr, dst);
	o->maxseq[k] = maxseq;
	o->lostmin[k] = lostmin;
}

/*
 * One group (the usual case): the options of each store are built on the
 * prefix before it, so the line costs O(options) copies, not
 * O(options * pieces).
 */
static void fill_one_group(struct line *l, const struct groups *g)
{
	struct lopts *o = &l->o;
	unsigned char base[LINE_SIZE];

	memcpy(base, l->mem, LINE_SIZE);
	for (uint32_t k = 0; k < g->nopt[0]; k++) {
		const struct gopt *go = &g->opt[0][k];
		unsigned char *dst = o->content + (size_t)k * LINE_SIZE;

		/* entering a new store: the previous one is now in the prefix */
		if (k && go->p != g->opt[0][k - 1].p)
			for (uint32_t i = g->opt[0][k - 1].p; i < go->p; i++)
				piece_apply(&l->p[g->piece[0][i]], base);
		memcpy(dst, base, LINE_SIZE);
		for (uint32_t b = 0; b < go->c; b++)
			if (go->m >> b & 1)
				piece_apply(&l->p[g->piece[0][go->p + b]], dst);
		o->hash[k] = line_hash(l->addr, dst);
		o->maxseq[k] = newest(g, 0, go);
		o->lostmin[k] = g->nt[0] ? UINT32_MAX : oldest_lost(g, 0, go);
		o->choice[k] = go->p;
		o->cmask[k] = go->m;
	}
	o->n = g->nopt[0];
}

int pms_line_options(struct sim *s, struct line *l)
{
	struct lopts *o = &l->o;
	uint32_t c[MAX_GROUPS] = { 0 };
	uint32_t *scratch;
	struct groups g = { .n = 0 };
	uint64_t total = 1;
	uint32_t k = 0;
	int r = 0;

	if (l->opts_valid)
		return 0;
	if (l->np > UINT16_MAX)
		return pmsim_seterr("line 0x%llx has more than %u pending pieces",
				    (unsigned long long)l->addr, UINT16_MAX);
	if (l->np > o->pcap) {
		void *a = realloc(o->group, l->np * sizeof(*o->group));

		if (!a)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		o->group = a;
		a = realloc(o->pos, l->np * sizeof(*o->pos));
		if (!a)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		o->pos = a;
		o->pcap = l->np;
	}
	scratch = malloc((l->np ? 2 * (size_t)l->np : 1) * sizeof(*scratch));
	if (!scratch)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (make_groups(s, l, &g, scratch)) {
		free(scratch);
		return pmsim_seterr("line 0x%llx: too many piece groups",
				    (unsigned long long)l->addr);
	}
	if (group_options(&g, MAX_LINE_OPTIONS)) {
		r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		goto out;
	}
	for (uint32_t j = 0; j < g.n && total <= MAX_LINE_OPTIONS; j++)
		total *= g.nopt[j];
	o->truncated = g.capped || total > MAX_LINE_OPTIONS;
	if (reserve(o, o->truncated ? MAX_LINE_OPTIONS : (uint32_t)total, g.n)) {
		r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		goto out;
	}
	if (g.n == 1) {
		fill_one_group(l, &g);
		l->opts_valid = true;
		goto out;
	}
	/* Odometer over the groups' options; option 0 persists nothing. */
	for (;;) {
		uint32_t j;

		if (valid(&g, c)) {
			if (k == MAX_LINE_OPTIONS) {
				o->truncated = true;
				break;
			}
			fill(l, &g, c, k++);
		}
		for (j = 0; j < g.n; j++) {
			if (c[j] + 1 < g.nopt[j]) {
				c[j]++;
				break;
			}
			c[j] = 0;
		}
		if (j == g.n)
			break;
	}
	o->n = k;
	l->opts_valid = true;
out:
	for (uint32_t j = 0; j < g.n; j++)
		free(g.opt[j]);
	free(scratch);
	return r;
}
