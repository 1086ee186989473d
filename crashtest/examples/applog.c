// SPDX-License-Identifier: MIT
/* The append-only log example (see applog.h). */
#include <stdio.h>
#include <string.h>

#include "applog.h"

size_t applog_payload(unsigned i, unsigned char *buf, size_t size)
{
	size_t len = 24 + (i * 40) % 96;	/* 24..112 bytes: 1-3 lines */

	if (len > size)
		len = size;
	for (size_t j = 0; j < len; j++)
		buf[j] = (unsigned char)((i * 31 + j * 7) | 1);
	return len;
}

int applog_init(struct applog *l, struct pm_rec *r, int buggy)
{
	memset(l, 0, sizeof(*l));
	l->r = r;
	l->buggy = buggy;
	return pm_region(r, APPLOG_BASE, APPLOG_SIZE, "applog");
}

static int flush_range(struct pm_rec *r, uint64_t a, size_t len)
{
	for (uint64_t p = a & ~63ull; p < a + len; p += 64)
		if (pm_clwb(r, p))
			return -1;
	return 0;
}

int applog_append(struct applog *l, const void *data, size_t len)
{
	uint64_t rec = APPLOG_BASE + APPLOG_DATA + l->tail;
	uint64_t size = 8 + ((len + 7) & ~(size_t)7), newtail = l->tail + size;
	uint64_t n = len;
	char label[64];

	if (APPLOG_DATA + newtail > APPLOG_SIZE)
		return pmsim_seterr("applog: full");
	if (pm_store(l->r, rec, &n, 8) || pm_store(l->r, rec + 8, data, len))
		return -1;
	if (l->buggy) {
		/* the classic bug: the commit record is made durable first */
		if (pm_store(l->r, APPLOG_BASE, &newtail, 8) ||
		    flush_range(l->r, APPLOG_BASE, 8) || pm_sfence(l->r) ||
		    flush_range(l->r, rec, size) || pm_sfence(l->r))
			return -1;
	} else {
		if (flush_range(l->r, rec, size) || pm_sfence(l->r) ||
		    pm_store(l->r, APPLOG_BASE, &newtail, 8) ||
		    flush_range(l->r, APPLOG_BASE, 8) || pm_sfence(l->r))
			return -1;
	}
	l->tail = newtail;
	snprintf(label, sizeof(label), "append %u returned", l->appended++);
	return pm_mark(l->r, label) < 0 ? -1 : 0;
}

int applog_workload(struct pm_rec *r, int buggy, unsigned n)
{
	unsigned char buf[128];
	struct applog l;

	if (applog_init(&l, r, buggy))
		return -1;
	for (unsigned i = 0; i < n; i++) {
		size_t len = applog_payload(i, buf, sizeof(buf));

		if (applog_append(&l, buf, len))
			return -1;
	}
	return 0;
}

int applog_check(const unsigned char *img, uint64_t promised, char *why,
		 size_t whylen)
{
	uint64_t tail, at = 0, n;
	unsigned i = 0;
	unsigned char want[128];

	memcpy(&tail, img, 8);
	if (APPLOG_DATA + tail > APPLOG_SIZE || tail % 8) {
		snprintf(why, whylen, "tail %llu is out of range", (unsigned long long)tail);
		return 1;
	}
	while (at < tail) {
		size_t len = applog_payload(i, want, sizeof(want));

		memcpy(&n, img + APPLOG_DATA + at, 8);
		if (n != len || at + 8 + ((len + 7) & ~(size_t)7) > tail) {
			snprintf(why, whylen, "record %u below the tail has length %llu, expected %zu",
				 i, (unsigned long long)n, len);
			return 1;
		}
		if (memcmp(img + APPLOG_DATA + at + 8, want, len)) {
			snprintf(why, whylen, "record %u below the tail has the wrong payload", i);
			return 1;
		}
		at += 8 + ((len + 7) & ~(size_t)7);
		i++;
	}
	if (i < promised) {
		snprintf(why, whylen, "%u records survived but %llu appends returned", i,
			 (unsigned long long)promised);
		return 1;
	}
	return 0;
}

int applog_checker(void *arg, const struct pmsim_image *img,
		   const struct pmsim_crash *c, const uint64_t *changed,
		   size_t nchanged)
{
	const unsigned char *p = pmsim_image_ptr(img, APPLOG_BASE, APPLOG_SIZE);
	char why[200];

	(void)arg;
	(void)changed;
	(void)nchanged;
	if (!p)
		return pmsim_seterr("applog: the image has no log region");
	if (applog_check(p, c->nmarks, why, sizeof(why))) {
		pmsim_seterr("%s", why);
		return 1;
	}
	return 0;
}
