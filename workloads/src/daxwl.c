/* Command-line front end: subcommand lookup, parsing, repetitions, output. */
#include "daxwl.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/num.h"
#include "record.h"
#include "stop.h"
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
	  .help = "write the JSON objects to this new file (an existing one needs --overwrite) instead of stdout" },
	{ .name = "verify", .type = OPT_FLAG, .off = C(verify),
	  .help = "write a seeded pattern and check it on read-back" },
	{ .name = "overwrite", .type = OPT_FLAG, .off = C(overwrite),
	  .help = "allow writing, extending or refilling an existing target, and replacing an existing --json file" },
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
	fprintf(f, "usage: daxwl SUBCOMMAND [OPTIONS]   (daxwl SUBCOMMAND --help for options)\n"
		"       daxwl --version\n\n");
	for (int i = 0; daxwl_cmds[i]; i++)
		fprintf(f, "  %-8s %s\n", daxwl_cmds[i]->name, daxwl_cmds[i]->summary);
	fprintf(f, "\nExit status: 0 measured, 1 run failed or measured nothing, 2 usage error,\n"
		"3 not supported here, 5 not enough disk space or memory, 128+N stopped by\n"
		"signal N (130 SIGINT, 143 SIGTERM). See daxwl(1).\n");
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

/* Is one of the words among the arguments? */
static bool has_arg(int argc, char **argv, const char *a, const char *b)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], a) || (b && !strcmp(argv[i], b)))
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
	dx_format_size(r->c.size, a, sizeof(a));
	dx_format_size(unit, b, sizeof(b));
	return err_set(&r->err, DX_EXIT_USAGE, 0,
		       "--size %s split over %llu threads leaves less than one %s unit per thread",
		       a, (unsigned long long)r->c.threads, b);
}

/* The same directory entry: the same parent directory and the same last name. */
static bool same_entry(const char *a, const char *b)
{
	const char *la = strrchr(a, '/'), *lb = strrchr(b, '/');
	char *da = strdup(a), *db = strdup(b);
	struct stat sa, sb;
	bool same = da && db && !strcmp(la ? la + 1 : a, lb ? lb + 1 : b) &&
		    !stat(dirname(da), &sa) && !stat(dirname(db), &sb) &&
		    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;

	free(da);
	free(db);
	return same;
}

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return (a->st_dev == b->st_dev && a->st_ino == b->st_ino) ||
	       (S_ISBLK(a->st_mode) && S_ISBLK(b->st_mode) && a->st_rdev == b->st_rdev);
}

/* Would the output at path (st: its stat, NULL if it does not exist yet) land in the target? */
static bool output_is_target(const struct daxwl_run *r, const char *path, const struct stat *st)
{
	struct stat ts;

	if (!r->c.file)
		return false;
	if (st)
		return !stat(r->c.file, &ts) && same_inode(st, &ts);
	return same_entry(path, r->c.file);
}

/*
 * The output stream. --json names a new file, or with --overwrite an
 * existing one that is replaced; a pipe or a character device is written
 * as it is. It is never the target (through any name or link), and a
 * FIFO nobody reads is refused rather than waited for. *out stays NULL
 * when standard output itself is the target: then no record is written.
 */
