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

/* Where O_DIRECT is refused, daxwl says "not supported" (exit 3) instead. */
static bool expect_run(struct tdir *d, const char *const *args)
{
	bool ok = dio_supported(d);
	int rc = run_daxwl(d, args);

	if (!ok) {
		ASSERT_RC(d, rc, 3);
		ASSERT_JQ(d, ".[0].error.class == \"not_supported\" and (.[0].error.message | test(\"O_DIRECT\"))");
		return false;
	}
	ASSERT_RC(d, rc, 0);
	return true;
}

static void test_uring_rand_read_verify(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "8M", "--iodepth", "8",
			       "--order", "rand", "--verify", NULL };

	if (!expect_run(d, args))
		return;
	ASSERT_JQ(d, ".[0].results | .ops == 2048 and .read_ops == 2048 and .lat_ns.count == 2048");
	ASSERT_JQ(d, ".[0].results.verify | .bad_words == 0 and .checked_bytes >= 8388608");
	ASSERT_JQ(d, ".[0].params | .engine == \"uring\" and .iodepth == 8 and .buffers == \"registered\"");
}

static void test_uring_write_plain_threads(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "8M", "--rw", "mixed",
			       "--buffers", "plain", "--iodepth", "4", "--threads", "2", "--bs", "64K",
			       "--verify", NULL };

	if (!expect_run(d, args))
		return;
	ASSERT_JQ(d, ".[0].results | .ops == 128 and .read_ops + .write_ops == 128");
	ASSERT_JQ(d, ".[0].results.verify.bad_words == 0 and (.[0].results.per_thread | length) == 2");
}

/* I/Os in flight when warm-up ends are neither counted nor timed: the
 * counters, the histogram and the op total agree. */
static void test_uring_warmup_runtime(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "8M", "--iodepth", "16",
			       "--order", "rand", "--warmup", "50ms", "--runtime", "200ms", NULL };

	if (!expect_run(d, args))
		return;
	ASSERT_JQ(d, ".[0].results | .ops > 0 and .read_ops == .ops and .lat_ns.count == .ops");
}

static void test_sync_engine(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "4M", "--engine", "sync",
			       "--rw", "write", "--iterations", "100", NULL };

	if (!expect_run(d, args))
		return;
	ASSERT_JQ(d, ".[0].results | .ops == 100 and .write_ops == 100 and .lat_ns.p50 > 0");
}

static void test_bad_input(void **state)
{
	struct tdir *d = *state;
	const char *depth[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "4M", "--engine", "sync",
				"--iodepth", "4", NULL };
	const char *bs[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "4M", "--bs", "1000", NULL };
	const char *deep[] = { "odirect", "--file", tfile(d, "f", 0), "--size", "4M", "--iodepth", "5000", NULL };

	ASSERT_RC(d, run_daxwl(d, depth), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"iodepth\")");
	ASSERT_RC(d, run_daxwl(d, bs), 2);
	ASSERT_RC(d, run_daxwl(d, deep), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"out of range\")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_uring_rand_read_verify),
		BOTH(test_uring_write_plain_threads),
		BOTH(test_uring_warmup_runtime),
		BOTH(test_sync_engine),
		cmocka_unit_test_setup_teardown(test_bad_input, setup_tmpfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
