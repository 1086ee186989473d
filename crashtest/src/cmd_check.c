// SPDX-License-Identifier: MIT
/* pmsim check: enumerate crash states and run an external checker. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "daxlab/files.h"
#include "pmsim.h"

/* A run that would go on for hours stops here and says so (0: no bound). */
#define DEFAULT_MAX_STATES 10000000ull
/* Progress on a terminal: the first report after this, then as often. */
#define DEFAULT_PROGRESS_S 10.0

struct check_args {
	const char *trace, *checker, *image, *repro_dir;
	const char *server;	/* --checker-server CMD */
	double timeout, progress;	/* progress 0: none */
	bool force;
	struct pmsim_opts o;
};

static int parse(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "checker", required_argument, NULL, 'c' },
		{ "checker-server", required_argument, NULL, 'S' },
		{ "crash-points", required_argument, NULL, 'p' },
		{ "mode", required_argument, NULL, 'm' },
		{ "seed", required_argument, NULL, 's' },
		{ "eadr", no_argument, NULL, 'e' },
		{ "per-word", no_argument, NULL, 'w' },
		{ "max-states", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "image", required_argument, NULL, 'i' },
		{ "repro-dir", required_argument, NULL, 'r' },
		{ "max-reports", required_argument, NULL, 'R' },
		{ "stop-on-violation", no_argument, NULL, 'x' },
		{ "max-points", required_argument, NULL, 'P' },
		{ "force", no_argument, NULL, 'f' },
		{ "progress", optional_argument, NULL, 'g' },
		{ 0 }
	};
	uint64_t v;
	int c;

	pmsim_opts_default(&a->o);
	a->o.max_states = DEFAULT_MAX_STATES;
	a->timeout = 60;
	a->progress = isatty(2) ? DEFAULT_PROGRESS_S : 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "c:p:m:s:ewM:t:i:r:R:xP:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': a->checker = optarg; break;
		case 'S': a->server = optarg; break;
		case 'p':
			if (pmsim_parse_points(&a->o, optarg))
				return cli_error(DX_EXIT_USAGE, "%s", pmsim_errmsg());
			break;
		case 'm':
			if (pmsim_parse_mode(&a->o, optarg))
				return cli_error(DX_EXIT_USAGE, "%s", pmsim_errmsg());
			break;
		case 's':
			if (cli_u64("--seed", optarg, 0, UINT64_MAX, &a->o.seed))
				return DX_EXIT_USAGE;
			break;
		case 'e': a->o.eadr = 1; break;
		case 'w': a->o.per_word = 1; break;
		case 'M':
			if (cli_u64("--max-states", optarg, 0, UINT64_MAX, &a->o.max_states))
				return DX_EXIT_USAGE;
			break;
		case 't':
			if (cli_seconds("--timeout", optarg, 0.001, 7 * 86400.0, &a->timeout))
				return DX_EXIT_USAGE;
			break;
		case 'i': a->image = optarg; break;
		case 'r': a->repro_dir = optarg; break;
		case 'R':
			if (cli_u64("--max-reports", optarg, 0, UINT_MAX, &v))
				return DX_EXIT_USAGE;
			a->o.max_reports = (unsigned)v;
			break;
		case 'x': a->o.stop_on_violation = 1; break;
		case 'P':
			if (cli_u64("--max-points", optarg, 0, UINT64_MAX, &a->o.max_points))
				return DX_EXIT_USAGE;
			break;
		case 'f': a->force = true; break;
		case 'g':
			a->progress = DEFAULT_PROGRESS_S;
			if (optarg && cli_seconds("--progress", optarg, 0.001, 86400.0,
						  &a->progress))
				return DX_EXIT_USAGE;
			break;
		default:
			return cli_error(DX_EXIT_USAGE, "check: unknown option or missing value: %s "
					 "(pmsim check --help)", argv[optind - 1]);
		}
	}
	if (optind != argc - 1)
		return cli_error(DX_EXIT_USAGE, "check: exactly one TRACE is needed");
	if (!a->checker == !a->server)
		return cli_error(DX_EXIT_USAGE, "check: one of --checker CMD and "
				 "--checker-server CMD is required");
	if (a->server && a->image)
		return cli_error(DX_EXIT_USAGE, "check: --image is for --checker: the checker "
				 "server's image is a memfd");
	a->trace = argv[optind];
	return 0;
}

