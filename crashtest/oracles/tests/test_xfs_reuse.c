/* SPDX-License-Identifier: MIT */
/*
 * xfs verdicts reused across images of one metadata (src/xfs_reuse.h): the
 * recovery's blocks read from the kernel's trace events, the map a guest
 * writes and its reader, when a member may take its representative's
 * verdict, the data promises checked through the map, the guest's pass
 * over the members, and the host's guess of the data blocks.
 */
#include <fcntl.h>
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

#include "daxlab/pattern.h"
#include "../src/xfs_reuse.h"
#include "helpers.h"

#define BS 4096u

static const char trace_head[] =
	"# tracer: nop\n"
	"#\n"
	"# entries-in-buffer/entries-written: %s   #P:1\n"
	"#\n";

/* The ranges and answer of xr_parse_recovery on the trace text. */
static int parse(const char *text, struct xr_map *mp)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	int rc;

	assert_non_null(f);
	memset(mp, 0, sizeof(*mp));
	rc = xr_parse_recovery(f, mp);
	fclose(f);
	return rc;
}

static void test_recovery_trace(void **state)
{
	char text[2048];
	struct xr_map mp;

	(void)state;
	snprintf(text, sizeof(text), trace_head, "4/4");
	strcat(text,
	       "   mount-71 [000] ..... 12.5: xfs_log_recover_item_recover: dev 7:0 tid 0x1 lsn 0x100000002, pass 2, item 0xffff, item type XFS_LI_BUF item region count/total 2/2\n"
	       "   mount-71 [000] ..... 12.5: xfs_log_recover_buf_recover: dev 7:0 daddr 0x10, bbcount 0x8, flags 0x0, size 2, map_size 1\n"
	       "   mount-71 [000] ..... 12.5: xfs_log_recover_inode_recover: dev 7:0 ino 0x83, size 3, fields 0x5, asize 0, dsize 0, daddr 0x60, bbcount 0x20, boffset 1536\n"
	       "   mount-71 [000] ..... 12.5: xfs_log_recover_item_recover: dev 7:0 tid 0x1 lsn 0x100000002, pass 2, item 0xffff, item type XFS_LI_EFI item region count/total 1/1\n");
	assert_int_equal(parse(text, &mp), 1);
	assert_int_equal(mp.nr, 2);
	assert_int_equal(mp.r[0].off, 0x10 * 512);
	assert_int_equal(mp.r[0].len, 8 * 512);
	assert_int_equal(mp.r[1].off, 0x60 * 512);
	assert_int_equal(mp.r[1].len, 0x20 * 512);
	xr_map_free(&mp);

	/* A clean log: no event, every range known (none). */
	snprintf(text, sizeof(text), trace_head, "0/0");
	assert_int_equal(parse(text, &mp), 1);
	assert_int_equal(mp.nr, 0);
	xr_map_free(&mp);

	/* Events lost, no header, an item without its blocks: unknown. */
	snprintf(text, sizeof(text), trace_head, "4/9");
	assert_int_equal(parse(text, &mp), 0);
	xr_map_free(&mp);
	assert_int_equal(parse("", &mp), 0);
	xr_map_free(&mp);
	snprintf(text, sizeof(text), trace_head, "1/1");
	strcat(text, " m-1 [000] ..... 1.0: xfs_log_recover_item_recover: dev 7:0 tid 0x1 lsn 0x1, pass 2, item 0x1, item type XFS_LI_DQUOT item region count/total 1/1\n");
	assert_int_equal(parse(text, &mp), 0);
	xr_map_free(&mp);
	snprintf(text, sizeof(text), trace_head, "1/1");
	strcat(text, " m-1 [000] ..... 1.0: xfs_log_recover_icreate_recover: dev 7:0 agno 0x0 agbno 0x20 count 64 isize 512 length 32 gen 0x1\n");
	assert_int_equal(parse(text, &mp), 0);
	xr_map_free(&mp);
	snprintf(text, sizeof(text), trace_head, "1/1");
	strcat(text, " m-1 [000] ..... 1.0: xfs_log_recover_buf_recover: dev 7:0 daddr zz\n");
	assert_int_equal(parse(text, &mp), 0);
	xr_map_free(&mp);
}

/* A representative's map: file f (10000 bytes: blocks 2-3 written, block
 * 10 unwritten, the rest a hole), directory d, g absent; recovery looked
 * at block 5; blocks 11-12 free. */
static const char map_text[] =
	"recovery known\n"
	"range 20480 4096\n"
	"free 45056 8192\n"
	"path file f 10000\n"
	"ext 0 8192 8192 0\n"
	"ext 8192 40960 4096 1\n"
	"path dir d 0\n"
	"path absent g 0\n"
	"end\n";

