/* daxwl msync: dirty pages of a shared mapping, then make them durable; latency per sync. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "mapping.h"
#include "order.h"
#include "pmem.h"
#include "record.h"
#include "verify.h"
#include "worker.h"

struct msync_params {
	int sync, order, align;
	uint64_t pages;
	bool map_sync;
};

static const char *const sync_names[] = { "msync", "fsync", "fdatasync", "persist", NULL };
enum { SYNC_MSYNC, SYNC_FSYNC, SYNC_FDATASYNC, SYNC_PERSIST };

#define P(f) offsetof(struct msync_params, f)
static const struct opt msync_opts[] = {
	{ .name = "sync", .type = OPT_ENUM, .off = P(sync),
	  .help = "how to make dirty pages durable (persist: libpmem2, needs MAP_SYNC)",
	  .choices = sync_names },
	{ .name = "pages", .type = OPT_UINT, .off = P(pages),
	  .help = "pages dirtied before each sync",
	  .min = 1, .max = 1u << 20 },
	{ .name = "order", .type = OPT_ENUM, .off = P(order),
	  .help = "which pages get dirtied",
	  .choices = order_names },
	{ .name = "map-sync", .type = OPT_FLAG, .off = P(map_sync),
	  .help = "map with MAP_SHARED_VALIDATE | MAP_SYNC" },
	{ .name = "align", .type = OPT_ENUM, .off = P(align),
	  .help = MAP_ALIGN_HELP ". On DAX, what one msync writes back depends on it: "
		  "a dirty PMD entry is written back whole (2 MiB)",
	  .choices = map_align_names },
	{ .name = NULL }
};

struct msync_state {
	uint64_t page;
	struct pmem_map pm;	/* --sync persist only */
	bool have_pm;
};

/* For the report: the granularity libpmem2 gave the persist mapping. */
static const char *store_granularity;

static void msync_defaults(struct common_params *c, void *p)
{
	struct msync_params *mp = p;

	c->bs = (uint64_t)sysconf(_SC_PAGESIZE);
	mp->pages = 1;
}

static int msync_check(struct daxwl_run *r)
{
	struct msync_params *p = r->p;
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);

	if (r->c.bs > pg)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--bs (bytes dirtied per page) must be at most the page size %llu",
			       (unsigned long long)pg);
	if (p->map_sync && p->sync == SYNC_PERSIST)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--map-sync is implied by --sync persist; drop it");
	if (p->align != MAP_ALIGN_NONE && p->sync == SYNC_PERSIST)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--align does not apply to --sync persist (libpmem2 places the mapping)");
	r->need = TARGET_WRITE;
	r->unit = pg * p->pages;
	return 0;
}

static int do_sync(struct worker *w, char *map, const uint64_t *pg, uint64_t n)
{
	struct daxwl_run *r = w->run;
	struct msync_params *p = r->p;
	struct msync_state *st = r->priv;

	switch (p->sync) {
	case SYNC_MSYNC: return msync(map, w->len, MS_SYNC);
	case SYNC_FSYNC: return fsync(r->t.fd);
	case SYNC_FDATASYNC: return fdatasync(r->t.fd);
	}
	for (uint64_t i = 0; i < n; i++)
		st->pm.persist(map + pg[i] * st->page, r->c.bs);
	return 0;
}

