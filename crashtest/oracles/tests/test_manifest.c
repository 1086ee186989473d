/* SPDX-License-Identifier: MIT */
/*
 * The manifest's reader and writer (ctmanifest.h): what the writer writes
 * the reader reads back unchanged, and every malformed manifest is refused
 * with a message naming its line, never read as something else.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ctmanifest.h"
#include "pmtrace.h"

static int parse(struct ctm_manifest *m, const char *text, char *err,
		 size_t len)
{
	return ctm_parse(m, text, strlen(text), "M", err, len);
}

static struct ctm_promise promise(uint64_t id, enum ctm_kind k,
				  const char *path, const char *path2,
				  uint64_t off, uint64_t len, uint64_t seed)
{
	struct ctm_promise p;

	memset(&p, 0, sizeof(p));
	p.id = id;
	p.kind = k;
	snprintf(p.path, sizeof(p.path), "%s", path);
	snprintf(p.path2, sizeof(p.path2), "%s", path2 ? path2 : "");
	p.off = off;
	p.len = len;
	p.seed = seed;
	return p;
}

/* A manifest written to memory: the writer tests' one output. */
struct memout {
	char *buf;
	size_t len;
	FILE *f;
};

static void memout_open(struct memout *o)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
}

/* Every kind and every header field survives writing and reading. */
static void test_roundtrip(void **state)
{
	struct ctm_header h = { .dev_offset = 1ull << 40, .start_mark = 100 };
	struct ctm_promise in[] = {
		promise(101, CTM_NAME, "d", NULL, 0, 0, 0),
		promise(102, CTM_DATA, "d/f-1.x_y+z", NULL, 3, 65537, UINT64_MAX),
		promise(102, CTM_SIZE, "d/f-1.x_y+z", NULL, 0, CTM_OFF_LIMIT, 0),
		promise(103, CTM_ZERO, "sized", NULL, CTM_OFF_LIMIT - 1, 1, 0),
		promise(104, CTM_RENAME, "d/a", "d/b", 0, 0, 0),
		promise(CTM_ID_LIMIT - 1, CTM_GONE, "d/b", NULL, 0, 0, 0),
	};
	const size_t n = sizeof(in) / sizeof(in[0]);
	struct ctm_manifest m;
	struct memout o;
	char err[256];

	(void)state;
	memout_open(&o);
	strcpy(h.scenario, "dm-ext4-write-fsync");
	strcpy(h.fs, "ext4");
	strcpy(h.device, "dm-linear");
	strcpy(h.kernel, "mutant-no-flush-fence");
	strcpy(h.workload, "write-fsync");
	assert_int_equal(ctm_write_header(o.f, &h, err, sizeof(err)), 0);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(ctm_write_promise(o.f, &in[i], err, sizeof(err)), 0);
	assert_int_equal(fclose(o.f), 0);
	if (ctm_parse(&m, o.buf, o.len, "M", err, sizeof(err)))
		fail_msg("%s\n%s", err, o.buf);
	assert_memory_equal(&m.h, &h, sizeof(h));
	assert_int_equal(m.n, n);
	for (size_t i = 0; i < n; i++) {
		m.p[i].line = 0;
		assert_memory_equal(&m.p[i], &in[i], sizeof(in[i]));
	}
	ctm_free(&m);
	free(o.buf);
}

/* The writer refuses what the reader would refuse, and writes nothing. */
static void test_writer_refuses(void **state)
{
	struct ctm_promise bad[] = {
		promise(0, CTM_NAME, "a", NULL, 0, 0, 0),
		promise(PMTRACE_MARK_DRAIN, CTM_NAME, "a", NULL, 0, 0, 0),
		promise(5, CTM_NAME, "a b", NULL, 0, 0, 0),
		promise(5, CTM_NAME, "a\"b", NULL, 0, 0, 0),
		promise(5, CTM_NAME, "/abs", NULL, 0, 0, 0),
		promise(5, CTM_NAME, "d/../x", NULL, 0, 0, 0),
		promise(5, CTM_NAME, "", NULL, 0, 0, 0),
		promise(5, CTM_RENAME, "a", "a", 0, 0, 0),
		promise(5, CTM_DATA, "a", NULL, CTM_OFF_LIMIT, 1, 0),
		promise(5, CTM_DATA, "a", NULL, UINT64_MAX, 0, 0),
	};
	struct ctm_header h;
	struct memout o;
	char err[256];

	(void)state;
	memout_open(&o);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = 0;
		assert_int_equal(ctm_write_promise(o.f, &bad[i], err, sizeof(err)), -1);
		assert_non_null(strstr(err, "promise of mark"));
	}
	memset(&h, 0, sizeof(h));
	strcpy(h.fs, "btrfs");
	assert_int_equal(ctm_write_header(o.f, &h, err, sizeof(err)), -1);
	strcpy(h.fs, "xfs");
	strcpy(h.kernel, "two words");
	assert_int_equal(ctm_write_header(o.f, &h, err, sizeof(err)), -1);
	assert_int_equal(fclose(o.f), 0);
	assert_int_equal(o.len, 0);
	free(o.buf);
}