/* Is out one of the run's inputs: the trace or an image file it names? */
static const char *input_named(const struct pmsim_trace *t, const char *trace,
			       const char *out)
{
	static char what[64];

	if (dx_same_file(out, trace))
		return "the trace";
	for (size_t i = 0; i < pmsim_trace_nevents(t); i++) {
		const struct pmsim_event *e = pmsim_trace_event(t, i);
		const char *p = (const char *)e->payload;
		char path[PATH_MAX + 1];

		if (e->type != PMTRACE_IMAGE || e->kind != PMTRACE_IMAGE_FILE)
			continue;
		if (p[0] == '/')
			snprintf(path, sizeof(path), "%s", p);
		else
			snprintf(path, sizeof(path), "%s/%s", pmsim_trace_dir(t), p);
		if (dx_same_file(out, path)) {
			snprintf(what, sizeof(what), "an image file of the trace (event %zu)", i);
			return what;
		}
	}
	return NULL;
}

static bool is_repro_name(const char *n)
{
	size_t len = strlen(n);

	return !strncmp(n, "violation-", 10) && len > 16 && !strcmp(n + len - 6, ".repro");
}

/*
 * Outputs: --image must not be an input and is not replaced unless
 * --force; reproducers already in --repro-dir are not replaced unless
 * --force, which removes them first (never an input).
 */