static int open_output(struct daxwl_run *r, FILE **out)
{
	const char *p = r->c.json;
	struct stat st;
	int flags = O_WRONLY | O_CLOEXEC;

	if (!p) {
		if (!fstat(STDOUT_FILENO, &st) && S_ISREG(st.st_mode) &&
		    output_is_target(r, NULL, &st)) {
			*out = NULL;
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "standard output is the --file %s: the record would land in "
				       "the file it measures", r->c.file);
		}
		return 0;
	}
	bool exists = !stat(p, &st);

	if (!exists && errno != ENOENT)
		return err_set(&r->err, DX_EXIT_USAGE, errno, "cannot use --json %s", p);
	if (target_is_marker(p))
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--json %s is a daxwl fill marker's name", p);
	if (output_is_target(r, p, exists ? &st : NULL))
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--json %s is the --file %s: the record would overwrite the file it "
			       "measures", p, r->c.file);
	if (!exists) {
		flags |= O_CREAT | O_EXCL;
	} else if (S_ISDIR(st.st_mode)) {
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--json %s is a directory", p);
	} else if (S_ISBLK(st.st_mode)) {
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--json %s is a block device; the record "
			       "goes to a file, a pipe or a character device", p);
	} else if (S_ISREG(st.st_mode)) {
		if (!r->c.overwrite)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "--json %s exists; pass --overwrite to replace it", p);
		flags |= O_TRUNC;
	} else {
		flags |= O_NONBLOCK;
	}
	int fd = open(p, flags, 0644);

	if (fd < 0) {
		int en = errno;

		return err_set(&r->err, en == ENOSPC || en == EDQUOT ? DX_EXIT_RESOURCES : DX_EXIT_USAGE,
			       en, en == ENXIO ? "--json %s: nothing reads this FIFO" :
			       "cannot open --json %s", p);
	}
	if (flags & O_NONBLOCK)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	*out = fdopen(fd, "w");
	if (!*out) {
		close(fd);
		return err_nomem(&r->err, BUFSIZ, "the --json stream");
	}
	return 0;
}

/* The error of a run that a signal cut short; what it measured is still reported. */
static int interrupted(struct daxwl_run *r, const char *during)
{
	int sig = dx_stop_signal();
	uint64_t ops = record_ops(r);

	r->partial = r->nw > 0;
	snprintf(r->note, sizeof(r->note), "interrupted by SIG%s %s: the results are partial",
		 sigabbrev_np(sig), during);
	return err_set(&r->err, DX_EXIT_SIGNAL_BASE + sig, 0,
		       "interrupted by SIG%s %s, after %llu ops in %.3f s of measurement",
		       sigabbrev_np(sig), during, (unsigned long long)ops, (double)r->wall_ns / 1e9);
}