/* Malformed manifests: one message naming the line and the fault. */
static void test_refusals(void **state)
{
	static const struct { const char *text, *want; } cases[] = {
		{ "", "empty manifest" },
		{ "# only a comment\n", "no 'fs' line" },
		{ "fs ext4\n101 data f 0 6553", ":2: truncated" },
		{ "fs ext4\nfs ext4\n", ":2: a second 'fs' line (the first is line 1)" },
		{ "fs ext4\n101 name f\nkernel k\n", ":3: header line 'kernel' after" },
		{ "fs ext4\nfrobnicate 1\n", ":2: unknown key 'frobnicate'" },
		{ "fs ext4\nfs_type ext4\n", ":2: unknown key 'fs_type'" },
		{ "fs zfs\n", ":1: unknown file system 'zfs'" },
		{ "fs ext4\ndevice nvme\n", ":2: unknown device 'nvme'" },
		{ "fs ext4 xfs\n", ":1: 'fs' takes one value, not 2" },
		{ "fs ext4\n101 write f 0 1 1\n", ":2: unknown promise 'write'" },
		{ "fs ext4\n101 data f 0 1\n", ":2: 'data' needs 4 values after the kind, not 3" },
		{ "fs ext4\n101 name f extra\n", ":2: 'name' needs 1 value after the kind, not 2" },
		{ "fs ext4\n101\n", ":2: mark 101 without a promise" },
		{ "fs ext4\n102 name a\n101 name b\n", ":3: mark ids must not go back (101 after 102)" },
		{ "fs ext4\n0 name a\n", ":2: mark id 0" },
		{ "fs ext4\n18446744073709551614 name a\n", "reserved for the tracer" },
		{ "fs ext4\n18446744073709551616 name a\n", ":2: mark id 18446744073709551616 is larger than" },
		{ "fs ext4\n101 data f 0 99999999999999999999 1\n", ":2: length 99999999999999999999 is larger than" },
		{ "fs ext4\n101 data f 9223372036854775807 1 1\n", "beyond the largest file offset" },
		{ "fs ext4\n101 size f 9223372036854775808\n", "a size beyond the largest file size" },
		{ "fs ext4\n101 data f -1 1 1\n", ":2: offset '-1' is not a decimal number" },
		{ "fs ext4\n101 data f +1 1 1\n", "'+1' is not a decimal number" },
		{ "fs ext4\n101 data f 0x10 1 1\n", "'0x10' is not a decimal number" },
		{ "fs ext4\n101 data f 1e3 1 1\n", "'1e3' is not a decimal number" },
		{ "fs ext4\n1O1 name f\n", ":2: mark id '1O1' is not a decimal number" },
		{ "fs ext4\ndev_offset -4096\n", "dev_offset '-4096' is not a decimal number" },
		{ "fs ext4\n101 name ../etc\n", "a '.' or '..' path component" },
		{ "fs ext4\n101 name /etc/passwd\n", "an absolute path" },
		{ "fs ext4\n101 name d//f\n", "an empty path component" },
		{ "fs ext4\n101 name d/\n", "an empty path component" },
		{ "fs ext4\n101 name a\"b\n", "a path character other than" },
		{ "fs ext4\n101 rename a a\n", "a rename to the same name" },
		{ "fs ext4\n101 size f 10\n101 size f 20\n", ":3: mark 101 has a second 'size' promise for f (line 2)" },
		{ "fs ext4\n101 name f\n101 name f\n", ":3: mark 101 has a second 'name' promise" },
		{ "fs ext4\n101 data f 0 100 1\n101 zero f 99 10\n", ":3: mark 101 promises bytes of f twice (overlaps line 2)" },
		{ "fs ext4\nstart_mark 101\n101 name f\n", ":3: the first promise's mark 101 is not after start_mark 101" },
		{ "fs ext4\nstart_mark 0\n", ":2: start_mark 0" },
		{ "fs ext4\n1 2 3 4 5 6 7 8 9\n", ":2: too many fields" },
	};
	struct ctm_manifest m;
	char err[512];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		if (parse(&m, cases[i].text, err, sizeof(err)) != CTM_EINPUT)
			fail_msg("accepted: '%s'", cases[i].text);
		if (!strstr(err, cases[i].want))
			fail_msg("'%s': message '%s' lacks '%s'", cases[i].text,
				 err, cases[i].want);
		assert_null(m.p);
		assert_int_equal(m.n, 0);
	}
}

