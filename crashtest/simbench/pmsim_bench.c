// SPDX-License-Identifier: MIT
/*
 * pmsim-bench: simulator throughput. Measures
 *   - crash states generated and checked per second (in-process checker),
 *     crash points with 8 dirty lines in a 64 MiB region;
 *   - trace reading speed (MB/s) of a binary trace;
 *   - memory (peak RSS) against trace size, to show it is linear;
 *   - the log-append example in each enumeration mode;
 *   - with --applog-check PATH, the log's states judged in process,
 *     through the checker-server protocol and by fork+exec per state.
 * Prints a table; --json FILE writes the numbers.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "applog.h"
#include "daxlab/clock.h"
#include "daxlab/json.h"
#include "daxlab/num.h"
#include "pmsim.h"

#define REGION_BASE 0x100000000ull
#define REGION_SIZE (64ull << 20)

static double now(void)
{
	return dx_ns_to_s(dx_now_ns());
}

static double cpu_now(void)
{
	return dx_ns_to_s(dx_cpu_ns());
}

static void die(const char *what)
{
	fprintf(stderr, "pmsim-bench: %s: %s\n", what, pmsim_errmsg());
	exit(2);
}

static uint64_t rng(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The checker reads every dirty line's first word, as a real one would
 * look at the data it judges. */
struct sum_arg {
	uint64_t lines[8];
	uint64_t sum;
};

static int sum_check(void *arg, const struct pmsim_image *img,
		     const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	struct sum_arg *s = arg;

	(void)c;
	(void)ch;
	(void)n;
	for (int i = 0; i < 8; i++) {
		uint64_t v;

		memcpy(&v, pmsim_image_ptr(img, s->lines[i], 8), 8);
		s->sum += v;
	}
	return 0;
}

struct states_result {
	unsigned stores_per_line;
	uint64_t crash_points, explored, distinct;
	double seconds, per_s, checked_per_s;
	double cpu_seconds, per_cpu_s;	/* CPU time: immune to a busy machine */
};

/* epochs x (8 lines, spl stores each, clwb, sfence): (spl+1)^8 states per
 * crash point */
static void bench_states(unsigned epochs, unsigned spl, struct states_result *out)
{
	struct sum_arg arg = { .sum = 0 };
	struct pmsim_checker chk = { .check = sum_check, .arg = &arg };
	struct pmsim_result res;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r;
	uint64_t x = 88172645463325252ull;

	if (pm_rec_new(&r, NULL) || pm_region(r, REGION_BASE, REGION_SIZE, "pmem0"))
		die("recording");
	for (int i = 0; i < 8; i++)	/* the checker's lines: the first 8 */
		arg.lines[i] = REGION_BASE + 64ull * (uint64_t)i;
	for (unsigned e = 0; e < epochs; e++) {
		uint64_t line[8];

		for (int i = 0; i < 8; i++) {
			line[i] = REGION_BASE + 64 * (rng(&x) % (REGION_SIZE / 64));
			for (uint64_t k = 0; k < spl; k++) {
				uint64_t v = rng(&x);

				pm_store(r, line[i] + 8 * k, &v, 8);
			}
		}
		for (int i = 0; i < 8; i++)
			pm_clwb(r, line[i]);
		pm_sfence(r);
	}
	if (pm_rec_trace(r, &t))
		die("trace");
	pm_rec_free(r);
	pmsim_opts_default(&o);
	out->cpu_seconds = cpu_now();
	if (pmsim_run(t, &o, &chk, &res))
		die("run");
	out->cpu_seconds = cpu_now() - out->cpu_seconds;
	out->per_cpu_s = (double)res.explored / out->cpu_seconds;
	out->stores_per_line = spl;
	out->crash_points = res.crash_points;
	out->explored = res.explored;
	out->distinct = res.distinct;
	out->seconds = res.seconds;
	out->per_s = (double)res.explored / res.seconds;
	out->checked_per_s = (double)res.distinct / res.seconds;
	pmsim_result_free(&res);
	pmsim_trace_free(t);
}

