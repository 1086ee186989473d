// SPDX-License-Identifier: MIT
/*
 * Text pmtrace parser (the form `pmsim dump` prints). Payload bytes go to
 * an arena; event payload pointers are fixed up once the arena stops
 * moving.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "daxlab/num.h"
#include "daxlab/vec.h"
#include "internal.h"

struct lexer {
	struct pmsim_trace *t;
	const char *p, *end;	/* rest of the current line */
	uint64_t line;
};

static int lerr(struct lexer *lx, const char *msg, const char *tok)
{
	return pmsim_seterr("%s:%" PRIu64 ": %s%s%s%s", lx->t->path, lx->line,
			    msg, tok ? " \"" : "", tok ? tok : "", tok ? "\"" : "");
}

static void skip_ws(struct lexer *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r'))
		lx->p++;
}

/* Next whitespace-delimited word into buf; 0 if none left. */
static size_t word(struct lexer *lx, char *buf, size_t size)
{
	size_t n = 0;

	skip_ws(lx);
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p)) {
		if (n + 1 < size)
			buf[n] = *lx->p;
		n++;
		lx->p++;
	}
	buf[n < size ? n : size - 1] = 0;
	return n;
}

static int number(struct lexer *lx, const char *what, uint64_t *v)
{
	char buf[64];

	size_t n = word(lx, buf, sizeof(buf));

	if (!n)
		return lerr(lx, what, NULL);
	if (n >= sizeof(buf))
		return lerr(lx, "number too long:", buf);
	/* decimal or 0x hex (TRACE-FORMAT.md): common's strict rules */
	if (dx_parse_u64(buf, 0, UINT64_MAX, v, NULL, NULL, 0))
		return lerr(lx, "not an unsigned number (decimal or 0x hex):", buf);
	return 0;
}

static int arena_put(struct pmsim_trace *t, const void *p, size_t n,
		     size_t *at)
{
	if (t->len + n > t->cap && DX_RESERVE(t->data, t->cap, t->len + n))
		return -1;
	*at = t->len;
	memcpy(t->data + t->len, p, n);
	t->len += n;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Hex byte string; *n = bytes decoded; payload offset in *at. */
static int hexbytes(struct lexer *lx, size_t *at, uint32_t *n)
{
	const char *s;
	size_t len;

	skip_ws(lx);
	s = lx->p;
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p))
		lx->p++;
	len = (size_t)(lx->p - s);
	if (len == 0)
		return lerr(lx, "missing hex bytes", NULL);
	if (len % 2)
		return lerr(lx, "odd number of hex digits", NULL);
	if (len / 2 > UINT32_MAX)
		return lerr(lx, "byte string too long", NULL);
	*at = lx->t->len;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);
		unsigned char b;
		size_t dummy;

		if (hi < 0 || lo < 0)
			return lerr(lx, "bad hex digit in byte string", NULL);
		b = (unsigned char)(hi << 4 | lo);
		if (arena_put(lx->t, &b, 1, &dummy))
			return lerr(lx, "out of memory", NULL);
	}
	*n = (uint32_t)(len / 2);
	return 0;
}

/* Double-quoted label with \" \\ \n \t \xHH escapes, stored NUL-terminated. */
static int quoted(struct lexer *lx, size_t *at, uint32_t *n)
{
	size_t dummy, start;
	unsigned char zero = 0;

	skip_ws(lx);
	if (lx->p >= lx->end || *lx->p != '"')
		return lerr(lx, "mark label must be double-quoted", NULL);
	lx->p++;
	start = lx->t->len;
	for (;;) {
		unsigned char c;

		if (lx->p >= lx->end)
			return lerr(lx, "unterminated mark label", NULL);
		c = (unsigned char)*lx->p++;
		if (c == '"')
			break;
		if (c == '\\') {
			if (lx->p >= lx->end)
				return lerr(lx, "unterminated escape in mark label", NULL);
			c = (unsigned char)*lx->p++;
			if (c == 'n') {
				c = '\n';
			} else if (c == 't') {
				c = '\t';
			} else if (c == 'x') {
				int hi, lo;

				if (lx->end - lx->p < 2 ||
				    (hi = hexval(lx->p[0])) < 0 ||
				    (lo = hexval(lx->p[1])) < 0)
					return lerr(lx, "bad \\x escape in mark label", NULL);
				c = (unsigned char)(hi << 4 | lo);
				lx->p += 2;
			} else if (c != '"' && c != '\\') {
				return lerr(lx, "unknown escape in mark label", NULL);
			}
		}
		if (c == 0)
			return lerr(lx, "NUL byte in mark label", NULL);
		if (arena_put(lx->t, &c, 1, &dummy))
			return lerr(lx, "out of memory", NULL);
	}
	if (arena_put(lx->t, &zero, 1, &dummy))
		return lerr(lx, "out of memory", NULL);
	*at = start;
	*n = (uint32_t)(lx->t->len - start);
	return 0;
}

