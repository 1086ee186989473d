/* SPDX-License-Identifier: MIT */
/*
 * The in-process ext2/ext4 reader against debugfs, which it replaced for
 * images the checker accepts: the same files, sizes, bytes and block
 * maps on images made with mke2fs -d, and on copies with metadata bytes
 * flipped (neither may crash the judge). Then the checker's answers by
 * metadata (fsck_memo): an image differing only in promised data takes
 * the recovered blocks of the first, and its verdict is the one a fresh
 * judge gives after running e2fsck. And the blocks e2fsck -fn does not
 * read after a journal replay: the emptied journal's log.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "daxlab/pattern.h"
#include "daxlab/prng.h"
#include "../src/ext2lib.h"
#include "../src/fsops.h"
#include "../src/judge.h"
#include "helpers.h"

#define FS_BYTES (8u << 20)
#define PAD (2u << 20)

static const char *const paths[] = {
	"a", "d/b", "empty", "sparse", "d", "missing", "d/missing", "a/x",
	"link",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static int have_e2fsprogs(void)
{
	return th_sh("command -v mke2fs debugfs e2fsck >/dev/null") == 0;
}

static void write_pattern(const char *name, uint64_t seed, size_t len)
{
	unsigned char *p = malloc(len ? len : 1);
	FILE *f = fopen(th_path(name), "wb");

	assert_non_null(p);
	assert_non_null(f);
	dx_pattern_fill(DX_PATTERN_CTWL, seed, 0, p, len);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
	free(p);
}

/* th_dir/NAME.img of type fs (ext2, ext4) holding the files of paths[]. */
static void make_image(const char *fs, const char *name)
{
	assert_int_equal(th_sh("rm -rf %s && mkdir -p %s/d", th_path("tree"),
			       th_path("tree")), 0);
	write_pattern("tree/a", 7, 70001);
	write_pattern("tree/d/b", 8, 300000);
	write_pattern("tree/empty", 9, 0);
	assert_int_equal(th_sh("cd %s && truncate -s 2200000 sparse && "
			       "printf xyz | dd of=sparse bs=1 seek=2100000 conv=notrunc 2>/dev/null && "
			       "ln -s a link", th_path("tree")), 0);
	assert_int_equal(th_sh("rm -f %s/%s.img && mke2fs -q -F -t %s -b 4096 -d %s %s/%s.img %uk "
			       ">/dev/null 2>&1", th_dir, name, fs, th_path("tree"),
			       th_dir, name, FS_BYTES >> 10), 0);
}

/* Every path read and mapped both ways: the same answers. Returns how
 * many of the paths exist. */
static int compare(const struct fsops *ops, const char *img)
{
	struct file_read a[NPATHS], b[NPATHS];
	char msg[1024];
	int ra, rb, found = 0;

	for (size_t i = 0; i < NPATHS; i++)
		a[i].path = b[i].path = paths[i];
	ra = ops->read(img, th_path("work"), 1, a, NPATHS, msg, sizeof(msg));
	rb = ops->read(img, th_path("work"), 0, b, NPATHS, msg, sizeof(msg));
	assert_int_equal(ra, 0);
	assert_int_equal(rb, 0);
	for (size_t i = 0; i < NPATHS; i++) {
		struct fs_extent *ea, *eb;
		size_t na, nb;
		uint64_t ba = 0, bb = 0;

		if (a[i].exists != b[i].exists || a[i].size != b[i].size ||
		    (a[i].exists && memcmp(a[i].data, b[i].data, a[i].size)))
			fail_msg("%s in %s: in process %d %" PRIu64 " bytes, "
				 "debugfs %d %" PRIu64, paths[i], img, a[i].exists,
				 a[i].size, b[i].exists, b[i].size);
		assert_int_equal(ops->extents(img, th_path("work"), 1, paths[i],
					      &ea, &na, msg, sizeof(msg)), 0);
		assert_int_equal(ops->extents(img, th_path("work"), 0, paths[i],
					      &eb, &nb, msg, sizeof(msg)), 0);
		/* debugfs splits runs at indirect blocks; compare blocks. */
		for (size_t k = 0; k < na; k++)
			for (uint64_t c = 0; c < ea[k].count; c++)
				ba += (ea[k].lblk + c) * 1000003 ^ (ea[k].pblk + c);
		for (size_t k = 0; k < nb; k++)
			for (uint64_t c = 0; c < eb[k].count; c++)
				bb += (eb[k].lblk + c) * 1000003 ^ (eb[k].pblk + c);
		if (ba != bb)
			fail_msg("%s in %s: block maps differ", paths[i], img);
		free(ea);
		free(eb);
		found += a[i].exists;
	}
	file_read_free(a, NPATHS);
	file_read_free(b, NPATHS);
	return found;
}

