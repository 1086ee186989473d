// SPDX-License-Identifier: MIT
/*
 * pmtrace: a QEMU TCG plugin that records, for the guest's persistent
 * memory, every store, non-temporal store, cache-line flush and fence in
 * the libpmsim trace format (crashtest/TRACE-FORMAT.md).
 *
 * Stores come from memory callbacks, which run after the store and give
 * its guest-physical address and value. Flushes have no memory callback
 * under TCG, so their address is decoded from the instruction (see
 * flush_resolve.c). Fences and locked instructions are found by decoding
 * at translation time. Guest markers (cpuid, see pmmark.h) start and stop
 * tracing; drain= points mark where the kernel claims its write-backs
 * durable. README.md describes the arguments.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <qemu-plugin.h>

#include "guest_cpu.h"
#include "pmtrace.h"
#include "tracer.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

/* Translated flush and fence instructions, kept until exit. */
static GPtrArray *insn_infos;

static unsigned value_bytes(qemu_plugin_meminfo_t info, uint8_t *out)
{
	qemu_plugin_mem_value v = qemu_plugin_mem_get_value(info);
	unsigned size = 1u << qemu_plugin_mem_size_shift(info);
	uint64_t lo = 0, hi = 0;

	switch (v.type) {
	case QEMU_PLUGIN_MEM_VALUE_U8: lo = v.data.u8; break;
	case QEMU_PLUGIN_MEM_VALUE_U16: lo = v.data.u16; break;
	case QEMU_PLUGIN_MEM_VALUE_U32: lo = v.data.u32; break;
	case QEMU_PLUGIN_MEM_VALUE_U64: lo = v.data.u64; break;
	case QEMU_PLUGIN_MEM_VALUE_U128:
		lo = v.data.u128.low;
		hi = v.data.u128.high;
		break;
	}
	if (size > 16)
		size = 16;
	for (unsigned i = 0; i < size; i++)
		out[i] = (uint8_t)(i < 8 ? lo >> (8 * i) : hi >> (8 * (i - 8)));
	return size;
}

/* Guest-physical address of a RAM access, false for MMIO. */
static bool store_phys(qemu_plugin_meminfo_t info, uint64_t va, uint64_t *pa)
{
	struct qemu_plugin_hwaddr *hw = qemu_plugin_get_hwaddr(info, va);

	if (!hw || qemu_plugin_hwaddr_is_io(hw))
		return false;
	*pa = qemu_plugin_hwaddr_phys_addr(hw);
	return true;
}

enum store_kind { STORE_PLAIN, STORE_NT, STORE_LOCKED, STORE_REP };

static void record_store(qemu_plugin_meminfo_t info, uint64_t va,
			 uint64_t pc, enum store_kind kind)
{
	bool ok;
	uint8_t data[16];
	unsigned size;
	uint64_t pa;

	if (!store_phys(info, va, &pa))
		return;
	size = value_bytes(info, data);
	/*
	 * An atomic helper may report the old value; the callback runs after
	 * the store, so memory holds what the instruction wrote.
	 */
	if (kind == STORE_LOCKED)
		guest_read_virt(va, data, size);
	if (kind == STORE_REP)
		ok = trace_out_store_run(tracer.out, pa, data, size, pc);
	else
		ok = trace_out_store(tracer.out, kind == STORE_NT, pa, data,
				     size, pc);
	if (!ok)
		tracer_output_stopped();
}

static void on_store(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t va,
		     void *ud)
{
	(void)vcpu;
	if (tracer.on)
		record_store(info, va, (uint64_t)(uintptr_t)ud, STORE_PLAIN);
}

static void on_ntstore(unsigned vcpu, qemu_plugin_meminfo_t info, uint64_t va,
		       void *ud)
{
	(void)vcpu;
	if (tracer.on)
		record_store(info, va, (uint64_t)(uintptr_t)ud, STORE_NT);
}

static void on_rep_store(unsigned vcpu, qemu_plugin_meminfo_t info,
			 uint64_t va, void *ud)
{
	(void)vcpu;
	if (tracer.on)
		record_store(info, va, (uint64_t)(uintptr_t)ud, STORE_REP);
}

/* Locked RMW or xchg: its STORE, then the FENCE it implies. */
static void on_locked_store(unsigned vcpu, qemu_plugin_meminfo_t info,
			    uint64_t va, void *ud)
{
	const struct insn_info *ii = ud;

	(void)vcpu;
	if (!tracer.on)
		return;
	record_store(info, va, ii->pc, STORE_LOCKED);
	if (tracer.on && !trace_out_fence(tracer.out, ii->d.kind, ii->pc))
		tracer_output_stopped();
}

static void on_flush(unsigned vcpu, void *ud)
{
	const struct insn_info *ii = ud;
	uint64_t va, pa;

	(void)vcpu;
	if (!tracer.on)
		return;
	if (!flush_resolve(ii, &va, &pa)) {
		trace_out_flush_unresolved(tracer.out);
		if (tracer.unresolved_logged++ < 8)
			tracer_log("unresolved flush of 0x%" PRIx64 " at pc "
				   "0x%" PRIx64, va, ii->pc);
		return;
	}
	if (!trace_out_flush(tracer.out, ii->d.kind, pa, ii->pc))
		tracer_output_stopped();
}

static void on_fence(unsigned vcpu, void *ud)
{
	const struct insn_info *ii = ud;

	(void)vcpu;
	if (tracer.on && !trace_out_fence(tracer.out, ii->d.kind, ii->pc))
		tracer_output_stopped();
}

