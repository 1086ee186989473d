// SPDX-License-Identifier: MIT
/*
 * Event output tests: region filtering and clipping, fence folding, the
 * max_trace_bytes limit and its PARTIAL mark, read back from the file the
 * real writer produced, and the stats= JSON.
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

#include "pmtrace.h"
#include "trace_out.h"

struct rec {
	unsigned type, kind;
	uint32_t len;
	uint64_t addr, pc;
	const uint8_t *payload;
};

struct file {
	uint8_t *data;
	size_t size;
	struct rec r[256];
	unsigned n;
};

static char path[64];

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void load(struct file *f)
{
	FILE *fp = fopen(path, "rb");
	size_t off = PMTRACE_HEADER_SIZE;

	assert_non_null(fp);
	f->data = malloc(1 << 20);
	f->size = fread(f->data, 1, 1 << 20, fp);
	fclose(fp);
	assert_true(f->size >= PMTRACE_HEADER_SIZE);
	assert_memory_equal(f->data, PMTRACE_MAGIC, 8);
	f->n = 0;
	while (off < f->size) {
		struct rec *r;

		assert_true(f->n < sizeof(f->r) / sizeof(f->r[0]));
		r = &f->r[f->n++];

		assert_true(off + PMTRACE_REC_SIZE <= f->size);
		r->type = f->data[off];
		r->kind = f->data[off + 1];
		r->len = (uint32_t)le(f->data + off + 4, 4);
		r->addr = le(f->data + off + 8, 8);
		r->pc = le(f->data + off + 16, 8);
		r->payload = f->data + off + PMTRACE_REC_SIZE;
		off += pmtrace_rec_bytes(r->len);
		assert_true(off <= f->size);
	}
}

/* Record i of f has this type and, unless ANY, this kind and address:
 * the check every test makes of the records it reads back. */
#define ANY UINT64_MAX
static void expect_rec(const struct file *f, unsigned i, unsigned type,
		       uint64_t kind, uint64_t addr)
{
	assert_true(i < f->n);
	assert_int_equal(f->r[i].type, type);
	if (kind != ANY)
		assert_int_equal(f->r[i].kind, kind);
	if (addr != ANY)
		assert_int_equal(f->r[i].addr, addr);
}

static struct trace_out *open_with_region(uint64_t max)
{
	struct region_set rs = { 0 };
	struct trace_out *t;
	char err[128];

	t = trace_out_open(path, max, err, sizeof(err));
	assert_non_null(t);
	assert_int_equal(regions_add(&rs, 0x100000000ull, 0x1000000, "pmem0",
				     err, sizeof(err)), 0);
	assert_int_equal(trace_out_regions(t, &rs), 0);
	return t;
}

