// SPDX-License-Identifier: MIT
#include <setjmp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <libgen.h>
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

struct pm_rec *rec_new(void)
{
	struct pm_rec *r;

	if (pm_rec_new(&r, NULL))
		fail_msg("pm_rec_new: %s", pmsim_errmsg());
	if (pm_region(r, RBASE, RSIZE, "pmem0"))
		fail_msg("pm_region: %s", pmsim_errmsg());
	return r;
}

uint64_t image_u64(const struct pmsim_image *img, uint64_t addr)
{
	const unsigned char *p = pmsim_image_ptr(img, addr, 8);
	uint64_t v;

	assert_non_null(p);
	memcpy(&v, p, 8);
	return v;
}

struct collector {
	const uint64_t *addrs;
	size_t n;
	uint64_t event, nev;
	struct tuples *out;
};

static int cmp_tuple(const void *a, const void *b, size_t w)
{
	const uint64_t *x = a, *y = b;

	for (size_t i = 0; i < w; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}

static int gather(void *arg, const struct pmsim_image *img,
		  const struct pmsim_crash *c, const uint64_t *ch, size_t nch)
{
	struct collector *col = arg;
	struct tuples *o = col->out;
	uint64_t t[MAX_WATCH] = { 0 };

	(void)ch;
	(void)nch;
	if (col->event == AT_END ? c->event != col->nev :
	    col->event != AT_ALL && c->event != col->event)
		return 0;
	for (size_t i = 0; i < col->n; i++)
		t[i] = image_u64(img, col->addrs[i]);
	for (size_t k = 0; k < o->n; k++)
		if (!cmp_tuple(o->v[k], t, col->n))
			return 0;
	assert_true(o->n < MAX_TUPLES);
	memcpy(o->v[o->n++], t, sizeof(t));
	return 0;
}

void collect_trace(struct pmsim_trace *t, const struct pmsim_opts *o,
		   const uint64_t *addrs, size_t n, uint64_t event,
		   struct tuples *out)
{
	struct collector col = { addrs, n, event, pmsim_trace_nevents(t), out };
	struct pmsim_checker chk = { .check = gather, .arg = &col, .name = "gather" };
	struct pmsim_opts po = *o;

	assert_true(n <= MAX_WATCH);
	out->n = 0;
	out->width = n;
	/* A state seen at an earlier crash point counts here too. */
	po.dedup_per_point = event != AT_ALL;
	if (pmsim_run(t, &po, &chk, &out->res))
		fail_msg("pmsim_run: %s", pmsim_errmsg());
	pmsim_result_free(&out->res);
}

void collect(struct pm_rec *r, const struct pmsim_opts *o, const uint64_t *addrs,
	     size_t n, uint64_t event, struct tuples *out)
{
	struct pmsim_trace *t;

	if (pm_rec_trace(r, &t))
		fail_msg("pm_rec_trace: %s", pmsim_errmsg());
	collect_trace(t, o, addrs, n, event, out);
	pmsim_trace_free(t);
}

static void print_tuples(const char *what, const uint64_t *v, size_t n, size_t w)
{
	fprintf(stderr, "# %s (%zu):", what, n);
	for (size_t k = 0; k < n; k++) {
		fprintf(stderr, " (");
		for (size_t i = 0; i < w; i++)
			fprintf(stderr, "%s%llx", i ? "," : "",
				(unsigned long long)v[k * w + i]);
		fprintf(stderr, ")");
	}
	fprintf(stderr, "\n");
}

void expect_tuples(const struct tuples *out, const uint64_t *exp, size_t nexp)
{
	size_t w = out->width;
	bool ok = out->n == nexp;

	for (size_t e = 0; ok && e < nexp; e++) {
		bool found = false;

		for (size_t k = 0; k < out->n && !found; k++)
			found = !cmp_tuple(out->v[k], exp + e * w, w);
		ok = found;
	}
	if (!ok) {
		uint64_t *flat = calloc(out->n * w + 1, sizeof(*flat));

		for (size_t k = 0; flat && k < out->n; k++)
			memcpy(flat + k * w, out->v[k], w * sizeof(*flat));
		print_tuples("expected", exp, nexp, w);
		if (flat)
			print_tuples("reachable", flat, out->n, w);
		free(flat);
		fail_msg("reachable crash states differ from the expected set");
	}
}

char cli_bin[PATH_MAX], cli_dir[] = "/tmp/pmsim-cli-XXXXXX";
char cli_out[1 << 16];

static int cli_vrun(const char *fmt, va_list ap)
{
	char cmd[8192];
	size_t n;
	FILE *p;
	int st;

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(cli_out, 1, sizeof(cli_out) - 1, p);
	cli_out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int cli_run(const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = cli_vrun(fmt, ap);
	va_end(ap);
	return st;
}

void cli_expect(int status, const char *want, const char *fmt, ...)
{
	va_list ap;
	int st;

	va_start(ap, fmt);
	st = cli_vrun(fmt, ap);
	va_end(ap);
	assert_int_equal(st, status);
	if (want && !strstr(cli_out, want))
		fail_msg("output lacks \"%s\": %s", want, cli_out);
}

int cli_setup(void **state)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	(void)state;
	if (n < 0 || !mkdtemp(cli_dir))
		return -1;
	self[n] = 0;
	/* tests/test_x -> the build directory of crashtest */
	snprintf(cli_bin, PATH_MAX, "%s", dirname(dirname(self)));
	return 0;
}

int cli_teardown(void **state)
{
	(void)state;
	return cli_run("rm -rf '%s'", cli_dir);
}

/* One recorder call of a script; every call must succeed. */
static void play_call(struct pm_rec *r, const struct step *s)
{
	const void *data = s->list ? (const void *)s->list : (const void *)&s->v;
	size_t len = s->list ? s->n * sizeof(uint64_t) : 8;
	int e = 0;

	switch (s->op) {
	case S_STORE: e = pm_store(r, s->addr, data, len); break;
	case S_NTSTORE: e = pm_ntstore(r, s->addr, &s->v, 8); break;
	case S_CLWB: e = pm_clwb(r, s->addr); break;
	case S_CLFLUSHOPT: e = pm_clflushopt(r, s->addr); break;
	case S_CLFLUSH: e = pm_clflush(r, s->addr); break;
	case S_SFENCE: e = pm_sfence(r); break;
	case S_MFENCE: e = pm_mfence(r); break;
	case S_LFENCE: e = pm_lfence(r); break;
	case S_RMW: e = pm_rmw(r, s->addr, &s->v, 8); break;
	case S_XCHG: e = pm_xchg(r, s->addr, &s->v, 8); break;
	case S_MARK: e = pm_mark(r, s->label) < 0; break;
	default: fail_msg("step %d is no recorder call", (int)s->op);
	}
	if (e)
		fail_msg("recorder call %d: %s", (int)s->op, pmsim_errmsg());
}

/* One option step; false when s is no option step. */
static bool play_option(struct pmsim_opts *o, const struct step *s)
{
	switch (s->op) {
	case S_DEFAULTS: pmsim_opts_default(o); break;
	case S_EADR: o->eadr = (int)s->v; break;
	case S_PER_WORD: o->per_word = (int)s->v; break;
	case S_POINTS: o->points = (enum pmsim_crash_points)s->v; break;
	case S_MODE:
		o->mode = (enum pmsim_mode)s->addr;
		o->mode_arg = s->v;
		break;
	default: return false;
	}
	return true;
}

struct pm_rec *script_play(struct pm_rec *r, struct pmsim_opts *o,
			   const struct step *s)
{
	/* A quarter MiB: static, like the tests' own. */
	static struct tuples out;
	const uint64_t *watch = NULL;
	size_t nwatch = 0;

	for (; s->op != S_END; s++) {
		if (play_option(o, s))
			continue;
		switch (s->op) {
		case S_NEW:
			pm_rec_free(r);
			r = rec_new();
			break;
		case S_WATCH:
			watch = s->list;
			nwatch = s->n;
			break;
		case S_CHECK:
			assert_true(nwatch && s->n % nwatch == 0);
			collect(r, o, watch, nwatch, s->event, &out);
			expect_tuples(&out, s->list, s->n / nwatch);
			break;
		case S_NSTATES:
			collect(r, o, watch, nwatch, AT_END, &out);
			assert_int_equal(out.n, s->v);
			assert_int_equal(out.res.explored, s->v);
			break;
		default:
			play_call(r, s);
		}
	}
	return r;
}

void script_run(struct pmsim_opts *o, const struct step *s)
{
	pm_rec_free(script_play(rec_new(), o, s));
}

struct pmsim_trace *script_trace(const struct step *s)
{
	struct pmsim_opts o;
	struct pmsim_trace *t;
	struct pm_rec *r;

	pmsim_opts_default(&o);
	r = script_play(rec_new(), &o, s);
	if (pm_rec_trace(r, &t))
		fail_msg("pm_rec_trace: %s", pmsim_errmsg());
	pm_rec_free(r);
	return t;
}