static void test_reads_match_debugfs(void **state)
{
	(void)state;
	if (!have_e2fsprogs())
		skip();
	assert_int_equal(th_sh("mkdir -p %s", th_path("work")), 0);
	make_image("ext4", "e4");
	assert_int_equal(compare(fsops_get(FS_EXT4), th_path("e4.img")), 6);
	make_image("ext2", "e2");
	assert_int_equal(compare(fsops_get(FS_EXT2), th_path("e2.img")), 6);
	/* No file system at all: nothing exists, for either. */
	assert_int_equal(th_sh("truncate -s 1M %s", th_path("zero.img")), 0);
	assert_int_equal(compare(fsops_get(FS_EXT4), th_path("zero.img")), 0);
}

/* Flipped bytes in the metadata blocks: both readers still agree, and
 * neither crashes (under ASan too). */
static void test_corrupt_images(void **state)
{
	static const char *const fs[] = { "ext4", "ext2" };
	static uint8_t skip[FS_BYTES / 4096];
	struct dx_prng rng;
	int opened = 0;

	(void)state;
	if (!have_e2fsprogs())
		skip();
	dx_prng_seed(&rng, 42);
	assert_int_equal(th_sh("mkdir -p %s", th_path("work")), 0);
	for (int t = 0; t < 2; t++) {
		make_image(fs[t], "base");
		for (int round = 0; round < 12; round++) {
			FILE *f;

			assert_int_equal(th_sh("cp %s %s", th_path("base.img"),
					       th_path("bad.img")), 0);
			f = fopen(th_path("bad.img"), "r+b");
			assert_non_null(f);
			for (int k = 0; k < 24; k++) {
				/* the first 48 blocks: superblock, group
				 * descriptors, bitmaps, inode table, root */
				long off = (long)dx_prng_below(&rng, 48 * 4096);
				unsigned char x = (unsigned char)dx_prng_next(&rng);

				assert_int_equal(fseek(f, off, SEEK_SET), 0);
				assert_int_equal(fputc(x, f), x);
			}
			assert_int_equal(fclose(f), 0);
			opened += compare(fsops_get(t ? FS_EXT2 : FS_EXT4),
					  th_path("bad.img")) > 0;
			/* The judge reads the journal inode of images e2fsck
			 * has not accepted yet: it must not crash either. */
			ext2lib_journal_log(th_path("bad.img"), skip, FS_BYTES / 4096);
		}
	}
	/* Not all so broken that nothing could be read. */
	fprintf(stderr, "# %d of 24 corrupt images had files to compare\n", opened);
	assert_true(opened > 0);
}

static void load(struct ctm_manifest *m, const char *text)
{
	char err[512];

	th_write("manifest", text, 0644);
	if (ctm_load(m, th_path("manifest"), err, sizeof(err)))
		fail_msg("ctm_load: %s", err);
}

/* A region: pfn info block, then the image file at path. */
static unsigned char *region_of(const char *path)
{
	unsigned char *r = calloc(1, PAD + FS_BYTES);
	FILE *f = fopen(path, "rb");

	assert_non_null(r);
	assert_non_null(f);
	memcpy(r + 4096, "NVDIMM_PFN_INFO", 16);
	for (int i = 0; i < 8; i++)
		r[4096 + 56 + i] = (unsigned char)((uint64_t)PAD >> (8 * i));
	assert_int_equal(fread(r + PAD, 1, FS_BYTES, f), FS_BYTES);
	fclose(f);
	return r;
}

static struct judge *judge_of(const struct ctm_manifest *m, enum fs_type fs,
			      unsigned char *r, const char *work)
{
	static uint8_t touched[(PAD + FS_BYTES) / 4096 / 8];
	struct judge *j = NULL;
	char err[512];

	memset(touched, 0xff, sizeof(touched));
	if (judge_new(&j, m, fs, r, r, PAD + FS_BYTES, touched,
		      th_path(work), err, sizeof(err)))
		fail_msg("judge_new: %s", err);
	return j;
}

static void test_memo_reuses_recovery(void **state)
{
	struct ctm_manifest m;
	struct judge *j, *fresh;
	struct verdict v, w;
	uint64_t reached[] = { 100, 101 }, blk;
	unsigned char *r, *r2;

	(void)state;
	if (!have_e2fsprogs())
		skip();
	make_image("ext2", "memo");
	r = region_of(th_path("memo.img"));
	/* A free-blocks count that e2fsck -p repairs: recovery writes the
	 * superblock, so a reuse must apply that block. */
	r[PAD + 1024 + 12] ^= 1;
	load(&m, "fs ext2\n101 name a\n101 data a 0 70001 7\n");
	j = judge_of(&m, FS_EXT2, r, "w1");
	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	assert_false(v.fsck_bad);
	if (v.durability_bad)
		fail_msg("durability: %s", v.msg);
	assert_int_equal(judge_stats(j)->fsck_reused, 0);

	/* Lose a promised block: a new verdict key, the same metadata. */
	blk = th_bmap(th_path("memo.img"), "a", 3);
	r2 = malloc(PAD + FS_BYTES);
	assert_non_null(r2);
	memcpy(r2, r, PAD + FS_BYTES);
	memset(r2 + PAD + blk * 4096, 0, 4096);
	assert_int_equal(judge_image(j, r2, reached, 2, &v), 0);
	assert_int_equal(judge_stats(j)->fsck_reused, 1);
	assert_true(v.durability_bad);
	assert_int_equal(v.mark, 101);

	/* A judge that never saw the first image runs e2fsck: same verdict. */
	fresh = judge_of(&m, FS_EXT2, r, "w2");
	assert_int_equal(judge_image(fresh, r2, reached, 2, &w), 0);
	assert_int_equal(judge_stats(fresh)->fsck_reused, 0);
	assert_int_equal(w.durability_bad, v.durability_bad);
	assert_int_equal(w.fsck_bad, v.fsck_bad);
	assert_string_equal(w.msg, v.msg);

	judge_free(j);
	judge_free(fresh);
	ctm_free(&m);
	free(r);
	free(r2);
}

