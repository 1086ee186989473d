// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the manifest reader (ctmanifest.h): a manifest
 * from arbitrary bytes is either refused with a message or read into
 * promises that the writer writes back and the reader reads as the same
 * manifest; and folding the promises of any set of marks into the
 * expected state (expect.c) never fails but for memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/expect.h"
#include "ctmanifest.h"

static void same(const struct ctm_manifest *a, const struct ctm_manifest *b)
{
	if (memcmp(&a->h, &b->h, sizeof(a->h)) || a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++) {
		struct ctm_promise x = a->p[i], y = b->p[i];

		x.line = y.line = 0;
		if (memcmp(&x, &y, sizeof(x)))
			abort();
	}
}

static void rewrite(const struct ctm_manifest *m)
{
	char *buf = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ctm_manifest again;

	if (!f)
		abort();
	if (ctm_write_header(f, &m->h, err, sizeof(err)))
		abort();
	for (size_t i = 0; i < m->n; i++)
		if (ctm_write_promise(f, &m->p[i], err, sizeof(err)))
			abort();
	if (fclose(f))
		abort();
	if (ctm_parse(&again, buf, len, "rewritten", err, sizeof(err)))
		abort();
	same(m, &again);
	ctm_free(&again);
	free(buf);
}

/* Fold the promises for a few sets of marks reached. */
static void fold(const struct ctm_manifest *m, const uint8_t *data, size_t size)
{
	uint64_t reached[64];
	struct expect e;
	size_t n = 0;

	for (size_t i = 0; i < m->n && n < 64; i++)
		if (!size || data[i % size] & 1)
			reached[n++] = m->p[i].id;
	if (expect_build(m, reached, n, &e))
		abort();
	for (size_t i = 0; i < e.n; i++)
		for (size_t k = 0; k < e.f[i].nr; k++)
			if (e.f[i].r[k].off > CTM_OFF_LIMIT ||
			    e.f[i].r[k].len > CTM_OFF_LIMIT - e.f[i].r[k].off)
				abort();
	expect_free(&e);
	if (expect_build(m, reached, n / 2, &e))
		abort();
	expect_free(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctm_manifest m;
	char err[512];

	err[0] = 0;
	if (ctm_parse(&m, (const char *)data, size, "fuzz", err, sizeof(err))) {
		if (!err[0] || m.p || m.n)
			abort();
		return 0;
	}
	for (size_t i = 1; i < m.n; i++)
		if (m.p[i].id < m.p[i - 1].id)
			abort();
	for (size_t i = 0; i < m.n; i++)
		if (!ctm_has_id(&m, m.p[i].id) || !ctm_knows_id(&m, m.p[i].id))
			abort();
	rewrite(&m);
	fold(&m, data, size);
	ctm_free(&m);
	return 0;
}
