/* SPDX-License-Identifier: MIT */
/*
 * The checker's verdicts by metadata. The judge's verdict cache keys an
 * image by its metadata and the data a reached mark promised, so images
 * that differ only in promised data (a later overwrite, a lost write) run
 * the checker again although it never reads file data. This memo keys
 * the checker's answer by the metadata alone and keeps what the recovery
 * (journal replay, automatic repair) wrote into the image: applying those
 * blocks to an image of the same metadata gives the image the checker
 * would have left, without running it.
 *
 * An answer whose recovery wrote a data block is not kept (that content
 * may depend on the data), nor one that could not be judged.
 */
#ifndef FSCK_MEMO_H
#define FSCK_MEMO_H

#include <stddef.h>
#include <stdint.h>

struct fsck_memo;

/* Returns NULL when out of memory. Recovered blocks are capped at 128
 * MiB (answers past the cap are not kept, the checker just runs). */
struct fsck_memo *fsck_memo_new(uint32_t block_size);
void fsck_memo_free(struct fsck_memo *m);

/*
 * Look up key: 1 with *rc (0 consistent, 1 inconsistent) and msg filled
 * and the recovered blocks written into the image file fd, 0 when not
 * known, -1 when writing failed (msg).
 */
int fsck_memo_apply(struct fsck_memo *m, uint64_t ka, uint64_t kb, int fd,
		    int *rc, char *msg, size_t len);

/*
 * After the checker ran on the image file fd (answer rc, msg): find the
 * blocks it changed, comparing with the image written (expect(arg, u):
 * block u's bytes as written, NULL for a block left a hole, read as zeros)
 * and keep them under the key, unless is_data(arg, u) for one of them.
 * nunits: blocks in the file system. Returns 0; -1 on a read error.
 */
int fsck_memo_record(struct fsck_memo *m, uint64_t ka, uint64_t kb, int fd,
		     uint64_t nunits, int rc, const char *msg,
		     const unsigned char *(*expect)(void *arg, uint64_t u),
		     int (*is_data)(void *arg, uint64_t u), void *arg);

/* Keep an answer that changed no block (a read-only check). 0, or -1
 * when it could not be kept (memory, the cap). */
int fsck_memo_put(struct fsck_memo *m, uint64_t ka, uint64_t kb, int rc,
		  const char *msg);

/*
 * Call fn(arg, u, bytes) for each block u < nunits of the sparse image
 * file fd that is not a hole (bs bytes each, read into buf); holes hold
 * zeros. Stops at fn's first non-zero return and returns it; -1 on a read
 * error, else 0.
 */
int fsck_memo_blocks(int fd, uint64_t nunits, uint32_t bs, unsigned char *buf,
		     int (*fn)(void *arg, uint64_t u, const unsigned char *b),
		     void *arg);
/* Are the len bytes at p all zero? */
int fsck_memo_zero(const unsigned char *p, size_t len);

/* Answers given from the memo. */
uint64_t fsck_memo_hits(const struct fsck_memo *m);

#endif /* FSCK_MEMO_H */
