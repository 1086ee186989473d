/*
 * Nothing lost, nothing silently wrong: refusals before any fill, runs
 * stopped by a signal (a record that says so, exit 128+N, nothing half
 * filled left), fills that did not finish (refused until --overwrite
 * fills again), and runs that measured nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "verify.h"

/* Big enough that its fill takes a while, on the host file system only. */
#define BIG "4G"

/* The fill marker of file f in d. */
static const char *marker(const struct tdir *d, const char *f, int slot)
{
	char name[64];

	snprintf(name, sizeof(name), ".%s.daxwl-filling", f);
	return tfile(d, name, slot);
}

/* Starts args and waits until the fill of file f is under way (its marker has data). */
static int start_filling(struct tdir *d, const char *const *args, const char *f)
{
	int pid = start_daxwl(d, args);

	if (!wait_for_file(marker(d, f, 3), 1 << 20, 20000)) {
		kill(pid, SIGKILL);
		wait_daxwl(pid);
		dump_run(d);
		fail_msg("the fill of %s did not start", f);
	}
	return pid;
}

/*
 * MAP_SYNC is refused on tmpfs and ext4 without DAX: decided before the
 * file is filled, and the file daxwl created is gone again.
 */
static void test_map_sync_refused_before_fill(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "fault", "--file", tfile(d, "f", 0), "--size", "256M", "--map-sync",
			       NULL };

	ASSERT_RC(d, run_daxwl(d, args), 3);
	ASSERT_JQ(d, ".[0].error.class == \"not_supported\" and .[0].error.errno == \"EOPNOTSUPP\"");
	ASSERT_JQ(d, ".[0].target | .created == true and .removed == true");
	ASSERT_JQ(d, ".[0].env.map_sync.accepted == false");
	assert_true(file_contains(d->err, "is removed"));
	assert_int_equal(dir_entries(d), 2);
}

/* SIGTERM while measuring: a record of what was measured, exit 143, the created file gone. */
static void test_sigterm_during_run(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--runtime", "60s",
			       NULL };
	int pid = start_daxwl(d, args);

	usleep(500 * 1000);
	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	ASSERT_JQ(d, "length == 1 and .[0].error.class == \"interrupted\" and .[0].error.exit_code == 143");
	ASSERT_JQ(d, ".[0].results | .ops > 0 and .elapsed_ns > 0 and .iops > 0 and (.note | test(\"SIGTERM\"))");
	ASSERT_JQ(d, ".[0].error.message | test(\"interrupted by SIGTERM during the run, after [0-9]+ ops\")");
	ASSERT_JQ(d, ".[0].target.removed == true");
	assert_int_equal(dir_entries(d), 2);
}

/* SIGINT with --json: the file holds the record (it used to stay empty). */
static void test_sigint_json_file(void **state)
{
	struct tdir *d = *state;
	const char *out = tfile(d, "runs.json", 1);
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--runtime", "60s",
			       "--repeat", "3", "--json", out, NULL };
	int pid = start_daxwl(d, args);

	usleep(500 * 1000);
	kill(pid, SIGINT);
	ASSERT_RC(d, wait_daxwl(pid), 130);
	assert_int_equal(count_lines(out), 1);
	assert_true(jq_true(out, ".[0].error.class == \"interrupted\" and .[0].error.exit_code == 130 "
				 "and .[0].results.ops > 0 and .[0].repeat_index == 0"));
}

/*
 * A run without a time limit (the largest --runtime does not wrap around
 * to "stop at once") ends on SIGTERM with what it measured.
 */
static void test_longest_runtime(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M",
			       "--runtime", "18446744073709551615ns", "--warmup", "18446744073s", NULL };
	const char *warm[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M",
			       "--runtime", "18446744073709551615ns", NULL };
	int pid = start_daxwl(d, warm);

	usleep(500 * 1000);
	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	ASSERT_JQ(d, ".[0].results.ops > 0 and .[0].params.runtime == 18446744073709551615");
	/* Stopped in the warm-up: nothing measured, said so. */
	pid = start_daxwl(d, args);
	usleep(500 * 1000);
	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	ASSERT_JQ(d, ".[0].results | .ops == 0 and .iops == null and .lat_ns.p50 == null");
}

/* SIGTERM while the file is being created: no partial file, a record that says so. */
static void test_sigterm_during_fill(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", BIG, NULL };
	int pid = start_filling(d, args, "f");

	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	ASSERT_JQ(d, ".[0].error.class == \"interrupted\" and .[0].results == null");
	ASSERT_JQ(d, ".[0].error.message | test(\"while creating .* bytes written\")");
	ASSERT_JQ(d, ".[0].target | .created == true and .removed == true");
	assert_int_equal(dir_entries(d), 2);
}

/*
 * A fill killed outright (SIGKILL cannot be caught) leaves its marker, and
 * never a file at the target's name: the next run refuses, and with
 * --overwrite starts again and ends with a complete file.
 */
static void test_killed_fill_is_refused(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "rw", "--file", f, "--size", BIG, NULL };
	const char *again[] = { "rw", "--file", f, "--size", "8M", "--iterations", "1", NULL };
	const char *redo[] = { "rw", "--file", f, "--size", "8M", "--iterations", "1", "--overwrite",
			       "--verify", NULL };
	int pid = start_filling(d, args, "f");

	kill(pid, SIGKILL);
	assert_int_equal(wait_daxwl(pid), -1);
	assert_int_equal(access(f, F_OK), -1);
	assert_int_equal(access(marker(d, "f", 1), F_OK), 0);
	ASSERT_RC(d, run_daxwl(d, again), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"stopped before the end.*--overwrite\")");
	ASSERT_RC(d, run_daxwl(d, redo), 0);
	ASSERT_JQ(d, ".[0].target | .created == true and .size == 8388608");
	ASSERT_JQ(d, ".[0].results.verify.bad_words == 0");
	assert_int_equal(access(marker(d, "f", 1), F_OK), -1);
}

