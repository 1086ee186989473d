// SPDX-License-Identifier: MIT
/* Bounded: at most k lines hold anything but their nothing-persisted
 * option (the k-line bound of Vinter). */
#include "engine.h"

static int walk(struct eng *e, size_t from, uint64_t depth)
{
	if (pms_eng_visit(e) == VISIT_STOP)
		return VISIT_STOP;
	if (depth == e->o->mode_arg)
		return VISIT_GO;
	for (size_t i = from; i < e->nd; i++) {
		for (uint32_t c = 1; c < e->dl[i]->o.n; c++) {
			eng_set(e, i, c);
			if (walk(e, i + 1, depth + 1) == VISIT_STOP)
				return VISIT_STOP;
		}
		eng_set(e, i, 0);
	}
	return VISIT_GO;
}

static int run_bounded(struct eng *e)
{
	walk(e, 0, 0);
	return 0;
}

const struct enum_ops pms_enum_bounded = {
	.name = "bounded",
	.run = run_bounded,
};
