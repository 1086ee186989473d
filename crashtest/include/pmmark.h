/* SPDX-License-Identifier: MIT */
/*
 * pmmark: marks from a guest program to the pmtrace QEMU plugin.
 *
 * A marker is a `cpuid` with EAX = PMMARK_LEAF | command. The plugin reads
 * the registers just before the instruction runs; the guest sees ordinary
 * cpuid results and needs no driver, so the same binary runs unchanged
 * outside the tracer. Arguments travel in RBX, RCX, RDX and RSI:
 *
 *   PMMARK_START   -                      start tracing (image the regions)
 *   PMMARK_STOP    -                      stop tracing; for the pmcount plugin
 *                  RBX ops measured, RCX unit label address, RDX its length
 *                  (pmmark_window_end; 0 ops = unknown, the tracer ignores them)
 *   PMMARK_MARK    RBX id, RCX label address, RDX label length
 *   PMMARK_REGION  RBX base, RCX size, RDX name address, RSI name length
 *                  (announce a guest-physical pmem region before START)
 *   PMMARK_WINDOW  RCX name address, RDX its length: the tracer with
 *                  windows=DIR writes the next window to DIR/NAME/
 *                  (one boot, several traces; no window may be open)
 *
 * Labels and names are read from guest memory by virtual address, so they
 * must be mapped when the marker runs; the helpers below touch them first.
 */
#ifndef PMMARK_H
#define PMMARK_H

#include <stdint.h>
#include <string.h>

#define PMMARK_LEAF		0x51500000u
#define PMMARK_LEAF_MASK	0xfffffff0u
#define PMMARK_LABEL_MAX	200	/* longer labels are cut */
#define PMMARK_UNIT_MAX		32	/* window_end unit labels */

enum pmmark_cmd {
	PMMARK_START	= 1,
	PMMARK_STOP	= 2,
	PMMARK_MARK	= 3,
	PMMARK_REGION	= 4,
	PMMARK_WINDOW	= 5,
};

#if defined(__x86_64__)
static inline void pmmark_call(enum pmmark_cmd cmd, uint64_t rbx,
			       uint64_t rcx, uint64_t rdx, uint64_t rsi)
{
	uint32_t eax = PMMARK_LEAF | (uint32_t)cmd;

	/* "memory": the label must be in memory before the plugin reads it. */
	__asm__ volatile("cpuid"
			 : "+a"(eax), "+b"(rbx), "+c"(rcx), "+d"(rdx)
			 : "S"(rsi)
			 : "memory");
}

/* Make sure the pages of [p, p+n) are present for the plugin's read. */
static inline void pmmark_touch(const char *p, size_t n)
{
	if (n) {
		(void)*(const volatile char *)p;
		(void)*(const volatile char *)(p + n - 1);
	}
}

/* cmd with a number and a label (NULL for none) cut to max bytes: the
 * one way a window end and a mark pass their text to the plugin. */
static inline void pmmark_call_label(enum pmmark_cmd cmd, uint64_t arg,
				     const char *label, size_t max)
{
	size_t n = label ? strlen(label) : 0;

	if (n > max)
		n = max;
	pmmark_touch(label, n);
	pmmark_call(cmd, arg, (uint64_t)(uintptr_t)label, n, 0);
}

static inline void pmmark_start(void)
{
	pmmark_call(PMMARK_START, 0, 0, 0, 0);
}

static inline void pmmark_stop(void)
{
	pmmark_call(PMMARK_STOP, 0, 0, 0, 0);
}

/*
 * Close a window that measured ops operations of unit ("fault", "msync",
 * "io", "copy"; at most PMMARK_UNIT_MAX bytes, longer is cut). pmcount
 * divides the window's counts by ops; to the tracer it is a plain stop.
 */
static inline void pmmark_window_end(uint64_t ops, const char *unit)
{
	pmmark_call_label(PMMARK_STOP, ops, unit, PMMARK_UNIT_MAX);
}

/* Record mark id with a label (NULL for none) in the trace. */
static inline void pmmark_mark(uint64_t id, const char *label)
{
	pmmark_call_label(PMMARK_MARK, id, label, PMMARK_LABEL_MAX);
}

/* Name the next window: the tracer writes it to DIR/name/ (windows=DIR). */
static inline void pmmark_window(const char *name)
{
	pmmark_call_label(PMMARK_WINDOW, 0, name, PMMARK_LABEL_MAX);
}

/* Announce a pmem region at guest-physical base (used before start). */
static inline void pmmark_region(uint64_t base, uint64_t size,
				 const char *name)
{
	size_t n = name ? strlen(name) : 0;

	pmmark_touch(name, n);
	pmmark_call(PMMARK_REGION, base, size, (uint64_t)(uintptr_t)name, n);
}
#endif /* __x86_64__ */

#endif /* PMMARK_H */
