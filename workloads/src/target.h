/*
 * The file or block device a run works on. Safety rules live here:
 * a missing file is created (and filled) to --size; an existing file or
 * device is only written, extended or refilled with --overwrite; a file
 * this invocation created is removed again when the invocation fails;
 * and a fill that did not finish is never taken for a complete file.
 */
#ifndef DAXWL_TARGET_H
#define DAXWL_TARGET_H
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/*
 * The fill marker "<dir>/.<name>.daxwl-filling". A file daxwl creates is
 * filled under this name and renamed into place once complete; an existing
 * file extended or refilled in place has this (empty) file beside it until
 * the fill is done. The filler holds an flock on it, so a marker nobody
 * locks was left by a fill that stopped early: a later run refuses the
 * target (or, with --overwrite, fills it again) instead of measuring it.
 */
#define TARGET_MARKER_SUFFIX ".daxwl-filling"

struct target {
	const char *path;
	int fd;			/* -1 when there is no target */
	bool opened;		/* fd was opened, the record describes the target */
	bool bdev;
	bool created;		/* created by this invocation */
	bool removed;		/* created, then removed because the invocation failed */
	bool extended;		/* grown to --size under --overwrite */
	bool refilled;		/* pattern rewritten (--verify, or an unfinished fill) */
	bool writable;
	const char *fill;	/* "pattern", "sparse" or "existing" */
	uint64_t size;		/* bytes in the file or device */
	dev_t dev;
	ino_t ino;
	char marker[PATH_MAX];	/* empty for a block device */
	bool in_marker;		/* being created: the file still has the marker's name */
	int marker_fd;		/* an in-place fill's marker, held until the fill is done */
};

struct daxwl_run;

int target_open(struct daxwl_run *r);
/* Does the path name a fill marker (or a file being filled)? Neither a target nor an output. */
bool target_is_marker(const char *path);
/* Where the file is now: the marker's name while it is being created. */
const char *target_where(const struct target *t);
/* A second descriptor on the same file with extra open flags (O_DIRECT, O_SYNC). */
int target_reopen(const struct target *t, int flags, struct daxwl_err *e);
/*
 * Closes the target. After a failure (r->err set) a file this invocation
 * created is removed, and the marker of an in-place fill that did not
 * finish stays; the error message says which.
 */
void target_close(struct daxwl_run *r);

#endif
