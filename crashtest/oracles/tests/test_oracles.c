/* SPDX-License-Identifier: MIT */
/*
 * ctoracle's parts: the promise manifest and the expected state at a crash,
 * finding the file system in an NVDIMM region image, and the judge on real
 * ext4 images made with e2fsprogs (consistent, a lost promised block, a
 * broken superblock, and the verdict cache), and torn sectors.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "daxlab/pattern.h"
#include "../src/judge.h"
#include "../src/locate.h"
#include "../src/expect.h"
#include "../src/torn.h"
#include "helpers.h"

static void load(struct ctm_manifest *m, const char *text)
{
	char err[512];

	th_write("manifest", text, 0644);
	if (ctm_load(m, th_path("manifest"), err, sizeof(err)))
		fail_msg("manifest_load: %s", err);
}

static const struct expect_file *find(const struct expect *e, const char *p)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->f[i].path, p))
			return &e->f[i];
	return NULL;
}

/* Later ranges replace earlier ones; a size cuts what lies beyond it. */
static void test_manifest_fold(void **state)
{
	struct ctm_manifest m;
	struct expect e;
	const struct expect_file *f;
	uint64_t reached[] = { 100, 101, 102, 103 };

	(void)state;
	load(&m, "fs ext4\nworkload w\n"
		 "101 data f 0 100 7\n"
		 "102 data f 50 100 8\n"
		 "103 size f 120\n"
		 "104 data f 200 10 9\n");
	assert_int_equal(expect_build(&m, reached, 4, &e), 0);
	assert_int_equal(e.last_id, 103);
	f = find(&e, "f");
	assert_non_null(f);
	assert_int_equal(f->exists, EXIST_YES);
	assert_int_equal(f->exist_id, 103);
	/* 104 is in flight: its write may extend the file, size is open. */
	assert_false(f->size_known);
	assert_int_equal(f->nr, 2);
	for (size_t i = 0; i < f->nr; i++) {
		if (f->r[i].seed == 7) {
			assert_int_equal(f->r[i].off, 0);
			assert_int_equal(f->r[i].len, 50);
		} else {
			assert_int_equal(f->r[i].seed, 8);
			assert_int_equal(f->r[i].off, 50);
			assert_int_equal(f->r[i].len, 70);	/* cut at 120 */
		}
	}
	expect_free(&e);

	/* Only the first mark reached: 102 is in flight over [50, 150). */
	assert_int_equal(expect_build(&m, reached, 2, &e), 0);
	f = find(&e, "f");
	assert_int_equal(f->nr, 1);
	assert_int_equal(f->r[0].off, 0);
	assert_int_equal(f->r[0].len, 50);
	expect_free(&e);

	/* No mark reached: nothing is promised. */
	assert_int_equal(expect_build(&m, NULL, 0, &e), 0);
	assert_int_equal(e.last_id, 0);
	f = find(&e, "f");
	assert_true(!f || (f->nr == 0 && f->exists == EXIST_UNKNOWN));
	expect_free(&e);
	ctm_free(&m);
}

static void test_manifest_names(void **state)
{
	struct ctm_manifest m;
	struct expect e;
	uint64_t reached[] = { 101, 102, 103 };

	(void)state;
	load(&m, "fs ext4\n"
		 "101 name d/a\n101 data d/a 0 10 5\n"
		 "102 rename d/a d/b\n"
		 "103 gone d/c\n"
		 "104 rename d/b d/e\n");
	assert_int_equal(expect_build(&m, reached, 3, &e), 0);
	assert_int_equal(find(&e, "d/a")->exists, EXIST_NO);
	assert_int_equal(find(&e, "d/c")->exists, EXIST_NO);
	/* d/b would hold a's data, but the rename in flight relaxes it. */
	assert_int_equal(find(&e, "d/b")->exists, EXIST_UNKNOWN);
	expect_free(&e);

	assert_int_equal(expect_build(&m, reached, 2, &e), 0);
	assert_int_equal(find(&e, "d/b")->exists, EXIST_YES);
	assert_int_equal(find(&e, "d/b")->nr, 1);
	assert_int_equal(find(&e, "d/b")->r[0].seed, 5);
	expect_free(&e);
	ctm_free(&m);

	/* A size alone (sync after creat) promises the file: a missing file
	 * names that mark, not mark 0. */
	load(&m, "fs ext4\n101 size A 0\n");
	assert_int_equal(expect_build(&m, reached, 1, &e), 0);
	assert_int_equal(find(&e, "A")->exists, EXIST_YES);
	assert_int_equal(find(&e, "A")->exist_id, 101);
	expect_free(&e);
	ctm_free(&m);
}

