/* SPDX-License-Identifier: MIT */
/*
 * xfs crash images judged once per metadata (crashtest/README.md, "Speed").
 * The guest mounts an image (log recovery needs the kernel), which costs
 * most of a second under TCG; most crash images of a run differ from one
 * judged before only in file data. For those the guest's verdict can be
 * reused, and only the data promises read again, from the image itself:
 *
 * - The host (judge.c, export pass) groups the images by a key of every
 *   candidate block but those that may hold file data: the data blocks of
 *   the promised files in the final image (whose log may still hold the
 *   newest extents), and those that look like no metadata (xr_guess_data). The first image of a group is its representative,
 *   judged in full; each later one is listed with the blocks where it
 *   differs from the representative ("KEY MARKS REPKEY B,B,...").
 * - The guest, judging the representative, writes a map of the recovered
 *   file system (xr_write_map): for every path of the manifest whether it
 *   is absent, a directory or a regular file with its size and extents
 *   (FIEMAP), its free space (GETFSMAP), and every block range log
 *   recovery looked at (the kernel's xfs_log_recover_* trace events: each
 *   buffer and inode-cluster item, replayed, skipped or cancelled).
 * - A member's verdict is the representative's, with its data promises
 *   checked against its own blocks through that map (xr_judge_members),
 *   only when the representative mounted and passed xfs_repair -n, its
 *   recovery's block ranges are all known, and every block where the
 *   member differs is in an extent of a promised regular file of the
 *   representative's recovered file system or free in it, and neither
 *   those blocks nor any extent of a promised file is in a range
 *   recovery looked at. Otherwise the member is judged in full.
 *
 * Why that is the verdict a full judging gives. The member's image equals
 * the representative's except in blocks D, and the kernel and xfs_repair
 * reach blocks only through metadata. Log recovery reads the log (never
 * file data), the buffer and inode-cluster targets of its items (all in
 * the trace, none in D) and metadata that intent replay and the unlinked
 * lists walk, which are metadata of the recovered file system or freed by
 * the recovery, never data of a regular file of it nor free in it: such
 * a block would be cross-linked, or free and in use, and xfs_repair -n
 * would have rejected the representative's. So recovery reads the same
 * bytes, writes the same blocks (none in D), and the member's recovered
 * image equals the representative's outside D and its own pre-recovery
 * image inside D: the same mount, the same xfs_repair -n answer (which
 * reads no regular file's data and no free block), the same names and
 * sizes, and file data read through the mount is the member's blocks at
 * the representative's extents, as they were before recovery (xfs
 * journals no file data, recovery wrote none of those blocks; unwritten
 * extents and holes read zeros). A free block of D is read by no one (a
 * block the mounted kernel allocates is written before it is read). A
 * block of D that is metadata, or data of an unmapped file, in the
 * representative's recovered file system, whatever it was before
 * recovery, leaves the member to be judged in full.
 */
#ifndef XFS_REUSE_H
#define XFS_REUSE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctmanifest.h"
#include "fsops.h"

struct xr_range {
	uint64_t off, len;		/* bytes of the device */
};

struct xr_ext {
	uint64_t logical, physical, len;	/* bytes */
	int unwritten;
};

enum xr_kind { XR_ABSENT, XR_DIR, XR_FILE, XR_UNKNOWN };

struct xr_file {
	char path[CTM_PATH_MAX];
	enum xr_kind kind;
	uint64_t size;
	struct xr_ext *ext;
	size_t next, capext;
};

/* A representative's recovered file system, as the guest saw it. */
struct xr_map {
	int recovery_known;		/* every range recovery looked at is in r */
	struct xr_range *r;
	size_t nr, capr;
	struct xr_range *free;		/* free space (GETFSMAP) */
	size_t nfree, capfree;
	struct xr_file *f;
	size_t nf, capf;
};

/*
 * The block ranges in the text of the tracefs trace f holding the
 * xfs_log_recover_* events of one mount. Returns 1 when they are all
 * known, 0 when not (events lost, an item whose blocks the events do not
 * name), -1 out of memory.
 */
int xr_parse_recovery(FILE *f, struct xr_map *mp);

/* On the mount at root: the map of every manifest path and the recovery
 * trace rtrace (NULL: unknown) into out. 0, or -1 with err. */
int xr_write_map(const struct ctm_manifest *m, const char *root,
		 const char *rtrace, const char *out, char *err, size_t len);

/* Read a map written by xr_write_map. 0, or -1 with err (a cut file too). */
int xr_load_map(const char *path, struct xr_map *mp, char *err, size_t len);
void xr_map_free(struct xr_map *mp);

/* May a member that differs from the representative only in the blocks
 * blk[0..n) (block size bs) take its verdict? */
int xr_covers(const struct xr_map *mp, const uint64_t *blk, size_t n,
	      uint32_t bs);

/* Files f[0..n) read from the image file fd through the map: 0, or -1
 * with msg when a path is not mapped or the image cannot be read. */
int xr_read(const struct xr_map *mp, int fd, struct file_read *f, size_t n,
	    char *msg, size_t len);

/*
 * The guest's pass over the members of DIR/list after the representatives
 * were judged: a verdict line in DIR/verdicts for each member that can
 * take its representative's, "KEY MARKS" in DIR/rest for each other.
 * Counts in *reused and *rest. 0, or -1 with err.
 */
int xr_judge_members(const struct ctm_manifest *m, const char *dir,
		     size_t *reused, size_t *rest, char *err, size_t len);

/*
 * The host's grouping: guess[u] = 1 for each block u of the file system
 * (base and final: the images before and after the trace, from the file
 * system's start) that may hold file data: outside the log, and neither
 * image starts it as xfs metadata does. Only a guess: a wrong one costs a
 * full judging (xr_covers decides), never a verdict.
 */
void xr_guess_data(const unsigned char *base, const unsigned char *final,
		   uint64_t nunits, uint32_t bs, uint8_t *guess);

#endif /* XFS_REUSE_H */