/* A binary trace of about mb MiB: stores of 8 and 64 bytes, flushes,
 * fences, like a tracer's output. */
static uint64_t write_trace(const char *path, unsigned mb)
{
	struct pmtrace_writer *w;
	unsigned char buf[64];
	uint64_t x = 12345, bytes = 32, events = 0;

	if (pmtrace_writer_open(&w, path))
		die("writing the trace");
	pmtrace_write_region(w, REGION_BASE, REGION_SIZE, "pmem0");
	while (bytes < (uint64_t)mb << 20) {
		uint64_t a = REGION_BASE + 64 * (rng(&x) % (REGION_SIZE / 64));
		unsigned len = rng(&x) % 4 ? 8 : 64;

		memset(buf, (int)events, sizeof(buf));
		pmtrace_write_store(w, a, buf, len, 0xffffffff81000000ull + events);
		pmtrace_write_flush(w, PMTRACE_FLUSH_CLWB, a, 0);
		pmtrace_write_fence(w, PMTRACE_FENCE_SFENCE, 0);
		bytes += 24 + len + 24 + 24;
		events += 3;
	}
	if (pmtrace_writer_close(w))
		die("writing the trace");
	return bytes;
}

struct read_result {
	double mb, seconds, mb_per_s;
	uint64_t events;
};

static void bench_read(const char *path, struct read_result *out)
{
	struct pmsim_trace *t;
	double best = 1e9;
	int fd;

	for (int rep = 0; rep < 3; rep++) {
		double t0 = now(), t1;

		if (pmsim_trace_open(&t, path))
			die("reading the trace");
		t1 = now();
		if (t1 - t0 < best)
			best = t1 - t0;
		out->events = pmsim_trace_nevents(t);
		pmsim_trace_free(t);
	}
	fd = open(path, O_RDONLY);
	out->mb = (double)lseek(fd, 0, SEEK_END) / (1 << 20);
	close(fd);
	out->seconds = best;
	out->mb_per_s = out->mb / best;
}

/* Peak RSS of a child that reads (and optionally simulates) the trace. */
static long child_rss_kb(const char *path, int simulate)
{
	struct rusage ru;
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		struct pmsim_trace *t;
		struct pmsim_stats s;

		if (pmsim_trace_open(&t, path))
			_exit(2);
		if (simulate && pmsim_trace_stats(t, &s))
			_exit(2);
		pmsim_trace_free(t);
		_exit(0);
	}
	if (pid < 0 || wait4(pid, &st, 0, &ru) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		return -1;
	return ru.ru_maxrss;
}

struct log_result {
	const char *mode;
	int buggy;
	uint64_t crash_points, explored, distinct, violations;
	int bounded;
	double seconds;
};

static void bench_log(unsigned appends, const char *mode, int buggy,
		      enum pmsim_crash_points pts, struct log_result *out)
{
	struct pmsim_checker chk = { .check = applog_checker };
	struct pmsim_result res;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r;

	if (pm_rec_new(&r, NULL) || applog_workload(r, buggy, appends) ||
	    pm_rec_trace(r, &t))
		die("log workload");
	pm_rec_free(r);
	pmsim_opts_default(&o);
	if (pmsim_parse_mode(&o, mode))
		die("mode");
	o.points = pts;
	o.seed = 1;
	if (pmsim_run(t, &o, &chk, &res))
		die("log run");
	*out = (struct log_result){ mode, buggy, res.crash_points, res.explored,
				    res.distinct, res.violations, res.bounded,
				    res.seconds };
	pmsim_result_free(&res);
	pmsim_trace_free(t);
}

/* One way of judging the log's states: states/s, best of reps runs (a
 * busy machine only ever slows a run down). */
struct path_result {
	const char *how;
	uint64_t explored, violations;
	double seconds, per_s;
};

