// SPDX-License-Identifier: MIT
/*
 * Decoder tests: encodings produced by the GNU assembler for every
 * instruction class the tracer distinguishes, and the flush address each
 * memory operand yields for known register values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pmtrace.h"
#include "x86_decode.h"

#define BYTES(...) ((const uint8_t[]){ __VA_ARGS__ }), \
	sizeof((const uint8_t[]){ __VA_ARGS__ })

static struct x86_insn decode(const uint8_t *b, size_t n)
{
	struct x86_insn d;

	assert_int_equal(x86_decode(b, n, &d), 0);
	return d;
}

/* Registers with recognisable values: gpr[i] = 0x1000 * (i + 1). */
static struct x86_regs regs(void)
{
	struct x86_regs r = { .fs_base = 0x7f0000000000ull,
			      .gs_base = 0xffff888077600000ull };

	for (int i = 0; i < X86_NGPR; i++)
		r.gpr[i] = 0x1000ull * (uint64_t)(i + 1);
	return r;
}

static void check_flush(const uint8_t *b, size_t n, unsigned kind,
			uint64_t want_addr)
{
	struct x86_insn d = decode(b, n);
	struct x86_regs r = regs();

	assert_int_equal(d.cls, INSN_FLUSH);
	assert_int_equal(d.kind, kind);
	/* next_rip = 0x400000 + n, as if the insn sat at 0x400000. */
	assert_int_equal(x86_effective_addr(&d.mem, &r, 0x400000 + n),
			 want_addr);
}

static void test_clwb_operands(void **state)
{
	(void)state;
	check_flush(BYTES(0x66, 0x0f, 0xae, 0x30), PMTRACE_FLUSH_CLWB, 0x1000);
	check_flush(BYTES(0x66, 0x0f, 0xae, 0x77, 0x40), PMTRACE_FLUSH_CLWB,
		    0x8000 + 0x40);
	/* (%r8,%rcx,4): REX.B extends the SIB base. */
	check_flush(BYTES(0x66, 0x41, 0x0f, 0xae, 0x34, 0x88),
		    PMTRACE_FLUSH_CLWB, 0x9000 + 4 * 0x2000);
	/* RIP-relative: disp32 + address of the next instruction. */
	check_flush(BYTES(0x66, 0x0f, 0xae, 0x35, 0x78, 0x56, 0x34, 0x12),
		    PMTRACE_FLUSH_CLWB, 0x400008 + 0x12345678);
	/* %gs: adds the GS base. */
	check_flush(BYTES(0x65, 0x66, 0x0f, 0xae, 0x73, 0x10),
		    PMTRACE_FLUSH_CLWB, 0xffff888077600000ull + 0x4000 + 0x10);
	/* 0x67: 32-bit address arithmetic. */
	check_flush(BYTES(0x67, 0x66, 0x0f, 0xae, 0x30), PMTRACE_FLUSH_CLWB,
		    0x1000);
}

static void test_clflushopt_operands(void **state)
{
	(void)state;
	check_flush(BYTES(0x66, 0x0f, 0xae, 0x3e), PMTRACE_FLUSH_CLFLUSHOPT,
		    0x7000);
	/* -8(%r13,%r12,8): REX.X and REX.B; r12 is a valid index. */
	check_flush(BYTES(0x66, 0x43, 0x0f, 0xae, 0x7c, 0xe5, 0xf8),
		    PMTRACE_FLUSH_CLFLUSHOPT, 0xe000 + 8 * 0xd000 - 8);
}

static void test_clflush_operands(void **state)
{
	(void)state;
	check_flush(BYTES(0x0f, 0xae, 0x3a), PMTRACE_FLUSH_CLFLUSH, 0x3000);
	/* 0x80(%rsp): SIB with index 4 means no index. */
	check_flush(BYTES(0x0f, 0xae, 0xbc, 0x24, 0x80, 0, 0, 0),
		    PMTRACE_FLUSH_CLFLUSH, 0x5000 + 0x80);
	check_flush(BYTES(0x41, 0x0f, 0xae, 0x3c, 0x24), PMTRACE_FLUSH_CLFLUSH,
		    0xd000);
	check_flush(BYTES(0x0f, 0xae, 0x7d, 0x10), PMTRACE_FLUSH_CLFLUSH,
		    0x6000 + 0x10);
	/* (%r13) needs mod=1 disp8=0: base 5 with mod 0 means disp32. */
	check_flush(BYTES(0x41, 0x0f, 0xae, 0x7d, 0x00), PMTRACE_FLUSH_CLFLUSH,
		    0xe000);
	/* Absolute disp32 through SIB (no base, no index). */
	check_flush(BYTES(0x0f, 0xae, 0x3c, 0x25, 0x44, 0x33, 0x22, 0x11),
		    PMTRACE_FLUSH_CLFLUSH, 0x11223344);
}

static void check_class(const uint8_t *b, size_t n, enum insn_class cls)
{
	assert_int_equal(decode(b, n).cls, cls);
}