static void test_map_and_covers(void **state)
{
	struct xr_map mp;
	char err[256];
	uint64_t ok[] = { 2, 3, 10, 11, 12 }, meta[] = { 2, 5 }, out[] = { 4 };
	uint64_t half[] = { 13 }, small[] = { 22, 23 };

	(void)state;
	th_write("rep.map", map_text, 0644);
	assert_int_equal(xr_load_map(th_path("rep.map"), &mp, err, sizeof(err)), 0);
	assert_int_equal(mp.nf, 3);
	assert_int_equal(mp.f[0].kind, XR_FILE);
	assert_int_equal(mp.f[0].next, 2);
	assert_int_equal(mp.f[1].kind, XR_DIR);
	assert_int_equal(mp.f[2].kind, XR_ABSENT);
	assert_int_equal(mp.nfree, 1);
	assert_int_equal(xr_covers(&mp, ok, 5, BS), 1);
	assert_int_equal(xr_covers(&mp, ok, 0, BS), 1);
	assert_int_equal(xr_covers(&mp, half, 1, BS), 0);	/* past the free */
	assert_int_equal(xr_covers(&mp, small, 2, 2048), 1);	/* in it */
	assert_int_equal(xr_covers(&mp, meta, 2, BS), 0);	/* recovery's */
	assert_int_equal(xr_covers(&mp, out, 1, BS), 0);	/* no file's */
	/* Recovery wrote a block of f (not one that differs): no reuse. */
	mp.r[0].off = 3 * BS;
	assert_int_equal(xr_covers(&mp, out + 0, 0, BS), 0);
	mp.r[0].off = 5 * BS;
	mp.recovery_known = 0;
	assert_int_equal(xr_covers(&mp, ok, 5, BS), 0);
	xr_map_free(&mp);

	/* A cut map and a stray line are refused. */
	th_write("cut.map", "recovery known\npath file f 1\n", 0644);
	assert_int_equal(xr_load_map(th_path("cut.map"), &mp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cut"));
	th_write("bad.map", "recovery known\next 0 0 1 0\nend\n", 0644);
	assert_int_equal(xr_load_map(th_path("bad.map"), &mp, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad.map:2"));
}

/* A 64 KiB image: an xfs superblock's magic and block size, then
 * ctwl's pattern (seed) in blocks 2-3 and junk in block 10. */
static void make_image(const char *name, uint64_t seed)
{
	unsigned char *img = calloc(1, 16 * BS);
	int fd;

	assert_non_null(img);
	memcpy(img, "XFSB\0\0\x10\0", 8);
	dx_pattern_fill(DX_PATTERN_CTWL, seed, 0, img + 2 * BS, 2 * BS);
	memset(img + 10 * BS, 0xaa, BS);
	fd = open(th_path(name), O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, img, 16 * BS), 16 * BS);
	close(fd);
	free(img);
}

static void test_read_through_map(void **state)
{
	struct xr_map mp;
	struct file_read fr[3] = { { .path = "f" }, { .path = "d" }, { .path = "g" } };
	struct file_read nomap = { .path = "h" };
	unsigned char want[8192];
	char err[256];
	int fd;

	(void)state;
	make_image("r.img", 17);
	th_write("rep.map", map_text, 0644);
	assert_int_equal(xr_load_map(th_path("rep.map"), &mp, err, sizeof(err)), 0);
	fd = open(th_path("r.img"), O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(xr_read(&mp, fd, fr, 3, err, sizeof(err)), 0);
	assert_int_equal(fr[0].exists, 1);
	assert_int_equal(fr[0].size, 10000);
	dx_pattern_fill(DX_PATTERN_CTWL, 17, 0, want, sizeof(want));
	assert_memory_equal(fr[0].data, want, sizeof(want));
	/* The unwritten block reads zeros, not the junk under it. */
	for (size_t i = 8192; i < 10000; i++)
		assert_int_equal(fr[0].data[i], 0);
	assert_int_equal(fr[1].exists, 1);
	assert_null(fr[1].data);
	assert_int_equal(fr[2].exists, 0);
	file_read_free(fr, 3);
	assert_int_equal(xr_read(&mp, fd, &nomap, 1, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not in the map"));
	close(fd);
	xr_map_free(&mp);
}

/* The guest's pass: members with the data promised, with other data,
 * with a block the map does not cover, and of an unsound representative. */
static void test_judge_members(void **state)
{
	struct ctm_manifest m;
	size_t reused, rest;
	char err[512], dir[512];
	const char *v;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/exp", th_dir);
	assert_int_equal(mkdir(dir, 0755), 0);
	th_write("manifest", "fs xfs\nstart_mark 100\n101 name f\n101 data f 0 8192 17\n102 size f 10000\n", 0644);
	assert_int_equal(ctm_load(&m, th_path("manifest"), err, sizeof(err)), 0);
	th_write("exp/R.map", map_text, 0644);
	th_write("exp/S.map", map_text, 0644);
	make_image("exp/A.img", 17);
	make_image("exp/B.img", 18);
	make_image("exp/C.img", 17);
	make_image("exp/D.img", 17);
	make_image("exp/E.img", 17);
	th_write("exp/list",
		 "R 100,101\n"
		 "A 100,101,102 R 2,3\n"
		 "B 100,101,102 R 2\n"
		 "C 100,101 R 4\n"
		 "E 100,101,102 R 11,12\n"
		 "S 100\n"
		 "D 100,101 S -\n", 0644);
	th_write("exp/verdicts", "R ok 0 \nS fsck 0  xfs_repair -n after log recovery: bad\n", 0644);
	assert_int_equal(xr_judge_members(&m, dir, &reused, &rest, err, sizeof(err)), 0);
	assert_int_equal(reused, 3);
	assert_int_equal(rest, 2);
	v = th_read(th_path("exp/verdicts"));
	assert_non_null(strstr(v, "\nA ok 0 \n"));
	assert_non_null(strstr(v, "\nE ok 0 \n"));
	assert_non_null(strstr(v, "\nB durability 101 f: promised bytes [0, 8192) differ from byte 0 on (about 8192 bytes in 64-byte lines)\n"));
	assert_string_equal(th_read(th_path("exp/rest")), "C 100,101\nD 100,101\n");

	/* A list line of another shape is an error. */
	th_write("exp/list", "R 100 R\n", 0644);
	assert_int_equal(xr_judge_members(&m, dir, &reused, &rest, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a list line"));
	ctm_free(&m);
}

/* The map of real files: a name that is absent, a directory, a file. */
static void test_write_map(void **state)
{
	struct ctm_manifest m;
	struct xr_map mp;
	char err[512], root[512];

	(void)state;
	snprintf(root, sizeof(root), "%s/root", th_dir);
	assert_int_equal(mkdir(root, 0755), 0);
	assert_int_equal(mkdir(th_path("root/d"), 0755), 0);
	th_write("root/f", "0123456789", 0644);
	th_write("manifest", "fs xfs\n101 name f\n101 name d\n102 rename f g\n103 gone x/y\n", 0644);
	assert_int_equal(ctm_load(&m, th_path("manifest"), err, sizeof(err)), 0);
	th_write("rtrace", "# entries-in-buffer/entries-written: 0/0   #P:1\n", 0644);
	assert_int_equal(xr_write_map(&m, root, th_path("rtrace"), th_path("w.map"),
				      err, sizeof(err)), 0);
	assert_int_equal(xr_load_map(th_path("w.map"), &mp, err, sizeof(err)), 0);
	assert_int_equal(mp.recovery_known, 1);
	assert_int_equal(mp.nf, 4);
	assert_string_equal(mp.f[0].path, "f");
	/* FIEMAP where the file system has it, else a file no member reads. */
	assert_true(mp.f[0].kind == XR_FILE || mp.f[0].kind == XR_UNKNOWN);
	assert_int_equal(mp.f[0].size, 10);
	assert_int_equal(mp.f[1].kind, XR_DIR);
	assert_string_equal(mp.f[2].path, "g");
	assert_int_equal(mp.f[2].kind, XR_ABSENT);
	assert_int_equal(mp.f[3].kind, XR_ABSENT);
	xr_map_free(&mp);
	/* Without a recovery trace the ranges are unknown. */
	assert_int_equal(xr_write_map(&m, root, NULL, th_path("w.map"), err, sizeof(err)), 0);
	assert_int_equal(xr_load_map(th_path("w.map"), &mp, err, sizeof(err)), 0);
	assert_int_equal(mp.recovery_known, 0);
	xr_map_free(&mp);
	ctm_free(&m);
}

/* The guess: the log and blocks that start as metadata stay in the key. */
static void test_guess_data(void **state)
{
	enum { N = 32 };
	unsigned char *base = calloc(N, BS), *final = calloc(N, BS);
	uint8_t guess[N];

	(void)state;
	assert_non_null(base);
	assert_non_null(final);
	memcpy(final, "XFSB\0\0\x10\0", 8);
	final[84 + 3] = N;		/* agblocks */
	final[48 + 7] = 20;		/* logstart */
	final[96 + 3] = 4;		/* logblocks: 20-23 */
	final[124] = 5;			/* agblklog */
	memcpy(final + 3 * BS, "BMA3", 4);
	memcpy(base + 4 * BS, "IN", 2);
	final[5 * BS + 8] = 0x3d;	/* a dir leaf's magic after its siblings */
	final[5 * BS + 9] = 0xff;
	memset(final + 6 * BS, 0x5a, BS);
	xr_guess_data(base, final, N, BS, guess);
	assert_int_equal(guess[0], 0);
	assert_int_equal(guess[3], 0);
	assert_int_equal(guess[4], 0);
	assert_int_equal(guess[5], 0);
	assert_int_equal(guess[6], 1);
	assert_int_equal(guess[19], 1);
	for (int u = 20; u < 24; u++)
		assert_int_equal(guess[u], 0);
	assert_int_equal(guess[24], 1);
	/* Not an xfs superblock: nothing is guessed data. */
	final[0] = 0;
	xr_guess_data(base, final, N, BS, guess);
	assert_int_equal(guess[6], 0);
	free(base);
	free(final);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recovery_trace),
		cmocka_unit_test(test_map_and_covers),
		cmocka_unit_test(test_read_through_map),
		cmocka_unit_test(test_judge_members),
		cmocka_unit_test(test_write_map),
		cmocka_unit_test(test_guess_data),
	};

	return cmocka_run_group_tests(tests, th_setup, th_teardown);
}
