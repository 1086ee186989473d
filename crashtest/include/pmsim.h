/* SPDX-License-Identifier: MIT */
/*
 * libpmsim: power-fail simulation of x86 persistent memory.
 *
 * A trace (pmtrace.h) is replayed through the x86 persistency model; at each
 * crash point the reachable crash images are enumerated and handed to a
 * checker. Errors: functions return a negative value and leave one message
 * in pmsim_errmsg() (per thread).
 */
#ifndef PMSIM_H
#define PMSIM_H

#include <stddef.h>
#include <stdint.h>

#include "pmtrace.h"

/* The library's and the pmsim command's version. */
#define PMSIM_VERSION "2.0"

#ifdef __cplusplus
extern "C" {
#endif

/* Message of the last failed call in this thread. */
const char *pmsim_errmsg(void);

/* What kind of failure that was; the values are the project's exit
 * statuses (PMSIM.md, "Exit status"). */
enum pmsim_errkind {
	PMSIM_ERR_OTHER = 0,		/* not classified: the caller decides */
	PMSIM_ERR_FAILED = 1,		/* the run failed: I/O, a checker */
	PMSIM_ERR_INPUT = 2,		/* bad input: file, option, path */
	PMSIM_ERR_UNSUPPORTED = 3,	/* not possible on this host */
	PMSIM_ERR_RESOURCES = 5,	/* not enough memory or disk space */
};
enum pmsim_errkind pmsim_errkind(void);

/* ---- traces ---------------------------------------------------------- */

struct pmsim_region {
	uint64_t base, size;
	const char *name;
};

struct pmsim_event {
	uint8_t type;		/* enum pmtrace_type */
	uint8_t kind;
	uint16_t region;	/* index of the region addr falls in */
	uint32_t len;		/* payload bytes */
	uint64_t addr, pc;
	uint64_t offset;	/* record offset in the file, or text line */
	const unsigned char *payload;
};

struct pmsim_mark {
	uint64_t id;
	const char *label;
	uint64_t event;		/* index of the MARK event */
};

struct pmsim_trace;

#define PMSIM_TRACE_NO_FILES 1u	/* refuse IMAGE kind 1 (fuzzing) */

/* Read a binary or text trace (text when it does not start with magic). */
int pmsim_trace_open(struct pmsim_trace **t, const char *path);
/* Parse a trace held in memory; the bytes are copied. dir resolves image
 * file paths (NULL: current directory). */
int pmsim_trace_from_mem(struct pmsim_trace **t, const void *data,
			 size_t len, const char *dir, unsigned flags);
void pmsim_trace_free(struct pmsim_trace *t);

size_t pmsim_trace_nevents(const struct pmsim_trace *t);
const struct pmsim_event *pmsim_trace_event(const struct pmsim_trace *t,
					    size_t i);
size_t pmsim_trace_nregions(const struct pmsim_trace *t);
const struct pmsim_region *pmsim_trace_region(const struct pmsim_trace *t,
					      size_t i);
size_t pmsim_trace_nmarks(const struct pmsim_trace *t);
const struct pmsim_mark *pmsim_trace_mark(const struct pmsim_trace *t,
					  size_t i);
const char *pmsim_trace_path(const struct pmsim_trace *t);
/* Is the trace a text trace (event offsets are then line numbers)? */
int pmsim_trace_is_text(const struct pmsim_trace *t);
/* Directory relative image paths are resolved against. */
const char *pmsim_trace_dir(const struct pmsim_trace *t);

/* Print the text form of events [0, n) (n = SIZE_MAX: all). */
int pmsim_trace_dump(const struct pmsim_trace *t, int fd, size_t n);
/* Write one event in text form into buf; returns its length or < 0. */
int pmsim_event_format(const struct pmsim_event *e, char *buf, size_t size);

/* ---- crash images ---------------------------------------------------- */

struct pmsim_image;

/* Pointer to [addr, addr+len) of a crash image, NULL if outside a region. */
const unsigned char *pmsim_image_ptr(const struct pmsim_image *img,
				     uint64_t addr, size_t len);
size_t pmsim_image_nregions(const struct pmsim_image *img);
const struct pmsim_region *pmsim_image_region(const struct pmsim_image *img,
					      size_t i,
					      const unsigned char **data);

/* Where the power failed: after events [0, event). */
struct pmsim_crash {
	uint64_t event;		/* number of events executed */
	uint64_t offset;	/* file offset (or line) of the next event */
	size_t nmarks;		/* marks reached, oldest first */
	const struct pmsim_mark *marks;
	uint64_t state;		/* index of the state at this crash point */
};

/*
 * A checker judges one crash image. Returns 0 when consistent, 1 when not,
 * negative on an error that must stop the run (message via pmsim_seterr).
 * The image is a read-only view of the model: a checker that writes to it
 * anyway (through a cast) gets private copies of the pages it writes,
 * dropped when it returns (pmsim_result.checker_writes counts such calls),
 * and a system call asked to write into it fails with EFAULT. A checker
 * that repairs an image works on a copy. changed/nchanged list the cache lines whose
 * content differs from the image of the previous call (all lines on the
 * first call: nchanged == SIZE_MAX), so a checker can patch a copy.
 */
struct pmsim_checker {
	int (*check)(void *arg, const struct pmsim_image *img,
		     const struct pmsim_crash *crash,
		     const uint64_t *changed, size_t nchanged);
	void *arg;
	const char *name;
	/*
	 * Optional, for a checker that judges states while the model builds
	 * the next ones (the checker server): check may return PMSIM_LATER
	 * once the state is sent, for at most window states in a row; settle
	 * then returns the verdict (0, 1, < 0) of the oldest state not settled
	 * yet. Counts and reports are those of judging one state at a time.
	 */
	int (*settle)(void *arg);
	unsigned window;
};
#define PMSIM_LATER 2

/* External command: exit 0 consistent, 1..125 inconsistent. */
struct pmsim_exec_checker;
int pmsim_exec_checker_new(struct pmsim_exec_checker **c, const char *cmd,
			   const char *image_path, double timeout_s);
void pmsim_exec_checker_free(struct pmsim_exec_checker *c);
/* Times the command had changed the image file (each time the next state
 * was written whole again). */
uint64_t pmsim_exec_checker_rewrites(const struct pmsim_exec_checker *c);
/* For a SIGINT/SIGTERM handler: kill the running checker command's
 * process group and remove libpmsim's temporary files (the external
 * checker's image, a replay's unfinished output). Async-signal-safe. */
void pmsim_signal_cleanup(void);
struct pmsim_checker pmsim_exec_checker_ops(struct pmsim_exec_checker *c);

/*
 * Checker server (PMSIM.md, "The checker-server protocol"): the shell
 * command cmd is started at the first state and judges every state, one
 * request line and one answer line each, the image mapped once from a
 * sealed memfd (its descriptor 3). timeout_s bounds each answer.
 * pmsim_server_checker_finish, after a run that succeeded, ends it (end
 * of file) and fails unless it exits 0 without writing more; free kills
 * whatever is left of it.
 */
struct pmsim_server_checker;
int pmsim_server_checker_new(struct pmsim_server_checker **c, const char *cmd,
			     double timeout_s);
struct pmsim_checker pmsim_server_checker_ops(struct pmsim_server_checker *c);
int pmsim_server_checker_finish(struct pmsim_server_checker *c);
void pmsim_server_checker_free(struct pmsim_server_checker *c);

/*
 * The checker's end: read the protocol on stdin, map the image, call
 * chk->check for every state with the image (pmsim_image_ptr() and the
 * other accessors work on it; changed is NULL, nchanged SIZE_MAX) and the
 * crash point (marks with ids, events and labels, of which the protocol
 * carries the first 960 bytes; offset 0), and answer on
 * stdout: 0 ok, 1 violation, < 0 error, with the message the checker left
 * by pmsim_seterr(). Returns 0 at pmsim's end of file, -1 with
 * pmsim_errmsg() on a protocol or I/O error. The image is mapped
 * read-only: a checker that writes to it crashes.
 */
int pmsim_serve(const struct pmsim_checker *chk);

/* ---- enumeration ----------------------------------------------------- */

enum pmsim_crash_points {
	PMSIM_AT_FENCE = 0,	/* before every fence (not lfence), and at end */
	PMSIM_AT_EVENT,		/* after every event */
	PMSIM_AT_MARK,		/* after every mark but drain marks */
};

/* How far a run is (pmsim_opts.progress). */
struct pmsim_progress {
	uint64_t points_done;	/* crash points visited and finished */
	uint64_t points;	/* crash points the run visits */
	uint64_t event, events;	/* events simulated, of */
	uint64_t explored, distinct, violations;
	double seconds;		/* since pmsim_run began */
};

enum pmsim_mode {
	PMSIM_EXHAUSTIVE = 0,	/* every reachable state */
	PMSIM_BOUNDED,		/* at most k lines differ from nothing-persisted;
				 * k = 0: only the guaranteed-durable state */
	PMSIM_RANDOM,		/* n random states per crash point */
};

struct pmsim_opts {
	enum pmsim_crash_points points;
	enum pmsim_mode mode;
	uint64_t mode_arg;	/* k for bounded, n for random */
	uint64_t seed;
	int eadr;		/* caches are persistent */
	int per_word;		/* per-8-byte prefix instead of per-line */
	uint64_t max_states;	/* 0: unlimited */
	unsigned max_reports;	/* violations kept in detail */
	int stop_on_violation;
	int dedup_per_point;	/* forget seen images at each crash point */
	uint64_t stop_event;	/* simulate only events [0, stop_event) */
	/*
	 * 0: visit every crash point. N: visit N of the T crash points, evenly
	 * spread and always including the last: point i (0-based) is visited
	 * when floor((i+1)*N/T) > floor(i*N/T). Points not visited build no
	 * state. Drain marks are checked all the same.
	 */
	uint64_t max_points;
	/*
	 * Called about every progress_ns nanoseconds of a run (and not at
	 * all when progress is NULL or progress_ns is 0), from the thread
	 * of pmsim_run, between two states.
	 */
	void (*progress)(void *arg, const struct pmsim_progress *p);
	void *progress_arg;
	uint64_t progress_ns;
};

void pmsim_opts_default(struct pmsim_opts *o);
/* Parse "exhaustive", "bounded:K", "durable" (= bounded:0), "random:N"
 * and "fence|event|mark". */
int pmsim_parse_mode(struct pmsim_opts *o, const char *s);
int pmsim_parse_points(struct pmsim_opts *o, const char *s);

/*
 * The number of crash points pmsim_run visits for t and o: every point of
 * the kind o->points among events [0, o->stop_event), the end included
 * where the kind has one, or o->max_points of them when that is smaller.
 * With o->max_points = 0 it is the total a caller can size a budget by.
 */
int pmsim_count_points(const struct pmsim_trace *t, const struct pmsim_opts *o,
		       uint64_t *n);

/* One 8-byte-or-smaller piece of a store, named by its event and offset. */
struct pmsim_piece {
	uint64_t event;
	uint32_t off;		/* byte offset inside the store */
	uint32_t len;
	uint64_t addr;
};

/*
 * A violation is a crash state the checker rejected or, with drain set, a
 * drain mark (pmtrace.h) whose claim is false: crash.event is right after
 * the mark, nothing is persisted beyond what is durable, and lost lists
 * the written-back pieces that no fence has made durable yet.
 */
struct pmsim_violation {
	struct pmsim_crash crash;	/* marks point into the trace */
	int drain;			/* a drain mark's claim failed */
	uint64_t key[2];		/* 128-bit image hash (with the marks
					 * reached), high half first */
	uint64_t window;		/* eADR: first event of the window */
	size_t npersisted, nlost;
	struct pmsim_piece *persisted, *lost;
	char *reason;			/* the checker's message, left by
					 * pmsim_seterr() before it returned 1
					 * (a server's violation MESSAGE); NULL
					 * when none */
};

/*
 * A run is complete when points_checked == points_total and bounded is 0:
 * then every crash point was visited and every state the mode asks for
 * was generated. Otherwise bound_reason says what cut it short.
 */
struct pmsim_result {
	uint64_t crash_points;	/* crash points visited */
	uint64_t points_total;	/* crash points of the trace (before sampling) */
	uint64_t points_checked;	/* visited and enumerated to the end */
	uint64_t explored;	/* valid states generated */
	uint64_t distinct;	/* distinct (image, marks) checked */
	uint64_t violations;	/* distinct states the checker rejected */
	uint64_t drains;	/* drain marks checked */
	uint64_t drain_violations;	/* drain marks whose claim failed */
	uint64_t checker_writes;	/* states whose checker wrote to the
					 * image (undone before the next) */
	int bounded;		/* a bound cut the enumeration short */
	char bound_reason[256];
	size_t nreports;
	struct pmsim_violation *reports;
	double seconds;
};

int pmsim_run(const struct pmsim_trace *t, const struct pmsim_opts *o,
	      const struct pmsim_checker *chk, struct pmsim_result *res);
void pmsim_result_free(struct pmsim_result *res);

/* Human-readable report of one violation. */
int pmsim_violation_print(const struct pmsim_trace *t,
			  const struct pmsim_violation *v, int fd);
/* Reproducer: the trace, the crash point and the persisted set. */
int pmsim_repro_write(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      const struct pmsim_violation *v, const char *path);
/*
 * Rebuild the crash image of a reproducer into a file (regions in base
 * order, back to back, sparse). Refused (PMSIM_ERR_INPUT): an output that
 * is the reproducer, its trace or an image file of the trace, and an
 * existing output unless flags has PMSIM_REPLAY_FORCE. The image goes to
 * a temporary file beside it, renamed when complete.
 */
#define PMSIM_REPLAY_FORCE 1u
int pmsim_replay(const char *repro_path, const char *image_path, unsigned flags);
/* Rebuild a crash image in memory from a crash point and persisted set;
 * fails when the set is not a reachable state. data[i] gets region i;
 * free them with pmsim_image_data_free alone (large regions are
 * mappings, not malloc memory). */
int pmsim_build_image(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      uint64_t event, const struct pmsim_piece *persisted,
		      size_t npersisted, unsigned char ***data);
void pmsim_image_data_free(const struct pmsim_trace *t, unsigned char **data);

/* ---- trace statistics ------------------------------------------------ */

struct pmsim_stats {
	uint64_t events, bytes;
	uint64_t by_type[8];
	uint64_t flush_kind[3], fence_kind[5];
	uint64_t stored_bytes, ntstored_bytes;
	uint64_t lines_touched;
	uint64_t max_dirty_lines;	/* largest pending set at a fence */
	uint64_t fence_points;
};
int pmsim_trace_stats(const struct pmsim_trace *t, struct pmsim_stats *s);

/* ---- in-process recording API --------------------------------------- */

/*
 * A program that models its own persistence calls pm_* on a recorder. The
 * recorder keeps the program's view of memory (pm_ptr) and records a trace
 * in memory and, when a path is given, to a file too.
 */
struct pm_rec;

int pm_rec_new(struct pm_rec **r, const char *path);
void pm_rec_free(struct pm_rec *r);
int pm_region(struct pm_rec *r, uint64_t base, uint64_t size,
	      const char *name);
/* Initial content (before any store) of part of a region. */
int pm_image(struct pm_rec *r, uint64_t addr, const void *data, size_t len);
/* The program's (volatile) view of memory. */
unsigned char *pm_ptr(struct pm_rec *r, uint64_t addr, size_t len);

int pm_store(struct pm_rec *r, uint64_t addr, const void *data, size_t len);
int pm_ntstore(struct pm_rec *r, uint64_t addr, const void *data, size_t len);
int pm_clwb(struct pm_rec *r, uint64_t addr);
int pm_clflushopt(struct pm_rec *r, uint64_t addr);
int pm_clflush(struct pm_rec *r, uint64_t addr);
int pm_sfence(struct pm_rec *r);
int pm_mfence(struct pm_rec *r);
int pm_lfence(struct pm_rec *r);
/* Locked read-modify-write storing len bytes (a locked op or xchg). */
int pm_rmw(struct pm_rec *r, uint64_t addr, const void *data, size_t len);
int pm_xchg(struct pm_rec *r, uint64_t addr, const void *data, size_t len);
/* Program point; ids count up from 1. Returns the id or < 0. */
int64_t pm_mark(struct pm_rec *r, const char *label);
/* First error of the recorder, 0 if none (every pm_* call after an error
 * fails with the same code). */
int pm_rec_error(const struct pm_rec *r);

/* Parse what was recorded so far. */
int pm_rec_trace(struct pm_rec *r, struct pmsim_trace **t);

/* Set the thread's error message (for checkers), of kind
 * PMSIM_ERR_OTHER. Returns -1. */
int pmsim_seterr(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
/* The same with a kind. */
int pmsim_seterr_kind(enum pmsim_errkind kind, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#ifdef __cplusplus
}
#endif

#endif /* PMSIM_H */
