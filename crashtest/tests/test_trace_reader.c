// SPDX-License-Identifier: MIT
/*
 * The trace format: the writer's output parses back field for field, the
 * text form round-trips, and bad input gives one clear error naming the
 * offset (binary) or line (text).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "helpers.h"

static char dir[] = "/tmp/pmsim-test-XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

/* A binary trace with every record type, from the writer. */
static size_t write_all_types(unsigned char **out)
{
	char path[256];
	struct pmtrace_writer *w;
	unsigned char img[64];
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/all.pmt", dir);
	memset(img, 0xee, sizeof(img));
	assert_int_equal(pmtrace_writer_open(&w, path), 0);
	assert_int_equal(pmtrace_write_region(w, 0x1000, 0x1000, "pmem0"), 0);
	assert_int_equal(pmtrace_write_image(w, 0x1000, img, sizeof(img)), 0);
	assert_int_equal(pmtrace_write_store(w, 0x1008, "\x01\x02\x03", 3, 0xffffffff81000000ull), 0);
	assert_int_equal(pmtrace_write_ntstore(w, 0x1040, "ABCDEFGH", 8, 0), 0);
	assert_int_equal(pmtrace_write_flush(w, PMTRACE_FLUSH_CLFLUSHOPT, 0x1044, 7), 0);
	assert_int_equal(pmtrace_write_fence(w, PMTRACE_FENCE_XCHG, 9), 0);
	assert_int_equal(pmtrace_write_mark(w, 77, "fsync \"returned\"\n", 0), 0);
	assert_int_equal(pmtrace_write_store(w, 0x1000, "x", 0, 0), -22);	/* EINVAL */
	assert_int_equal(pmtrace_write_fence(w, 9, 0), -22);
	assert_int_equal(pmtrace_writer_close(w), 0);
	f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	*out = malloc((size_t)n);
	assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return (size_t)n;
}

static void writer_roundtrip(void **state)
{
	unsigned char *buf;
	size_t n = write_all_types(&buf);
	struct pmsim_trace *t;
	const struct pmsim_event *e;
	char path[256];

	(void)state;
	assert_int_equal(n % 8, 0);
	snprintf(path, sizeof(path), "%s/all.pmt", dir);
	assert_int_equal(pmsim_trace_open(&t, path), 0);
	assert_int_equal(pmsim_trace_nevents(t), 7);
	assert_int_equal(pmsim_trace_nregions(t), 1);
	assert_string_equal(pmsim_trace_region(t, 0)->name, "pmem0");
	e = pmsim_trace_event(t, 2);
	assert_int_equal(e->type, PMTRACE_STORE);
	assert_int_equal(e->addr, 0x1008);
	assert_int_equal(e->len, 3);
	assert_int_equal(e->pc, 0xffffffff81000000ull);
	assert_memory_equal(e->payload, "\x01\x02\x03", 3);
	e = pmsim_trace_event(t, 4);
	assert_int_equal(e->type, PMTRACE_FLUSH);
	assert_int_equal(e->kind, PMTRACE_FLUSH_CLFLUSHOPT);
	assert_int_equal(e->pc, 7);
	assert_int_equal(pmsim_trace_event(t, 5)->kind, PMTRACE_FENCE_XCHG);
	assert_int_equal(pmsim_trace_nmarks(t), 1);
	assert_int_equal(pmsim_trace_mark(t, 0)->id, 77);
	assert_string_equal(pmsim_trace_mark(t, 0)->label, "fsync \"returned\"\n");
	pmsim_trace_free(t);
	free(buf);
}

/* binary -> text -> parse gives the same events */
static void text_roundtrip(void **state)
{
	unsigned char *buf;
	size_t n = write_all_types(&buf);
	struct pmsim_trace *t, *back;
	int fd = memfd_create("text", 0);
	char *text;
	off_t len;

	(void)state;
	assert_int_equal(pmsim_trace_from_mem(&t, buf, n, dir, 0), 0);
	assert_int_equal(pmsim_trace_dump(t, fd, SIZE_MAX), 0);
	len = lseek(fd, 0, SEEK_END);
	text = malloc((size_t)len);
	assert_int_equal(pread(fd, text, (size_t)len, 0), len);
	assert_non_null(strstr(text, "store 0x1008 3 010203 pc=0xffffffff81000000\n"));
	assert_non_null(strstr(text, "flush clflushopt 0x1044 pc=0x7\n"));
	assert_non_null(strstr(text, "mark 77 \"fsync \\\"returned\\\"\\n\"\n"));
	assert_int_equal(pmsim_trace_from_mem(&back, text, (size_t)len, dir, 0), 0);
	assert_int_equal(pmsim_trace_nevents(back), pmsim_trace_nevents(t));
	for (size_t i = 0; i < pmsim_trace_nevents(t); i++) {
		const struct pmsim_event *a = pmsim_trace_event(t, i), *b = pmsim_trace_event(back, i);

		assert_int_equal(a->type, b->type);
		assert_int_equal(a->kind, b->kind);
		assert_int_equal(a->addr, b->addr);
		assert_int_equal(a->pc, b->pc);
		assert_int_equal(a->len, b->len);
		if (a->len)
			assert_memory_equal(a->payload, b->payload, a->len);
	}
	pmsim_trace_free(back);
	pmsim_trace_free(t);
	free(text);
	free(buf);
	close(fd);
}

