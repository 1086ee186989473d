/* daxwl membw end to end: anonymous memory, no file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

static void test_all_ops(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "membw", "--size", "32M", "--verify", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 3 and ([.[].params.op] == [\"read\", \"memcpy\", \"nt\"])");
	/* Default: four passes of 1 MiB blocks over the buffer. */
	ASSERT_JQ(d, "all(.[]; .results.ops == 128 and .results.bytes == 134217728 and .results.gbps > 0)");
	ASSERT_JQ(d, "all(.[]; .target == null and .env.fs == null and .env.map_sync == null)");
	ASSERT_JQ(d, ".[1].results.verify.bad_words == 0 and .[2].results.verify.bad_words == 0");
}

static void test_threads(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "membw", "--op", "memcpy", "--size", "16M", "--bs", "64K",
			       "--threads", "2", "--iterations", "100", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 1 and .[0].results.ops == 200 and (.[0].results.per_thread | length) == 2");
}

static void test_bad_input(void **state)
{
	struct tdir *d = *state;
	const char *file[] = { "membw", "--file", tfile(d, "f", 0), NULL };
	const char *bs[] = { "membw", "--bs", "100", NULL };

	ASSERT_RC(d, run_daxwl(d, file), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"no --file\")");
	ASSERT_RC(d, run_daxwl(d, bs), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_all_ops, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_threads, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_input, setup_tmpfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
