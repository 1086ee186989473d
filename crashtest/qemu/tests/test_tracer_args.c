// SPDX-License-Identifier: MIT
/*
 * Plugin argument tests: accepted forms, every rejection naming the bad
 * argument, numbers read strictly, outputs that would overwrite an input,
 * the System.map, NVDIMM backing discovery from a QEMU command line, and
 * the region image copy.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "backing_discover.h"
#include "region_image.h"
#include "scratch.h"
#include "tracer_args.h"

static int parse_tracer(void *c, int argc, char **argv, char *err,
			size_t errlen)
{
	return tracer_args_parse(c, argc, argv, err, errlen);
}

#define parse(c, err, ...) args_parse(parse_tracer, (c), (err), __VA_ARGS__, NULL)

static void test_accepts(void **state)
{
	struct tracer_config c;
	char err[256], arg[200];
	const char *map;

	(void)state;
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", "region=0x140000000:256M:nv0",
			       "max_trace_bytes=1G"), 0);
	assert_string_equal(c.trace_path, "/nonexistent/x");
	assert_int_equal(c.regions.n, 1);
	assert_int_equal(c.regions.r[0].base, 0x140000000ull);
	assert_int_equal(c.regions.r[0].size, 256ull << 20);
	assert_string_equal(c.regions.r[0].name, "nv0");
	assert_int_equal(c.max_trace_bytes, 1ull << 30);

	assert_int_equal(parse(&c, err, "windows=/tmp", "max_trace_bytes=1G"), 0);
	assert_string_equal(c.windows_dir, "/tmp");
	assert_null(c.trace_path);

	assert_int_equal(parse(&c, err, "trace=/nonexistent/x",
			       "drain=0xffffffff81366acc:pmem_preflush",
			       "drain=0xffffffff81366c0e:pmem_fua"), 0);
	assert_int_equal(c.ndrain, 2);
	assert_int_equal(c.drain[0].pc, 0xffffffff81366accull);
	assert_string_equal(c.drain[0].name, "pmem_preflush");
	assert_int_equal(c.drain[1].pc, 0xffffffff81366c0eull);
	assert_string_equal(c.drain[1].name, "pmem_fua");

	assert_int_equal(parse(&c, err, "trace=/nonexistent/x",
			       "page_offset_base=0xff11000000000000"), 0);
	assert_true(c.have_page_offset_base);
	assert_int_equal(c.page_offset_base, 0xff11000000000000ull);

	/* The System.map is read at load: where page_offset_base lives. */
	map = scratch_file("System.map", "ffffffff81000000 T _text\n"
				"ffffffff82a1b2c8 D page_offset_base\n");
	snprintf(arg, sizeof(arg), "system_map=%s", map);
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", arg), 0);
	assert_string_equal(c.system_map, map);
	assert_true(c.have_pob_symbol);
	assert_int_equal(c.pob_symbol, 0xffffffff82a1b2c8ull);
	/* Without the symbol the plugin takes the default direct map. */
	map = scratch_file("nopob.map", "ffffffff81000000 T _text\n");
	snprintf(arg, sizeof(arg), "system_map=%s", map);
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", arg), 0);
	assert_false(c.have_pob_symbol);
}

/* Numbers are decimal unless 0x: never octal, never signed. */
static void test_numbers_strict(void **state)
{
	struct tracer_config c;
	char err[256];

	(void)state;
	/* strtoull(.., 0) read these as octal: 8 and 8K. */
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", "region=010:4K",
			       "max_trace_bytes=010K"), 0);
	assert_int_equal(c.regions.r[0].base, 10);
	assert_int_equal(c.max_trace_bytes, 10240);
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", "drain=010:d"), 0);
	assert_int_equal(c.drain[0].pc, 10);
	assert_int_equal(parse(&c, err, "trace=/nonexistent/x", "region=0x1000:4KiB",
			       "max_trace_bytes=2Mi"), 0);
	assert_int_equal(c.regions.r[0].size, 4096);
	assert_int_equal(c.max_trace_bytes, 2ull << 20);
}

static void expect_error(const char *needle, const char *a0, const char *a1,
			 const char *a2)
{
	struct tracer_config c;

	args_refused(parse_tracer, NULL, &c, needle, a0, a1, a2, NULL);
}

