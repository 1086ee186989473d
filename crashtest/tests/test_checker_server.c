// SPDX-License-Identifier: MIT
/*
 * Checker servers: the same verdicts as in process and as fork+exec on
 * the log example, correct and buggy; and every way a server can break
 * the protocol (dies, crashes, hangs, garbage, too many or too few lines,
 * cannot be run, writes to the image) ends the run with one message of
 * the documented kind, in bounded time, leaving no process behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "applog.h"
#include "daxlab/clock.h"
#include "daxlab/num.h"
#include "helpers.h"

static struct pmsim_trace *log_trace(int buggy, unsigned n)
{
	struct pmsim_trace *t;
	struct pm_rec *r;

	assert_int_equal(pm_rec_new(&r, NULL), 0);
	assert_int_equal(applog_workload(r, buggy, n), 0);
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pm_rec_free(r);
	return t;
}

enum how { IN_PROCESS, EXEC, SERVER };

/* Run t with a checker of kind how (cmd for EXEC and SERVER); returns
 * pmsim_run's status, or the server's end when the run succeeded. */
static int run_with(struct pmsim_trace *t, enum how how, const char *cmd,
		    double timeout, struct pmsim_result *res)
{
	struct pmsim_checker chk = { .check = applog_checker, .name = "applog" };
	struct pmsim_exec_checker *ec = NULL;
	struct pmsim_server_checker *sc = NULL;
	struct pmsim_opts o;
	int r;

	pmsim_opts_default(&o);
	o.max_reports = 100000;
	if (how == EXEC) {
		assert_int_equal(pmsim_exec_checker_new(&ec, cmd, NULL, timeout), 0);
		chk = pmsim_exec_checker_ops(ec);
	} else if (how == SERVER) {
		assert_int_equal(pmsim_server_checker_new(&sc, cmd, timeout), 0);
		chk = pmsim_server_checker_ops(sc);
	}
	r = pmsim_run(t, &o, &chk, res);
	if (!r && sc)
		r = pmsim_server_checker_finish(sc);
	pmsim_exec_checker_free(ec);
	pmsim_server_checker_free(sc);
	return r;
}

static void same_result(const struct pmsim_result *a, const struct pmsim_result *b)
{
	assert_int_equal(a->distinct, b->distinct);
	assert_int_equal(a->explored, b->explored);
	assert_int_equal(a->violations, b->violations);
	assert_int_equal(a->nreports, b->nreports);
	for (size_t i = 0; i < a->nreports; i++) {
		assert_int_equal(a->reports[i].crash.event, b->reports[i].crash.event);
		assert_int_equal(a->reports[i].crash.state, b->reports[i].crash.state);
		assert_memory_equal(a->reports[i].key, b->reports[i].key, sizeof(a->reports[i].key));
		assert_int_equal(a->reports[i].crash.nmarks, b->reports[i].crash.nmarks);
		assert_int_equal(a->reports[i].npersisted, b->reports[i].npersisted);
		assert_int_equal(a->reports[i].nlost, b->reports[i].nlost);
		assert_memory_equal(a->reports[i].persisted, b->reports[i].persisted,
				    a->reports[i].npersisted * sizeof(*a->reports[i].persisted));
	}
}

/* One log, three checkers: the same states judged the same way. */
static void same_verdicts(int buggy, unsigned appends)
{
	struct pmsim_trace *t = log_trace(buggy, appends);
	struct pmsim_result in, ex, sv;
	char exec_cmd[4200], server_cmd[4200];

	snprintf(exec_cmd, sizeof(exec_cmd), "%s/examples/applog-check", cli_bin);
	snprintf(server_cmd, sizeof(server_cmd), "%s/examples/applog-check --server", cli_bin);
	assert_int_equal(run_with(t, IN_PROCESS, NULL, 0, &in), 0);
	assert_int_equal(run_with(t, EXEC, exec_cmd, 30, &ex), 0);
	if (run_with(t, SERVER, server_cmd, 30, &sv))
		fail_msg("server: %s", pmsim_errmsg());
	assert_true(in.distinct > 100);
	if (buggy)
		assert_true(in.violations > 0);
	else
		assert_int_equal(in.violations, 0);
	same_result(&in, &ex);
	same_result(&in, &sv);
	/* the reason the checker gave, as a server's violation MESSAGE */
	for (size_t i = 0; i < in.nreports; i++) {
		assert_non_null(in.reports[i].reason);
		assert_null(ex.reports[i].reason);
		assert_string_equal(in.reports[i].reason, sv.reports[i].reason);
	}
	pmsim_result_free(&in);
	pmsim_result_free(&ex);
	pmsim_result_free(&sv);
	pmsim_trace_free(t);
}

