/* SPDX-License-Identifier: MIT */
/*
 * Access to the vCPU state through the QEMU plugin API: general registers,
 * segment bases and control registers by name, and guest memory by virtual
 * address. Register reads are only valid inside callbacks registered with
 * QEMU_PLUGIN_CB_R_REGS.
 */
#ifndef GUEST_CPU_H
#define GUEST_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "x86_decode.h"

enum guest_reg {
	/* The GPRs in x86 encoding order, equal to enum x86_gpr. */
	GREG_RAX, GREG_RCX, GREG_RDX, GREG_RBX,
	GREG_RSP, GREG_RBP, GREG_RSI, GREG_RDI,
	GREG_R8, GREG_R9, GREG_R10, GREG_R11,
	GREG_R12, GREG_R13, GREG_R14, GREG_R15,
	GREG_FS_BASE,
	GREG_GS_BASE,
	GREG_CR3,
	GREG_CR4,
	GREG_COUNT,
};

/*
 * Look up the register handles; call from a vCPU init callback. Returns 0,
 * or -1 with the name of the first missing register in err.
 */
int guest_cpu_init(char *err, size_t errlen);
bool guest_cpu_ready(void);

/*
 * The vCPU init callback of a plugin: guest_cpu_init() once, or exit QEMU
 * with "WHO: why" on stderr (the plugin API has no way to fail later).
 */
void guest_cpu_init_or_exit(const char *who);

/*
 * The machine a plugin needs: qemu-system-x86_64 with one vCPU. NULL when
 * info describes it, else why not; why_one_vcpu says what more vCPUs
 * would break. Takes a const qemu_info_t * (void * here: this header has
 * no QEMU in it).
 */
const char *guest_machine_refusal(const void *qemu_info,
				  const char *why_one_vcpu);

/* Read one register (zero-extended); false if QEMU refuses. */
bool guest_read_reg(enum guest_reg r, uint64_t *val);

/* Read the registers a memory operand needs (the others stay zero). */
bool guest_read_operand_regs(const struct x86_memop *m, struct x86_regs *r);

/* Copy len bytes at guest-virtual va (current page tables) into buf. */
bool guest_read_virt(uint64_t va, void *buf, size_t len);

#endif /* GUEST_CPU_H */
