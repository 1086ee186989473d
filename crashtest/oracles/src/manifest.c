/* SPDX-License-Identifier: MIT */
/* Manifest parsing and the expected state of the files at a crash. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

static const char *const kind_names[] = {
	[P_DATA] = "data", [P_ZERO] = "zero", [P_SIZE] = "size",
	[P_NAME] = "name", [P_GONE] = "gone", [P_RENAME] = "rename",
};

const char *promise_kind_name(enum promise_kind k)
{
	return (unsigned)k < sizeof(kind_names) / sizeof(kind_names[0])
		       ? kind_names[k] : "?";
}

static int push(struct manifest *m, const struct promise *p)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct promise *np = realloc(m->p, cap * sizeof(*np));

		if (!np)
			return -1;
		m->p = np;
		m->cap = cap;
	}
	m->p[m->n++] = *p;
	return 0;
}

static int parse_promise(const char *line, struct promise *p)
{
	char kind[16];
	unsigned long long id, a = 0, b = 0, c = 0;
	int n = 0;

	memset(p, 0, sizeof(*p));
	if (sscanf(line, "%llu %15s %n", &id, kind, &n) != 2)
		return -1;
	p->id = id;
	line += n;
	if (!strcmp(kind, "data")) {
		p->kind = P_DATA;
		if (sscanf(line, "%255s %llu %llu %llu", p->path, &a, &b, &c) != 4)
			return -1;
	} else if (!strcmp(kind, "zero")) {
		p->kind = P_ZERO;
		if (sscanf(line, "%255s %llu %llu", p->path, &a, &b) != 3)
			return -1;
	} else if (!strcmp(kind, "size")) {
		p->kind = P_SIZE;
		if (sscanf(line, "%255s %llu", p->path, &b) != 2)
			return -1;
	} else if (!strcmp(kind, "name")) {
		p->kind = P_NAME;
		if (sscanf(line, "%255s", p->path) != 1)
			return -1;
	} else if (!strcmp(kind, "gone")) {
		p->kind = P_GONE;
		if (sscanf(line, "%255s", p->path) != 1)
			return -1;
	} else if (!strcmp(kind, "rename")) {
		p->kind = P_RENAME;
		if (sscanf(line, "%255s %255s", p->path, p->path2) != 2)
			return -1;
	} else {
		return -1;
	}
	p->off = a;
	p->len = b;
	p->seed = c;
	return 0;
}

int manifest_load(struct manifest *m, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	unsigned lineno = 0;

	memset(m, 0, sizeof(*m));
	snprintf(m->device, sizeof(m->device), "pmem");
	if (!f) {
		snprintf(err, errlen, "cannot open manifest %s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct promise p;
		unsigned long long v;

		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (!line[0] || line[0] == '#')
			continue;
		if (sscanf(line, "scenario %63s", m->scenario) == 1 ||
		    sscanf(line, "fs %15s", m->fs) == 1 ||
		    sscanf(line, "device %63s", m->device) == 1 ||
		    sscanf(line, "workload %63s", m->workload) == 1 ||
		    sscanf(line, "kernel %63s", m->kernel) == 1)
			continue;
		if (sscanf(line, "dev_offset %llu", &v) == 1) {
			m->dev_offset = v;
			continue;
		}
		if (parse_promise(line, &p)) {
			snprintf(err, errlen, "%s:%u: not a promise: '%s'",
				 path, lineno, line);
			goto fail;
		}
		if (m->n && p.id < m->p[m->n - 1].id) {
			snprintf(err, errlen, "%s:%u: mark ids must not go back",
				 path, lineno);
			goto fail;
		}
		p.line = lineno;
		if (push(m, &p)) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "reading %s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	if (!m->fs[0]) {
		snprintf(err, errlen, "%s: no 'fs' line", path);
		manifest_free(m);
		return -1;
	}
	return 0;
fail:
	fclose(f);
	manifest_free(m);
	return -1;
}

void manifest_free(struct manifest *m)
{
	free(m->p);
	m->p = NULL;
	m->n = m->cap = 0;
}

int manifest_has_id(const struct manifest *m, uint64_t id)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->p[i].id == id)
			return 1;
	return 0;
}

/* ---- expected state ---------------------------------------------------- */

static struct expect_file *file_get(struct expect *e, const char *path)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->f[i].path, path))
			return &e->f[i];
	if (e->n == e->cap) {
		size_t cap = e->cap ? 2 * e->cap : 16;
		struct expect_file *nf = realloc(e->f, cap * sizeof(*nf));

		if (!nf)
			return NULL;
		e->f = nf;
		e->cap = cap;
	}
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

			if (f->nr == f->capr) {
				size_t cap = f->capr ? 2 * f->capr : 8;
				struct expect_range *nr =
					realloc(f->r, cap * sizeof(*nr));

				if (!nr)
					return -1;
				f->r = nr;
				f->capr = cap;
				r = &f->r[i];
			}
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
	if (f->nr == f->capr) {
		size_t cap = f->capr ? 2 * f->capr : 8;
		struct expect_range *nr = realloc(f->r, cap * sizeof(*nr));

		if (!nr)
			return -1;
		f->r = nr;
		f->capr = cap;
	}
	f->r[f->nr++] = (struct expect_range){ off, len, seed, id };
	return 0;
}

static void forget(struct expect_file *f)
{
	f->nr = 0;
	f->size_known = 0;
}

static int apply(struct expect *e, const struct promise *p)
{
	struct expect_file *f = file_get(e, p->path), *g;

	if (!f)
		return -1;
	switch (p->kind) {
	case P_DATA:
	case P_ZERO:
		f->exists = EXIST_YES;
		f->exist_id = p->id;
		return add_range(f, p->off, p->len,
				 p->kind == P_ZERO ? RANGE_ZERO : p->seed, p->id);
	case P_SIZE:
		f->exists = EXIST_YES;
		f->size_known = 1;
		f->size = p->len;
		f->size_id = p->id;
		return cut_range(f, p->len, UINT64_MAX - p->len);
	case P_NAME:
		f->exists = EXIST_YES;
		f->exist_id = p->id;
		return 0;
	case P_GONE:
		forget(f);
		f->exists = EXIST_NO;
		f->exist_id = p->id;
		return 0;
	case P_RENAME:
		g = file_get(e, p->path2);
		if (!g)
			return -1;
		f = file_get(e, p->path);	/* e->f may have moved */
		free(g->r);
		{
			char keep[MANIFEST_PATH_MAX];

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
static int relax(struct expect *e, const struct promise *p)
{
	struct expect_file *f = file_get(e, p->path);

	if (!f)
		return -1;
	switch (p->kind) {
	case P_DATA:
	case P_ZERO:
		/* The write may extend the file: its size is open too. */
		f->size_known = 0;
		return cut_range(f, p->off, p->len);
	case P_RENAME:
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

int manifest_expect(const struct manifest *m, const uint64_t *reached,
		    size_t nreached, struct expect *e)
{
	uint64_t last = 0, next = 0;

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < nreached; i++)
		if (reached[i] > last && manifest_has_id(m, reached[i]))
			last = reached[i];
	e->last_id = last;
	for (size_t i = 0; i < m->n; i++) {
		const struct promise *p = &m->p[i];

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