/* Optional trailing pc=ADDR, then end of line. */
static int tail(struct lexer *lx, struct pmsim_event *e, bool pc_ok)
{
	char buf[64];
	size_t n = word(lx, buf, sizeof(buf));

	if (!n)
		return 0;
	if (pc_ok && strncmp(buf, "pc=", 3) == 0) {
		if (n >= sizeof(buf))
			return lerr(lx, "pc value too long:", buf);
		if (dx_parse_u64(buf + 3, 0, UINT64_MAX, &e->pc, NULL, NULL, 0))
			return lerr(lx, "bad pc value:", buf);
		if (!word(lx, buf, sizeof(buf)))
			return 0;
	}
	return lerr(lx, "unexpected text at end of line:", buf);
}

static int kind_of(const char *(*name)(unsigned), const char *w)
{
	for (unsigned k = 0; name(k); k++)
		if (strcmp(name(k), w) == 0)
			return (int)k;
	return -1;
}

/* The next word as a flush or fence kind that name() knows, into e->kind;
 * unknown is `refusal`. */
static int kind_word(struct lexer *lx, struct pmsim_event *e,
		     const char *(*name)(unsigned), const char *refusal)
{
	char w[32];
	int k;

	word(lx, w, sizeof(w));
	k = kind_of(name, w);
	if (k < 0)
		return lerr(lx, refusal, w);
	e->kind = (uint8_t)k;
	return 0;
}

static int parse_store(struct lexer *lx, struct pmsim_event *e, size_t *at)
{
	uint64_t size;
	uint32_t n;

	if (number(lx, "missing store address", &e->addr) ||
	    number(lx, "missing store size", &size) || hexbytes(lx, at, &n))
		return -1;
	if (size != n)
		return pmsim_seterr("%s:%" PRIu64 ": store size %" PRIu64 " but %u bytes given",
				    lx->t->path, lx->line, size, n);
	e->len = n;
	return tail(lx, e, true);
}

static int parse_region(struct lexer *lx, struct pmsim_event *e, size_t *at)
{
	char name[256];
	unsigned char sz[8];
	uint64_t size;
	size_t n, dummy;
	unsigned char zero = 0;

	if (number(lx, "missing region base", &e->addr) ||
	    number(lx, "missing region size", &size))
		return -1;
	n = word(lx, name, sizeof(name));
	if (!n)
		return lerr(lx, "missing region name", NULL);
	if (n >= sizeof(name))
		return lerr(lx, "region name too long", NULL);
	memcpy(sz, &size, 8);
	if (arena_put(lx->t, sz, 8, at) || arena_put(lx->t, name, n, &dummy) ||
	    arena_put(lx->t, &zero, 1, &dummy))
		return lerr(lx, "out of memory", NULL);
	e->len = (uint32_t)(8 + n + 1);
	return tail(lx, e, false);
}

static int parse_image_file(struct lexer *lx, struct pmsim_event *e,
			    size_t *at)
{
	const char *s, *q;
	size_t dummy;
	unsigned char zero = 0;

	if (number(lx, "missing image address", &e->addr))
		return -1;
	skip_ws(lx);
	s = lx->p;
	q = lx->end;
	while (q > s && isspace((unsigned char)q[-1]))
		q--;
	if (q == s)
		return lerr(lx, "missing image file path", NULL);
	if (memchr(s, 0, (size_t)(q - s)))
		return lerr(lx, "NUL byte in image file path", NULL);
	if (arena_put(lx->t, s, (size_t)(q - s), at) ||
	    arena_put(lx->t, &zero, 1, &dummy))
		return lerr(lx, "out of memory", NULL);
	e->len = (uint32_t)(q - s + 1);
	e->kind = PMTRACE_IMAGE_FILE;
	lx->p = lx->end;
	return 0;
}