static int msync_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct msync_params *p = r->p;
	struct msync_state *st = r->priv;
	uint64_t npages = w->len / st->page, bs = r->c.bs;
	uint64_t *pg = calloc(p->pages, sizeof(*pg));
	struct order ord;
	char *map;

	if (!pg)
		return err_nomem(&w->err, p->pages * sizeof(*pg), "the page list");
	if (cmd_order_init(w, &ord, npages, p->order)) {
		free(pg);
		return w->err.code;
	}
	if (st->have_pm) {
		map = st->pm.addr + w->off;
	} else {
		struct map_req m = { .fd = r->t.fd, .off = w->off, .len = w->len,
				     .write = true, .map_sync = p->map_sync };

		map_req_place(&m, p->align);
		map = map_file(&m);
		if (map == MAP_FAILED) {
			int en = errno;

			free(pg);
			order_free(&ord);
			return err_set(&w->err, en == EOPNOTSUPP ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING, en,
				       "mmap of %s%s", r->t.path, p->map_sync ? " with MAP_SYNC" : "");
		}
	}
	uint64_t fill = 0;

	while (worker_next(w)) {
		for (uint64_t i = 0; i < p->pages; i++) {
			pg[i] = order_next(&ord);
			char *a = map + pg[i] * st->page;

			/* With --verify the bytes are the pattern, so the file stays checkable. */
			if (r->c.verify)
				dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, w->off + pg[i] * st->page, a, bs);
			else
				memset(a, (int)(++fill & 0xff), bs);
		}
		uint64_t t0 = dx_now_ns();
		int rc = do_sync(w, map, pg, p->pages);
		uint64_t t1 = dx_now_ns();

		if (rc) {
			int en = errno;

			err_set(&w->err, DX_EXIT_FINDING, en, "%s", sync_names[p->sync]);
			break;
		}
		worker_record(w, t1 - t0, p->pages * bs);
		if (w->measuring)
			hist_add(&w->lat2, (t1 - t0) / p->pages);
	}
	if (!st->have_pm)
		munmap(map, w->len);
	free(pg);
	order_free(&ord);
	return w->err.code;
}

/* libpmem2's cache-line granularity, like --map-sync, needs a MAP_SYNC mapping. */
static int msync_probe(struct daxwl_run *r)
{
	struct msync_params *p = r->p;

	if (p->sync == SYNC_PERSIST)
		return cmd_probe_map_sync(r, "--sync persist needs a MAP_SYNC-capable DAX file");
	return p->map_sync ? cmd_probe_map_sync(r, "--map-sync") : 0;
}

static int msync_run(struct daxwl_run *r)
{
	struct msync_params *p = r->p;
	struct msync_state st = { .page = (uint64_t)sysconf(_SC_PAGESIZE) };
	int rc;

	if (p->sync == SYNC_PERSIST) {
		/* User-space persistence is only durable with cache-line (or byte) granularity. */
		rc = pmem_map_open(&st.pm, r->t.fd, r->region * r->c.threads,
				   PMEM2_GRANULARITY_CACHE_LINE, NULL, &r->err);
		if (rc) {
			if (rc == DX_EXIT_UNSUPPORTED)
				snprintf(r->err.msg, sizeof(r->err.msg),
					 "--sync persist needs a MAP_SYNC-capable DAX file; libpmem2 "
					 "refused %s: %s", r->t.path, pmem2_errormsg());
			return rc;
		}
		st.have_pm = true;
	}
	r->priv = &st;
	rc = workers_run(r, cmd_op_budget(r, r->region / st.page / p->pages), msync_worker);
	r->priv = NULL;
	if (st.have_pm) {
		store_granularity = pmem_gran_name(st.pm.gran);
		pmem_map_close(&st.pm);
	}
	return rc;
}

static void msync_report(struct daxwl_run *r, struct dx_json *j)
{
	struct msync_params *p = r->p;
	static struct hist per_page;

	hist_init(&per_page);
	for (unsigned i = 0; i < r->nw; i++)
		hist_merge(&per_page, &r->w[i].lat2);
	dx_json_str(j, "sync", sync_names[p->sync]);
	dx_json_u64(j, "pages_per_sync", p->pages);
	dx_json_u64(j, "bytes_per_page", r->c.bs);
	record_hist(j, "lat_per_page_ns", &per_page);
	dx_json_str(j, "store_granularity", p->sync == SYNC_PERSIST ? store_granularity : NULL);
}

const struct daxwl_cmd cmd_msync = {
	.name = "msync",
	.summary = "dirty pages of a shared mapping, then msync/fsync/fdatasync or pmem2 persist",
	.opts = msync_opts,
	.params_size = sizeof(struct msync_params),
	.flags = CMD_MAPS_FILE,
	.defaults = msync_defaults,
	.check = msync_check,
	.probe = msync_probe,
	.run = msync_run,
	.report = msync_report,
};
