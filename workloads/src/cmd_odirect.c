/* daxwl odirect: O_DIRECT I/O through io_uring (registered buffers, --iodepth) or pread/pwrite. */
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "order.h"
#include "record.h"
#include "verify.h"
#include "worker.h"

struct odirect_params {
	struct io_mode io;
	int engine, buffers;
	uint64_t iodepth;
};

static const char *const engine_names[] = { "uring", "sync", NULL };
static const char *const buffer_names[] = { "registered", "plain", NULL };
enum { ENGINE_URING, ENGINE_SYNC };
enum { BUF_REGISTERED, BUF_PLAIN };

#define P(f) offsetof(struct odirect_params, f)
static const struct opt odirect_opts[] = {
	{ .name = "engine", .type = OPT_ENUM, .off = P(engine),
	  .help = "io_uring or synchronous pread/pwrite",
	  .choices = engine_names },
	{ .name = "iodepth", .type = OPT_UINT, .off = P(iodepth),
	  .help = "I/Os in flight per thread (uring)",
	  .min = 1, .max = 1024 },
	IO_MODE_OPTS(struct odirect_params),
	{ .name = "buffers", .type = OPT_ENUM, .off = P(buffers),
	  .help = "io_uring fixed (registered) or plain buffers",
	  .choices = buffer_names },
	{ .name = NULL }
};

static void odirect_defaults(struct common_params *c, void *p)
{
	struct odirect_params *op = p;

	c->bs = 4096;
	op->iodepth = 1;
	op->io.mix = 50;
}

static int odirect_check(struct daxwl_run *r)
{
	struct odirect_params *p = r->p;

	if (io_check(r, &p->io))
		return r->err.code;
	if (p->engine == ENGINE_SYNC && p->iodepth != 1)
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--iodepth needs --engine uring");
	return 0;
}

static int refuse_unaligned(struct daxwl_run *r, uint32_t align)
{
	if (align && r->c.bs % align)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--bs %llu is not a multiple of the O_DIRECT alignment %u of %s",
			       (unsigned long long)r->c.bs, align, r->t.path);
	return 0;
}

/* A descriptor on the target with O_DIRECT, or -1 with r->err saying why not. */
static int open_direct(struct daxwl_run *r)
{
	int fd = target_reopen(&r->t, O_DIRECT, &r->err);

	if (fd < 0 && r->err.code == DX_EXIT_UNSUPPORTED)
		snprintf(r->err.msg, sizeof(r->err.msg), "the file system refuses O_DIRECT for %s",
			 r->t.path);
	return fd;
}

/* O_DIRECT, its alignment and io_uring, decided on the still empty file. */
static int odirect_probe(struct daxwl_run *r)
{
	struct odirect_params *p = r->p;
	struct env e = { 0 };
	struct io_uring ring;
	int fd = open_direct(r);

	if (fd < 0)
		return r->err.code;
	env_probe_statx(&e, fd);
	close(fd);
	if (refuse_unaligned(r, e.dio_offset_align))
		return r->err.code;
	if (p->engine != ENGINE_URING)
		return 0;
	int rc = io_uring_queue_init(1, &ring, 0);

	if (rc < 0)
		return err_set(&r->err, rc == -ENOSYS || rc == -EPERM ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING,
			       -rc, "io_uring is not available");
	io_uring_queue_exit(&ring);
	return 0;
}

struct io_ctx {
	struct worker *w;
	int fd;
	struct order ord;
	char *bufs;
};

static int sync_loop(struct io_ctx *c)
{
	struct worker *w = c->w;
	struct daxwl_run *r = w->run;
	struct odirect_params *p = r->p;
	uint64_t bs = r->c.bs;

	while (worker_next(w)) {
		uint64_t off = w->off + order_next(&c->ord) * bs;
		bool rd = io_pick_read(w, &p->io);

		if (!rd && r->c.verify)
			dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, off, c->bufs, bs);
		uint64_t t0 = dx_now_ns();
		ssize_t n = rd ? pread(c->fd, c->bufs, bs, (off_t)off)
			       : pwrite(c->fd, c->bufs, bs, (off_t)off);
		uint64_t t1 = dx_now_ns();

		if (n != (ssize_t)bs)
			return io_error(w, n < 0 ? errno : EIO, rd, off, (long)n, true);
		io_record(w, rd, t1 - t0);
		if (rd && r->c.verify)
			io_check_read(w, c->bufs, off);
	}
	return 0;
}

struct slot {
	uint64_t t0, off;
	bool rd;
	bool measured;		/* submitted after warm-up ended */
};

