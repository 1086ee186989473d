// SPDX-License-Identifier: MIT
/*
 * The pmsim command line, run as a program: exit status 0 / 1 / 2, the
 * messages for bad traces and bad checkers, and check -> reproducer ->
 * replay on the log example.
 */
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers.h"

#define bin cli_bin
#define dir cli_dir
#define output cli_out
#define run cli_run

static void usage_errors(void **state)
{
	(void)state;
	assert_int_equal(run("%s/pmsim 2>&1", bin), 2);
	cli_expect(2, "unknown command", "%s/pmsim frob 2>&1", bin);
	cli_expect(2, "one of --checker CMD and --checker-server CMD is required",
		   "%s/pmsim check %s/none 2>&1", bin, dir);
	cli_expect(2, "one of --checker CMD and --checker-server CMD is required",
		   "%s/pmsim check x --checker true --checker-server cat 2>&1", bin);
	cli_expect(2, "--image is for --checker",
		   "%s/pmsim check x --checker-server cat --image %s/i 2>&1", bin, dir);
	cli_expect(2, "bounded:K", "%s/pmsim check x --checker true --mode bounded:x 2>&1", bin);
	cli_expect(2, "durable", "%s/pmsim check x --checker true --mode lasting 2>&1", bin);
}

static void bad_traces(void **state)
{
	(void)state;
	assert_int_equal(run("%s/examples/applog-trace -n 1 %s/ok.pmt", bin, dir), 0);
	/* cut inside the last record */
	assert_int_equal(run("head -c 100 %s/ok.pmt > %s/cut.pmt", dir, dir), 0);
	cli_expect(2, "truncated", "%s/pmsim dump %s/cut.pmt 2>&1", bin, dir);
	assert_non_null(strstr(output, "offset 0x"));
	assert_int_equal(run("printf 'region 0 0x1000 a\\nzap\\n' > %s/bad.txt", dir), 0);
	cli_expect(2, "bad.txt:2: unknown event \"zap\"",
		   "%s/pmsim stats %s/bad.txt 2>&1", bin, dir);
	assert_int_equal(run("%s/pmsim check %s/bad.txt --checker true 2>&1", bin, dir), 2);
}

static void check_repro_replay(void **state)
{
	char *line;

	(void)state;
	/* small logs: the external checker runs once per distinct state */
	assert_int_equal(run("%s/examples/applog-trace -n 2 %s/good.pmt", bin, dir), 0);
	assert_int_equal(run("%s/examples/applog-trace --buggy -n 1 %s/bug.pmt", bin, dir), 0);
	cli_expect(0, " 0 violations",
		   "%s/pmsim check %s/good.pmt --checker %s/examples/applog-check 2>&1",
		   bin, dir, bin);
	cli_expect(1, "violation: crash before event",
		   "%s/pmsim check %s/bug.pmt --checker %s/examples/applog-check "
		   "--repro-dir %s/repro --max-reports 1 2>/dev/null", bin, dir, bin, dir);
	assert_non_null(strstr(output, "lost:"));
	line = strstr(output, "reproducer: ");
	assert_non_null(line);
	assert_int_equal(run("%s/pmsim replay %s/repro/violation-1.repro -o %s/img 2>&1",
			     bin, dir, dir), 0);
	/* the rebuilt image is the inconsistent one */
	assert_int_equal(run("PMSIM_MARKS= %s/examples/applog-check %s/img 2>&1", bin, dir), 1);
	/* the output file may also be given without -o */
	assert_int_equal(run("%s/pmsim replay %s/repro/violation-1.repro %s/img2 2>&1",
			     bin, dir, dir), 0);
	assert_int_equal(run("cmp %s/img %s/img2", dir, dir), 0);
	assert_int_equal(run("%s/pmsim replay %s/repro/violation-1.repro a b 2>&1", bin, dir), 2);
	/* mode names and the bound show up in the summary; a bound that
	 * left states unchecked is not "consistent": exit 4 */
	cli_expect(4, "BOUNDED: stopped at --max-states 4",
		   "%s/pmsim check %s/good.pmt --checker true --mode random:3 --seed 9 "
		   "--max-states 4 2>&1", bin, dir);
	/* the bound, not --max-points, left the rest unchecked */
	assert_non_null(strstr(output, "INCOMPLETE: 1 of 5 crash points checked (20.0%); "
			       "the bound above stopped the rest"));
	assert_null(strstr(output, "--max-points sampled"));
	assert_int_equal(run("%s/pmsim dump %s/good.pmt | grep -c '^fence sfence'", bin, dir), 0);
	assert_int_equal(atoi(output), 4);
}

