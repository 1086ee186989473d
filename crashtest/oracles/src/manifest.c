/* SPDX-License-Identifier: MIT */
/* The manifest's one reader and one writer (grammar in ctmanifest.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctmanifest.h"
#include "daxlab/vec.h"
#include "daxlab/num.h"
#include "pmtrace.h"

_Static_assert(CTM_ID_LIMIT == PMTRACE_MARK_DRAIN,
	       "manifest ids end where the tracer's drain marks begin");

static const char *const kind_names[] = {
	[CTM_DATA] = "data", [CTM_ZERO] = "zero", [CTM_SIZE] = "size",
	[CTM_NAME] = "name", [CTM_GONE] = "gone", [CTM_RENAME] = "rename",
};
/* Fields after "ID KIND" per kind. */
static const unsigned kind_args[] = {
	[CTM_DATA] = 4, [CTM_ZERO] = 3, [CTM_SIZE] = 2,
	[CTM_NAME] = 1, [CTM_GONE] = 1, [CTM_RENAME] = 2,
};
#define NKINDS (sizeof(kind_names) / sizeof(kind_names[0]))

const char *ctm_kind_name(enum ctm_kind k)
{
	return (unsigned)k < NKINDS ? kind_names[k] : "?";
}

static void msg(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void msg(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- what both sides check ----------------------------------------------- */

/* Why path is not a manifest path, or NULL when it is one. */
static const char *path_problem(const char *p)
{
	size_t len = strlen(p), comp = 0;

	if (!len)
		return "an empty path";
	if (len >= CTM_PATH_MAX)
		return "a path longer than 255 bytes";
	if (p[0] == '/')
		return "an absolute path (paths are relative to the file-system root)";
	for (size_t i = 0; i <= len; i++) {
		char c = p[i];

		if (c == '/' || !c) {
			if (!comp)
				return "an empty path component";
			if ((comp == 1 && p[i - 1] == '.') ||
			    (comp == 2 && p[i - 1] == '.' && p[i - 2] == '.'))
				return "a '.' or '..' path component";
			comp = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '_' ||
		      c == '-' || c == '+'))
			return "a path character other than A-Z a-z 0-9 . _ - + /";
		comp++;
	}
	return NULL;
}

/* Why p is not a valid promise (its own fields only), or NULL. */
static const char *promise_problem(const struct ctm_promise *p)
{
	const char *why;

	if (p->id == 0)
		return "mark id 0 (ids start at 1)";
	if (p->id >= CTM_ID_LIMIT)
		return "a mark id reserved for the tracer's drain marks";
	if ((unsigned)p->kind >= NKINDS)
		return "an unknown kind";
	if ((why = path_problem(p->path)))
		return why;
	if (p->kind == CTM_RENAME) {
		if ((why = path_problem(p->path2)))
			return why;
		if (!strcmp(p->path, p->path2))
			return "a rename to the same name";
	}
	if ((p->kind == CTM_DATA || p->kind == CTM_ZERO) &&
	    (p->off > CTM_OFF_LIMIT || p->len > CTM_OFF_LIMIT - p->off))
		return "a range that ends beyond the largest file offset";
	if (p->kind == CTM_SIZE && p->len > CTM_OFF_LIMIT)
		return "a size beyond the largest file size";
	return NULL;
}

/* Header values: printable, no blanks, shorter than CTM_NAME_MAX. */
static const char *name_problem(const char *v)
{
	size_t len = strlen(v);

	if (!len)
		return "an empty value";
	if (len >= CTM_NAME_MAX)
		return "a value longer than 63 bytes";
	for (size_t i = 0; i < len; i++)
		if (v[i] <= ' ' || v[i] > '~')
			return "a value with a blank or a non-printable byte";
	return NULL;
}

static int known_fs(const char *fs)
{
	return !strcmp(fs, "ext2") || !strcmp(fs, "ext4") || !strcmp(fs, "xfs");
}

static int known_device(const char *d)
{
	return !strcmp(d, "pmem") || !strcmp(d, "dm-linear");
}

/* ---- the reader ------------------------------------------------------------ */

enum hkey { H_SCENARIO, H_FS, H_DEVICE, H_DEV_OFFSET, H_KERNEL, H_WORKLOAD,
	    H_START_MARK, H_NKEYS };
static const char *const hkey_names[H_NKEYS] = {
	"scenario", "fs", "device", "dev_offset", "kernel", "workload",
	"start_mark",
};

struct reader {
	struct ctm_manifest *m;
	const char *name;
	unsigned line;
	unsigned seen[H_NKEYS];		/* line of each header key, 0: none */
	char *err;
	size_t errlen;
};

static int bad(struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int bad(struct reader *r, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	msg(r->err, r->errlen, "%s:%u: %s", r->name, r->line, what);
	return CTM_EINPUT;
}

/* Manifest numbers are plain decimal: no 0x, no sign, no blanks. */
static int number(struct reader *r, const char *tok, const char *what,
		  uint64_t max, uint64_t *v)
{
	if (!tok[0] || tok[strspn(tok, "0123456789")])
		return bad(r, "%s '%s' is not a decimal number", what, tok);
	if (dx_parse_u64(tok, 0, max, v, NULL, NULL, 0))
		return bad(r, "%s %s is larger than %" PRIu64, what, tok, max);
	return 0;
}

static void copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

static int header_line(struct reader *r, enum hkey k, char **tok, size_t ntok)
{
	struct ctm_header *h = &r->m->h;
	const char *why;
	uint64_t v;

	if (r->m->n)
		return bad(r, "header line '%s' after the first promise",
			   hkey_names[k]);
	if (r->seen[k])
		return bad(r, "a second '%s' line (the first is line %u)",
			   hkey_names[k], r->seen[k]);
	if (ntok != 2)
		return bad(r, "'%s' takes one value, not %zu", hkey_names[k],
			   ntok - 1);
	r->seen[k] = r->line;
	switch (k) {
	case H_DEV_OFFSET:
		return number(r, tok[1], "dev_offset", CTM_OFF_LIMIT,
			      &h->dev_offset);
	case H_START_MARK:
		if (number(r, tok[1], "start_mark", CTM_ID_LIMIT - 1, &v))
			return CTM_EINPUT;
		if (!v)
			return bad(r, "start_mark 0 (ids start at 1)");
		h->start_mark = v;
		return 0;
	default:
		break;
	}
	if ((why = name_problem(tok[1])))
		return bad(r, "'%s' has %s", hkey_names[k], why);
	switch (k) {
	case H_SCENARIO: copy(h->scenario, sizeof(h->scenario), tok[1]); break;
	case H_KERNEL: copy(h->kernel, sizeof(h->kernel), tok[1]); break;
	case H_WORKLOAD: copy(h->workload, sizeof(h->workload), tok[1]); break;
	case H_FS:
		if (!known_fs(tok[1]))
			return bad(r, "unknown file system '%s' (ext2, ext4 or xfs)",
				   tok[1]);
		copy(h->fs, sizeof(h->fs), tok[1]);
		break;
	case H_DEVICE:
		if (!known_device(tok[1]))
			return bad(r, "unknown device '%s' (pmem or dm-linear)",
				   tok[1]);
		copy(h->device, sizeof(h->device), tok[1]);
		break;
	default:
		break;
	}
	return 0;
}

static int ranges_meet(const struct ctm_promise *a, const struct ctm_promise *b)
{
	return a->off < b->off + b->len && b->off < a->off + a->len;
}

/* Two promises of one mark about the same thing contradict or repeat. */
static int same_mark_clash(struct reader *r, const struct ctm_promise *p)
{
	const struct ctm_manifest *m = r->m;

	for (size_t i = m->n; i > 0 && m->p[i - 1].id == p->id; i--) {
		const struct ctm_promise *q = &m->p[i - 1];
		int range = (p->kind == CTM_DATA || p->kind == CTM_ZERO) &&
			    (q->kind == CTM_DATA || q->kind == CTM_ZERO);

		if (strcmp(q->path, p->path))
			continue;
		if (range && ranges_meet(p, q))
			return bad(r, "mark %" PRIu64 " promises bytes of %s twice "
				   "(overlaps line %u)", p->id, p->path, q->line);
		if (!range && q->kind == p->kind)
			return bad(r, "mark %" PRIu64 " has a second '%s' promise "
				   "for %s (line %u)", p->id, ctm_kind_name(p->kind),
				   p->path, q->line);
	}
	return 0;
}

static int push(struct ctm_manifest *m, const struct ctm_promise *p)
{
	if (DX_RESERVE(m->p, m->cap, m->n + 1))
		return CTM_ENOMEM;
	m->p[m->n++] = *p;
	return 0;
}

static int promise_line(struct reader *r, char **tok, size_t ntok)
{
	struct ctm_promise p;
	struct ctm_manifest *m = r->m;
	const char *why;
	uint64_t *num[3];
	const char *what[3];
	unsigned k, nnum = 0, first;

	memset(&p, 0, sizeof(p));
	if (number(r, tok[0], "mark id", UINT64_MAX, &p.id))
		return CTM_EINPUT;
	if (ntok < 2)
		return bad(r, "mark %" PRIu64 " without a promise", p.id);
	for (k = 0; k < NKINDS && strcmp(tok[1], kind_names[k]); k++)
		;
	if (k == NKINDS)
		return bad(r, "unknown promise '%s' (data, zero, size, name, "
			   "gone or rename)", tok[1]);
	p.kind = (enum ctm_kind)k;
	if (ntok != 2 + kind_args[k])
		return bad(r, "'%s' needs %u value%s after the kind, not %zu",
			   tok[1], kind_args[k], kind_args[k] > 1 ? "s" : "",
			   ntok - 2);
	if (strlen(tok[2]) >= CTM_PATH_MAX)
		return bad(r, "a path longer than 255 bytes");
	copy(p.path, sizeof(p.path), tok[2]);
	first = 3;
	switch (p.kind) {
	case CTM_DATA:
	case CTM_ZERO:
		what[0] = "offset";
		num[0] = &p.off;
		what[1] = "length";
		num[1] = &p.len;
		what[2] = "seed";
		num[2] = &p.seed;
		nnum = p.kind == CTM_DATA ? 3 : 2;
		break;
	case CTM_SIZE:
		what[0] = "size";
		num[0] = &p.len;
		nnum = 1;
		break;
	case CTM_RENAME:
		if (strlen(tok[3]) >= CTM_PATH_MAX)
			return bad(r, "a path longer than 255 bytes");
		copy(p.path2, sizeof(p.path2), tok[3]);
		break;
	default: break;
	}
	for (unsigned i = 0; i < nnum; i++)
		if (number(r, tok[first + i], what[i], UINT64_MAX, num[i]))
			return CTM_EINPUT;
	if ((why = promise_problem(&p)))
		return bad(r, "%s", why);
	if (m->n && p.id < m->p[m->n - 1].id)
		return bad(r, "mark ids must not go back (%" PRIu64 " after %" PRIu64 ")",
			   p.id, m->p[m->n - 1].id);
	if (!m->n && m->h.start_mark && p.id <= m->h.start_mark)
		return bad(r, "the first promise's mark %" PRIu64 " is not after "
			   "start_mark %" PRIu64, p.id, m->h.start_mark);
	if (same_mark_clash(r, &p))
		return CTM_EINPUT;
	p.line = r->line;
	if (push(m, &p)) {
		msg(r->err, r->errlen, "%s:%u: out of memory", r->name, r->line);
		return CTM_ENOMEM;
	}
	return 0;
}

/* One line, NUL-terminated, without its newline. */
static int one_line(struct reader *r, char *line)
{
	char *tok[8];
	size_t ntok = 0, len = strlen(line);

	if (len && line[len - 1] == '\r')
		line[--len] = 0;
	for (char *s = line; *s;) {
		while (*s == ' ' || *s == '\t')
			*s++ = 0;
		if (!*s)
			break;
		if (ntok == sizeof(tok) / sizeof(tok[0]))
			return bad(r, "too many fields");
		tok[ntok++] = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	if (!ntok || tok[0][0] == '#')
		return 0;
	for (unsigned k = 0; k < H_NKEYS; k++)
		if (!strcmp(tok[0], hkey_names[k]))
			return header_line(r, (enum hkey)k, tok, ntok);
	if (tok[0][0] >= '0' && tok[0][0] <= '9')
		return promise_line(r, tok, ntok);
	return bad(r, "unknown key '%.40s'", tok[0]);
}

void ctm_free(struct ctm_manifest *m)
{
	free(m->p);
	memset(m, 0, sizeof(*m));
}

int ctm_parse(struct ctm_manifest *m, const char *buf, size_t len,
	      const char *name, char *err, size_t errlen)
{
	struct reader r = { .m = m, .name = name, .err = err, .errlen = errlen };
	char line[CTM_LINE_MAX + 1];
	size_t at = 0;
	int rc = 0;

	memset(m, 0, sizeof(*m));
	copy(m->h.device, sizeof(m->h.device), "pmem");
	if (!len) {
		msg(err, errlen, "%s: empty manifest (no 'fs' line)", name);
		return CTM_EINPUT;
	}
	while (at < len && !rc) {
		const char *nl = memchr(buf + at, '\n', len - at);
		size_t n = (nl ? (size_t)(nl - buf) : len) - at;

		r.line++;
		if (!nl)
			rc = bad(&r, "truncated: the last line has no newline");
		else if (n > CTM_LINE_MAX)
			rc = bad(&r, "longer than %d bytes", CTM_LINE_MAX);
		else if (memchr(buf + at, 0, n))
			rc = bad(&r, "holds a NUL byte");
		if (rc)
			break;
		memcpy(line, buf + at, n);
		line[n] = 0;
		rc = one_line(&r, line);
		at += n + 1;
	}
	if (!rc && !m->h.fs[0]) {
		msg(err, errlen, "%s: no 'fs' line", name);
		rc = CTM_EINPUT;
	}
	if (rc)
		ctm_free(m);
	return rc;
}

int ctm_load(struct ctm_manifest *m, const char *path, char *err,
	     size_t errlen)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int fd = open(path, O_RDONLY), rc;

	memset(m, 0, sizeof(*m));
	if (fd < 0) {
		msg(err, errlen, "cannot open manifest %s: %s", path,
		    strerror(errno));
		return CTM_EINPUT;
	}
	for (;;) {
		ssize_t got;

		if (len == cap) {
			if (DX_RESERVE(buf, cap, len + 65536)) {
				msg(err, errlen, "reading manifest %s: out of "
				    "memory at %zu bytes", path, len);
				free(buf);
				close(fd);
				return CTM_ENOMEM;
			}
		}
		got = read(fd, buf + len, cap - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			msg(err, errlen, "reading manifest %s: %s", path,
			    strerror(errno));
			free(buf);
			close(fd);
			return CTM_EINPUT;
		}
		if (!got)
			break;
		len += (size_t)got;
	}
	close(fd);
	rc = ctm_parse(m, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

int ctm_has_id(const struct ctm_manifest *m, uint64_t id)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->p[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < m->n && m->p[lo].id == id;
}

uint64_t ctm_start_mark(const struct ctm_manifest *m)
{
	if (m->h.start_mark)
		return m->h.start_mark;
	/* ctwl set its start mark right before the first promise's mark. */
	if (m->h.workload[0] && m->n && m->p[0].id > 1)
		return m->p[0].id - 1;
	return 0;
}

int ctm_knows_id(const struct ctm_manifest *m, uint64_t id)
{
	return id == PMTRACE_MARK_DRAIN || (id && id == ctm_start_mark(m)) ||
	       ctm_has_id(m, id);
}

/* ---- the writer ------------------------------------------------------------ */

static int written(FILE *f, char *err, size_t errlen)
{
	if (ferror(f)) {
		msg(err, errlen, "writing the manifest: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int ctm_write_header(FILE *f, const struct ctm_header *h, char *err,
		     size_t errlen)
{
	const char *const val[H_NKEYS] = {
		[H_SCENARIO] = h->scenario, [H_FS] = h->fs,
		[H_DEVICE] = h->device, [H_KERNEL] = h->kernel,
		[H_WORKLOAD] = h->workload,
	};
	const char *why;

	if (!known_fs(h->fs)) {
		msg(err, errlen, "manifest header: unknown file system '%s'", h->fs);
		return -1;
	}
	if (h->device[0] && !known_device(h->device)) {
		msg(err, errlen, "manifest header: unknown device '%s'", h->device);
		return -1;
	}
	if (h->dev_offset > CTM_OFF_LIMIT || h->start_mark >= CTM_ID_LIMIT) {
		msg(err, errlen, "manifest header: dev_offset or start_mark out of range");
		return -1;
	}
	for (unsigned k = 0; k < H_NKEYS; k++)
		if (k != H_DEV_OFFSET && k != H_START_MARK && val[k][0] &&
		    (why = name_problem(val[k]))) {
			msg(err, errlen, "manifest header: '%s' has %s",
			    hkey_names[k], why);
			return -1;
		}
	for (unsigned k = 0; k < H_NKEYS; k++) {
		if (k == H_DEV_OFFSET) {
			fprintf(f, "dev_offset %" PRIu64 "\n", h->dev_offset);
			continue;
		}
		if (k == H_START_MARK) {
			if (h->start_mark)
				fprintf(f, "start_mark %" PRIu64 "\n", h->start_mark);
			continue;
		}
		if (val[k][0])
			fprintf(f, "%s %s\n", hkey_names[k], val[k]);
	}
	return written(f, err, errlen);
}

int ctm_write_promise(FILE *f, const struct ctm_promise *p, char *err,
		      size_t errlen)
{
	const char *why = promise_problem(p);

	if (why) {
		msg(err, errlen, "promise of mark %" PRIu64 ": %s", p->id, why);
		return -1;
	}
	fprintf(f, "%" PRIu64 " %s %s", p->id, ctm_kind_name(p->kind), p->path);
	switch (p->kind) {
	case CTM_DATA:
		fprintf(f, " %" PRIu64 " %" PRIu64 " %" PRIu64, p->off, p->len,
			p->seed);
		break;
	case CTM_ZERO:
		fprintf(f, " %" PRIu64 " %" PRIu64, p->off, p->len);
		break;
	case CTM_SIZE:
		fprintf(f, " %" PRIu64, p->len);
		break;
	case CTM_RENAME:
		fprintf(f, " %s", p->path2);
		break;
	default:
		break;
	}
	fputc('\n', f);
	return written(f, err, errlen);
}
