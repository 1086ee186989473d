// SPDX-License-Identifier: MIT
/*
 * Commands with a time limit: exit status, signal and timeout told apart;
 * stdin and stdout files; the whole process group killed at the limit
 * (the defect of a helper that killed only the pid: a tool that forks
 * left its children running).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/clock.h"
#include "daxlab/files.h"
#include "daxlab/num.h"
#include "daxlab/spawn.h"
#include "fixture.h"

static struct dx_spawn_result sh(const char *script, uint64_t timeout_ns)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	struct dx_spawn s = { .argv = argv, .timeout_ns = timeout_ns };
	struct dx_spawn_result r;
	char err[256];

	if (dx_spawn_run(&s, &r, err, sizeof(err)))
		fail_msg("sh did not run: %s", err);
	return r;
}

static void test_status(void **state)
{
	struct dx_spawn_result r;
	char buf[128];

	(void)state;
	r = sh("exit 0", 0);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	assert_int_equal(r.code, 0);
	r = sh("exit 3", 0);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	assert_int_equal(r.code, 3);
	assert_string_equal(dx_spawn_describe(&r, buf, sizeof(buf)),
			    "exited with status 3");
	r = sh("kill -SEGV $$", 0);
	assert_int_equal(r.how, DX_SPAWN_SIGNALED);
	assert_int_equal(r.code, SIGSEGV);
	assert_non_null(strstr(dx_spawn_describe(&r, buf, sizeof(buf)),
			       "killed by signal 11"));
}

static void test_timeout(void **state)
{
	struct dx_spawn_result r;
	char buf[128];

	(void)state;
	r = sh("sleep 30", 200 * DX_NS_PER_MS);
	assert_int_equal(r.how, DX_SPAWN_TIMED_OUT);
	assert_int_equal(r.code, SIGKILL);
	assert_true(r.elapsed_ns >= 200 * DX_NS_PER_MS);
	assert_true(r.elapsed_ns < 5 * DX_NS_PER_S);
	assert_non_null(strstr(dx_spawn_describe(&r, buf, sizeof(buf)),
			       "timed out"));
	/* A command that ends in time is not a timeout. */
	r = sh("exit 4", 5 * DX_NS_PER_S);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	assert_int_equal(r.code, 4);
}

/* Whether pid is gone (or a zombie nobody waits for yet), within 2 s. */
static int gone(pid_t pid)
{
	for (int i = 0; i < 200; i++) {
		char path[64], st[256] = "";
		FILE *f;

		if (kill(pid, 0) && errno == ESRCH)
			return 1;
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		f = fopen(path, "r");
		if (f) {
			char *p = fgets(st, sizeof(st), f) ? strrchr(st, ')') : NULL;

			fclose(f);
			if (p && p[1] == ' ' && p[2] == 'Z')
				return 1;
		}
		usleep(10000);
	}
	return 0;
}

static pid_t read_pid(const char *path)
{
	char buf[32] = "", err[128];
	uint64_t v = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	if (dx_parse_u64(buf, 1, INT32_MAX, &v, path, err, sizeof(err)))
		fail_msg("%s", err);
	return (pid_t)v;
}

/*
 * Run script (a format with one %s: a file for the pid of the child it
 * starts) with the limit; it must end as how says and take that child
 * with it.
 */
static void child_dies(const char *script, uint64_t timeout_ns,
		       enum dx_spawn_how how, const char *what)
{
	char cmd[256], pidfile[128];
	struct dx_spawn_result r;
	pid_t child;

	snprintf(pidfile, sizeof(pidfile), "%s/child.pid", dir);
	snprintf(cmd, sizeof(cmd), script, pidfile);
	r = sh(cmd, timeout_ns);
	assert_int_equal(r.how, how);
	child = read_pid(pidfile);
	if (!gone(child)) {
		kill(child, SIGKILL);
		fail_msg("%s %d outlived the command", what, (int)child);
	}
}

static void test_timeout_kills_group(void **state)
{
	(void)state;
	/* Like fsck: the command forks a worker and waits for it. */
	child_dies("sleep 30 & echo $! > '%s'; wait", 300 * DX_NS_PER_MS,
		   DX_SPAWN_TIMED_OUT, "the forked worker");
}

static void test_leftovers_killed(void **state)
{
	(void)state;
	/* The command exits at once and leaves a background child behind. */
	child_dies("sleep 30 >/dev/null 2>&1 & echo $! > '%s'; exit 0", 0,
		   DX_SPAWN_EXITED, "the background child");
}

