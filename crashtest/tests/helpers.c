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

int cli_run(const char *fmt, ...)
{
	char cmd[8192];
	va_list ap;
	size_t n;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(cli_out, 1, sizeof(cli_out) - 1, p);
	cli_out[n] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
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
