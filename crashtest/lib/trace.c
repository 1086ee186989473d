// SPDX-License-Identifier: MIT
/*
 * Trace objects: loading a file (binary or text), the event/region/mark
 * tables, and the validation every parsed event goes through, so both
 * forms obey the same rules (TRACE-FORMAT.md).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/vec.h"
#include "internal.h"

struct pmsim_trace *pms_trace_alloc(const char *path, const char *dir,
				unsigned flags)
{
	struct pmsim_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->flags = flags;
	t->path = strdup(path ? path : "<memory>");
	t->dir = strdup(dir ? dir : ".");
	if (!t->path || !t->dir) {
		pmsim_trace_free(t);
		return NULL;
	}
	return t;
}

void pmsim_trace_free(struct pmsim_trace *t)
{
	if (!t)
		return;
	if (t->mapped)
		munmap(t->data, t->len);
	else
		free(t->data);
	for (size_t i = 0; i < t->nnames; i++)
		free(t->names[i]);
	free(t->names);
	free(t->ev);
	free(t->reg);
	free(t->marks);
	free(t->path);
	free(t->dir);
	free(t);
}

size_t pmsim_trace_nevents(const struct pmsim_trace *t) { return t->nev; }
size_t pmsim_trace_nregions(const struct pmsim_trace *t) { return t->nreg; }
size_t pmsim_trace_nmarks(const struct pmsim_trace *t) { return t->nmarks; }
const char *pmsim_trace_path(const struct pmsim_trace *t) { return t->path; }
const char *pmsim_trace_dir(const struct pmsim_trace *t) { return t->dir; }
int pmsim_trace_is_text(const struct pmsim_trace *t) { return t->text; }

const struct pmsim_event *pmsim_trace_event(const struct pmsim_trace *t,
					    size_t i)
{
	return i < t->nev ? &t->ev[i] : NULL;
}

const struct pmsim_region *pmsim_trace_region(const struct pmsim_trace *t,
					      size_t i)
{
	return i < t->nreg ? &t->reg[i] : NULL;
}

const struct pmsim_mark *pmsim_trace_mark(const struct pmsim_trace *t,
					  size_t i)
{
	return i < t->nmarks ? &t->marks[i] : NULL;
}

void pms_trace_where(const struct pmsim_trace *t, const struct pmsim_event *e,
		 char *buf, size_t size)
{
	if (t->text)
		snprintf(buf, size, "%s:%" PRIu64, t->path, e->offset);
	else
		snprintf(buf, size, "%s: offset 0x%" PRIx64 " (event %zu)",
			 t->path, e->offset, t->nev);
}

int pms_trace_find_region(const struct pmsim_trace *t, uint64_t addr, uint64_t len,
		      size_t *hint)
{
	const struct pmsim_region *r;

	if (*hint < t->nreg) {
		r = &t->reg[*hint];
		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base))
			return (int)*hint;
	}
	for (size_t i = 0; i < t->nreg; i++) {
		r = &t->reg[i];
		if (addr >= r->base && addr - r->base < r->size &&
		    len <= r->size - (addr - r->base)) {
			*hint = i;
			return (int)i;
		}
	}
	return -1;
}

char *pms_trace_image_path(const struct pmsim_trace *t, const char *p)
{
	char *out;

	if (p[0] == '/')
		return strdup(p);
	if (asprintf(&out, "%s/%s", t->dir, p) < 0)
		return NULL;
	return out;
}

/* Location of the event being added, formatted only for an error. */
#define WHERE where_of(t, e)
static const char *where_of(const struct pmsim_trace *t,
			    const struct pmsim_event *e)
{
	static _Thread_local char buf[320];

	pms_trace_where(t, e, buf, sizeof(buf));
	return buf;
}

static int add_region(struct pmsim_trace *t, struct pmsim_event *e)
{
	struct pmsim_region *nr;
	uint64_t size;
	const char *name;

	if (e->len < 10 || e->payload[e->len - 1] != 0)
		return pmsim_seterr("%s: region payload must be a u64 size and a NUL-terminated name",
				    WHERE);
	size = rd64(e->payload);
	name = (const char *)e->payload + 8;
	if (strlen(name) != e->len - 9)
		return pmsim_seterr("%s: region name has an embedded NUL", WHERE);
	for (const char *c = name; *c; c++)
		if (*c <= ' ' || *c > '~')
			return pmsim_seterr("%s: region name \"%s\" must be printable without spaces",
					    WHERE, name);
	if ((e->addr | size) % PMTRACE_LINE)
		return pmsim_seterr("%s: region %s base 0x%" PRIx64 " and size 0x%" PRIx64
				    " must be multiples of %u", WHERE, name, e->addr, size,
				    PMTRACE_LINE);
	if (size == 0 || e->addr + size < e->addr)
		return pmsim_seterr("%s: region %s at 0x%" PRIx64 " has an invalid size 0x%" PRIx64,
				    WHERE, name, e->addr, size);
	for (size_t i = 0; i < t->nreg; i++) {
		const struct pmsim_region *o = &t->reg[i];

		if (e->addr < o->base + o->size && o->base < e->addr + size)
			return pmsim_seterr("%s: region %s [0x%" PRIx64 ", 0x%" PRIx64
					    ") overlaps region %s [0x%" PRIx64 ", 0x%" PRIx64 ")",
					    WHERE, name, e->addr, e->addr + size,
					    o->name, o->base, o->base + o->size);
	}
	if (t->nreg >= UINT16_MAX)
		return pmsim_seterr("%s: too many regions", WHERE);
	if (DX_RESERVE(t->reg, t->regcap, t->nreg + 1))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", WHERE);
	nr = t->reg;
	nr[t->nreg].base = e->addr;
	nr[t->nreg].size = size;
	nr[t->nreg].name = name;
	e->region = (uint16_t)t->nreg++;
	return 0;
}

