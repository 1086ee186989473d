/* SPDX-License-Identifier: MIT */
/*
 * The promise manifest a scenario writes while it runs: header lines
 * ("scenario NAME", "fs TYPE", "device DEV", "dev_offset N", "kernel K",
 * "workload W")
 * and one line per promise, "ID KIND ARGS", where ID is the trace mark that
 * the operation reached when it returned:
 *
 *   ID data PATH OFF LEN SEED   bytes [OFF, OFF+LEN) hold SEED's pattern
 *   ID zero PATH OFF LEN        bytes [OFF, OFF+LEN) read back as zeros
 *   ID size PATH SIZE           the file is SIZE bytes long
 *   ID name PATH                PATH exists
 *   ID gone PATH                PATH does not exist
 *   ID rename OLD NEW           NEW has what OLD had; OLD does not exist
 *
 * manifest_expect() folds the promises of the marks reached at a crash
 * into what each file must look like, and relaxes whatever the operation
 * that was running at the crash may have changed.
 */
#ifndef MANIFEST_H
#define MANIFEST_H

#include <stddef.h>
#include <stdint.h>

#define MANIFEST_PATH_MAX 256

enum promise_kind { P_DATA, P_ZERO, P_SIZE, P_NAME, P_GONE, P_RENAME };

struct promise {
	uint64_t id;
	enum promise_kind kind;
	char path[MANIFEST_PATH_MAX];
	char path2[MANIFEST_PATH_MAX];	/* rename target */
	uint64_t off, len, seed;	/* data/zero; size in len */
	unsigned line;
};

struct manifest {
	char scenario[64], fs[16], device[64], workload[64], kernel[64];
	uint64_t dev_offset;		/* fs start inside the pmem device */
	struct promise *p;
	size_t n, cap;
};

/* Load path. Returns 0, or -1 with a message naming the line in err. */
int manifest_load(struct manifest *m, const char *path, char *err,
		  size_t errlen);
void manifest_free(struct manifest *m);
/* Does the manifest use mark id? */
int manifest_has_id(const struct manifest *m, uint64_t id);

/* One byte range a file must hold. seed == RANGE_ZERO: zeros. */
#define RANGE_ZERO UINT64_MAX
struct expect_range {
	uint64_t off, len, seed, id;
};

enum exist_state { EXIST_UNKNOWN, EXIST_YES, EXIST_NO };

struct expect_file {
	char path[MANIFEST_PATH_MAX];
	enum exist_state exists;
	int size_known;
	uint64_t size, size_id;
	uint64_t exist_id;		/* mark that promised exists/gone */
	struct expect_range *r;
	size_t nr, capr;
};

struct expect {
	struct expect_file *f;
	size_t n, cap;
	uint64_t last_id;		/* last manifest mark reached, 0: none */
};

/*
 * What the files must hold after a crash at which the marks reached[0..n)
 * were passed (any order). Returns 0 or -1 (out of memory).
 */
int manifest_expect(const struct manifest *m, const uint64_t *reached,
		    size_t nreached, struct expect *e);
void expect_free(struct expect *e);

/* The promise line text of a kind (for reports). */
const char *promise_kind_name(enum promise_kind k);

#endif /* MANIFEST_H */
