/* SPDX-License-Identifier: MIT */
/*
 * The judge's insides, shared by its parts: judge.c (scratch image,
 * verdict cache, durability, deferred judging) and judge_fsck.c (the
 * checker, with its answers kept by metadata).
 */
#ifndef JUDGE_INT_H
#define JUDGE_INT_H

#include <stdint.h>
#include <stdio.h>

#include "fsck_memo.h"
#include "judge.h"

#define UNIT_ANY	0		/* metadata: always in the key */
#define UNIT_NEVER	UINT64_MAX	/* data no promise covers */

/* A verdict key: 128 bits of hash. */
struct hash128 {
	uint64_t a, b;
};

struct cache_slot {
	uint64_t a, b;			/* key; a == b == 0: empty */
	uint32_t verdict;		/* index + 1 */
};

struct judge {
	const struct ctm_manifest *m;
	const struct fsops *ops;
	struct fs_location loc;
	const char *workdir;
	char scratch[4096];
	uint64_t nunits;		/* file-system blocks */
	uint8_t *cand;			/* block may be non-zero */
	uint64_t *promised;		/* per block: mark that makes it count */
	uint64_t ncand, ndata;
	struct cache_slot *cache;
	size_t cache_cap, cache_used;
	struct verdict *verdicts;
	size_t nverdicts, capverdicts;
	struct fsck_memo *memo;		/* checker answers by metadata */
	struct fsck_memo *verified;	/* ops->verify answers, by the
					 * recovered image's metadata */
	uint8_t *skip;			/* blocks ops->verify does not read */
	unsigned char *block;		/* one block read back */
	const unsigned char *region;	/* the image being judged */
	int final_sound;		/* the checker accepted the final image */
	struct hash128 rkey;		/* key of the recovered image */
	struct judge_stats st;
	/* Deferred judging (file systems whose recovery needs the kernel):
	 * export images to a directory, or take verdicts judged elsewhere. */
	const char *export_dir;
	FILE *export_list;
	struct ext_verdict *ext;
	size_t next;
	uint8_t *dguess;		/* xfs: per block, may be file data */
	uint64_t *dblk;			/* candidate data blocks, ascending */
	size_t ndblk;
	struct export_group *groups;
	size_t ngroups, capgroups;
	uint64_t *diff;			/* blocks where an image differs */
};

/* An xfs image group (xfs_reuse.h): images of one metadata key, the
 * first exported whole and judged in full, the others listed with the
 * data blocks where they differ from it. */
struct export_group {
	struct hash128 key;		/* judge_metadata_key() */
	char rep[64];			/* the first image's verdict key */
	struct hash128 *data;		/* hash of each block of dblk[] */
};

struct ext_verdict {
	uint64_t a, b;
	struct verdict v;
};

/* Verdict keys: a 128-bit hash of what the judge looks at. */
void judge_hash_init(struct hash128 *h);
void judge_hash_u64(struct hash128 *h, uint64_t v);
void judge_hash_bytes(struct hash128 *h, const unsigned char *p, size_t len);

/*
 * The key of what the checker reads (judge_fsck.c): every candidate block
 * but file data, promised (promised[]) or, for xfs, guessed (dguess[]).
 * The ext checkers' answers are kept by it, and xfs images are grouped
 * by it (judge.c, xfs_reuse.h).
 */
struct hash128 judge_metadata_key(const struct judge *j,
				  const unsigned char *region);

/*
 * Recover and check the image of region just written to the scratch
 * file, as ops->check does (same answer and message), from the memos
 * when an image alike was checked before (judge_fsck.c).
 */
int judge_check_scratch(struct judge *j, const unsigned char *region,
			char *msg, size_t len);

#endif /* JUDGE_INT_H */
