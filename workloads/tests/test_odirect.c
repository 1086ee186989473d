/* daxwl odirect end to end, on tmpfs and on the host file system. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* Does this file system take O_DIRECT? (tmpfs does since Linux 6.6.) */
static bool dio_supported(const struct tdir *d)
{
	const char *p = tfile(d, "probe", 3);
	int fd = open(p, O_RDWR | O_CREAT | O_DIRECT, 0600);

	if (fd >= 0)
		close(fd);
	unlink(p);
	return fd >= 0;
}

/*
 * A case that needs O_DIRECT: where it is refused, daxwl must say "not
 * supported" (exit 3) for the first step instead.
 */
static void run_dio_case(void **state)
{
	struct tdir *d = *state;
	const char *argv[sizeof(d->tcase->step[0].args) / sizeof(char *) + 1];

	if (dio_supported(d)) {
		run_case(state);
		return;
	}
	step_argv(d, &d->tcase->step[0], argv);
	ASSERT_RC(d, run_daxwl(d, argv), 3);
	ASSERT_JQ(d, ".[0].error.class == \"not_supported\" and (.[0].error.message | test(\"O_DIRECT\"))");
}

#define DIO_BOTH(c) CASE_FN(c, run_dio_case, setup_tmpfs), CASE_FN(c, run_dio_case, setup_hostfs)

static const struct run_case test_uring_rand_read_verify = { .step = { {
	.args = { "odirect", "--file", "@f", "--size", "8M", "--iodepth", "8", "--order", "rand",
		  "--verify" },
	.jq = { ".[0].results | .ops == 2048 and .read_ops == 2048 and .lat_ns.count == 2048",
		".[0].results.verify | .bad_words == 0 and .checked_bytes >= 8388608",
		".[0].params | .engine == \"uring\" and .iodepth == 8 and .buffers == \"registered\"" },
} } };

static const struct run_case test_uring_write_plain_threads = { .step = { {
	.args = { "odirect", "--file", "@f", "--size", "8M", "--rw", "mixed", "--buffers", "plain",
		  "--iodepth", "4", "--threads", "2", "--bs", "64K", "--verify" },
	.jq = { ".[0].results | .ops == 128 and .read_ops + .write_ops == 128",
		".[0].results.verify.bad_words == 0 and (.[0].results.per_thread | length) == 2" },
} } };

/* I/Os in flight when warm-up ends are neither counted nor timed: the
 * counters, the histogram and the op total agree. */
static const struct run_case test_uring_warmup_runtime = { .step = { {
	.args = { "odirect", "--file", "@f", "--size", "8M", "--iodepth", "16", "--order", "rand",
		  "--warmup", "50ms", "--runtime", "200ms" },
	.jq = { ".[0].results | .ops > 0 and .read_ops == .ops and .lat_ns.count == .ops" },
} } };

static const struct run_case test_sync_engine = { .step = { {
	.args = { "odirect", "--file", "@f", "--size", "4M", "--engine", "sync", "--rw", "write",
		  "--iterations", "100" },
	.jq = { ".[0].results | .ops == 100 and .write_ops == 100 and .lat_ns.p50 > 0" },
} } };

static const struct run_case test_bad_input = { .step = {
	{ .args = { "odirect", "--file", "@f", "--size", "4M", "--engine", "sync", "--iodepth", "4" },
	  .rc = 2, .jq = { ".[0].error.message | test(\"iodepth\")" } },
	{ .args = { "odirect", "--file", "@f", "--size", "4M", "--bs", "1000" }, .rc = 2 },
	{ .args = { "odirect", "--file", "@f", "--size", "4M", "--iodepth", "5000" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"out of range\")" } },
} };

int main(void)
{
	const struct CMUnitTest tests[] = {
		DIO_BOTH(test_uring_rand_read_verify),
		DIO_BOTH(test_uring_write_plain_threads),
		DIO_BOTH(test_uring_warmup_runtime),
		DIO_BOTH(test_sync_engine),
		CASE(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
