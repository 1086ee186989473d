// SPDX-License-Identifier: MIT
/* Option defaults and the parsers for --mode and --crash-points. */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

void pmsim_opts_default(struct pmsim_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->points = PMSIM_AT_FENCE;
	o->mode = PMSIM_EXHAUSTIVE;
	o->max_reports = 10;
	o->stop_event = UINT64_MAX;
}

static int parse_count(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end || *v == 0 ? -1 : 0;
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
		/* bounded:0 is "durable": K = 0 is allowed here */
		if (strcmp(s + 8, "0") == 0) {
			o->mode_arg = 0;
			return 0;
		}
		if (parse_count(s + 8, &o->mode_arg))
			return pmsim_seterr("bad mode \"%s\": K in bounded:K must be a number", s);
		return 0;
	}
	if (strncmp(s, "random:", 7) == 0) {
		o->mode = PMSIM_RANDOM;
		if (parse_count(s + 7, &o->mode_arg))
			return pmsim_seterr("bad mode \"%s\": N in random:N must be a positive number", s);
		return 0;
	}
	return pmsim_seterr("unknown mode \"%s\" (exhaustive, bounded:K, durable, random:N)", s);
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
		return pmsim_seterr("unknown crash points \"%s\" (fence, event, mark)", s);
	return 0;
}
