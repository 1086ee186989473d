/*
 * daxwl fault: page-fault cost of a shared file mapping: PMD faults are
 * possible with --align 2M and impossible with --align 4k (a mapping one
 * page past a 2 MiB boundary), the PTE baseline on a DAX file.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "mapping.h"
#include "order.h"
#include "record.h"
#include "verify.h"
#include "worker.h"

struct fault_params {
	int touch, order, align;
	bool map_sync, populate;
};

static const char *const touch_names[] = { "write", "read", "copy", NULL };
enum { TOUCH_WRITE, TOUCH_READ, TOUCH_COPY };
enum { CNT_MAP_NS, CNT_MAPS, CNT_TOUCH_NS, CNT_ALIGNED, CNT_SKEWED, CNT_SINK };

#define P(f) offsetof(struct fault_params, f)
static const struct opt fault_opts[] = {
	{ .name = "touch", .type = OPT_ENUM, .off = P(touch),
	  .help = "store 8 bytes, load 8 bytes, or copy --bs bytes out of each block",
	  .choices = touch_names },
	{ .name = "order", .type = OPT_ENUM, .off = P(order),
	  .help = "page order",
	  .choices = order_names },
	{ .name = "align", .type = OPT_ENUM, .off = P(align),
	  .help = MAP_ALIGN_HELP,
	  .choices = map_align_names },
	{ .name = "map-sync", .type = OPT_FLAG, .off = P(map_sync),
	  .help = "map with MAP_SHARED_VALIDATE | MAP_SYNC" },
	{ .name = "populate", .type = OPT_FLAG, .off = P(populate),
	  .help = "map with MAP_POPULATE (faults move into mmap)" },
	{ .name = NULL }
};

#define TWO_MB MAP_TWO_MB

static void fault_defaults(struct common_params *c, void *p)
{
	(void)p;
	c->bs = (uint64_t)sysconf(_SC_PAGESIZE);
}

static int fault_check(struct daxwl_run *r)
{
	struct fault_params *p = r->p;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);

	if (r->c.bs % pg)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--bs (the touch stride) must be a multiple of the page size %llu",
			       (unsigned long long)pg);
	if (p->align == MAP_ALIGN_2M && r->c.bs > TWO_MB)
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--bs must be at most 2M with --align 2M");
	r->need = p->touch == TOUCH_WRITE ? TARGET_WRITE : TARGET_READ;
	/* With --align 2M the file offsets are 2 MiB-aligned too, so PMD faults can happen. */
	r->unit = p->align == MAP_ALIGN_2M ? TWO_MB : r->c.bs;
	return 0;
}

/* Uninstrumented: sanitizer shadow reads would add faults of their own. */
__attribute__((no_sanitize("address"), noinline))
static uint64_t touch(char *addr, bool write, uint64_t val)
{
	volatile uint64_t *p = (volatile uint64_t *)(void *)addr;

	if (write) {
		*p = val;
		return 0;
	}
	return *p;
}