static void bench_path(const struct pmsim_trace *t, const char *how, const char *cmd,
		       uint64_t max_states, int reps, struct path_result *out)
{
	*out = (struct path_result){ .how = how };
	for (int i = 0; i < reps; i++) {
		struct pmsim_checker chk = { .check = applog_checker };
		struct pmsim_server_checker *sc = NULL;
		struct pmsim_exec_checker *ec = NULL;
		struct pmsim_result res;
		struct pmsim_opts o;
		int r;

		pmsim_opts_default(&o);
		o.max_states = max_states;
		if (!strcmp(how, "server") && pmsim_server_checker_new(&sc, cmd, 60))
			die("checker server");
		if (!strcmp(how, "fork+exec") && pmsim_exec_checker_new(&ec, cmd, NULL, 60))
			die("exec checker");
		if (sc)
			chk = pmsim_server_checker_ops(sc);
		if (ec)
			chk = pmsim_exec_checker_ops(ec);
		r = pmsim_run(t, &o, &chk, &res);
		if (!r && sc)
			r = pmsim_server_checker_finish(sc);
		if (r)
			die(how);
		if (!out->seconds || res.seconds < out->seconds)
			*out = (struct path_result){ how, res.explored, res.violations, res.seconds,
						     (double)res.explored / res.seconds };
		pmsim_result_free(&res);
		pmsim_server_checker_free(sc);
		pmsim_exec_checker_free(ec);
	}
}

/* The log's states in process, through the server and by fork+exec (the
 * last cut at 1000 states: a few seconds). */
static void bench_paths(const char *applog_check, unsigned appends, struct path_result *p)
{
	struct pmsim_trace *t;
	struct pm_rec *r;
	char server[4200];

	if (pm_rec_new(&r, NULL) || applog_workload(r, 0, appends) || pm_rec_trace(r, &t))
		die("log workload");
	pm_rec_free(r);
	snprintf(server, sizeof(server), "%s --server", applog_check);
	bench_path(t, "in-process", NULL, 0, 3, &p[0]);
	bench_path(t, "server", server, 0, 3, &p[1]);
	bench_path(t, "fork+exec", applog_check, 1000, 1, &p[2]);
	pmsim_trace_free(t);
}

/* Everything measured, for the JSON record. */
struct bench_all {
	const struct states_result *st;
	const struct read_result *rd;
	long rss_half, rss_full, rss_sim;
	unsigned appends;
	const struct log_result (*logs)[2][4];
	const struct path_result *paths;	/* NULL: not measured */
};

