// SPDX-License-Identifier: MIT
/*
 * pmcount windows: the snapshot arithmetic (block tails, differences),
 * the marker protocol (labels, protocol errors) and the JSON record,
 * parsed back with jq (a project dependency, scripts/deps) to check
 * every documented key, its type and its value.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/symmap.h"
#include "pmcount_window.h"
#include "scratch.h"

static char dir[64], map[160], counts[160];
static struct dx_symmap *syms;

static int setup(void **state)
{
	char err[256];

	if (scratch_setup(state))
		return -1;
	snprintf(dir, sizeof(dir), "%s", scratch_dir);
	snprintf(counts, sizeof(counts), "%s/counts.jsonl", dir);
	/*
	 * Four functions; one name needs JSON escaping, and two static
	 * functions share a name (one JSON key, their counts summed).
	 */
	snprintf(map, sizeof(map), "%s",
		 scratch_file("System.map", "ffffffff81000000 t vfs_write\n"
					    "ffffffff81000100 t odd\"name\n"
					    "ffffffff81000200 T pmem_submit_bio\n"
					    "ffffffff81000300 t vfs_write\n"));
	assert_int_equal(dx_symmap_load(&syms, map, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	dx_symmap_free(syms);
	return scratch_teardown(state);
}

static bool have_jq(void)
{
	if (system("jq --version >/dev/null 2>&1") == 0)
		return true;
	fprintf(stderr, "# jq is missing (scripts/deps installs it): "
		"cannot parse the records back\n");
	return false;
}

/* jq -e EXPR on the records (slurped into an array) must hold. */
static void jq_holds(const char *expr)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "jq -e -s '%s' '%s' >/dev/null", expr,
		 counts);
	if (system(cmd) != 0)
		fail_msg("jq -s '%s' is not true for %s", expr, counts);
}

static void test_tail_and_diff(void **state)
{
	struct pmc_counts a = { 0 }, b = { 0 }, d;
	uint64_t funcs[6] = { 100, 3, 50, 1, 7, 0 }, fd[6];
	struct pmc_tail *tail = malloc(sizeof(*tail) + 2 * sizeof(tail->group[0]));

	(void)state;
	assert_non_null(tail);
	*tail = (struct pmc_tail){ .pc = 0x401000, .insns = { 4, 6 },
				   .ngroups = 2 };
	tail->group[0] = (struct pmc_tail_group){ 0, 5 };
	tail->group[1] = (struct pmc_tail_group){ 2, 1 };
	a.c[PMC_USER][PMC_INSNS] = 1000;
	a.c[PMC_KERNEL][PMC_INSNS] = 2000;
	a.c[PMC_USER][PMC_CLWB] = 9;
	pmc_apply_tail(&a, funcs, tail);
	assert_int_equal(a.c[PMC_USER][PMC_INSNS], 996);
	assert_int_equal(a.c[PMC_KERNEL][PMC_INSNS], 1994);
	assert_int_equal(a.c[PMC_USER][PMC_CLWB], 9);	/* per insn: as is */
	assert_int_equal(funcs[PMC_FUNC_INSNS(0)], 95);
	assert_int_equal(funcs[PMC_FUNC_CALLS(0)], 3);	/* calls: as is */
	assert_int_equal(funcs[PMC_FUNC_INSNS(1)], 50);
	assert_int_equal(funcs[PMC_FUNC_INSNS(2)], 6);
	/* Without function counters only the modes change. */
	pmc_apply_tail(&a, NULL, tail);
	free(tail);
	assert_int_equal(a.c[PMC_USER][PMC_INSNS], 992);

	b = a;
	b.c[PMC_USER][PMC_INSNS] += 17;
	b.c[PMC_KERNEL][PMC_NT_BYTES_PMEM] += 4096;
	pmc_counts_diff(&d, &b, &a);
	for (int m = 0; m < PMC_NMODES; m++)
		for (int k = 0; k < PMC_NCOUNTERS; k++) {
			uint64_t want = m == PMC_USER && k == PMC_INSNS ? 17 :
					m == PMC_KERNEL && k == PMC_NT_BYTES_PMEM ?
					4096 : 0;

			assert_int_equal(d.c[m][k], want);
		}
	{
		uint64_t end[6] = { 120, 4, 50, 1, 9, 2 };

		pmc_funcs_diff(fd, end, funcs, 6);
		assert_int_equal(fd[0], 25);
		assert_int_equal(fd[1], 1);
		assert_int_equal(fd[2], 0);
		assert_int_equal(fd[4], 3);
		assert_int_equal(fd[5], 2);
	}
	/* Every counter has a distinct, non-empty record key. */
	for (int k = 0; k < PMC_NCOUNTERS; k++) {
		assert_non_null(pmc_counter_names[k]);
		for (int j = 0; j < k; j++)
			assert_string_not_equal(pmc_counter_names[j],
						pmc_counter_names[k]);
	}
}

