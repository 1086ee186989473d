/* SPDX-License-Identifier: MIT */
/*
 * ctoracle: the crash-test oracles.
 *
 *   ctoracle check --trace T --manifest M --out DIR [--scenario S]
 *       [--kernel K] [--system-map F] [--crash-points fence|event|mark]
 *       [--budget N | --mode exhaustive|bounded:K|durable|random:N
 *       [--max-states N]] [--seed S] [--max-reports N] [--workdir W]
 *       [--export DIR | --verdicts FILE]
 *     Enumerate the crash images of trace T with libpmsim and judge each
 *     in process: file-system checker after recovery, and the promises of
 *     manifest M for the marks reached. Writes DIR/result.json,
 *     DIR/violations.txt and DIR/violations/NNN.{txt,repro}. --budget N
 *     spreads about N states over the whole trace (budget.h). Drain marks
 *     (the tracer's drain= points) are checked too: a flush the driver
 *     completes while written-back stores still wait for a fence breaks
 *     the flush contract.
 *     --export DIR: judge nothing, write each image with a new verdict key
 *     to DIR (xfs: the guest mounts them, see guest-judge below);
 *     --verdicts FILE: take the verdicts the guest wrote (second pass).
 *
 *   ctoracle judge --manifest M [--marks 'ID ...'] [--workdir W] IMAGE
 *     Judge one region image (an external checker for pmsim check, or a
 *     replayed reproducer). Marks also come from $PMSIM_MARKS.
 *
 *   ctoracle judge-dir --manifest M --marks 'ID ...' [--map F
 *       [--recovery-trace T]] ROOT
 *     The durability check on a file system mounted at ROOT; prints
 *     "ok", or "durability MARK MESSAGE", or "error 0 MESSAGE". --map F:
 *     also write F, the map of every manifest path on the mount and of
 *     the blocks log recovery looked at (the tracefs trace T of the
 *     mount), for judge-members (xfs_reuse.h).
 *
 *   ctoracle judge-members --manifest M DIR
 *     After the guest judged the representatives of DIR/list: a verdict
 *     in DIR/verdicts for each image listed with a representative whose
 *     verdict it can take, the others in DIR/rest ("KEY MARKS").
 *
 *   ctoracle guest-judge --manifest M DIR
 *     Inside the VM: judge every image --export wrote to DIR on a mount,
 *     representatives first, then members (judge-members), in one process
 *     (guest_judge.h); the verdicts go to DIR/verdicts.
 *
 *   ctoracle last-fences --trace T [--system-map F]
 *     For every mark, the last fence before it and the function it ran in
 *     (what made the promise durable), counted by function.
 *
 * Exit statuses (crashtest/README.md): 0 consistent, 1 violations or an
 * I/O error, 2 usage or bad input (unknown mark ids among them), 3 a
 * checker tool is missing, 4 incomplete, 5 no space or memory, 128+N
 * stopped by signal N after removing the scratch directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "budget.h"
#include "ctcli.h"
#include "ctmanifest.h"
#include "daxlab/clock.h"
#include "daxlab/exit.h"
#include "daxlab/files.h"
#include "daxlab/num.h"
#include "daxlab/spawn.h"
#include "daxlab/stop.h"
#include "daxlab/symmap.h"
#include "daxlab/vec.h"
#include "guest_judge.h"
#include "judge.h"
#include "pmsim.h"
#include "result_json.h"
#include "scratch.h"
#include "trace_scan.h"
#include "violation_report.h"
#include "xfs_reuse.h"

enum opt {
	O_TRACE, O_MANIFEST, O_OUT, O_SCENARIO, O_KERNEL, O_SYSMAP, O_POINTS,
	O_MODE, O_SEED, O_MAX_STATES, O_BUDGET, O_MAX_REPORTS, O_WORKDIR,
	O_MARKS, O_EXPORT, O_VERDICTS, O_MAP, O_RTRACE, O_HELP, O_VERSION,
	O_NOPTS
};
#define BIT(o) (1u << (o))

struct opts {
	const char *trace, *manifest, *out, *scenario, *kernel, *sysmap;
	const char *points, *mode, *workdir, *marks, *export_dir, *verdicts;
	const char *map, *rtrace;
	uint64_t seed, max_states, budget, max_reports;
	unsigned given;			/* BIT(opt) of each option given */
};

