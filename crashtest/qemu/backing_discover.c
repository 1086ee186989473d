// SPDX-License-Identifier: MIT
/*
 * NVDIMM backing files from QEMU's command line. QEMU places NVDIMMs in the
 * device-memory area in the order their -device options appear, each above
 * the previous one, so device order is also ascending guest-physical order.
 * Option values use QEMU's syntax: comma-separated key=value, ",," for a
 * literal comma. JSON -object/-device forms are not recognised.
 */
#include "backing_discover.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BACKENDS 32

struct backend {
	char *id, *path;
};

/* Value of key in a QEMU option string, unescaped; NULL if absent. */
static char *opt_value(const char *opts, const char *key)
{
	size_t klen = strlen(key);
	const char *p = opts;

	while (*p) {
		const char *start = p;

		/* Find the end of this item, skipping ",," escapes. */
		while (*p && !(*p == ',' && p[1] != ','))
			p += (*p == ',' && p[1] == ',') ? 2 : 1;
		if ((size_t)(p - start) > klen && !strncmp(start, key, klen) &&
		    start[klen] == '=') {
			const char *v = start + klen + 1;
			char *out = malloc((size_t)(p - v) + 1), *o = out;

			if (!out)
				return NULL;
			while (v < p) {
				*o++ = *v;
				v += (*v == ',' && v[1] == ',') ? 2 : 1;
			}
			*o = '\0';
			return out;
		}
		if (*p)
			p++;
	}
	return NULL;
}

/* The first item (the type) of an option string is word? */
static bool opt_type_is(const char *opts, const char *word)
{
	size_t n = strlen(word);

	return !strncmp(opts, word, n) && (opts[n] == ',' || !opts[n]);
}

static const char *arg_after(const char *flag, const char *a, const char *b)
{
	/* QEMU accepts -flag and --flag. */
	if (!strcmp(a, flag) || (a[0] == '-' && !strcmp(a + 1, flag)))
		return b;
	return NULL;
}

int backing_parse_cmdline(const char *args, size_t len,
			  struct backing_list *out, char *err, size_t errlen)
{
	struct backend be[MAX_BACKENDS];
	unsigned nbe = 0;
	char *memdevs[REGIONS_MAX];
	unsigned nmd = 0;
	const char *prev = NULL;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	for (const char *a = args; a < args + len; a += strlen(a) + 1) {
		const char *v;

		if (prev && (v = arg_after("-object", prev, a)) &&
		    opt_type_is(v, "memory-backend-file") && nbe < MAX_BACKENDS) {
			be[nbe].id = opt_value(v, "id");
			be[nbe].path = opt_value(v, "mem-path");
			nbe++;
		} else if (prev && (v = arg_after("-device", prev, a)) &&
			   opt_type_is(v, "nvdimm")) {
			if (nmd == REGIONS_MAX) {
				snprintf(err, errlen, "more than %d nvdimms",
					 REGIONS_MAX);
				rc = -1;
				break;
			}
			memdevs[nmd++] = opt_value(v, "memdev");
		}
		prev = a;
	}
	for (unsigned i = 0; i < nmd && !rc; i++) {
		unsigned b;

		for (b = 0; b < nbe; b++)
			if (memdevs[i] && be[b].id && be[b].path &&
			    !strcmp(be[b].id, memdevs[i]))
				break;
		if (b == nbe) {
			snprintf(err, errlen, "nvdimm %u (memdev=%s) has no "
				 "memory-backend-file with a mem-path; give "
				 "backing=FILE", i, memdevs[i] ? memdevs[i] : "?");
			rc = -1;
			break;
		}
		out->path[out->n] = strdup(be[b].path);
		if (!out->path[out->n]) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
			break;
		}
		out->n++;
	}
	for (unsigned i = 0; i < nmd; i++)
		free(memdevs[i]);
	for (unsigned b = 0; b < nbe; b++) {
		free(be[b].id);
		free(be[b].path);
	}
	if (rc)
		backing_list_free(out);
	return rc;
}

int backing_discover(struct backing_list *out, char *err, size_t errlen)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	FILE *f = fopen("/proc/self/cmdline", "rb");
	int rc;

	if (!buf || !f) {
		snprintf(err, errlen, "/proc/self/cmdline: %s", strerror(errno));
		free(buf);
		if (f)
			fclose(f);
		return -1;
	}
	for (;;) {
		size_t n = fread(buf + len, 1, cap - len, f);
		char *bigger;

		len += n;
		if (len < cap)
			break;
		bigger = realloc(buf, cap * 2);
		if (!bigger) {
			snprintf(err, errlen, "out of memory");
			free(buf);
			fclose(f);
			return -1;
		}
		buf = bigger;
		cap *= 2;
	}
	fclose(f);
	rc = backing_parse_cmdline(buf, len, out, err, errlen);
	free(buf);
	return rc;
}

void backing_list_free(struct backing_list *l)
{
	for (unsigned i = 0; i < l->n; i++)
		free(l->path[i]);
	l->n = 0;
}
