/* SPDX-License-Identifier: MIT */
/*
 * Generated crash-test workloads (crashtest/README.md, "Generated
 * workloads"): bounded sequences of file-system operations over a fixed
 * file set, each ending in one persistence point, and what that point
 * promises. One model for both sides: the generator (ctseq) enumerates and
 * prints the sets with it, the guest workload ctwl seq checks and runs a
 * sequence and writes its promises with it, so the two never disagree on
 * what a sequence means.
 *
 * The file set: files A and B in the root, directory D, file D/C. The
 * sequence text (what the guest executes), one record per line, '#'
 * starts a comment:
 *
 *   name seq1-0042        optional, first
 *   setup OBJ             OBJ exists before the start mark (A, B, D, D/C)
 *   op KIND ARGS          a core operation (SEQ_NOPS_MAX at most)
 *   pp KIND ARGS          the persistence point: exactly one, last
 */
#ifndef CTWL_SEQ_H
#define CTWL_SEQ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctmanifest.h"

enum seq_obj { SEQ_A, SEQ_B, SEQ_C, SEQ_D, SEQ_ROOT, SEQ_NOBJ };

#define SEQ_FILES	((1u << SEQ_A) | (1u << SEQ_B) | (1u << SEQ_C))
#define SEQ_DIRS	((1u << SEQ_D) | (1u << SEQ_ROOT))

enum seq_kind {
	/* core operations */
	SEQ_CREAT, SEQ_MKDIR, SEQ_WRITE, SEQ_PWRITE_PAGE, SEQ_PWRITE_2M,
	SEQ_ODIRECT, SEQ_MMAP, SEQ_TRUNC_GROW, SEQ_TRUNC_SHRINK, SEQ_FALLOC,
	SEQ_FALLOC_KEEP, SEQ_PUNCH, SEQ_ZERO_RANGE, SEQ_LINK, SEQ_UNLINK,
	SEQ_RENAME, SEQ_RMDIR, SEQ_SETXATTR, SEQ_SPLICE,
	/* persistence points */
	SEQ_FSYNC, SEQ_FDATASYNC, SEQ_SYNC, SEQ_MSYNC, SEQ_OSYNC_WRITE,
	SEQ_DSYNC_WRITE, SEQ_MAP_SYNC,
	SEQ_NKINDS
};

enum seq_fs { SEQ_EXT2, SEQ_EXT4, SEQ_XFS, SEQ_NFS };

/* The fixed sizes and ranges of the operations (the README's table). */
#define SEQ_BASE_LEN	10000u		/* a setup file's bytes */
#define SEQ_2M		(2u << 20)
#define SEQ_GROW_TO	(SEQ_2M + 5000u)
#define SEQ_SHRINK_TO	1000u
#define SEQ_XATTR	"user.ctwl"

#define SEQ_NOPS_MAX	4
/* The content seed of the first setup file; each write takes the next. */
#define SEQ_SEED_BASE	7000001u

struct seq_op {
	enum seq_kind k;
	enum seq_obj a, b;	/* b: link and rename only */
};

struct seq {
	char name[32];		/* "" when the text had none */
	unsigned setup;		/* objects present before the start mark */
	unsigned nops;
	struct seq_op op[SEQ_NOPS_MAX];
	struct seq_op pp;
};

/* What one operation does to the bytes of its file (the executor's
 * arguments): [off, off+len), fallocate mode, new size, content seed. */
struct seq_step {
	uint64_t off, len, size, seed;
	int mode;
};

/* The model's state of the file set. */
#define SEQ_MAX_SEG	32
struct seq_seg {
	uint64_t off, len, seed;
};
struct seq_inode {
	int used, born;		/* born: created by the sequence */
	uint64_t size;
	unsigned nseg;		/* pattern ranges, sorted; the rest reads 0 */
	struct seq_seg seg[SEQ_MAX_SEG];
};
struct seq_state {
	int ino[SEQ_NOBJ];	/* files: inode index; dirs: 0; absent: -1 */
	struct seq_inode node[SEQ_NOBJ + SEQ_NOPS_MAX];
	unsigned touched;	/* names the sequence created or removed */
	uint64_t next_seed;
};