static const struct option long_opts[] = {
	{ "trace", required_argument, NULL, O_TRACE },
	{ "manifest", required_argument, NULL, O_MANIFEST },
	{ "out", required_argument, NULL, O_OUT },
	{ "scenario", required_argument, NULL, O_SCENARIO },
	{ "kernel", required_argument, NULL, O_KERNEL },
	{ "system-map", required_argument, NULL, O_SYSMAP },
	{ "crash-points", required_argument, NULL, O_POINTS },
	{ "mode", required_argument, NULL, O_MODE },
	{ "seed", required_argument, NULL, O_SEED },
	{ "max-states", required_argument, NULL, O_MAX_STATES },
	{ "budget", required_argument, NULL, O_BUDGET },
	{ "max-reports", required_argument, NULL, O_MAX_REPORTS },
	{ "workdir", required_argument, NULL, O_WORKDIR },
	{ "marks", required_argument, NULL, O_MARKS },
	{ "export", required_argument, NULL, O_EXPORT },
	{ "verdicts", required_argument, NULL, O_VERDICTS },
	{ "map", required_argument, NULL, O_MAP },
	{ "recovery-trace", required_argument, NULL, O_RTRACE },
	{ "help", no_argument, NULL, O_HELP },
	{ "version", no_argument, NULL, O_VERSION },
	{ NULL, 0, NULL, 0 },
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: ctoracle check --trace T --manifest M --out DIR [options]\n"
		"       ctoracle judge --manifest M [--marks 'ID ...'] [--workdir W] IMAGE\n"
		"       ctoracle judge-dir --manifest M --marks 'ID ...' [--map F\n"
		"                [--recovery-trace T]] ROOT\n"
		"       ctoracle judge-members --manifest M DIR\n"
		"       ctoracle guest-judge --manifest M DIR   (inside the VM)\n"
		"       ctoracle last-fences --trace T [--system-map F]\n"
		"       ctoracle --help | --version\n"
		"check options:\n"
		"  --scenario S --kernel K   names for the reports (default: the manifest's)\n"
		"  --system-map F            kernel symbols for crash points and stores\n"
		"  --crash-points fence|event|mark  where the power fails (default fence)\n"
		"  --budget N                about N states spread over the whole trace\n"
		"  --mode M [--max-states N] an enumeration instead: exhaustive, bounded:K,\n"
		"                            durable, random:N\n"
		"  --seed S  --max-reports N (default 20)  --workdir W\n"
		"  --export DIR | --verdicts FILE  xfs: images judged in a guest\n"
		"Marks are decimal ids (0x for hex), separated by blanks or commas; each\n"
		"must be in the manifest. Scratch files go to a new directory under\n"
		"$TMPDIR, else /dev/shm, else /tmp (removed at the end and on SIGINT,\n"
		"SIGTERM, SIGHUP), or to --workdir W (kept).\n"
		"exit: 0 consistent, 1 violations or an I/O error, 2 usage or bad input,\n"
		"      3 a checker tool is missing, 4 incomplete, 5 no space or memory,\n"
		"      128+N stopped by signal N\n");
	return f == stdout ? DX_EXIT_OK : DX_EXIT_USAGE;
}

/* ---- input checks ---------------------------------------------------------- */

static int load_manifest(struct ctm_manifest *m, const char *path)
{
	char err[1024];
	int rc = ctm_load(m, path, err, sizeof(err));

	if (rc)
		fprintf(stderr, "ctoracle: %s\n", err);
	return rc == CTM_ENOMEM ? DX_EXIT_RESOURCES : rc ? DX_EXIT_USAGE : 0;
}

/*
 * The mark ids of a --marks list (or $PMSIM_MARKS): numbers separated by
 * blanks or commas, each known to the manifest (ctm_knows_id).
 */
static int parse_marks(const char *s, const struct ctm_manifest *m,
		       const char *mpath, uint64_t **ids, size_t *n)
{
	size_t cap = 0;
	char tok[64], err[256];

	*ids = NULL;
	*n = 0;
	for (const char *p = s ? s : ""; *p;) {
		size_t len = strcspn(p, " ,\t\n");
		uint64_t id;

		if (!len) {
			p++;
			continue;
		}
		if (len >= sizeof(tok)) {
			fprintf(stderr, "ctoracle: mark id '%.20s...' is too long\n", p);
			return DX_EXIT_USAGE;
		}
		memcpy(tok, p, len);
		tok[len] = 0;
		p += len;
		if (dx_parse_u64(tok, 0, UINT64_MAX, &id, "mark id", err, sizeof(err))) {
			fprintf(stderr, "ctoracle: %s\n", err);
			return DX_EXIT_USAGE;
		}
		if (!ctm_knows_id(m, id)) {
			fprintf(stderr, "ctoracle: mark %" PRIu64 " is not in the "
				"manifest %s\n", id, mpath);
			return DX_EXIT_USAGE;
		}
		if (DX_RESERVE(*ids, cap, *n + 1)) {
			fprintf(stderr, "ctoracle: out of memory for %zu mark ids\n", *n);
			return DX_EXIT_RESOURCES;
		}
		(*ids)[(*n)++] = id;
	}
	return 0;
}

/* Every mark the trace holds must be one the manifest knows: else the two
 * are not of one run, and promises would be judged against the wrong
 * points (or, unknown, not at all). */