static int check_outputs(const struct check_args *a, const struct pmsim_trace *t)
{
	const char *what;
	DIR *d;
	struct dirent *de;
	char path[PATH_MAX];
	int status = 0;

	if (a->image && (what = input_named(t, a->trace, a->image)))
		return cli_error(DX_EXIT_USAGE, "--image %s is %s: refusing to overwrite an input",
				 a->image, what);
	if (a->image && !a->force && !access(a->image, F_OK))
		return cli_error(DX_EXIT_USAGE, "--image %s exists (--force replaces it)", a->image);
	if (!a->repro_dir)
		return 0;
	if (mkdir(a->repro_dir, 0755) && errno != EEXIST)
		return cli_error(errno == ENOSPC || errno == EDQUOT ? DX_EXIT_RESOURCES :
				 DX_EXIT_USAGE, "--repro-dir %s: %s", a->repro_dir, strerror(errno));
	d = opendir(a->repro_dir);
	if (!d)
		return cli_error(DX_EXIT_USAGE, "--repro-dir %s: %s", a->repro_dir, strerror(errno));
	while (!status && (de = readdir(d))) {
		if (!is_repro_name(de->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/%s", a->repro_dir, de->d_name);
		if ((what = input_named(t, a->trace, path)))
			status = cli_error(DX_EXIT_USAGE, "%s is %s: refusing to overwrite an input",
					   path, what);
		else if (!a->force)
			status = cli_error(DX_EXIT_USAGE, "--repro-dir %s holds reproducers already "
					   "(%s; --force replaces them)", a->repro_dir, de->d_name);
		else if (unlink(path))
			status = cli_error(DX_EXIT_FINDING, "%s: %s", path, strerror(errno));
	}
	closedir(d);
	return status;
}

static void mode_name(const struct pmsim_opts *o, char *buf, size_t n)
{
	static const char *const pts[] = { "fence", "event", "mark" };

	if (o->mode == PMSIM_EXHAUSTIVE)
		snprintf(buf, n, "exhaustive, crash points: %s", pts[o->points]);
	else if (o->mode == PMSIM_BOUNDED && o->mode_arg == 0)
		snprintf(buf, n, "durable, crash points: %s", pts[o->points]);
	else
		snprintf(buf, n, "%s:%" PRIu64 ", crash points: %s",
			 o->mode == PMSIM_BOUNDED ? "bounded" : "random",
			 o->mode_arg, pts[o->points]);
}

static void duration(double s, char *buf, size_t n)
{
	if (s < 120)
		snprintf(buf, n, "%.0f s", s);
	else if (s < 7200)
		snprintf(buf, n, "%.0f min", s / 60);
	else
		snprintf(buf, n, "%.1f h", s / 3600);
}

/* One progress line on stderr, with an estimate of the time left from
 * the crash points finished (or the events simulated before the first). */
static void progress(void *arg, const struct pmsim_progress *p)
{
	char el[32], left[48] = "unknown";
	double frac = p->points ? (double)p->points_done / (double)p->points : 0;

	(void)arg;
	if (!p->points_done && p->events)
		frac = (double)p->event / (double)p->events;
	if (frac > 0 && frac < 1) {
		duration(p->seconds / frac * (1 - frac), left + 6, sizeof(left) - 6);
		memcpy(left, "about ", 6);
	}
	duration(p->seconds, el, sizeof(el));
	fprintf(stderr, "pmsim: progress: crash point %" PRIu64 " of %" PRIu64
		" (%.1f%%), event %" PRIu64 " of %" PRIu64 ", %" PRIu64 " states (%"
		PRIu64 " distinct, %" PRIu64 " violations), %.0f states/s, %s elapsed, %s left\n",
		p->points_done, p->points, p->points ? 100.0 * (double)p->points_done /
		(double)p->points : 100.0, p->event, p->events, p->explored, p->distinct,
		p->violations, p->seconds > 0 ? (double)p->explored / p->seconds : 0.0, el, left);
}

static int reports(const struct pmsim_trace *t, const struct check_args *a,
		   const struct pmsim_result *res)
{
	for (size_t i = 0; i < res->nreports; i++) {
		fflush(stdout);
		pmsim_violation_print(t, &res->reports[i], 1);
		if (a->repro_dir) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "%s/violation-%zu.repro", a->repro_dir, i + 1);
			if (pmsim_repro_write(t, &a->o, &res->reports[i], path))
				return cli_lib_error(DX_EXIT_FINDING);
			printf("  reproducer: %s (pmsim replay %s -o IMAGE)\n", path, path);
		}
	}
	if (res->violations + res->drain_violations > res->nreports)
		printf("(%" PRIu64 " more violations not shown; --max-reports)\n",
		       res->violations + res->drain_violations - res->nreports);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct pmsim_exec_checker *ec = NULL;
	struct pmsim_server_checker *sc = NULL;
	struct pmsim_trace *t = NULL;
	struct pmsim_checker chk;
	struct pmsim_result res;
	char mode[96];
	bool complete;
	int r = parse(argc, argv, &a);

	if (r)
		return r;
	if (pmsim_trace_open(&t, a.trace))
		return cli_lib_error(DX_EXIT_USAGE);
	r = check_outputs(&a, t);
	if (!r && (a.server ? pmsim_server_checker_new(&sc, a.server, a.timeout) :
		   pmsim_exec_checker_new(&ec, a.checker, a.image, a.timeout)))
		r = cli_lib_error(DX_EXIT_FINDING);
	if (r) {
		pmsim_trace_free(t);
		return r;
	}
	if (a.progress > 0) {
		a.o.progress = progress;
		a.o.progress_ns = (uint64_t)(a.progress * 1e9);
	}
	chk = sc ? pmsim_server_checker_ops(sc) : pmsim_exec_checker_ops(ec);
	r = pmsim_run(t, &a.o, &chk, &res);
	/* the server's verdicts count only if it ends as the protocol says */
	if (!r && sc)
		r = pmsim_server_checker_finish(sc);
	mode_name(&a.o, mode, sizeof(mode));
	if (r) {
		r = cli_lib_error(DX_EXIT_FINDING);
		fprintf(stderr, "pmsim: stopped after %" PRIu64 " crash points, %" PRIu64
			" states explored, %" PRIu64 " distinct\n",
			res.crash_points, res.explored, res.distinct);
	} else {
		printf("pmsim: %s: %s%s%s\n", a.trace, mode, a.o.eadr ? ", eADR" : "",
		       a.o.per_word ? ", per-word" : "");
		printf("pmsim: %" PRIu64 " crash points, %" PRIu64 " states explored, %" PRIu64
		       " distinct, %" PRIu64 " violation%s (%.3f s)\n",
		       res.crash_points, res.explored, res.distinct, res.violations,
		       res.violations == 1 ? "" : "s", res.seconds);
		if (res.drains)
			printf("pmsim: %" PRIu64 " drain mark%s checked, %" PRIu64
			       " claim%s false\n", res.drains,
			       res.drains == 1 ? "" : "s", res.drain_violations,
			       res.drain_violations == 1 ? "" : "s");
		if (ec && pmsim_exec_checker_rewrites(ec))
			printf("pmsim: the checker changed the image file %" PRIu64
			       " time%s; each time the next state was written whole\n",
			       pmsim_exec_checker_rewrites(ec),
			       pmsim_exec_checker_rewrites(ec) == 1 ? "" : "s");
		if (res.bounded)
			printf("pmsim: BOUNDED: %s\n", res.bound_reason);
		complete = !res.bounded && res.points_checked == res.points_total;
		if (!complete)
			printf("pmsim: INCOMPLETE: %" PRIu64 " of %" PRIu64
			       " crash points checked (%.1f%%)%s\n",
			       res.points_checked, res.points_total,
			       res.points_total ? 100.0 * (double)res.points_checked /
			       (double)res.points_total : 0.0,
			       /* crash_points counts the visited ones: a
				* bound stops the visits too, so only a
				* --max-points below the total sampled */
			       a.o.max_points && a.o.max_points < res.points_total ?
			       "; --max-points sampled the others out" :
			       res.bounded ? "; the bound above stopped the rest" : "");
		r = reports(t, &a, &res);
		if (!r)
			r = res.violations || res.drain_violations ? DX_EXIT_FINDING :
			    complete ? DX_EXIT_OK : DX_EXIT_INCOMPLETE;
	}
	pmsim_result_free(&res);
	pmsim_exec_checker_free(ec);
	pmsim_server_checker_free(sc);
	pmsim_trace_free(t);
	return r;
}
