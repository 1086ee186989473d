/*
 * The run record: one JSON object per repetition (the interface the bench
 * reads, schema in README.md), and the human table.
 */
#ifndef DAXWL_RECORD_H
#define DAXWL_RECORD_H
#include <stdio.h>

#include "daxwl.h"
#include "hist.h"

struct opt_set;

/* A latency object; every statistic is null when the histogram is empty. */
void record_hist(struct dx_json *j, const char *key, const struct hist *h);
/* Sum of counter idx over all workers of the last repetition. */
uint64_t record_sum(const struct daxwl_run *r, unsigned idx);
/* Sum of ops over all workers of the last repetition. */
uint64_t record_ops(const struct daxwl_run *r);
/* x / y, or NaN (written as null) when y is 0: a rate of nothing is unknown. */
double record_ratio(double x, double y);
void record_emit(struct daxwl_run *r, const struct opt_set *sets, int nsets,
		 struct dx_json *j, bool results);
void record_table(const struct daxwl_run *r, const struct opt_set *sets, FILE *f);

#endif
