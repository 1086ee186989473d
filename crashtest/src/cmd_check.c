// SPDX-License-Identifier: MIT
/* pmsim check: enumerate crash states and run an external checker. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "pmsim.h"

/* A run that would go on for hours stops here and says so (0: no bound). */
#define DEFAULT_MAX_STATES 10000000ull

struct check_args {
	const char *trace, *checker, *image, *repro_dir;
	double timeout;
	struct pmsim_opts o;
};

static int parse(int argc, char **argv, struct check_args *a)
{
	static const struct option longopts[] = {
		{ "checker", required_argument, NULL, 'c' },
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
		{ 0 }
	};
	unsigned long long v;
	char *end;
	int c;

	pmsim_opts_default(&a->o);
	a->o.max_states = DEFAULT_MAX_STATES;
	a->timeout = 60;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:p:m:s:ewM:t:i:r:R:xP:", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': a->checker = optarg; break;
		case 'p':
			if (pmsim_parse_points(&a->o, optarg))
				return cli_error("%s", pmsim_errmsg());
			break;
		case 'm':
			if (pmsim_parse_mode(&a->o, optarg))
				return cli_error("%s", pmsim_errmsg());
			break;
		case 's':
			if (cli_number("--seed", optarg, &v))
				return EXIT_ERROR;
			a->o.seed = v;
			break;
		case 'e': a->o.eadr = 1; break;
		case 'w': a->o.per_word = 1; break;
		case 'M':
			if (cli_number("--max-states", optarg, &v))
				return EXIT_ERROR;
			a->o.max_states = v;
			break;
		case 't':
			errno = 0;
			a->timeout = strtod(optarg, &end);
			if (errno || *end || !(a->timeout > 0))
				return cli_error("--timeout: \"%s\" is not a positive number of seconds", optarg);
			break;
		case 'i': a->image = optarg; break;
		case 'r': a->repro_dir = optarg; break;
		case 'R':
			if (cli_number("--max-reports", optarg, &v))
				return EXIT_ERROR;
			a->o.max_reports = (unsigned)v;
			break;
		case 'x': a->o.stop_on_violation = 1; break;
		case 'P':
			if (cli_number("--max-points", optarg, &v))
				return EXIT_ERROR;
			a->o.max_points = v;
			break;
		default:
			return cli_error("check: bad option (see pmsim --help)");
		}
	}
	if (optind != argc - 1)
		return cli_error("check: exactly one TRACE is needed");
	if (!a->checker)
		return cli_error("check: --checker CMD is required");
	a->trace = argv[optind];
	return 0;
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

static int reports(const struct pmsim_trace *t, const struct check_args *a,
		   const struct pmsim_result *res)
{
	for (size_t i = 0; i < res->nreports; i++) {
		fflush(stdout);
		pmsim_violation_print(t, &res->reports[i], 1);
		if (a->repro_dir) {
			char path[4096];

			snprintf(path, sizeof(path), "%s/violation-%zu.repro", a->repro_dir, i + 1);
			if (pmsim_repro_write(t, &a->o, &res->reports[i], path))
				return cli_error("%s", pmsim_errmsg());
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
	struct pmsim_trace *t = NULL;
	struct pmsim_checker chk;
	struct pmsim_result res;
	char mode[96];
	bool complete;
	int r = parse(argc, argv, &a);

	if (r)
		return r;
	if (a.repro_dir && mkdir(a.repro_dir, 0755) && errno != EEXIST)
		return cli_error("%s: %s", a.repro_dir, strerror(errno));
	if (pmsim_trace_open(&t, a.trace))
		return cli_error("%s", pmsim_errmsg());
	if (pmsim_exec_checker_new(&ec, a.checker, a.image, a.timeout)) {
		pmsim_trace_free(t);
		return cli_error("%s", pmsim_errmsg());
	}
	chk = pmsim_exec_checker_ops(ec);
	r = pmsim_run(t, &a.o, &chk, &res);
	mode_name(&a.o, mode, sizeof(mode));
	if (r) {
		cli_error("%s", pmsim_errmsg());
		fprintf(stderr, "pmsim: stopped after %" PRIu64 " crash points, %" PRIu64
			" states explored, %" PRIu64 " distinct\n",
			res.crash_points, res.explored, res.distinct);
		r = EXIT_ERROR;
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
		if (res.bounded)
			printf("pmsim: BOUNDED: %s\n", res.bound_reason);
		complete = !res.bounded && res.points_checked == res.points_total;
		if (!complete)
			printf("pmsim: INCOMPLETE: %" PRIu64 " of %" PRIu64
			       " crash points checked (%.1f%%)%s\n",
			       res.points_checked, res.points_total,
			       res.points_total ? 100.0 * (double)res.points_checked /
			       (double)res.points_total : 0.0,
			       res.crash_points < res.points_total ?
			       "; --max-points sampled the others out" : "");
		r = reports(t, &a, &res);
		if (!r)
			r = res.violations || res.drain_violations ? EXIT_VIOLATION :
			    complete ? EXIT_OK : EXIT_INCOMPLETE;
	}
	pmsim_result_free(&res);
	pmsim_exec_checker_free(ec);
	pmsim_trace_free(t);
	return r;
}