static int parse_line(struct lexer *lx, struct pmsim_event *e, size_t *at)
{
	char w[32];

	word(lx, w, sizeof(w));
	if (strcmp(w, "store") == 0 || strcmp(w, "ntstore") == 0) {
		e->type = w[0] == 's' ? PMTRACE_STORE : PMTRACE_NTSTORE;
		return parse_store(lx, e, at);
	}
	if (strcmp(w, "flush") == 0) {
		e->type = PMTRACE_FLUSH;
		if (kind_word(lx, e, pmtrace_flush_name, "unknown flush kind") ||
		    number(lx, "missing flush address", &e->addr))
			return -1;
		return tail(lx, e, true);
	}
	if (strcmp(w, "fence") == 0) {
		e->type = PMTRACE_FENCE;
		if (kind_word(lx, e, pmtrace_fence_name, "unknown fence kind"))
			return -1;
		return tail(lx, e, true);
	}
	if (strcmp(w, "mark") == 0) {
		e->type = PMTRACE_MARK;
		if (number(lx, "missing mark id", &e->addr) || quoted(lx, at, &e->len))
			return -1;
		return tail(lx, e, true);
	}
	if (strcmp(w, "region") == 0) {
		e->type = PMTRACE_REGION;
		return parse_region(lx, e, at);
	}
	if (strcmp(w, "image") == 0) {
		e->type = PMTRACE_IMAGE;
		if (number(lx, "missing image address", &e->addr) ||
		    hexbytes(lx, at, &e->len))
			return -1;
		return tail(lx, e, false);
	}
	if (strcmp(w, "image-file") == 0) {
		e->type = PMTRACE_IMAGE;
		return parse_image_file(lx, e, at);
	}
	return lerr(lx, "unknown event", w);
}

/*
 * Events are validated with payloads still in the arena; the pointer we
 * hand pms_trace_add is temporary, so payloads are re-pointed at the end.
 */
int pms_trace_parse_text(struct pmsim_trace *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	size_t *at = NULL, nat = 0, atcap = 0;
	struct lexer lx = { .t = t };
	const unsigned char *seen = NULL;
	int r = 0;

	/* Binary bytes up front: a damaged binary trace, not text. */
	for (size_t i = 0; i < len && i < PMTRACE_HEADER_SIZE; i++)
		if (text[i] == 0 || (unsigned char)text[i] >= 0x80)
			return pmsim_seterr("%s: offset 0x0: not a pmtrace file (no %s magic, and not text)",
					    t->path, PMTRACE_MAGIC);

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		struct pmsim_event e = { 0 };
		size_t off = SIZE_MAX;

		lx.p = p;
		lx.end = nl ? nl : end;
		lx.line++;
		p = nl ? nl + 1 : end;
		skip_ws(&lx);
		if (lx.p == lx.end || *lx.p == '#')
			continue;
		if (memchr(lx.p, 0, (size_t)(lx.end - lx.p))) {
			r = lerr(&lx, "NUL byte in text trace", NULL);
			break;
		}
		r = parse_line(&lx, &e, &off);
		if (r)
			break;
		e.offset = lx.line;
		e.payload = off == SIZE_MAX ? NULL : t->data + off;
		if (seen != t->data) {
			/* the arena moved: region names used in messages too */
			for (size_t i = 0; i < nat; i++)
				if (t->ev[i].type == PMTRACE_REGION)
					t->reg[t->ev[i].region].name =
						(const char *)t->data + at[i] + 8;
			seen = t->data;
		}
		r = pms_trace_add(t, &e);
		if (r)
			break;
		if (nat == atcap && DX_RESERVE(at, atcap, nat + 1)) {
			r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "%s: out of memory", t->path);
			break;
		}
		at[nat++] = off;
	}
	if (!r) {
		for (size_t i = 0; i < t->nev; i++)
			t->ev[i].payload = at[i] == SIZE_MAX ? NULL : t->data + at[i];
		for (size_t i = 0; i < t->nmarks; i++)
			t->marks[i].label = (const char *)t->ev[t->marks[i].event].payload;
		for (size_t i = 0; i < t->nev; i++)
			if (t->ev[i].type == PMTRACE_REGION)
				t->reg[t->ev[i].region].name =
					(const char *)t->ev[i].payload + 8;
	}
	free(at);
	return r;
}
