// SPDX-License-Identifier: MIT
/*
 * External checkers: exit codes, a checker that crashes, one that hangs
 * (timeout), one that cannot run, and the image file they see, which is
 * patched line by line between states and must always equal the image.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/clock.h"
#include "daxlab/num.h"
#include "helpers.h"

static struct pmsim_trace *small_trace(void)
{
	struct pm_rec *r = rec_new();
	struct pmsim_trace *t;
	uint64_t v;

	/* three lines, two stores each: 27 states at the end */
	for (int l = 0; l < 3; l++)
		for (int k = 0; k < 2; k++) {
			v = 10 * (uint64_t)l + (uint64_t)k + 1;
			assert_int_equal(pm_store(r, LINE(l) + 8 * (uint64_t)k, &v, 8), 0);
		}
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pm_rec_free(r);
	return t;
}

static int run_cmd(const char *cmd, double timeout, struct pmsim_result *res)
{
	struct pmsim_exec_checker *ec;
	struct pmsim_checker chk;
	struct pmsim_trace *t = small_trace();
	struct pmsim_opts o;
	int r;

	pmsim_opts_default(&o);
	assert_int_equal(pmsim_exec_checker_new(&ec, cmd, NULL, timeout), 0);
	chk = pmsim_exec_checker_ops(ec);
	r = pmsim_run(t, &o, &chk, res);
	pmsim_result_free(res);
	pmsim_exec_checker_free(ec);
	pmsim_trace_free(t);
	return r;
}

static void exit_codes(void **state)
{
	struct pmsim_result res;

	(void)state;
	assert_int_equal(run_cmd("true", 10, &res), 0);
	assert_int_equal(res.distinct, 27);
	assert_int_equal(res.violations, 0);
	assert_int_equal(run_cmd("false", 10, &res), 0);
	assert_int_equal(res.violations, 27);
	/* the image is the last argument and in PMSIM_IMAGE */
	assert_int_equal(run_cmd("test -s", 10, &res), 0);
	assert_int_equal(res.violations, 0);
	assert_int_equal(run_cmd("sh -c 'test \"$0\" = \"$PMSIM_IMAGE\"'", 10, &res), 0);
	assert_int_equal(res.violations, 0);
}

static void checker_crashes(void **state)
{
	struct pmsim_result res;

	(void)state;
	assert_int_not_equal(run_cmd("sh -c 'kill -SEGV $$'", 10, &res), 0);
	assert_non_null(strstr(pmsim_errmsg(), "crashed"));
	assert_non_null(strstr(pmsim_errmsg(), "signal 11"));
	assert_int_equal(res.distinct, 1);	/* stopped at the first state */
}

static void checker_hangs(void **state)
{
	struct pmsim_result res;
	uint64_t t0;

	(void)state;
	t0 = dx_now_ns();
	assert_int_not_equal(run_cmd("sleep 30; true", 0.3, &res), 0);
	assert_non_null(strstr(pmsim_errmsg(), "timed out after 0.3 s"));
	assert_true(dx_now_ns() - t0 < 10 * DX_NS_PER_S);
}

static void checker_missing(void **state)
{
	struct pmsim_result res;

	(void)state;
	assert_int_not_equal(run_cmd("/nonexistent/checker", 10, &res), 0);
	assert_non_null(strstr(pmsim_errmsg(), "could not be run"));
}

/* Wrap the external checker and compare its file with the image. */
struct file_check {
	struct pmsim_checker inner;
	int fd;
	unsigned calls;
	size_t patched;
};

static int compare_file(void *arg, const struct pmsim_image *img,
			const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	static unsigned char buf[RSIZE];
	struct file_check *f = arg;
	const unsigned char *d;
	int r = f->inner.check(f->inner.arg, img, c, ch, n);

	pmsim_image_region(img, 0, &d);
	assert_int_equal(pread(f->fd, buf, RSIZE, 0), RSIZE);
	assert_memory_equal(buf, d, RSIZE);
	f->calls++;
	if (n != SIZE_MAX)
		f->patched += n;
	return r;
}

static void image_file_patched(void **state)
{
	char path[] = "/tmp/pmsim-image-test-XXXXXX";
	struct pmsim_exec_checker *ec;
	struct pmsim_result res;
	struct pmsim_trace *t = small_trace();
	struct pmsim_opts o;
	struct file_check f;
	struct pmsim_checker chk = { .check = compare_file, .arg = &f };
	int tmp = mkstemp(path);

	(void)state;
	assert_true(tmp >= 0);
	close(tmp);
	pmsim_opts_default(&o);
	o.points = PMSIM_AT_EVENT;
	assert_int_equal(pmsim_exec_checker_new(&ec, "true", path, 10), 0);
	f.inner = pmsim_exec_checker_ops(ec);
	f.fd = open(path, O_RDONLY);
	f.calls = 0;
	f.patched = 0;
	assert_int_equal(pmsim_run(t, &o, &chk, &res), 0);
	assert_int_equal(f.calls, res.distinct);
	assert_int_equal(res.distinct, 27);
	/* a few lines per state, never the whole image again */
	assert_true(f.patched <= 3 * f.calls);
	pmsim_result_free(&res);
	close(f.fd);
	pmsim_exec_checker_free(ec);
	pmsim_trace_free(t);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_codes),
		cmocka_unit_test(checker_crashes),
		cmocka_unit_test(checker_hangs),
		cmocka_unit_test(checker_missing),
		cmocka_unit_test(image_file_patched),
	};

	return cmocka_run_group_tests_name("checker_exec", tests, NULL, NULL);
}
