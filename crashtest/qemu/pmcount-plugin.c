// SPDX-License-Identifier: MIT
/*
 * pmcount: a QEMU TCG plugin that counts, exactly, what the guest executes
 * between pmmark markers: instructions (user, kernel, per kernel
 * function), flushes, fences, locked RMW, NT stores, memory accesses and
 * the bytes they move to and from pmem and DRAM. One JSON line per
 * window (pmcount_window.c); README.md, "pmcount: exact event counts per
 * window", documents the record.
 *
 * Cost is the point: every count but the bytes is an inline scoreboard
 * add that TCG emits into the translated code, with no call out of it.
 * Bytes need the guest-physical address, so they need memory callbacks,
 * which would slow the whole boot. With mem=on they are installed only
 * while a window is open: START and STOP ask qemu_plugin_reset() to drop
 * every callback and flush the translations, and its completion callback
 * registers ours again, with or without memory callbacks (see
 * want_mem()).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <qemu-plugin.h>

#include "daxlab/symmap.h"
#include "guest_cpu.h"
#include "pmcount_args.h"
#include "pmcount_window.h"
#include "pmmark.h"
#include "pmtrace.h"
#include "regions.h"
#include "x86_decode.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* One instance; -smp 1 (checked at install) runs callbacks one at a time. */
static struct {
	qemu_plugin_id_t id;
	struct pmcount_config cfg;
	struct pmc_session *session;
	struct qemu_plugin_scoreboard *sb;	/* struct pmc_counts */
	struct qemu_plugin_scoreboard *fsb;	/* 2 * nfuncs u64 */
	size_t nfuncs;
	uint64_t *funcs_snap;
	struct region_set announced;		/* PMMARK_REGION */
	GPtrArray *tails;			/* struct pmc_tail, until exit */
	/* mem=on: are memory callbacks wanted, in the code, on their way? */
	bool mem_want, mem_installed, reset_pending;
	/* mem=first: no window has opened since the last MARK. */
	bool fresh_mark;
	uint64_t resets;
	/* Byte counts of the open window: settled once known exact or not. */
	bool bytes_settled;
	enum pmc_bytes bytes;
	uint64_t start_raw;			/* block-level insns at START */
	uint64_t partial_windows;
	unsigned logged;
	bool write_failed;
} pc;

static void pmc_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void pmc_log(const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* stderr: qemu_plugin_outs() is silent without -d plugin. */
	fprintf(stderr, "pmcount: %s\n", line);
}

/* Protocol errors are counted always, printed for the first few only. */
static void log_error(const char *what, uint64_t at)
{
	if (pc.logged++ < 8)
		pmc_log("protocol error at pc 0x%" PRIx64 ": %s", at, what);
}

static qemu_plugin_u64 counter(enum pmc_mode m, enum pmc_counter k)
{
	qemu_plugin_u64 e = qemu_plugin_scoreboard_u64_in_struct(
		pc.sb, struct pmc_counts, c);

	e.offset += ((size_t)m * PMC_NCOUNTERS + (size_t)k) * sizeof(uint64_t);
	return e;
}

static qemu_plugin_u64 func_counter(size_t idx)
{
	qemu_plugin_u64 e = qemu_plugin_scoreboard_u64(pc.fsb);

	e.offset = idx * sizeof(uint64_t);
	return e;
}

static const struct region_set *regions(void)
{
	return pc.cfg.regions.n ? &pc.cfg.regions : &pc.announced;
}

/* --- memory callbacks: bytes by guest-physical address ------------------ */

enum mem_kind { MEM_LOAD, MEM_STORE, MEM_NT };

/* The pmem counter of each kind; its DRAM counter follows it. */
static const enum pmc_counter bytes_counter[] = {
	[MEM_LOAD] = PMC_LOAD_BYTES_PMEM,
	[MEM_STORE] = PMC_STORE_BYTES_PMEM,
	[MEM_NT] = PMC_NT_BYTES_PMEM,
};

