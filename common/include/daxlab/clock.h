/* SPDX-License-Identifier: MIT */
/* Clocks in nanoseconds: one definition for every measurement and timeout. */
#ifndef DAXLAB_CLOCK_H
#define DAXLAB_CLOCK_H

#include <stdint.h>
#include <time.h>

/* CLOCK_MONOTONIC: elapsed time, never stepped by NTP or the user. */
static inline uint64_t dx_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* CPU time this process has used (all threads). */
static inline uint64_t dx_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Seconds as a double, for messages and rates. */
static inline double dx_ns_to_s(uint64_t ns)
{
	return (double)ns / 1e9;
}

/*
 * Cost of one dx_now_ns() call: the minimum over a few batches, so a
 * reader can judge how much timing each operation adds.
 */
uint64_t dx_clock_overhead_ns(void);

#endif /* DAXLAB_CLOCK_H */
