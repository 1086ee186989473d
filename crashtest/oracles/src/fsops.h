/* SPDX-License-Identifier: MIT */
/*
 * One ops table per file system (ext2, ext4, xfs): how to bring a crash
 * image to the state recovery leaves and judge it with the file system's
 * own checker, how to read files out of it without mounting, and which
 * blocks hold a file's data.
 */
#ifndef FSOPS_H
#define FSOPS_H

#include <stddef.h>
#include <stdint.h>

#include "locate.h"

/* How long one tool run may take before the image counts as an error. */
#define FSOPS_TIMEOUT_S 60

/*
 * xfs_repair's buffer-cache hash, for its "-o" option. By default it is
 * sized from the machine's memory, and allocating and clearing it was
 * about a quarter of each "xfs_repair -n" of a 64 MiB crash image in the
 * TCG guest (35 recovered images: 14.0 s, 10.7 s with bhash=128, the same
 * answers; crashtest/README.md, "Speed"). 256 buckets hold 2048 buffers,
 * more than such a file system has metadata blocks: a larger file system
 * is checked as well, only more slowly.
 */
#define FSOPS_XFS_REPAIR_BHASH "bhash=256"

/* The check both judges run, host and guest: argv up to the device. */
#define FSOPS_XFS_REPAIR_ARGV "xfs_repair", "-n", "-o", FSOPS_XFS_REPAIR_BHASH

struct file_read {
	const char *path;	/* relative to the file-system root */
	int exists;
	uint64_t size;
	unsigned char *data;	/* size bytes, malloc'd */
};

struct fs_extent {
	uint64_t lblk, pblk, count;
};

/* Append an extent to a growing array. 0, or -1 out of memory. */
int fs_extent_push(struct fs_extent **ext, size_t *n, size_t *cap,
		   uint64_t lblk, uint64_t pblk, uint64_t count);

struct fsops {
	enum fs_type type;
	const char *const *tools;	/* programs the ops run, NULL-ended */
	/*
	 * Recover the image in the file scratch (it may be modified) and run
	 * the checker. 0: consistent; 1: inconsistent (why, in msg); -1: the
	 * tools could not be run at all (msg).
	 */
	int (*check)(const char *scratch, const char *workdir, char *msg,
		     size_t len);
	/*
	 * Optional, for a checker that runs in two steps (ext4: journal
	 * replay, then a read-only check): check() is recover(), which
	 * answers 0 when it worked, then verify(); unread() marks in skip[]
	 * (a byte per block, nunits blocks) the blocks of the recovered image
	 * that verify() does not read (ext4: the journal's log once replay
	 * left it empty). The judge reuses verify()'s answer for recovered
	 * images alike in every other block but file data.
	 */
	int (*recover)(const char *scratch, const char *workdir, char *msg,
		       size_t len);
	int (*verify)(const char *scratch, const char *workdir, char *msg,
		      size_t len);
	void (*unread)(const char *scratch, uint8_t *skip, uint64_t nunits);
	/*
	 * Read files f[0..n) out of scratch. 0, or -1 with msg. sound: the
	 * checker accepted the image (after its repair), so its metadata may
	 * be read in process; else a tool's process takes the risk of
	 * corrupt metadata.
	 */
	int (*read)(const char *scratch, const char *workdir, int sound,
		    struct file_read *f, size_t n, char *msg, size_t len);
	/* Extents of path's data (file block -> device block, in units of
	 * the file-system block size), into *ext. 0, or -1 with msg. */
	int (*extents)(const char *scratch, const char *workdir, int sound,
		       const char *path, struct fs_extent **ext, size_t *n,
		       char *msg, size_t len);
};

const struct fsops *fsops_get(enum fs_type type);
/* Reads files below a mount point (scratch = the mount point). */
const struct fsops *fsops_mounted(void);
void file_read_free(struct file_read *f, size_t n);

/* Helpers for the ops: slurp a file; join workdir and name. */
int fsops_slurp(const char *path, unsigned char **data, uint64_t *size);
const char *fsops_wpath(const char *workdir, const char *name, char *buf,
			size_t len);

#endif /* FSOPS_H */
