/* SPDX-License-Identifier: MIT */
/* The checker's verdicts by metadata (fsck_memo.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/vec.h"
#include "fsck_memo.h"

/* Recovered blocks kept in all: a replay writes tens of blocks, so this
 * holds a few thousand answers (ext4-dir-ops, 1900 checked images: 110
 * MiB); past it the checker simply runs. The judge's process already
 * holds the trace and pmsim's state, about 600 MiB there. */
#define MEMO_MAX_BYTES (128ull << 20)

struct answer {
	uint64_t a, b;
	int rc;
	char *msg;
	size_t nblk;
	uint64_t *blk;		/* block numbers the recovery changed */
	unsigned char *data;	/* their content after it, nblk blocks */
};

struct fsck_memo {
	uint32_t bs;
	struct answer *ans;
	size_t n, cap;
	uint64_t bytes, hits;
	unsigned char *buf;	/* one block read back */
};

struct fsck_memo *fsck_memo_new(uint32_t block_size)
{
	struct fsck_memo *m = calloc(1, sizeof(*m));

	if (!m || !(m->buf = malloc(block_size))) {
		free(m);
		return NULL;
	}
	m->bs = block_size;
	return m;
}

void fsck_memo_free(struct fsck_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->ans[i].msg);
		free(m->ans[i].blk);
		free(m->ans[i].data);
	}
	free(m->ans);
	free(m->buf);
	free(m);
}

uint64_t fsck_memo_hits(const struct fsck_memo *m)
{
	return m ? m->hits : 0;
}

/* A few thousand answers at most per run: a scan is cheap next to one
 * checker run. */
static const struct answer *find(const struct fsck_memo *m, uint64_t a,
				 uint64_t b)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->ans[i].a == a && m->ans[i].b == b)
			return &m->ans[i];
	return NULL;
}

static int write_all(int fd, const unsigned char *p, size_t len, off_t off)
{
	while (len) {
		ssize_t w = pwrite(fd, p, len, off);

		if (w <= 0) {
			if (!w)
				errno = EIO;
			return -1;
		}
		p += w;
		len -= (size_t)w;
		off += w;
	}
	return 0;
}

int fsck_memo_apply(struct fsck_memo *m, uint64_t ka, uint64_t kb, int fd,
		    int *rc, char *msg, size_t len)
{
	const struct answer *x = m ? find(m, ka, kb) : NULL;

	if (!x)
		return 0;
	for (size_t i = 0; i < x->nblk; i++)
		if (write_all(fd, x->data + i * m->bs, m->bs,
			      (off_t)(x->blk[i] * m->bs))) {
			snprintf(msg, len, "writing the recovered blocks: %s",
				 strerror(errno));
			return -1;
		}
	*rc = x->rc;
	snprintf(msg, len, "%s", x->msg);
	m->hits++;
	return 1;
}

static int read_all(int fd, unsigned char *p, size_t len, off_t off)
{
	while (len) {
		ssize_t r = pread(fd, p, len, off);

		if (r < 0)
			return -1;
		if (!r) {		/* past the end: zeros */
			memset(p, 0, len);
			return 0;
		}
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

int fsck_memo_zero(const unsigned char *p, size_t len)
{
	return !len || (!p[0] && !memcmp(p, p + 1, len - 1));
}

/* Add block u's content now (m->buf) to the answer; -1 out of memory. */
static int add_block(struct fsck_memo *m, struct answer *x, size_t *cap,
		     uint64_t u)
{
	size_t old = *cap;

	if (DX_RESERVE(x->blk, *cap, x->nblk + 1))
		return -1;
	if (*cap != old) {
		unsigned char *d = realloc(x->data, *cap * m->bs);

		if (!d)
			return -1;
		x->data = d;
	}
	x->blk[x->nblk] = u;
	memcpy(x->data + x->nblk++ * m->bs, m->buf, m->bs);
	return 0;
}

int fsck_memo_blocks(int fd, uint64_t nunits, uint32_t bs, unsigned char *buf,
		     int (*fn)(void *arg, uint64_t u, const unsigned char *b),
		     void *arg)
{
	uint64_t end = nunits * bs;

	/* The image was written sparse, so what any tool wrote is in the
	 * file's data segments; holes read as zeros. */
	for (off_t off = 0; (uint64_t)off < end;) {
		off_t data = lseek(fd, off, SEEK_DATA), hole;

		if (data < 0 && errno == ENXIO)
			break;
		hole = data < 0 ? -1 : lseek(fd, data, SEEK_HOLE);
		if (data < 0 || hole < 0) {
			/* No SEEK_DATA here: every block is read. */
			data = off;
			hole = (off_t)end;
		}
		for (uint64_t u = (uint64_t)data / bs;
		     u < nunits && u * bs < (uint64_t)hole; u++) {
			int r;

			if (read_all(fd, buf, bs, (off_t)(u * bs)))
				return -1;
			if ((r = fn(arg, u, buf)))
				return r;
		}
		off = (off_t)(((uint64_t)hole + bs - 1) / bs * bs);
	}
	return 0;
}

struct record {
	struct fsck_memo *m;
	struct answer x;
	size_t cap;
	const unsigned char *(*expect)(void *arg, uint64_t u);
	int (*is_data)(void *arg, uint64_t u);
	void *arg;
};

/* A block of the checked image: changed unless as written (a hole when
 * not written). 1 stops: the answer is not to be kept. */
static int changed(void *arg, uint64_t u, const unsigned char *b)
{
	struct record *r = arg;
	const unsigned char *want = r->expect(r->arg, u);

	if (want ? !memcmp(b, want, r->m->bs) : fsck_memo_zero(b, r->m->bs))
		return 0;
	return r->is_data(r->arg, u) || add_block(r->m, &r->x, &r->cap, u) ? 1 : 0;
}

static int keep(struct fsck_memo *m, struct answer *x, const char *msg)
{
	if (m->bytes < MEMO_MAX_BYTES &&
	    !DX_RESERVE(m->ans, m->cap, m->n + 1) && (x->msg = strdup(msg))) {
		m->bytes += x->nblk * m->bs + sizeof(*x);
		m->ans[m->n++] = *x;
		return 0;
	}
	free(x->blk);
	free(x->data);
	return -1;
}

int fsck_memo_record(struct fsck_memo *m, uint64_t ka, uint64_t kb, int fd,
		     uint64_t nunits, int rc, const char *msg,
		     const unsigned char *(*expect)(void *arg, uint64_t u),
		     int (*is_data)(void *arg, uint64_t u), void *arg)
{
	struct record r = { m, { ka, kb, rc, NULL, 0, NULL, NULL }, 0,
			    expect, is_data, arg };
	int stop = m->bytes >= MEMO_MAX_BYTES;

	if (!stop)
		stop = fsck_memo_blocks(fd, nunits, m->bs, m->buf, changed, &r);
	if (stop) {
		free(r.x.blk);
		free(r.x.data);
		return stop < 0 ? -1 : 0;
	}
	keep(m, &r.x, msg);
	return 0;
}

int fsck_memo_put(struct fsck_memo *m, uint64_t ka, uint64_t kb, int rc,
		  const char *msg)
{
	struct answer x = { ka, kb, rc, NULL, 0, NULL, NULL };

	return keep(m, &x, msg);
}