static void verdicts_correct_log(void **state)
{
	(void)state;
	same_verdicts(0, 2);
}

static void verdicts_buggy_log(void **state)
{
	(void)state;
	same_verdicts(1, 2);
}

/* Processes whose command line holds tag (a server left running). */
static int running(const char *tag)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[300], cmd[4096];
		ssize_t len;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		len = read(fd, cmd, sizeof(cmd) - 1);
		close(fd);
		for (ssize_t i = 0; i < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[len > 0 ? len : 0] = '\0';
		n += strstr(cmd, tag) != NULL;
	}
	closedir(d);
	return n;
}

/*
 * The sleeper a hanging server leaves behind, named after this process:
 * the sanitizer lane runs this test at the same time as the release lane,
 * and one lane must not count the other's sleeper as its own leak.
 */
static char sleeper[64];

/* Whether a sleeper is still running 2 s after the run ended: the group
 * kill is asynchronous (a killed process lingers until it is scheduled),
 * and a leaked one would sleep for 20 minutes. */
static int sleeper_left(void)
{
	uint64_t t0 = dx_now_ns();

	while (running(sleeper) && dx_now_ns() - t0 < 2 * DX_NS_PER_S)
		usleep(10000);
	return running(sleeper);
}

/*
 * A shell server that answers ANSWER to every request; BEFORE runs before
 * each answer ($n: the request's number from 1), so a case states only
 * how it misbehaves.
 */
#define SERVER(before, answer)                                              \
	"n=0; while read -r k rest; do [ \"$k\" = state ] || continue; "   \
	"n=$((n+1)); " before "; echo \"" answer "\"; done"

/* A broken server: the run fails with kind, a message holding want, in
 * less than 10 s, and nothing of it is left running. */
static void breaks(const char *cmd, double timeout, enum pmsim_errkind kind,
		   const char *want)
{
	struct pmsim_trace *t = log_trace(0, 2);
	struct pmsim_result res;
	uint64_t t0 = dx_now_ns();

	assert_int_not_equal(run_with(t, SERVER, cmd, timeout, &res), 0);
	if (!strstr(pmsim_errmsg(), want))
		fail_msg("message lacks \"%s\": %s", want, pmsim_errmsg());
	assert_int_equal(pmsim_errkind(), kind);
	assert_true(dx_now_ns() - t0 < 10 * DX_NS_PER_S);
	assert_int_equal(sleeper_left(), 0);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
}

static void dies_mid_run(void **state)
{
	(void)state;
	breaks(SERVER("[ $n -gt 5 ] && exit 0", "ok"), 10, PMSIM_ERR_FAILED,
	       "exited with status 0 before answering the state at event");
	breaks(SERVER("[ $n -gt 5 ] && kill -KILL $$", "ok"), 10, PMSIM_ERR_FAILED,
	       "crashed (signal 9");
}

static void hangs(void **state)
{
	char cmd[256];

	(void)state;
	/* the sleeper holds the socket: only the group kill ends it */
	snprintf(cmd, sizeof(cmd), SERVER("[ $n -gt 3 ] && %s", "ok"), sleeper);
	breaks(cmd, 0.3, PMSIM_ERR_FAILED, "timed out after 0.3 s");
	breaks(sleeper, 0.3, PMSIM_ERR_FAILED, "timed out after 0.3 s");
}