static void test_rejects(void **state)
{
	(void)state;
	expect_error("give trace=PATH (one window) or windows=DIR", NULL, NULL, NULL);
	expect_error("give trace=PATH (one window) or windows=DIR", "region=0x1000:4K",
		     NULL, NULL);
	expect_error("give trace=PATH (one window) or windows=DIR", "trace=/nonexistent/x",
		     "windows=/tmp", NULL);
	expect_error("stats= is for trace=", "windows=/tmp", "stats=/nonexistent/s", NULL);
	expect_error("windows=/nonexistent/d: not a directory", "windows=/nonexistent/d",
		     NULL, NULL);
	expect_error("windows=/dev/null: not a directory", "windows=/dev/null", NULL, NULL);
	expect_error("windows=: not a directory", "windows=", NULL, NULL);
	expect_error("unknown argument 'bogus=1'", "trace=/nonexistent/x", "bogus=1", NULL);
	expect_error("drain=ADDR:NAME)", "trace=/nonexistent/x", "bogus=1", NULL);
	expect_error("unknown argument", "trace=/nonexistent/x", "noequals", NULL);
	expect_error("unknown argument '=x'", "trace=/nonexistent/x", "=x", NULL);
	expect_error("trace= given twice", "trace=/nonexistent/x", "trace=/nonexistent/y", NULL);
	expect_error("trace=: empty path", "trace=", NULL, NULL);
	expect_error("stats=: empty path", "trace=/nonexistent/x", "stats=", NULL);
	expect_error("BASE:SIZE", "trace=/nonexistent/x", "region=0x1000", NULL);
	expect_error("region=zz:4K: BASE: 'zz' is not a size", "trace=/nonexistent/x",
		     "region=zz:4K", NULL);
	expect_error("SIZE: 0 is below the minimum 1", "trace=/nonexistent/x",
		     "region=0x1000:0", NULL);
	expect_error("SIZE: '-4K' is not a size", "trace=/nonexistent/x",
		     "region=0x1000:-4K", NULL);
	expect_error("SIZE: '16777216T' is too large", "trace=/nonexistent/x",
		     "region=0x1000:16777216T", NULL);
	expect_error("size is zero or the range wraps", "trace=/nonexistent/x",
		     "region=0xfffffffffffff000:8K", NULL);
	expect_error("region name", "trace=/nonexistent/x", "region=0x1000:4K:bad name",
		     NULL);
	expect_error("overlaps", "trace=/nonexistent/x", "region=0x1000:8K",
		     "region=0x2000:4K");
	expect_error("page_offset_base=0x1000: expected a page-aligned kernel "
		     "address", "trace=/nonexistent/x", "page_offset_base=0x1000", NULL);
	expect_error("page_offset_base: '-1' is not an unsigned integer",
		     "trace=/nonexistent/x", "page_offset_base=-1", NULL);
	expect_error("page_offset_base: ' 0xffff888000000000' is not",
		     "trace=/nonexistent/x", "page_offset_base= 0xffff888000000000", NULL);
	expect_error("No such file", "trace=/nonexistent/x",
		     "page_offset_base=0xffff888000000000",
		     "system_map=/nonexistent");
	expect_error("max_trace_bytes: 12 is below the minimum 4K",
		     "trace=/nonexistent/x", "max_trace_bytes=12", NULL);
	expect_error("max_trace_bytes: '-5' is not a size", "trace=/nonexistent/x",
		     "max_trace_bytes=-5", NULL);
	expect_error("max_trace_bytes: '+5M' is not a size", "trace=/nonexistent/x",
		     "max_trace_bytes=+5M", NULL);
	expect_error("max_trace_bytes: '1Q' has an unknown size suffix",
		     "trace=/nonexistent/x", "max_trace_bytes=1Q", NULL);
	expect_error("backing=/nonexistent", "trace=/nonexistent/x",
		     "backing=/nonexistent", NULL);
	expect_error("not a regular file", "trace=/nonexistent/x", "backing=/tmp", NULL);
	expect_error("expected ADDR:NAME", "trace=/nonexistent/x",
		     "drain=0xffffffff81000000", NULL);
	expect_error("expected ADDR:NAME", "trace=/nonexistent/x", "drain=:fua", NULL);
	expect_error("expected ADDR:NAME", "trace=/nonexistent/x", "drain=0x1000:", NULL);
	expect_error("drain=zz:fua: ADDR: 'zz' is not an unsigned integer",
		     "trace=/nonexistent/x", "drain=zz:fua", NULL);
	expect_error("drain=0:fua: ADDR: 0 is below the minimum 1",
		     "trace=/nonexistent/x", "drain=0:fua", NULL);
	expect_error("ADDR: '+0x10' is not", "trace=/nonexistent/x", "drain=+0x10:fua",
		     NULL);
	expect_error("printable", "trace=/nonexistent/x", "drain=0x1000:a b", NULL);
	expect_error("at most 47", "trace=/nonexistent/x", "drain=0x1000:"
		     "a123456789012345678901234567890123456789012345678", NULL);
}