/*
 * Refilling an existing file in place (--verify --overwrite), stopped:
 * the marker stays, later runs refuse the file until one fills it again.
 */
static void test_refill_interrupted(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *mk[] = { "rw", "--file", f, "--size", "1G", "--sparse", "--iterations", "1", NULL };
	const char *refill[] = { "rw", "--file", f, "--verify", "--overwrite", "--iterations", "1",
				 NULL };
	const char *read[] = { "rw", "--file", f, "--iterations", "1", NULL };
	const char *redo[] = { "rw", "--file", f, "--iterations", "1", "--overwrite", "--size", "8M",
			       NULL };

	ASSERT_RC(d, run_daxwl(d, mk), 0);
	int pid = start_daxwl(d, refill);
	struct stat st = { 0 };

	/* The file had holes: its blocks show how far the refill got. */
	for (int ms = 0; ms < 20000 && st.st_blocks < (16 << 20) / 512; ms++) {
		usleep(1000);
		assert_int_equal(stat(f, &st), 0);
	}
	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	ASSERT_JQ(d, ".[0].error.message | test(\"while refilling .* stays to mark\")");
	assert_int_equal(access(marker(d, "f", 1), F_OK), 0);
	ASSERT_RC(d, run_daxwl(d, read), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"was not filled completely\")");
	ASSERT_RC(d, run_daxwl(d, redo), 0);
	ASSERT_JQ(d, ".[0].target | .refilled == true and .created == false");
	assert_true(file_contains(d->err, "filling it again"));
	assert_int_equal(access(marker(d, "f", 1), F_OK), -1);
	/* All of it was filled again (seed 1), not only the 8 MiB that run used. */
	int fd = open(f, O_RDONLY);
	uint64_t first;

	assert_true(fd >= 0);
	assert_int_equal(verify_check_fd(fd, (1 << 30) - (1 << 20), 1 << 20, 1, &first), 0);
	close(fd);
}

/* A marker's name is neither a target nor an output: it belongs to a fill. */
static void test_marker_names_refused(void **state)
{
	struct tdir *d = *state;
	const char *json[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--json",
			       marker(d, "f", 1), "--overwrite", NULL };
	const char *file[] = { "rw", "--file", marker(d, "f", 1), "--size", "1M", NULL };

	ASSERT_RC(d, run_daxwl(d, json), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"fill marker\")");
	ASSERT_RC(d, run_daxwl(d, file), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"fill marker of another file\")");
	assert_int_equal(dir_entries(d), 2);
}

/* A second daxwl does not take a file another one is still filling. */
static void test_fill_in_progress(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "rw", "--file", f, "--size", BIG, NULL };
	const char *second[] = { "rw", "--file", f, "--size", "8M", "--overwrite", NULL };
	struct tdir d2 = *d;

	/* The second run's output goes beside the first one's. */
	snprintf(d2.json, sizeof(d2.json), "%s/out2.json", d->path);
	snprintf(d2.err, sizeof(d2.err), "%s/err2.txt", d->path);
	int pid = start_filling(d, args, "f");

	ASSERT_RC(&d2, run_daxwl(&d2, second), 2);
	ASSERT_JQ(&d2, ".[0].error.message | test(\"another daxwl is filling\")");
	kill(pid, SIGTERM);
	ASSERT_RC(d, wait_daxwl(pid), 143);
	assert_int_equal(access(marker(d, "f", 1), F_OK), -1);
	assert_int_equal(access(f, F_OK), -1);
}

/* --runtime 1ns measures nothing: exit 1, rates and latencies null, and why. */
static void test_nothing_measured(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *mk[] = { "rw", "--file", f, "--size", "1M", "--iterations", "1", NULL };
	const char *args[] = { "rw", "--file", f, "--runtime", "1ns", NULL };
	const char *fault[] = { "fault", "--file", f, "--runtime", "1ns", "--touch", "read", NULL };

	ASSERT_RC(d, run_daxwl(d, mk), 0);
	ASSERT_RC(d, run_daxwl(d, args), 1);
	ASSERT_JQ(d, ".[0].error.class == \"runtime\" and (.[0].error.message | test(\"measured no operation\"))");
	ASSERT_JQ(d, ".[0].results | .ops == 0 and .iops == null and .gbps == null and .lat_ns.count == 0");
	ASSERT_JQ(d, ".[0].results.lat_ns | [.min, .mean, .p50, .p90, .p99, .p99_9, .max] | all(. == null)");
	ASSERT_JQ(d, ".[0].results | (.note | test(\"no operation\")) and .per_thread[0].gbps == null and .per_thread[0].p50_ns == null");
	ASSERT_RC(d, run_daxwl(d, fault), 1);
	ASSERT_JQ(d, ".[0].results | .ops == 0 and .ns_per_fault == null");
	/* The file was not this run's: it stays. */
	assert_int_equal(access(f, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_map_sync_refused_before_fill),
		cmocka_unit_test_setup_teardown(test_sigterm_during_run, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sigint_json_file, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_longest_runtime, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_sigterm_during_fill, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_killed_fill_is_refused, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_refill_interrupted, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_fill_in_progress, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_marker_names_refused, setup_tmpfs, teardown_dir),
		BOTH(test_nothing_measured),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