static void garbage(void **state)
{
	(void)state;
	breaks(SERVER(":", "yes"), 10, PMSIM_ERR_FAILED,
	       "answered \"yes\" to the state at event");
	breaks(SERVER(":", "okay"), 10, PMSIM_ERR_FAILED, "not ok, violation or error");
	breaks("head -c 5000 /dev/zero | tr '\\0' x; cat >/dev/null", 10, PMSIM_ERR_FAILED,
	       "not a line of at most 4096 bytes");
	breaks(SERVER(":", "error no image"), 10, PMSIM_ERR_FAILED, "failed on the state at "
	       "event 4 (state 0): no image");
}

static void too_many_or_few(void **state)
{
	(void)state;
	/* answers are matched to requests in order: the extra ones are
	 * left over at the end */
	breaks(SERVER(":", "ok\nok"), 10, PMSIM_ERR_FAILED, "wrote \"ok\" after its last answer");
	/* reads without answering: the timeout */
	breaks("cat >/dev/null", 0.3, PMSIM_ERR_FAILED, "timed out after 0.3 s");
	/* a line after the last answer, an exit status at the end */
	breaks(SERVER(":", "ok") "; echo late", 10, PMSIM_ERR_FAILED,
	       "wrote \"late\" after its last answer");
	breaks(SERVER(":", "ok") "; exit 3", 10, PMSIM_ERR_FAILED,
	       "exited with status 3 at the end of the run");
}

static void cannot_run(void **state)
{
	char path[4200];

	(void)state;
	breaks("/nonexistent/checker", 10, PMSIM_ERR_INPUT, "could not be run (exit 127)");
	snprintf(path, sizeof(path), "%s/not-executable", cli_dir);
	fclose(fopen(path, "w"));
	breaks(path, 10, PMSIM_ERR_INPUT, "could not be run (exit 126)");
}

/* What the server is given: the header, descriptor 3 read-only in effect
 * (writes refused, whatever the open mode), the request's fields. */
static void protocol_seen(void **state)
{
	struct pmsim_trace *t = log_trace(0, 2);
	struct pmsim_result res;
	const char *cmd =
		"read -r magic ver size slots nreg nmarks; "
		"[ \"$magic $ver $size $nreg $nmarks\" = 'pmsim-checker 1 65536 1 2' ] || exit 9; "
		"[ \"$slots\" -ge 1 ] || exit 15; "
		"[ \"$PMSIM_IMAGE_FD\" = 3 ] && [ \"$PMSIM_IMAGE\" = /dev/fd/3 ] || exit 10; "
		"read -r kind off base rsize name; "
		"[ \"$kind $off $base $rsize $name\" = 'region 0 0x100000000 65536 applog' ] || exit 11; "
		"read -r kind id ev label; [ \"$kind $id $label\" = 'mark 1 append 0 returned' ] || exit 12; "
		"read -r kind id ev label; [ \"$kind $id $label\" = 'mark 2 append 1 returned' ] || exit 13; "
		"while read -r kind st slot ev nm last label; do "
		"  [ \"$kind\" = state ] && [ \"$slot\" -lt \"$slots\" ] || exit 14; "
		"  case $nm:$last:$label in 0:-:|1:1:'append 0 returned'|2:2:'append 1 returned') ;; "
		"  *) echo \"error bad request $nm $last $label\"; continue ;; esac; "
		"  if printf x 1<>/dev/fd/3 2>/dev/null; then echo 'violation image writable'; "
		"  else echo ok; fi; "
		"done";

	(void)state;
	if (run_with(t, SERVER, cmd, 10, &res))
		fail_msg("%s", pmsim_errmsg());
	assert_true(res.distinct > 100);
	assert_int_equal(res.violations, 0);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
}

/* A mark label of 5000 bytes with a newline, backslashes and a leading
 * space: the header and requests stay lines pmsim_serve accepts, and the
 * verdicts (the extra mark promises a third record) are the same. */
