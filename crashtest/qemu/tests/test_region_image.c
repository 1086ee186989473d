// SPDX-License-Identifier: MIT
/*
 * The region's initial image: the same bytes as the source (a backing
 * file, or guest memory through a reader), with the source's zero pages
 * left as holes, also where the backing file has them allocated.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "region_image.h"

enum { PAGE = 4096, NPAGES = 64, SIZE = NPAGES * PAGE };

static char dir[] = "/tmp/test_region_image.XXXXXX";
static char src[128], dst[128];
static unsigned char want[SIZE];

/* Pages 3, 17-18 and the last carry data; every other page is zero but
 * written (allocated), as blkdiscard -z and mkfs leave a backing file. */
static void make_source(void)
{
	FILE *f;

	memset(want, 0, sizeof(want));
	memset(want + 3 * PAGE + 100, 0x5a, 10);
	memset(want + 17 * PAGE, 0xc3, 2 * PAGE);
	want[SIZE - 1] = 1;
	f = fopen(src, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(want, 1, SIZE, f), SIZE);
	/* bytes past the region (the label area) are not copied */
	assert_int_equal(fputc(0x77, f), 0x77);
	assert_int_equal(fclose(f), 0);
}

static void check_image(void)
{
	static unsigned char got[SIZE + 1];
	struct stat st;
	FILE *f = fopen(dst, "rb");

	assert_non_null(f);
	assert_int_equal(fread(got, 1, sizeof(got), f), SIZE);
	fclose(f);
	assert_memory_equal(got, want, SIZE);
	assert_int_equal(stat(dst, &st), 0);
	assert_int_equal(st.st_size, SIZE);
	/* 4 pages of data; a file system may round up, never to the whole */
	assert_true((uint64_t)st.st_blocks * 512 <= 16 * PAGE);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(src, sizeof(src), "%s/backing", dir);
	snprintf(dst, sizeof(dst), "%s/image", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(src);
	unlink(dst);
	rmdir(dir);
	return 0;
}

static void test_copy_file_drops_zero_pages(void **state)
{
	char err[256] = "";

	(void)state;
	make_source();
	/* an older, longer image at dst is replaced, not merged */
	assert_int_equal(truncate(src, SIZE + 1), 0);
	assert_int_equal(image_copy_file(src, SIZE, dst, err, sizeof(err)), 0);
	check_image();
}

static void test_copy_file_short_source(void **state)
{
	char err[256] = "";

	(void)state;
	make_source();
	assert_int_equal(image_copy_file(src, 2 * SIZE, dst, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "smaller than its region"));
}

static bool read_want(void *ctx, uint64_t pa, void *buf, size_t len)
{
	(void)ctx;
	if (pa < 0x1000 || pa - 0x1000 + len > SIZE)
		return false;
	memcpy(buf, want + (pa - 0x1000), len);
	return true;
}

static void test_from_guest_drops_zero_pages(void **state)
{
	char err[256] = "";

	(void)state;
	make_source();
	assert_int_equal(image_from_guest(read_want, NULL, 0x1000, SIZE, dst, err,
					  sizeof(err)), 0);
	check_image();
	/* memory the reader cannot reach is an error that says so */
	assert_int_equal(image_from_guest(read_want, NULL, 0x1000, 2 * SIZE, dst, err,
					  sizeof(err)), -1);
	assert_non_null(strstr(err, "not readable"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_file_drops_zero_pages),
		cmocka_unit_test(test_copy_file_short_source),
		cmocka_unit_test(test_from_guest_drops_zero_pages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
