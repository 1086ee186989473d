/* Command-line front end: subcommand lookup, parsing, repetitions, output. */
#include "daxwl.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"
#include "verify.h"
#include "worker.h"

#define C(f) offsetof(struct common_params, f)

const struct opt common_opts[] = {
	{ .name = "file", .type = OPT_STRING, .off = C(file),
	  .help = "file or block device to use; a missing file is created" },
	{ .name = "size", .type = OPT_SIZE, .off = C(size),
	  .help = "bytes used (default: the file's size; required to create)",
	  .align = 512 },
	{ .name = "bs", .type = OPT_SIZE, .off = C(bs),
	  .help = "block size: bytes per I/O, touch stride or copy unit",
	  .min = 8, .max = 1ull << 30, .align = 8 },
	{ .name = "threads", .type = OPT_UINT, .off = C(threads),
	  .help = "worker threads, each pinned, each on its own region",
	  .min = 1, .max = 1024 },
	{ .name = "runtime", .type = OPT_DURATION, .off = C(runtime),
	  .help = "stop measuring after this long (0: no limit)" },
	{ .name = "iterations", .type = OPT_UINT, .off = C(iterations),
	  .help = "ops (or passes, per subcommand) per thread" },
	{ .name = "warmup", .type = OPT_DURATION, .off = C(warmup),
	  .help = "run unmeasured for this long first" },
	{ .name = "repeat", .type = OPT_UINT, .off = C(repeat),
	  .help = "measure this many times, one JSON object each",
	  .min = 1, .max = 100000 },
	{ .name = "seed", .type = OPT_UINT, .off = C(seed),
	  .help = "seed for every random choice and the verify pattern" },
	{ .name = "json", .type = OPT_STRING, .off = C(json),
	  .help = "append the JSON objects to this file instead of stdout" },
	{ .name = "verify", .type = OPT_FLAG, .off = C(verify),
	  .help = "write a seeded pattern and check it on read-back" },
	{ .name = "overwrite", .type = OPT_FLAG, .off = C(overwrite),
	  .help = "allow writing, extending or refilling an existing target" },
	{ .name = "sparse", .type = OPT_FLAG, .off = C(sparse),
	  .help = "create the file with holes instead of writing it" },
	{ .name = "human", .type = OPT_FLAG, .off = C(human),
	  .help = "print the human table (on stderr) even when neither stdout nor stderr is a terminal" },
	{ .name = "mark", .type = OPT_FLAG, .off = C(mark),
	  .help = "open a pmmark window around each measured phase, for the pmcount plugin (one thread)" },
	{ .name = NULL }
};

const struct daxwl_cmd *const daxwl_cmds[] = {
	&cmd_fault, &cmd_msync, &cmd_rw, &cmd_odirect, &cmd_flush, &cmd_membw, NULL
};

const struct daxwl_cmd *cmd_lookup(const char *name)
{
	for (int i = 0; daxwl_cmds[i]; i++)
		if (!strcmp(daxwl_cmds[i]->name, name))
			return daxwl_cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: daxwl SUBCOMMAND [OPTIONS]   (daxwl SUBCOMMAND --help for options)\n\n");
	for (int i = 0; daxwl_cmds[i]; i++)
		fprintf(f, "  %-8s %s\n", daxwl_cmds[i]->name, daxwl_cmds[i]->summary);
	fprintf(f, "\nExit status: 0 ok, 1 run failed, 2 usage error, 3 not supported.\n");
}

static void cmd_help(const struct daxwl_cmd *cmd, const struct opt_set *sets, FILE *f)
{
	fprintf(f, "usage: daxwl %s [OPTIONS]\n%s\n\n%s options [default]:\n", cmd->name,
		cmd->summary, cmd->name);
	opt_print_help(&sets[0], f);
	fprintf(f, "\ncommon options:\n");
	opt_print_help(&sets[1], f);
	fprintf(f, "\nOne JSON object per run on stdout (or --json FILE); see daxwl(1).\n");
}

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Splits the target into per-thread regions of whole units. */
static int plan_regions(struct daxwl_run *r)
{
	uint64_t unit = r->unit ? r->unit : r->c.bs;
	uint64_t per = r->c.size / r->c.threads;
	char a[32], b[32];

	r->region = per - per % unit;
	if (r->region)
		return 0;
	opt_format_size(r->c.size, a, sizeof(a));
	opt_format_size(unit, b, sizeof(b));
	return err_set(&r->err, DAXWL_EUSAGE, 0,
		       "--size %s split over %llu threads leaves less than one %s unit per thread",
		       a, (unsigned long long)r->c.threads, b);
}

/* Final read-back of the whole used range after a --verify run. */
static int verify_target(struct daxwl_run *r)
{
	uint64_t first = 0;
	uint64_t len = r->region * r->c.threads;
	int64_t bad = pattern_check_fd(r->t.fd, 0, len, r->c.seed, &first);

	if (bad < 0)
		return err_set(&r->err, DAXWL_ERUNTIME, errno, "%s: verify read-back", r->t.path);
	r->verified = true;
	r->verify_bytes += len;
	if (bad && !r->verify_bad)
		r->verify_first_bad = first;
	r->verify_bad += (uint64_t)bad;
	return 0;
}

static void collect_worker_verify(struct daxwl_run *r)
{
	for (unsigned i = 0; i < r->nw; i++) {
		struct worker *w = &r->w[i];

		if (!w->verify_bytes)
			continue;
		r->verified = true;
		if (w->verify_bad && !r->verify_bad)
			r->verify_first_bad = w->verify_first_bad;
		r->verify_bytes += w->verify_bytes;
		r->verify_bad += w->verify_bad;
	}
}

