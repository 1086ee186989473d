// SPDX-License-Identifier: MIT
/*
 * Linux 6.1's x86 persistence primitives (ports/linux_x86.c) on the model:
 * each is durable after its fence for every size 1..300 and alignment
 * 0..63, and each mutant is caught exactly where it loses data.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "helpers.h"
#include "linux_x86.h"

#define MAX_SIZE 300
#define DST_BASE (RBASE + 0x1000)
#define FILL 0x5a

enum path { MEMCPY_FLUSHCACHE, COPY_USER_FLUSHCACHE, WB_CACHE_PMEM, PMEM_WRITE };

struct expect_data {
	uint64_t dst;
	size_t size;
	const unsigned char *src;
};

/* Consistent iff the copy is there and its neighbours are untouched. */
static int data_durable(void *arg, const struct pmsim_image *img,
			const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	const struct expect_data *x = arg;
	const unsigned char *p = pmsim_image_ptr(img, x->dst - 64, x->size + 128);

	(void)c;
	(void)ch;
	(void)n;
	if (!p || memcmp(p + 64, x->src, x->size))
		return 1;
	for (size_t i = 0; i < 64; i++)
		if (p[i] != FILL || p[64 + x->size + i] != FILL)
			return 1;
	return 0;
}

/* Run one path; returns the number of violating states (0: durable). */
static uint64_t run_path(enum path which, size_t size, unsigned align,
			 uint64_t *explored)
{
	static unsigned char fill[1024], src[MAX_SIZE];
	uint64_t dst = DST_BASE + align;
	struct expect_data x = { dst, size, src };
	struct pmsim_checker chk = { .check = data_durable, .arg = &x };
	struct pmsim_result res;
	struct pmsim_trace *t;
	struct pmsim_opts o;
	struct pm_rec *r = rec_new();

	memset(fill, FILL, sizeof(fill));
	for (size_t i = 0; i < size; i++)
		src[i] = (unsigned char)(i * 37 + size + 1) == FILL ? 1 :
			(unsigned char)(i * 37 + size + 1);
	assert_int_equal(pm_image(r, DST_BASE - 128, fill, sizeof(fill)), 0);
	switch (which) {
	case MEMCPY_FLUSHCACHE:
		lx_memcpy_flushcache(r, dst, src, size);
		lx_pmem_wmb(r);
		break;
	case COPY_USER_FLUSHCACHE:
		lx_copy_user_flushcache(r, dst, src, (unsigned)size);
		lx_pmem_wmb(r);
		break;
	case WB_CACHE_PMEM:	/* e.g. mmap stores, then fsync's writeback */
		pm_store(r, dst, src, size);
		lx_arch_wb_cache_pmem(r, dst, size);
		lx_pmem_wmb(r);
		break;
	case PMEM_WRITE:	/* a FUA bio: write_pmem, then nvdimm_flush */
		lx_write_pmem(r, dst, src, align, (unsigned)size);
		lx_nvdimm_flush(r);
		break;
	}
	assert_true(pm_mark(r, "durable") > 0);
	assert_int_equal(pm_rec_trace(r, &t), 0);
	pmsim_opts_default(&o);
	o.points = PMSIM_AT_MARK;
	o.stop_on_violation = 1;
	o.max_states = 1 << 16;
	if (pmsim_run(t, &o, &chk, &res))
		fail_msg("pmsim_run: %s", pmsim_errmsg());
	*explored = res.explored;
	pmsim_result_free(&res);
	pmsim_trace_free(t);
	pm_rec_free(r);
	return res.violations;
}

static void sweep_durable(enum path which)
{
	lx_mutant = LX_CORRECT;
	for (size_t size = 1; size <= MAX_SIZE; size++)
		for (unsigned align = 0; align < 64; align++) {
			uint64_t explored;

			if (run_path(which, size, align, &explored))
				fail_msg("not durable: size %zu alignment %u", size, align);
			/* after the fence exactly one state is reachable */
			assert_int_equal(explored, 1);
		}
}

static void memcpy_flushcache_durable(void **s) { (void)s; sweep_durable(MEMCPY_FLUSHCACHE); }
static void copy_user_flushcache_durable(void **s) { (void)s; sweep_durable(COPY_USER_FLUSHCACHE); }
static void wb_cache_pmem_durable(void **s) { (void)s; sweep_durable(WB_CACHE_PMEM); }
static void pmem_write_path_durable(void **s) { (void)s; sweep_durable(PMEM_WRITE); }

/* Without the fence nothing of the copy is guaranteed: every case fails. */
static void mutant_no_fence(void **state)
{
	(void)state;
	lx_mutant = LX_NO_FENCE;
	for (size_t size = 1; size <= MAX_SIZE; size += 7)
		for (unsigned align = 0; align < 64; align += 5) {
			uint64_t ex;

			assert_true(run_path(MEMCPY_FLUSHCACHE, size, align, &ex) > 0);
			assert_true(run_path(PMEM_WRITE, size, align, &ex) > 0);
		}
	lx_mutant = LX_CORRECT;
}

/*
 * Run the mutant on every size and alignment of path which: a case fails
 * exactly when caught(size, align) says the mutant's mistake shows in it,
 * and at least one case does.
 */
static void sweep_mutant(enum lx_mutant mutant, enum path which,
			 bool (*caught)(size_t size, unsigned align))
{
	unsigned ncaught = 0;

	lx_mutant = mutant;
	for (size_t size = 1; size <= MAX_SIZE; size++)
		for (unsigned align = 0; align < 64; align++) {
			bool want = caught(size, align);
			uint64_t ex;

			assert_int_equal(run_path(which, size, align, &ex) > 0, want);
			ncaught += want;
		}
	assert_true(ncaught > 0);
	lx_mutant = LX_CORRECT;
}

/* No clwb on the tail: caught exactly when memcpy_flushcache copies a
 * tail through the cache (after the head, a remainder not a multiple of 4). */
static bool tail_through_cache(size_t size, unsigned align)
{
	size_t head = align % 8 ? 8 - align % 8 : 0;

	return head < size && (size - head) % 4 != 0;
}

static void mutant_no_tail_clwb(void **state)
{
	(void)state;
	sweep_mutant(LX_NO_TAIL_CLWB, MEMCPY_FLUSHCACHE, tail_through_cache);
}

/* A clwb loop stepping from the unaligned address misses the last line
 * whenever the range ends in a line that addr + 64k never lands in. */
static bool last_line_missed(size_t size, unsigned align)
{
	uint64_t dst = DST_BASE + align, last = (dst + size - 1) / 64;
	uint64_t reached = 0;

	for (uint64_t p = dst; p < dst + size; p += 64)
		reached = p / 64;
	return reached != last;
}

static void mutant_clwb_from_addr(void **state)
{
	(void)state;
	sweep_mutant(LX_CLWB_FROM_ADDR, WB_CACHE_PMEM, last_line_missed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(memcpy_flushcache_durable),
		cmocka_unit_test(copy_user_flushcache_durable),
		cmocka_unit_test(wb_cache_pmem_durable),
		cmocka_unit_test(pmem_write_path_durable),
		cmocka_unit_test(mutant_no_fence),
		cmocka_unit_test(mutant_no_tail_clwb),
		cmocka_unit_test(mutant_clwb_from_addr),
	};

	return cmocka_run_group_tests_name("linux_ports", tests, NULL, NULL);
}