static void test_not_a_system_map(void **state)
{
	char arg[200];

	(void)state;
	snprintf(arg, sizeof(arg), "system_map=%s",
		 scratch_file("notes.txt", "this is not\na System.map\n"));
	expect_error("notes.txt:1: 'this is not' is not 'ADDRESS TYPE NAME'",
		     "trace=/nonexistent/x", arg, NULL);
	snprintf(arg, sizeof(arg), "system_map=%s",
		 scratch_file("data.map", "ffffffff82000000 D only_data\n"));
	expect_error("no text symbols", "trace=/nonexistent/x", arg, NULL);
	expect_error("system_map=: empty path", "trace=/nonexistent/x", "system_map=",
		     NULL);
}

/* An output that would overwrite an input or the other output. */
static void test_outputs_distinct(void **state)
{
	char trace[240], stats[240], map[240], backing[240], link[160];
	const char *m, *b;

	(void)state;
	m = scratch_file("System.map", "ffffffff81000000 T _text\n");
	b = scratch_file("nv0", "x");
	snprintf(map, sizeof(map), "system_map=%s", m);
	snprintf(backing, sizeof(backing), "backing=%s", b);
	expect_error("stats=/nonexistent/x: the same file as trace=", "trace=/nonexistent/x",
		     "stats=/nonexistent/x", NULL);
	snprintf(trace, sizeof(trace), "trace=%s", m);
	expect_error("the same file as system_map=", trace, map, NULL);
	snprintf(stats, sizeof(stats), "stats=%s", m);
	expect_error("the same file as system_map=", "trace=/nonexistent/x", stats, map);
	snprintf(trace, sizeof(trace), "trace=%s", b);
	expect_error("the same file as backing=", trace, backing, NULL);
	snprintf(stats, sizeof(stats), "stats=%s", b);
	expect_error("the same file as backing=", "trace=/nonexistent/x", stats, backing);
	/* An output must be a file to write: never a directory or a FIFO
	 * (opening one for writing would block QEMU). /dev/null will do. */
	expect_error("trace=/tmp: a directory, not a file to write",
		     "trace=/tmp", NULL, NULL);
	snprintf(link, sizeof(link), "%s/fifo", scratch_dir);
	assert_int_equal(mkfifo(link, 0600), 0);
	snprintf(stats, sizeof(stats), "stats=%s", link);
	expect_error("a FIFO, not a file to write", "trace=/nonexistent/x", stats, NULL);
	{
		struct tracer_config c;
		char err[256];

		assert_int_equal(parse(&c, err, "trace=/dev/null"), 0);
	}
	/* Another name for the same file is the same file. */
	snprintf(link, sizeof(link), "%s/nv0-link", scratch_dir);
	assert_int_equal(symlink(b, link), 0);
	snprintf(trace, sizeof(trace), "trace=%s", link);
	expect_error("the same file as backing=", trace, backing, NULL);
}

static void test_drain_limit(void **state)
{
	struct tracer_config c;
	char err[256], args[DRAIN_MAX + 2][32];
	char *argv[DRAIN_MAX + 2];

	(void)state;
	snprintf(args[0], sizeof(args[0]), "trace=/nonexistent/x");
	for (int i = 1; i < DRAIN_MAX + 2; i++)
		snprintf(args[i], sizeof(args[i]), "drain=0x%x:d%d", 0x1000 + i, i);
	for (int i = 0; i < DRAIN_MAX + 2; i++)
		argv[i] = args[i];
	assert_int_equal(tracer_args_parse(&c, DRAIN_MAX + 1, argv, err,
					   sizeof(err)), 0);
	assert_int_equal(c.ndrain, DRAIN_MAX);
	assert_int_equal(tracer_args_parse(&c, DRAIN_MAX + 2, argv, err,
					   sizeof(err)), -1);
	assert_non_null(strstr(err, "more than"));
}

static void test_region_mismatch(void **state)
{
	char b[200];

	(void)state;
	snprintf(b, sizeof(b), "backing=%s", scratch_file("nv0", "x"));
	args_refused(parse_tracer, NULL, &(struct tracer_config){ 0 },
		     "2 region= but 1 backing=", "trace=/nonexistent/x",
		     "region=0x1000:4K", "region=0x4000:4K", b, NULL);
}