static void test_files(void **state)
{
	char in[128], out[128], buf[128] = "";
	char *argv[] = { "sh", "-c", "cat; echo to-stderr >&2", NULL };
	struct dx_spawn s = { .argv = argv, .stdin_path = in,
			      .stdout_path = out,
			      .flags = DX_SPAWN_STDERR_TO_STDOUT };
	struct dx_spawn_result r;
	char err[256];
	FILE *f;

	(void)state;
	snprintf(in, sizeof(in), "%s/in", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	assert_int_equal(dx_write_file(in, "from-stdin\n", 11), 0);
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), 0);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 21);
	fclose(f);
	assert_string_equal(buf, "from-stdin\nto-stderr\n");
	/* Appending keeps what was there; truncating does not. */
	s.flags = DX_SPAWN_APPEND | DX_SPAWN_STDERR_TO_STDOUT;
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 42);
	fclose(f);
}

static void test_stdin_default(void **state)
{
	struct dx_spawn_result r;

	(void)state;
	/* /dev/null: a tool that asks a question gets EOF, never hangs. */
	r = sh("read x; exit $?", 5 * DX_NS_PER_S);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	assert_int_equal(r.code, 1);
}

static void test_env(void **state)
{
	char *argv[] = { "sh", "-c", "test \"$DX_TEST\" = yes", NULL };
	char *env[] = { "DX_TEST=yes", "PATH=/usr/bin:/bin", NULL };
	struct dx_spawn s = { .argv = argv, .envp = env };
	struct dx_spawn_result r;
	char err[256];

	(void)state;
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), 0);
	assert_int_equal(r.code, 0);
}

static void test_not_started(void **state)
{
	char *argv[] = { "daxlab-no-such-command", NULL };
	char *argv2[] = { "true", NULL };
	struct dx_spawn s = { .argv = argv };
	struct dx_spawn_result r;
	char err[256];

	(void)state;
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot run daxlab-no-such-command"));
	s.argv = argv2;
	s.stdout_path = "/nonexistent/dir/out";
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stdout /nonexistent/dir/out"));
	s.stdout_path = NULL;
	s.stdin_path = "/nonexistent/in";
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stdin /nonexistent/in"));
}

/* A program given by path runs with the argv[0] it is told: the name
 * its messages use. PATH is not searched for it. */
static void test_path(void **state)
{
	char *argv[] = { "daxlab-named", "-c", "test \"$0\" = daxlab-named", NULL };
	char *env[] = { "PATH=/nonexistent", NULL };
	struct dx_spawn s = { .argv = argv, .envp = env, .path = "/bin/sh" };
	struct dx_spawn_result r;
	char err[256];

	(void)state;
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), 0);
	assert_int_equal(r.how, DX_SPAWN_EXITED);
	assert_int_equal(r.code, 0);
	s.path = "/nonexistent/sh";
	assert_int_equal(dx_spawn_run(&s, &r, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot run /nonexistent/sh"));
}

/* Started beside us: it reads a line from the socket on its stdin,
 * answers on its stdout with what descriptor 3 holds; then a deadline
 * kills what it started and is still running. */
static void test_start_wait(void **state)
{
	char *argv[] = { "sh", "-c", "read -r x; echo \"$x $(cat <&3)\"; sleep 30 & wait", NULL };
	struct dx_spawn s = { .argv = argv, .flags = DX_SPAWN_FDS };
	struct dx_spawn_result r;
	char err[256], buf[64] = "";
	int sv[2], p[2];
	uint64_t t0;
	pid_t pid;
	ssize_t n;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], "three", 5), 5);
	close(p[1]);
	s.stdin_fd = s.stdout_fd = sv[1];
	s.fd3 = p[0];
	assert_int_equal(dx_spawn_start(&s, &pid, err, sizeof(err)), 0);
	close(sv[1]);
	close(p[0]);
	assert_int_equal(write(sv[0], "hello\n", 6), 6);
	n = read(sv[0], buf, sizeof(buf) - 1);
	assert_true(n > 0);
	assert_string_equal(buf, "hello three\n");
	t0 = dx_now_ns();
	assert_int_equal(dx_spawn_wait(pid, "sh", t0 + 200 * DX_NS_PER_MS, &r, err, sizeof(err)), 0);
	assert_int_equal(r.how, DX_SPAWN_TIMED_OUT);
	assert_true(dx_now_ns() - t0 < 5 * DX_NS_PER_S);
	/* the group is gone: nothing holds the socket open */
	assert_int_equal(read(sv[0], buf, sizeof(buf)), 0);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_leftovers_killed),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_stdin_default),
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_not_started),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_start_wait),
	};

	return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
