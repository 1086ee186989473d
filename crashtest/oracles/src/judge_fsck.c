/* SPDX-License-Identifier: MIT */
/*
 * The checker's part of the judge (judge_int.h): its answer kept by the
 * image's metadata with what its recovery wrote (fsck_memo.h), and for a
 * two-step checker (ext4) the second step's answer kept by the recovered
 * image, without the blocks that step does not read.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "judge_int.h"

struct hash128 judge_metadata_key(const struct judge *j,
				  const unsigned char *region)
{
	const unsigned char *fs = region + j->loc.fs_start;
	uint32_t bs = j->loc.block_size;
	struct hash128 h;

	judge_hash_init(&h);
	for (uint64_t u = 0; u < j->nunits; u++) {
		if (!j->cand[u] || j->promised[u] != UNIT_ANY ||
		    (j->dguess && j->dguess[u]))
			continue;
		judge_hash_u64(&h, u);
		judge_hash_bytes(&h, fs + u * bs, bs);
	}
	return h;
}

static const unsigned char *written_block(void *arg, uint64_t u)
{
	const struct judge *j = arg;

	return j->cand[u] ? j->region + j->loc.fs_start + u * j->loc.block_size
			  : NULL;
}

static int is_data_block(void *arg, uint64_t u)
{
	const struct judge *j = arg;

	return j->promised[u] != UNIT_ANY;
}

/* A block of the recovered image into its key: data, blocks the check
 * does not read and zeros (holes) stay out. */
static int recovered_block(void *arg, uint64_t u, const unsigned char *b)
{
	struct judge *j = arg;

	if (j->promised[u] == UNIT_ANY && !j->skip[u] &&
	    !fsck_memo_zero(b, j->loc.block_size)) {
		judge_hash_u64(&j->rkey, u);
		judge_hash_bytes(&j->rkey, b, j->loc.block_size);
	}
	return 0;
}

/*
 * The second step of a two-step checker (ext4: e2fsck -fn after the
 * journal replay) on the recovered image in fd: its answer is kept by
 * what it reads, so recovered images that differ only in what it does
 * not (the emptied journal's old log, file data) are checked once.
 */
static int verify_scratch(struct judge *j, int fd, char *msg, size_t len)
{
	int rc;

	memset(j->skip, 0, j->nunits);
	if (j->ops->unread)
		j->ops->unread(j->scratch, j->skip, j->nunits);
	judge_hash_init(&j->rkey);
	if (fsck_memo_blocks(fd, j->nunits, j->loc.block_size, j->block,
			     recovered_block, j))
		return j->ops->verify(j->scratch, j->workdir, msg, len);
	if (fsck_memo_apply(j->verified, j->rkey.a, j->rkey.b, fd, &rc, msg,
			    len) > 0) {
		j->st.verify_reused++;
		return rc;
	}
	rc = j->ops->verify(j->scratch, j->workdir, msg, len);
	if (rc >= 0)
		(void)fsck_memo_put(j->verified, j->rkey.a, j->rkey.b, rc, msg);
	return rc;
}

int judge_check_scratch(struct judge *j, const unsigned char *region,
			 char *msg, size_t len)
{
	struct hash128 k = judge_metadata_key(j, region);
	int fd = open(j->scratch, O_RDWR), rc, hit;

	if (fd < 0) {
		snprintf(msg, len, "scratch image %.900s: %s", j->scratch,
			 strerror(errno));
		return -1;
	}
	hit = fsck_memo_apply(j->memo, k.a, k.b, fd, &rc, msg, len);
	if (hit) {
		close(fd);
		j->st.fsck_reused += hit > 0;
		return hit > 0 ? rc : -1;
	}
	if (j->ops->recover) {
		rc = j->ops->recover(j->scratch, j->workdir, msg, len);
		if (!rc)
			rc = verify_scratch(j, fd, msg, len);
	} else {
		rc = j->ops->check(j->scratch, j->workdir, msg, len);
	}
	j->region = region;
	/* A failed record only means the checker runs again next time. */
	if (rc >= 0)
		(void)fsck_memo_record(j->memo, k.a, k.b, fd, j->nunits, rc, msg,
				       written_block, is_data_block, j);
	close(fd);
	return rc;
}
