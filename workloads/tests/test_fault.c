/* daxwl fault end to end, on tmpfs and on the host file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

/* As strings, so that the checks below are constants. */
#if UNDER_ASAN
#define SIZE "16M"
#define PAGES "4096"
#define BIG "256M"
#define BIG_FAULTS "65536"
#else
#define SIZE "64M"
#define PAGES "16384"
#define BIG "1G"
#define BIG_FAULTS "262144"
#endif

/*
 * A write touch of a shared mapping takes exactly one fault per 4 KiB page
 * on tmpfs (4 KiB folios). A file system with large folios (ext4 on recent
 * kernels) maps a whole folio per fault, so there it is at most one per page.
 */
static const struct run_case test_write_touch_counts = { .step = { {
	.args = { "fault", "--file", "@f", "--size", SIZE },
	.jq = { "length == 1 and .[0].tool == \"daxwl\" and .[0].subcommand == \"fault\"",
		".[0].error == null and .[0].target.created == true",
		".[0].results.ops == " PAGES " and (.[0].results.faults as $f | "
		"if .[0].env.fs.type == \"tmpfs\" then $f == " PAGES " else $f >= 1 and $f <= " PAGES " end)",
		".[0].results.ns_per_fault > 0 and .[0].results.gbps > 0",
		".[0].results.maps == 1 and .[0].params.touch == \"write\"",
		".[0].env.map_sync.accepted == false and .[0].env.dax != true",
		"(.[0].env.fs.type | type) == \"string\" and (.[0].env.kernel_release | length) > 0",
		".[0].results.lat_ns | .p50 <= .p90 and .p90 <= .p99 and .p99 <= .p99_9 and .p99_9 <= .max" },
} } };

/* The figure the issue asks for: 1 GiB on tmpfs is 262144 faults (256 MiB under ASan). */
static const struct run_step one_gib_tmpfs = {
	.args = { "fault", "--file", "@big", "--size", BIG, "--sparse" },
	.jq = { ".[0].results.faults == " BIG_FAULTS,
		".[0].results.ns_per_fault > 0 and .[0].env.fs.type == \"tmpfs\"",
		".[0].target.fill == \"sparse\"" },
};

static void test_one_gib_tmpfs(void **state)
{
	struct tdir *d = *state;

	run_step(d, &one_gib_tmpfs);
	fprintf(stderr, "# ns_per_fault %.0f\n", jq_num(d->json, ".[0].results.ns_per_fault"));
}

/* Read faults map neighbouring cached pages too (fault-around): fewer faults than pages. */
static const struct run_case test_read_touch = { .step = {
	{ .args = { "fault", "--file", "@f", "--size", SIZE, "--iterations", "1" } },
	{ .args = { "fault", "--file", "@f", "--touch", "read", "--order", "rand", "--verify", "--overwrite" },
	  .jq = { ".[0].results.ops == " PAGES " and .[0].results.faults > 0 and "
		  ".[0].results.faults <= " PAGES,
		  ".[0].results.verify.bad_words == 0 and .[0].results.verify.checked_bytes > 0",
		  ".[0].target.created == false and .[0].target.refilled == true" } },
} };

static const struct run_step map_sync_not_supported = {
	.args = { "fault", "--file", "@f", "--size", "1M", "--map-sync" },
	.rc = 3,
	.jq = { ".[0].error.class == \"not_supported\" and .[0].error.exit_code == 3",
		".[0].error.errno == \"EOPNOTSUPP\" and (.[0].error.message | test(\"MAP_SYNC\"))",
		".[0].results == null and .[0].params.map_sync == true and .[0].env.map_sync.accepted == false" },
};

static void test_map_sync_not_supported(void **state)
{
	struct tdir *d = *state;

	run_step(d, &map_sync_not_supported);
	assert_true(file_contains(d->err, "MAP_SYNC"));
}

/* Two pinned threads, 2 MiB-aligned mappings, MAP_POPULATE, random order, verified. */
static const struct run_case test_align_populate_threads = { .step = { {
	.args = { "fault", "--file", "@f", "--size", "8M", "--threads", "2", "--align", "2M",
		  "--populate", "--order", "rand", "--verify", "--repeat", "2" },
	.jq = { "length == 2 and ([.[].repeat_index] == [0, 1])",
		"all(.[]; .results.maps_2m_aligned == 2 and .results.ops == 2048)",
		"all(.[]; .results.verify.bad_words == 0 and .results.map_ns > 0)",
		"all(.[]; (.results.per_thread | length) == 2 and .results.per_thread[1].offset == 4194304)" },
} } };

/* --align 4k: every mapping one page past 2 MiB, so PMD faults are impossible. */
static const struct run_case test_align_4k_pte_only = { .step = { {
	.args = { "fault", "--file", "@f", "--size", "8M", "--threads", "2", "--align", "4k",
		  "--repeat", "2" },
	.jq = { "all(.[]; .params.align == \"4k\" and .results.ops == 2048)",
		"all(.[]; .results.maps_2m_aligned == 0 and .results.maps_pte_only == 2)" },
} } };

static const struct run_case test_bad_stride = { .step = { {
	.args = { "fault", "--file", "@f", "--size", "1M", "--bs", "1000" },
	.rc = 2,
	.jq = { ".[0].error.class == \"usage\" and (.[0].error.message | test(\"page size\"))" },
} } };

int main(void)
{
	const struct CMUnitTest tests[] = {
		CASE_BOTH(test_write_touch_counts),
		cmocka_unit_test_setup_teardown(test_one_gib_tmpfs, setup_tmpfs, teardown_dir),
		CASE_BOTH(test_read_touch),
		BOTH(test_map_sync_not_supported),
		CASE_BOTH(test_align_populate_threads),
		CASE_BOTH(test_align_4k_pte_only),
		CASE(test_bad_stride),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
