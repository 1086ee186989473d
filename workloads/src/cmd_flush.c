/*
 * daxwl flush: user-space persistence through libpmem2 over a DAX mapping.
 * "nt" is a non-temporal copy (movnt, then sfence), the shape of the
 * kernel's movnti path; "flush" is a temporal copy followed by a
 * cache-line flush of the range (clwb/clflushopt, then sfence), the shape
 * of its clwb path. --bs is the persist granularity.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "pmem.h"
#include "verify.h"
#include "worker.h"

struct flush_params {
	int method, force;
};

static const char *const method_names[] = { "all", "nt", "flush", NULL };
static const char *const force_names[] = { "none", "byte", "cache_line", "page", NULL };
static const char *const force_env[] = { NULL, "BYTE", "CACHE_LINE", "PAGE" };
enum { METHOD_ALL, METHOD_NT, METHOD_FLUSH };

#define P(f) offsetof(struct flush_params, f)
static const struct opt flush_opts[] = {
	{ .name = "method", .type = OPT_ENUM, .off = P(method),
	  .help = "non-temporal copy, or copy + cache-line flush; all runs both",
	  .choices = method_names },
	{ .name = "force-granularity", .type = OPT_ENUM, .off = P(force),
	  .help = "make libpmem2 assume this store granularity (not durable off real pmem)",
	  .choices = force_names },
	{ .name = NULL }
};

static struct pmem_map pm;

static void flush_defaults(struct common_params *c, void *p)
{
	(void)p;
	c->bs = 4096;
}

static int flush_check(struct daxwl_run *r)
{
	if (r->c.bs < 64 || r->c.bs % 64)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--bs (the persist granularity) must be a multiple of 64 bytes");
	r->need = TARGET_WRITE;
	r->unit = r->c.bs;
	return 0;
}

static int flush_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct flush_params *p = r->p;
	uint64_t bs = r->c.bs, n = w->len / bs, pos = 0;
	char *src = cmd_worker_buf(w, bs);
	char *base = pm.addr + w->off;

	if (!src)
		return w->err.code;
	dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, w->off, src, bs);
	while (worker_next(w)) {
		char *dst = base + pos * bs;

		if (r->c.verify)
			dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, w->off + pos * bs, src, bs);
		uint64_t t0 = dx_now_ns();

		if (p->method == METHOD_NT) {
			pm.memcpy_fn(dst, src, bs, PMEM2_F_MEM_NONTEMPORAL);
		} else {
			memcpy(dst, src, bs);
			pm.persist(dst, bs);
		}
		uint64_t t1 = dx_now_ns();

		worker_record(w, t1 - t0, bs);
		if (++pos == n)
			pos = 0;
	}
	free(src);
	return 0;
}

static int flush_run(struct daxwl_run *r)
{
	struct flush_params *p = r->p;
	int rc = pmem_map_open(&pm, r->t.fd, r->region * r->c.threads, PMEM2_GRANULARITY_PAGE,
			       force_env[p->force], &r->err);

	if (rc)
		return rc;
	rc = workers_run(r, cmd_op_budget(r, r->region / r->c.bs), flush_worker);
	pmem_map_close(&pm);
	return rc;
}

static void flush_report(struct daxwl_run *r, struct dx_json *j)
{
	struct flush_params *p = r->p;

	dx_json_str(j, "method", method_names[p->method]);
	dx_json_str(j, "store_granularity", pmem_gran_name(pm.gran));
	dx_json_bool(j, "granularity_forced", p->force != 0);
	/* Page granularity means libpmem2 persists with msync: not the instruction path. */
	dx_json_str(j, "persist_path", pm.gran == PMEM2_GRANULARITY_PAGE ? "msync" :
		 pm.gran == PMEM2_GRANULARITY_CACHE_LINE ? "cache_flush" : "fence_only");
}

const struct daxwl_cmd cmd_flush = {
	.name = "flush",
	.summary = "libpmem2 persistence: non-temporal copy vs copy + cache-line flush",
	.opts = flush_opts,
	.params_size = sizeof(struct flush_params),
	.flags = CMD_MAPS_FILE,
	.sweep = "method",
	.defaults = flush_defaults,
	.check = flush_check,
	.run = flush_run,
	.report = flush_report,
};