static int check_trace_marks(const struct pmsim_trace *t,
			     const struct ctm_manifest *m, const char *tpath,
			     const char *mpath)
{
	for (size_t i = 0; i < pmsim_trace_nmarks(t); i++) {
		const struct pmsim_mark *k = pmsim_trace_mark(t, i);

		if (pmtrace_is_drain_label(k->label) || ctm_knows_id(m, k->id))
			continue;
		fprintf(stderr, "ctoracle: %s: mark %" PRIu64 " \"%s\" is not in "
			"the manifest %s (are they of one run?)\n", tpath, k->id,
			k->label, mpath);
		return DX_EXIT_USAGE;
	}
	return 0;
}

/* Is path (existing) a file directly in dir? */
static int file_in_dir(const char *path, const char *dir)
{
	char p[PATH_MAX], d[PATH_MAX];
	char *slash;

	if (!dir || !realpath(path, p) || !realpath(dir, d))
		return 0;
	slash = strrchr(p, '/');
	*slash = 0;
	return !strcmp(p[0] ? p : "/", d);
}

/* An input that an output would overwrite. */
static int aliased(const char *what, const char *in, const char *out,
		   const char *outdir)
{
	if (!in || !(dx_same_file(in, out) || file_in_dir(in, outdir)))
		return 0;
	fprintf(stderr, "ctoracle: the %s %s would be overwritten by the "
		"output (%s): give another path\n", what, in, out ? out : outdir);
	return 1;
}

/* The end of a command that made a scratch directory wd (or none: ""):
 * remove it; after a signal, say so and return 128 + N. */
static int finish(const char *wd, int status)
{
	if (wd[0] && dx_tree_remove(wd))
		fprintf(stderr, "ctoracle: could not remove %s: %s\n", wd,
			strerror(errno));
	if (!dx_stop_signal())
		return status;
	fprintf(stderr, "ctoracle: stopped by %s%s%s\n", dx_stop_name(dx_stop_signal()),
		wd[0] ? "; removed " : "", wd);
	return DX_EXIT_SIGNAL_BASE + dx_stop_signal();
}

/* ---- the in-process checker ------------------------------------------------- */

struct check_ctx {
	struct judge *j;
	uint64_t base, size;
	struct found *found;
	size_t nfound, capfound;
	uint64_t dur, fsck, errors;
	uint64_t *ids;
	size_t capids;
	char fatal_msg[1024];
	double last_progress, start;
};

static double now_s(void)
{
	return dx_ns_to_s(dx_now_ns());
}

static int check_cb(void *arg, const struct pmsim_image *img,
		    const struct pmsim_crash *crash, const uint64_t *changed,
		    size_t nchanged)
{
	struct check_ctx *c = arg;
	const unsigned char *region = pmsim_image_ptr(img, c->base, c->size);
	struct verdict v;
	double now;

	(void)changed;
	(void)nchanged;
	if (dx_stop_signal())
		return pmsim_seterr("stopped by %s", dx_stop_name(dx_stop_signal()));
	if (!region)
		return pmsim_seterr("crash image lacks the region");
	if (DX_RESERVE(c->ids, c->capids, crash->nmarks))
		return pmsim_seterr("out of memory");
	for (size_t i = 0; i < crash->nmarks; i++)
		c->ids[i] = crash->marks[i].id;
	judge_image(c->j, region, c->ids, crash->nmarks, &v);
	now = now_s();
	if (now - c->last_progress >= 5) {
		const struct judge_stats *st = judge_stats(c->j);

		fprintf(stderr, "ctoracle: %" PRIu64 " images (%" PRIu64 " judged, %"
			PRIu64 " cached), %" PRIu64 " violations, %.0f s\n",
			st->images, st->judged, st->cache_hits,
			c->dur + c->fsck, now - c->start);
		c->last_progress = now;
	}
	if (v.error) {
		if (dx_stop_signal())
			return pmsim_seterr("stopped by %s", dx_stop_name(dx_stop_signal()));
		c->errors++;
		if (!c->fatal_msg[0])
			snprintf(c->fatal_msg, sizeof(c->fatal_msg), "%s", v.msg);
		return 0;
	}
	if (!v.fsck_bad && !v.durability_bad)
		return 0;
	if (v.durability_bad)
		c->dur++;
	else
		c->fsck++;
	if (DX_RESERVE(c->found, c->capfound, c->nfound + 1))
		return pmsim_seterr("out of memory");
	c->found[c->nfound++] = (struct found){ crash->event, crash->state, v };
	return 1;
}

static const struct verdict *find_verdict(const struct check_ctx *c,
					  const struct pmsim_crash *cr)
{
	for (size_t i = 0; i < c->nfound; i++)
		if (c->found[i].event == cr->event && c->found[i].state == cr->state)
			return &c->found[i].v;
	return NULL;
}

/* Durability violations first: they are what the reports are about. */
static int report_rank(const struct check_ctx *c, const struct pmsim_violation *pv)
{
	const struct verdict *v = find_verdict(c, &pv->crash);

	return v && v->durability_bad ? 0 : 1;
}

