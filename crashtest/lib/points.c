// SPDX-License-Identifier: MIT
/*
 * Crash points: the one definition of where pmsim_run crashes, their
 * count, and the even sampling of max_points. pmsim_run, pmsim stats and
 * library users (ctoracle's budget) all count with these functions.
 */
#include "points.h"

/* Is "before event p" (p == n: the end) a crash point? A locked RMW or
 * xchg (STORE + FENCE) is one instruction: its point is before the STORE,
 * and there is none inside it. */
bool pms_is_point(const struct pmsim_trace *t, enum pmsim_crash_points k,
		  size_t p, size_t n)
{
	switch (k) {
	case PMSIM_AT_FENCE:
		if (p == n)
			return true;
		if (p + 1 < n && rmw_pair_fence(t, p + 1))
			return true;
		return t->ev[p].type == PMTRACE_FENCE &&
		       t->ev[p].kind != PMTRACE_FENCE_LFENCE && !rmw_pair_fence(t, p);
	case PMSIM_AT_EVENT:
		return p > 0 && !rmw_pair_fence(t, p);
	case PMSIM_AT_MARK:
		return p > 0 && t->ev[p - 1].type == PMTRACE_MARK &&
		       !pmtrace_is_drain_label((const char *)t->ev[p - 1].payload);
	}
	return false;
}

size_t pms_nevents(const struct pmsim_trace *t, const struct pmsim_opts *o)
{
	return o->stop_event < t->nev ? (size_t)o->stop_event : t->nev;
}

int pms_check_opts(const struct pmsim_opts *o)
{
	if (o->mode > PMSIM_RANDOM || o->points > PMSIM_AT_MARK)
		return pmsim_seterr("invalid options: mode %d, crash points %d",
				    (int)o->mode, (int)o->points);
	return 0;
}

uint64_t pms_points_total(const struct pmsim_trace *t,
			  const struct pmsim_opts *o)
{
	size_t n = pms_nevents(t, o);
	uint64_t c = 0;

	for (size_t p = 0; p <= n; p++)
		c += pms_is_point(t, o->points, p, n);
	return c;
}

int pmsim_count_points(const struct pmsim_trace *t, const struct pmsim_opts *o,
		       uint64_t *n)
{
	uint64_t total;

	if (pms_check_opts(o))
		return -1;
	total = pms_points_total(t, o);
	*n = o->max_points && o->max_points < total ? o->max_points : total;
	return 0;
}

/*
 * Point i (0-based) of total is sampled when floor((i+1)*want/total) >
 * floor(i*want/total): that picks point ceil(j*total/want)-1 for j = 1..want,
 * evenly spread, the last point always among them. 128-bit products: the
 * counts are 64-bit.
 */
bool pms_sampled(uint64_t i, uint64_t total, uint64_t want)
{
	unsigned __int128 a, b;

	if (!want || want >= total)
		return true;
	a = (unsigned __int128)(i + 1) * want / total;
	b = (unsigned __int128)i * want / total;
	return a > b;
}
