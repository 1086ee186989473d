/* SPDX-License-Identifier: MIT */
/*
 * ctoracle: the crash-test oracles.
 *
 *   ctoracle check --trace T --manifest M --out DIR [--scenario S]
 *       [--kernel K] [--system-map F] [--crash-points fence|event|mark]
 *       [--mode exhaustive|bounded:K|durable|random:N] [--seed S]
 *       [--max-states N] [--budget N] [--max-reports N] [--workdir W]
 *     Enumerate the crash images of trace T with libpmsim and judge each
 *     in process: file-system checker after recovery, and the promises of
 *     manifest M for the marks reached. Writes DIR/result.json,
 *     DIR/violations.txt and DIR/violations/NNN.{txt,repro}.
 *     --budget N spreads about N states over the whole trace: the
 *     guaranteed-durable state at every mark, then random sampling with
 *     N / (crash points) states per point (at least 1), so a bound never
 *     cuts off the end of the trace. Drain marks (the tracer's drain=
 *     points) are checked too: a flush the driver completes while
 *     written-back stores still wait for a fence breaks the flush contract.
 *     Exit 0: no violation; 1: violations; 2: could not run; 3: partial.
 *
 *     --export DIR: judge nothing, write each image with a new verdict key
 *     to DIR (xfs: the guest mounts them, see oracles/guest-judge);
 *     --verdicts FILE: take the verdicts the guest wrote (second pass).
 *
 *   ctoracle judge-dir --manifest M --marks 'ID ...' ROOT
 *     The durability check on a file system mounted at ROOT; prints
 *     "ok", or "durability MARK MESSAGE". Exit 0 ok, 1 violation, 2 error.
 *
 *   ctoracle last-fences --trace T [--system-map F]
 *     For every mark, the last fence before it and the function it ran in
 *     (what made the promise durable), counted by function.
 *
 *   ctoracle judge --manifest M [--marks 'ID ...'] [--workdir W] IMAGE
 *     Judge one region image (an external checker for pmsim check, or a
 *     replayed reproducer). Marks also come from $PMSIM_MARKS.
 *     Exit 0: consistent; 1: not; 2: could not judge.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "judge.h"
#include "ctmanifest.h"
#include "pmsim.h"
#include "report.h"
#include "sym.h"
#include "trace_scan.h"

struct opts {
	const char *trace, *manifest, *out, *scenario, *kernel, *sysmap;
	const char *points, *mode, *workdir, *marks, *export_dir, *verdicts;
	uint64_t seed, max_states, budget;
	unsigned max_reports;
};

struct check_ctx {
	struct judge *j;
	uint64_t base;
	uint64_t size;
	struct found *found;
	size_t nfound, capfound;
	uint64_t dur, fsck, errors;
	uint64_t *ids;
	size_t capids;
	int fatal;
	char fatal_msg[1024];
	/* Crash-point sampling: judge every stride-th crash point only. */
	uint64_t stride, point_no, last_event, skipped;
	int have_event;
	double last_progress, start;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: ctoracle check --trace T --manifest M --out DIR [options]\n"
		"       ctoracle judge --manifest M [--marks 'ID ...'] IMAGE\n"
		"       ctoracle judge-dir --manifest M --marks 'ID ...' ROOT\n"
		"       ctoracle last-fences --trace T [--system-map F]\n"
		"options: --scenario S --kernel K --system-map F --crash-points P\n"
		"         --mode M --seed S --max-states N --budget N --max-reports N\n"
		"         --workdir W\n"
		"         --export DIR | --verdicts FILE (xfs: judged in a guest)\n");
	return 2;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

static const char *default_workdir(char *buf, size_t len)
{
	const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";

	snprintf(buf, len, "%s/ctoracle.%ld", base, (long)getpid());
	return buf;
}

/* ---- the in-process checker ---------------------------------------------- */

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
	if (!region)
		return pmsim_seterr("crash image lacks the region");
	if (!c->have_event || crash->event != c->last_event) {
		c->have_event = 1;
		c->last_event = crash->event;
		c->point_no++;
	}
	if (c->stride > 1 && (c->point_no - 1) % c->stride) {
		c->skipped++;
		return 0;
	}
	if (crash->nmarks > c->capids) {
		free(c->ids);
		c->capids = crash->nmarks * 2;
		c->ids = malloc(c->capids * sizeof(*c->ids));
		if (!c->ids)
			return pmsim_seterr("out of memory");
	}
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
	if (c->nfound == c->capfound) {
		size_t cap = c->capfound ? 2 * c->capfound : 64;
		struct found *nf = realloc(c->found, cap * sizeof(*nf));

		if (!nf)
			return pmsim_seterr("out of memory");
		c->found = nf;
		c->capfound = cap;
	}
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

