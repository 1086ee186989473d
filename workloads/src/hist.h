/*
 * Log-bucketed latency histogram. Values below 128 have exact buckets;
 * above that each power of two is split into 64 buckets, so a reported
 * percentile is at most 1/64 (1.6 %) above the true value. Count, sum,
 * min and max are exact.
 */
#ifndef DAXWL_HIST_H
#define DAXWL_HIST_H
#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_EXACT (1u << (HIST_SUB_BITS + 1))		/* 128 */
#define HIST_SUB (1u << HIST_SUB_BITS)			/* 64 */
#define HIST_BUCKETS (HIST_EXACT + (64 - HIST_SUB_BITS - 1) * HIST_SUB)

struct hist {
	uint64_t count, sum, min, max;
	uint64_t b[HIST_BUCKETS];
};

void hist_init(struct hist *h);
void hist_add(struct hist *h, uint64_t v);
void hist_merge(struct hist *dst, const struct hist *src);
unsigned hist_index(uint64_t v);
uint64_t hist_bucket_low(unsigned i);
uint64_t hist_bucket_high(unsigned i);
/*
 * Nearest-rank percentile, p in (0, 100]: the highest value equivalent to
 * the bucket holding the sample of rank ceil(p/100 * count), clamped to
 * [min, max]. Returns 0 for an empty histogram.
 */
uint64_t hist_percentile(const struct hist *h, double p);
double hist_mean(const struct hist *h);

#endif
