/* SPDX-License-Identifier: MIT */
/*
 * ctwl: the guest-side workloads of the crash-test scenarios. Each workload
 * runs file operations on a DAX mount and, after every operation that
 * returns with a durability promise, records a mark in the trace and the
 * promise in a manifest keyed by the mark id.
 */
#ifndef CTWL_H
#define CTWL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit status of a workload that the kernel or file system cannot run
 * (for example MAP_SYNC on stock ext2): the scenario is not applicable. */
#define CTWL_EXIT_UNSUPPORTED 77

struct ctwl {
	const char *dir;	/* mount point the workload runs in */
	FILE *manifest;		/* promises, one per line */
	uint64_t next_id;	/* id of the next mark */
	uint64_t next_seed;	/* content seed of the next write */
	size_t bytes;		/* data the workload aims to write */
	int traced;		/* emit tracer marks */
};

struct ctwl_workload {
	const char *name;
	const char *promise;	/* what the workload's marks promise */
	int (*run)(struct ctwl *c);
};

/* All workloads, NULL-terminated. */
extern const struct ctwl_workload *const ctwl_workloads[];

/* Print an error naming what failed (with errno text) and return -1. */
int ctwl_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Path of name under the mount point (static buffer per call slot). */
const char *ctwl_path(struct ctwl *c, const char *name);

/* Fresh content seed. */
uint64_t ctwl_seed(struct ctwl *c);

/* Write the pattern of seed at [off, off+len) with pwrite (all of it). */
int ctwl_pwrite_pattern(int fd, uint64_t off, size_t len, uint64_t seed,
			int rwf_flags);

/*
 * Promises. ctwl_mark() closes one operation: it emits the trace mark and
 * returns its id; ctwl_promise() adds a manifest line under that id. An
 * operation may make several promises under one mark.
 */
uint64_t ctwl_mark(struct ctwl *c, const char *label);
int ctwl_promise(struct ctwl *c, uint64_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

int ctwl_fsync_path(struct ctwl *c, const char *name);

#endif /* CTWL_H */
