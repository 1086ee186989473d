// SPDX-License-Identifier: MIT
/*
 * From a flush instruction to the guest-physical line it flushes: the
 * effective address from ModRM/SIB and the registers (read before the
 * instruction runs), then a walk of the guest page tables from CR3 whose
 * entries are read through the kernel's direct map.
 */
#include "tracer.h"

#include "guest_cpu.h"
#include "pgwalk.h"

static bool read_entry(void *ctx, uint64_t pa, uint64_t *entry)
{
	uint64_t pob = *(const uint64_t *)ctx;
	uint8_t b[8];

	if (!guest_read_virt(pob + pa, b, sizeof(b)))
		return false;
	*entry = 0;
	for (int i = 0; i < 8; i++)
		*entry |= (uint64_t)b[i] << (8 * i);
	return true;
}

bool tracer_virt_to_phys(uint64_t va, uint64_t *pa)
{
	uint64_t cr3, cr4, pob;

	if (!tracer_page_offset_base(&pob) || !guest_read_reg(GREG_CR3, &cr3) ||
	    !guest_read_reg(GREG_CR4, &cr4))
		return false;
	return pgwalk_translate(cr3, cr4, va, read_entry, &pob, pa) == PGWALK_OK;
}

bool flush_resolve(const struct insn_info *ii, uint64_t *va, uint64_t *pa)
{
	struct x86_regs regs;

	*va = 0;
	if (!guest_read_operand_regs(&ii->d.mem, &regs))
		return false;
	*va = x86_effective_addr(&ii->d.mem, &regs, ii->next_pc);
	return tracer_virt_to_phys(*va, pa);
}