/* Only a run that checked every crash point exits 0. */
static void incomplete_exits_4(void **state)
{
	(void)state;
	assert_int_equal(run("%s/examples/applog-trace -n 2 %s/inc.pmt", bin, dir), 0);
	assert_int_equal(run("%s/pmsim check %s/inc.pmt --checker true 2>&1", bin, dir), 0);
	assert_null(strstr(output, "INCOMPLETE"));
	cli_expect(4, "INCOMPLETE: 0 of 5 crash points checked (0.0%)",
		   "%s/pmsim check %s/inc.pmt --checker true --max-states 1 2>&1",
		   bin, dir);
	/* random:N far beyond the states there: the state cap cuts it */
	cli_expect(4, "INCOMPLETE", "%s/pmsim check %s/inc.pmt --checker true --max-states 50 "
		   "--mode random:18446744073709551615 2>&1", bin, dir);
	/* sampling crash points is incomplete too, and says so */
	cli_expect(4, "2 of 5 crash points checked (40.0%); --max-points",
		   "%s/pmsim check %s/inc.pmt --checker true --max-points 2 2>&1",
		   bin, dir);
	/* a violation outranks incompleteness */
	assert_int_equal(run("%s/examples/applog-trace --buggy -n 1 %s/incb.pmt", bin, dir), 0);
	assert_int_equal(run("%s/pmsim check %s/incb.pmt --checker %s/examples/applog-check "
			     "--max-points 2 2>/dev/null", bin, dir, bin), 1);
}

/* Only the API is global in libpmsim: internals are pms_* and local, so
 * they cannot clash with a program's own symbols. */
static void library_exports_api_only(void **state)
{
	(void)state;
	assert_int_equal(run("nm -g --defined-only %s/libpmsim.a | awk 'NF == 3 { print $3 }' | "
			     "grep -v -E '^(pmsim_|pm_|pmtrace_)'", bin), 1);
	assert_string_equal(output, "");
	assert_int_equal(run("nm -g --defined-only %s/libpmsim.a | grep -c ' T pmsim_run$'", bin), 0);
}

static void bad_checkers(void **state)
{
	(void)state;
	assert_int_equal(run("%s/examples/applog-trace -n 1 %s/one.pmt", bin, dir), 0);
	/* a checker that fails is a failed run (1); one that cannot be
	 * run at all is a bad --checker (2) */
	cli_expect(1, "timed out",
		   "%s/pmsim check %s/one.pmt --checker 'sleep 20;' --timeout 0.2 2>&1",
		   bin, dir);
	cli_expect(1, "crashed",
		   "%s/pmsim check %s/one.pmt --checker 'sh -c \"kill -ABRT \\$\\$\"' 2>&1",
		   bin, dir);
	cli_expect(2, "could not be run",
		   "%s/pmsim check %s/one.pmt --checker /nonexistent/check 2>&1",
		   bin, dir);
	/* the same statuses through the checker-server protocol */
	cli_expect(1, "timed out",
		   "%s/pmsim check %s/one.pmt --checker-server 'sleep 20' --timeout 0.2 2>&1",
		   bin, dir);
	cli_expect(1, "crashed (signal 6",
		   "%s/pmsim check %s/one.pmt --checker-server 'kill -ABRT $$' 2>&1", bin, dir);
	cli_expect(1, "answered \"maybe\"",
		   "%s/pmsim check %s/one.pmt --checker-server 'echo maybe; cat' 2>&1", bin, dir);
	cli_expect(2, "could not be run (exit 127)",
		   "%s/pmsim check %s/one.pmt --checker-server /nonexistent/check 2>&1",
		   bin, dir);
}

/* The log example through the server: consistent (0), and the buggy log's
 * violations (1), as through fork+exec. */
static void checker_server(void **state)
{
	(void)state;
	assert_int_equal(run("%s/examples/applog-trace -n 2 %s/s.pmt && "
			     "%s/examples/applog-trace --buggy -n 2 %s/sb.pmt", bin, dir, bin, dir), 0);
	cli_expect(0, "300 distinct, 0 violations",
		   "%s/pmsim check %s/s.pmt --checker-server '%s/examples/applog-check --server'",
		   bin, dir, bin);
	cli_expect(1, "violations",
		   "%s/pmsim check %s/sb.pmt --checker-server '%s/examples/applog-check --server'",
		   bin, dir, bin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(bad_traces),
		cmocka_unit_test(check_repro_replay),
		cmocka_unit_test(incomplete_exits_4),
		cmocka_unit_test(library_exports_api_only),
		cmocka_unit_test(bad_checkers),
		cmocka_unit_test(checker_server),
	};

	return cmocka_run_group_tests_name("cli", tests, cli_setup, cli_teardown);
}