static void long_label(void **state)
{
	struct pmsim_result in, sv;
	struct pmsim_trace *t;
	struct pm_rec *r;
	char label[5001], cmd[4200];

	(void)state;
	memset(label, '\\', sizeof(label) - 1);
	label[0] = ' ';
	label[10] = '\n';
	label[sizeof(label) - 1] = '\0';
	assert_int_equal(pm_rec_new(&r, NULL), 0);
	assert_int_equal(applog_workload(r, 0, 2), 0);
	assert_true(pm_mark(r, label) > 0);
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pm_rec_free(r);
	snprintf(cmd, sizeof(cmd), "%s/examples/applog-check --server", cli_bin);
	assert_int_equal(run_with(t, IN_PROCESS, NULL, 0, &in), 0);
	if (run_with(t, SERVER, cmd, 10, &sv))
		fail_msg("%s", pmsim_errmsg());
	assert_true(in.violations > 0);
	same_result(&in, &sv);
	pmsim_result_free(&in);
	pmsim_result_free(&sv);
	pmsim_trace_free(t);
}

/* In process: a violation when the first word of line 0 holds 1. */
static int first_word_is_1(void *arg, const struct pmsim_image *img,
			   const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	(void)arg;
	(void)c;
	(void)ch;
	(void)n;
	return image_u64(img, LINE(0)) == 1;
}

/*
 * A 64 GiB region gets fewer image slots than the engine's window (the
 * slots' address space is bounded): answers are then read before a slot
 * is reused, and the verdicts are still those of the in-process checker.
 */
static void few_slots(void **state)
{
	struct pmsim_checker chk = { .check = first_word_is_1 };
	struct pmsim_server_checker *sc;
	struct pmsim_result in, sv;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r;
	const char *cmd =
		"read -r magic ver size slots rest; [ \"$slots\" -lt 64 ] || exit 9; read -r x; "
		"while read -r kind st slot rest; do "
		"  v=$(od -An -tu8 -j $((slot * size)) -N8 /dev/fd/3 | tr -d ' '); "
		"  if [ \"$v\" = 1 ]; then echo violation; else echo ok; fi; "
		"done";

	(void)state;
	assert_int_equal(pm_rec_new(&r, NULL), 0);
	assert_int_equal(pm_region(r, RBASE, 64ull << 30, "big"), 0);
	for (int l = 0; l < 3; l++)
		for (int k = 0; k < 2; k++) {
			uint64_t v = 10 * (uint64_t)l + (uint64_t)k + 1;

			assert_int_equal(pm_store(r, LINE(l) + 8 * (uint64_t)k, &v, 8), 0);
		}
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pm_rec_free(r);
	pmsim_opts_default(&o);
	o.max_reports = 1000;
	assert_int_equal(pmsim_run(t, &o, &chk, &in), 0);
	assert_int_equal(pmsim_server_checker_new(&sc, cmd, 10), 0);
	chk = pmsim_server_checker_ops(sc);
	if (pmsim_run(t, &o, &chk, &sv) || pmsim_server_checker_finish(sc))
		fail_msg("%s", pmsim_errmsg());
	assert_int_equal(in.distinct, 27);
	assert_int_equal(in.violations, 18);	/* line 0: two of its three options */
	same_result(&in, &sv);
	pmsim_server_checker_free(sc);
	pmsim_result_free(&in);
	pmsim_result_free(&sv);
	pmsim_trace_free(t);
}

int main(void)
{
	/* sleep(1) takes a decimal: 1234.PID seconds, unique to this run; the
	 * space ends the tag in running()'s view of a command line, so pid 12
	 * is not pid 123 */
	snprintf(sleeper, sizeof(sleeper), "sleep 1234.%ld ", (long)getpid());
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verdicts_correct_log),
		cmocka_unit_test(verdicts_buggy_log),
		cmocka_unit_test(dies_mid_run),
		cmocka_unit_test(hangs),
		cmocka_unit_test(garbage),
		cmocka_unit_test(too_many_or_few),
		cmocka_unit_test(cannot_run),
		cmocka_unit_test(protocol_seen),
		cmocka_unit_test(few_slots),
		cmocka_unit_test(long_label),
	};

	return cmocka_run_group_tests_name("checker_server", tests, cli_setup, cli_teardown);
}