static void write_json(struct dx_json *j, const void *arg)
{
	static const char *const pts[] = { "fence", "event" };
	const struct bench_all *a = arg;

	dx_json_obj_begin(j, NULL);
	dx_json_arr_begin(j, "states");
	for (int i = 0; i < 3; i++) {
		const struct states_result *s = &a->st[i];

		dx_json_obj_begin(j, NULL);
		dx_json_u64(j, "dirty_lines", 8);
		dx_json_u64(j, "stores_per_line", s->stores_per_line);
		dx_json_u64(j, "image_bytes", REGION_SIZE);
		dx_json_u64(j, "crash_points", s->crash_points);
		dx_json_u64(j, "explored", s->explored);
		dx_json_u64(j, "distinct", s->distinct);
		dx_json_f64(j, "seconds", s->seconds);
		dx_json_f64(j, "states_per_s", s->per_s);
		dx_json_f64(j, "checked_per_s", s->checked_per_s);
		dx_json_f64(j, "cpu_seconds", s->cpu_seconds);
		dx_json_f64(j, "states_per_cpu_s", s->per_cpu_s);
		dx_json_obj_end(j);
	}
	dx_json_arr_end(j);
	dx_json_obj_begin(j, "read");
	dx_json_f64(j, "mib", a->rd->mb);
	dx_json_u64(j, "events", a->rd->events);
	dx_json_f64(j, "seconds", a->rd->seconds);
	dx_json_f64(j, "mb_per_s", a->rd->mb_per_s);
	dx_json_obj_end(j);
	dx_json_obj_begin(j, "memory");
	dx_json_i64(j, "rss_kib_half_trace", a->rss_half);
	dx_json_i64(j, "rss_kib_trace", a->rss_full);
	dx_json_i64(j, "rss_kib_trace_replayed", a->rss_sim);
	dx_json_obj_end(j);
	dx_json_obj_begin(j, "log");
	dx_json_u64(j, "appends", a->appends);
	dx_json_arr_begin(j, "runs");
	for (int p = 0; p < 2; p++)
		for (int b = 0; b < 2; b++)
			for (int m = 0; m < 4; m++) {
				const struct log_result *l = &a->logs[p][b][m];

				dx_json_obj_begin(j, NULL);
				dx_json_str(j, "points", pts[p]);
				dx_json_str(j, "log", b ? "buggy" : "correct");
				dx_json_str(j, "mode", l->mode);
				dx_json_u64(j, "crash_points", l->crash_points);
				dx_json_u64(j, "explored", l->explored);
				dx_json_u64(j, "distinct", l->distinct);
				dx_json_u64(j, "violations", l->violations);
				dx_json_bool(j, "bounded", l->bounded);
				dx_json_f64(j, "seconds", l->seconds);
				dx_json_obj_end(j);
			}
	dx_json_arr_end(j);
	dx_json_obj_end(j);
	if (a->paths) {
		dx_json_obj_begin(j, "checker_paths");
		dx_json_u64(j, "appends", a->appends);
		dx_json_arr_begin(j, "runs");
		for (int i = 0; i < 3; i++) {
			dx_json_obj_begin(j, NULL);
			dx_json_str(j, "checker", a->paths[i].how);
			dx_json_u64(j, "explored", a->paths[i].explored);
			dx_json_u64(j, "violations", a->paths[i].violations);
			dx_json_f64(j, "seconds", a->paths[i].seconds);
			dx_json_f64(j, "states_per_s", a->paths[i].per_s);
			dx_json_obj_end(j);
		}
		dx_json_arr_end(j);
		dx_json_f64(j, "ratio_in_process_to_server", a->paths[0].per_s / a->paths[1].per_s);
		dx_json_obj_end(j);
	}
	dx_json_obj_end(j);
}

