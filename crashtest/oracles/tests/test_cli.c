/* SPDX-License-Identifier: MIT */
/*
 * ctoracle's command line, run as a program: exit statuses by the
 * project's convention, unknown mark ids refused, strict numbers, inputs
 * an output would overwrite, a checker tool missing or crashing, and
 * SIGINT/SIGTERM while a checker runs (the scratch directory removed, the
 * checker's whole process group killed, 128 + N). And the checker runs
 * themselves (fstool.h): a timeout kills the checker's whole group.
 *
 * Fixture: an ext4 image made by mke2fs -d from a directory holding
 * "data" (8192 bytes of seed 17's pattern), the manifest promising it,
 * and a text trace whose initial image is that file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../src/fstool.h"
#include "daxlab/pattern.h"
#include "helpers.h"

static char ctoracle[PATH_MAX], e2fsck[PATH_MAX];

/* "ctoracle ARGS" with ENV before it (a shell word list each); its
 * stdout and stderr go to th_dir/out. Returns the exit status. */
static int run_env(const char *env, const char *fmt, ...)
{
	char args[2048];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	st = th_sh("cd '%s' && env %s '%s' %s >out 2>&1", th_dir, env, ctoracle, args);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define run(...) run_env("", __VA_ARGS__)

static const char *output(void)
{
	return th_read(th_path("out"));
}

static void expect_output(const char *want)
{
	if (!strstr(output(), want))
		fail_msg("output '%s' lacks '%s'", output(), want);
}

/* ctoracle ARGS is refused as usage (status 2); msg (unless NULL) is in
 * what it said. */
static void expect_refusal(const char *args, const char *msg)
{
	assert_int_equal(run("%s", args), 2);
	if (msg)
		expect_output(msg);
}

static int have_e2fsprogs(void)
{
	return e2fsck[0] != 0;
}

/* The real e2fsck, which the fake ones in th_dir/bin hand over to. */
static void find_e2fsck(void)
{
	FILE *p = popen("command -v mkfs.ext4 debugfs >/dev/null && "
			"command -v e2fsck", "r");

	e2fsck[0] = 0;
	if (!p)
		return;
	if (!fgets(e2fsck, sizeof(e2fsck), p))
		e2fsck[0] = 0;
	e2fsck[strcspn(e2fsck, "\n")] = 0;
	pclose(p);
}

static int setup(void **state)
{
	unsigned char pat[8192];
	FILE *f;

	(void)state;
	find_e2fsck();
	if (th_setup(state))
		return -1;
	if (th_sh("mkdir -p '%s/fs' '%s/tmp' '%s/bin'", th_dir, th_dir, th_dir))
		return -1;
	dx_pattern_fill(DX_PATTERN_CTWL, 17, 0, pat, sizeof(pat));
	f = fopen(th_path("fs/data"), "wb");
	if (!f || fwrite(pat, 1, sizeof(pat), f) != sizeof(pat) || fclose(f))
		return -1;
	th_write("manifest", "fs ext4\nworkload w\nstart_mark 100\n"
		   "101 name data\n102 data data 0 8192 17\n", 0644);
	if (have_e2fsprogs() &&
	    th_sh("cd '%s' && truncate -s 16M fs.img && mkfs.ext4 -q -F -b 4096 "
	       "-d fs fs.img >/dev/null 2>&1", th_dir))
		return -1;
	/* Stores into free blocks near the end, fenced, between the marks. */
	f = fopen(th_path("trace"), "w");
	if (!f)
		return -1;
	fprintf(f, "region 0x100000000 0x1000000 pmem0\n"
		   "image-file 0x100000000 fs.img\nmark 100 \"w\"\n");
	for (unsigned m = 101; m <= 102; m++) {
		for (unsigned k = 0; k < 6; k++) {
			uint64_t a = 0x100F00000ull + m * 4096 + k * 64;

			fprintf(f, "store 0x%" PRIx64 " 8 %016x pc=0xffffffff81000010\n"
				   "flush clwb 0x%" PRIx64 "\nfence sfence\n", a, m * 8 + k, a);
		}
		fprintf(f, "mark %u \"op\"\n", m);
	}
	return fclose(f) ? -1 : 0;
}

/* Scratch directories left in th_dir/tmp (the private TMPDIR). */
static int leftovers(void)
{
	return th_sh("test -z \"$(ls -A '%s/tmp')\"", th_dir) != 0;
}

#define SKIP_WITHOUT_E2FSPROGS()                                          \
	do {                                                              \
		if (!have_e2fsprogs()) {                                  \
			fprintf(stderr, "# e2fsprogs are not installed\n"); \
			skip();                                           \
		}                                                         \
	} while (0)

/* A mark id the manifest does not know was judged "consistent". */
static void test_unknown_mark(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	assert_int_equal(run_env("TMPDIR=tmp", "judge --manifest manifest "
				 "--marks '100 101,102' fs.img"), 0);
	expect_output("consistent (last mark 102)");
	assert_int_equal(run("judge --manifest manifest --marks '100 101 999' fs.img"), 2);
	expect_output("mark 999 is not in the manifest manifest");
	assert_int_equal(run_env("PMSIM_MARKS=101,4711", "judge --manifest "
				 "manifest fs.img"), 2);
	expect_output("mark 4711 is not in the manifest");
	assert_int_equal(run("judge-dir --manifest manifest --marks 77 fs"), 2);
	expect_output("mark 77 is not in the manifest");
	/* The drain id is the tracer's; it promises nothing. */
	assert_int_equal(run_env("TMPDIR=tmp", "judge --manifest manifest --marks "
				 "'101 18446744073709551614' fs.img"), 0);
	assert_int_equal(run("judge --manifest manifest --marks '101 x' fs.img"), 2);
	expect_output("mark id: 'x' is not an unsigned integer");
	assert_false(leftovers());
}

/* A trace whose marks the manifest does not know is another run's. */
static void test_trace_of_another_run(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	th_write("short-manifest", "fs ext4\nstart_mark 100\n101 name data\n", 0644);
	assert_int_equal(run("check --trace trace --manifest short-manifest "
			     "--out o1 --budget 10"), 2);
	expect_output("mark 102 \"op\" is not in the manifest short-manifest");
	assert_int_equal(access(th_path("o1"), F_OK), -1);
}

/* "-1" was 2^64-1 and "010" was 8. */
static void test_strict_numbers(void **state)
{
	(void)state;
	expect_refusal("check --trace t --manifest m --out o --seed -1",
		       "--seed: '-1' is not an unsigned integer");
	expect_refusal("check --trace t --manifest m --out o --max-reports 0100001",
		       "--max-reports: 0100001 is above the maximum 100000");
	expect_refusal("check --trace t --manifest m --out o --budget 12abc", NULL);
	expect_refusal("check --trace t --manifest m --out o --budget 0", NULL);
	expect_refusal("check --trace t --manifest m --out o --budget 5 --mode durable",
		       "no --mode or --max-states");
}

static void test_help_version(void **state)
{
	(void)state;
	assert_int_equal(th_sh("'%s' --help 2>/dev/null | grep -q '^usage: ctoracle check'",
			    ctoracle), 0);
	assert_int_equal(th_sh("'%s' judge --help 2>/dev/null | grep -q '^exit: 0'",
			    ctoracle), 0);
	assert_int_equal(run("--version"), 0);
	expect_output("ctoracle 1.");
	expect_refusal("", NULL);
	expect_refusal("frobnicate", "unknown command 'frobnicate'");
	expect_refusal("judge --trace t --manifest m img",
		       "judge: --trace does not apply");
	expect_refusal("judge --manifest m", NULL);
	expect_refusal("check --trace t --manifest m --out o --export e --verdicts v",
		       NULL);
}

/* Outputs never overwrite inputs. */
static void test_aliasing(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	assert_int_equal(th_sh("mkdir -p '%s/o2' && cp '%s/manifest' '%s/o2/result.json'",
			    th_dir, th_dir, th_dir), 0);
	assert_int_equal(run("check --trace trace --manifest o2/result.json --out o2 "
			     "--budget 10"), 2);
	expect_output("manifest o2/result.json would be overwritten");
	assert_int_equal(th_sh("cmp -s '%s/manifest' '%s/o2/result.json'", th_dir, th_dir), 0);
	assert_int_equal(th_sh("mkdir -p '%s/w' && cp '%s/fs.img' '%s/w/scratch.img'",
			    th_dir, th_dir, th_dir), 0);
	assert_int_equal(run("judge --manifest manifest --workdir w w/scratch.img"), 2);
	expect_output("would be overwritten");
	assert_int_equal(th_sh("cmp -s '%s/fs.img' '%s/w/scratch.img'", th_dir, th_dir), 0);
}

/* Missing images and tools. */
static void test_missing(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	expect_refusal("judge --manifest manifest no-such.img", "cannot open image no-such.img");
	expect_refusal("judge --manifest no-such-manifest fs.img", NULL);
	expect_refusal("judge --manifest manifest fs", "not a regular file");
	assert_int_equal(run_env("PATH=/nonexistent TMPDIR=tmp",
				 "judge --manifest manifest fs.img"), 3);
	expect_output("e2fsck is not installed");
	assert_false(leftovers());
}

/* A checker that crashes: the image cannot be judged (4), and a check
 * whose images could not all be judged is incomplete (4, was 3). */
static void test_incomplete(void **state)
{
	char env[PATH_MAX + 600];

	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	/* The first two runs (judging the final image) are the real e2fsck. */
	th_write("bin/e2fsck",
		   "#!/bin/sh\n"
		   "n=$(cat \"$FAKE_DIR/count\" 2>/dev/null || echo 0)\n"
		   "echo $((n + 1)) >\"$FAKE_DIR/count\"\n"
		   "[ \"$n\" -ge \"$FAKE_REAL\" ] || exec \"$REAL_E2FSCK\" \"$@\"\n"
		   "kill -SEGV $$\n", 0755);
	snprintf(env, sizeof(env), "PATH='%s/bin':\"$PATH\" FAKE_DIR='%s' "
		 "FAKE_REAL=0 REAL_E2FSCK='%s' TMPDIR=tmp", th_dir, th_dir, e2fsck);
	unlink(th_path("count"));
	assert_int_equal(run_env(env, "judge --manifest manifest --marks 101 fs.img"), 4);
	expect_output("could not judge fs.img");
	snprintf(env, sizeof(env), "PATH='%s/bin':\"$PATH\" FAKE_DIR='%s' "
		 "FAKE_REAL=2 REAL_E2FSCK='%s' TMPDIR=tmp", th_dir, th_dir, e2fsck);
	unlink(th_path("count"));
	assert_int_equal(run_env(env, "check --trace trace --manifest manifest "
				 "--out o3 --budget 10"), 4);
	expect_output("images could not be judged");
	assert_int_equal(th_sh("grep -q '\"partial\":true' '%s/o3/result.json'", th_dir), 0);
	assert_false(leftovers());
	unlink(th_path("bin/e2fsck"));
}

/* Verdict lines that do not parse were skipped, so the images they were
 * about counted as having no verdict or kept a wrong one. */
static void test_bad_verdicts(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	th_write("verdicts", "0123456789abcdef0123456789abcdef ok 0 fine\n"
		   "0123456789abcdef0123456789abcdef durable 0 typo\n", 0644);
	assert_int_equal(run_env("TMPDIR=tmp", "check --trace trace --manifest "
				 "manifest --out o4 --budget 10 --verdicts verdicts"), 2);
	expect_output("verdicts:2: not a verdict line");
	assert_false(leftovers());
}

static int file_exists(const char *name)
{
	return access(th_path(name), F_OK) == 0;
}

/* Is pid gone (or a zombie waiting for a reaper)? */
static int gone(pid_t pid)
{
	char path[64], buf[512], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	f = fopen(path, "r");
	if (!f)
		return 1;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	p = p ? strrchr(buf, ')') : NULL;
	return p && (p[2] == 'Z' || p[2] == 'X');
}

static void read_pids(const char *name, pid_t *a, pid_t *b)
{
	FILE *f = fopen(th_path(name), "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%d %d", a, b), 2);
	fclose(f);
}