static int fault_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct fault_params *p = r->p;
	uint64_t bs = r->c.bs, npages = w->len / bs, pos = npages;
	struct map_req m = {
		.fd = r->t.fd, .off = w->off, .len = w->len,
		.write = p->touch == TOUCH_WRITE, .map_sync = p->map_sync,
		.populate = p->populate,
	};
	char *map = NULL, *copy = NULL;
	struct order ord;
	uint64_t sink = 0;

	map_req_place(&m, p->align);

	if (p->touch == TOUCH_COPY && !(copy = cmd_worker_buf(w, bs)))
		return w->err.code;
	if (cmd_order_init(w, &ord, npages, p->order)) {
		free(copy);
		return w->err.code;
	}
	while (worker_next(w)) {
		if (w->phase_changed && map) {
			munmap(map, w->len);
			map = NULL;
		}
		w->phase_changed = false;
		if (!map || pos == npages) {
			if (map)
				munmap(map, w->len);
			uint64_t t0 = dx_now_ns();

			map = map_file(&m);
			uint64_t t1 = dx_now_ns();

			if (map == MAP_FAILED) {
				int en = errno;

				order_free(&ord);
				free(copy);
				return err_set(&w->err, en == EOPNOTSUPP ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING,
					       en, "mmap of %s%s", r->t.path,
					       p->map_sync ? " with MAP_SYNC" : "");
			}
			if (w->measuring) {
				w->cnt[CNT_MAP_NS] += t1 - t0;
				w->cnt[CNT_MAPS]++;
				if (!((uintptr_t)map & (TWO_MB - 1)))
					w->cnt[CNT_ALIGNED]++;
				/* Not congruent with the 2 MiB-aligned file offset: no PMD fault possible. */
				if ((uintptr_t)map & (TWO_MB - 1) & ~(uintptr_t)(sysconf(_SC_PAGESIZE) - 1))
					w->cnt[CNT_SKEWED]++;
			}
			pos = 0;
			/* Every mapping starts a whole pass of the order (reshuffled if random). */
			ord.pos = ord.n;
		}
		uint64_t off = order_next(&ord) * bs;
		uint64_t val = dx_pattern_word(DX_PATTERN_DAXWL, r->c.seed, (w->off + off) >> 3);
		uint64_t t0 = dx_now_ns();

		uint64_t got;

		if (copy) {
			/* The mmap read path: what fio's mmap engine does per I/O. */
			memcpy(copy, map + off, bs);
			got = *(uint64_t *)(void *)copy;
		} else {
			got = touch(map + off, m.write, val);
		}
		uint64_t t1 = dx_now_ns();

		worker_record(w, t1 - t0, bs);
		if (w->measuring)
			w->cnt[CNT_TOUCH_NS] += t1 - t0;
		if (!m.write && r->c.verify) {
			w->verify_bytes += 8;
			if (got != val && !w->verify_bad++)
				w->verify_first_bad = w->off + off;
		}
		sink += got;
		pos++;
	}
	if (map)
		munmap(map, w->len);
	order_free(&ord);
	free(copy);
	w->cnt[CNT_SINK] = sink;
	return 0;
}

static int fault_probe(struct daxwl_run *r)
{
	struct fault_params *p = r->p;

	return p->map_sync ? cmd_probe_map_sync(r, "--map-sync") : 0;
}

static int fault_run(struct daxwl_run *r)
{
	uint64_t pages = r->region / r->c.bs, budget;
	uint64_t passes = r->c.iterations ? r->c.iterations : (r->c.runtime ? 0 : 1);

	/* More passes than ever fit in a run: no limit but --runtime (and signals). */
	if (__builtin_mul_overflow(passes, pages, &budget))
		budget = UINT64_MAX;
	return workers_run(r, budget, fault_worker);
}

static void fault_report(struct daxwl_run *r, struct dx_json *j)
{
	uint64_t faults = 0, map_ns = record_sum(r, CNT_MAP_NS);
	uint64_t touch_ns = record_sum(r, CNT_TOUCH_NS), maps = record_sum(r, CNT_MAPS);

	for (unsigned i = 0; i < r->nw; i++)
		faults += r->w[i].minflt + r->w[i].majflt;
	dx_json_u64(j, "faults", faults);
	dx_json_u64(j, "maps", maps);
	dx_json_u64(j, "map_ns", map_ns);
	dx_json_u64(j, "touch_ns", touch_ns);
	/* mmap time counts too: with --populate the faults happen inside mmap. */
	dx_json_f64(j, "ns_per_fault", record_ratio((double)(map_ns + touch_ns), (double)faults));
	dx_json_u64(j, "maps_2m_aligned", record_sum(r, CNT_ALIGNED));
	dx_json_u64(j, "maps_pte_only", record_sum(r, CNT_SKEWED));
}

const struct daxwl_cmd cmd_fault = {
	.name = "fault",
	.summary = "mmap a file MAP_SHARED and touch every page: faults, ns per fault, GB/s",
	.opts = fault_opts,
	.params_size = sizeof(struct fault_params),
	.flags = CMD_MAPS_FILE,
	.defaults = fault_defaults,
	.check = fault_check,
	.probe = fault_probe,
	.run = fault_run,
	.report = fault_report,
};
