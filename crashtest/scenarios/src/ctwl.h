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

struct ctwl {
	const char *dir;	/* mount point the workload runs in */
	const char *fs;		/* its file system (--fs) */
	FILE *manifest;		/* promises (ctmanifest.h's writer) */
	uint64_t next_id;	/* id of the next mark */
	uint64_t next_seed;	/* content seed of the next write */
	size_t bytes;		/* data the workload aims to write */
	int traced;		/* emit tracer marks */
	const char *seq_file;	/* the seq workload's sequence (--seq) */
};

struct ctwl_workload {
	const char *name;
	const char *promise;	/* what the workload's marks promise */
	int (*run)(struct ctwl *c);
	/* Optional. prepare: check the workload's input before the manifest
	 * is created (0, or an exit status); setup: build the baseline
	 * before the start mark (0 or -1). */
	int (*prepare)(struct ctwl *c);
	int (*setup)(struct ctwl *c);
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

/* Did a write fail for want of space (ENOSPC) since the start? */
int ctwl_out_of_space(void);

/*
 * Promises. ctwl_mark() closes one operation: it emits the trace mark and
 * returns its id; the promise calls add a manifest line under that id
 * (ctmanifest.h has what each means). An operation may make several
 * promises under one mark. Each returns 0 or -1 (message printed).
 */
uint64_t ctwl_mark(struct ctwl *c, const char *label);
int ctwl_data(struct ctwl *c, uint64_t id, const char *path, uint64_t off,
	      uint64_t len, uint64_t seed);
int ctwl_zero(struct ctwl *c, uint64_t id, const char *path, uint64_t off,
	      uint64_t len);
int ctwl_size(struct ctwl *c, uint64_t id, const char *path, uint64_t size);
int ctwl_name(struct ctwl *c, uint64_t id, const char *path);
int ctwl_gone(struct ctwl *c, uint64_t id, const char *path);
int ctwl_rename(struct ctwl *c, uint64_t id, const char *from, const char *to);

int ctwl_fsync_path(struct ctwl *c, const char *name);

/* Copy len bytes into a mapping with 8-byte stores (byte stores at the
 * unaligned edges), as a program storing words does. */
void ctwl_store_words(unsigned char *dst, const unsigned char *src,
		      size_t len);

/*
 * A MAP_SYNC mapping of the whole of fd through libpmem2, with its
 * user-space flush (persist: clwb/clflushopt + sfence) and its
 * non-temporal copy. ctwl_map_sync_open returns 0, -1 (message printed) or
 * DX_EXIT_UNSUPPORTED when MAP_SYNC is refused (a non-DAX file, stock
 * ext2).
 */
struct ctwl_sync_map {
	void *cfg, *src, *map;		/* libpmem2's objects */
	unsigned char *addr;
	void (*persist)(const void *addr, size_t len);
	void *(*copy)(void *dst, const void *src, size_t len, unsigned flags);
};
int ctwl_map_sync_open(struct ctwl_sync_map *m, int fd, const char *name);
void ctwl_map_sync_close(struct ctwl_sync_map *m);

#endif /* CTWL_H */
