// SPDX-License-Identifier: MIT
/* Every combination of line options: a mixed-radix counter, so most steps
 * change one line and the image is patched one line at a time. */
#include <stdlib.h>

#include "engine.h"

/* States the shadow counter runs ahead to prefetch de-dup slots: the set
 * is large and each insert would otherwise wait for memory. */
#define LOOKAHEAD 16

/* Step a counter (cur) and its image key; false after the last state. */
static bool step(const struct eng *e, uint32_t *cur, struct pms_key *key)
{
	for (size_t i = 0; i < e->nd; i++) {
		const struct lopts *o = &e->dl[i]->o;
		uint32_t c = cur[i];

		if (c + 1 < o->n) {
			pms_key_move(key, o->hash[c], o->hash[c + 1]);
			cur[i] = c + 1;
			return true;
		}
		pms_key_move(key, o->hash[c], o->hash[0]);
		cur[i] = 0;
	}
	return false;
}

static int run_exhaustive(struct eng *e)
{
	uint32_t *ahead = malloc((e->nd ? e->nd : 1) * sizeof(*ahead));
	struct pms_key kahead = e->key;
	bool more = ahead != NULL;

	if (ahead && e->nd)
		memcpy(ahead, e->cur, e->nd * sizeof(*ahead));
	for (int d = 0; d < LOOKAHEAD && more; d++) {
		pms_state_set_prefetch(&e->set, pms_key_add(kahead, e->mark_salt));
		more = step(e, ahead, &kahead);
	}
	for (;;) {
		size_t i;

		if (more) {
			pms_state_set_prefetch(&e->set, pms_key_add(kahead, e->mark_salt));
			more = step(e, ahead, &kahead);
		}
		if (pms_eng_visit(e) == VISIT_STOP)
			break;
		for (i = 0; i < e->nd; i++) {
			if (e->cur[i] + 1 < e->dl[i]->o.n) {
				eng_set(e, i, e->cur[i] + 1);
				break;
			}
			eng_set(e, i, 0);
		}
		if (i == e->nd)
			break;
	}
	free(ahead);
	return 0;
}

const struct enum_ops pms_enum_exhaustive = {
	.name = "exhaustive",
	.run = run_exhaustive,
};