/* Reports of one pass; -1 when one could not be written. */
static int write_reports(struct check_ctx *c, struct run_info *ri,
			 const struct pmsim_result *res, int first_pass,
			 unsigned *nrep, FILE *summary)
{
	int rc = 0;

	for (size_t i = 0; i < res->nreports && first_pass; i++)
		if (res->reports[i].drain &&
		    report_drain(ri, &res->reports[i], ++*nrep, summary))
			rc = -1;
	for (int rank = 0; rank < 2; rank++)
		for (size_t i = 0; i < res->nreports; i++) {
			const struct pmsim_violation *pv = &res->reports[i];
			const struct verdict *v = find_verdict(c, &pv->crash);

			if (pv->drain || !v || report_rank(c, pv) != rank)
				continue;
			if (report_violation(ri, pv, v, ++*nrep, summary))
				rc = -1;
		}
	return rc;
}

static void add_counts(struct pmsim_result *total, const struct pmsim_result *r,
		       int first_pass)
{
	total->crash_points += r->crash_points;
	total->points_total += r->points_total;
	total->points_checked += r->points_checked;
	total->explored += r->explored;
	total->distinct += r->distinct;
	total->violations += r->violations;
	/* every pass checks the same drain marks: count them once */
	if (first_pass) {
		total->drains = r->drains;
		total->drain_violations = r->drain_violations;
	}
	if (r->bounded && !total->bounded) {
		total->bounded = 1;
		memcpy(total->bound_reason, r->bound_reason,
		       sizeof(total->bound_reason));
	}
}

static int check_inputs(const struct opts *op)
{
	char out1[4096], out2[4096], vdir[4096];
	const char *const in[][2] = {
		{ "trace", op->trace }, { "manifest", op->manifest },
		{ "System.map", op->sysmap }, { "verdicts file", op->verdicts },
	};

	snprintf(out1, sizeof(out1), "%s/result.json", op->out);
	snprintf(out2, sizeof(out2), "%s/violations.txt", op->out);
	snprintf(vdir, sizeof(vdir), "%s/violations", op->out);
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		if (aliased(in[i][0], in[i][1], out1, NULL) ||
		    aliased(in[i][0], in[i][1], out2, vdir) ||
		    aliased(in[i][0], in[i][1], NULL, op->workdir) ||
		    aliased(in[i][0], in[i][1], NULL, op->export_dir))
			return DX_EXIT_USAGE;
	return 0;
}

