/* SPDX-License-Identifier: MIT */
/*
 * State shared by the tracer's parts: configuration, output, whether
 * tracing is on, and what the guest announced. One instance; QEMU runs the
 * callbacks of a one-vCPU machine one at a time.
 */
#ifndef TRACER_H
#define TRACER_H

#include <stdbool.h>
#include <stdint.h>

#include <qemu-plugin.h>

#include "backing_discover.h"
#include "regions.h"
#include "trace_out.h"
#include "tracer_args.h"
#include "x86_decode.h"

enum tracer_state { TRACER_IDLE, TRACER_ON, TRACER_OFF };

struct tracer {
	struct tracer_config cfg;
	struct trace_out *out;
	enum tracer_state state;
	bool on;			/* events are recorded (state ON) */
	qemu_plugin_u64 on_flag;	/* the same, for conditional callbacks */
	struct region_set announced;	/* PMMARK_REGION from the guest */
	struct backing_list discovered;	/* from QEMU's command line */
	bool pob_known;
	uint64_t pob;			/* guest direct-map base */
	unsigned unresolved_logged;
	/* windows=DIR: the named window's files, "" before the first. */
	char win_trace[4120], win_stats[4120];
};

extern struct tracer tracer;

/* A flush instruction as translated: what exec callbacks get as userdata. */
struct insn_info {
	uint64_t pc, next_pc;
	struct x86_insn d;
};

/* Print one line on QEMU's stderr, prefixed "pmtrace: ". */
void tracer_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Turn event recording on or off. */
void tracer_set_on(bool on);

/* Stop recording after trace_out stopped (limit or error); says why once. */
void tracer_output_stopped(void);

/* Handle a cpuid executed at pc: a marker if EAX holds PMMARK_LEAF | cmd. */
void tracer_on_cpuid(uint64_t pc);

/* The guest reached a drain= point: write its drain mark. */
void tracer_on_drain(const struct drain_point *d);

/* The guest direct-map base, resolving it on first use; false if unknown. */
bool tracer_page_offset_base(uint64_t *pob);

/* Translate guest-virtual va with the current page tables. */
bool tracer_virt_to_phys(uint64_t va, uint64_t *pa);

/* Resolve a flush's memory operand to a guest-physical address. */
bool flush_resolve(const struct insn_info *ii, uint64_t *va, uint64_t *pa);

/* The trace file being written: trace= or the named window's. */
const char *tracer_trace_path(void);

/* Close the trace and write the statistics (QEMU exit). */
void tracer_finish(void);

#endif /* TRACER_H */
