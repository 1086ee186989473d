/* SPDX-License-Identifier: MIT */
/*
 * The promise manifest: what a crash-test workload (ctwl) promises at each
 * trace mark, read by the oracle (ctoracle). One writer and one reader,
 * both in crashtest/oracles/src/manifest.c; nothing else prints or parses
 * the format.
 *
 * A manifest is text, one record per line, every line ending in '\n';
 * '#' starts a comment line. Header lines come first, each at most once:
 *
 *   scenario NAME       fs ext2|ext4|xfs (required)   device pmem|dm-linear
 *   dev_offset N        kernel NAME       workload NAME      start_mark ID
 *
 * then one line per promise, "ID KIND ARGS", where ID is the trace mark
 * the operation reached when it returned (ids never go back):
 *
 *   ID data PATH OFF LEN SEED   bytes [OFF, OFF+LEN) hold SEED's pattern
 *   ID zero PATH OFF LEN        bytes [OFF, OFF+LEN) read back as zeros
 *   ID size PATH SIZE           the file is SIZE bytes long
 *   ID name PATH                PATH exists
 *   ID gone PATH                PATH does not exist
 *   ID rename OLD NEW           NEW has what OLD had; OLD does not exist
 *
 * Numbers are decimal. Paths are relative to the file-system root: the
 * characters A-Z a-z 0-9 . _ - + and '/' between non-empty components,
 * none of them "." or "..". start_mark is the mark the workload sets before
 * its first operation (it promises nothing); a manifest written before
 * that line existed takes the id just before the first promise's.
 */
#ifndef CTMANIFEST_H
#define CTMANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CTM_PATH_MAX	256	/* bytes of a path, with its NUL */
#define CTM_NAME_MAX	64	/* bytes of a header value, with its NUL */
#define CTM_LINE_MAX	1024	/* bytes of a line, without its newline */
/* Mark ids at or above this are the tracer's (drain marks). */
#define CTM_ID_LIMIT	0xfffffffffffffffeull
/* Offsets and sizes end at or below this (the largest file offset). */
#define CTM_OFF_LIMIT	0x7fffffffffffffffull

enum ctm_kind { CTM_DATA, CTM_ZERO, CTM_SIZE, CTM_NAME, CTM_GONE, CTM_RENAME };

struct ctm_promise {
	uint64_t id;
	enum ctm_kind kind;
	char path[CTM_PATH_MAX];
	char path2[CTM_PATH_MAX];	/* rename: the new name */
	uint64_t off, len, seed;	/* data, zero; size: the size in len */
	unsigned line;			/* in the file (reader) */
};

struct ctm_header {
	char scenario[CTM_NAME_MAX], fs[CTM_NAME_MAX], device[CTM_NAME_MAX];
	char kernel[CTM_NAME_MAX], workload[CTM_NAME_MAX];
	uint64_t dev_offset;		/* file system start in the pmem device */
	uint64_t start_mark;		/* 0: none recorded */
};

struct ctm_manifest {
	struct ctm_header h;
	struct ctm_promise *p;		/* in file order, ids non-decreasing */
	size_t n, cap;
};

/* Errors of the reader: the input is wrong, or memory ran out. */
enum ctm_err { CTM_OK = 0, CTM_EINPUT = -1, CTM_ENOMEM = -2 };

/*
 * Read a manifest from buf[0, len) (name says where it came from, in
 * messages) or from the file path. Returns CTM_OK, or CTM_EINPUT /
 * CTM_ENOMEM with one message naming the line in err; m is then empty.
 */
int ctm_parse(struct ctm_manifest *m, const char *buf, size_t len,
	      const char *name, char *err, size_t errlen);
int ctm_load(struct ctm_manifest *m, const char *path, char *err,
	     size_t errlen);
void ctm_free(struct ctm_manifest *m);

/* Is id a promise's mark? */
int ctm_has_id(const struct ctm_manifest *m, uint64_t id);
/* Is id a mark of this run: a promise's, the start mark, or a drain mark
 * of the tracer (which promise nothing to the judge)? */
int ctm_knows_id(const struct ctm_manifest *m, uint64_t id);
/* The start mark, recorded or implied (0: none). */
uint64_t ctm_start_mark(const struct ctm_manifest *m);

const char *ctm_kind_name(enum ctm_kind k);

/*
 * The writer. Each call checks what it writes by the reader's rules and
 * writes whole lines. Returns 0, or -1 with a message in err (an invalid
 * record, or errno's text when writing failed).
 */
int ctm_write_header(FILE *f, const struct ctm_header *h, char *err,
		     size_t errlen);
int ctm_write_promise(FILE *f, const struct ctm_promise *p, char *err,
		      size_t errlen);

#endif /* CTMANIFEST_H */