/* A set of counters where every value says where it came from. */
static void fill(struct pmc_counts *c, uint64_t *funcs, uint64_t base)
{
	for (int m = 0; m < PMC_NMODES; m++)
		for (int k = 0; k < PMC_NCOUNTERS; k++)
			c->c[m][k] = base + 1000 * (uint64_t)m + (uint64_t)k;
	for (int i = 0; i < 8; i++)
		funcs[i] = base + (uint64_t)i;
}

static void test_session(void **state)
{
	char err[256];
	struct pmc_counts s0, s1, s2;
	uint64_t f0[8], f1[8], f2[8];
	struct pmc_session *s;

	(void)state;
	s = pmc_session_open(counts, syms, PMC_MEM_ON, err, sizeof(err));
	assert_non_null(s);
	fill(&s0, f0, 100);
	fill(&s1, f1, 150);
	fill(&s2, f2, 400);
	/*
	 * Window 0: the first vfs_write and pmem_submit_bio execute nothing
	 * (they are left out), 50 instructions and calls for the others.
	 */
	f1[PMC_FUNC_INSNS(0)] = f0[PMC_FUNC_INSNS(0)];
	f1[PMC_FUNC_INSNS(2)] = f0[PMC_FUNC_INSNS(2)];

	/* Window 0: no mark yet; STOP before START is an error. */
	assert_int_equal(pmc_session_stop(s, &s0, f0, 1, "x", PMC_BYTES_EXACT),
			 PMC_PROTOCOL_ERROR);
	assert_int_equal(pmc_session_windows(s), 0);
	assert_int_equal(pmc_session_start(s, &s0, f0), PMC_OK);
	assert_true(pmc_session_open_window(s));
	assert_int_equal(pmc_session_start(s, &s1, f1), PMC_PROTOCOL_ERROR);
	/* A MARK in the window labels the windows that start after it. */
	pmc_session_mark(s, 7, "fault 4K");
	assert_int_equal(pmc_session_stop(s, &s1, f1, 64, "fault",
					  PMC_BYTES_EXACT), PMC_OK);
	assert_false(pmc_session_open_window(s));

	/* Window 1: labelled, a unit longer than 32 bytes is cut. */
	assert_int_equal(pmc_session_start(s, &s1, f1), PMC_OK);
	assert_int_equal(pmc_session_stop(s, &s2, f2, 0,
					  "0123456789abcdef0123456789abcdefXYZ",
					  PMC_BYTES_PARTIAL), PMC_OK);
	pmc_session_error(s);
	assert_int_equal(pmc_session_errors(s), 3);
	assert_int_equal(pmc_session_windows(s), 2);
	/* Open at close: a protocol error, no record. */
	assert_int_equal(pmc_session_start(s, &s2, f2), PMC_OK);
	assert_int_equal(pmc_session_close(s), 0);
	assert_int_equal(pmc_session_errors(s), 4);
	assert_int_equal(pmc_session_start(s, &s2, f2), PMC_PROTOCOL_ERROR);
	pmc_session_free(s);

	if (!have_jq()) {
		skip();
		return;
	}
	jq_holds("length == 2");
	/* Every documented key, in every record, with its type. */
	jq_holds("all(.[]; (.window | type == \"number\") and "
		 "(.label | type == \"string\") and has(\"mark_id\") and "
		 "(.ops | type == \"number\") and (.unit | type == \"string\") and "
		 "(.bytes | IN(\"exact\", \"partial\", \"off\")) and "
		 "(.functions | type == \"object\") and "
		 "(.kernel_other_insns | type == \"number\") and "
		 "(.protocol_errors | type == \"number\"))");
	jq_holds("[\"insns\", \"loads\", \"stores\", \"clwb\", \"clflushopt\", "
		 "\"clflush\", \"sfence\", \"mfence\", \"lfence\", \"locked\", "
		 "\"ntstores\", \"load_bytes_pmem\", \"load_bytes_dram\", "
		 "\"store_bytes_pmem\", \"store_bytes_dram\", \"nt_bytes_pmem\", "
		 "\"nt_bytes_dram\"] as $k | all(.[]; . as $r | all($k[]; "
		 "($r[.] | type == \"number\") and ($r.user[.] | type == \"number\") "
		 "and ($r.kernel[.] | type == \"number\") and "
		 "$r[.] == $r.user[.] + $r.kernel[.]))");
	jq_holds("(.[0].user | keys | length) == 17 and (.[0] | keys | length) == 28");
	/* Window 0: 50 of everything, no mark, two errors before its STOP. */
	jq_holds(".[0] | .window == 0 and .label == \"\" and .mark_id == null "
		 "and .ops == 64 and .unit == \"fault\" and .bytes == \"exact\" "
		 "and .user.insns == 50 and .kernel.clwb == 50 and .clwb == 100 "
		 "and .protocol_errors == 2");
	jq_holds(".[0].functions == {\"odd\\\"name\": [50, 50], "
		 "\"vfs_write\": [50, 100]}");
	/* kernel insns 50 against 100 in functions: clamped at 0. */
	jq_holds(".[0].kernel_other_insns == 0");
	jq_holds(".[1] | .window == 1 and .label == \"fault 4K\" and "
		 ".mark_id == 7 and .ops == 0 and "
		 ".unit == \"0123456789abcdef0123456789abcdef\" and "
		 ".bytes == \"partial\" and .insns == 500 and "
		 ".nt_bytes_pmem == 500 and .protocol_errors == 0");
	jq_holds(".[1].functions | keys == [\"odd\\\"name\", \"pmem_submit_bio\", "
		 "\"vfs_write\"] and .vfs_write == [550, 500]");
	/* kernel insns 250 against 1100 in functions: clamped at 0. */
	jq_holds(".[1].kernel_other_insns == 0");
	/* One key per name: "vfs_write" once in each of the two lines. */
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "test \"$(grep -o '\"vfs_write\"' "
			 "'%s' | wc -l)\" = 2", counts);
		assert_int_equal(system(cmd), 0);
	}
}