_Static_assert(PMC_LOAD_BYTES_DRAM == PMC_LOAD_BYTES_PMEM + 1 &&
	       PMC_STORE_BYTES_DRAM == PMC_STORE_BYTES_PMEM + 1 &&
	       PMC_NT_BYTES_DRAM == PMC_NT_BYTES_PMEM + 1,
	       "each DRAM byte counter follows its pmem counter");

/* Kind and mode travel in the userdata pointer: no allocation per insn. */
#define MEM_UDATA(kind, mode) ((void *)(uintptr_t)((unsigned)(kind) << 1 | \
						   (unsigned)(mode)))

static void on_mem(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t va,
		   void *ud)
{
	uintptr_t u = (uintptr_t)ud;
	struct pmc_counts *c = qemu_plugin_scoreboard_find(pc.sb, vcpu);
	struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, va);
	uint64_t size = 1ull << qemu_plugin_mem_size_shift(info);
	uint64_t start, in = 0;
	uint64_t *v = &c->c[u & 1][bytes_counter[u >> 1]];

	/* MMIO is not pmem: it counts with DRAM, as "not in a region". */
	if (hw && !qemu_plugin_hwaddr_is_io(hw) &&
	    !regions_find(regions(), qemu_plugin_hwaddr_phys_addr(hw), size,
			  &start, &in))
		in = 0;		/* no region: regions_find left it alone */
	v[0] += in;
	v[1] += size - in;
}

/* --- translation -------------------------------------------------------- */

/* The event counter an instruction adds to, or -1. */
static int event_counter(const struct x86_insn *d)
{
	switch (d->cls) {
	case INSN_FLUSH:
		return d->kind == PMTRACE_FLUSH_CLWB ? PMC_CLWB :
		       d->kind == PMTRACE_FLUSH_CLFLUSHOPT ? PMC_CLFLUSHOPT :
		       PMC_CLFLUSH;
	case INSN_FENCE:
		return d->kind == PMTRACE_FENCE_SFENCE ? PMC_SFENCE :
		       d->kind == PMTRACE_FENCE_MFENCE ? PMC_MFENCE :
		       PMC_LFENCE;
	case INSN_LOCKED:
	case INSN_XCHG:
		return PMC_LOCKED;
	case INSN_NTSTORE:
		return PMC_NTSTORES;
	default:
		return -1;
	}
}

/* What the block-level counters need to know about each instruction. */
struct insn_note {
	enum pmc_mode mode;
	long func;		/* function index, -1 for none or user code */
};

/* The instructions from index i of a block to its end (see pmc_tail). */
static struct pmc_tail *make_tail(const struct insn_note *note, size_t i,
				  size_t n, uint64_t cpuid_pc)
{
	struct pmc_tail *t;
	uint32_t ngroups = 0;

	for (size_t j = i; j < n; j++)
		if (note[j].func >= 0 &&
		    (j == i || note[j].func != note[j - 1].func))
			ngroups++;
	t = g_malloc0(sizeof(*t) + ngroups * sizeof(t->group[0]));
	t->pc = cpuid_pc;
	for (size_t j = i; j < n; j++) {
		t->insns[note[j].mode]++;
		if (note[j].func < 0)
			continue;
		if (j == i || note[j].func != note[j - 1].func)
			t->group[t->ngroups++].func = (uint32_t)note[j].func;
		t->group[t->ngroups - 1].insns++;
	}
	g_ptr_array_add(pc.tails, t);
	return t;
}

/* Count the instruction's events and accesses; returns its class. */
static enum insn_class instrument_insn(struct qemu_plugin_insn *insn,
				       enum pmc_mode m, bool mem_cbs)
{
	uint8_t buf[16];
	size_t len = qemu_plugin_insn_data(insn, buf, sizeof(buf));
	struct x86_insn d;
	int ev;