/* Parse bytes that must fail with a message containing each of `want`. */
static void expect_error(const void *data, size_t n, const char *want1,
			 const char *want2)
{
	struct pmsim_trace *t;

	if (pmsim_trace_from_mem(&t, data, n, dir, 0) == 0) {
		pmsim_trace_free(t);
		fail_msg("parsed, but must fail with \"%s\"", want1);
	}
	if (!strstr(pmsim_errmsg(), want1) || (want2 && !strstr(pmsim_errmsg(), want2)))
		fail_msg("message \"%s\" lacks \"%s\" / \"%s\"", pmsim_errmsg(), want1,
			 want2 ? want2 : "");
}

static void binary_errors(void **state)
{
	unsigned char *buf, *b;
	size_t n = write_all_types(&buf);

	(void)state;
	b = malloc(n);
	/* truncated: file header, record header, payload */
	expect_error(buf, 20, "truncated file header", NULL);
	expect_error(buf, 32 + 10, "offset 0x20 (event 0)", "truncated record header");
	expect_error(buf, n - 4, "truncated record", "left");
	/* malformed */
	memcpy(b, buf, n);
	b[8] = 2;
	expect_error(b, n, "offset 0x8", "unsupported version 2");
	memcpy(b, buf, n);
	b[32] = 9;		/* first record: unknown type */
	expect_error(b, n, "offset 0x20 (event 0)", "unknown event type 9");
	memcpy(b, buf, n);
	b[32 + 2] = 1;		/* reserved field */
	expect_error(b, n, "offset 0x20", "reserved");
	memcpy(b, buf, n);
	b[32 + 24 + 15] = 'x';	/* region name padding byte */
	expect_error(b, n, "offset 0x20", "padding");
	memcpy(b, buf, n);
	memset(b, 0, 8);	/* no magic, not text */
	expect_error(b, n, "not a pmtrace file", NULL);
	free(b);
	free(buf);
}

/* Text traces that must be refused: the line (":N:") and what is wrong. */
static const struct {
	const char *text, *line, *what;
} text_refusals[] = {
	{ "region 0x1000 0x1000 a\nregion 0x1800 0x1000 b\n",
	  ":2:", "overlaps region a" },
	{ "region 0x1000 0x1000 a\nstore 0x1ffc 8 0000000000000000\n",
	  ":2:", "not inside one region" },
	{ "store 0x1000 1 00\n",
	  ":1:", "not inside one region" },
	{ "region 0x1000 0x1000 a\nfrobnicate 1\n",
	  ":2:", "unknown event \"frobnicate\"" },
	{ "region 0x1000 0x1000 a\nfence dfence\n",
	  ":2:", "unknown fence kind" },
	{ "region 0x1000 0x1000 a\nflush clzap 0x1000\n",
	  ":2:", "unknown flush kind" },
	{ "region 0x1000 0x1000 a\nstore 0x1000 2 00\n",
	  ":2:", "store size 2 but 1 bytes" },
	{ "region 0x1000 0x1000 a\nstore 0x1000 1 0g\n",
	  ":2:", "bad hex" },
	{ "region 0x1000 0x1000 a\nstore 0x1000 1 00\nimage 0x1000 00\n",
	  ":3:", "image record after the first store" },
	{ "region 0x1004 0x1000 a\n",
	  ":1:", "multiples of 64" },
	{ "region 0x1000 0x1000 a\nmark 1 \"open\n",
	  ":2:", "unterminated mark label" },
	{ "region 0x1000 0x1000 a\nfence sfence extra\n",
	  ":2:", "unexpected text" },
	{ "region 0x1000 0x1000 a\nflush clwb 0x000000000000000000000000000000000"
	  "00000000000000000000000000000000001000\n",
	  ":2:", "number too long" },
	{ "region 0x1000 0x1000 a\nimage-file 0x1000 no-such-file\n",
	  ":2:", "no-such-file" },
	/* numbers: decimal or 0x hex, nothing else */
	{ "region 0x1000 0x1000 a\nflush clwb -4096\n",
	  ":2:", "not an unsigned number" },
	{ "region 0x1000 0x1000 a\nflush clwb 4096k\n",
	  ":2:", "not an unsigned number" },
	{ "region 0x1000 0x1000 a\nflush clwb 0x\n",
	  ":2:", "not an unsigned number" },
	{ "region 0x1000 0x1000 a\nfence sfence pc=-1\n",
	  ":2:", "bad pc" },
};