/* Final read-back of the whole used range after a --verify run. */
static int verify_target(struct daxwl_run *r)
{
	uint64_t first = 0;
	uint64_t len = r->region * r->c.threads;
	int64_t bad = verify_check_fd(r->t.fd, 0, len, r->c.seed, &first);

	if (bad < 0) {
		if (errno == EINTR && dx_stop_signal())
			return interrupted(r, "during the verify read-back");
		return err_set(&r->err, DX_EXIT_FINDING, errno, "%s: verify read-back", r->t.path);
	}
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

/* A measured phase without a single op has no rate and no latency to report. */
static int nothing_measured(struct daxwl_run *r)
{
	char t[48] = "";

	if (r->c.runtime)
		snprintf(t, sizeof(t), " (--runtime %llu ns)", (unsigned long long)r->c.runtime);
	r->partial = true;
	snprintf(r->note, sizeof(r->note), "no operation completed in the measured phase%s", t);
	return err_set(&r->err, DX_EXIT_FINDING, 0, "measured no operation: the measured phase%s "
		       "ended before the first one completed; give a longer --runtime or "
		       "--iterations", t);
}

static int run_once(struct daxwl_run *r)
{
	r->verified = r->partial = false;
	r->note[0] = 0;
	r->verify_bytes = r->verify_bad = r->verify_first_bad = 0;
	r->wall_ns = 0;
	workers_free(r);
	if (dx_stop_signal())
		return interrupted(r, "before the run");
	int rc = r->cmd->run(r);

	if (rc)
		return rc;
	if (dx_stop_signal())
		return interrupted(r, "during the run");
	if (!record_ops(r))
		return nothing_measured(r);
	if (r->c.verify) {
		collect_worker_verify(r);
		if (r->need != TARGET_NONE && verify_target(r))
			return r->err.code;
		if (r->verify_bad)
			return err_set(&r->err, DX_EXIT_FINDING, 0,
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

/* Ends an invocation: the output closed, what it holds freed; returns the exit code. */
static int finish(struct daxwl_run *r, FILE *out)
{
	int rc = r->err.code;

	workers_free(r);
	target_close(r);
	free(r->p);
	if (out && (out != stdout ? fclose(out) : fflush(out)) == EOF && !rc) {
		fprintf(stderr, "daxwl %s: writing the JSON output: %s\n", r->cmd->name,
			strerror(errno));
		rc = DX_EXIT_FINDING;
	}
	return rc;
}

int daxwl_main(int argc, char **argv)
{
	static struct daxwl_run run;
	struct daxwl_run *r = &run;
	struct dx_json j;
	FILE *out = stdout;
	struct opt_set sets[2];
	int nsets = 0;
	char msg[400];

	memset(r, 0, sizeof(*r));
	r->t.fd = r->t.marker_fd = -1;
	stop_install();
	if (argc < 1) {
		err_set(&r->err, DX_EXIT_USAGE, 0, "no subcommand given");
		goto fail;
	}
	if (!strcmp(argv[0], "--help") || !strcmp(argv[0], "-h") || !strcmp(argv[0], "help")) {
		usage(stdout);
		return 0;
	}
	if (has_arg(argc, argv, "--version", NULL)) {
		printf("daxwl %s\n", DAXWL_VERSION);
		return 0;
	}
	r->cmd = cmd_lookup(argv[0]);
	if (!r->cmd) {
		err_set(&r->err, DX_EXIT_USAGE, 0, "unknown subcommand '%s'", argv[0]);
		goto fail;
	}
	r->p = calloc(1, r->cmd->params_size ? r->cmd->params_size : 1);
	if (!r->p) {
		err_nomem(&r->err, r->cmd->params_size, "the parameters");
		goto fail;
	}
	r->c = (struct common_params){ .bs = 4096, .threads = 1, .repeat = 1, .seed = 1 };
	r->cmd->defaults(&r->c, r->p);
	sets[0] = (struct opt_set){ r->cmd->opts, r->p };
	sets[1] = (struct opt_set){ common_opts, &r->c };
	nsets = 2;
	if (has_arg(argc - 1, argv + 1, "--help", "-h")) {
		cmd_help(r->cmd, sets, stdout);
		free(r->p);
		return 0;
	}
	if (opt_parse(sets, nsets, argc - 1, argv + 1, msg, sizeof(msg))) {
		err_set(&r->err, DX_EXIT_USAGE, 0, "%s", msg);
		goto fail;
	}
	if (open_output(r, &out))
		goto fail;
	/*
	 * A window counts everything the guest does: with more than one
	 * worker the counts of one phase would not divide by its own ops.
	 */
	if (r->c.mark && r->c.threads != 1) {
		err_set(&r->err, DX_EXIT_USAGE, 0, "--mark needs --threads 1: a pmmark "
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

	dx_json_init(&j, out);
	for (int v = 0; v < (variants ? variants : 1); v++) {
		if (variants)
			*sweep_val = v + 1;
		for (r->rep = 0; r->rep < r->c.repeat; r->rep++) {
			int rc = run_once(r);

			/* First, so that the record says whether a created file is gone. */
			if (rc)
				target_close(r);
			record_emit(r, sets, nsets, &j, true);
			if (dx_json_check(&j, msg, sizeof(msg))) {
				err_set(&r->err, DX_EXIT_FINDING, 0, "writing the JSON output to %s failed (%s)",
					r->c.json ? r->c.json : "standard output", msg);
				target_close(r);
				goto failed_run;
			}
			if (!rc && (r->c.human || isatty(STDOUT_FILENO) || isatty(STDERR_FILENO)))
				record_table(r, sets, stderr);
			if (rc)
				goto failed_run;
		}
	}
	return finish(r, out);

fail:
	if (!r->env.release[0] && r->cmd)
		env_probe(&r->env, &r->t);
	target_close(r);
	if (out) {
		dx_json_init(&j, out);
		record_emit(r, nsets ? sets : NULL, nsets, &j, false);
	}
failed_run:
	fprintf(stderr, "daxwl%s%s: %s\n", r->cmd ? " " : "", r->cmd ? r->cmd->name : "",
		r->err.msg);
	if (r->err.code == DX_EXIT_USAGE && !r->cmd)
		usage(stderr);
	return finish(r, out);
}
