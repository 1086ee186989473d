// SPDX-License-Identifier: MIT
/* Option defaults and the parsers for --mode and --crash-points. */
#include "daxlab/num.h"

#include "internal.h"

void pmsim_opts_default(struct pmsim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->points = PMSIM_AT_FENCE;
	o->mode = PMSIM_EXHAUSTIVE;
	o->max_reports = 10;
	o->stop_event = UINT64_MAX;
}

/* K of bounded:K or N of random:N: common's strict rules. */
static int parse_count(const char *s, uint64_t min, uint64_t *v)
{
	return dx_parse_u64(s, min, UINT64_MAX, v, NULL, NULL, 0);
}

int pmsim_parse_mode(struct pmsim_opts *o, const char *s)
{
	if (strcmp(s, "exhaustive") == 0) {
		o->mode = PMSIM_EXHAUSTIVE;
		return 0;
	}
	if (strcmp(s, "durable") == 0) {
		o->mode = PMSIM_BOUNDED;
		o->mode_arg = 0;
		return 0;
	}
	if (strncmp(s, "bounded:", 8) == 0) {
		o->mode = PMSIM_BOUNDED;
		/* bounded:0 is "durable" */
		if (parse_count(s + 8, 0, &o->mode_arg))
			return pmsim_seterr_kind(PMSIM_ERR_INPUT, "bad mode \"%s\": K in bounded:K must be "
						 "a number (decimal or 0x hex)", s);
		return 0;
	}
	if (strncmp(s, "random:", 7) == 0) {
		o->mode = PMSIM_RANDOM;
		if (parse_count(s + 7, 1, &o->mode_arg))
			return pmsim_seterr_kind(PMSIM_ERR_INPUT, "bad mode \"%s\": N in random:N must be "
						 "a positive number (decimal or 0x hex)", s);
		return 0;
	}
	return pmsim_seterr_kind(PMSIM_ERR_INPUT,
				 "unknown mode \"%s\" (exhaustive, bounded:K, durable, random:N)", s);
}

int pmsim_parse_points(struct pmsim_opts *o, const char *s)
{
	if (strcmp(s, "fence") == 0)
		o->points = PMSIM_AT_FENCE;
	else if (strcmp(s, "event") == 0)
		o->points = PMSIM_AT_EVENT;
	else if (strcmp(s, "mark") == 0)
		o->points = PMSIM_AT_MARK;
	else
		return pmsim_seterr_kind(PMSIM_ERR_INPUT,
					 "unknown crash points \"%s\" (fence, event, mark)", s);
	return 0;
}
