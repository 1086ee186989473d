/* daxwl membw end to end: anonymous memory, no file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

static const struct run_case test_all_ops = { .step = { {
	.args = { "membw", "--size", "32M", "--verify" },
	.jq = { "length == 3 and ([.[].params.op] == [\"read\", \"memcpy\", \"nt\"])",
		/* Default: four passes of 1 MiB blocks over the buffer. */
		"all(.[]; .results.ops == 128 and .results.bytes == 134217728 and .results.gbps > 0)",
		"all(.[]; .target == null and .env.fs == null and .env.map_sync == null)",
		".[1].results.verify.bad_words == 0 and .[2].results.verify.bad_words == 0" },
} } };

static const struct run_case test_threads = { .step = { {
	.args = { "membw", "--op", "memcpy", "--size", "16M", "--bs", "64K", "--threads", "2",
		  "--iterations", "100" },
	.jq = { "length == 1 and .[0].results.ops == 200 and (.[0].results.per_thread | length) == 2" },
} } };

static const struct run_case test_bad_input = { .step = {
	{ .args = { "membw", "--file", "@f" }, .rc = 2, .jq = { ".[0].error.message | test(\"no --file\")" } },
	{ .args = { "membw", "--bs", "100" }, .rc = 2 },
} };

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE(test_all_ops),
		CASE(test_threads),
		CASE(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