static int add_mark(struct pmsim_trace *t, struct pmsim_event *e)
{
	if (e->len < 1 || e->payload[e->len - 1] != 0 ||
	    strlen((const char *)e->payload) != e->len - 1)
		return pmsim_seterr("%s: mark %" PRIu64 " label must be NUL-terminated (exactly one NUL)",
				    WHERE, e->addr);
	if (t->nmarks == t->mcap && DX_RESERVE(t->marks, t->mcap, t->nmarks + 1))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", WHERE);
	t->marks[t->nmarks].id = e->addr;
	t->marks[t->nmarks].label = (const char *)e->payload;
	t->marks[t->nmarks].event = t->nev;
	t->nmarks++;
	return 0;
}

static int check_image_file(struct pmsim_trace *t, struct pmsim_event *e)
{
	const struct pmsim_region *r;
	struct stat st;
	char *path;
	int ri;

	if (t->flags & PMSIM_TRACE_NO_FILES)
		return pmsim_seterr("%s: image files are not allowed here", WHERE);
	if (e->len < 2 || e->payload[e->len - 1] != 0 ||
	    strlen((const char *)e->payload) != e->len - 1)
		return pmsim_seterr("%s: image file path must be NUL-terminated", WHERE);
	for (const unsigned char *c = e->payload; *c; c++)
		if (*c < ' ')
			return pmsim_seterr("%s: image file path has a control character", WHERE);
	ri = pms_trace_find_region(t, e->addr, 1, &t->last_region);
	if (ri < 0)
		return pmsim_seterr("%s: image file at 0x%" PRIx64 " is outside every region",
				    WHERE, e->addr);
	r = &t->reg[ri];
	path = pms_trace_image_path(t, (const char *)e->payload);
	if (!path)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", WHERE);
	if (stat(path, &st) < 0) {
		pmsim_seterr("%s: image file %s: %s", WHERE, path, strerror(errno));
		free(path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		pmsim_seterr("%s: image file %s is not a regular file", WHERE, path);
		free(path);
		return -1;
	}
	if ((uint64_t)st.st_size > r->size - (e->addr - r->base)) {
		pmsim_seterr("%s: image file %s (%lld bytes) extends past region %s",
			     WHERE, path, (long long)st.st_size, r->name);
		free(path);
		return -1;
	}
	free(path);
	e->region = (uint16_t)ri;
	return 0;
}

static int check_in_region(struct pmsim_trace *t, struct pmsim_event *e,
			   uint64_t len, const char *what)
{
	int ri = pms_trace_find_region(t, e->addr, len, &t->last_region);

	if (ri < 0)
		return pmsim_seterr("%s: %s of %" PRIu64 " bytes at 0x%" PRIx64
				    " is not inside one region", WHERE, what, len, e->addr);
	e->region = (uint16_t)ri;
	return 0;
}

/* Regions, stores and marks have no kinds: the refusal of one. */
static int no_kind(const struct pmsim_trace *t, const struct pmsim_event *e,
		   const char *what)
{
	return pmsim_seterr("%s: %s has unknown kind %u", WHERE, what, e->kind);
}

/* A flush or a fence: a kind that name() knows, and no payload. */
static int check_named_kind(const struct pmsim_trace *t, const struct pmsim_event *e,
			    const char *(*name)(unsigned), const char *what)
{
	if (!name(e->kind))
		return pmsim_seterr("%s: unknown %s kind %u", WHERE, what, e->kind);
	if (e->len)
		return pmsim_seterr("%s: %s has a %u-byte payload (must be 0)",
				    WHERE, what, e->len);
	return 0;
}

int pms_trace_add(struct pmsim_trace *t, struct pmsim_event *e)
{
	int r = 0;

	e->region = 0;
	/* Fields the format does not use for a type read as 0 (the text form
	 * cannot carry them). */
	if (e->type == PMTRACE_FENCE)
		e->addr = 0;
	if (e->type == PMTRACE_REGION || e->type == PMTRACE_IMAGE)
		e->pc = 0;
	switch (e->type) {
	case PMTRACE_REGION:
		if (e->kind)
			return no_kind(t, e, "region");
		r = add_region(t, e);
		break;
	case PMTRACE_STORE:
	case PMTRACE_NTSTORE:
		if (e->kind)
			return no_kind(t, e, "store");
		if (e->len < 1 || e->len > PMTRACE_MAX_STORE)
			return pmsim_seterr("%s: store size %u is not in 1..%u", WHERE,
					    e->len, PMTRACE_MAX_STORE);
		r = check_in_region(t, e, e->len, e->type == PMTRACE_STORE ?
				    "store" : "ntstore");
		t->stored = true;
		break;
	case PMTRACE_FLUSH:
		r = check_named_kind(t, e, pmtrace_flush_name, "flush");
		if (!r)
			r = check_in_region(t, e, 1, "flush");
		break;
	case PMTRACE_FENCE:
		r = check_named_kind(t, e, pmtrace_fence_name, "fence");
		break;
	case PMTRACE_MARK:
		if (e->kind)
			return no_kind(t, e, "mark");
		r = add_mark(t, e);
		break;
	case PMTRACE_IMAGE:
		if (t->stored)
			return pmsim_seterr("%s: image record after the first store", WHERE);
		if (e->kind == PMTRACE_IMAGE_BYTES && !e->len)
			return pmsim_seterr("%s: image record without bytes", WHERE);
		if (e->kind == PMTRACE_IMAGE_BYTES)
			r = check_in_region(t, e, e->len, "image");
		else if (e->kind == PMTRACE_IMAGE_FILE)
			r = check_image_file(t, e);
		else
			return pmsim_seterr("%s: unknown image kind %u", WHERE, e->kind);
		break;
	default:
		return pmsim_seterr("%s: unknown event type %u", WHERE, e->type);
	}
	if (r)
		return r;
	if (t->nev == t->evcap && DX_RESERVE(t->ev, t->evcap, t->nev + 1))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", WHERE);
	t->ev[t->nev++] = *e;
	return 0;
}

static int finish_parse(struct pmsim_trace *t, const char *text, size_t len)
{
	if (len >= PMTRACE_MAGIC_LEN &&
	    memcmp(text, PMTRACE_MAGIC, PMTRACE_MAGIC_LEN) == 0)
		return pms_trace_parse_binary(t);
	t->text = true;
	return pms_trace_parse_text(t, text, len);
}

static char *dir_of(const char *path)
{
	char *copy = strdup(path), *d, *out;

	if (!copy)
		return NULL;
	d = dirname(copy);
	out = strdup(d);
	free(copy);
	return out;
}

int pmsim_trace_open(struct pmsim_trace **tp, const char *path)
{
	struct pmsim_trace *t;
	struct stat st;
	char *dir;
	void *map;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pmsim_seterr("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return pmsim_seterr("%s: not a regular file", path);
	}
	if (st.st_size == 0) {
		close(fd);
		return pmsim_seterr("%s: empty file, not a trace", path);
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return pmsim_seterr("%s: mmap: %s", path, strerror(errno));
	madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
	dir = dir_of(path);
	t = dir ? pms_trace_alloc(path, dir, 0) : NULL;
	free(dir);
	if (!t) {
		munmap(map, (size_t)st.st_size);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", path);
	}
	if ((size_t)st.st_size >= PMTRACE_MAGIC_LEN &&
	    memcmp(map, PMTRACE_MAGIC, PMTRACE_MAGIC_LEN) == 0) {
		t->data = map;
		t->len = (size_t)st.st_size;
		t->mapped = true;
		r = pms_trace_parse_binary(t);
	} else {
		t->text = true;
		r = pms_trace_parse_text(t, map, (size_t)st.st_size);
		munmap(map, (size_t)st.st_size);
	}
	if (r) {
		pmsim_trace_free(t);
		return r;
	}
	*tp = t;
	return 0;
}

int pmsim_trace_from_mem(struct pmsim_trace **tp, const void *data,
			 size_t len, const char *dir, unsigned flags)
{
	struct pmsim_trace *t = pms_trace_alloc(NULL, dir, flags);
	int r;

	if (!t)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (len >= PMTRACE_MAGIC_LEN &&
	    memcmp(data, PMTRACE_MAGIC, PMTRACE_MAGIC_LEN) == 0) {
		t->data = malloc(len);
		if (!t->data) {
			pmsim_trace_free(t);
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		}
		memcpy(t->data, data, len);
		t->len = len;
	}
	r = finish_parse(t, t->data ? (const char *)t->data : data, len);
	if (r) {
		pmsim_trace_free(t);
		return r;
	}
	*tp = t;
	return 0;
}
