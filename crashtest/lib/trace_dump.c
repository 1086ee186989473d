// SPDX-License-Identifier: MIT
/* Text form of events (`pmsim dump`), the inverse of trace_text.c. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

struct out {
	int fd, err;
	size_t used;
	char buf[1 << 16];
};

static void flush_out(struct out *o)
{
	size_t done = 0;

	while (!o->err && done < o->used) {
		ssize_t r = write(o->fd, o->buf + done, o->used - done);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			o->err = r < 0 ? errno : EIO;
		else
			done += (size_t)r;
	}
	o->used = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	while (n) {
		size_t k = sizeof(o->buf) - o->used;

		if (k == 0) {
			flush_out(o);
			continue;
		}
		if (k > n)
			k = n;
		memcpy(o->buf + o->used, s, k);
		o->used += k;
		s += k;
		n -= k;
	}
}

static void puthex(struct out *o, const unsigned char *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[512];

	while (n) {
		size_t k = n > sizeof(tmp) / 2 ? sizeof(tmp) / 2 : n;

		for (size_t i = 0; i < k; i++) {
			tmp[2 * i] = digits[p[i] >> 4];
			tmp[2 * i + 1] = digits[p[i] & 15];
		}
		put(o, tmp, 2 * k);
		p += k;
		n -= k;
	}
}

static void putf(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void putf(struct out *o, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		put(o, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

static void putlabel(struct out *o, const char *s)
{
	put(o, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			putf(o, "\\%c", c);
		else if (c == '\n')
			put(o, "\\n", 2);
		else if (c == '\t')
			put(o, "\\t", 2);
		else if (c < 0x20 || c >= 0x7f)
			putf(o, "\\x%02x", c);
		else
			put(o, (const char *)&c, 1);
	}
	put(o, "\"", 1);
}

static void put_pc(struct out *o, const struct pmsim_event *e)
{
	if (e->pc)
		putf(o, " pc=0x%" PRIx64, e->pc);
}

static void put_event(struct out *o, const struct pmsim_event *e)
{
	switch (e->type) {
	case PMTRACE_REGION:
		putf(o, "region 0x%" PRIx64 " 0x%" PRIx64 " %s", e->addr,
		     rd64(e->payload), (const char *)e->payload + 8);
		break;
	case PMTRACE_STORE:
	case PMTRACE_NTSTORE:
		putf(o, "%s 0x%" PRIx64 " %u ",
		     e->type == PMTRACE_STORE ? "store" : "ntstore", e->addr, e->len);
		puthex(o, e->payload, e->len);
		put_pc(o, e);
		break;
	case PMTRACE_FLUSH:
		putf(o, "flush %s 0x%" PRIx64, pmtrace_flush_name(e->kind), e->addr);
		put_pc(o, e);
		break;
	case PMTRACE_FENCE:
		putf(o, "fence %s", pmtrace_fence_name(e->kind));
		put_pc(o, e);
		break;
	case PMTRACE_MARK:
		putf(o, "mark %" PRIu64 " ", e->addr);
		putlabel(o, (const char *)e->payload);
		put_pc(o, e);
		break;
	case PMTRACE_IMAGE:
		if (e->kind == PMTRACE_IMAGE_FILE) {
			putf(o, "image-file 0x%" PRIx64 " ", e->addr);
			put(o, (const char *)e->payload, e->len - 1);
		} else {
			putf(o, "image 0x%" PRIx64 " ", e->addr);
			puthex(o, e->payload, e->len);
		}
		break;
	}
	put(o, "\n", 1);
}

int pmsim_trace_dump(const struct pmsim_trace *t, int fd, size_t n)
{
	struct out *o = malloc(sizeof(*o));
	int err;

	if (!o)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	o->fd = fd;
	o->err = 0;
	o->used = 0;
	if (n > t->nev)
		n = t->nev;
	for (size_t i = 0; i < n && !o->err; i++)
		put_event(o, &t->ev[i]);
	flush_out(o);
	err = o->err;
	free(o);
	if (err)
		return pmsim_seterr("writing the text trace: %s", strerror(err));
	return 0;
}

int pmsim_event_format(const struct pmsim_event *e, char *buf, size_t size)
{
	struct out *o = malloc(sizeof(*o));
	size_t n;

	if (!o)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	o->fd = -1;
	o->err = 0;
	o->used = 0;
	/* Long payloads are cut: this is for messages, not for dumps. */
	if ((e->type == PMTRACE_STORE || e->type == PMTRACE_NTSTORE ||
	     e->type == PMTRACE_IMAGE) && e->len > 64 &&
	    e->kind == PMTRACE_IMAGE_BYTES) {
		struct pmsim_event s = *e;

		s.len = 64;
		put_event(o, &s);
		o->used--;
		putf(o, " ... (%u bytes)\n", e->len);
	} else {
		put_event(o, e);
	}
	n = o->used ? o->used - 1 : 0;	/* drop the newline */
	if (n >= size)
		n = size ? size - 1 : 0;
	if (size) {
		memcpy(buf, o->buf, n);
		buf[n] = 0;
	}
	free(o);
	return (int)n;
}