	x86_decode(buf, len, &d);
	ev = event_counter(&d);
	if (ev >= 0)
		qemu_plugin_register_vcpu_insn_exec_inline_per_vcpu(
			insn, QEMU_PLUGIN_INLINE_ADD_U64,
			counter(m, (enum pmc_counter)ev), 1);
	/* Emitted at each access the instruction makes; none if it makes none. */
	qemu_plugin_register_vcpu_mem_inline_per_vcpu(
		insn, QEMU_PLUGIN_MEM_R, QEMU_PLUGIN_INLINE_ADD_U64,
		counter(m, PMC_LOADS), 1);
	qemu_plugin_register_vcpu_mem_inline_per_vcpu(
		insn, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_INLINE_ADD_U64,
		counter(m, PMC_STORES), 1);
	if (mem_cbs) {
		qemu_plugin_register_vcpu_mem_cb(insn, on_mem,
						 QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_R,
						 MEM_UDATA(MEM_LOAD, m));
		qemu_plugin_register_vcpu_mem_cb(
			insn, on_mem, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_W,
			MEM_UDATA(d.cls == INSN_NTSTORE ? MEM_NT : MEM_STORE, m));
	}
	return d.cls;
}

/* Block-level adds: instructions by mode and by function, and calls. */
static void instrument_block(struct qemu_plugin_tb *tb,
			     const struct insn_note *note, size_t n)
{
	uint64_t insns[PMC_NMODES] = { 0 };

	for (size_t i = 0; i < n; i++)
		insns[note[i].mode]++;
	for (int m = 0; m < PMC_NMODES; m++)
		if (insns[m])
			qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
				tb, QEMU_PLUGIN_INLINE_ADD_U64,
				counter((enum pmc_mode)m, PMC_INSNS), insns[m]);
	if (!pc.nfuncs)
		return;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && note[j].func == note[i].func; j++)
			;
		if (note[i].func >= 0)
			qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
				tb, QEMU_PLUGIN_INLINE_ADD_U64,
				func_counter(PMC_FUNC_INSNS(note[i].func)),
				j - i);
	}
	/* A call is an execution of the block that starts the function. */
	if (n && note[0].func >= 0 &&
	    dx_symmap_func_addr(pc.cfg.syms, (size_t)note[0].func) ==
		    qemu_plugin_tb_vaddr(tb))
		qemu_plugin_register_vcpu_tb_exec_inline_per_vcpu(
			tb, QEMU_PLUGIN_INLINE_ADD_U64,
			func_counter(PMC_FUNC_CALLS(note[0].func)), 1);
}

static void on_cpuid(unsigned vcpu, void *ud);

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);
	struct insn_note *note = g_new(struct insn_note, n ? n : 1);
	bool after_cpuid = false;

	(void)id;
	for (size_t i = 0; i < n; i++) {
		uint64_t ipc = qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i));

		note[i].mode = ipc >= PMC_KERNEL_BASE ? PMC_KERNEL : PMC_USER;
		note[i].func = note[i].mode == PMC_KERNEL && pc.nfuncs ?
			       dx_symmap_func_index(pc.cfg.syms, ipc) : -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);

		/*
		 * A START's reset takes effect only when its block ends, so
		 * the instructions after a cpuid get memory callbacks in any
		 * case: the rest of the window's first block is counted too.
		 */
		if (instrument_insn(insn, note[i].mode,
				    pc.mem_installed || after_cpuid) != INSN_CPUID)
			continue;
		qemu_plugin_register_vcpu_insn_exec_cb(
			insn, on_cpuid, QEMU_PLUGIN_CB_R_REGS,
			make_tail(note, i, n, qemu_plugin_insn_vaddr(insn)));
		after_cpuid = true;
	}
	instrument_block(tb, note, n);
	g_free(note);
}

/* --- memory callback toggling ------------------------------------------- */

static void on_exit_cb(qemu_plugin_id_t id, void *ud);