static int run_once(struct daxwl_run *r)
{
	r->verified = false;
	r->verify_bytes = r->verify_bad = r->verify_first_bad = 0;
	r->wall_ns = 0;
	int rc = r->cmd->run(r);

	if (rc)
		return rc;
	if (r->c.verify) {
		collect_worker_verify(r);
		if (r->need != TARGET_NONE && verify_target(r))
			return r->err.code;
		if (r->verify_bad)
			return err_set(&r->err, DAXWL_ERUNTIME, 0,
				       "verify failed: %llu bad words, first at offset %llu",
				       (unsigned long long)r->verify_bad,
				       (unsigned long long)r->verify_first_bad);
	}
	return 0;
}

static int sweep_count(const struct daxwl_run *r, const struct opt_set *sets, int **val)
{
	void *base;
	const struct opt *o;

	*val = NULL;
	if (!r->cmd->sweep || !(o = opt_find(sets, 2, r->cmd->sweep, &base)))
		return 0;
	int *v = (int *)((char *)base + o->off);

	if (*v != 0)
		return 0;
	int n = 0;

	while (o->choices[n])
		n++;
	*val = v;
	return n - 1;
}

int daxwl_main(int argc, char **argv)
{
	static struct daxwl_run run;
	struct daxwl_run *r = &run;
	struct json j;
	FILE *out = stdout;
	struct opt_set sets[2];
	int nsets = 0;

	memset(r, 0, sizeof(*r));
	r->t.fd = -1;
	if (argc < 1) {
		err_set(&r->err, DAXWL_EUSAGE, 0, "no subcommand given");
		goto fail;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") || !strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[0], "--version")) {
		printf("daxwl %s (JSON schema %d)\n", DAXWL_VERSION, DAXWL_SCHEMA);
		return 0;
	}
	r->cmd = cmd_lookup(argv[0]);
	if (!r->cmd) {
		err_set(&r->err, DAXWL_EUSAGE, 0, "unknown subcommand '%s'", argv[0]);
		goto fail;
	}
	r->p = calloc(1, r->cmd->params_size ? r->cmd->params_size : 1);
	if (!r->p) {
		err_set(&r->err, DAXWL_ERUNTIME, ENOMEM, "calloc");
		goto fail;
	}
	r->c = (struct common_params){ .bs = 4096, .threads = 1, .repeat = 1, .seed = 1 };
	r->cmd->defaults(&r->c, r->p);
	sets[0] = (struct opt_set){ r->cmd->opts, r->p };
	sets[1] = (struct opt_set){ common_opts, &r->c };
	nsets = 2;
	if (wants_help(argc, argv)) {
		cmd_help(r->cmd, sets, stdout);
		free(r->p);
		return 0;
	}

	char msg[400];

	if (opt_parse(sets, nsets, argc - 1, argv + 1, msg, sizeof(msg))) {
		err_set(&r->err, DAXWL_EUSAGE, 0, "%s", msg);
		goto fail;
	}
	if (r->c.json) {
		out = fopen(r->c.json, "ae");
		if (!out) {
			out = stdout;
			err_set(&r->err, DAXWL_EUSAGE, errno, "cannot open --json %s", r->c.json);
			goto fail;
		}
	}
	/*
	 * A window counts everything the guest does: with more than one
	 * worker the counts of one phase would not divide by its own ops.
	 */
	if (r->c.mark && r->c.threads != 1) {
		err_set(&r->err, DAXWL_EUSAGE, 0, "--mark needs --threads 1: a pmmark "
			"window counts the whole guest, not one worker");
		goto fail;
	}
	/* Check what can be checked before target_open creates anything. */
	if (r->cmd->check(r) || (r->c.size && plan_regions(r)) || target_open(r) ||
	    plan_regions(r))
		goto fail;
	env_probe(&r->env, &r->t);

	int *sweep_val;
	int variants = sweep_count(r, sets, &sweep_val);

	json_init(&j, out);
	for (int v = 0; v < (variants ? variants : 1); v++) {
		if (variants)
			*sweep_val = v + 1;
		for (r->rep = 0; r->rep < r->c.repeat; r->rep++) {
			int rc = run_once(r);

			report_emit(r, sets, nsets, &j, true);
			if (ferror(out)) {
				err_set(&r->err, DAXWL_ERUNTIME, errno, "writing the JSON output");
				goto failed_run;
			}
			if (!rc && (r->c.human || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO)))
				report_table(r, sets, stderr);
			if (rc)
				goto failed_run;
		}
	}
	workers_free(r);
	target_close(&r->t);
	free(r->p);
	if ((out != stdout ? fclose(out) : fflush(out)) == EOF) {
		fprintf(stderr, "daxwl %s: writing the JSON output: %s\n", r->cmd->name,
			strerror(errno));
		return DAXWL_ERUNTIME;
	}
	return 0;

fail:
	if (!r->env.release[0] && r->cmd)
		env_probe(&r->env, &r->t);
	json_init(&j, out);
	report_emit(r, nsets ? sets : NULL, nsets, &j, false);
failed_run:
	fprintf(stderr, "daxwl%s%s: %s\n", r->cmd ? " " : "", r->cmd ? r->cmd->name : "",
		r->err.msg);
	if (r->err.code == DAXWL_EUSAGE && !r->cmd)
		usage(stderr);
	workers_free(r);
	target_close(&r->t);
	if (out != stdout)
		fclose(out);
	free(r->p);
	return r->err.code;
}
