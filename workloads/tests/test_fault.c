/* daxwl fault end to end, on tmpfs and on the host file system. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "harness.h"

#define SIZE (UNDER_ASAN ? "16M" : "64M")
#define PAGES (UNDER_ASAN ? 4096 : 16384)

/*
 * A write touch of a shared mapping takes exactly one fault per 4 KiB page
 * on tmpfs (4 KiB folios). A file system with large folios (ext4 on recent
 * kernels) maps a whole folio per fault, so there it is at most one per page.
 */
static void test_write_touch_counts(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "fault", "--file", f, "--size", SIZE, NULL };
	char q[160];

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 1 and .[0].tool == \"daxwl\" and .[0].subcommand == \"fault\"");
	ASSERT_JQ(d, ".[0].error == null and .[0].target.created == true");
	snprintf(q, sizeof(q), ".[0].results.ops == %d and (.[0].results.faults as $f | "
		 "if .[0].env.fs.type == \"tmpfs\" then $f == %d else $f >= 1 and $f <= %d end)",
		 PAGES, PAGES, PAGES);
	ASSERT_JQ(d, q);
	ASSERT_JQ(d, ".[0].results.ns_per_fault > 0 and .[0].results.gbps > 0");
	ASSERT_JQ(d, ".[0].results.maps == 1 and .[0].params.touch == \"write\"");
	ASSERT_JQ(d, ".[0].env.map_sync.accepted == false and .[0].env.dax != true");
	ASSERT_JQ(d, "(.[0].env.fs.type | type) == \"string\" and (.[0].env.kernel_release | length) > 0");
	ASSERT_JQ(d, ".[0].results.lat_ns | .p50 <= .p90 and .p90 <= .p99 and .p99 <= .p99_9 and .p99_9 <= .max");
}

/* The figure the issue asks for: 1 GiB on tmpfs is 262144 faults (256 MiB under ASan). */
static void test_one_gib_tmpfs(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "big", 0);
	const char *args[] = { "fault", "--file", f, "--size", UNDER_ASAN ? "256M" : "1G",
			       "--sparse", NULL };
	char q[160];

	ASSERT_RC(d, run_daxwl(d, args), 0);
	snprintf(q, sizeof(q), ".[0].results.faults == %d", UNDER_ASAN ? 65536 : 262144);
	ASSERT_JQ(d, q);
	ASSERT_JQ(d, ".[0].results.ns_per_fault > 0 and .[0].env.fs.type == \"tmpfs\"");
	ASSERT_JQ(d, ".[0].target.fill == \"sparse\"");
	fprintf(stderr, "# ns_per_fault %.0f\n", jq_num(d->json, ".[0].results.ns_per_fault"));
}

/* Read faults map neighbouring cached pages too (fault-around): fewer faults than pages. */
static void test_read_touch(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *mk[] = { "fault", "--file", f, "--size", SIZE, "--iterations", "1", NULL };
	const char *rd[] = { "fault", "--file", f, "--touch", "read", "--order", "rand", "--verify",
			     "--overwrite", NULL };
	char q[200];

	ASSERT_RC(d, run_daxwl(d, mk), 0);
	ASSERT_RC(d, run_daxwl(d, rd), 0);
	snprintf(q, sizeof(q), ".[0].results.ops == %d and .[0].results.faults > 0 and "
		 ".[0].results.faults <= %d", PAGES, PAGES);
	ASSERT_JQ(d, q);
	ASSERT_JQ(d, ".[0].results.verify.bad_words == 0 and .[0].results.verify.checked_bytes > 0");
	ASSERT_JQ(d, ".[0].target.created == false and .[0].target.refilled == true");
}

static void test_map_sync_not_supported(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "fault", "--file", f, "--size", "1M", "--map-sync", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 3);
	ASSERT_JQ(d, ".[0].error.class == \"not_supported\" and .[0].error.exit_code == 3");
	ASSERT_JQ(d, ".[0].error.errno == \"EOPNOTSUPP\" and (.[0].error.message | test(\"MAP_SYNC\"))");
	ASSERT_JQ(d, ".[0].results == null and .[0].params.map_sync == true and .[0].env.map_sync.accepted == false");
	assert_true(file_contains(d->err, "MAP_SYNC"));
}

/* Two pinned threads, 2 MiB-aligned mappings, MAP_POPULATE, random order, verified. */
static void test_align_populate_threads(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *args[] = { "fault", "--file", f, "--size", "8M", "--threads", "2", "--align", "2M",
			       "--populate", "--order", "rand", "--verify", "--repeat", "2", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "length == 2 and ([.[].repeat_index] == [0, 1])");
	ASSERT_JQ(d, "all(.[]; .results.maps_2m_aligned == 2 and .results.ops == 2048)");
	ASSERT_JQ(d, "all(.[]; .results.verify.bad_words == 0 and .results.map_ns > 0)");
	ASSERT_JQ(d, "all(.[]; (.results.per_thread | length) == 2 and .results.per_thread[1].offset == 4194304)");
}

/* --align 4k: every mapping one page past 2 MiB, so PMD faults are impossible. */
static void test_align_4k_pte_only(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "fault", "--file", tfile(d, "f", 0), "--size", "8M", "--threads", "2",
			       "--align", "4k", "--repeat", "2", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	ASSERT_JQ(d, "all(.[]; .params.align == \"4k\" and .results.ops == 2048)");
	ASSERT_JQ(d, "all(.[]; .results.maps_2m_aligned == 0 and .results.maps_pte_only == 2)");
}

static void test_bad_stride(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "fault", "--file", tfile(d, "f", 0), "--size", "1M", "--bs", "1000", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 2);
	ASSERT_JQ(d, ".[0].error.class == \"usage\" and (.[0].error.message | test(\"page size\"))");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		BOTH(test_write_touch_counts),
		cmocka_unit_test_setup_teardown(test_one_gib_tmpfs, setup_tmpfs, teardown_dir),
		BOTH(test_read_touch),
		BOTH(test_map_sync_not_supported),
		BOTH(test_align_populate_threads),
		BOTH(test_align_4k_pte_only),
		cmocka_unit_test_setup_teardown(test_bad_stride, setup_tmpfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
