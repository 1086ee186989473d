// SPDX-License-Identifier: MIT
/*
 * x86-64 decoding for the tracer: prefixes, REX/VEX/EVEX, the opcode map
 * and ModRM/SIB. Only the instructions that matter for persistence are
 * recognised; everything else is INSN_PLAIN, whose stores the memory
 * callback records as ordinary stores.
 */
#include "x86_decode.h"

#include <string.h>

#include "pmtrace.h"

enum opmap { MAP_1BYTE, MAP_0F, MAP_0F38, MAP_0F3A, MAP_OTHER };

/* Mandatory-prefix selector as VEX/EVEX encode it (pp). */
enum simd_pfx { PFX_NONE, PFX_66, PFX_F3, PFX_F2 };

struct prefixes {
	bool lock, opsize, addr32;
	enum simd_pfx rep;	/* last F2/F3 seen, PFX_NONE if none */
	uint8_t seg;		/* enum x86_seg */
	bool rex_x, rex_b;
	bool vex;		/* VEX or EVEX encoded */
	enum simd_pfx vex_pp;
};

static bool is_legacy_prefix(uint8_t b)
{
	switch (b) {
	case 0xf0: case 0xf2: case 0xf3: case 0x2e: case 0x36: case 0x3e:
	case 0x26: case 0x64: case 0x65: case 0x66: case 0x67:
		return true;
	default:
		return false;
	}
}

static void note_prefix(struct prefixes *p, uint8_t b)
{
	switch (b) {
	case 0xf0: p->lock = true; break;
	case 0xf2: p->rep = PFX_F2; break;
	case 0xf3: p->rep = PFX_F3; break;
	case 0x66: p->opsize = true; break;
	case 0x67: p->addr32 = true; break;
	case 0x64: p->seg = X86_SEG_FS; break;
	case 0x65: p->seg = X86_SEG_GS; break;
	default: p->seg = X86_SEG_NONE; break;	/* cs/ss/ds/es: base 0 */
	}
}

/* The SIMD prefix that selects the instruction (66, F3, F2 or none). */
static enum simd_pfx simd_prefix(const struct prefixes *p)
{
	if (p->vex)
		return p->vex_pp;
	if (p->rep != PFX_NONE)
		return p->rep;
	return p->opsize ? PFX_66 : PFX_NONE;
}

/*
 * The little-endian 32-bit displacement at buf[i] into m->disp; false if
 * the bytes run out. The three ModRM forms that carry one share it.
 */
