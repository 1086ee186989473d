// SPDX-License-Identifier: MIT
/*
 * Tracing control: guest markers (cpuid with a magic leaf), start and stop,
 * the initial region images, the direct-map base, and the closing
 * statistics.
 */
#include "tracer.h"

#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest_cpu.h"
#include "pmtrace.h"
#include "pmmark.h"
#include "region_image.h"

struct tracer tracer;

void tracer_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "pmtrace: ");
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	/* stderr, not qemu_plugin_outs: that one is silent without -d plugin. */
	fprintf(stderr, "%s\n", line);
}

void tracer_set_on(bool on)
{
	tracer.on = on;
	/* One vCPU (checked at install), so index 0 is the only entry. */
	qemu_plugin_u64_set(tracer.on_flag, 0, on);
}

void tracer_output_stopped(void)
{
	if (tracer.state != TRACER_ON)
		return;
	tracer_set_on(false);
	tracer.state = TRACER_OFF;
	trace_out_sync(tracer.out);
	tracer_log("%s; the trace is marked partial",
		   trace_out_reason(tracer.out));
}

bool tracer_page_offset_base(uint64_t *pob)
{
	if (!tracer.pob_known && tracer.cfg.have_pob_symbol) {
		uint8_t b[8];

		/* Kernel data: readable from any context but a PTI user one. */
		if (!guest_read_virt(tracer.cfg.pob_symbol, b, sizeof(b)))
			return false;
		tracer.pob = 0;
		for (int i = 0; i < 8; i++)
			tracer.pob |= (uint64_t)b[i] << (8 * i);
		tracer.pob_known = true;
	}
	*pob = tracer.pob;
	return tracer.pob_known;
}

/* Read guest-physical memory through the direct map (image fallback). */
static bool read_phys(void *ctx, uint64_t pa, void *buf, size_t len)
{
	uint64_t pob;

	(void)ctx;
	return tracer_page_offset_base(&pob) && guest_read_virt(pob + pa, buf, len);
}

/* Save region r's content next to the trace and record it as IMAGE. */
static int image_region(const struct region *r, const char *backing)
{
	char dst[4200], err[512], *copy, *base;
	int rc;

	snprintf(dst, sizeof(dst), "%s.%s.img", tracer_trace_path(), r->name);
	if (backing)
		rc = image_copy_file(backing, r->size, dst, err, sizeof(err));
	else
		rc = image_from_guest(read_phys, NULL, r->base, r->size, dst,
				      err, sizeof(err));
	if (rc) {
		tracer_log("start: region %s: %s", r->name, err);
		return -1;
	}
	copy = strdup(dst);
	if (!copy)
		return -1;
	base = basename(copy);	/* relative to the trace's directory */
	rc = trace_out_image_file(tracer.out, r->base, base);
	free(copy);
	return rc;
}

static void fail_start(const char *why)
{
	char reason[200];

	tracer_log("start failed: %s", why);
	snprintf(reason, sizeof(reason), "partial: start failed: %s", why);
	trace_out_fail(tracer.out, reason);
	tracer.state = TRACER_OFF;
}

static bool same_regions(const struct region_set *a, const struct region_set *b)
{
	if (a->n != b->n)
		return false;
	for (unsigned i = 0; i < a->n; i++)
		if (a->r[i].base != b->r[i].base || a->r[i].size != b->r[i].size)
			return false;
	return true;
}

const char *tracer_trace_path(void)
{
	return tracer.cfg.trace_path ? tracer.cfg.trace_path : tracer.win_trace;
}

/* Write the statistics of the trace being written and close it. */
static void finish_output(void)
{
	const char *stats = tracer.cfg.trace_path ? tracer.cfg.stats_path
						  : tracer.win_stats;
	char err[512];
	int r;

	if (!tracer.out)
		return;
	if (stats && trace_out_write_stats(tracer.out, stats, tracer_trace_path(),
					   tracer.state != TRACER_IDLE, err,
					   sizeof(err)))
		tracer_log("%s", err);
	r = trace_out_close(tracer.out);
	tracer.out = NULL;
	if (r)
		tracer_log("closing %s: %s", tracer_trace_path(), strerror(-r));
}

