#include "cmd_util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "env.h"
#include "record.h"
#include "verify.h"
#include "worker.h"

const char *const rw_names[] = { "read", "write", "mixed", NULL };

void *cmd_alloc_buf(uint64_t len)
{
	void *p = NULL;

	if (len > SIZE_MAX || posix_memalign(&p, 4096, (size_t)len))
		return NULL;
	memset(p, 0x5a, len);
	return p;
}

void *cmd_worker_buf(struct worker *w, uint64_t len)
{
	void *p = cmd_alloc_buf(len);
	char what[48];

	if (!p) {
		snprintf(what, sizeof(what), "the buffer of worker %u", w->id);
		err_nomem(&w->err, len, what);
	}
	return p;
}

int cmd_order_init(struct worker *w, struct order *o, uint64_t n, int kind)
{
	char what[48];

	if (!order_init(o, n, kind, &w->rng))
		return 0;
	snprintf(what, sizeof(what), "the random order of worker %u", w->id);
	return err_nomem(&w->err, n > UINT64_MAX / 8 ? UINT64_MAX : n * 8, what);
}

int cmd_probe_map_sync(struct daxwl_run *r, const char *why)
{
	int en = env_try_map_sync(r->t.fd);

	if (!en)
		return 0;
	return err_set(&r->err, en == EOPNOTSUPP || en == EINVAL ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING,
		       en, "%s: MAP_SYNC refused for %s (the file is not on a DAX mount)", why,
		       r->t.path);
}

int io_check(struct daxwl_run *r, const struct io_mode *m)
{
	if (r->c.bs < 512 || r->c.bs > (16u << 20) || r->c.bs % 512)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--bs must be a multiple of 512 between 512 and 16M (got %llu)",
			       (unsigned long long)r->c.bs);
	r->need = m->rw == RW_READ ? TARGET_READ : TARGET_WRITE;
	r->unit = r->c.bs;
	return 0;
}

bool io_pick_read(struct worker *w, const struct io_mode *m)
{
	return m->rw == RW_READ || (m->rw == RW_MIXED && dx_prng_below(&w->rng, 100) < m->mix);
}

void io_record(struct worker *w, bool rd, uint64_t ns)
{
	if (worker_record(w, ns, w->run->c.bs))
		w->cnt[rd ? CNT_READS : CNT_WRITES]++;
}

int io_error(struct worker *w, int en, bool rd, uint64_t off, long got, bool direct)
{
	const char *op = rd ? "read" : "write", *how = direct ? "O_DIRECT " : "";
	unsigned long long o = off, bs = w->run->c.bs;

	if (en == ENOSPC || en == EDQUOT)
		return err_set(&w->err, DX_EXIT_RESOURCES, en, "%s%s of %llu bytes at offset %llu: "
			       "%llu bytes are free", how, op, bs, o,
			       (unsigned long long)env_free_bytes(w->run->t.fd));
	return err_set(&w->err, en == EOPNOTSUPP || (direct && en == EINVAL) ?
		       DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING, en,
		       "%s%s of %llu bytes at offset %llu returned %ld", how, op, bs, o, got);
}

void io_check_read(struct worker *w, const void *buf, uint64_t off)
{
	uint64_t fb = 0, bs = w->run->c.bs;
	uint64_t bad = dx_pattern_check(DX_PATTERN_DAXWL, w->run->c.seed, off, buf, bs, &fb);

	if (bad && !w->verify_bad)
		w->verify_first_bad = fb;
	w->verify_bad += bad;
	w->verify_bytes += bs;
}

void io_report(struct daxwl_run *r, struct dx_json *j)
{
	dx_json_u64(j, "read_ops", record_sum(r, CNT_READS));
	dx_json_u64(j, "write_ops", record_sum(r, CNT_WRITES));
}
