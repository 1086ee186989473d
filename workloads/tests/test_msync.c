/* daxwl msync end to end, on tmpfs and on the host file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static const struct run_case test_msync_rand_verify = { .step = { {
	.args = { "msync", "--file", "@f", "--size", "8M", "--pages", "4", "--order", "rand",
		  "--iterations", "50", "--verify" },
	.jq = { ".[0].results | .ops == 50 and .bytes == 50 * 4 * 4096 and .sync == \"msync\"",
		".[0].results | .pages_per_sync == 4 and .lat_per_page_ns.count == 50",
		/* Per page is the per-sync latency divided by the page count. */
		".[0].results | .lat_per_page_ns.max <= .lat_ns.max and .lat_per_page_ns.min * 4 <= .lat_ns.min + 4",
		".[0].results.verify.bad_words == 0 and .[0].results.store_granularity == null" },
} } };

static const struct run_case test_fsync_fdatasync = { .step = {
	{ .args = { "msync", "--file", "@f", "--size", "4M", "--sync", "fsync", "--iterations", "10" },
	  .jq = { ".[0].results | .ops == 10 and .sync == \"fsync\" and .lat_ns.p50 > 0" } },
	{ .args = { "msync", "--file", "@f", "--sync", "fdatasync", "--iterations", "10", "--bs", "64",
		    "--overwrite" },
	  .jq = { ".[0].results | .ops == 10 and .sync == \"fdatasync\" and .bytes_per_page == 64",
		  ".[0].target.created == false and .[0].target.size == 4194304" } },
} };

/*
 * libpmem2 persist needs a MAP_SYNC (DAX) mapping: refused here, exit 3,
 * before the file is filled, and the file it created is gone again. An
 * existing file is refused the same way and left as it was.
 */
static void test_persist_not_supported(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "msync", "--file", f, "--size", "4M", "--sync", "persist", NULL };
	const char *mk[] = { "msync", "--file", f, "--size", "4M", "--iterations", "1", NULL };
	const char *ms[] = { "msync", "--file", f, "--map-sync", "--overwrite", "--verify", NULL };
	struct stat st;

	ASSERT_RC(d, run_daxwl(d, args), 3);
	ASSERT_JQ(d, ".[0].error.class == \"not_supported\" and (.[0].error.message | test(\"MAP_SYNC\"))");
	ASSERT_JQ(d, ".[0].results == null and .[0].params.sync == \"persist\"");
	ASSERT_JQ(d, ".[0].target | .created == true and .removed == true");
	assert_int_equal(access(f, F_OK), -1);
	assert_true(dir_entries(d) == 2);	/* out.json and err.txt only */
	ASSERT_RC(d, run_daxwl(d, mk), 0);
	assert_int_equal(stat(f, &st), 0);
	ASSERT_RC(d, run_daxwl(d, ms), 3);
	ASSERT_JQ(d, ".[0].error.errno == \"EOPNOTSUPP\" and .[0].target.refilled == false");
	ASSERT_JQ(d, ".[0].target.removed == false");
	assert_true(same_file_as(f, &st));
}

/*
 * --align places the msync mapping like fault's: 4k for a PTE-mapped file,
 * 2M for a PMD-capable one; the data written through either is intact.
 */
static const struct run_case test_align = { .step = {
	{ .args = { "msync", "--file", "@f", "--size", "4M", "--pages", "2", "--align", "4k",
		    "--iterations", "20", "--verify" },
	  .jq = { ".[0].params.align == \"4k\" and .[0].results.ops == 20 and "
		  ".[0].results.verify.bad_words == 0" } },
	{ .args = { "msync", "--file", "@f", "--pages", "2", "--align", "2M", "--iterations", "20",
		    "--verify", "--overwrite" },
	  .jq = { ".[0].params.align == \"2M\" and .[0].results.verify.bad_words == 0" } },
	{ .args = { "msync", "--file", "@f", "--sync", "persist", "--align", "4k", "--overwrite" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"--align does not apply\")" } },
} };

static const struct run_case test_bad_input = { .step = {
	{ .args = { "msync", "--file", "@f", "--size", "4M", "--bs", "8K" }, .rc = 2 },
	{ .args = { "msync", "--file", "@f", "--size", "64K", "--pages", "32" }, .rc = 2,
	  .jq = { ".[0].error.message | test(\"less than one\")" } },
	{ .args = { "msync", "--file", "@f", "--size", "4M", "--pages", "0" }, .rc = 2 },
} };

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE_BOTH(test_msync_rand_verify),
		CASE_BOTH(test_fsync_fdatasync),
		BOTH(test_persist_not_supported),
		CASE_BOTH(test_align),
		CASE(test_bad_input),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
