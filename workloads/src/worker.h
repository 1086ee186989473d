/*
 * Worker threads: each is pinned to its own CPU, owns one region of the
 * target, and runs the subcommand's loop. The loop asks worker_next()
 * whether to do another op (which handles --warmup, --runtime and the op
 * budget) and reports each op with worker_record().
 */
#ifndef DAXWL_WORKER_H
#define DAXWL_WORKER_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/resource.h>

#include "err.h"
#include "hist.h"
#include "daxlab/prng.h"

struct daxwl_run;
struct start_line;

#define WORKER_COUNTERS 8

struct worker {
	struct daxwl_run *run;
	unsigned id;
	int cpu;			/* pinned CPU, -1 if pinning failed */
	uint64_t off, len;		/* this worker's region of the target */
	uint64_t max_ops;		/* measured op budget, 0 = until --runtime */
	struct dx_prng rng;
	struct hist lat;		/* per-op latency, ns */
	struct hist lat2;		/* a second distribution, if the command has one */
	uint64_t ops, bytes;
	uint64_t cnt[WORKER_COUNTERS];	/* subcommand counters, summed in the report */
	uint64_t minflt, majflt;	/* page faults in the measured phase */
	uint64_t t_start, t_end;	/* measured phase, CLOCK_MONOTONIC ns */
	uint64_t verify_bytes, verify_bad, verify_first_bad;
	bool measuring;
	bool phase_changed;		/* set when warmup ends; the loop may reset */
	uint64_t warm_end, run_end;
	struct rusage ru0;
	struct start_line *line;
	bool arrived;
	void *priv;
	struct daxwl_err err;
	/* A page of a file mapping the kernel could not provide (SIGBUS): its address. */
	void *volatile bus_addr;
};

bool worker_next(struct worker *w);
/* Count one op of the measured phase; false (not counted) outside it. */
static inline bool worker_record(struct worker *w, uint64_t ns, uint64_t bytes)
{
	if (!w->measuring || w->t_end)
		return false;
	hist_add(&w->lat, ns);
	w->ops++;
	w->bytes += bytes;
	return true;
}

/*
 * Splits the target into one region per thread, starts the threads
 * (pinned, released together by a barrier), runs fn in each and joins.
 * max_ops is each worker's measured op budget (0 = --runtime decides).
 * Returns the first worker error, recorded in r->err.
 */
int workers_run(struct daxwl_run *r, uint64_t max_ops, int (*fn)(struct worker *w));
void workers_free(struct daxwl_run *r);

#endif
