/* daxwl rw end to end, on tmpfs and on the host file system. */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

#define SIZE "16M"

static const struct run_case test_seq_read = { .step = { {
	.args = { "rw", "--file", "@f", "--size", SIZE },
	.jq = { ".[0].subcommand == \"rw\" and .[0].error == null",
		".[0].results | .ops == 4096 and .bytes == 16777216 and .read_ops == 4096 and .write_ops == 0",
		".[0].results | .gbps > 0 and .iops > 0 and .elapsed_ns > 0 and .lat_ns.count == 4096",
		".[0].results.lat_ns | .min > 0 and .min <= .p50 and .p50 <= .p90 and .p90 <= .p99 and .p99 <= .p99_9 and .p99_9 <= .max",
		".[0].params | .bs == 4096 and .rw == \"read\" and .order == \"seq\" and .size == 16777216" },
} } };

static const struct run_case test_rand_write_verify = { .step = { {
	.args = { "rw", "--file", "@f", "--size", SIZE, "--rw", "write", "--order", "rand", "--bs", "64K",
		  "--verify" },
	.jq = { ".[0].results | .ops == 256 and .write_ops == 256",
		".[0].results.verify | .bad_words == 0 and .checked_bytes == 16777216" },
} } };

/* Two pinned threads, mixed preadv2/pwritev2 with RWF_DSYNC on an O_DSYNC descriptor. */
static const struct run_step mixed_threads_dsync = {
	.args = { "rw", "--file", "@f", "--size", SIZE, "--rw", "mixed", "--mix", "30", "--api", "preadv2",
		  "--rwf-dsync", "--oflag", "dsync", "--threads", "2", "--iterations", "300", "--order", "rand",
		  "--verify" },
	.jq = { ".[0].results | .ops == 600 and .read_ops + .write_ops == 600 and .read_ops > 0 and .write_ops > .read_ops",
		".[0].results.per_thread | length == 2 and .[0].ops == 300 and .[1].offset == 8388608" },
};

static void test_mixed_threads_dsync(void **state)
{
	struct tdir *d = *state;

	run_step(d, &mixed_threads_dsync);
	/*
	 * Each thread is pinned to a CPU this process may use: two different
	 * ones when it may use two or more, the same one under "taskset -c N".
	 */
	cpu_set_t set;
	int c0 = (int)jq_num(d->json, ".[0].results.per_thread[0].cpu");
	int c1 = (int)jq_num(d->json, ".[0].results.per_thread[1].cpu");

	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	assert_true(c0 >= 0 && c1 >= 0 && CPU_ISSET(c0, &set) && CPU_ISSET(c1, &set));
	assert_true(CPU_COUNT(&set) >= 2 ? c0 != c1 : c0 == c1);
	ASSERT_JQ(d, ".[0].results.verify.bad_words == 0");
}

static const struct run_case test_runtime_and_warmup = { .step = { {
	.args = { "rw", "--file", "@f", "--size", SIZE, "--order", "rand", "--runtime", "200ms",
		  "--warmup", "50ms" },
	.jq = { ".[0].results | .elapsed_ns >= 200000000 and .elapsed_ns < 5000000000 and .ops > 0",
		".[0].params | .runtime == 200000000 and .warmup == 50000000" },
} } };

static const struct run_case test_bad_block_sizes = { .step = {
	{ .args = { "rw", "--file", "@f", "--size", SIZE, "--bs", "256" }, .rc = 2,
	  .jq = { ".[0].error.class == \"usage\" and (.[0].error.message | test(\"512\"))" } },
	{ .args = { "rw", "--file", "@f", "--size", SIZE, "--bs", "32M" }, .rc = 2 },
	{ .args = { "rw", "--file", "@f", "--size", SIZE, "--rwf-dsync" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"preadv2\")" } },
} };

/* 16 MiB blocks work (the top of the range). */
static const struct run_case test_largest_block = { .step = { {
	.args = { "rw", "--file", "@f", "--size", "32M", "--bs", "16M", "--rw", "write" },
	.jq = { ".[0].results.ops == 2 and .[0].results.bytes == 33554432" },
} } };

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE_BOTH(test_seq_read),
		CASE_BOTH(test_rand_write_verify),
		BOTH(test_mixed_threads_dsync),
		CASE_BOTH(test_runtime_and_warmup),
		CASE_BOTH(test_largest_block),
		CASE(test_bad_block_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