static int setup(void **state)
{
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/test_trace_out.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void test_filter_and_clip(void **state)
{
	const uint8_t v[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct trace_out *t = open_with_region(0);
	struct file f;

	(void)state;
	assert_true(trace_out_store(t, false, 0x1000, v, 8, 0x11));	/* out */
	assert_true(trace_out_store(t, false, 0x100000010ull, v, 8, 0x22));
	/* Straddles the region's start: only the last 5 bytes are inside. */
	assert_true(trace_out_store(t, true, 0xfffffffdull, v, 8, 0x33));
	assert_true(trace_out_flush(t, PMTRACE_FLUSH_CLWB, 0x100000040ull, 4));
	assert_true(trace_out_flush(t, PMTRACE_FLUSH_CLWB, 0x2000, 5));	/* out */
	trace_out_flush_unresolved(t);
	assert_int_equal(trace_out_stats(t)->stores, 3);
	assert_int_equal(trace_out_stats(t)->stores_pmem, 1);
	assert_int_equal(trace_out_stats(t)->ntstores_pmem, 1);
	assert_int_equal(trace_out_stats(t)->flushes, 3);
	assert_int_equal(trace_out_stats(t)->flushes_resolved, 2);
	assert_int_equal(trace_out_stats(t)->flushes_unresolved, 1);
	assert_int_equal(trace_out_stats(t)->flushes_pmem, 1);
	assert_int_equal(trace_out_close(t), 0);

	load(&f);
	assert_int_equal(f.n, 4);
	expect_rec(&f, 0, PMTRACE_REGION, ANY, 0x100000000ull);
	assert_int_equal(le(f.r[0].payload, 8), 0x1000000);
	assert_string_equal((const char *)f.r[0].payload + 8, "pmem0");
	expect_rec(&f, 1, PMTRACE_STORE, ANY, 0x100000010ull);
	assert_int_equal(f.r[1].pc, 0x22);
	assert_memory_equal(f.r[1].payload, v, 8);
	expect_rec(&f, 2, PMTRACE_NTSTORE, ANY, 0x100000000ull);
	assert_int_equal(f.r[2].len, 5);
	assert_memory_equal(f.r[2].payload, v + 3, 5);
	expect_rec(&f, 3, PMTRACE_FLUSH, ANY, 0x100000040ull);
	free(f.data);
}

static void test_fence_folding(void **state)
{
	const uint8_t v[8] = { 0 };
	struct trace_out *t = open_with_region(0);
	struct file f;

	(void)state;
	/* Fences before any pmem event: one written; lfence never replaces. */
	assert_true(trace_out_fence(t, PMTRACE_FENCE_LFENCE, 1));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_LFENCE, 2));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_RMW, 3));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_SFENCE, 4));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_LFENCE, 5));
	/* A store outside pmem does not end the run. */
	assert_true(trace_out_store(t, false, 0x1000, v, 8, 6));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_MFENCE, 7));
	/* A pmem store does. */
	assert_true(trace_out_store(t, false, 0x100000000ull, v, 8, 8));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_XCHG, 9));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_SFENCE, 10));
	assert_int_equal(trace_out_stats(t)->fences, 8);
	assert_int_equal(trace_out_stats(t)->fences_written, 3);
	assert_int_equal(trace_out_close(t), 0);

	load(&f);
	assert_int_equal(f.n, 5);
	expect_rec(&f, 1, PMTRACE_FENCE, PMTRACE_FENCE_LFENCE, ANY);
	expect_rec(&f, 2, PMTRACE_FENCE, PMTRACE_FENCE_RMW, ANY);
	assert_int_equal(f.r[2].pc, 3);
	expect_rec(&f, 3, PMTRACE_STORE, ANY, ANY);
	expect_rec(&f, 4, PMTRACE_FENCE, PMTRACE_FENCE_XCHG, ANY);
	free(f.data);
}