static void test_fences(void **state)
{
	struct x86_insn d;

	(void)state;
	d = decode(BYTES(0x0f, 0xae, 0xf8));
	assert_int_equal(d.cls, INSN_FENCE);
	assert_int_equal(d.kind, PMTRACE_FENCE_SFENCE);
	d = decode(BYTES(0x0f, 0xae, 0xf0));
	assert_int_equal(d.cls, INSN_FENCE);
	assert_int_equal(d.kind, PMTRACE_FENCE_MFENCE);
	d = decode(BYTES(0x0f, 0xae, 0xe8));
	assert_int_equal(d.cls, INSN_FENCE);
	assert_int_equal(d.kind, PMTRACE_FENCE_LFENCE);
	/* Same group, not fences: rdfsbase, xsaveopt. */
	check_class(BYTES(0xf3, 0x48, 0x0f, 0xae, 0xc0), INSN_PLAIN);
	check_class(BYTES(0x0f, 0xae, 0x37), INSN_PLAIN);
}

static void test_ntstores(void **state)
{
	(void)state;
	check_class(BYTES(0x48, 0x0f, 0xc3, 0x07), INSN_NTSTORE); /* movnti */
	check_class(BYTES(0x0f, 0xc3, 0x47, 0x08), INSN_NTSTORE);
	check_class(BYTES(0x66, 0x0f, 0xe7, 0x07), INSN_NTSTORE); /* movntdq */
	check_class(BYTES(0x0f, 0x2b, 0x0e), INSN_NTSTORE);	   /* movntps */
	check_class(BYTES(0x66, 0x0f, 0x2b, 0x16), INSN_NTSTORE); /* movntpd */
	check_class(BYTES(0x0f, 0xe7, 0x07), INSN_NTSTORE);	   /* movntq */
	check_class(BYTES(0xc5, 0xfd, 0xe7, 0x07), INSN_NTSTORE); /* vmovntdq */
	check_class(BYTES(0xc5, 0xf8, 0x2b, 0x1f), INSN_NTSTORE); /* vmovntps */
	check_class(BYTES(0xc4, 0x41, 0x7d, 0x2b, 0x01), INSN_NTSTORE);
	check_class(BYTES(0x66, 0x0f, 0xf7, 0xd1), INSN_NTSTORE); /* maskmov */
	check_class(BYTES(0x62, 0xf1, 0x7d, 0x48, 0xe7, 0x07), INSN_NTSTORE);
	check_class(BYTES(0x48, 0x0f, 0x38, 0xf9, 0x07), INSN_NTSTORE);
	check_class(BYTES(0x66, 0x0f, 0x38, 0xf8, 0x3e), INSN_NTSTORE);
	/* movntdqa is a load. */
	check_class(BYTES(0x66, 0x0f, 0x38, 0x2a, 0x07), INSN_PLAIN);
}

static void test_locked_and_xchg(void **state)
{
	(void)state;
	check_class(BYTES(0xf0, 0x83, 0x44, 0x24, 0xfc, 0x00), INSN_LOCKED);
	check_class(BYTES(0xf0, 0x48, 0x0f, 0xb1, 0x0f), INSN_LOCKED);
	check_class(BYTES(0xf0, 0x0f, 0xc1, 0x03), INSN_LOCKED);
	check_class(BYTES(0xf0, 0x48, 0x0f, 0xba, 0x2f, 0x03), INSN_LOCKED);
	check_class(BYTES(0x48, 0x87, 0x07), INSN_XCHG);
	check_class(BYTES(0x86, 0x0f), INSN_XCHG);
	check_class(BYTES(0x48, 0x93), INSN_PLAIN);	/* xchg reg, reg */
}

static void test_plain_and_cpuid(void **state)
{
	(void)state;
	check_class(BYTES(0x0f, 0xa2), INSN_CPUID);
	check_class(BYTES(0x48, 0x89, 0x07), INSN_PLAIN);
	check_class(BYTES(0xf3, 0x0f, 0x7f, 0x07), INSN_PLAIN);
	check_class(BYTES(0x90), INSN_PLAIN);
	check_class(BYTES(0xa4), INSN_PLAIN);		/* movsb */
	check_class(BYTES(0xf3, 0xa4), INSN_REP_STORE);	/* rep movsb */
	check_class(BYTES(0xf3, 0x48, 0xab), INSN_REP_STORE); /* rep stosq */
	check_class(BYTES(0xf3, 0xa6), INSN_PLAIN);	/* repe cmpsb */
}

static void test_truncated(void **state)
{
	(void)state;
	/* Too few bytes for the displacement: not a flush, no overread. */
	check_class(BYTES(0x66, 0x0f, 0xae, 0x35, 0x78), INSN_PLAIN);
	check_class(BYTES(0x66, 0x0f), INSN_PLAIN);
	check_class(BYTES(0x66), INSN_PLAIN);
	check_class(BYTES(0xc4, 0x41), INSN_PLAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_clwb_operands),
		cmocka_unit_test(test_clflushopt_operands),
		cmocka_unit_test(test_clflush_operands),
		cmocka_unit_test(test_fences),
		cmocka_unit_test(test_ntstores),
		cmocka_unit_test(test_locked_and_xchg),
		cmocka_unit_test(test_plain_and_cpuid),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