static int cmd_check(const struct opts *op, char **args)
{
	struct ctm_manifest m = { 0 };
	struct pmsim_trace *t = NULL;
	struct pmsim_opts po;
	struct pmsim_result res;
	struct pmsim_checker chk;
	struct trace_scan sc = { 0 };
	struct dx_symmap *syms = NULL;
	struct check_ctx c = { 0 };
	struct check_summary sum = { 0 };
	struct budget_plan plan;
	struct run_info ri;
	char err[1024], wd[4096] = "", path[4096], why[1200] = "";
	enum fs_type fs;
	struct stat st;
	double t0, t1 = 0, t2;
	int rc, status = DX_EXIT_USAGE, stopped = 0, made_out = 0, wrote = 0;
	FILE *summary;
	unsigned nrep = 0;

	(void)args;
	if (!op->trace || !op->manifest || !op->out) {
		fprintf(stderr, "ctoracle check: --trace, --manifest and --out are required\n");
		return DX_EXIT_USAGE;
	}
	if (op->budget && (op->mode || (op->given & BIT(O_MAX_STATES)))) {
		fprintf(stderr, "ctoracle check: --budget plans the states itself: "
			"no --mode or --max-states with it\n");
		return DX_EXIT_USAGE;
	}
	if ((status = load_manifest(&m, op->manifest)))
		return status;
	status = DX_EXIT_USAGE;
	if (fs_type_parse(m.h.fs, &fs)) {
		fprintf(stderr, "ctoracle: %s: unknown file system '%s'\n",
			op->manifest, m.h.fs);
		goto out;
	}
	if (dx_symmap_load(&syms, op->sysmap, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		goto out;
	}
	pmsim_opts_default(&po);
	if ((op->points && pmsim_parse_points(&po, op->points)) ||
	    (op->mode && pmsim_parse_mode(&po, op->mode))) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		goto out;
	}
	po.seed = op->seed;
	po.max_states = op->max_states;
	po.max_reports = (unsigned)op->max_reports;
	if ((status = check_inputs(op)))
		goto out;
	status = DX_EXIT_USAGE;
	t0 = now_s();
	if (pmsim_trace_open(&t, op->trace)) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		goto out;
	}
	if ((status = check_trace_marks(t, &m, op->trace, op->manifest)))
		goto out;
	status = DX_EXIT_USAGE;
	if (trace_scan(t, &sc, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s: %s\n", op->trace, err);
		goto out;
	}
	if (budget_plan(t, &po, op->budget, &plan)) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		goto out;
	}
	ri = (struct run_info){
		.scenario = op->scenario ? op->scenario : m.h.scenario,
		.kernel = op->kernel ? op->kernel : m.h.kernel,
		.trace_path = op->trace, .manifest_path = op->manifest,
		.outdir = op->out,
		.mode = op->budget ? plan.mode : op->mode ? op->mode : "exhaustive",
		.points = op->points ? op->points : "fence", .m = &m,
		.syms = syms, .t = t,
	};
	sum.plan = &plan;
	/* From here on there is something to clean up or to write. */
	dx_stop_defer();
	status = DX_EXIT_FINDING;
	snprintf(path, sizeof(path), "%s/violations", op->out);
	if ((mkdir(op->out, 0755) && errno != EEXIST) ||
	    (mkdir(path, 0755) && errno != EEXIST)) {
		fprintf(stderr, "ctoracle: cannot create %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	made_out = 1;
	t1 = now_s();
	if (!op->workdir && scratch_make(wd, sizeof(wd), err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		goto out;
	}
	status = judge_new(&c.j, &m, fs, sc.base, sc.final, sc.size, sc.touched,
			   op->workdir ? op->workdir : wd, err, sizeof(err));
	if (status) {
		if (!dx_stop_signal())
			fprintf(stderr, "ctoracle: %s\n", err);
		goto out;
	}
	if ((op->export_dir && judge_export(c.j, op->export_dir, err, sizeof(err))) ||
	    (op->verdicts && judge_load_verdicts(c.j, op->verdicts, err, sizeof(err)))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		status = op->verdicts ? DX_EXIT_USAGE : DX_EXIT_FINDING;
		goto out;
	}
	trace_scan_outside(t, &sc, judge_location(c.j)->fs_start,
			   judge_location(c.j)->fs_start + judge_location(c.j)->fs_size);
	c.base = sc.base_addr;
	c.size = sc.size;
	c.start = c.last_progress = t1 = now_s();
	chk = (struct pmsim_checker){ .check = check_cb, .arg = &c, .name = "ctoracle" };
	ri.fs_addr = sc.base_addr + judge_location(c.j)->fs_start;
	snprintf(path, sizeof(path), "%s/violations.txt", op->out);
	summary = fopen(path, "w");
	if (!summary)
		fprintf(stderr, "ctoracle: cannot create %s: %s\n", path,
			strerror(errno));
	for (int p = 0; p < plan.npass && !stopped; p++) {
		rc = pmsim_run(t, &plan.pass[p].o, &chk, &res);
		if (rc) {
			stopped = 1;
			if (!dx_stop_signal()) {
				snprintf(why, sizeof(why), "%s", pmsim_errmsg());
				fprintf(stderr, "ctoracle: the run stopped early: %s\n", why);
			}
			break;
		}
		add_counts(&sum.total, &res, p == 0);
		sum.pass[sum.npass] = res;
		sum.pass[sum.npass].nreports = 0;
		sum.pass[sum.npass++].reports = NULL;
		/* A point sampled out is the plan; one left unfinished is not. */
		if ((res.bounded || res.points_checked < res.crash_points) && !why[0])
			snprintf(why, sizeof(why), "%s", res.bounded ? res.bound_reason :
				 "crash points not enumerated to the end");
		/* Reports name states of this pass; the reproducer needs its
		 * options. */
		ri.o = &plan.pass[p].o;
		if (write_reports(&c, &ri, &res, p == 0, &nrep, summary)) {
			stopped = 1;
			snprintf(why, sizeof(why), "a violation report could not be written");
		}
		c.nfound = 0;
		pmsim_result_free(&res);
	}
	t2 = now_s();
	if (c.errors) {
		snprintf(why, sizeof(why), "%" PRIu64 " images could not be judged: %s",
			 c.errors, c.fatal_msg);
		fprintf(stderr, "ctoracle: %s\n", why);
	}
	if (summary && fclose(summary))
		fprintf(stderr, "ctoracle: writing %s failed\n", path);
	sum.signal = dx_stop_signal();
	sum.partial = why[0] != 0;
	sum.why = why;
	sum.scan_s = t1 - t0;
	sum.judge_s = t2 - t1;
	sum.dur_states = c.dur;
	sum.fsck_states = c.fsck;
	sum.err_states = c.errors;
	sum.trace_bytes = stat(op->trace, &st) ? 0 : (uint64_t)st.st_size;
	wrote = 1;
	if (result_json_write(&ri, &sum, c.j, &sc))
		sum.partial = 1;
	fprintf(stderr, "ctoracle: %s: %" PRIu64 " crash points, %" PRIu64
		" states, %" PRIu64 " distinct images in %.1f s (%.1f/s; %" PRIu64
		" judged, %" PRIu64 " cached): %" PRIu64 " durability, %" PRIu64
		" fsck, %" PRIu64 " flush-contract violations%s%s\n",
		ri.scenario, sum.total.crash_points, sum.total.explored,
		sum.total.distinct, t2 - t1,
		t2 > t1 ? (double)sum.total.distinct / (t2 - t1) : 0.0,
		judge_stats(c.j)->judged, judge_stats(c.j)->cache_hits, c.dur,
		c.fsck, sum.total.drain_violations,
		sum.partial ? " (incomplete)" : "",
		sum.signal ? " (interrupted)" : "");
	status = sum.partial ? DX_EXIT_INCOMPLETE :
		 c.dur + c.fsck + sum.total.drain_violations ? DX_EXIT_FINDING :
		 DX_EXIT_OK;
out:
	/* Stopped before the passes: the record still says so. */
	if (dx_stop_signal() && made_out && !wrote) {
		sum.signal = dx_stop_signal();
		sum.partial = 1;
		sum.why = "stopped before judging";
		sum.judge_s = now_s() - t1;
		result_json_write(&ri, &sum, c.j, &sc);
	}
	judge_free(c.j);
	status = finish(wd, status);
	free(c.found);
	free(c.ids);
	trace_scan_free(&sc);
	dx_symmap_free(syms);
	pmsim_trace_free(t);
	ctm_free(&m);
	return status;
}

/* ---- a mounted file system -------------------------------------------------- */

static int cmd_judge_dir(const struct opts *op, char **args)
{
	const char *root = args[0];
	uint64_t *ids = NULL;
	size_t n;
	struct ctm_manifest m;
	struct verdict v;
	struct stat st;
	int status;

	if (!op->manifest || !op->marks) {
		fprintf(stderr, "ctoracle judge-dir: --manifest and --marks are required\n");
		return DX_EXIT_USAGE;
	}
	if (stat(root, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ctoracle: %s is not a directory\n", root);
		return DX_EXIT_USAGE;
	}
	if ((status = load_manifest(&m, op->manifest)))
		return status;
	if ((status = parse_marks(op->marks, &m, op->manifest, &ids, &n))) {
		ctm_free(&m);
		free(ids);
		return status;
	}
	judge_mounted(&m, root, ids, n, &v);
	if (op->map) {
		char err[512];

		/* No map: the members of this image are judged in full. */
		if (xr_write_map(&m, root, op->rtrace, op->map, err, sizeof(err)))
			fprintf(stderr, "ctoracle: %s\n", err);
	}
	ctm_free(&m);
	free(ids);
	if (v.error) {
		printf("error 0 %s\n", v.msg);
		return DX_EXIT_INCOMPLETE;
	}
	if (v.durability_bad) {
		printf("durability %" PRIu64 " %s\n", v.mark, v.msg);
		return DX_EXIT_FINDING;
	}
	printf("ok 0 last mark %" PRIu64 "\n", v.last_mark);
	return DX_EXIT_OK;
}

static int cmd_judge_members(const struct opts *op, char **args)
{
	struct ctm_manifest m;
	size_t reused, rest;
	char err[512];
	int status;

	if (!op->manifest) {
		fprintf(stderr, "ctoracle judge-members: --manifest is required\n");
		return DX_EXIT_USAGE;
	}
	if ((status = load_manifest(&m, op->manifest)))
		return status;
	status = xr_judge_members(&m, args[0], &reused, &rest, err, sizeof(err));
	ctm_free(&m);
	if (status) {
		fprintf(stderr, "ctoracle: %s\n", err);
		return DX_EXIT_FINDING;
	}
	printf("%zu images took their representative's verdict, %zu to judge\n",
	       reused, rest);
	return DX_EXIT_OK;
}

static int cmd_guest_judge(const struct opts *op, char **args)
{
	struct gj_opts o = {
		.mnt = "/mnt/judge",
		.tracing = "/sys/kernel/tracing",
		.parse_marks = parse_marks,
		.mpath = op->manifest,
	};
	struct ctm_manifest m;
	struct gj_stats st;
	int status;

	if (!op->manifest) {
		fprintf(stderr, "ctoracle guest-judge: --manifest is required\n");
		return DX_EXIT_USAGE;
	}
	if ((status = load_manifest(&m, op->manifest)))
		return status;
	status = gj_run(&m, args[0], &o, &st);
	ctm_free(&m);
	if (!status && st.members)
		printf("%zu images took their representative's verdict, %zu to "
		       "judge\n", st.reused, st.rest);
	if (!status)
		printf("%zu images judged on a mount\n", st.mounted);
	return status;
}

/* ---- which fence made each promise durable ---------------------------------- */

static int cmd_last_fences(const struct opts *op, char **args)
{
	struct pmsim_trace *t = NULL;
	struct dx_symmap *syms = NULL;
	const struct pmsim_event *fence = NULL;
	char err[512], sym[256];
	struct { char name[256]; unsigned n; } count[64];
	size_t ncount = 0;

	(void)args;
	if (!op->trace) {
		fprintf(stderr, "ctoracle last-fences: --trace is required\n");
		return DX_EXIT_USAGE;
	}
	if (dx_symmap_load(&syms, op->sysmap, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		return DX_EXIT_USAGE;
	}
	if (pmsim_trace_open(&t, op->trace)) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		dx_symmap_free(syms);
		return DX_EXIT_USAGE;
	}
	for (size_t i = 0; i < pmsim_trace_nevents(t); i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		size_t k;

		if (e->type == PMTRACE_FENCE && e->kind != PMTRACE_FENCE_LFENCE)
			fence = e;
		if (e->type != PMTRACE_MARK)
			continue;
		dx_symmap_describe(syms, fence ? fence->pc : 0, sym, sizeof(sym));
		printf("mark %" PRIu64 " \"%s\": last fence %s at %s\n", e->addr,
		       (const char *)e->payload,
		       fence ? pmtrace_fence_name(fence->kind) : "none", sym);
		sym[strcspn(sym, "+ ")] = 0;
		for (k = 0; k < ncount && strcmp(count[k].name, sym); k++)
			;
		if (k == ncount && ncount < 64) {
			snprintf(count[k].name, sizeof(count[k].name), "%s", sym);
			count[k].n = 0;
			ncount++;
		}
		if (k < ncount)
			count[k].n++;
	}
	for (size_t k = 0; k < ncount; k++)
		printf("summary: %u marks after a fence in %s\n", count[k].n,
		       count[k].name);
	pmsim_trace_free(t);
	dx_symmap_free(syms);
	return fflush(stdout) ? DX_EXIT_FINDING : DX_EXIT_OK;
}

/* ---- one image --------------------------------------------------------------- */

static int cmd_judge(const struct opts *op, char **args)
{
	const char *image = args[0];
	const char *marks = op->marks ? op->marks : getenv("PMSIM_MARKS");
	uint64_t *ids = NULL;
	size_t n = 0;
	struct ctm_manifest m = { 0 };
	struct judge *j = NULL;
	struct verdict v;
	char err[1024], wd[4096] = "";
	enum fs_type fs;
	struct stat st;
	void *map = MAP_FAILED;
	int fd, status;

	if (!op->manifest) {
		fprintf(stderr, "ctoracle judge: --manifest is required\n");
		return DX_EXIT_USAGE;
	}
	if ((status = load_manifest(&m, op->manifest)))
		return status;
	status = DX_EXIT_USAGE;
	if (fs_type_parse(m.h.fs, &fs)) {
		fprintf(stderr, "ctoracle: unknown file system '%s'\n", m.h.fs);
		goto out;
	}
	if ((status = parse_marks(marks, &m, op->manifest, &ids, &n)))
		goto out;
	status = DX_EXIT_USAGE;
	if (aliased("image", image, NULL, op->workdir) ||
	    aliased("manifest", op->manifest, NULL, op->workdir))
		goto out;
	fd = open(image, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "ctoracle: cannot open image %s: %s\n", image,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (!S_ISREG(st.st_mode) || !st.st_size) {
		fprintf(stderr, "ctoracle: image %s is %s\n", image,
			S_ISREG(st.st_mode) ? "empty" : "not a regular file");
		close(fd);
		goto out;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "ctoracle: cannot map %s: %s\n", image,
			strerror(errno));
		status = DX_EXIT_RESOURCES;
		goto out;
	}
	dx_stop_defer();
	if (!op->workdir && scratch_make(wd, sizeof(wd), err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		status = DX_EXIT_FINDING;
		goto out;
	}
	status = judge_new_image(&j, &m, fs, map, (uint64_t)st.st_size,
				 op->workdir ? op->workdir : wd, err, sizeof(err));
	if (status) {
		fprintf(stderr, "ctoracle: %s: %s\n", image, err);
		goto out;
	}
	judge_image(j, map, ids, n, &v);
	if (v.error) {
		if (!dx_stop_signal())
			fprintf(stderr, "ctoracle: could not judge %s: %s\n", image,
				v.msg);
		status = DX_EXIT_INCOMPLETE;
	} else if (v.fsck_bad || v.durability_bad) {
		printf("%s violation (last mark %" PRIu64 ", promise of mark %" PRIu64 "): %s\n",
		       v.durability_bad ? "durability" : "fsck", v.last_mark,
		       v.mark, v.msg);
		status = DX_EXIT_FINDING;
	} else {
		printf("consistent (last mark %" PRIu64 ")\n", v.last_mark);
		status = DX_EXIT_OK;
	}
out:
	judge_free(j);
	if (map != MAP_FAILED)
		munmap(map, (size_t)st.st_size);
	status = finish(wd, status);
	free(ids);
	ctm_free(&m);
	return status;
}

/* ---- the command line ------------------------------------------------------- */

#define CHECK_OPTS (BIT(O_TRACE) | BIT(O_MANIFEST) | BIT(O_OUT) | BIT(O_SCENARIO) | \
		    BIT(O_KERNEL) | BIT(O_SYSMAP) | BIT(O_POINTS) | BIT(O_MODE) | \
		    BIT(O_SEED) | BIT(O_MAX_STATES) | BIT(O_BUDGET) | \
		    BIT(O_MAX_REPORTS) | BIT(O_WORKDIR) | BIT(O_EXPORT) | \
		    BIT(O_VERDICTS))

static const struct command {
	const char *name;
	unsigned opts;		/* BIT(opt) it takes */
	int nargs;		/* operands after the options */
	int (*run)(const struct opts *op, char **args);
} commands[] = {
	{ "check", CHECK_OPTS, 0, cmd_check },
	{ "judge", BIT(O_MANIFEST) | BIT(O_MARKS) | BIT(O_WORKDIR), 1, cmd_judge },
	{ "judge-dir", BIT(O_MANIFEST) | BIT(O_MARKS) | BIT(O_MAP) | BIT(O_RTRACE),
	  1, cmd_judge_dir },
	{ "judge-members", BIT(O_MANIFEST), 1, cmd_judge_members },
	{ "guest-judge", BIT(O_MANIFEST), 1, cmd_guest_judge },
	{ "last-fences", BIT(O_TRACE) | BIT(O_SYSMAP), 0, cmd_last_fences },
};

static int number(int o, const char *s, uint64_t min, uint64_t max,
		  uint64_t *v)
{
	char opt[32];

	snprintf(opt, sizeof(opt), "--%s", long_opts[o].name);
	return ct_opt_u64("ctoracle", opt, s, min, max, v);
}

/* A user's SIGINT, SIGTERM or SIGHUP: the file-system tool running for
 * us (its whole process group) must not outlive us, nor keep us waiting.
 * Until dx_stop_defer() (nothing created yet) ctoracle then dies of the
 * signal; after it the commands see dx_stop_signal(), write what they
 * must, remove their scratch directory and exit with 128 + N. */
static void kill_running_tool(int sig)
{
	(void)sig;
	dx_spawn_kill_running(SIGKILL);
}

int main(int argc, char **argv)
{
	struct opts op = { .max_reports = 20 };
	const struct command *cmd = NULL;
	int c;

	dx_stop_install(kill_running_tool, true);
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	if (!strcmp(argv[1], "--version")) {
		printf("ctoracle %s\n", CT_VERSION);
		return DX_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, "ctoracle: unknown command '%s'\n", argv[1]);
		return usage(stderr);
	}
	optind = 2;
	while ((c = getopt_long(argc, argv, "", long_opts, NULL)) != -1) {
		if (c == O_HELP)
			return usage(stdout);
		if (c == O_VERSION) {
			printf("ctoracle %s\n", CT_VERSION);
			return DX_EXIT_OK;
		}
		if (c < 0 || c >= O_NOPTS)
			return usage(stderr);
		if (!(cmd->opts & BIT(c))) {
			fprintf(stderr, "ctoracle %s: --%s does not apply\n",
				cmd->name, long_opts[c].name);
			return DX_EXIT_USAGE;
		}
		op.given |= BIT(c);
		switch (c) {
		case O_TRACE: op.trace = optarg; break;
		case O_MANIFEST: op.manifest = optarg; break;
		case O_OUT: op.out = optarg; break;
		case O_SCENARIO: op.scenario = optarg; break;
		case O_KERNEL: op.kernel = optarg; break;
		case O_SYSMAP: op.sysmap = optarg; break;
		case O_POINTS: op.points = optarg; break;
		case O_MODE: op.mode = optarg; break;
		case O_WORKDIR: op.workdir = optarg; break;
		case O_MARKS: op.marks = optarg; break;
		case O_MAP: op.map = optarg; break;
		case O_RTRACE: op.rtrace = optarg; break;
		case O_EXPORT: op.export_dir = optarg; break;
		case O_VERDICTS: op.verdicts = optarg; break;
		case O_SEED:
			if (number(c, optarg, 0, UINT64_MAX, &op.seed))
				return DX_EXIT_USAGE;
			break;
		case O_MAX_STATES:
			if (number(c, optarg, 0, UINT64_MAX, &op.max_states))
				return DX_EXIT_USAGE;
			break;
		case O_BUDGET:
			if (number(c, optarg, 1, 1ull << 40, &op.budget))
				return DX_EXIT_USAGE;
			break;
		case O_MAX_REPORTS:
			if (number(c, optarg, 0, 100000, &op.max_reports))
				return DX_EXIT_USAGE;
			break;
		}
	}
	if (argc - optind != cmd->nargs) {
		fprintf(stderr, "ctoracle %s: %s\n", cmd->name,
			cmd->nargs ? "one operand expected after the options" :
				     "no operands expected");
		return usage(stderr);
	}
	if (op.export_dir && op.verdicts) {
		fprintf(stderr, "ctoracle check: --export and --verdicts exclude each other\n");
		return DX_EXIT_USAGE;
	}
	return cmd->run(&op, argv + optind);
}
