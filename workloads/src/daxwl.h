/*
 * The pieces every subcommand shares: common parameters, the run being
 * measured, and the ops table a subcommand fills in (one file each).
 */
#ifndef DAXWL_H
#define DAXWL_H
#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "err.h"
#include "daxlab/json.h"
#include "opt.h"
#include "target.h"

#define DAXWL_VERSION "1.1"
#define DAXWL_SCHEMA 2

struct common_params {
	const char *file;
	uint64_t size, bs, threads;
	uint64_t runtime, iterations, warmup, repeat, seed;
	const char *json;
	bool verify, overwrite, sparse, human, mark;
};

extern const struct opt common_opts[];

enum target_need { TARGET_NONE, TARGET_READ, TARGET_WRITE };

/* Subcommand flags. */
#define CMD_BDEV_OK	(1u << 0)	/* accepts a block device */
#define CMD_MAPS_FILE	(1u << 1)	/* mmaps the target: page-aligned sizes */

struct daxwl_run;
struct worker;

struct daxwl_cmd {
	const char *name;
	const char *summary;
	const struct opt *opts;
	size_t params_size;
	unsigned flags;
	/* Enum option whose first choice "all" runs every other choice in turn. */
	const char *sweep;
	void (*defaults)(struct common_params *c, void *p);
	/* Validates option combinations and sets r->need and r->unit. */
	int (*check)(struct daxwl_run *r);
	/*
	 * Optional: decides whether the mode works on the open target before
	 * anything is filled, extended or refilled (a new file is still empty
	 * here), so that a refusal costs no fill and leaves nothing behind.
	 */
	int (*probe)(struct daxwl_run *r);
	/* One measured repetition; normally setup + workers_run + teardown. */
	int (*run)(struct daxwl_run *r);
	/* Adds subcommand fields to "results" (optional). */
	void (*report)(struct daxwl_run *r, struct dx_json *j);
};

struct daxwl_run {
	const struct daxwl_cmd *cmd;
	struct common_params c;
	void *p;			/* the subcommand's params struct */
	enum target_need need;
	uint64_t unit;			/* regions are multiples of this */
	uint64_t region;		/* bytes per thread */
	struct target t;
	struct env env;
	struct daxwl_err err;
	unsigned rep;
	/* Filled by workers_run for one repetition. */
	struct worker *w;
	unsigned nw;
	uint64_t wall_ns;
	/* Filled by the subcommand for its report. */
	void *priv;
	uint64_t verify_bytes, verify_bad, verify_first_bad;
	bool verified;
	/* The error leaves results worth printing: interrupted, or nothing measured. */
	bool partial;
	char note[256];			/* results.note: why the results are partial or empty */
};

extern const struct daxwl_cmd cmd_fault, cmd_msync, cmd_rw, cmd_odirect,
	cmd_flush, cmd_membw;
extern const struct daxwl_cmd *const daxwl_cmds[];

const struct daxwl_cmd *cmd_lookup(const char *name);

/* Runs one invocation (argv[0] is the subcommand); returns the exit code. */
int daxwl_main(int argc, char **argv);

#endif