static uint64_t raw_insns(unsigned vcpu)
{
	const struct pmc_counts *c = qemu_plugin_scoreboard_find(pc.sb, vcpu);

	return c->c[PMC_USER][PMC_INSNS] + c->c[PMC_KERNEL][PMC_INSNS];
}

/*
 * The window's bytes are exact if the memory callbacks were in place
 * before the guest entered any block after the START one: block-level
 * instruction counts are added on entry, so an unchanged raw count says
 * no block was entered.
 */
static void settle_bytes(uint64_t raw_now)
{
	pc.bytes = raw_now == pc.start_raw ? PMC_BYTES_EXACT : PMC_BYTES_PARTIAL;
	pc.bytes_settled = true;
}

static void register_callbacks(void)
{
	qemu_plugin_register_vcpu_tb_trans_cb(pc.id, on_tb_trans);
	qemu_plugin_register_atexit_cb(pc.id, on_exit_cb, NULL);
}

/*
 * qemu_plugin_reset() has removed every callback of ours and flushed the
 * translated code (QEMU runs it as safe async work: all vCPUs stopped,
 * between two blocks). Register again; the blocks translated from now on
 * carry memory callbacks if a window is open.
 */
static void on_reset_done(qemu_plugin_id_t id)
{
	(void)id;
	pc.reset_pending = false;
	pc.mem_installed = pc.mem_want;
	pc.resets++;
	register_callbacks();
	if (pc.session && pmc_session_open_window(pc.session) &&
	    !pc.bytes_settled && pc.mem_installed)
		settle_bytes(raw_insns(0));
}

/*
 * Ask for memory callbacks (window open) or not. One reset at a time:
 * QEMU ignores a reset asked while one is pending, so a second change
 * before completion is left to on_reset_done, which installs what is
 * wanted then.
 */
static void want_mem(bool want)
{
	if (pc.cfg.mem != PMC_MEM_ON && pc.cfg.mem != PMC_MEM_FIRST)
		return;
	pc.mem_want = want;
	if (pc.reset_pending || want == pc.mem_installed)
		return;
	pc.reset_pending = true;
	qemu_plugin_reset(pc.id, on_reset_done);
}

/* --- markers ------------------------------------------------------------ */

/* The counters as they stood before the marker's cpuid; *raw without tail. */
static void snapshot(unsigned vcpu, const struct pmc_tail *tail,
		     struct pmc_counts *now, uint64_t *raw)
{
	*now = *(const struct pmc_counts *)qemu_plugin_scoreboard_find(pc.sb,
								       vcpu);
	*raw = now->c[PMC_USER][PMC_INSNS] + now->c[PMC_KERNEL][PMC_INSNS];
	if (pc.nfuncs)
		memcpy(pc.funcs_snap, qemu_plugin_scoreboard_find(pc.fsb, vcpu),
		       2 * pc.nfuncs * sizeof(uint64_t));
	pmc_apply_tail(now, pc.nfuncs ? pc.funcs_snap : NULL, tail);
}

/*
 * Copy len bytes of guest text at va into out, cut to outlen - 1, with
 * anything unprintable made '?'. Unmapped text reads as "?".
 */
static void read_guest_text(uint64_t va, uint64_t len, char *out,
			    size_t outlen)
{
	size_t n = len < outlen - 1 ? (size_t)len : outlen - 1;

	out[0] = '\0';
	if (!va || !n)
		return;
	if (!guest_read_virt(va, out, n)) {
		snprintf(out, outlen, "?");
		return;
	}
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)out[i] < ' ' || (unsigned char)out[i] > '~')
			out[i] = '?';
}