static int uring_loop(struct io_ctx *c)
{
	struct worker *w = c->w;
	struct daxwl_run *r = w->run;
	struct odirect_params *p = r->p;
	uint64_t bs = r->c.bs, depth = p->iodepth, issued = 0;
	struct io_uring ring;
	struct slot *slots = calloc(depth, sizeof(*slots));
	uint64_t *freel = calloc(depth, sizeof(*freel)), nfree = depth, inflight = 0;
	struct iovec *iov = calloc(depth, sizeof(*iov));
	int rc;

	if (!slots || !freel || !iov) {
		rc = err_nomem(&w->err, depth * (sizeof(*slots) + sizeof(*freel) + sizeof(*iov)),
			       "the io_uring slots");
		goto out_free;
	}
	for (uint64_t i = 0; i < depth; i++) {
		freel[i] = i;
		iov[i] = (struct iovec){ c->bufs + i * bs, bs };
	}
	rc = io_uring_queue_init((unsigned)depth, &ring, 0);
	if (rc < 0) {
		rc = err_set(&w->err, rc == -ENOSYS || rc == -EPERM ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING,
			     -rc, "io_uring_queue_init");
		goto out_free;
	}
	if (p->buffers == BUF_REGISTERED) {
		rc = io_uring_register_buffers(&ring, iov, (unsigned)depth);
		if (rc < 0) {
			rc = err_set(&w->err, DX_EXIT_FINDING, -rc,
				     "io_uring_register_buffers (%llu x %llu bytes; check RLIMIT_MEMLOCK)",
				     (unsigned long long)depth, (unsigned long long)bs);
			goto out_ring;
		}
	}
	rc = 0;
	for (;;) {
		while (nfree && worker_next(w)) {
			if (w->phase_changed) {
				w->phase_changed = false;
				issued = 0;
			}
			if (w->max_ops && issued >= w->max_ops)
				break;
			uint64_t s = freel[--nfree];
			struct slot *sl = &slots[s];
			struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);

			sl->off = w->off + order_next(&c->ord) * bs;
			sl->rd = io_pick_read(w, &p->io);
			sl->measured = w->measuring;
			if (!sl->rd && r->c.verify)
				dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, sl->off, iov[s].iov_base, bs);
			if (p->buffers == BUF_REGISTERED) {
				if (sl->rd)
					io_uring_prep_read_fixed(sqe, c->fd, iov[s].iov_base, (unsigned)bs,
								 sl->off, (int)s);
				else
					io_uring_prep_write_fixed(sqe, c->fd, iov[s].iov_base, (unsigned)bs,
								  sl->off, (int)s);
			} else if (sl->rd) {
				io_uring_prep_read(sqe, c->fd, iov[s].iov_base, (unsigned)bs, sl->off);
			} else {
				io_uring_prep_write(sqe, c->fd, iov[s].iov_base, (unsigned)bs, sl->off);
			}
			io_uring_sqe_set_data64(sqe, s);
			sl->t0 = dx_now_ns();
			int sub = io_uring_submit(&ring);

			if (sub < 0) {
				rc = err_set(&w->err, DX_EXIT_FINDING, -sub, "io_uring_submit");
				break;
			}
			issued++;
			inflight++;
		}
		if (!inflight || rc)
			break;
		struct io_uring_cqe *cqe;
		int wr = io_uring_wait_cqe(&ring, &cqe);
		uint64_t t1 = dx_now_ns();

		/* A signal: the top of the loop stops submitting, then this drains. */
		if (wr == -EINTR)
			continue;
		if (wr < 0) {
			rc = err_set(&w->err, DX_EXIT_FINDING, -wr, "io_uring_wait_cqe");
			break;
		}
		uint64_t s = io_uring_cqe_get_data64(cqe);
		int res = cqe->res;

		io_uring_cqe_seen(&ring, cqe);
		inflight--;
		freel[nfree++] = s;
		if (res != (int)bs) {
			rc = io_error(w, res < 0 ? -res : EIO, slots[s].rd, slots[s].off, res, true);
			break;
		}
		/* Only I/Os submitted and completed inside the measured phase
		 * count: not those in flight when warm-up ended, nor those
		 * completing after it ended. */
		if (slots[s].measured)
			io_record(w, slots[s].rd, t1 - slots[s].t0);
		if (slots[s].rd && r->c.verify)
			io_check_read(w, iov[s].iov_base, slots[s].off);
	}
	/* Drain what is still in flight after an error, so buffers are not freed under the kernel. */
	while (inflight) {
		struct io_uring_cqe *cqe;
		int wr = io_uring_wait_cqe(&ring, &cqe);

		if (wr == -EINTR)
			continue;
		if (wr < 0)
			break;
		io_uring_cqe_seen(&ring, cqe);
		inflight--;
	}
out_ring:
	io_uring_queue_exit(&ring);
out_free:
	free(slots);
	free(freel);
	free(iov);
	return rc;
}

static int odirect_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct odirect_params *p = r->p;
	struct io_ctx c = { .w = w, .fd = *(int *)r->priv };
	uint64_t nbuf = p->engine == ENGINE_URING ? p->iodepth : 1;

	c.bufs = cmd_worker_buf(w, nbuf * r->c.bs);
	if (!c.bufs)
		return w->err.code;
	if (cmd_order_init(w, &c.ord, w->len / r->c.bs, p->io.order)) {
		free(c.bufs);
		return w->err.code;
	}
	for (uint64_t i = 0; i < nbuf; i++)
		dx_pattern_fill(DX_PATTERN_DAXWL, r->c.seed, w->off, c.bufs + i * r->c.bs, r->c.bs);
	int rc = p->engine == ENGINE_URING ? uring_loop(&c) : sync_loop(&c);

	free(c.bufs);
	order_free(&c.ord);
	return rc;
}

static int odirect_run(struct daxwl_run *r)
{
	if (refuse_unaligned(r, r->env.dio_offset_align))
		return r->err.code;
	int fd = open_direct(r);

	if (fd < 0)
		return r->err.code;
	r->priv = &fd;
	int rc = workers_run(r, cmd_op_budget(r, r->region / r->c.bs), odirect_worker);

	r->priv = NULL;
	close(fd);
	return rc;
}

const struct daxwl_cmd cmd_odirect = {
	.name = "odirect",
	.summary = "O_DIRECT I/O through io_uring (--iodepth, registered buffers) or pread/pwrite",
	.opts = odirect_opts,
	.params_size = sizeof(struct odirect_params),
	.flags = CMD_BDEV_OK,
	.defaults = odirect_defaults,
	.check = odirect_check,
	.probe = odirect_probe,
	.run = odirect_run,
	.report = io_report,
};
