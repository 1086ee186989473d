/* SPDX-License-Identifier: MIT */
/*
 * ext2/ext4 files and block maps through libext2fs (ext2lib.h). Each
 * step mirrors e2fsprogs 1.47 debugfs, which the judge ran before: its
 * open (debugfs.c open_filesystem), "dump" (dump.c dump_file) and
 * "stat" (debugfs.c internal_dump_inode), so verdicts do not change.
 */
#include <ext2fs/ext2fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext2lib.h"
#include "ondisk.h"

/*
 * debugfs's open: read-only, retried ignoring checksum errors when only
 * the superblock's is wrong, and refused when the bitmaps cannot be read.
 * NULL when debugfs would have had no file system open: every command
 * then fails and nothing is read.
 */
static ext2_filsys ext_open(const char *image)
{
	int flags = EXT2_FLAG_SOFTSUPP_FEATURES | EXT2_FLAG_64BITS;
	ext2_filsys fs = NULL;
	errcode_t rc;

	rc = ext2fs_open(image, flags, 0, 0, unix_io_manager, &fs);
	if (rc == EXT2_ET_SB_CSUM_INVALID) {
		flags |= EXT2_FLAG_IGNORE_CSUM_ERRORS;
		rc = ext2fs_open(image, flags, 0, 0, unix_io_manager, &fs);
	}
	if (rc)
		return NULL;
	fs->default_bitmap_type = EXT2FS_BMAP64_RBTREE;
	if (ext2fs_read_bitmaps(fs)) {
		ext2fs_close_free(&fs);
		return NULL;
	}
	return fs;
}

/* debugfs string_to_inode: 0 when the name does not resolve. */
static ext2_ino_t lookup(ext2_filsys fs, const char *path)
{
	char name[4200];
	ext2_ino_t ino;

	if ((size_t)snprintf(name, sizeof(name), "/%s", path) >= sizeof(name))
		return 0;
	if (ext2fs_namei(fs, EXT2_ROOT_INO, EXT2_ROOT_INO, name, &ino) ||
	    ino > fs->super->s_inodes_count)
		return 0;
	return ino;
}

/* debugfs dump_file: the output file exists once the name resolved; an
 * inode that cannot be read or opened leaves it empty, a read error
 * ends it. -1 only when out of memory. */
static int dump(ext2_filsys fs, ext2_ino_t ino, struct file_read *f)
{
	struct ext2_inode inode;
	ext2_file_t file;
	unsigned got, bs = fs->blocksize;
	size_t cap = 0;

	f->exists = 1;
	if (ext2fs_read_inode(fs, ino, &inode) ||
	    ext2fs_file_open(fs, ino, 0, &file))
		return 0;
	for (;;) {
		if (f->size + bs > cap) {
			size_t ncap = cap ? 2 * cap : 16 * (size_t)bs;
			unsigned char *p = realloc(f->data, ncap);

			if (!p) {
				ext2fs_file_close(file);
				return -1;
			}
			f->data = p;
			cap = ncap;
		}
		got = 0;
		ext2fs_file_read(file, f->data + f->size, bs, &got);
		if (!got)
			break;
		f->size += got;
	}
	ext2fs_file_close(file);
	return 0;
}

int ext2lib_read(const char *image, struct file_read *fr, size_t n, char *msg,
		 size_t len)
{
	ext2_filsys fs = ext_open(image);
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		ext2_ino_t ino = fs ? lookup(fs, fr[i].path) : 0;

		fr[i].data = NULL;
		fr[i].size = 0;
		fr[i].exists = 0;
		if (ino && !rc && dump(fs, ino, &fr[i])) {
			snprintf(msg, len, "out of memory reading %s", fr[i].path);
			rc = -1;
		}
		/* The judge frees data of files that exist; an empty file
		 * still gets a buffer, as the slurp of debugfs's output did. */
		if (!rc && fr[i].exists && !fr[i].data &&
		    !(fr[i].data = malloc(1))) {
			snprintf(msg, len, "out of memory");
			rc = -1;
		}
	}
	if (fs)
		ext2fs_close_free(&fs);
	return rc;
}

/* ---- block maps (debugfs "stat") ---------------------------------------- */

struct blocks {
	struct fs_extent **ext;
	size_t *n, cap;
	int oom;
};

/* Data blocks (blockcnt >= 0) of an indirect-mapped file, as runs. */
static int block_proc(ext2_filsys fs, blk64_t *blocknr, e2_blkcnt_t blockcnt,
		      blk64_t ref, int ref_offset, void *arg)
{
	struct blocks *b = arg;
	struct fs_extent *last = *b->n ? &(*b->ext)[*b->n - 1] : NULL;

	(void)fs;
	(void)ref;
	(void)ref_offset;
	if (blockcnt < 0)
		return 0;
	if (last && last->pblk + last->count == *blocknr &&
	    last->lblk + last->count == (uint64_t)blockcnt) {
		last->count++;
		return 0;
	}
	if (fs_extent_push(b->ext, b->n, &b->cap, (uint64_t)blockcnt, *blocknr, 1)) {
		b->oom = 1;
		return BLOCK_ABORT;
	}
	return 0;
}

/* Leaf extents, as debugfs dump_extents walks them. Its list prints an
 * uninitialized extent as "(L[u]):P", which the judge's parser of that
 * list skipped: such blocks read as zeros, so they hold no promise. */
