// SPDX-License-Identifier: MIT
/*
 * Plugin argument tests: accepted forms, every rejection naming the bad
 * argument, System.map lookup, NVDIMM backing discovery from a QEMU
 * command line, and the region image copy.
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
#include "tracer_args.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_tracer_args.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static int parse(struct tracer_config *c, char *err, const char *a0,
		 const char *a1, const char *a2)
{
	char *argv[3] = { (char *)a0, (char *)a1, (char *)a2 };
	int argc = a2 ? 3 : a1 ? 2 : a0 ? 1 : 0;

	return tracer_args_parse(c, argc, argv, err, 256);
}

static void test_accepts(void **state)
{
	struct tracer_config c;
	char err[256], map[128];

	(void)state;
	assert_int_equal(parse(&c, err, "trace=/tmp/x", "region=0x140000000:256M:nv0",
			       "max_trace_bytes=1G"), 0);
	assert_string_equal(c.trace_path, "/tmp/x");
	assert_int_equal(c.regions.n, 1);
	assert_int_equal(c.regions.r[0].base, 0x140000000ull);
	assert_int_equal(c.regions.r[0].size, 256ull << 20);
	assert_string_equal(c.regions.r[0].name, "nv0");
	assert_int_equal(c.max_trace_bytes, 1ull << 30);

	assert_int_equal(parse(&c, err, "trace=/tmp/x",
			       "drain=0xffffffff81366acc:pmem_preflush",
			       "drain=0xffffffff81366c0e:pmem_fua"), 0);
	assert_int_equal(c.ndrain, 2);
	assert_int_equal(c.drain[0].pc, 0xffffffff81366accull);
	assert_string_equal(c.drain[0].name, "pmem_preflush");
	assert_int_equal(c.drain[1].pc, 0xffffffff81366c0eull);
	assert_string_equal(c.drain[1].name, "pmem_fua");

	snprintf(map, sizeof(map), "%s/System.map", dir);
	write_file(map, "ffffffff81000000 T _text\n"
			"ffffffff82a1b2c8 D page_offset_base\n");
	char arg[160];

	snprintf(arg, sizeof(arg), "system_map=%s", map);
	assert_int_equal(parse(&c, err, "trace=/tmp/x", arg, NULL), 0);
	uint64_t addr = 0;

	assert_int_equal(system_map_lookup(map, "page_offset_base", &addr, err,
					   256), 1);
	assert_int_equal(addr, 0xffffffff82a1b2c8ull);
	assert_int_equal(system_map_lookup(map, "nothere", &addr, err, 256), 0);
}

static void expect_error(const char *a0, const char *a1, const char *a2,
			 const char *needle)
{
	struct tracer_config c;
	char err[256];

	assert_int_equal(parse(&c, err, a0, a1, a2), -1);
	if (!strstr(err, needle))
		fail_msg("error '%s' does not mention '%s'", err, needle);
}

static void test_rejects(void **state)
{
	(void)state;
	expect_error(NULL, NULL, NULL, "trace=PATH is required");
	expect_error("region=0x1000:4K", NULL, NULL, "trace=PATH is required");
	expect_error("trace=/tmp/x", "bogus=1", NULL, "unknown argument 'bogus=1'");
	expect_error("trace=/tmp/x", "noequals", NULL, "unknown argument");
	expect_error("trace=/tmp/x", "trace=/tmp/y", NULL, "given twice");
	expect_error("trace=", NULL, NULL, "empty path");
	expect_error("trace=/tmp/x", "region=0x1000", NULL, "BASE:SIZE");
	expect_error("trace=/tmp/x", "region=zz:4K", NULL, "must be numbers");
	expect_error("trace=/tmp/x", "region=0x1000:0", NULL, "size is zero");
	expect_error("trace=/tmp/x", "region=0x1000:4K:bad name", NULL,
		     "region name");
	expect_error("trace=/tmp/x", "region=0x1000:8K", "region=0x2000:4K",
		     "overlaps");
	expect_error("trace=/tmp/x", "page_offset_base=0x1000", NULL,
		     "page_offset_base=0x1000");
	expect_error("trace=/tmp/x", "page_offset_base=0xffff888000000000",
		     "system_map=/nonexistent", "No such file");
	expect_error("trace=/tmp/x", "max_trace_bytes=12", NULL,
		     "max_trace_bytes=12");
	expect_error("trace=/tmp/x", "max_trace_bytes=-5", NULL,
		     "max_trace_bytes=-5");
	expect_error("trace=/tmp/x", "backing=/nonexistent", NULL,
		     "backing=/nonexistent");
	expect_error("trace=/tmp/x", "backing=/tmp", NULL, "not a regular file");
	expect_error("trace=/tmp/x", "drain=0xffffffff81000000", NULL,
		     "expected ADDR:NAME");
	expect_error("trace=/tmp/x", "drain=:fua", NULL, "expected ADDR:NAME");
	expect_error("trace=/tmp/x", "drain=0x1000:", NULL, "expected ADDR:NAME");
	expect_error("trace=/tmp/x", "drain=zz:fua", NULL, "'zz' is not an address");
	expect_error("trace=/tmp/x", "drain=0:fua", NULL, "'0' is not an address");
	expect_error("trace=/tmp/x", "drain=0x1000:a b", NULL, "printable");
	expect_error("trace=/tmp/x", "drain=0x1000:"
		     "a123456789012345678901234567890123456789012345678", NULL,
		     "at most 47");
}

static void test_drain_limit(void **state)
{
	struct tracer_config c;
	char err[256], args[DRAIN_MAX + 2][32];
	char *argv[DRAIN_MAX + 2];

	(void)state;
	snprintf(args[0], sizeof(args[0]), "trace=/tmp/x");
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
	struct tracer_config c;
	char err[256], f[128], b[160];

	(void)state;
	snprintf(f, sizeof(f), "%s/nv0", dir);
	write_file(f, "x");
	snprintf(b, sizeof(b), "backing=%s", f);
	char *argv[] = { "trace=/tmp/x", "region=0x1000:4K", "region=0x4000:4K",
			 b };

	assert_int_equal(tracer_args_parse(&c, 4, argv, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "2 region= but 1 backing="));
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
	snprintf(src, sizeof(src), "%s/backing", dir);
	snprintf(dst, sizeof(dst), "%s/image", dir);
	write_file(src, "0123456789abcdefLABEL");
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
	snprintf(src, sizeof(src), "%s/sparse", dir);
	snprintf(dst, sizeof(dst), "%s/sparse.img", dir);
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
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_drain_limit),
		cmocka_unit_test(test_region_mismatch),
		cmocka_unit_test(test_backing_discovery),
		cmocka_unit_test(test_image_copy),
		cmocka_unit_test(test_image_copy_sparse),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
