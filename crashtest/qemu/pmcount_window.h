/* SPDX-License-Identifier: MIT */
/*
 * pmcount's counters, windows and records, with no QEMU in them: the
 * plugin (pmcount-plugin.c) keeps the counters up to date and hands a
 * snapshot to this module at every marker; this module applies the
 * marker protocol (START, STOP, MARK), subtracts the snapshots and writes
 * one JSON line per closed window. README.md documents the record.
 */
#ifndef PMCOUNT_WINDOW_H
#define PMCOUNT_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pmcount_args.h"
#include "pmmark.h"

struct dx_symmap;

/* Guest pc at or above this is kernel code. */
#define PMC_KERNEL_BASE 0xffff800000000000ull

enum pmc_mode { PMC_USER, PMC_KERNEL, PMC_NMODES };

/* Every counter, as its record key (pmc_counter_names) says. */
enum pmc_counter {
	PMC_INSNS,		/* guest instructions */
	PMC_LOADS,		/* memory accesses that read */
	PMC_STORES,		/* memory accesses that write (NT included) */
	PMC_CLWB,
	PMC_CLFLUSHOPT,
	PMC_CLFLUSH,
	PMC_SFENCE,
	PMC_MFENCE,
	PMC_LFENCE,
	PMC_LOCKED,		/* lock-prefixed RMW and xchg with memory */
	PMC_NTSTORES,		/* non-temporal store instructions */
	PMC_LOAD_BYTES_PMEM,	/* bytes: from the memory callbacks */
	PMC_LOAD_BYTES_DRAM,
	PMC_STORE_BYTES_PMEM,	/* ordinary (cached) stores */
	PMC_STORE_BYTES_DRAM,
	PMC_NT_BYTES_PMEM,	/* non-temporal stores */
	PMC_NT_BYTES_DRAM,
	PMC_NCOUNTERS,
};

#define PMC_FIRST_BYTES PMC_LOAD_BYTES_PMEM

extern const char *const pmc_counter_names[PMC_NCOUNTERS];

/* The plugin's per-vCPU scoreboard entry: counters by mode of the pc. */
struct pmc_counts {
	uint64_t c[PMC_NMODES][PMC_NCOUNTERS];
};

/*
 * Per-function counters are a separate array of 2 * nfuncs u64: for
 * function f, [2f] instructions executed in it and [2f+1] calls.
 */
#define PMC_FUNC_INSNS(f) (2 * (size_t)(f))
#define PMC_FUNC_CALLS(f) (2 * (size_t)(f) + 1)

/*
 * The instructions of a translation block from a marker's cpuid to the
 * block's end. Instruction counts are added when a block starts, so at
 * the marker they already include these; the marker's snapshot takes
 * them back out and so holds exactly what ran before the cpuid.
 */
struct pmc_tail_group {
	uint32_t func;		/* function index */
	uint32_t insns;
};

struct pmc_tail {
	uint64_t pc;		/* the cpuid's address */
	uint32_t insns[PMC_NMODES];
	uint32_t ngroups;
	struct pmc_tail_group group[];	/* kernel instructions by function */
};

/* c (and funcs, if not NULL) minus tail. */
void pmc_apply_tail(struct pmc_counts *c, uint64_t *funcs,
		    const struct pmc_tail *tail);

/* d = end - start, counter by counter; n u64 for the function array. */
void pmc_counts_diff(struct pmc_counts *d, const struct pmc_counts *end,
		     const struct pmc_counts *start);
void pmc_funcs_diff(uint64_t *d, const uint64_t *end, const uint64_t *start,
		    size_t n);

/*
 * The names of a System.map's functions. A name is not unique (static
 * functions of different files), but a JSON key must be: the record
 * sums the functions of one name under it, in the order of the first
 * one's address.
 */
struct pmc_funcnames;

