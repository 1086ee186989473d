/* SPDX-License-Identifier: MIT */
/* Crash points: which events are followed by one, and sampling them. */
#ifndef PMSIM_POINTS_H
#define PMSIM_POINTS_H

#include "sim.h"

bool pms_is_point(const struct pmsim_trace *t, enum pmsim_crash_points k,
		  size_t p, size_t n);
/* Events simulated: [0, n) with n = min(events, stop_event). */
size_t pms_nevents(const struct pmsim_trace *t, const struct pmsim_opts *o);
/* Every crash point of the trace under o, before sampling. */
uint64_t pms_points_total(const struct pmsim_trace *t,
			  const struct pmsim_opts *o);
/* Is the i-th of total crash points visited when want are asked for? */
bool pms_sampled(uint64_t i, uint64_t total, uint64_t want);
/* Mode and crash-point kind are in range; else -1 with a message. */
int pms_check_opts(const struct pmsim_opts *o);

#endif