static void marker_start(unsigned vcpu, const struct pmc_tail *tail)
{
	struct pmc_counts now;
	uint64_t raw;

	snapshot(vcpu, tail, &now, &raw);
	if (pmc_session_start(pc.session, &now, pc.funcs_snap) != PMC_OK) {
		log_error("START while a window is open: ignored, the open "
			  "window goes on", tail->pc);
		return;
	}
	pc.start_raw = raw;
	pc.bytes_settled = true;
	switch (pc.cfg.mem) {
	case PMC_MEM_OFF:
		pc.bytes = PMC_BYTES_OFF;
		break;
	case PMC_MEM_ALWAYS:
		pc.bytes = PMC_BYTES_EXACT;
		break;
	case PMC_MEM_FIRST:
		/*
		 * Under icount the windows after the first of a label repeat
		 * it: their bytes are left out, and so is what counting them
		 * costs (two resets and a callback per access).
		 */
		if (!pc.fresh_mark) {
			pc.bytes = PMC_BYTES_OFF;
			break;
		}
		pc.fresh_mark = false;
		/* fall through */
	case PMC_MEM_ON:
		pc.bytes = PMC_BYTES_EXACT;
		pc.bytes_settled = pc.mem_installed && !pc.reset_pending;
		want_mem(true);
		break;
	}
}

static void marker_stop(unsigned vcpu, const struct pmc_tail *tail,
			uint64_t ops, uint64_t unit_va, uint64_t unit_len)
{
	char unit[PMMARK_UNIT_MAX + 1];
	struct pmc_counts now;
	enum pmc_result r;
	uint64_t raw;

	if (!pmc_session_open_window(pc.session)) {
		pmc_session_error(pc.session);
		log_error("STOP without an open window: ignored", tail->pc);
		return;
	}
	snapshot(vcpu, tail, &now, &raw);
	if (!pc.bytes_settled)
		settle_bytes(raw);
	if (pc.bytes == PMC_BYTES_PARTIAL)
		pc.partial_windows++;
	read_guest_text(unit_va, unit_len, unit, sizeof(unit));
	r = pmc_session_stop(pc.session, &now, pc.funcs_snap, ops, unit,
			     pc.bytes);
	if (r == PMC_WRITE_ERROR && !pc.write_failed) {
		pc.write_failed = true;
		pmc_log("counts=%s: write failed; later windows are lost too",
			pc.cfg.counts_path);
	}
	want_mem(false);
}

static void marker_region(uint64_t base, uint64_t size, uint64_t va,
			  uint64_t len, uint64_t at)
{
	char name[REGION_NAME_MAX], err[256];
	const struct region *r;
	uint64_t s, n;

	if (pc.cfg.regions.n)
		return;		/* region= overrides the guest */
	read_guest_text(va, len, name, sizeof(name));
	/* pmmark announce may run more than once per boot: same region, no-op. */
	r = regions_find(&pc.announced, base, size, &s, &n);
	if (r && r->base == base && r->size == size)
		return;
	if (regions_add(&pc.announced, base, size, name, err, sizeof(err))) {
		if (pc.logged++ < 8)
			pmc_log("guest region ignored at pc 0x%" PRIx64 ": %s",
				at, err);
		return;
	}
	pmc_log("region %s 0x%" PRIx64 "+0x%" PRIx64,
		pc.announced.r[pc.announced.n - 1].name, base, size);
}

static void on_cpuid(unsigned vcpu, void *ud)
{
	const struct pmc_tail *tail = ud;
	char label[PMMARK_LABEL_MAX + 1];
	uint64_t rax, rbx, rcx, rdx, rsi;

	if (!pc.session)
		return;		/* after exit: nothing to count into */
	if (!guest_read_reg(GREG_RAX, &rax) ||
	    ((uint32_t)rax & PMMARK_LEAF_MASK) != PMMARK_LEAF)
		return;
	if (!guest_read_reg(GREG_RBX, &rbx) || !guest_read_reg(GREG_RCX, &rcx) ||
	    !guest_read_reg(GREG_RDX, &rdx) || !guest_read_reg(GREG_RSI, &rsi)) {
		pmc_log("marker at 0x%" PRIx64 ": cannot read registers",
			tail->pc);
		return;
	}
	switch ((uint32_t)rax & ~PMMARK_LEAF_MASK) {
	case PMMARK_START:
		marker_start(vcpu, tail);
		break;
	case PMMARK_STOP:
		marker_stop(vcpu, tail, rbx, rcx, rdx);
		break;
	case PMMARK_MARK:
		read_guest_text(rcx, rdx, label, sizeof(label));
		pmc_session_mark(pc.session, rbx, label);
		pc.fresh_mark = true;
		break;
	case PMMARK_REGION:
		marker_region(rbx, rcx, rdx, rsi, tail->pc);
		break;
	default:
		pmc_session_error(pc.session);
		log_error("unknown marker command", tail->pc);
		break;
	}
}

