/* Monotonic nanosecond clock shared by every measurement. */
#ifndef DAXWL_CLOCK_H
#define DAXWL_CLOCK_H
#include <stdint.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Cost of one now_ns() call, so readers can judge per-op timing overhead. */
uint64_t clock_overhead_ns(void);

#endif
