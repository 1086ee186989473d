/*
 * The file or block device a run works on. Safety rules live here:
 * a missing file is created (and filled) to --size; an existing file or
 * device is only written, extended or refilled with --overwrite.
 */
#ifndef DAXWL_TARGET_H
#define DAXWL_TARGET_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct target {
	const char *path;
	int fd;			/* -1 when there is no target */
	bool bdev;
	bool created;		/* created by this invocation */
	bool extended;		/* grown to --size under --overwrite */
	bool refilled;		/* pattern rewritten for --verify */
	bool writable;
	const char *fill;	/* "pattern", "sparse" or "existing" */
	uint64_t size;		/* bytes in the file or device */
	dev_t dev;
	ino_t ino;
};

struct daxwl_run;

int target_open(struct daxwl_run *r);
/* A second descriptor on the same file with extra open flags (O_DIRECT, O_SYNC). */
int target_reopen(const struct target *t, int flags, struct daxwl_err *e);
void target_close(struct target *t);

#endif
