/* SPDX-License-Identifier: MIT */
/*
 * The judge: given a crash image of the NVDIMM region and the marks reached,
 * decide whether the file system is consistent (its checker accepts it
 * after recovery) and whether every promise of the marks reached holds.
 *
 * Speed: the image is written into a sparse scratch file holding only the
 * blocks that can be non-zero (non-zero at the start of the trace, or
 * stored to in it), and a verdict is cached under a hash of what the judge
 * looks at: every such block except file data that no reached mark
 * promised, plus the last mark reached. Crash images that differ only in
 * unpromised data are judged once.
 */
#ifndef JUDGE_H
#define JUDGE_H

#include <stddef.h>
#include <stdint.h>

#include "fsops.h"
#include "locate.h"
#include "ctmanifest.h"

struct verdict {
	int fsck_bad;		/* the checker rejected the recovered image */
	int durability_bad;	/* a promise of a reached mark does not hold */
	int error;		/* could not judge (tool missing, timeout) */
	int cached;		/* verdict reused from an identical image */
	uint64_t mark;		/* the mark whose promise failed */
	uint64_t last_mark;	/* last manifest mark reached */
	char msg[1024];
};

struct judge_stats {
	uint64_t images;	/* judge_image calls */
	uint64_t judged;	/* of which ran the tools */
	uint64_t fsck_reused;	/* of which took the checker's answer from
				 * an image of the same metadata */
	uint64_t verify_reused;	/* ran the recovery only: the check after
				 * it answered for a recovered image alike */
	uint64_t cache_hits;
	uint64_t fsck_bad, durability_bad, errors;
	uint64_t exported;	/* images written for judging elsewhere */
	double tool_seconds;
};

struct judge;

/*
 * base: the region before the first traced store; final: after every
 * store; touched: one bit per 4 KiB of the region, set where the trace
 * stores. workdir holds the scratch files. Returns 0, or with a message
 * in err the exit status (daxlab/exit.h) the failure calls for: a checker
 * tool not installed (3), no such file system in the image (2), not
 * enough space in workdir for the scratch image or memory (5), a tool
 * that could not judge the final image (4), an I/O error (1).
 */
int judge_new(struct judge **j, const struct ctm_manifest *m, enum fs_type fs,
	      const unsigned char *base, const unsigned char *final,
	      uint64_t region_size, const uint8_t *touched,
	      const char *workdir, char *err, size_t errlen);
/* Without a trace (one image): every block of the file system counts. */
int judge_new_image(struct judge **j, const struct ctm_manifest *m,
		    enum fs_type fs, const unsigned char *region,
		    uint64_t region_size, const char *workdir, char *err,
		    size_t errlen);
void judge_free(struct judge *j);

/* Judge one crash image. Returns 0, or -1 when it could not (v->msg). */
int judge_image(struct judge *j, const unsigned char *region,
		const uint64_t *marks, size_t nmarks, struct verdict *v);

/*
 * Deferred judging, for xfs, whose log only the kernel can replay:
 * judge_export() makes judge_image() write each image with an unknown
 * verdict key to DIR/KEY.img and list "KEY MARKS" in DIR/list (verdict:
 * consistent, for now); a guest mounts them and writes verdict lines
 * "KEY ok|fsck|durability|both|error MARK MESSAGE", which
 * judge_load_verdicts() makes judge_image() use on a second pass. A line
 * that is not a verdict line is an error naming it, never skipped.
 */
int judge_export(struct judge *j, const char *dir, char *err, size_t errlen);
int judge_load_verdicts(struct judge *j, const char *path, char *err,
			size_t errlen);

/* The durability half of the judge on a mounted file system at root. */
int judge_mounted(const struct ctm_manifest *m, const char *root,
		  const uint64_t *marks, size_t nmarks, struct verdict *v);
/* The same with the files read by ops->read(root, NULL, 1, ...). */
int judge_files(const struct ctm_manifest *m, const struct fsops *ops,
		const char *root, const uint64_t *marks, size_t nmarks,
		struct verdict *v);

const struct judge_stats *judge_stats(const struct judge *j);
const struct fs_location *judge_location(const struct judge *j);
/* Blocks the scratch file gets per image, and data blocks left out of
 * the verdict key until promised. */
uint64_t judge_candidate_blocks(const struct judge *j);
uint64_t judge_data_blocks(const struct judge *j);

#endif /* JUDGE_H */