/* Crash points pmsim will visit for kind: fences (not lfence) + end. */
static uint64_t crash_points(const struct pmsim_trace *t,
			     enum pmsim_crash_points kind)
{
	uint64_t n = 1;

	for (size_t i = 0; i < pmsim_trace_nevents(t); i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);

		if (kind == PMSIM_AT_EVENT ||
		    (kind == PMSIM_AT_MARK && e->type == PMTRACE_MARK &&
		     !pmtrace_is_drain_label((const char *)e->payload)) ||
		    (kind == PMSIM_AT_FENCE && e->type == PMTRACE_FENCE &&
		     e->kind != PMTRACE_FENCE_LFENCE))
			n++;
	}
	return n;
}

static int cmd_check(const struct opts *op)
{
	struct ctm_manifest m = { 0 };
	struct pmsim_trace *t = NULL;
	struct pmsim_opts po;
	struct pmsim_result res;
	struct pmsim_checker chk;
	struct trace_scan sc = { 0 };
	struct symtab *syms = NULL;
	struct check_ctx c = { 0 };
	struct run_info ri;
	char err[1024], wd[256], path[4096];
	enum fs_type fs;
	struct stat st;
	double t0, t1, t2;
	int partial = 0, rc, status = 2, made_wd = 0;
	const char *why = NULL;
	FILE *summary;
	unsigned nrep = 0;
	char budget_mode[96] = "";
	struct pmsim_opts pass[3];
	int npass;
	struct pmsim_result total = { 0 };
	uint64_t stride = 1;

	if (!op->trace || !op->manifest || !op->out)
		return usage();
	if (ctm_load(&m, op->manifest, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		return 2;
	}
	if (fs_type_parse(m.h.fs, &fs)) {
		fprintf(stderr, "ctoracle: %s: unknown file system '%s'\n",
			op->manifest, m.h.fs);
		goto out;
	}
	if (symtab_load(&syms, op->sysmap, err, sizeof(err))) {
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
	po.max_reports = op->max_reports;
	t0 = now_s();
	if (pmsim_trace_open(&t, op->trace)) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		goto out;
	}
	if (trace_scan(t, &sc, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s: %s\n", op->trace, err);
		goto out;
	}
	npass = 1;
	pass[0] = po;
	if (op->budget) {
		/* Marks first: right after a promise returns, with many random
		 * states each, is where a lost promised line shows. Then every
		 * fence, for the consistency of what is in flight. */
		uint64_t marks = crash_points(t, PMSIM_AT_MARK);
		uint64_t points = crash_points(t, po.points), per;

		per = op->budget / 3 / (marks ? marks : 1);
		/* The guaranteed-durable state at each mark first: it makes
		 * the durability check of every promise deterministic. */
		pass[0].points = PMSIM_AT_MARK;
		pass[0].mode = PMSIM_BOUNDED;
		pass[0].mode_arg = 0;
		pass[0].max_states = marks + 1;
		pass[1] = pass[0];
		pass[1].mode = PMSIM_RANDOM;
		pass[1].mode_arg = per > 4 ? per : 4;
		pass[1].max_states = 2 * op->budget + marks;
		per = op->budget * 2 / 3 / (points ? points : 1);
		pass[2] = po;
		pass[2].mode = PMSIM_RANDOM;
		pass[2].mode_arg = per ? per : 1;
		pass[2].max_states = 2 * op->budget + points;
		npass = 3;
		/* More crash points than the budget: judge every stride-th. */
		stride = per ? 1 : (points + op->budget * 2 / 3 - 1) /
				   (op->budget * 2 / 3 ? op->budget * 2 / 3 : 1);
		snprintf(budget_mode, sizeof(budget_mode),
			 "durable + random:%" PRIu64 " at marks, random:%" PRIu64
			 " at every %s%s", pass[1].mode_arg, pass[2].mode_arg,
			 stride > 1 ? "" : op->points ? op->points : "fence",
			 stride > 1 ? "Nth fence" : "");
		if (stride > 1)
			snprintf(budget_mode + strlen(budget_mode),
				 sizeof(budget_mode) - strlen(budget_mode),
				 " (N = %" PRIu64 ")", stride);
	}
	snprintf(path, sizeof(path), "%s/violations", op->out);
	if ((mkdir(op->out, 0755) && errno != EEXIST) ||
	    (mkdir(path, 0755) && errno != EEXIST)) {
		fprintf(stderr, "ctoracle: cannot create %s: %s\n", path,
			strerror(errno));
		goto out;
	}
	made_wd = !op->workdir;
	if (judge_new(&c.j, &m, fs, sc.base, sc.final, sc.size, sc.touched,
		      op->workdir ? op->workdir : default_workdir(wd, sizeof(wd)),
		      err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		goto out;
	}
	if ((op->export_dir && judge_export(c.j, op->export_dir, err, sizeof(err))) ||
	    (op->verdicts && judge_load_verdicts(c.j, op->verdicts, err, sizeof(err)))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		goto out;
	}
	trace_scan_outside(t, &sc, judge_location(c.j)->fs_start,
			   judge_location(c.j)->fs_start + judge_location(c.j)->fs_size);
	c.base = sc.base_addr;
	c.size = sc.size;
	c.start = c.last_progress = t1 = now_s();
	chk = (struct pmsim_checker){ check_cb, &c, "ctoracle" };
	ri = (struct run_info){
		.scenario = op->scenario ? op->scenario : m.h.scenario,
		.kernel = op->kernel ? op->kernel : "",
		.trace_path = op->trace, .manifest_path = op->manifest,
		.outdir = op->out,
		.mode = budget_mode[0] ? budget_mode : op->mode ? op->mode : "exhaustive",
		.points = op->points ? op->points : "fence", .m = &m,
		.syms = syms, .t = t,
		.fs_addr = sc.base_addr + judge_location(c.j)->fs_start,
	};
	snprintf(path, sizeof(path), "%s/violations.txt", op->out);
	summary = fopen(path, "w");
	for (int p = 0; p < npass && !partial; p++) {
		/* The marks pass judges every point; the fence pass samples. */
		c.stride = p == npass - 1 ? stride : 1;
		c.point_no = 0;
		c.have_event = 0;
		rc = pmsim_run(t, &pass[p], &chk, &res);
		if (rc) {
			partial = 1;
			why = pmsim_errmsg();
			fprintf(stderr, "ctoracle: the run stopped early: %s\n", why);
			break;
		}
		total.crash_points += res.crash_points;
		total.explored += res.explored;
		total.distinct += res.distinct;
		total.violations += res.violations;
		/* every pass checks the same drain marks: count them once */
		if (p == 0) {
			total.drains = res.drains;
			total.drain_violations = res.drain_violations;
		}
		if (res.bounded && !total.bounded) {
			total.bounded = 1;
			memcpy(total.bound_reason, res.bound_reason,
			       sizeof(total.bound_reason));
		}
		/* Reports name states of this pass; the reproducer needs its
		 * options. Durability violations first. */
		ri.o = &pass[p];
		for (size_t i = 0; i < res.nreports && p == 0; i++)
			if (res.reports[i].drain &&
			    report_drain(&ri, &res.reports[i], ++nrep, summary))
				partial = 1;
		for (int rank = 0; rank < 2; rank++)
			for (size_t i = 0; i < res.nreports; i++) {
				const struct pmsim_violation *pv = &res.reports[i];
				const struct verdict *v = find_verdict(&c, &pv->crash);

				if (pv->drain || !v || report_rank(&c, pv) != rank)
					continue;
				if (report_violation(&ri, pv, v, ++nrep, summary))
					partial = 1;
			}
		c.nfound = 0;
		pmsim_result_free(&res);
	}
	t2 = now_s();
	if (c.errors) {
		partial = 1;
		why = c.fatal_msg;
		fprintf(stderr, "ctoracle: %" PRIu64 " images could not be judged: %s\n",
			c.errors, c.fatal_msg);
	}
	if (summary)
		fclose(summary);
	stat(op->trace, &st);
	if (report_json(&ri, &total, c.j, &sc, (uint64_t)st.st_size, partial, why,
			t1 - t0, t2 - t1, c.dur, c.fsck, c.errors, c.skipped))
		partial = 1;
	fprintf(stderr, "ctoracle: %s: %" PRIu64 " crash points, %" PRIu64
		" states, %" PRIu64 " distinct images in %.1f s (%.1f/s; %" PRIu64
		" judged, %" PRIu64 " cached): %" PRIu64 " durability, %" PRIu64
		" fsck, %" PRIu64 " flush-contract violations%s%s\n",
		ri.scenario, total.crash_points, total.explored, total.distinct, t2 - t1,
		t2 > t1 ? (double)total.distinct / (t2 - t1) : 0.0,
		judge_stats(c.j)->judged, judge_stats(c.j)->cache_hits, c.dur,
		c.fsck, total.drain_violations, total.bounded ? " (bounded)" : "",
		c.skipped ? " (crash points sampled)" : "");
	status = partial ? 3 : c.dur + c.fsck + total.drain_violations ? 1 : 0;
out:
	judge_free(c.j);
	if (made_wd) {
		snprintf(path, sizeof(path), "rm -rf '%s'", wd);
		if (system(path) != 0)
			fprintf(stderr, "ctoracle: could not remove %s\n", wd);
	}
	free(c.found);
	free(c.ids);
	trace_scan_free(&sc);
	symtab_free(syms);
	pmsim_trace_free(t);
	ctm_free(&m);
	return status;
}

/* ---- a mounted file system ------------------------------------------------ */

static size_t parse_marks(const char *marks, uint64_t *ids, size_t max)
{
	size_t n = 0;

	for (const char *p = marks; p && *p && n < max;) {
		char *end;
		unsigned long long id = strtoull(p, &end, 0);

		if (end == p) {
			if (*p != ' ' && *p != ',')
				return SIZE_MAX;
			p++;
			continue;
		}
		ids[n++] = id;
		p = end;
	}
	return n;
}

static int cmd_judge_dir(const struct opts *op, const char *root)
{
	uint64_t ids[4096];
	size_t n;
	struct ctm_manifest m;
	struct verdict v;
	char err[1024];

	if (!op->manifest)
		return usage();
	if (ctm_load(&m, op->manifest, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		return 2;
	}
	n = parse_marks(op->marks, ids, 4096);
	if (n == SIZE_MAX) {
		fprintf(stderr, "ctoracle: bad mark list '%s'\n", op->marks);
		return 2;
	}
	judge_mounted(&m, root, ids, n, &v);
	ctm_free(&m);
	if (v.error) {
		printf("error 0 %s\n", v.msg);
		return 2;
	}
	if (v.durability_bad) {
		printf("durability %" PRIu64 " %s\n", v.mark, v.msg);
		return 1;
	}
	printf("ok 0 last mark %" PRIu64 "\n", v.last_mark);
	return 0;
}

/* ---- which fence made each promise durable -------------------------------- */

static int cmd_last_fences(const struct opts *op)
{
	struct pmsim_trace *t = NULL;
	struct symtab *syms = NULL;
	const struct pmsim_event *fence = NULL;
	char err[512], sym[256];
	struct { char name[256]; unsigned n; } count[64];
	size_t ncount = 0;

	if (!op->trace)
		return usage();
	if (symtab_load(&syms, op->sysmap, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		symtab_free(syms);
		return 2;
	}
	if (pmsim_trace_open(&t, op->trace)) {
		fprintf(stderr, "ctoracle: %s\n", pmsim_errmsg());
		symtab_free(syms);
		return 2;
	}
	for (size_t i = 0; i < pmsim_trace_nevents(t); i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		size_t k;

		if (e->type == PMTRACE_FENCE && e->kind != PMTRACE_FENCE_LFENCE)
			fence = e;
		if (e->type != PMTRACE_MARK)
			continue;
		symtab_name(syms, fence ? fence->pc : 0, sym, sizeof(sym));
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
	symtab_free(syms);
	return 0;
}

/* ---- one image ------------------------------------------------------------ */

static int cmd_judge(const struct opts *op, const char *image)
{
	const char *marks = op->marks ? op->marks : getenv("PMSIM_MARKS");
	uint64_t ids[4096];
	size_t n = 0;
	struct ctm_manifest m;
	struct judge *j = NULL;
	struct verdict v;
	char err[1024], wd[256], cmd[512];
	enum fs_type fs;
	struct stat st;
	void *map;
	int fd, rc;

	if (!op->manifest)
		return usage();
	if (ctm_load(&m, op->manifest, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s\n", err);
		return 2;
	}
	if (fs_type_parse(m.h.fs, &fs)) {
		fprintf(stderr, "ctoracle: unknown file system '%s'\n", m.h.fs);
		return 2;
	}
	n = parse_marks(marks, ids, 4096);
	if (n == SIZE_MAX) {
		fprintf(stderr, "ctoracle: bad mark list '%s'\n", marks);
		return 2;
	}
	fd = open(image, O_RDONLY);
	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "ctoracle: cannot open image %s: %s\n", image,
			strerror(errno));
		return 2;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		fprintf(stderr, "ctoracle: cannot map %s: %s\n", image,
			strerror(errno));
		return 2;
	}
	if (!op->workdir)
		default_workdir(wd, sizeof(wd));
	if (judge_new_image(&j, &m, fs, map, (uint64_t)st.st_size,
			    op->workdir ? op->workdir : wd, err, sizeof(err))) {
		fprintf(stderr, "ctoracle: %s: %s\n", image, err);
		judge_free(j);
		return 2;
	}
	judge_image(j, map, ids, n, &v);
	if (v.error) {
		fprintf(stderr, "ctoracle: could not judge %s: %s\n", image, v.msg);
		rc = 2;
	} else if (v.fsck_bad || v.durability_bad) {
		printf("%s violation (last mark %" PRIu64 ", promise of mark %" PRIu64 "): %s\n",
		       v.durability_bad ? "durability" : "fsck", v.last_mark,
		       v.mark, v.msg);
		rc = 1;
	} else {
		printf("consistent (last mark %" PRIu64 ")\n", v.last_mark);
		rc = 0;
	}
	judge_free(j);
	munmap(map, (size_t)st.st_size);
	ctm_free(&m);
	if (!op->workdir) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", wd);
		if (system(cmd) != 0)
			fprintf(stderr, "ctoracle: could not remove %s\n", wd);
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "trace", required_argument, NULL, 't' },
		{ "manifest", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "scenario", required_argument, NULL, 's' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "system-map", required_argument, NULL, 'y' },
		{ "crash-points", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'M' },
		{ "seed", required_argument, NULL, 'S' },
		{ "max-states", required_argument, NULL, 'n' },
		{ "budget", required_argument, NULL, 'B' },
		{ "max-reports", required_argument, NULL, 'r' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "marks", required_argument, NULL, 'K' },
		{ "export", required_argument, NULL, 'E' },
		{ "verdicts", required_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts op = { .max_reports = 20 };
	const char *cmd;
	uint64_t v;
	int c;

	if (argc < 2)
		return usage();
	cmd = argv[1];
	optind = 2;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 't': op.trace = optarg; break;
		case 'm': op.manifest = optarg; break;
		case 'o': op.out = optarg; break;
		case 's': op.scenario = optarg; break;
		case 'k': op.kernel = optarg; break;
		case 'y': op.sysmap = optarg; break;
		case 'p': op.points = optarg; break;
		case 'M': op.mode = optarg; break;
		case 'w': op.workdir = optarg; break;
		case 'K': op.marks = optarg; break;
		case 'E': op.export_dir = optarg; break;
		case 'V': op.verdicts = optarg; break;
		case 'S':
		case 'n':
		case 'B':
		case 'r':
			if (parse_u64(optarg, &v)) {
				fprintf(stderr, "ctoracle: '%s' is not a number\n", optarg);
				return 2;
			}
			if (c == 'S')
				op.seed = v;
			else if (c == 'n')
				op.max_states = v;
			else if (c == 'B')
				op.budget = v;
			else
				op.max_reports = (unsigned)v;
			break;
		default:
			return usage();
		}
	}
	if (!strcmp(cmd, "check") && optind == argc)
		return cmd_check(&op);
	if (!strcmp(cmd, "last-fences") && optind == argc)
		return cmd_last_fences(&op);
	if (!strcmp(cmd, "judge-dir") && optind == argc - 1)
		return cmd_judge_dir(&op, argv[optind]);
	if (!strcmp(cmd, "judge") && optind == argc - 1)
		return cmd_judge(&op, argv[optind]);
	return usage();
}
