// SPDX-License-Identifier: MIT
/*
 * Checkers that modify the image they judge: an in-process checker that
 * writes through its pointer (everywhere: the lines that vary, a clean
 * line, bytes no store touched), one whose system call writes into it,
 * and external checkers that modify, truncate or replace the image file.
 * Every state after them must still be the model's: the same states as
 * with a checker that only reads.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers.h"

#define FAR (RBASE + RSIZE - 64)	/* never stored to */

/* Crash point 1: line 2 stored and flushed (2 states). Point 2: line 2
 * durable, lines 0 and 1 with two stores each (9 states, one seen
 * before). Point 3, the end: the same 9 again. */
static struct pmsim_trace *trace(void)
{
	struct pm_rec *r = rec_new();
	struct pmsim_trace *t;
	uint64_t v;

	v = 7;
	pm_store(r, LINE(2), &v, 8);
	pm_clwb(r, LINE(2));
	pm_sfence(r);
	for (uint64_t l = 0; l < 2; l++)
		for (uint64_t k = 0; k < 2; k++) {
			v = 10 * l + k + 1;
			pm_store(r, LINE(l) + 8 * k, &v, 8);
		}
	pm_sfence(r);		/* nothing flushed: the same 9 states again */
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pm_rec_free(r);
	return t;
}

/* What each call saw: lines 0 and 1, the clean line, the far word. */
struct seen {
	uint64_t v[64][6];
	size_t n;
	int mode;		/* 0 read only, 1 write through a cast, 2 read(2) into it */
	int fd;
};

static int look(void *arg, const struct pmsim_image *img,
		const struct pmsim_crash *c, const uint64_t *ch, size_t nch)
{
	static const uint64_t at[6] = { LINE(0), LINE(0) + 8, LINE(1), LINE(1) + 8,
					LINE(2), FAR };
	struct seen *s = arg;

	(void)c;
	(void)ch;
	(void)nch;
	assert_true(s->n < 64);
	for (int i = 0; i < 6; i++)
		s->v[s->n][i] = image_u64(img, at[i]);
	s->n++;
	if (s->mode == 1) {
		/* a checker that "repairs" everything it sees */
		unsigned char *p = (unsigned char *)pmsim_image_ptr(img, RBASE, RSIZE);

		memset(p, 0xee, RSIZE);
	} else if (s->mode == 2) {
		unsigned char *p = (unsigned char *)pmsim_image_ptr(img, LINE(0), 64);

		/* the kernel refuses to write into the read-only image */
		assert_int_equal(read(s->fd, p, 64), -1);
		assert_int_equal(errno, EFAULT);
	}
	return 0;
}

static void run(struct pmsim_trace *t, struct seen *s, struct pmsim_result *res)
{
	struct pmsim_checker chk = { .check = look, .arg = s };
	struct pmsim_opts o;

	pmsim_opts_default(&o);
	s->n = 0;
	assert_int_equal(pmsim_run(t, &o, &chk, res), 0);
}

static void in_process_writes_undone(void **state)
{
	struct pmsim_trace *t = trace();
	struct seen *clean = calloc(1, sizeof(*clean)), *dirty = calloc(1, sizeof(*dirty));
	struct pmsim_result res;

	(void)state;
	run(t, clean, &res);
	assert_int_equal(clean->n, 10);
	assert_int_equal(res.checker_writes, 0);
	pmsim_result_free(&res);
	dirty->mode = 1;
	run(t, dirty, &res);
	/* the same states in the same order: none of the scribbles stayed */
	assert_int_equal(dirty->n, clean->n);
	assert_memory_equal(dirty->v, clean->v, clean->n * sizeof(clean->v[0]));
	for (size_t i = 0; i < dirty->n; i++) {
		assert_int_equal(dirty->v[i][4], i ? 7 : 0);
		assert_int_equal(dirty->v[i][5], 0);
	}
	assert_int_equal(res.checker_writes, 10);
	assert_int_equal(res.distinct, 10);
	pmsim_result_free(&res);
	/* a system call that writes into the image fails instead */
	dirty->mode = 2;
	dirty->fd = open("/dev/zero", O_RDONLY);
	assert_true(dirty->fd >= 0);
	run(t, dirty, &res);
	assert_memory_equal(dirty->v, clean->v, clean->n * sizeof(clean->v[0]));
	assert_int_equal(res.checker_writes, 0);
	close(dirty->fd);
	pmsim_result_free(&res);
	free(clean);
	free(dirty);
	pmsim_trace_free(t);
}

/* The exec checker logs the words it reads, then damages the file. */
static void exec_run(struct pmsim_trace *t, const char *damage, const char *log,
		     uint64_t *rewrites)
{
	char cmd[1024];
	struct pmsim_exec_checker *ec;
	struct pmsim_checker chk;
	struct pmsim_result res;
	struct pmsim_opts o;

	/* words at 0, 8, 64, 72, 128 (line 2) and the far word */
	snprintf(cmd, sizeof(cmd),
		 "f() { od -An -tu8 -N 8 -j \"$2\" \"$1\" | tr -d ' \\n'; printf ' '; }; "
		 "c() { for o in 0 8 64 72 128 %llu; do f \"$1\" $o; done; echo; %s; }; c >> %s",
		 (unsigned long long)(FAR - RBASE), damage, log);
	pmsim_opts_default(&o);
	assert_int_equal(pmsim_exec_checker_new(&ec, cmd, NULL, 20), 0);
	chk = pmsim_exec_checker_ops(ec);
	assert_int_equal(pmsim_run(t, &o, &chk, &res), 0);
	assert_int_equal(res.distinct, 10);
	*rewrites = pmsim_exec_checker_rewrites(ec);
	pmsim_result_free(&res);
	pmsim_exec_checker_free(ec);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);

	assert_non_null(f);
	assert_true(fread(buf, 1, (1 << 16) - 1, f) > 0);
	fclose(f);
	return buf;
}

static void exec_checker_changes_file(void **state)
{
	static const char *const damage[] = {
		/* an in-place repair: bytes written over lines 0-2 and far */
		"printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' | "
		"dd of=\"$1\" conv=notrunc 2>/dev/null; printf Y | dd of=\"$1\" bs=1 seek=65480 conv=notrunc 2>/dev/null",
		/* cut short */
		": > \"$1\"",
		/* replaced by another file */
		"rm -f \"$1\"; echo junk > \"$1\"",
	};
	struct pmsim_trace *t = trace();
	char ref[] = "/tmp/pmsim-cw-ref-XXXXXX", log[] = "/tmp/pmsim-cw-log-XXXXXX";
	char *want, *got;
	uint64_t rewrites;

	(void)state;
	assert_true(mkstemp(ref) >= 0);
	exec_run(t, "true", ref, &rewrites);
	assert_int_equal(rewrites, 0);
	want = slurp(ref);
	for (size_t d = 0; d < sizeof(damage) / sizeof(damage[0]); d++) {
		assert_true(mkstemp(log) >= 0);
		exec_run(t, damage[d], log, &rewrites);
		got = slurp(log);
		/* every state read as the model has it, in the same order */
		assert_string_equal(got, want);
		assert_int_equal(rewrites, 10);
		free(got);
		unlink(log);
		strcpy(log, "/tmp/pmsim-cw-log-XXXXXX");
	}
	free(want);
	unlink(ref);
	pmsim_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(in_process_writes_undone),
		cmocka_unit_test(exec_checker_changes_file),
	};

	return cmocka_run_group_tests_name("checker_writes", tests, NULL, NULL);
}