static void on_cpuid(unsigned vcpu, void *ud)
{
	(void)vcpu;
	tracer_on_cpuid((uint64_t)(uintptr_t)ud);
}

static void on_drain(unsigned vcpu, void *ud)
{
	(void)vcpu;
	tracer_on_drain(ud);
}

static struct insn_info *keep_info(uint64_t pc, uint64_t next_pc,
				   const struct x86_insn *d)
{
	struct insn_info *ii = g_new(struct insn_info, 1);

	ii->pc = pc;
	ii->next_pc = next_pc;
	ii->d = *d;
	g_ptr_array_add(insn_infos, ii);
	return ii;
}

static void instrument(struct qemu_plugin_insn *insn)
{
	uint64_t pc = qemu_plugin_insn_vaddr(insn);
	void *pc_ud = (void *)(uintptr_t)pc;
	uint8_t buf[16];
	size_t n = qemu_plugin_insn_data(insn, buf, sizeof(buf));
	struct insn_info *ii;
	struct x86_insn d;

	for (unsigned i = 0; i < tracer.cfg.ndrain; i++)
		if (tracer.cfg.drain[i].pc == pc)
			qemu_plugin_register_vcpu_insn_exec_cond_cb(
				insn, on_drain, QEMU_PLUGIN_CB_NO_REGS,
				QEMU_PLUGIN_COND_NE, tracer.on_flag, 0,
				&tracer.cfg.drain[i]);
	x86_decode(buf, n, &d);
	switch (d.cls) {
	case INSN_PLAIN:
	case INSN_REP_STORE:
	case INSN_NTSTORE:
		qemu_plugin_register_vcpu_mem_cb(insn, d.cls == INSN_PLAIN ? on_store :
						 d.cls == INSN_NTSTORE ? on_ntstore :
						 on_rep_store,
						 QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_W, pc_ud);
		break;
	case INSN_LOCKED:
	case INSN_XCHG:
		d.kind = d.cls == INSN_XCHG ? PMTRACE_FENCE_XCHG
					    : PMTRACE_FENCE_RMW;
		ii = keep_info(pc, pc + qemu_plugin_insn_size(insn), &d);
		qemu_plugin_register_vcpu_mem_cb(insn, on_locked_store,
						 QEMU_PLUGIN_CB_NO_REGS,
						 QEMU_PLUGIN_MEM_W, ii);
		break;
	case INSN_FLUSH:
	case INSN_FENCE:
		/* Only while tracing; a flush reads its operand's registers. */
		ii = keep_info(pc, pc + qemu_plugin_insn_size(insn), &d);
		qemu_plugin_register_vcpu_insn_exec_cond_cb(
			insn, d.cls == INSN_FLUSH ? on_flush : on_fence,
			d.cls == INSN_FLUSH ? QEMU_PLUGIN_CB_R_REGS :
					      QEMU_PLUGIN_CB_NO_REGS,
			QEMU_PLUGIN_COND_NE, tracer.on_flag, 0, ii);
		break;
	case INSN_CPUID:
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_cpuid,
						       QEMU_PLUGIN_CB_R_REGS,
						       pc_ud);
		break;
	}
}

static void on_tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	size_t n = qemu_plugin_tb_n_insns(tb);

	(void)id;
	for (size_t i = 0; i < n; i++)
		instrument(qemu_plugin_tb_get_insn(tb, i));
}

static void on_vcpu_init(qemu_plugin_id_t id, unsigned vcpu)
{
	(void)id;
	(void)vcpu;
	guest_cpu_init_or_exit("pmtrace");
}

static void on_exit_cb(qemu_plugin_id_t id, void *ud)
{
	(void)id;
	(void)ud;
	tracer_finish();
	g_ptr_array_free(insn_infos, TRUE);
}

static int install_fail(const char *msg)
{
	tracer_log("%s", msg);
	return -1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id,
					   const qemu_info_t *info, int argc,
					   char **argv)
{
	const char *refusal = guest_machine_refusal(info, "with more vCPUs "
						    "the callbacks do not run in memory order");
	struct qemu_plugin_scoreboard *sb;
	char err[512];

	if (refusal)
		return install_fail(refusal);
	if (tracer_args_parse(&tracer.cfg, argc, argv, err, sizeof(err)))
		return install_fail(err);
	if (tracer.cfg.have_page_offset_base) {
		tracer.pob = tracer.cfg.page_offset_base;
		tracer.pob_known = true;
	} else if (!tracer.cfg.have_pob_symbol) {
		/* No memory randomisation: the direct map is at its default. */
		tracer.pob = DEFAULT_PAGE_OFFSET_BASE;
		tracer.pob_known = true;
	}
	if (!tracer.cfg.nbacking &&
	    backing_discover(&tracer.discovered, err, sizeof(err)))
		tracer_log("%s; initial images will be read from guest memory",
			   err);
	/* With windows= each pmmark window NAME opens its own trace. */
	if (tracer.cfg.trace_path) {
		tracer.out = trace_out_open(tracer.cfg.trace_path,
					    tracer.cfg.max_trace_bytes, err,
					    sizeof(err));
		if (!tracer.out)
			return install_fail(err);
	}
	sb = qemu_plugin_scoreboard_new(sizeof(uint64_t));
	tracer.on_flag = qemu_plugin_scoreboard_u64(sb);
	insn_infos = g_ptr_array_new_with_free_func(g_free);

	qemu_plugin_register_vcpu_init_cb(id, on_vcpu_init);
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_trans);
	qemu_plugin_register_atexit_cb(id, on_exit_cb, NULL);
	return 0;
}