static void test_backing_discovery(void **state)
{
	static const char cmdline[] =
		"qemu-system-x86_64\0-machine\0pc,nvdimm=on\0"
		"-object\0memory-backend-file,id=nvmem0,share=on,"
		"mem-path=/run/a,,b/nvdimm0,size=512M\0"
		"-device\0nvdimm,id=nvdimm0,memdev=nvmem1,label-size=128K\0"
		"-object\0memory-backend-file,id=nvmem1,share=on,"
		"mem-path=/run/x/nvdimm1,size=512M\0"
		"--device\0nvdimm,id=nvdimm1,memdev=nvmem0\0";
	static const char bad[] =
		"qemu\0-object\0memory-backend-ram,id=m0,size=1G\0"
		"-device\0nvdimm,memdev=m0\0";
	struct backing_list l;
	char err[256];

	(void)state;
	assert_int_equal(backing_parse_cmdline(cmdline, sizeof(cmdline) - 1, &l,
					       err, sizeof(err)), 0);
	assert_int_equal(l.n, 2);
	/* Device order, and ",," unescaped to ",". */
	assert_string_equal(l.path[0], "/run/x/nvdimm1");
	assert_string_equal(l.path[1], "/run/a,b/nvdimm0");
	backing_list_free(&l);
	assert_int_equal(backing_parse_cmdline(bad, sizeof(bad) - 1, &l, err,
					       sizeof(err)), -1);
	assert_non_null(strstr(err, "memdev=m0"));
	assert_int_equal(backing_parse_cmdline("qemu\0-m\0001G", 9, &l, err,
					       sizeof(err)), 0);
	assert_int_equal(l.n, 0);
}

static void test_image_copy(void **state)
{
	char src[128], dst[128], err[256], buf[16] = { 0 };
	FILE *f;

	(void)state;
	snprintf(src, sizeof(src), "%s", scratch_file("backing",
						     "0123456789abcdefLABEL"));
	snprintf(dst, sizeof(dst), "%s/image", scratch_dir);
	/* The region is the first 16 bytes; the label area is not copied. */
	assert_int_equal(image_copy_file(src, 16, dst, err, sizeof(err)), 0);
	f = fopen(dst, "rb");
	assert_non_null(f);
	assert_int_equal(fread(buf, 1, sizeof(buf), f), 16);
	assert_int_equal(fgetc(f), EOF);
	fclose(f);
	assert_memory_equal(buf, "0123456789abcdef", 16);
	assert_int_equal(image_copy_file(src, 4096, dst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "smaller than its region"));
}

static void test_image_copy_sparse(void **state)
{
	char src[128], dst[128], err[256], buf[8];
	struct stat st;
	int fd;

	(void)state;
	snprintf(src, sizeof(src), "%s/sparse", scratch_dir);
	snprintf(dst, sizeof(dst), "%s/sparse.img", scratch_dir);
	/* 4 MiB file, data only at 1 MiB and in the last (label) page. */
	fd = open(src, O_RDWR | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 4 << 20), 0);
	assert_int_equal(pwrite(fd, "pmemdata", 8, 1 << 20), 8);
	assert_int_equal(pwrite(fd, "LABEL", 5, (4 << 20) - 4096), 5);
	close(fd);
	assert_int_equal(image_copy_file(src, 3 << 20, dst, err, sizeof(err)), 0);
	assert_int_equal(stat(dst, &st), 0);
	assert_int_equal(st.st_size, 3 << 20);
	/* Holes stay holes (file systems without them copy everything). */
	if (st.st_blocks * 512 >= (1 << 20))
		print_message("# %s has no holes: file system without SEEK_HOLE?\n",
			      dst);
	fd = open(dst, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, buf, 8, 1 << 20), 8);
	assert_memory_equal(buf, "pmemdata", 8);
	assert_int_equal(pread(fd, buf, 8, 4096), 8);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepts),
		cmocka_unit_test(test_numbers_strict),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_not_a_system_map),
		cmocka_unit_test(test_outputs_distinct),
		cmocka_unit_test(test_drain_limit),
		cmocka_unit_test(test_region_mismatch),
		cmocka_unit_test(test_backing_discovery),
		cmocka_unit_test(test_image_copy),
		cmocka_unit_test(test_image_copy_sparse),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
