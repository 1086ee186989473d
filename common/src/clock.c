// SPDX-License-Identifier: MIT
#include "daxlab/clock.h"

uint64_t dx_clock_overhead_ns(void)
{
	enum { N = 10000 };
	uint64_t best = UINT64_MAX;

	/* The floor is the figure wanted: preemption only adds. */
	for (int b = 0; b < 5; b++) {
		uint64_t t0 = dx_now_ns(), t = t0;

		for (int i = 0; i < N; i++)
			t = dx_now_ns();
		if ((t - t0) / N < best)
			best = (t - t0) / N;
	}
	return best;
}
