/*
 * Shared helpers for the daxwl tests: run the real daxwl binary built next
 * to the test, capture its JSON and exit code, and query the JSON with jq.
 * Include after <cmocka.h>.
 */
#ifndef DAXWL_TEST_HARNESS_H
#define DAXWL_TEST_HARNESS_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

struct run_case;

struct tdir {
	char path[256];		/* a fresh directory for this test */
	char json[300];		/* where run_daxwl puts stdout */
	char err[300];		/* where run_daxwl puts stderr */
	const struct run_case *tcase;	/* the test's case (CASE), else NULL */
};

/*
 * One daxwl run and what it must give: the exit status, then every jq
 * expression true. An argument "@NAME" stands for the file NAME in the
 * test's directory. Both lists end at their first NULL (or their size).
 */
struct run_step {
	const char *args[32];
	int rc;
	const char *jq[8];
};

/* A test that is only runs and their checks: the steps in order. */
struct run_case {
	struct run_step step[4];
};

#ifdef __SANITIZE_ADDRESS__
#define UNDER_ASAN 1
#else
#define UNDER_ASAN 0
#endif

/* Creates a fresh directory under base; 0 on success. */
int tdir_make(struct tdir *d, const char *base);
/* Removes the directory and everything in it. */
void tdir_remove(struct tdir *d);
/* d->path + "/" + name in a static buffer (one at a time per slot 0..3). */
const char *tfile(const struct tdir *d, const char *name, int slot);

/*
 * Runs daxwl with the NULL-terminated arguments, stdout to d->json and
 * stderr to d->err (both truncated first). Returns the exit code, or -1
 * if it was killed (crash or the 300 s watchdog).
 */
int run_daxwl(const struct tdir *d, const char *const *args);
/* Starts daxwl like run_daxwl without waiting; returns its pid. */
int start_daxwl(const struct tdir *d, const char *const *args);
/* Waits for a started daxwl (at most 300 s); exit code or -1. */
int wait_daxwl(int pid);
/* jq -e -s EXPR FILE: is the expression true over the array of run objects? */
bool jq_true(const char *file, const char *expr);
/* jq -s EXPR FILE as a number; NaN if it is not one. */
double jq_num(const char *file, const char *expr);
/* Number of lines in file (JSON objects from one run_daxwl). */
int count_lines(const char *file);
/* Does the file contain the string? */
bool file_contains(const char *file, const char *needle);
/* Prints the JSON and stderr of the last run, for failure diagnosis. */
void dump_run(const struct tdir *d);

/* Entries in d->path besides . and .. (what a run left behind, with out.json and err.txt). */
int dir_entries(const struct tdir *d);
/* A file of len bytes (a multiple of 1 MiB) that daxwl did not make: every byte is c. */
void make_foreign(const char *path, size_t len, char c);
/* Is it still len bytes of c? */
bool foreign_intact(const char *path, size_t len, char c);
/* Is path still the file of before: the same inode, size and modification time? */
bool same_file_as(const char *path, const struct stat *before);
/* Waits (at most timeout_ms) until path exists with at least min_bytes; true if it did. */
bool wait_for_file(const char *path, long long min_bytes, int timeout_ms);

/* Runs one step and checks it; a miss dumps the run and fails the test. */
void run_step(const struct tdir *d, const struct run_step *s);
/* The cmocka test function of a CASE: runs the steps of d->tcase. */
void run_case(void **state);
/* The step's arguments with every "@NAME" made a path; argv has room for 33. */
void step_argv(const struct tdir *d, const struct run_step *s, const char **argv);

/*
 * Fixtures: state is a struct tdir under /dev/shm (tmpfs) or /var/tmp (host
 * fs); a test's initial state, if it has one, is its struct run_case.
 */
int setup_tmpfs(void **state);
int setup_hostfs(void **state);
int teardown_dir(void **state);

/* A test once on tmpfs and once on the host file system. */
#define BOTH(fn) cmocka_unit_test_setup_teardown(fn, setup_tmpfs, teardown_dir), \
		 cmocka_unit_test_setup_teardown(fn, setup_hostfs, teardown_dir)

/*
 * A struct run_case named like a test function as a cmocka test: the
 * fixture hands the case on to run_case (or to fn) through the state.
 */
#define CASE_FN(c, fn, setup) { #c, fn, setup, teardown_dir, (void *)&(c) }
#define CASE(c) CASE_FN(c, run_case, setup_tmpfs)
#define CASE_BOTH(c) CASE_FN(c, run_case, setup_tmpfs), CASE_FN(c, run_case, setup_hostfs)

#define ASSERT_JQ(d, expr)                                                   \
	do {                                                                 \
		if (!jq_true((d)->json, (expr))) {                           \
			dump_run(d);                                         \
			fail_msg("jq check failed: %s", (expr));             \
		}                                                            \
	} while (0)

#define ASSERT_RC(d, got, want)                                              \
	do {                                                                 \
		int got_ = (got);                                            \
		if (got_ != (want)) {                                        \
			dump_run(d);                                         \
			fail_msg("daxwl exit code %d, expected %d", got_, (want)); \
		}                                                            \
	} while (0)

#endif