static void wait_gone(pid_t a, pid_t b)
{
	for (int i = 0; i < 300 && !(gone(a) && gone(b)); i++)
		usleep(10000);
	assert_true(gone(a));
	assert_true(gone(b));
}

/*
 * A checker that forks (fsck runs its checkers as children): at the time
 * limit the whole process group dies, not only the checker, and a child
 * it leaves behind when it exits by itself dies too.
 */
static void test_tool_group(void **state)
{
	char script[600], err[256] = "";
	char *hang[] = { "sh", "-c", script, NULL };
	pid_t a, b;
	int rc;

	(void)state;
	snprintf(script, sizeof(script),
		 "sleep 300 & echo $$ $! >'%s'; wait", th_path("pids-hang"));
	rc = fstool_run(hang, th_path("hang.out"), 1, err, sizeof(err));
	assert_int_equal(rc, 256 + SIGKILL);
	assert_non_null(strstr(err, "sh ran longer than 1 s and was killed"));
	read_pids("pids-hang", &a, &b);
	wait_gone(a, b);

	snprintf(script, sizeof(script),
		 "sleep 300 & echo $$ $! >'%s'; echo done; exit 3", th_path("pids-exit"));
	rc = fstool_run(hang, th_path("exit.out"), 10, err, sizeof(err));
	assert_int_equal(rc, 3);
	read_pids("pids-exit", &a, &b);
	wait_gone(a, b);
	fstool_excerpt(th_path("exit.out"), err, sizeof(err), 100);
	assert_string_equal(err, "done");

	/* The verdict line after a head that leaves it out. */
	th_write("long.out", "x: Duplicate or bad block in use!\nx: Multiply-claimed block(s)\n"
		 "x: File /A has 2 multiply-claimed block(s)\n\n"
		 "x: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.\n\t(i.e., without -a)\n", 0644);
	fstool_excerpt_keep(th_path("long.out"), err, sizeof(err), 40, "RUN fsck MANUALLY");
	assert_string_equal(err, "x: Duplicate or bad block in use!; x: Multiply-claimed block(s); "
			    "...; x: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY.");
	fstool_excerpt_keep(th_path("long.out"), err, sizeof(err), 400, "RUN fsck MANUALLY");
	assert_null(strstr(err, "..."));
}