static void test_mem_off_and_no_functions(void **state)
{
	char err[256];
	struct pmc_counts a = { 0 }, b = { 0 };
	struct pmc_session *s;

	(void)state;
	s = pmc_session_open(counts, NULL, PMC_MEM_OFF, err, sizeof(err));
	assert_non_null(s);
	b.c[PMC_USER][PMC_INSNS] = 12;
	b.c[PMC_KERNEL][PMC_INSNS] = 30;
	b.c[PMC_USER][PMC_STORE_BYTES_PMEM] = 99;	/* not reported */
	assert_int_equal(pmc_session_start(s, &a, NULL), PMC_OK);
	assert_int_equal(pmc_session_stop(s, &b, NULL, 3, "io",
					  PMC_BYTES_EXACT), PMC_OK);
	pmc_session_free(s);
	if (!have_jq()) {
		skip();
		return;
	}
	jq_holds("length == 1 and (.[0] | .bytes == \"off\" and "
		 ".store_bytes_pmem == null and .user.nt_bytes_dram == null and "
		 ".kernel.load_bytes_pmem == null and .insns == 42 and "
		 ".functions == null and .kernel_other_insns == null)");
}

static void test_funcnames(void **state)
{
	struct pmc_funcnames *fn = pmc_funcnames_new(syms);

	(void)state;
	assert_non_null(fn);
	assert_int_equal(dx_symmap_nfuncs(syms), 4);
	assert_int_equal(pmc_funcnames_count(fn), 3);
	pmc_funcnames_free(fn);
	fn = pmc_funcnames_new(NULL);
	assert_non_null(fn);
	assert_int_equal(pmc_funcnames_count(fn), 0);
	pmc_funcnames_free(fn);
}

static void test_open_fails(void **state)
{
	char err[256], path[160];

	(void)state;
	snprintf(path, sizeof(path), "%s/no/such/dir/counts", dir);
	assert_null(pmc_session_open(path, NULL, PMC_MEM_ON, err, sizeof(err)));
	assert_non_null(strstr(err, "counts="));
	assert_non_null(strstr(err, "No such file"));
}

/* stats=: the totals as one JSON object, regions and all. */
static void test_stats(void **state)
{
	struct region_set rs = { 0 };
	struct pmc_stats st = {
		.counts_path = "/tmp/c\"q.jsonl", .windows = 9,
		.protocol_errors = 2, .window_open_at_exit = true,
		.mem = PMC_MEM_FIRST, .mem_resets = 18,
		.bytes_partial_windows = 1, .system_map = NULL,
		.functions = 0, .insns_user = 5, .insns_kernel = 6,
		.regions = &rs,
	};
	char err[256], path[200], got[1024] = "";
	FILE *f;

	(void)state;
	assert_int_equal(regions_add(&rs, 0x140000000ull, 1ull << 28, "nv0",
				     err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/stats.json", dir);
	assert_int_equal(pmc_stats_write(path, &st, err, sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_true(fread(got, 1, sizeof(got) - 1, f) > 0);
	fclose(f);
	assert_string_equal(got, "{\"counts\":\"/tmp/c\\\"q.jsonl\","
			    "\"windows\":9,\"protocol_errors\":2,"
			    "\"window_open_at_exit\":true,\"mem\":\"first\","
			    "\"mem_toggling\":true,\"mem_resets\":18,"
			    "\"bytes_partial_windows\":1,\"system_map\":null,"
			    "\"functions\":0,\"insns_user\":5,"
			    "\"insns_kernel\":6,\"regions\":[{\"name\":\"nv0\","
			    "\"base\":5368709120,\"size\":268435456}]}\n");
	snprintf(path, sizeof(path), "%s/no/such/stats.json", dir);
	assert_int_equal(pmc_stats_write(path, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "No such file"));
	/* A full disk is reported, not a silently cut file. */
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(pmc_stats_write("/dev/full", &st, err,
						 sizeof(err)), -1);
		assert_non_null(strstr(err, "stats=/dev/full"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tail_and_diff),
		cmocka_unit_test(test_session),
		cmocka_unit_test(test_mem_off_and_no_functions),
		cmocka_unit_test(test_funcnames),
		cmocka_unit_test(test_open_fails),
		cmocka_unit_test(test_stats),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