struct pmc_funcnames *pmc_funcnames_new(const struct dx_symmap *syms);
void pmc_funcnames_free(struct pmc_funcnames *n);
/* Distinct names (<= functions). */
size_t pmc_funcnames_count(const struct pmc_funcnames *n);

/* How complete a window's byte counters are. */
enum pmc_bytes {
	PMC_BYTES_EXACT,	/* every access of the window was counted */
	PMC_BYTES_PARTIAL,	/* the callbacks came late: a lower bound */
	PMC_BYTES_OFF,		/* mem=off: no byte counts (JSON null) */
};

const char *pmc_bytes_name(enum pmc_bytes b);

/* One closed window, as written to counts=. */
struct pmc_record {
	uint64_t index;			/* windows closed before this one */
	const char *label;		/* the last MARK's label before START */
	bool have_mark;
	uint64_t mark_id;
	uint64_t ops;			/* from window_end, 0 = unknown */
	const char *unit;
	struct pmc_counts d;		/* counters at STOP minus at START */
	const struct pmc_funcnames *names; /* NULL: no function counts */
	const uint64_t *funcs;		/* 2 * nfuncs differences */
	enum pmc_bytes bytes;
	uint64_t protocol_errors;	/* since the previous record */
};

/* Write r as one JSON line (no flush). Returns 0 or -1 on a write error. */
int pmc_record_write(FILE *f, const struct pmc_record *r);

/* The totals written to stats= at exit. */
struct pmc_stats {
	const char *counts_path;
	uint64_t windows, protocol_errors;
	bool window_open_at_exit;
	enum pmc_mem_mode mem;
	uint64_t mem_resets;
	uint64_t bytes_partial_windows;
	const char *system_map;		/* NULL: none (JSON null) */
	size_t functions;
	uint64_t insns_user, insns_kernel;
	const struct region_set *regions;
};

/* Write s to path as one JSON object. 0, or -1 with a message in err. */
int pmc_stats_write(const char *path, const struct pmc_stats *s, char *err,
		    size_t errlen);

/* The marker protocol and the counts= file. */
struct pmc_session;

/*
 * Create (truncate) path; syms may be NULL. Returns NULL with a message
 * in err.
 */
struct pmc_session *pmc_session_open(const char *path,
				     const struct dx_symmap *syms,
				     enum pmc_mem_mode mem, char *err,
				     size_t errlen);

/* Outcome of a marker. */
enum pmc_result {
	PMC_OK,
	PMC_PROTOCOL_ERROR,	/* counted; nothing else changed */
	PMC_WRITE_ERROR,	/* counts= could not be written */
};

/*
 * START with the counters as they stood before the marker: opens a
 * window, or is a protocol error while one is open (the open window
 * goes on).
 */
enum pmc_result pmc_session_start(struct pmc_session *s,
				  const struct pmc_counts *now,
				  const uint64_t *funcs_now);

/*
 * STOP: closes the window and writes its record, flushed. Without an
 * open window it is a protocol error. unit is cut to PMMARK_UNIT_MAX.
 */
enum pmc_result pmc_session_stop(struct pmc_session *s,
				 const struct pmc_counts *now,
				 const uint64_t *funcs_now, uint64_t ops,
				 const char *unit, enum pmc_bytes bytes);

/* MARK: the label and id of the windows that start from now on. */
void pmc_session_mark(struct pmc_session *s, uint64_t id, const char *label);

/* Any other protocol error (an unknown marker command). */
void pmc_session_error(struct pmc_session *s);

bool pmc_session_open_window(const struct pmc_session *s);
uint64_t pmc_session_windows(const struct pmc_session *s);
uint64_t pmc_session_errors(const struct pmc_session *s);

/*
 * Close counts= (at exit); a window still open is a protocol error and
 * writes no record. Returns 0 or -1 on a write error. Later markers are
 * protocol errors.
 */
int pmc_session_close(struct pmc_session *s);
/* Close if still open and free. */
void pmc_session_free(struct pmc_session *s);

#endif /* PMCOUNT_WINDOW_H */