const char *seq_obj_path(enum seq_obj o);
const char *seq_kind_name(enum seq_kind k);
int seq_kind_is_pp(enum seq_kind k);
/* Does file system fs run kind k at all (ext2 has no fallocate)? */
int seq_kind_on(enum seq_kind k, enum seq_fs fs);
int seq_fs_parse(const char *s, enum seq_fs *fs);
const char *seq_fs_name(enum seq_fs fs);

/* Parse the sequence text buf[0, len). Returns 0, or -1 with a message
 * naming the line in err. The sequence is also checked with seq_check. */
int seq_parse(struct seq *q, const char *buf, size_t len, char *err,
	      size_t errlen);
/* Write q as sequence text. Returns 0, or -1 (errno: the write failed). */
int seq_write(FILE *f, const struct seq *q);
/* One line: "[SETUP] op; op; pp". */
void seq_summary(const struct seq *q, char *buf, size_t len);

/*
 * Start the model at q's setup (setup files get SEQ_BASE_LEN bytes, the
 * seeds from SEQ_SEED_BASE in A, B, D/C order), and apply one operation:
 * returns 0 and what it does in *st, or -1 with why it cannot run there
 * (a missing file, an existing target, ...).
 */
int seq_begin(struct seq_state *s, const struct seq *q, char *err,
	      size_t errlen);
int seq_apply(struct seq_state *s, const struct seq_op *op,
	      struct seq_step *st, char *err, size_t errlen);
/* Setup, every operation and the persistence point in turn: 0 or -1. */
int seq_check(const struct seq *q, char *err, size_t errlen);
/* Does fs run every operation of q? */
int seq_on(const struct seq *q, enum seq_fs fs);

/*
 * The promises of q's persistence point on fs, after the model ran all of
 * q (s: the state seq_check leaves, from seq_run_model). At most cap;
 * returns how many (ids 0: the caller's mark).
 */
#define SEQ_MAX_PROMISES 64
/*
 * Rules a kernel adds to its file system's own, as seq_promises' rules
 * argument. SEQ_EXT2_NEWENTRY: ext2 offers MAP_SYNC, and with it the
 * contract Documentation/filesystems/ext2.rst states for DAX files: a
 * MAP_SYNC write fault, fsync() and fdatasync() write the directory
 * entries made since the directory was last written (ctwl probes for it).
 */
#define SEQ_EXT2_NEWENTRY	1u
int seq_run_model(const struct seq *q, struct seq_state *s);
size_t seq_promises(const struct seq *q, const struct seq_state *s,
		    enum seq_fs fs, unsigned rules, struct ctm_promise *p,
		    size_t cap);

/*
 * The named sets. seq-1: every core operation with every persistence
 * point that bears on it, complete. seq-2: SEQ2_SAMPLE workloads drawn
 * with seed SEQ2_SEED from every valid two-operation sequence. Workload i
 * (from 1) is "seq1-%04u" or "seq2-%04u"; the sets do not depend on the
 * file system (a workload fs cannot run is left out of its list).
 */
#define SEQ2_SAMPLE	2000u
#define SEQ2_SEED	1u
enum seq_set { SEQ_SET1 = 1, SEQ_SET2 = 2 };
int seq_set_parse(const char *s, enum seq_set *set);

/* Call fn for every workload of set in order; fn returns non-zero to
 * stop. Returns the count visited. */
typedef int (*seq_fn)(const struct seq *q, void *arg);
size_t seq_enumerate(enum seq_set set, seq_fn fn, void *arg);
/* Every valid sequence of n core operations (the space seq-n draws from). */
size_t seq_space(unsigned n, seq_fn fn, void *arg);
/* The workload named name ("seq1-0042"): 0, or -1 with a message. */
int seq_lookup(const char *name, struct seq *q, char *err, size_t errlen);

#endif /* CTWL_SEQ_H */
