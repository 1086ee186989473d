/* daxwl flush end to end, on tmpfs and on the host file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

/* Off pmem libpmem2 gives page granularity, so persisting is msync: the report says so. */
static const struct run_case test_both_methods = { .step = { {
	.args = { "flush", "--file", "@f", "--size", "4M", "--iterations", "200", "--verify" },
	.jq = { "length == 2 and ([.[].params.method] == [\"nt\", \"flush\"])",
		"all(.[]; .results.ops == 200 and .results.bytes == 200 * 4096 and .results.gbps > 0)",
		"all(.[]; .results.store_granularity == \"page\" and .results.persist_path == \"msync\")",
		"all(.[]; .results.verify.bad_words == 0 and .results.granularity_forced == false)" },
} } };

/* Forcing cache-line granularity exercises the flush instructions (not durable off pmem). */
static const struct run_case test_forced_cache_line = { .step = { {
	.args = { "flush", "--file", "@f", "--size", "4M", "--bs", "256", "--method", "flush",
		  "--force-granularity", "cache_line", "--verify" },
	.jq = { "length == 1 and .[0].results.ops == 16384",
		".[0].results | .store_granularity == \"cache_line\" and .persist_path == \"cache_flush\"",
		".[0].results.verify.bad_words == 0 and .[0].results.granularity_forced == true" },
} } };

static const struct run_case test_bad_granularity = { .step = {
	{ .args = { "flush", "--file", "@f", "--size", "4M", "--bs", "72" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"64\")" } },
	{ .args = { "flush", "--file", "@f", "--size", "4M", "--method", "movnt" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"not one of\")" } },
} };

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE_BOTH(test_both_methods),
		CASE_BOTH(test_forced_cache_line),
		CASE(test_bad_granularity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