/* Lines too long or holding a NUL are refused, not split or cut. */
static void test_line_limits(void **state)
{
	struct ctm_manifest m;
	char err[512], *text = malloc(CTM_LINE_MAX + 64);
	static const char nul[] = "fs ext4\n101 name a\0b\n";
	size_t n;

	(void)state;
	assert_non_null(text);
	n = (size_t)sprintf(text, "fs ext4\n# ");
	memset(text + n, 'x', CTM_LINE_MAX);
	strcpy(text + n + CTM_LINE_MAX - 2, "\n");
	assert_int_equal(parse(&m, text, err, sizeof(err)), 0);
	ctm_free(&m);
	strcpy(text + n + CTM_LINE_MAX - 2, "x\n");
	assert_int_equal(parse(&m, text, err, sizeof(err)), CTM_EINPUT);
	assert_non_null(strstr(err, ":2: longer than 1024 bytes"));
	free(text);
	assert_int_equal(ctm_parse(&m, nul, sizeof(nul) - 1, "M", err, sizeof(err)),
			 CTM_EINPUT);
	assert_non_null(strstr(err, ":2: holds a NUL byte"));
}

/* Decimal only: "010" is ten; blanks, tabs, CRLF and comments are fine. */
static void test_accepts(void **state)
{
	struct ctm_manifest m;
	char err[512];

	(void)state;
	if (parse(&m, "# a comment\r\nfs\text4\r\n\n  101  data\tf 010 0020 7 \n"
		      "101 data f 30 5 8\n101 name f\n", err, sizeof(err)))
		fail_msg("%s", err);
	assert_string_equal(m.h.fs, "ext4");
	assert_string_equal(m.h.device, "pmem");
	assert_int_equal(m.n, 3);
	assert_int_equal(m.p[0].off, 10);
	assert_int_equal(m.p[0].len, 20);
	assert_int_equal(m.p[0].line, 4);
	ctm_free(&m);
}

/* Which mark ids belong to the run. */
static void test_ids(void **state)
{
	struct ctm_manifest m;
	char err[512];

	(void)state;
	assert_int_equal(parse(&m, "fs ext4\nstart_mark 50\n101 name a\n"
				   "101 data a 0 1 1\n105 gone a\n", err, sizeof(err)), 0);
	assert_int_equal(ctm_start_mark(&m), 50);
	assert_true(ctm_has_id(&m, 101));
	assert_true(ctm_has_id(&m, 105));
	assert_false(ctm_has_id(&m, 50));
	assert_false(ctm_has_id(&m, 103));
	assert_true(ctm_knows_id(&m, 50));
	assert_true(ctm_knows_id(&m, PMTRACE_MARK_DRAIN));
	assert_false(ctm_knows_id(&m, 100));
	assert_false(ctm_knows_id(&m, 0));
	assert_false(ctm_knows_id(&m, 106));
	ctm_free(&m);

	/* Before start_mark: ctwl's start mark came right before. */
	assert_int_equal(parse(&m, "fs ext4\nworkload w\n101 name a\n", err,
			       sizeof(err)), 0);
	assert_int_equal(ctm_start_mark(&m), 100);
	assert_true(ctm_knows_id(&m, 100));
	assert_false(ctm_knows_id(&m, 99));
	ctm_free(&m);
	assert_int_equal(parse(&m, "fs ext4\n101 name a\n", err, sizeof(err)), 0);
	assert_int_equal(ctm_start_mark(&m), 0);
	assert_false(ctm_knows_id(&m, 100));
	ctm_free(&m);
}

static void test_load_missing(void **state)
{
	struct ctm_manifest m;
	char err[512];

	(void)state;
	assert_int_equal(ctm_load(&m, "/nonexistent/manifest", err, sizeof(err)),
			 CTM_EINPUT);
	assert_non_null(strstr(err, "cannot open manifest /nonexistent/manifest"));
	assert_int_equal(ctm_load(&m, "/", err, sizeof(err)), CTM_EINPUT);
	assert_non_null(strstr(err, "reading manifest /"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_writer_refuses),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_line_limits),
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_load_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
