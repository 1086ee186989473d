// SPDX-License-Identifier: MIT
/*
 * The crash-time options of one cache line. Pending pieces fall into
 * groups whose persisted part is a prefix in program order:
 *   - cached pieces: one group per line (strict Px86), or one per 8-byte
 *     word with opts.per_word;
 *   - NT pieces: one group per word (NT stores are unordered among
 *     themselves, but stores to the same word keep their order).
 * An option picks a prefix length per group. A persisted NT piece needs
 * every older cached piece of its line persisted (it evicts the line).
 */
#include <stdlib.h>

#include "sim.h"

#define MAX_GROUPS 16

struct groups {
	uint32_t n;
	uint32_t size[MAX_GROUPS];
	bool nt[MAX_GROUPS];
	/* seq of each group's pieces, in order (pointers into a scratch) */
	uint32_t *seq[MAX_GROUPS];
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
		o->cap = cap;
	}
	o->ngroups = ngroups;
	return 0;
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
		at += g->size[k];
	}
	for (uint32_t i = 0; i < l->np; i++)
		g->seq[l->o.group[i]][l->o.pos[i]] = l->p[i].seq;
	return 0;
}

/* Does choice c keep the NT eviction rule? */
static bool valid(const struct groups *g, const uint16_t *c)
{
	for (uint32_t k = 0; k < g->n; k++) {
		uint32_t y;

		if (!g->nt[k] || c[k] == 0)
			continue;
		y = g->seq[k][c[k] - 1];
		for (uint32_t j = 0; j < g->n; j++)
			if (!g->nt[j] && c[j] < g->size[j] && g->seq[j][c[j]] < y)
				return false;
	}
	return true;
}

static void fill(struct line *l, const struct groups *g, const uint16_t *c,
		 uint32_t k)
{
	struct lopts *o = &l->o;
	unsigned char *dst = o->content + (size_t)k * LINE_SIZE;
	uint32_t maxseq = 0, lostmin = UINT32_MAX;

	memcpy(dst, l->mem, LINE_SIZE);
	for (uint32_t i = 0; i < l->np; i++)
		if (o->pos[i] < c[o->group[i]]) {
			piece_apply(&l->p[i], dst);
			if (l->p[i].seq > maxseq)
				maxseq = l->p[i].seq;
		}
	for (uint32_t j = 0; j < g->n; j++)
		if (!g->nt[j] && c[j] < g->size[j] && g->seq[j][c[j]] < lostmin)
			lostmin = g->seq[j][c[j]];
	o->hash[k] = line_hash(l->addr, dst);
	o->maxseq[k] = maxseq;
	o->lostmin[k] = lostmin;
	memcpy(o->choice + (size_t)k * g->n, c, g->n * sizeof(*c));
}

int pms_line_options(struct sim *s, struct line *l)
{
	struct lopts *o = &l->o;
	uint16_t c[MAX_GROUPS] = { 0 };
	uint32_t *scratch;
	struct groups g;
	uint64_t total = 1;
	uint32_t k = 0;

	if (l->opts_valid)
		return 0;
	if (l->np > UINT16_MAX)
		return pmsim_seterr("line 0x%llx has more than %u pending pieces",
				    (unsigned long long)l->addr, UINT16_MAX);
	if (l->np > o->pcap) {
		void *a = realloc(o->group, l->np * sizeof(*o->group));

		if (!a)
			return pmsim_seterr("out of memory");
		o->group = a;
		a = realloc(o->pos, l->np * sizeof(*o->pos));
		if (!a)
			return pmsim_seterr("out of memory");
		o->pos = a;
		o->pcap = l->np;
	}
	scratch = malloc((l->np ? l->np : 1) * sizeof(*scratch));
	if (!scratch)
		return pmsim_seterr("out of memory");
	if (make_groups(s, l, &g, scratch)) {
		free(scratch);
		return pmsim_seterr("line 0x%llx: too many piece groups",
				    (unsigned long long)l->addr);
	}
	for (uint32_t j = 0; j < g.n && total <= MAX_LINE_OPTIONS; j++)
		total *= g.size[j] + 1u;
	o->truncated = total > MAX_LINE_OPTIONS;
	if (reserve(o, o->truncated ? MAX_LINE_OPTIONS : (uint32_t)total, g.n)) {
		free(scratch);
		return pmsim_seterr("out of memory");
	}
	/* One group (the usual case): option k is option k-1 plus one piece,
	 * so the line is built in O(pieces) instead of O(pieces^2). */
	if (g.n == 1 && !o->truncated) {
		for (k = 0; k <= g.size[0]; k++) {
			unsigned char *dst = o->content + (size_t)k * LINE_SIZE;

			if (k == 0) {
				memcpy(dst, l->mem, LINE_SIZE);
				o->maxseq[0] = 0;
			} else {
				memcpy(dst, dst - LINE_SIZE, LINE_SIZE);
				piece_apply(&l->p[k - 1], dst);
				o->maxseq[k] = l->p[k - 1].seq;
			}
			o->lostmin[k] = !g.nt[0] && k < g.size[0] ? l->p[k].seq : UINT32_MAX;
			o->hash[k] = line_hash(l->addr, dst);
			o->choice[k] = (uint16_t)k;
		}
		o->n = k;
		free(scratch);
		l->opts_valid = true;
		return 0;
	}
	/* Odometer over prefix lengths; option 0 persists nothing. */
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
			if (c[j] < g.size[j]) {
				c[j]++;
				break;
			}
			c[j] = 0;
		}
		if (j == g.n)
			break;
	}
	o->n = k;
	free(scratch);
	l->opts_valid = true;
	return 0;
}