/* e2fsck.static beside the e2fsck PATH names first runs in its place (a
 * fake e2fsck first in PATH without a twin still runs: test_incomplete). */
static void test_tool_static_twin(void **state)
{
	char *argv[] = { "e2fsck", "-V", NULL };
	char err[256] = "", out[64] = "", path[PATH_MAX + 64];
	const char *old = getenv("PATH");
	char *keep = strdup(old ? old : "/usr/bin:/bin");

	(void)state;
	assert_non_null(keep);
	assert_int_equal(mkdir(th_path("twin"), 0755), 0);
	th_write("twin/e2fsck", "#!/bin/sh\necho dynamic\n", 0755);
	th_write("twin/e2fsck.static", "#!/bin/sh\necho static\n", 0755);
	snprintf(path, sizeof(path), "%s:%s", th_path("twin"), keep);
	setenv("PATH", path, 1);
	assert_int_equal(fstool_run(argv, th_path("twin.out"), 10, err, sizeof(err)), 0);
	fstool_excerpt(th_path("twin.out"), out, sizeof(out), 60);
	assert_string_equal(out, "static");
	setenv("PATH", keep, 1);
	free(keep);
}

static void test_tool_missing(void **state)
{
	static const char *const tools[] = { "sh", "no-such-fsck-tool", NULL };
	char *argv[] = { "no-such-fsck-tool", NULL };
	char err[256] = "";

	(void)state;
	assert_string_equal(fstool_missing(tools), "no-such-fsck-tool");
	assert_null(fstool_missing(tools + 2));
	assert_int_equal(fstool_run(argv, th_path("x.out"), 5, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no-such-fsck-tool"));
}

/*
 * Start ctoracle ARGS with a checker that forks a sleeping child and
 * hangs; once it runs, send sig to ctoracle alone. It must exit 128 + sig
 * with the scratch directory removed and the checker's group dead.
 */
static void interrupt(int sig, const char *args)
{
	char cmd[PATH_MAX + 2048];
	pid_t pid, p[2] = { 0, 0 };
	int status, waited;

	th_write("bin/e2fsck",
		   "#!/bin/sh\n"
		   "sleep 300 &\n"
		   "echo $$ $! >\"$FAKE_DIR/pids\"\n"
		   "touch \"$FAKE_DIR/started\"\n"
		   "wait\n", 0755);
	unlink(th_path("started"));
	snprintf(cmd, sizeof(cmd), "cd '%s' && PATH='%s/bin':\"$PATH\" FAKE_DIR='%s' "
		 "TMPDIR=tmp exec '%s' %s >out 2>&1", th_dir, th_dir, th_dir, ctoracle, args);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000 && !file_exists("started"); i++)
		usleep(10000);
	assert_true(file_exists("started"));
	read_pids("pids", &p[0], &p[1]);
	assert_int_equal(kill(pid, sig), 0);
	for (waited = 0; waited < 1000; waited++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		usleep(10000);
	}
	if (waited == 1000) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		fail_msg("ctoracle %s did not stop within 10 s of signal %d", args, sig);
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 128 + sig)
		fail_msg("ctoracle %s: status 0x%x after signal %d: %s", args,
			 status, sig, output());
	expect_output("stopped by SIG");
	assert_false(leftovers());
	wait_gone(p[0], p[1]);
	unlink(th_path("bin/e2fsck"));
}

static void test_sigint_judge(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	interrupt(SIGINT, "judge --manifest manifest --marks 101 fs.img");
	expect_output("SIGINT");
}

static void test_sigterm_check(void **state)
{
	(void)state;
	SKIP_WITHOUT_E2FSPROGS();
	interrupt(SIGTERM, "check --trace trace --manifest manifest --out o5 --budget 10");
	/* The record says so. */
	assert_int_equal(th_sh("grep -q '\"interrupted\":\"SIGTERM\"' '%s/o5/result.json'",
			    th_dir), 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_mark),
		cmocka_unit_test(test_trace_of_another_run),
		cmocka_unit_test(test_strict_numbers),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_aliasing),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_bad_verdicts),
		cmocka_unit_test(test_sigint_judge),
		cmocka_unit_test(test_sigterm_check),
		cmocka_unit_test(test_tool_group),
		cmocka_unit_test(test_tool_static_twin),
		cmocka_unit_test(test_tool_missing),
	};

	(void)argc;
	if (th_program(argv[0], "ctoracle", ctoracle))
		return 1;
	return cmocka_run_group_tests(tests, setup, th_teardown);
}