/* The journal's block count and its superblock's block, from debugfs. */
static uint64_t journal_blocks(const char *img, uint64_t *sb)
{
	unsigned long long n = 0;
	FILE *f;

	*sb = th_bmap(img, "<8>", 0);
	assert_int_equal(th_sh("debugfs -R 'blocks <8>' %s 2>/dev/null | wc -w > %s",
			       img, th_path("count")), 0);
	f = fopen(th_path("count"), "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llu", &n), 1);
	fclose(f);
	return n;
}

static void test_journal_log(void **state)
{
	static uint8_t skip[FS_BYTES / 4096];
	unsigned char s_start[4] = { 0, 0, 0, 1 };
	uint64_t sb, n = 0;
	FILE *f;

	(void)state;
	if (!have_e2fsprogs())
		skip();
	make_image("ext4", "j");
	assert_int_equal(journal_blocks(th_path("j.img"), &sb), 1024);
	ext2lib_journal_log(th_path("j.img"), skip, FS_BYTES / 4096);
	for (size_t i = 0; i < sizeof(skip); i++)
		n += skip[i];
	assert_int_equal(n, 1023);
	assert_int_equal(skip[sb], 0);
	/* A journal with transactions to replay: its log is read. */
	memset(skip, 0, sizeof(skip));
	f = fopen(th_path("j.img"), "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)(sb * 4096 + 28), SEEK_SET), 0);
	assert_int_equal(fwrite(s_start, 1, 4, f), 4);
	assert_int_equal(fclose(f), 0);
	ext2lib_journal_log(th_path("j.img"), skip, FS_BYTES / 4096);
	for (size_t i = 0; i < sizeof(skip); i++)
		assert_int_equal(skip[i], 0);
	/* No file system: nothing. */
	ext2lib_journal_log(th_path("zero.img"), skip, FS_BYTES / 4096);
	for (size_t i = 0; i < sizeof(skip); i++)
		assert_int_equal(skip[i], 0);
}

/* Two replayed ext4 images that differ only in the old log of their empty
 * journals: e2fsck -fn runs for the first only, and the second's verdict
 * is a fresh judge's. */
static void test_verify_reused(void **state)
{
	struct ctm_manifest m;
	struct judge *j, *fresh;
	struct verdict v, w;
	uint64_t reached[] = { 100, 101 }, sb;
	unsigned char *r, *r2;

	(void)state;
	if (!have_e2fsprogs())
		skip();
	make_image("ext4", "v");
	assert_int_equal(journal_blocks(th_path("v.img"), &sb), 1024);
	r = region_of(th_path("v.img"));
	r2 = malloc(PAD + FS_BYTES);
	assert_non_null(r2);
	memcpy(r2, r, PAD + FS_BYTES);
	memset(r2 + PAD + (sb + 1) * 4096, 0x5a, 4096);	/* old log */
	load(&m, "fs ext4\n101 name a\n101 data a 0 70001 7\n");
	j = judge_of(&m, FS_EXT4, r, "v1");
	assert_int_equal(judge_image(j, r, reached, 2, &v), 0);
	assert_int_equal(judge_image(j, r2, reached, 2, &v), 0);
	assert_false(v.cached);
	assert_int_equal(judge_stats(j)->fsck_reused, 0);
	assert_int_equal(judge_stats(j)->verify_reused, 1);
	fresh = judge_of(&m, FS_EXT4, r, "v2");
	assert_int_equal(judge_image(fresh, r2, reached, 2, &w), 0);
	assert_int_equal(judge_stats(fresh)->verify_reused, 0);
	assert_int_equal(w.fsck_bad, v.fsck_bad);
	assert_int_equal(w.durability_bad, v.durability_bad);
	assert_string_equal(w.msg, v.msg);
	judge_free(j);
	judge_free(fresh);
	ctm_free(&m);
	free(r);
	free(r2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reads_match_debugfs),
		cmocka_unit_test(test_corrupt_images),
		cmocka_unit_test(test_memo_reuses_recovery),
		cmocka_unit_test(test_journal_log),
		cmocka_unit_test(test_verify_reused),
	};

	return cmocka_run_group_tests(tests, th_setup, th_teardown);
}