/* A window name: 1-4 components of [A-Za-z0-9._+-], none "." or "..". */
static bool window_name_ok(const char *n)
{
	int parts = 0;

	for (const char *p = n; *p;) {
		size_t len = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				    "0123456789._+-");

		if (!len || (len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.') || ++parts > 4)
			return false;
		p += len;
		if (*p == '/' && p[1])
			p++;
		else if (*p)
			return false;
	}
	return parts > 0;
}

static void read_label(uint64_t va, uint64_t len, char *out, size_t outlen);

/* windows=DIR: the next window goes to DIR/NAME/, a directory the host
 * made (the guest names it, never creates it). */
static void cmd_window(uint64_t va, uint64_t len)
{
	char name[PMMARK_LABEL_MAX + 1], dir[4096], err[512];
	struct stat st;

	if (!tracer.cfg.windows_dir) {
		tracer_log("window ignored: the tracer writes one trace "
			   "(trace=), not windows=");
		return;
	}
	if (tracer.state == TRACER_ON) {
		tracer_log("window ignored: one is open (pmmark stop first)");
		return;
	}
	read_label(va, len, name, sizeof(name));
	finish_output();
	tracer.state = TRACER_IDLE;
	tracer.win_trace[0] = tracer.win_stats[0] = '\0';
	snprintf(dir, sizeof(dir), "%s/%s", tracer.cfg.windows_dir, name);
	if (!window_name_ok(name) || lstat(dir, &st) || !S_ISDIR(st.st_mode)) {
		tracer_log("window '%s' ignored: not a directory below %s; the "
			   "next start is refused", name, tracer.cfg.windows_dir);
		return;
	}
	snprintf(tracer.win_trace, sizeof(tracer.win_trace), "%s/trace", dir);
	snprintf(tracer.win_stats, sizeof(tracer.win_stats), "%s/tracer.json", dir);
	tracer.out = trace_out_open(tracer.win_trace, tracer.cfg.max_trace_bytes,
				    err, sizeof(err));
	if (!tracer.out) {
		tracer_log("window '%s': %s; the next start is refused", name, err);
		tracer.win_trace[0] = tracer.win_stats[0] = '\0';
		return;
	}
	tracer_log("window %s", name);
}

/* A kernel address the walk can check: page_offset_base's, a drain point. */
static bool kernel_walks(uint64_t *pa)
{
	if (tracer.cfg.have_pob_symbol)
		return tracer_virt_to_phys(tracer.cfg.pob_symbol, pa);
	return tracer.cfg.ndrain && tracer_virt_to_phys(tracer.cfg.drain[0].pc, pa);
}

static void cmd_start(uint64_t pc)
{
	const struct region_set *rs = tracer.cfg.regions.n ? &tracer.cfg.regions
							   : &tracer.announced;
	uint64_t pa;

	if (!tracer.out) {
		tracer_log("start ignored: no window named (pmmark window NAME)");
		return;
	}
	if (tracer.state != TRACER_IDLE) {
		tracer_log("start ignored: a trace holds one window and this "
			   "one %s", tracer.state == TRACER_ON ? "is open"
							       : "has closed");
		return;
	}
	if (rs->n == 0) {
		fail_start("no pmem region: give region=BASE:SIZE or announce "
			   "regions from the guest (pmmark start does)");
		return;
	}
	if (tracer.cfg.regions.n && tracer.announced.n &&
	    !same_regions(&tracer.cfg.regions, &tracer.announced))
		tracer_log("warning: the guest announced regions that differ "
			   "from region=; using region=");
	if (tracer.cfg.nbacking && tracer.cfg.nbacking != rs->n) {
		fail_start("the number of backing= files differs from the "
			   "number of regions");
		return;
	}
	/* The walk must work now, or every flush would go unresolved. QEMU
	 * translates x86-64 code position-independently and keeps it by
	 * physical page: code another process ran at another address (a
	 * PIE program run again, a shared library) comes with that
	 * process's address as its pc. Kernel addresses are the same in
	 * every process, so where the pc does not walk, one of them must. */
	if (!tracer_virt_to_phys(pc, &pa)) {
		if (!kernel_walks(&pa)) {
			fail_start("cannot walk the guest page tables through "
				   "the direct map: wrong page_offset_base or "
				   "system_map?");
			return;
		}
		tracer_log("start: pc 0x%" PRIx64 " is not mapped here (a "
			   "translation another process made); the walk "
			   "checked on a kernel address", pc);
	}
	if (trace_out_regions(tracer.out, rs)) {
		fail_start(trace_out_reason(tracer.out));
		return;
	}
	if (!tracer.cfg.nbacking && tracer.discovered.n &&
	    tracer.discovered.n != rs->n)
		tracer_log("QEMU has %u nvdimms but there are %u regions: "
			   "reading the initial images from guest memory",
			   tracer.discovered.n, rs->n);
	for (unsigned i = 0; i < rs->n; i++) {
		const char *backing = NULL;

		if (tracer.cfg.nbacking)
			backing = tracer.cfg.backing[i];
		else if (tracer.discovered.n == rs->n)
			backing = tracer.discovered.path[i];
		if (image_region(&rs->r[i], backing)) {
			fail_start("cannot save the initial region image");
			return;
		}
	}
	tracer.state = TRACER_ON;
	tracer_set_on(true);
	for (unsigned i = 0; i < rs->n; i++)
		tracer_log("start: region %s 0x%" PRIx64 "+0x%" PRIx64,
			   rs->r[i].name, rs->r[i].base, rs->r[i].size);
}

static void log_stats(const char *when)
{
	const struct trace_stats *s = trace_out_stats(tracer.out);

	tracer_log("%s: %" PRIu64 " pmem stores (%" PRIu64 " bytes), %" PRIu64
		   " pmem NT stores, %" PRIu64 "/%" PRIu64 " flushes resolved "
		   "(%" PRIu64 " to pmem), %" PRIu64 " fences (%" PRIu64
		   " written), %" PRIu64 " marks, %" PRIu64 " trace bytes%s",
		   when, s->stores_pmem, s->store_bytes_pmem, s->ntstores_pmem,
		   s->flushes_resolved, s->flushes, s->flushes_pmem, s->fences,
		   s->fences_written, s->marks, s->bytes,
		   s->partial ? " (partial)" : "");
}

static void cmd_stop(void)
{
	if (tracer.state != TRACER_ON) {
		tracer_log("stop ignored: tracing is not on");
		return;
	}
	tracer_set_on(false);
	tracer.state = TRACER_OFF;
	trace_out_sync(tracer.out);
	log_stats("stop");
	if (tracer.cfg.windows_dir) {
		/* The window is whole: the host may read it before exit. */
		finish_output();
		tracer.state = TRACER_IDLE;
	}
}

/* Read a label of len bytes at va; unreadable or odd bytes are replaced. */
static void read_label(uint64_t va, uint64_t len, char *out, size_t outlen)
{
	if (len > PMMARK_LABEL_MAX)
		len = PMMARK_LABEL_MAX;
	if (len >= outlen)
		len = outlen - 1;
	out[0] = '\0';
	if (!va || !len)
		return;
	if (!guest_read_virt(va, out, len)) {
		tracer_log("mark label at 0x%" PRIx64 " is not mapped", va);
		snprintf(out, outlen, "?");
		return;
	}
	out[len] = '\0';
}

static void cmd_mark(uint64_t id, uint64_t va, uint64_t len, uint64_t pc)
{
	char label[PMMARK_LABEL_MAX + 1];

	if (tracer.state != TRACER_ON)
		return;		/* marks only mean something in the window */
	read_label(va, len, label, sizeof(label));
	if (!trace_out_mark(tracer.out, id, label, pc))
		tracer_output_stopped();
}

void tracer_on_drain(const struct drain_point *d)
{
	char label[sizeof(PMTRACE_DRAIN_PREFIX) + DRAIN_NAME_MAX + 1];

	if (tracer.state != TRACER_ON)
		return;
	snprintf(label, sizeof(label), "%s%s", PMTRACE_DRAIN_PREFIX, d->name);
	if (!trace_out_mark(tracer.out, PMTRACE_MARK_DRAIN, label, d->pc))
		tracer_output_stopped();
}

static void cmd_region(uint64_t base, uint64_t size, uint64_t va, uint64_t len)
{
	char name[REGION_NAME_MAX], err[256];

	if (tracer.state != TRACER_IDLE) {
		tracer_log("region announcement after start ignored");
		return;
	}
	read_label(va, len, name, sizeof(name));
	/* Each window's workload announces again: the same region is kept. */
	for (unsigned i = 0; i < tracer.announced.n; i++)
		if (tracer.announced.r[i].base == base &&
		    tracer.announced.r[i].size == size &&
		    !strcmp(tracer.announced.r[i].name, name))
			return;
	if (regions_add(&tracer.announced, base, size, name, err, sizeof(err)))
		tracer_log("guest region ignored: %s", err);
}

void tracer_on_cpuid(uint64_t pc)
{
	uint64_t rax, rbx, rcx, rdx, rsi;

	if (!guest_read_reg(GREG_RAX, &rax) ||
	    ((uint32_t)rax & PMMARK_LEAF_MASK) != PMMARK_LEAF)
		return;
	if (!guest_read_reg(GREG_RBX, &rbx) || !guest_read_reg(GREG_RCX, &rcx) ||
	    !guest_read_reg(GREG_RDX, &rdx) || !guest_read_reg(GREG_RSI, &rsi)) {
		tracer_log("marker at 0x%" PRIx64 ": cannot read registers", pc);
		return;
	}
	switch ((uint32_t)rax & ~PMMARK_LEAF_MASK) {
	case PMMARK_START: cmd_start(pc); break;
	case PMMARK_STOP: cmd_stop(); break;
	case PMMARK_MARK: cmd_mark(rbx, rcx, rdx, pc); break;
	case PMMARK_REGION: cmd_region(rbx, rcx, rdx, rsi); break;
	case PMMARK_WINDOW: cmd_window(rcx, rdx); break;
	default:
		tracer_log("unknown marker command %u at 0x%" PRIx64,
			   (unsigned)((uint32_t)rax & ~PMMARK_LEAF_MASK), pc);
		break;
	}
}

void tracer_finish(void)
{
	/* With windows= no trace is open between windows. */
	if (tracer.out) {
		if (tracer.state == TRACER_IDLE && !tracer.cfg.windows_dir)
			tracer_log("exit: the guest never started tracing (no "
				   "pmmark start); the trace has no events");
		else if (tracer.state == TRACER_ON)
			log_stats("exit while tracing");
		finish_output();
	}
	backing_list_free(&tracer.discovered);
}