static void test_rep_runs(void **state)
{
	const uint64_t b = 0x100000000ull;
	struct trace_out *t = open_with_region(0);
	uint8_t byte = 0x5a, q[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct file f;

	(void)state;
	/* 100 byte-wide iterations of one rep stosb become one STORE. */
	for (int i = 0; i < 100; i++)
		assert_true(trace_out_store_run(t, b + i, &byte, 1, 0x77));
	/* A gap starts a new run; so does another instruction. */
	assert_true(trace_out_store_run(t, b + 200, q, 8, 0x77));
	assert_true(trace_out_store_run(t, b + 208, q, 8, 0x78));
	/* A fence ends the run; the next iteration starts a new one. */
	assert_true(trace_out_fence(t, PMTRACE_FENCE_SFENCE, 0x79));
	assert_true(trace_out_store_run(t, b + 216, q, 8, 0x78));
	/* Runs stop at 4096 bytes. */
	for (int i = 0; i < 520; i++)
		assert_true(trace_out_store_run(t, b + 4096 + 8 * i, q, 8, 0x80));
	assert_int_equal(trace_out_stats(t)->stores_pmem, 100 + 3 + 520);
	assert_int_equal(trace_out_close(t), 0);

	load(&f);
	assert_int_equal(f.n, 1 + 4 + 1 + 2);
	expect_rec(&f, 1, PMTRACE_STORE, ANY, b);
	assert_int_equal(f.r[1].len, 100);
	assert_int_equal(f.r[1].pc, 0x77);
	assert_int_equal(f.r[1].payload[99], 0x5a);
	assert_int_equal(f.r[2].addr, b + 200);
	assert_int_equal(f.r[3].addr, b + 208);
	assert_int_equal(f.r[3].pc, 0x78);
	expect_rec(&f, 4, PMTRACE_FENCE, ANY, ANY);
	assert_int_equal(f.r[5].addr, b + 216);
	assert_int_equal(f.r[6].len, 4096);
	assert_int_equal(f.r[7].addr, b + 8192);
	assert_int_equal(f.r[7].len, 8 * 520 - 4096);
	assert_memory_equal(f.r[7].payload, q, 8);
	free(f.data);
}

static void test_max_bytes(void **state)
{
	const uint8_t v[8] = { 0xaa };
	struct trace_out *t = open_with_region(4096);
	unsigned stores = 0;
	struct file f;

	(void)state;
	while (trace_out_store(t, false, 0x100000000ull + 8 * stores, v, 8, 0))
		stores++;
	assert_true(stores > 50 && stores < 4096 / 32);
	assert_true(trace_out_stopped(t));
	assert_true(trace_out_stats(t)->partial);
	assert_non_null(strstr(trace_out_reason(t), "max_trace_bytes=4096"));
	/* Nothing more is written once stopped. */
	assert_false(trace_out_fence(t, PMTRACE_FENCE_SFENCE, 0));
	assert_false(trace_out_mark(t, 1, "late", 0));
	assert_int_equal(trace_out_close(t), 0);

	load(&f);
	assert_true(f.size <= 4096);
	assert_int_equal(f.n, 1 + stores + 1);
	expect_rec(&f, f.n - 1, PMTRACE_MARK, ANY, TRACE_MARK_PARTIAL);
	assert_non_null(strstr((const char *)f.r[f.n - 1].payload, "partial"));
	free(f.data);
}

static char *slurp(const char *p)
{
	FILE *fp = fopen(p, "r");
	char *buf = calloc(1, 4096);

	assert_non_null(fp);
	assert_non_null(buf);
	assert_true(fread(buf, 1, 4095, fp) > 0);
	fclose(fp);
	return buf;
}

/* stats=: one JSON line, a path that needs escaping, null for no reason. */
static void test_stats_json(void **state)
{
	const uint8_t v[8] = { 0x55 };
	struct trace_out *t = open_with_region(0);
	const struct trace_stats *st;
	char json[128], err[256], want[1024], *got;

	(void)state;
	snprintf(json, sizeof(json), "%s.json", path);
	assert_true(trace_out_store(t, false, 0x100000000ull, v, 8, 0x1000));
	assert_true(trace_out_store(t, false, 0x10, v, 8, 0x1004));
	assert_true(trace_out_fence(t, PMTRACE_FENCE_SFENCE, 0x1008));
	assert_int_equal(trace_out_write_stats(t, json, "/tmp/a\"b\n", true,
					       err, sizeof(err)), 0);
	st = trace_out_stats(t);
	snprintf(want, sizeof(want),
		 "{\"trace\":\"/tmp/a\\\"b\\n\",\"reason\":null,"
		 "\"started\":true,\"partial\":false,\"stores\":%llu,"
		 "\"stores_pmem\":1,\"ntstores_pmem\":0,"
		 "\"store_bytes_pmem\":8,\"flushes\":0,"
		 "\"flushes_resolved\":0,\"flushes_unresolved\":0,"
		 "\"flushes_pmem\":0,\"fences\":1,\"fences_written\":1,"
		 "\"marks\":0,\"trace_bytes\":%llu}\n",
		 (unsigned long long)st->stores, (unsigned long long)st->bytes);
	got = slurp(json);
	assert_string_equal(got, want);
	free(got);

	/* A stopped trace says why; an unwritable path is an error. */
	trace_out_fail(t, "partial: disk full");
	assert_int_equal(trace_out_write_stats(t, json, "/tmp/x", false, err,
					       sizeof(err)), 0);
	got = slurp(json);
	assert_non_null(strstr(got, "\"reason\":\"partial: disk full\","
				    "\"started\":false,\"partial\":true,"));
	free(got);
	unlink(json);
	assert_int_equal(trace_out_write_stats(t, "/nonexistent/s.json", "/tmp/x",
					       true, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "stats=/nonexistent/s.json: No such file"));
	assert_int_equal(trace_out_close(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_filter_and_clip, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fence_folding, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_rep_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_max_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_json, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
