// SPDX-License-Identifier: MIT
/* Random: n states per crash point, each line's option drawn uniformly;
 * reproducible from --seed and the crash point. */
#include <inttypes.h>

#include "daxlab/mix.h"
#include "daxlab/prng.h"
#include "engine.h"

static int run_random(struct eng *e)
{
	uint64_t x = dx_mix64(e->o->seed ^ dx_mix64(e->crash.event + 1)) | 1;
	uint64_t before = e->res->explored;
	uint64_t want = e->o->mode_arg;
	uint64_t cap = want > UINT64_MAX / 16 ? UINT64_MAX : 16 * want;
	uint64_t tries;

	/* One crash point with nothing dirty has a single state. */
	if (e->nd == 0) {
		pms_eng_visit(e);
		return 0;
	}
	for (tries = 0; e->res->explored - before < want && tries < cap; tries++) {
		for (size_t i = 0; i < e->nd; i++)
			eng_set(e, i, (uint32_t)(dx_xorshift64s(&x) % e->dl[i]->o.n));
		if (pms_eng_visit(e) == VISIT_STOP)
			return 0;
	}
	/* Most draws broke the clflush rule: fewer states than asked. */
	if (e->res->explored - before < want) {
		e->cut = true;
		if (!e->res->bounded) {
			e->res->bounded = 1;
			snprintf(e->res->bound_reason, sizeof(e->res->bound_reason),
				 "random: %" PRIu64 " of %" PRIu64 " reachable states drawn in %"
				 PRIu64 " tries at crash point %" PRIu64 " (event %" PRIu64 ")",
				 e->res->explored - before, want, tries, e->point,
				 e->crash.event);
		}
	}
	return 0;
}

const struct enum_ops pms_enum_random = {
	.name = "random",
	.run = run_random,
};
