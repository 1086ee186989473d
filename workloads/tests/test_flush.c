/* daxwl flush end to end, on tmpfs and on the host file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

/* Off pmem libpmem2 gives page granularity, so persisting is msync: the report says so. */
static void test_both_methods(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "flush", "--file", tfile(d, "f", 0), "--size", "4M", "--iterations", "200",
			       "--verify", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 2 and ([.[].params.method] == [\"nt\", \"flush\"])");
	ASSERT_JQ(d, "all(.[]; .results.ops == 200 and .results.bytes == 200 * 4096 and .results.gbps > 0)");
	ASSERT_JQ(d, "all(.[]; .results.store_granularity == \"page\" and .results.persist_path == \"msync\")");
	ASSERT_JQ(d, "all(.[]; .results.verify.bad_words == 0 and .results.granularity_forced == false)");
}

/* Forcing cache-line granularity exercises the flush instructions (not durable off pmem). */
static void test_forced_cache_line(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "flush", "--file", tfile(d, "f", 0), "--size", "4M", "--bs", "256",
			       "--method", "flush", "--force-granularity", "cache_line", "--verify", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 1 and .[0].results.ops == 16384");
	ASSERT_JQ(d, ".[0].results | .store_granularity == \"cache_line\" and .persist_path == \"cache_flush\"");
	ASSERT_JQ(d, ".[0].results.verify.bad_words == 0 and .[0].results.granularity_forced == true");
}

static void test_bad_granularity(void **state)
{
	struct tdir *d = *state;
	const char *bs[] = { "flush", "--file", tfile(d, "f", 0), "--size", "4M", "--bs", "72", NULL };
	const char *m[] = { "flush", "--file", tfile(d, "f", 0), "--size", "4M", "--method", "movnt", NULL };

	ASSERT_RC(d, run_daxwl(d, bs), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"64\")");
	ASSERT_RC(d, run_daxwl(d, m), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"not one of\")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_both_methods),
		BOTH(test_forced_cache_line),
		cmocka_unit_test_setup_teardown(test_bad_granularity, setup_tmpfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
