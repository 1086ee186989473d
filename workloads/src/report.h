/* The run object: one JSON line per repetition, and the human table. */
#ifndef DAXWL_REPORT_H
#define DAXWL_REPORT_H
#include <stdio.h>

#include "daxwl.h"
#include "hist.h"

struct opt_set;

void report_hist(struct json *j, const char *key, const struct hist *h);
/* Sum of counter idx over all workers of the last repetition. */
uint64_t report_sum(const struct daxwl_run *r, unsigned idx);
void report_emit(struct daxwl_run *r, const struct opt_set *sets, int nsets,
		 struct json *j, bool results);
void report_table(const struct daxwl_run *r, const struct opt_set *sets, FILE *f);

#endif