static void semantic_errors(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof(text_refusals) / sizeof(text_refusals[0]); k++)
		expect_error(text_refusals[k].text, strlen(text_refusals[k].text),
			     text_refusals[k].line, text_refusals[k].what);
}

/* "010" in a text trace is ten, as TRACE-FORMAT.md says: never octal. */
static void text_numbers_decimal(void **state)
{
	static const char text[] = "region 4096 4096 a\nmark 010 \"ten\"\n"
				   "store 0x1008 8 0102030405060708 pc=010\n";
	struct pmsim_trace *t;

	(void)state;
	assert_int_equal(pmsim_trace_from_mem(&t, text, sizeof(text) - 1, dir, 0), 0);
	assert_int_equal(pmsim_trace_region(t, 0)->base, 4096);
	assert_int_equal(pmsim_trace_mark(t, 0)->id, 10);
	assert_int_equal(pmsim_trace_event(t, 2)->pc, 10);
	pmsim_trace_free(t);
}

/* An IMAGE file is read relative to the trace and seeds the region. */
static int first_byte(void *arg, const struct pmsim_image *img,
		      const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	(void)c;
	(void)ch;
	(void)n;
	int *seen = arg;

	seen[0] = *pmsim_image_ptr(img, 0x1000, 1);
	seen[1] = *pmsim_image_ptr(img, 0x1000 + 3 * 4096 + 4, 1);	/* read tail */
	seen[2] = *pmsim_image_ptr(img, 0x1000 + 2 * 4096 + 7, 1);	/* mapped part */
	seen[3] = *pmsim_image_ptr(img, 0x1000 + 3 * 4096 + 5, 1);	/* past the file */
	return 0;
}

static void image_file(void **state)
{
	char path[256];
	int seen[4] = { -1, -1, -1, -1 };
	struct pmsim_checker chk = { .check = first_byte, .arg = seen };
	struct pmsim_result res;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	FILE *f;

	(void)state;
	/* 3 pages and 5 bytes: mapped copy-on-write, the tail read */
	snprintf(path, sizeof(path), "%s/base.img", dir);
	f = fopen(path, "wb");
	for (int i = 0; i < 3 * 4096 + 5; i++)
		fputc(i == 0 ? 0x42 : (i * 7) & 0xff, f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/img.txt", dir);
	f = fopen(path, "w");
	fputs("region 0x1000 0x8000 pmem0\nimage-file 0x1000 base.img\n"
	      "store 0x1000 1 43\n", f);
	fclose(f);
	assert_int_equal(pmsim_trace_open(&t, path), 0);
	pmsim_opts_default(&o);
	o.points = PMSIM_AT_EVENT;
	assert_int_equal(pmsim_run(t, &o, &chk, &res), 0);
	assert_int_equal(res.distinct, 2);	/* 0x42 and then 0x43 */
	assert_int_equal(seen[0], 0x43);
	assert_int_equal(seen[1], ((3 * 4096 + 4) * 7) & 0xff);
	assert_int_equal(seen[2], ((2 * 4096 + 7) * 7) & 0xff);
	assert_int_equal(seen[3], 0);
	pmsim_result_free(&res);
	pmsim_trace_free(t);
	/* the file itself is not written through the private mapping */
	snprintf(path, sizeof(path), "%s/base.img", dir);
	f = fopen(path, "rb");
	assert_int_equal(fgetc(f), 0x42);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writer_roundtrip),
		cmocka_unit_test(text_roundtrip),
		cmocka_unit_test(binary_errors),
		cmocka_unit_test(semantic_errors),
		cmocka_unit_test(text_numbers_decimal),
		cmocka_unit_test(image_file),
	};

	return cmocka_run_group_tests_name("trace_reader", tests, setup, teardown);
}