static bool disp32(const uint8_t *buf, size_t n, size_t i, struct x86_memop *m)
{
	if (i + 4 > n)
		return false;
	m->disp = (int32_t)((uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 |
			    (uint32_t)buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 24);
	return true;
}

/*
 * Decode ModRM (and SIB, displacement) at buf[i]. Returns false if the
 * bytes run out. *mod and *reg receive the fields; m the memory operand.
 */
static bool decode_modrm(const uint8_t *buf, size_t n, size_t i,
			 const struct prefixes *p, unsigned *mod,
			 unsigned *reg, struct x86_memop *m)
{
	unsigned rm;
	uint8_t modrm;

	if (i >= n)
		return false;
	modrm = buf[i++];
	*mod = modrm >> 6;
	*reg = (modrm >> 3) & 7;
	rm = modrm & 7;
	memset(m, 0, sizeof(*m));
	m->base = X86_NOREG;
	m->index = X86_NOREG;
	m->scale = 1;
	m->seg = p->seg;
	m->addr32 = p->addr32;
	if (*mod == 3)
		return true;
	if (rm == 4) {
		uint8_t sib;
		unsigned idx, base;

		if (i >= n)
			return false;
		sib = buf[i++];
		m->scale = (uint8_t)(1u << (sib >> 6));
		idx = ((sib >> 3) & 7) | (p->rex_x ? 8u : 0u);
		base = sib & 7;
		if (idx != 4)	/* rsp cannot be an index; r12 can */
			m->index = (int8_t)idx;
		if (base == 5 && *mod == 0)
			return disp32(buf, n, i, m);
		m->base = (int8_t)(base | (p->rex_b ? 8u : 0u));
	} else if (rm == 5 && *mod == 0) {
		m->base = X86_RIP;
		return disp32(buf, n, i, m);
	} else {
		m->base = (int8_t)(rm | (p->rex_b ? 8u : 0u));
	}
	if (*mod == 1) {
		if (i >= n)
			return false;
		m->disp = (int8_t)buf[i];
	} else if (*mod == 2) {
		return disp32(buf, n, i, m);
	}
	return true;
}

/* 0F AE group: flushes with a memory operand, fences with a register one. */
static void classify_0fae(unsigned mod, unsigned reg, enum simd_pfx pfx,
			  struct x86_insn *out)
{
	if (mod != 3) {
		if (reg == 7 && pfx == PFX_NONE) {
			out->cls = INSN_FLUSH;
			out->kind = PMTRACE_FLUSH_CLFLUSH;
		} else if (reg == 7 && pfx == PFX_66) {
			out->cls = INSN_FLUSH;
			out->kind = PMTRACE_FLUSH_CLFLUSHOPT;
		} else if (reg == 6 && pfx == PFX_66) {
			out->cls = INSN_FLUSH;
			out->kind = PMTRACE_FLUSH_CLWB;
		}
		return;
	}
	if (pfx != PFX_NONE)
		return;		/* rdfsbase, umwait, ...: not fences */
	out->cls = INSN_FENCE;
	switch (reg) {
	case 5: out->kind = PMTRACE_FENCE_LFENCE; break;
	case 6: out->kind = PMTRACE_FENCE_MFENCE; break;
	case 7: out->kind = PMTRACE_FENCE_SFENCE; break;
	default: out->cls = INSN_PLAIN; break;
	}
}

/* Non-temporal stores in the 0F map (legacy SSE and VEX/EVEX forms). */
static bool is_nt_0f(uint8_t op, unsigned mod, enum simd_pfx pfx, bool vex)
{
	switch (op) {
	case 0x2b:	/* movntps/pd, movntss/sd (SSE4a), vmovntps/pd */
		return mod != 3;
	case 0xe7:	/* movntq, movntdq, vmovntdq */
		return mod != 3 && (!vex || pfx == PFX_66);
	case 0xc3:	/* movnti */
		return !vex && mod != 3 && pfx == PFX_NONE;
	case 0xf7:	/* maskmovq, maskmovdqu, vmaskmovdqu: store to [rdi] */
		return mod == 3 && (!vex || pfx == PFX_66);
	default:
		return false;
	}
}

/* Parse a VEX (C4/C5) or EVEX (62) prefix at buf[i]; returns bytes used. */
static size_t parse_vex(const uint8_t *buf, size_t n, size_t i,
			struct prefixes *p, enum opmap *map)
{
	static const enum opmap maps[4] = { MAP_OTHER, MAP_0F, MAP_0F38,
					    MAP_0F3A };
	uint8_t b0 = buf[i];

	p->vex = true;
	if (b0 == 0xc5) {
		if (i + 2 > n)
			return 0;
		p->vex_pp = (enum simd_pfx)(buf[i + 1] & 3);
		*map = MAP_0F;
		return 2;
	}
	if (b0 == 0xc4) {
		if (i + 3 > n)
			return 0;
		p->rex_x = !(buf[i + 1] & 0x40);
		p->rex_b = !(buf[i + 1] & 0x20);
		*map = (buf[i + 1] & 0x1f) < 4 ? maps[buf[i + 1] & 0x1f]
					       : MAP_OTHER;
		p->vex_pp = (enum simd_pfx)(buf[i + 2] & 3);
		return 3;
	}
	/* EVEX: 62 P0 P1 P2 */
	if (i + 4 > n)
		return 0;
	p->rex_x = !(buf[i + 1] & 0x40);
	p->rex_b = !(buf[i + 1] & 0x20);
	*map = maps[buf[i + 1] & 3];
	p->vex_pp = (enum simd_pfx)(buf[i + 2] & 3);
	return 4;
}

int x86_decode(const uint8_t *buf, size_t n, struct x86_insn *out)
{
	struct prefixes p = { 0 };
	enum opmap map = MAP_1BYTE;
	struct x86_memop m;
	unsigned mod, reg;
	size_t i = 0;
	uint8_t op;

	memset(out, 0, sizeof(*out));
	out->cls = INSN_PLAIN;
	while (i < n && is_legacy_prefix(buf[i]))
		note_prefix(&p, buf[i++]);
	if (i < n && (buf[i] & 0xf0) == 0x40) {
		p.rex_x = buf[i] & 2;
		p.rex_b = buf[i] & 1;
		i++;
	}
	if (i >= n)
		return 0;
	if (buf[i] == 0xc4 || buf[i] == 0xc5 || buf[i] == 0x62) {
		size_t used = parse_vex(buf, n, i, &p, &map);

		if (!used)
			return 0;
		i += used;
	} else if (buf[i] == 0x0f) {
		i++;
		map = MAP_0F;
		if (i < n && buf[i] == 0x38) {
			map = MAP_0F38;
			i++;
		} else if (i < n && buf[i] == 0x3a) {
			map = MAP_0F3A;
			i++;
		}
	}
	if (i >= n)
		return 0;
	op = buf[i++];

	if (map == MAP_1BYTE) {
		if ((op == 0x86 || op == 0x87) && !p.vex) {
			if (decode_modrm(buf, n, i, &p, &mod, &reg, &m) &&
			    mod != 3)
				out->cls = INSN_XCHG;
			return 0;
		}
		if (p.lock)
			out->cls = INSN_LOCKED;
		else if (p.rep != PFX_NONE && !p.vex &&
			 (op == 0xa4 || op == 0xa5 || op == 0xaa || op == 0xab))
			out->cls = INSN_REP_STORE;
		return 0;
	}
	if (map == MAP_0F && op == 0xa2 && !p.vex) {
		out->cls = INSN_CPUID;
		return 0;
	}
	if (p.lock) {		/* lock cmpxchg, lock xadd, lock bts, ... */
		out->cls = INSN_LOCKED;
		return 0;
	}
	if (!decode_modrm(buf, n, i, &p, &mod, &reg, &m))
		return 0;
	if (map == MAP_0F && op == 0xae && !p.vex) {
		classify_0fae(mod, reg, simd_prefix(&p), out);
		if (out->cls == INSN_FLUSH)
			out->mem = m;
	} else if (map == MAP_0F && is_nt_0f(op, mod, simd_prefix(&p), p.vex)) {
		out->cls = INSN_NTSTORE;
	} else if (map == MAP_0F38 && !p.vex && mod != 3 &&
		   (op == 0xf9 || (op == 0xf8 && simd_prefix(&p) == PFX_66))) {
		out->cls = INSN_NTSTORE;	/* movdiri, movdir64b */
	}
	return 0;
}

uint64_t x86_effective_addr(const struct x86_memop *m,
			    const struct x86_regs *r, uint64_t next_rip)
{
	uint64_t a = (uint64_t)(int64_t)m->disp;

	if (m->base == X86_RIP)
		a += next_rip;
	else if (m->base >= 0 && m->base < X86_NGPR)
		a += r->gpr[m->base];
	if (m->index >= 0 && m->index < X86_NGPR)
		a += r->gpr[m->index] * m->scale;
	if (m->addr32)
		a &= 0xffffffffu;
	if (m->seg == X86_SEG_FS)
		a += r->fs_base;
	else if (m->seg == X86_SEG_GS)
		a += r->gs_base;
	return a;
}
