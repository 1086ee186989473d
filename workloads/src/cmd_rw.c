/* daxwl rw: buffered pread/pwrite and preadv2/pwritev2 through the page cache or DAX. */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "cmd_util.h"
#include "verify.h"
#include "worker.h"

struct rw_params {
	struct io_mode io;
	int api, oflag;
	bool rwf_dsync;
};

static const char *const api_names[] = { "pread", "preadv2", NULL };
static const char *const oflag_names[] = { "none", "sync", "dsync", NULL };
enum { API_PREAD, API_PREADV2 };
enum { OFLAG_NONE, OFLAG_SYNC, OFLAG_DSYNC };

#define P(f) offsetof(struct rw_params, f)
static const struct opt rw_opts[] = {
	IO_MODE_OPTS(struct rw_params),
	{ .name = "api", .type = OPT_ENUM, .off = P(api),
	  .help = "pread/pwrite or preadv2/pwritev2",
	  .choices = api_names },
	{ .name = "rwf-dsync", .type = OPT_FLAG, .off = P(rwf_dsync),
	  .help = "pass RWF_DSYNC to pwritev2 (needs --api preadv2)" },
	{ .name = "oflag", .type = OPT_ENUM, .off = P(oflag),
	  .help = "open with O_SYNC or O_DSYNC",
	  .choices = oflag_names },
	{ .name = NULL }
};

static void rw_defaults(struct common_params *c, void *p)
{
	struct rw_params *rp = p;

	c->bs = 4096;
	rp->io.mix = 50;
}

static int rw_check(struct daxwl_run *r)
{
	struct rw_params *p = r->p;

	if (io_check(r, &p->io))
		return r->err.code;
	if (p->rwf_dsync && p->api != API_PREADV2)
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--rwf-dsync needs --api preadv2");
	if (p->rwf_dsync && p->io.rw == RW_READ)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--rwf-dsync applies to writes; use --rw write or mixed");
	return 0;
}

struct rw_state {
	int fd;
};

static int rw_worker(struct worker *w)
{
	struct daxwl_run *r = w->run;
	struct rw_params *p = r->p;
	struct rw_state *st = r->priv;
	uint64_t bs = r->c.bs, seed = r->c.seed;
	struct order ord;
	char *buf = cmd_worker_buf(w, bs);
	int rc = 0;

	if (!buf)
		return w->err.code;
	if (cmd_order_init(w, &ord, w->len / bs, p->io.order)) {
		free(buf);
		return w->err.code;
	}
	dx_pattern_fill(DX_PATTERN_DAXWL, seed, w->off, buf, bs);
	while (worker_next(w)) {
		uint64_t off = w->off + order_next(&ord) * bs;
		bool rd = io_pick_read(w, &p->io);
		struct iovec iov = { buf, bs };
		ssize_t n;

		if (!rd && r->c.verify)
			dx_pattern_fill(DX_PATTERN_DAXWL, seed, off, buf, bs);
		uint64_t t0 = dx_now_ns();

		if (p->api == API_PREAD)
			n = rd ? pread(st->fd, buf, bs, (off_t)off) : pwrite(st->fd, buf, bs, (off_t)off);
		else if (rd)
			n = preadv2(st->fd, &iov, 1, (off_t)off, 0);
		else
			n = pwritev2(st->fd, &iov, 1, (off_t)off, p->rwf_dsync ? RWF_DSYNC : 0);
		uint64_t t1 = dx_now_ns();

		if (n != (ssize_t)bs) {
			rc = io_error(w, n < 0 ? errno : EIO, rd, off, (long)n, false);
			break;
		}
		io_record(w, rd, t1 - t0);
		if (rd && r->c.verify)
			io_check_read(w, buf, off);
	}
	free(buf);
	order_free(&ord);
	return rc;
}

static int rw_run(struct daxwl_run *r)
{
	struct rw_params *p = r->p;
	struct rw_state st = { .fd = r->t.fd };
	static const int oflags[] = { 0, O_SYNC, O_DSYNC };

	if (p->oflag != OFLAG_NONE) {
		st.fd = target_reopen(&r->t, oflags[p->oflag], &r->err);
		if (st.fd < 0)
			return r->err.code;
	}
	r->priv = &st;
	int rc = workers_run(r, cmd_op_budget(r, r->region / r->c.bs), rw_worker);

	if (st.fd != r->t.fd)
		close(st.fd);
	r->priv = NULL;
	return rc;
}

const struct daxwl_cmd cmd_rw = {
	.name = "rw",
	.summary = "pread/pwrite or preadv2/pwritev2, 512 B to 16 MiB, seq or random",
	.opts = rw_opts,
	.params_size = sizeof(struct rw_params),
	.flags = CMD_BDEV_OK,
	.defaults = rw_defaults,
	.check = rw_check,
	.run = rw_run,
	.report = io_report,
};