static void put_le64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* An ext superblock at off: magic, 4 KiB blocks, nblocks blocks. */
static void fake_ext_sb(unsigned char *r, uint64_t off, uint32_t nblocks)
{
	unsigned char *sb = r + off + 1024;

	sb[4] = (unsigned char)nblocks;
	sb[5] = (unsigned char)(nblocks >> 8);
	sb[24] = 2;	/* 1024 << 2 */
	sb[56] = 0x53;
	sb[57] = 0xef;
}

static void test_locate(void **state)
{
	size_t size = 8 << 20;
	unsigned char *r = calloc(1, size);
	struct fs_location loc;
	char err[512];

	(void)state;
	assert_non_null(r);
	/* Namespace at 1 MiB, pfn info block 4 KiB in, data at +2 MiB. */
	memcpy(r + (1 << 20) + 4096, "NVDIMM_PFN_INFO", 16);
	put_le64(r + (1 << 20) + 4096 + 56, 2 << 20);
	fake_ext_sb(r, 3 << 20, 256);
	assert_int_equal(fs_locate(r, size, FS_EXT4, 0, &loc, err, sizeof(err)), 0);
	assert_int_equal(loc.dev_start, 3 << 20);
	assert_int_equal(loc.fs_start, 3 << 20);
	assert_int_equal(loc.block_size, 4096);
	assert_int_equal(loc.fs_size, 256 * 4096);

	/* A dm-linear offset moves the file system within the device. */
	fake_ext_sb(r, (3 << 20) + 65536, 16);
	assert_int_equal(fs_locate(r, size, FS_EXT4, 65536, &loc, err, sizeof(err)), 0);
	assert_int_equal(loc.fs_start, (3 << 20) + 65536);

	/* No xfs there: the message says where it looked. */
	assert_int_equal(fs_locate(r, size, FS_XFS, 0, &loc, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no xfs superblock at 0x300000"));
	free(r);
}

/* ---- the judge on real ext4 images ----------------------------------------- */

#define PAD (2u << 20)
#define FS_BYTES (16u << 20)
#define DATA_LEN 70001u
#define SEED 99u

/* A region: pfn info block, then an ext4 file system holding "data" with
 * DATA_LEN bytes of SEED's pattern. */
static unsigned char *make_region(void)
{
	unsigned char *r = calloc(1, PAD + FS_BYTES), *pat = malloc(DATA_LEN);
	FILE *f;

	assert_non_null(r);
	assert_non_null(pat);
	dx_pattern_fill(DX_PATTERN_CTWL, SEED, 0, pat, DATA_LEN);
	f = fopen(th_path("data"), "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pat, 1, DATA_LEN, f), DATA_LEN);
	assert_int_equal(fclose(f), 0);
	free(pat);
	assert_int_equal(th_sh("truncate -s %u %s && mkfs.ext4 -q -F -b 4096 %s >/dev/null 2>&1 && "
			     "debugfs -w -R 'write %s data' %s >/dev/null 2>&1",
			     FS_BYTES, th_path("fs.img"), th_path("fs.img"), th_path("data"),
			     th_path("fs.img")), 0);
	memcpy(r + 4096, "NVDIMM_PFN_INFO", 16);
	put_le64(r + 4096 + 56, PAD);
	f = fopen(th_path("fs.img"), "rb");
	assert_non_null(f);
	assert_int_equal(fread(r + PAD, 1, FS_BYTES, f), FS_BYTES);
	fclose(f);
	return r;
}

static int have_e2fsprogs(void)
{
	return th_sh("command -v mkfs.ext4 debugfs e2fsck >/dev/null") == 0;
}

static void test_judge_ext4(void **state)
{
	struct ctm_manifest m;
	struct judge *j = NULL;
	struct verdict v;
	unsigned char *r;
	char err[512], text[256];
	uint64_t reached[] = { 100, 101 };
	uint64_t blk;

	(void)state;
	if (!have_e2fsprogs()) {
		fprintf(stderr, "# e2fsprogs are not installed\n");
		skip();
	}
	r = make_region();
	snprintf(text, sizeof(text), "fs ext4\n101 name data\n101 data data 0 %u %u\n102 gone other\n",
		 DATA_LEN, SEED);
	load(&m, text);
	if (judge_new_image(&j, &m, FS_EXT4, r, PAD + FS_BYTES, th_path("work"), err, sizeof(err)))
		fail_msg("judge_new_image: %s", err);

	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	assert_false(v.fsck_bad);
	if (v.durability_bad)
		fail_msg("durability: %s", v.msg);
	assert_false(v.cached);

	/* The same image again: the verdict comes from the cache. */
	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	assert_true(v.cached);
	assert_int_equal(judge_stats(j)->judged, 1);

	/* Lose one block of the promised data: a durability violation of
	 * mark 101, the file system itself still consistent. */
	blk = th_bmap(th_path("fs.img"), "data", 5);
	memset(r + PAD + blk * 4096, 0, 4096);
	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	if (!v.durability_bad)
		fail_msg("block %" PRIu64 " zeroed, no violation: %s", blk, v.msg);
	assert_false(v.fsck_bad);
	assert_int_equal(v.mark, 101);
	assert_non_null(strstr(v.msg, "differ from byte 20480"));

	/* With no mark reached nothing is promised. */
	assert_int_equal(judge_image(j, r, NULL, 0, &v), 0);
	assert_false(v.durability_bad);

	/* A broken block bitmap count: e2fsck rejects the image. */
	r[PAD + 1024 + 12] ^= 0x5a;	/* s_free_blocks_count */
	r[PAD + 1024 + 0x3fc] ^= 0xff;	/* and the checksum, so it is read */
	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	assert_true(v.fsck_bad);
	assert_non_null(strstr(v.msg, "e2fsck"));

	judge_free(j);
	ctm_free(&m);
	free(r);
}

/* Kernel pieces of one sector both persisted and lost make it torn;
 * program stores, whole sectors and pieces below base do not count. */
static void test_torn_sectors(void **state)
{
	static const char text[] =
		"region 0x100000 0x10000 pmem0\n"
		"ntstore 0x101000 8 0101010101010101 pc=0xffffffff81000010\n"
		"ntstore 0x101008 8 0202020202020202 pc=0xffffffff81000010\n"
		"ntstore 0x101200 8 0303030303030303 pc=0xffffffff81000010\n"
		"ntstore 0x101208 8 0404040404040404 pc=0xffffffff81000010\n"
		"store 0x101400 8 0505050505050505 pc=0x401000\n"
		"store 0x101408 8 0606060606060606 pc=0x401000\n"
		"ntstore 0x100000 8 0707070707070707 pc=0xffffffff81000010\n"
		"ntstore 0x100008 8 0808080808080808 pc=0xffffffff81000010\n";
	struct pmsim_trace *t;
	struct pmsim_piece lost[] = {
		{ 2, 0, 8, 0x101008 },	/* sector 0 of the fs: torn */
		{ 6, 0, 8, 0x101408 },	/* a program's store: ignored */
		{ 8, 0, 8, 0x100008 },	/* below the fs: ignored */
	};
	struct pmsim_piece kept[] = {
		{ 1, 0, 8, 0x101000 },	/* event 0 is the REGION */
		{ 3, 0, 8, 0x101200 },	/* sector 1: whole, not torn */
		{ 4, 0, 8, 0x101208 },
		{ 5, 0, 8, 0x101400 },
		{ 7, 0, 8, 0x100000 },
	};
	struct pmsim_violation v = { .lost = lost, .nlost = 3,
				     .persisted = kept, .npersisted = 5 };
	struct torn_sector ts[2];

	(void)state;
	assert_int_equal(pmsim_trace_from_mem(&t, text, sizeof(text) - 1, NULL, 0), 0);
	assert_int_equal(torn_sectors(t, &v, 0x101000, ts, 2), 1);
	assert_int_equal(ts[0].offset, 0);
	assert_int_equal(ts[0].lost, 1);
	assert_int_equal(ts[0].persisted, 1);
	/* Counted from the region base, the first sector is torn too. */
	assert_int_equal(torn_sectors(t, &v, 0x100000, ts, 2), 2);
	assert_int_equal(ts[0].offset, 0);
	assert_int_equal(ts[1].offset, 0x1000);
	/* Nothing persisted: nothing torn. */
	v.npersisted = 0;
	assert_int_equal(torn_sectors(t, &v, 0x100000, ts, 2), 0);
	pmsim_trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_fold),
		cmocka_unit_test(test_manifest_names),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_torn_sectors),
		cmocka_unit_test(test_judge_ext4),
	};

	return cmocka_run_group_tests(tests, th_setup, th_teardown);
}
