#include "hist.h"

#include <math.h>
#include <string.h>

void hist_init(struct hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

unsigned hist_index(uint64_t v)
{
	if (v < HIST_EXACT)
		return (unsigned)v;
	unsigned e = 63u - (unsigned)__builtin_clzll(v);
	unsigned shift = e - HIST_SUB_BITS;
	unsigned sub = (unsigned)(v >> shift);	/* in [64, 128) */

	return HIST_EXACT + (e - HIST_SUB_BITS - 1) * HIST_SUB + (sub - HIST_SUB);
}

uint64_t hist_bucket_low(unsigned i)
{
	if (i < HIST_EXACT)
		return i;
	unsigned g = (i - HIST_EXACT) / HIST_SUB;
	uint64_t sub = (i - HIST_EXACT) % HIST_SUB + HIST_SUB;

	return sub << (g + 1);
}

uint64_t hist_bucket_high(unsigned i)
{
	if (i < HIST_EXACT)
		return i;
	unsigned g = (i - HIST_EXACT) / HIST_SUB;

	return hist_bucket_low(i) + ((1ull << (g + 1)) - 1);
}

void hist_add(struct hist *h, uint64_t v)
{
	h->b[hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src->count)
		return;
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t hist_percentile(const struct hist *h, double p)
{
	if (!h->count)
		return 0;
	/* p * count first, and a small slack, so 99.9 % of 1000 is rank 999, not 1000. */
	double r = ceil(p * (double)h->count / 100.0 - 1e-9);
	uint64_t rank = r < 1 ? 1 : (uint64_t)r;

	if (rank > h->count)
		rank = h->count;
	uint64_t cum = 0;

	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		cum += h->b[i];
		if (cum >= rank) {
			uint64_t v = hist_bucket_high(i);

			if (v > h->max)
				v = h->max;
			if (v < h->min)
				v = h->min;
			return v;
		}
	}
	return h->max;
}

double hist_mean(const struct hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}
