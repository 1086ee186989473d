/* SPDX-License-Identifier: MIT */
/*
 * Classification of x86-64 instructions by their effect on persistence, and
 * the memory operand of cache-line flushes. TCG gives no memory callback for
 * clwb, clflushopt and clflush, so the tracer computes their address from
 * the ModRM/SIB bytes and the registers. Decoding assumes 64-bit mode: the
 * traced window runs in long mode (kernel and 64-bit user programs).
 */
#ifndef X86_DECODE_H
#define X86_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an instruction means for the trace. */
enum insn_class {
	INSN_PLAIN = 0,		/* its stores are ordinary (cached) stores */
	INSN_REP_STORE,		/* rep movs / rep stos: a run of plain stores */
	INSN_NTSTORE,		/* movnti, movnt*, maskmov*, vmovnt*, movdir* */
	INSN_LOCKED,		/* lock-prefixed read-modify-write */
	INSN_XCHG,		/* xchg with a memory operand (implicitly locked) */
	INSN_FLUSH,		/* clwb, clflushopt, clflush; kind + mem */
	INSN_FENCE,		/* sfence, mfence, lfence; kind */
	INSN_CPUID,		/* guest marker channel */
};

/* Register numbers as x86 encodes them (rax=0 ... r15=15). */
enum x86_gpr {
	X86_RAX, X86_RCX, X86_RDX, X86_RBX, X86_RSP, X86_RBP, X86_RSI, X86_RDI,
	X86_R8, X86_R9, X86_R10, X86_R11, X86_R12, X86_R13, X86_R14, X86_R15,
	X86_NGPR,
	X86_RIP = X86_NGPR,	/* base register of a RIP-relative operand */
	X86_NOREG = -1,
};

enum x86_seg { X86_SEG_NONE, X86_SEG_FS, X86_SEG_GS };

/* A decoded memory operand: seg:[base + index*scale + disp]. */
struct x86_memop {
	int8_t base;		/* enum x86_gpr, X86_RIP or X86_NOREG */
	int8_t index;		/* enum x86_gpr or X86_NOREG */
	uint8_t scale;		/* 1, 2, 4 or 8 */
	uint8_t seg;		/* enum x86_seg */
	bool addr32;		/* 0x67 prefix: 32-bit address arithmetic */
	int32_t disp;
};

struct x86_insn {
	enum insn_class cls;
	uint8_t kind;		/* pmtrace flush or fence kind */
	struct x86_memop mem;	/* valid for INSN_FLUSH */
};

/*
 * Decode the instruction at buf (n bytes available). Returns 0 and fills
 * *out; an instruction that cannot be decoded from n bytes is INSN_PLAIN.
 */
int x86_decode(const uint8_t *buf, size_t n, struct x86_insn *out);

/* The register values an effective address may need. */
struct x86_regs {
	uint64_t gpr[X86_NGPR];
	uint64_t fs_base, gs_base;
};

/* Linear address of m; next_rip is the address after the instruction. */
uint64_t x86_effective_addr(const struct x86_memop *m,
			    const struct x86_regs *r, uint64_t next_rip);

#endif /* X86_DECODE_H */
