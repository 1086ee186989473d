// SPDX-License-Identifier: MIT
/*
 * vCPU register and memory access. QEMU exposes registers by the names of
 * its gdbstub description (rax..r15, fs_base, gs_base, cr3, cr4); the
 * handles are the same for every vCPU of the machine.
 */
#include "guest_cpu.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <qemu-plugin.h>

static const char *const reg_names[GREG_COUNT] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"fs_base", "gs_base", "cr3", "cr4",
};

_Static_assert((int)GREG_R15 == (int)X86_R15 && (int)GREG_FS_BASE == (int)X86_NGPR,
	       "guest_reg numbers the GPRs as x86_gpr does");

static struct qemu_plugin_register *handles[GREG_COUNT];
static bool ready;
static GByteArray *scratch;

int guest_cpu_init(char *err, size_t errlen)
{
	GArray *regs = qemu_plugin_get_registers();

	if (!scratch)
		scratch = g_byte_array_new();
	for (unsigned i = 0; i < regs->len; i++) {
		qemu_plugin_reg_descriptor *d =
			&g_array_index(regs, qemu_plugin_reg_descriptor, i);

		for (unsigned r = 0; r < GREG_COUNT; r++)
			if (!strcmp(d->name, reg_names[r]))
				handles[r] = d->handle;
	}
	g_array_free(regs, TRUE);
	for (unsigned r = 0; r < GREG_COUNT; r++) {
		if (!handles[r]) {
			snprintf(err, errlen, "QEMU exposes no '%s' register "
				 "(is the guest x86_64?)", reg_names[r]);
			return -1;
		}
	}
	ready = true;
	return 0;
}

const char *guest_machine_refusal(const void *qemu_info,
				  const char *why_one_vcpu)
{
	static char msg[256];
	const qemu_info_t *info = qemu_info;

	if (!info->system_emulation || strcmp(info->target_name, "x86_64"))
		return "needs qemu-system-x86_64";
	if (info->system.smp_vcpus != 1 || info->system.max_vcpus != 1) {
		snprintf(msg, sizeof(msg), "needs -smp 1: %s", why_one_vcpu);
		return msg;
	}
	return NULL;
}

bool guest_cpu_ready(void)
{
	return ready;
}

void guest_cpu_init_or_exit(const char *who)
{
	char err[256];

	if (ready)
		return;
	if (guest_cpu_init(err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n", who, err);
		exit(EXIT_FAILURE);
	}
}

bool guest_read_reg(enum guest_reg r, uint64_t *val)
{
	int n;

	g_byte_array_set_size(scratch, 0);
	n = qemu_plugin_read_register(handles[r], scratch);
	if (n <= 0 || n > 8)
		return false;
	*val = 0;
	for (int i = 0; i < n; i++)	/* target byte order: little-endian */
		*val |= (uint64_t)scratch->data[i] << (8 * i);
	return true;
}

bool guest_read_operand_regs(const struct x86_memop *m, struct x86_regs *r)
{
	memset(r, 0, sizeof(*r));
	if (m->base >= 0 && m->base < X86_NGPR &&
	    !guest_read_reg((enum guest_reg)m->base, &r->gpr[m->base]))
		return false;
	if (m->index >= 0 &&
	    !guest_read_reg((enum guest_reg)m->index, &r->gpr[m->index]))
		return false;
	if (m->seg == X86_SEG_FS && !guest_read_reg(GREG_FS_BASE, &r->fs_base))
		return false;
	if (m->seg == X86_SEG_GS && !guest_read_reg(GREG_GS_BASE, &r->gs_base))
		return false;
	return true;
}

bool guest_read_virt(uint64_t va, void *buf, size_t len)
{
	g_byte_array_set_size(scratch, 0);
	if (!len || !qemu_plugin_read_memory_vaddr(va, scratch, len) ||
	    scratch->len < len)
		return false;
	memcpy(buf, scratch->data, len);
	return true;
}
