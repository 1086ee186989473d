/* SPDX-License-Identifier: MIT */
/* The expected state of the files at a crash, from the manifest. */
#include <stdlib.h>
#include <string.h>

#include "daxlab/vec.h"
#include "expect.h"

static struct expect_file *file_get(struct expect *e, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->f[i].path, path))
			return &e->f[i];
	if (DX_RESERVE(e->f, e->cap, e->n + 1))
		return NULL;
	memset(&e->f[e->n], 0, sizeof(e->f[0]));
	snprintf(e->f[e->n].path, sizeof(e->f[0].path), "%s", path);
	return &e->f[e->n++];
}

/* Remove [off, off+len) from f's ranges (splitting where needed). */
static int cut_range(struct expect_file *f, uint64_t off, uint64_t len)
{
	uint64_t end = off + len;

	for (size_t i = 0; i < f->nr; i++) {
		struct expect_range *r = &f->r[i];
		uint64_t rend = r->off + r->len;

		if (rend <= off || r->off >= end)
			continue;
		if (r->off < off && rend > end) {	/* split in two */
			struct expect_range tail = *r;

			if (DX_RESERVE(f->r, f->capr, f->nr + 1))
				return -1;
			r = &f->r[i];
			tail.off = end;
			tail.len = rend - end;
			r->len = off - r->off;
			f->r[f->nr++] = tail;
			continue;
		}
		if (r->off < off) {
			r->len = off - r->off;
		} else if (rend > end) {
			r->len = rend - end;
			r->off = end;
		} else {
			f->r[i--] = f->r[--f->nr];
		}
	}
	return 0;
}

static int add_range(struct expect_file *f, uint64_t off, uint64_t len,
		     uint64_t seed, uint64_t id)
{
	if (cut_range(f, off, len))
		return -1;
	if (DX_RESERVE(f->r, f->capr, f->nr + 1))
		return -1;
	f->r[f->nr++] = (struct expect_range){ off, len, seed, id };
	return 0;
}

static void forget(struct expect_file *f)
{
	f->nr = 0;
	f->size_known = 0;
}

static int apply(struct expect *e, const struct ctm_promise *p)
{
	struct expect_file *f = file_get(e, p->path), *g;

	if (!f)
		return -1;
	switch (p->kind) {
	case CTM_DATA:
	case CTM_ZERO:
		f->exists = EXIST_YES;
		f->exist_id = p->id;
		return add_range(f, p->off, p->len,
				 p->kind == CTM_ZERO ? RANGE_ZERO : p->seed, p->id);
	case CTM_SIZE:
		/* A size promises the file too: a missing file names this mark. */
		f->exists = EXIST_YES;
		f->exist_id = p->id;
		f->size_known = 1;
		f->size = p->len;
		f->size_id = p->id;
		return cut_range(f, p->len, UINT64_MAX - p->len);
	case CTM_NAME:
		f->exists = EXIST_YES;
		f->exist_id = p->id;
		return 0;
	case CTM_GONE:
		forget(f);
		f->exists = EXIST_NO;
		f->exist_id = p->id;
		return 0;
	case CTM_RENAME:
		g = file_get(e, p->path2);
		if (!g)
			return -1;
		f = file_get(e, p->path);	/* e->f may have moved */
		free(g->r);
		{
			char keep[CTM_PATH_MAX];

			memcpy(keep, g->path, sizeof(keep));
			*g = *f;
			memcpy(g->path, keep, sizeof(keep));
		}
		g->exists = EXIST_YES;
		g->exist_id = p->id;
		f->r = NULL;
		f->nr = f->capr = 0;
		f->size_known = 0;
		f->exists = EXIST_NO;
		f->exist_id = p->id;
		return 0;
	}
	return 0;
}

/* The operation in flight at the crash may have changed what it touches. */
static int relax(struct expect *e, const struct ctm_promise *p)
{
	struct expect_file *f = file_get(e, p->path);

	if (!f)
		return -1;
	switch (p->kind) {
	case CTM_DATA:
	case CTM_ZERO:
		/* The write may extend the file: its size is open too. */
		f->size_known = 0;
		return cut_range(f, p->off, p->len);
	case CTM_RENAME:
		f->exists = EXIST_UNKNOWN;
		forget(f);
		f = file_get(e, p->path2);
		if (!f)
			return -1;
		/* fall through */
	default:
		f->exists = EXIST_UNKNOWN;
		forget(f);
		return 0;
	}
}

int expect_build(const struct ctm_manifest *m, const uint64_t *reached,
		 size_t nreached, struct expect *e)
{
	uint64_t last = 0, next = 0;

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < nreached; i++)
		if (reached[i] > last && ctm_has_id(m, reached[i]))
			last = reached[i];
	e->last_id = last;
	for (size_t i = 0; i < m->n; i++) {
		const struct ctm_promise *p = &m->p[i];

		if (last && p->id <= last) {
			if (apply(e, p))
				return -1;
		} else if (!next || p->id == next) {
			next = p->id;
			if (relax(e, p))
				return -1;
		}
	}
	return 0;
}

void expect_free(struct expect *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->f[i].r);
	free(e->f);
	memset(e, 0, sizeof(*e));
}