/* A number argument, strictly; exits 2 with the message when it is bad. */
static uint64_t number(const char *opt, const char *s, uint64_t min, uint64_t max)
{
	char err[200];
	uint64_t v;

	if (dx_parse_u64(s, min, max, &v, opt, err, sizeof(err))) {
		fprintf(stderr, "pmsim-bench: %s\n", err);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const char *const modes[] = { "exhaustive", "bounded:1", "bounded:2",
					     "random:100" };
	static const char *const pts[] = { "fence", "event" };
	struct log_result logs[2][2][4];
	struct states_result st[3];
	struct read_result rd;
	const char *json = NULL, *applog_check = NULL;
	struct path_result paths[3];
	unsigned mb = 64, epochs = 300, appends = 40;
	char dir[4096], path[4200], half[4200];
	const char *tmpdir = getenv("TMPDIR");
	long rss_half, rss_full, rss_sim;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json") && i + 1 < argc)
			json = argv[++i];
		else if (!strcmp(argv[i], "--trace-mb") && i + 1 < argc)
			mb = (unsigned)number("--trace-mb", argv[++i], 2, 4096);
		else if (!strcmp(argv[i], "--epochs") && i + 1 < argc)
			epochs = (unsigned)number("--epochs", argv[++i], 1, 1000000);
		else if (!strcmp(argv[i], "--applog-check") && i + 1 < argc)
			applog_check = argv[++i];
		else {
			fprintf(stderr, "usage: pmsim-bench [--json FILE] [--trace-mb N] [--epochs N] "
				"[--applog-check PATH]\n");
			return 2;
		}
	}
	snprintf(dir, sizeof(dir), "%s/pmsim-bench-XXXXXX", tmpdir ? tmpdir : "/tmp");
	if (mb < 2 || epochs < 1 || !mkdtemp(dir)) {
		fprintf(stderr, "pmsim-bench: bad arguments or no temporary directory\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/full.pmt", dir);
	snprintf(half, sizeof(half), "%s/half.pmt", dir);

	/* 2^8, 3^8 and 5^8 states per crash point */
	bench_states(epochs * 8, 1, &st[0]);
	bench_states(epochs, 2, &st[1]);
	bench_states(1 + epochs / 60, 4, &st[2]);
	write_trace(path, mb);
	write_trace(half, mb / 2);
	bench_read(path, &rd);
	rss_half = child_rss_kb(half, 0);
	rss_full = child_rss_kb(path, 0);
	rss_sim = child_rss_kb(path, 1);
	for (int p = 0; p < 2; p++)
		for (int b = 0; b < 2; b++)
			for (int m = 0; m < 4; m++)
				bench_log(appends, modes[m], b, p, &logs[p][b][m]);
	if (applog_check)
		bench_paths(applog_check, appends, paths);
	unlink(path);
	unlink(half);
	rmdir(dir);

	printf("pmsim-bench (one core)\n");
	printf("in-process checker, crash points with 8 dirty lines, 64 MiB image\n");
	printf("%-9s %9s %10s %10s %12s %12s %14s\n", "stores/ln", "crashpts",
	       "explored", "distinct", "states/s", "checked/s", "states/cpu-s");
	for (int i = 0; i < 3; i++)
		printf("%-9u %9" PRIu64 " %10" PRIu64 " %10" PRIu64 " %12.0f %12.0f %14.0f\n",
		       st[i].stores_per_line, st[i].crash_points, st[i].explored,
		       st[i].distinct, st[i].per_s, st[i].checked_per_s, st[i].per_cpu_s);
	printf("\n%-44s %14s\n", "measure", "value");
	printf("%-44s %14.1f\n", "trace size (MiB)", rd.mb);
	printf("%-44s %14.0f\n", "trace read (MB/s)", rd.mb_per_s);
	printf("%-44s %14ld\n", "peak RSS reading half the trace (KiB)", rss_half);
	printf("%-44s %14ld\n", "peak RSS reading the trace (KiB)", rss_full);
	printf("%-44s %14ld\n", "peak RSS reading + replaying it (KiB)", rss_sim);
	printf("\nlog-append example, %u appends\n", appends);
	printf("%-6s %-7s %-11s %8s %10s %10s %6s %8s %9s\n", "points", "log", "mode",
	       "crashpts", "explored", "distinct", "viol", "bounded", "time(s)");
	for (int p = 0; p < 2; p++)
		for (int b = 0; b < 2; b++)
			for (int m = 0; m < 4; m++) {
				const struct log_result *l = &logs[p][b][m];

				printf("%-6s %-7s %-11s %8" PRIu64 " %10" PRIu64 " %10" PRIu64
				       " %6" PRIu64 " %8s %9.4f\n", pts[p], b ? "buggy" : "correct",
				       l->mode, l->crash_points, l->explored, l->distinct,
				       l->violations, l->bounded ? "yes" : "no", l->seconds);
			}
	if (applog_check) {
		printf("\nlog-append example, %u appends: the checker's paths (wall clock)\n",
		       appends);
		printf("%-11s %10s %6s %9s %12s\n", "checker", "explored", "viol", "time(s)",
		       "states/s");
		for (int i = 0; i < 3; i++)
			printf("%-11s %10" PRIu64 " %6" PRIu64 " %9.4f %12.0f\n", paths[i].how,
			       paths[i].explored, paths[i].violations, paths[i].seconds,
			       paths[i].per_s);
		printf("in-process / server: %.2fx; server / fork+exec: %.0fx\n",
		       paths[0].per_s / paths[1].per_s, paths[1].per_s / paths[2].per_s);
	}
	if (!json)
		return 0;
	{
		struct bench_all all = { st, &rd, rss_half, rss_full, rss_sim, appends, logs,
					 applog_check ? paths : NULL };
		char err[300];

		if (dx_json_write_file(json, write_json, &all, err, sizeof(err))) {
			fprintf(stderr, "pmsim-bench: %s\n", err);
			return 1;
		}
	}
	return 0;
}
