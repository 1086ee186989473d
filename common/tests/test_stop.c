// SPDX-License-Identifier: MIT
/*
 * Stopping on a user's signal, in a child process each: at once the
 * process dies of the signal after the hook (its parent sees which);
 * deferred the signal is only recorded, the first one wins, and reads
 * restart instead of failing with EINTR.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/stop.h"

static int hook_fd = -1;

/* Async-signal-safe: one byte naming the signal, down a pipe. */
static void hook(int sig)
{
	char c = (char)sig;

	if (write(hook_fd, &c, 1) != 1)
		_exit(99);
}

/* Runs body in a child with a pipe for the hook; returns the wait
 * status and the hook's bytes in got (NUL-terminated). */
static int in_child(void (*body)(void), char *got, size_t size)
{
	int p[2], status;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		hook_fd = p[1];
		body();
		_exit(0);
	}
	close(p[1]);
	/* To the end: a pipe closed early would kill the child's next
	 * write with SIGPIPE. */
	for (size_t len = 0;; len += (size_t)n) {
		n = read(p[0], got + len, size - 1 - len);
		if (n <= 0) {
			got[len] = '\0';
			break;
		}
	}
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

static void body_at_once(void)
{
	dx_stop_install(hook, true);
	raise(SIGTERM);
	_exit(42);	/* not reached: the signal ends the process */
}

static void test_at_once(void **state)
{
	char got[8];
	int st;

	(void)state;
	st = in_child(body_at_once, got, sizeof(got));
	assert_true(WIFSIGNALED(st));
	assert_int_equal(WTERMSIG(st), SIGTERM);
	assert_int_equal(got[0], SIGTERM);	/* the hook ran first */
}

static void body_deferred(void)
{
	dx_stop_install(hook, true);
	dx_stop_defer();
	if (dx_stop_signal() != 0)
		_exit(10);
	raise(SIGINT);
	raise(SIGTERM);
	/* Recorded, not died of; the first one names the stop. */
	_exit(dx_stop_signal() == SIGINT ? 0 : 11);
}

/* Runs body in a child that must exit with 0 (its checks passed). */
static void child_passes(void (*body)(void), char *got, size_t size)
{
	int st = in_child(body, got, size);

	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail_msg("the child ended with wait status 0x%x", st);
}

static void test_deferred(void **state)
{
	char got[8];

	(void)state;
	child_passes(body_deferred, got, sizeof(got));
	/* The hook runs for every signal, the record keeps the first. */
	assert_int_equal(got[0], SIGINT);
	assert_int_equal(got[1], SIGTERM);
}

/* A read that a signal interrupts restarts (SA_RESTART) and returns the
 * data written after the signal. */
static void body_restart(void)
{
	int p[2];
	pid_t pid;
	char c;

	dx_stop_install(NULL, false);
	if (pipe(p))
		_exit(20);
	pid = fork();
	if (pid == 0) {
		usleep(100 * 1000);
		kill(getppid(), SIGHUP);
		usleep(100 * 1000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	if (read(p[0], &c, 1) != 1 || c != 'x')
		_exit(21);
	waitpid(pid, NULL, 0);
	_exit(dx_stop_signal() == SIGHUP ? 0 : 22);
}

static void test_restart(void **state)
{
	char got[8];

	(void)state;
	child_passes(body_restart, got, sizeof(got));
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(dx_stop_name(SIGINT), "SIGINT");
	assert_string_equal(dx_stop_name(SIGTERM), "SIGTERM");
	assert_string_equal(dx_stop_name(SIGHUP), "SIGHUP");
	assert_string_equal(dx_stop_name(SIGUSR1), "signal 10");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_once),
		cmocka_unit_test(test_deferred),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