static int leaf_extents(ext2_filsys fs, ext2_ino_t ino, struct blocks *b)
{
	ext2_extent_handle_t h;
	struct ext2fs_extent e;
	int op = EXT2_EXTENT_ROOT;

	if (ext2fs_extent_open(fs, ino, &h))
		return 0;
	while (!ext2fs_extent_get(h, op, &e)) {
		op = EXT2_EXTENT_NEXT;
		if ((e.e_flags & EXT2_EXTENT_FLAGS_SECOND_VISIT) ||
		    !(e.e_flags & EXT2_EXTENT_FLAGS_LEAF) ||
		    (e.e_flags & EXT2_EXTENT_FLAGS_UNINIT) || !e.e_len)
			continue;
		if (fs_extent_push(b->ext, b->n, &b->cap, e.e_lblk, e.e_pblk,
				   e.e_len)) {
			b->oom = 1;
			break;
		}
	}
	ext2fs_extent_free(h);
	return 0;
}

int ext2lib_extents(const char *image, const char *path,
		    struct fs_extent **ext, size_t *n, char *msg, size_t len)
{
	ext2_filsys fs = ext_open(image);
	struct blocks b = { ext, n, 0, 0 };
	struct ext2_inode_large inode;
	struct ext2_inode *in = (struct ext2_inode *)&inode;
	ext2_ino_t ino;

	*ext = NULL;
	*n = 0;
	if (!fs)
		return 0;
	ino = lookup(fs, path);
	memset(&inode, 0, sizeof(inode));
	/* debugfs "stat" lists no blocks of symlinks, devices or inline
	 * data, nor of an inode it cannot read. */
	if (ino && !ext2fs_read_inode2(fs, ino, in, sizeof(inode), 0) &&
	    !(LINUX_S_ISLNK(in->i_mode) && (ext2fs_is_fast_symlink(in) ||
					    (in->i_flags & EXT4_INLINE_DATA_FL))) &&
	    !LINUX_S_ISBLK(in->i_mode) && !LINUX_S_ISCHR(in->i_mode)) {
		if (in->i_flags & EXT4_EXTENTS_FL)
			leaf_extents(fs, ino, &b);
		else if (!(in->i_flags & EXT4_INLINE_DATA_FL))
			ext2fs_block_iterate3(fs, ino, BLOCK_FLAG_READ_ONLY, NULL,
					      block_proc, &b);
	}
	ext2fs_close_free(&fs);
	if (b.oom) {
		free(*ext);
		*ext = NULL;
		*n = 0;
		snprintf(msg, len, "out of memory");
		return -1;
	}
	return 0;
}

/* ---- the journal's log (ext2lib_journal_log) ----------------------------- */

#define JBD2_MAGIC 0xc03b3998u

/*
 * The journal inode's extents, read from its i_block as the on-disk
 * format lays them out (a header, then up to four extents): only a tree
 * of depth 0 is taken, so nothing outside the inode is read.
 */
static size_t journal_extents(const struct ext2_inode *in, struct fs_extent *x)
{
	const unsigned char *b = (const unsigned char *)in->i_block;
	unsigned entries = (unsigned)(b[2] | b[3] << 8);
	size_t n = 0;

	if (!(in->i_flags & EXT4_EXTENTS_FL) || (b[0] | b[1] << 8) != 0xf30a ||
	    (b[6] | b[7] << 8) != 0 || entries > 4)
		return 0;
	for (unsigned i = 0; i < entries; i++) {
		const unsigned char *e = b + 12 + 12 * i;
		unsigned len = (unsigned)(e[4] | e[5] << 8);

		if (!len || len > 32768)	/* uninitialized: not a journal */
			return 0;
		x[n++] = (struct fs_extent){
			(uint64_t)e[0] | (uint64_t)e[1] << 8 | (uint64_t)e[2] << 16 |
				(uint64_t)e[3] << 24,
			(uint64_t)(e[6] | e[7] << 8) << 32 | (uint64_t)e[8] |
				(uint64_t)e[9] << 8 | (uint64_t)e[10] << 16 |
				(uint64_t)e[11] << 24,
			len };
	}
	return n;
}

void ext2lib_journal_log(const char *image, uint8_t *skip, uint64_t nunits)
{
	int flags = EXT2_FLAG_SOFTSUPP_FEATURES | EXT2_FLAG_64BITS;
	ext2_filsys fs = NULL;
	struct ext2_inode in;
	struct fs_extent x[4];
	unsigned char *sb = NULL;
	uint64_t sbblk = 0;
	size_t n;
	int have_sb = 0;

	if (ext2fs_open(image, flags, 0, 0, unix_io_manager, &fs))
		return;
	if (!ext2fs_has_feature_journal(fs->super) ||
	    fs->super->s_journal_inum != EXT2_JOURNAL_INO ||
	    ext2fs_read_inode(fs, EXT2_JOURNAL_INO, &in) ||
	    !(n = journal_extents(&in, x)) ||
	    !(sb = malloc(fs->blocksize)))
		goto out;
	for (size_t i = 0; i < n; i++)
		if (x[i].lblk == 0) {
			sbblk = x[i].pblk;
			have_sb = 1;
		}
	/* An empty journal: its superblock says so, and replay left it. */
	if (!have_sb || sbblk >= nunits ||
	    io_channel_read_blk64(fs->io, sbblk, 1, sb) ||
	    be32(sb) != JBD2_MAGIC || be32(sb + 28) != 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		for (uint64_t k = 0; k < x[i].count; k++)
			if (x[i].pblk + k < nunits && x[i].pblk + k != sbblk)
				skip[x[i].pblk + k] = 1;
out:
	free(sb);
	ext2fs_close_free(&fs);
}
