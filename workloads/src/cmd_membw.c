/* daxwl membw: memory bandwidth of anonymous memory, the ceiling every DAX figure is compared to. */
#include <stddef.h>
#include <string.h>
#include <sys/mman.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "worker.h"

struct membw_params {
	int op;
};

static const char *const op_names[] = { "all", "read", "memcpy", "nt", NULL };
enum { OP_ALL, OP_READ, OP_MEMCPY, OP_NT };

#define P(f) offsetof(struct membw_params, f)
static const struct opt membw_opts[] = {
	{ .name = "op", .type = OPT_ENUM, .off = P(op),
	  .help = "loads, memcpy, or non-temporal stores; all runs each",
	  .choices = op_names },
	{ .name = NULL }
};

static void membw_defaults(struct common_params *c, void *p)
{
	(void)p;
	c->bs = 1u << 20;
	c->size = 256u << 20;
}

static int membw_check(struct daxwl_run *r)
{
	if (r->c.bs < 64 || r->c.bs % 64)
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--bs must be a multiple of 64 bytes");
	if (r->c.sparse || r->c.overwrite)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "membw uses anonymous memory: --sparse and --overwrite do not apply");
	r->need = TARGET_NONE;
	r->unit = r->c.bs;
	return 0;
}

static uint64_t read_words(const char *p, uint64_t len)
{
	const uint64_t *w = (const uint64_t *)(const void *)p;
	uint64_t a = 0, b = 0, c = 0, d = 0;

	for (uint64_t i = 0; i < len / 8; i += 4) {
		a += w[i];
		b += w[i + 1];
		c += w[i + 2];
		d += w[i + 3];
	}
	return a ^ b ^ c ^ d;
}

static void nt_store(char *p, uint64_t len, uint64_t val)
{
#if defined(__x86_64__)
	__m128i v = _mm_set1_epi64x((long long)val);

	for (uint64_t i = 0; i < len; i += 64) {
		_mm_stream_si128((__m128i *)(void *)(p + i), v);
		_mm_stream_si128((__m128i *)(void *)(p + i + 16), v);
		_mm_stream_si128((__m128i *)(void *)(p + i + 32), v);
		_mm_stream_si128((__m128i *)(void *)(p + i + 48), v);
	}
	_mm_sfence();
#else
	(void)p;
	(void)len;
	(void)val;
#endif
}

static int membw_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct membw_params *p = r->p;
	uint64_t bs = r->c.bs, n = w->len / bs, pos = 0, sink = 0;
	const uint64_t val = 0x0123456789abcdefull;
	char *src = mmap(NULL, w->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *dst = mmap(NULL, w->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (src == MAP_FAILED || dst == MAP_FAILED) {
		if (src != MAP_FAILED)
			munmap(src, w->len);
		if (dst != MAP_FAILED)
			munmap(dst, w->len);
		return err_nomem(&w->err, 2 * w->len, "a source and a destination buffer");
	}
	/* Fault everything in first: this measures memory, not page faults. */
	memset(src, 0x3c, w->len);
	memset(dst, 0, w->len);
	while (worker_next(w)) {
		char *s = src + pos * bs, *d = dst + pos * bs;
		uint64_t t0 = dx_now_ns();

		switch (p->op) {
		case OP_READ: sink += read_words(s, bs); break;
		case OP_MEMCPY: memcpy(d, s, bs); break;
		default: nt_store(d, bs, val); break;
		}
		uint64_t t1 = dx_now_ns();

		worker_record(w, t1 - t0, bs);
		if (++pos == n)
			pos = 0;
	}
	if (r->c.verify && w->ops) {
		/* Every block touched at least once holds what the op put there. */
		uint64_t done = w->ops < n ? w->ops : n;

		for (uint64_t b = 0; b < done && p->op != OP_READ; b++) {
			const uint64_t *q = (const uint64_t *)(const void *)(dst + b * bs);

			for (uint64_t i = 0; i < bs / 8; i++) {
				uint64_t want = p->op == OP_MEMCPY ? 0x3c3c3c3c3c3c3c3cull : val;

				w->verify_bytes += 8;
				if (q[i] != want && !w->verify_bad++)
					w->verify_first_bad = b * bs + i * 8;
			}
		}
	}
	munmap(src, w->len);
	munmap(dst, w->len);
	w->cnt[0] = sink;
	return 0;
}

static int membw_run(struct daxwl_run *r)
{
	struct membw_params *p = r->p;

#if !defined(__x86_64__)
	if (p->op == OP_NT)
		return err_set(&r->err, DX_EXIT_UNSUPPORTED, 0, "non-temporal stores need x86-64");
#endif
	(void)p;
	/*
	 * Two buffers of --size in all, written before measuring: refuse what
	 * does not fit instead of meeting the OOM killer half way.
	 */
	uint64_t used = r->region * r->c.threads, avail = mem_available();
	uint64_t need = used > UINT64_MAX / 2 ? UINT64_MAX : 2 * used;

	if (avail && need > avail)
		return err_nomem(&r->err, need, "membw --size (twice: source and destination)");
	/* Default: four passes over each thread's buffer. */
	return workers_run(r, cmd_op_budget(r, 4 * (r->region / r->c.bs)), membw_worker);
}

static void membw_report(struct daxwl_run *r, struct dx_json *j)
{
	struct membw_params *p = r->p;

	dx_json_str(j, "op", op_names[p->op]);
}

const struct daxwl_cmd cmd_membw = {
	.name = "membw",
	.summary = "memory bandwidth on anonymous memory: reads, memcpy, non-temporal stores",
	.opts = membw_opts,
	.params_size = sizeof(struct membw_params),
	.sweep = "op",
	.defaults = membw_defaults,
	.check = membw_check,
	.run = membw_run,
	.report = membw_report,
};