/* --- install and exit --------------------------------------------------- */

static void write_stats(const char *path, bool open_at_exit)
{
	struct pmc_stats st = {
		.counts_path = pc.cfg.counts_path,
		.windows = pmc_session_windows(pc.session),
		.protocol_errors = pmc_session_errors(pc.session),
		.window_open_at_exit = open_at_exit,
		.mem = pc.cfg.mem,
		.mem_resets = pc.resets,
		.bytes_partial_windows = pc.partial_windows,
		.system_map = pc.cfg.system_map,
		.functions = pc.nfuncs,
		.insns_user = qemu_plugin_u64_sum(counter(PMC_USER, PMC_INSNS)),
		.insns_kernel = qemu_plugin_u64_sum(counter(PMC_KERNEL, PMC_INSNS)),
		.regions = regions(),
	};
	char err[512];

	if (pmc_stats_write(path, &st, err, sizeof(err)))
		pmc_log("%s", err);
}

static void on_exit_cb(qemu_plugin_id_t id, void *ud)
{
	bool open_at_exit;

	(void)id;
	(void)ud;
	if (!pc.session)
		return;
	open_at_exit = pmc_session_open_window(pc.session);
	if (open_at_exit)
		pmc_log("exit with a window open: it has no record (counted "
			"as a protocol error)");
	if (pmc_session_close(pc.session))
		pmc_log("counts=%s: write failed", pc.cfg.counts_path);
	if (pc.cfg.stats_path)
		write_stats(pc.cfg.stats_path, open_at_exit);
	pmc_log("exit: %" PRIu64 " windows, %" PRIu64 " protocol errors, "
		"mem=%s (%" PRIu64 " resets, %" PRIu64 " windows with partial "
		"bytes)", pmc_session_windows(pc.session),
		pmc_session_errors(pc.session), pmc_mem_mode_name(pc.cfg.mem),
		pc.resets, pc.partial_windows);
	pmc_session_free(pc.session);
	pc.session = NULL;
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned vcpu)
{
	(void)id;
	(void)vcpu;
	guest_cpu_init_or_exit("pmcount");
}

static int install_fail(const char *msg)
{
	pmc_log("%s", msg);
	pmcount_args_free(&pc.cfg);
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *refusal = guest_machine_refusal(info, "the markers and "
						    "counters assume one vCPU");
	char err[512];

	if (refusal)
		return install_fail(refusal);
	if (pmcount_args_parse(&pc.cfg, argc, argv, err, sizeof(err)))
		return install_fail(err);
	pc.session = pmc_session_open(pc.cfg.counts_path, pc.cfg.syms,
				      pc.cfg.mem, err, sizeof(err));
	if (!pc.session)
		return install_fail(err);
	pc.id = id;
	pc.nfuncs = dx_symmap_nfuncs(pc.cfg.syms);
	pc.sb = qemu_plugin_scoreboard_new(sizeof(struct pmc_counts));
	if (pc.nfuncs) {
		pc.fsb = qemu_plugin_scoreboard_new(2 * pc.nfuncs *
						    sizeof(uint64_t));
		pc.funcs_snap = g_new0(uint64_t, 2 * pc.nfuncs);
	}
	pc.tails = g_ptr_array_new_with_free_func(g_free);
	pc.mem_installed = pc.cfg.mem == PMC_MEM_ALWAYS;
	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
	register_callbacks();
	return 0;
}
