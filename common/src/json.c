// SPDX-License-Identifier: MIT
/* Streaming JSON writer: see daxlab/json.h. */
#include "daxlab/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void dx_json_init(struct dx_json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Length of the valid UTF-8 sequence at p (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, cp = p[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	/* Overlong forms, UTF-16 surrogates and past U+10FFFF are invalid. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

void dx_json_write_stringn(FILE *f, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t len;

		switch (c) {
		case '"': fputs("\\\"", f); i++; continue;
		case '\\': fputs("\\\\", f); i++; continue;
		case '\n': fputs("\\n", f); i++; continue;
		case '\r': fputs("\\r", f); i++; continue;
		case '\t': fputs("\\t", f); i++; continue;
		case '\b': fputs("\\b", f); i++; continue;
		case '\f': fputs("\\f", f); i++; continue;
		default: break;
		}
		if (c < 0x20) {
			fprintf(f, "\\u%04x", c);
			i++;
			continue;
		}
		len = utf8_len(p + i, n - i);
		if (!len) {
			fputs("\\ufffd", f);	/* one per invalid byte */
			i++;
			continue;
		}
		fwrite(p + i, 1, len, f);
		i += len;
	}
	fputc('"', f);
}

void dx_json_write_string(FILE *f, const char *s)
{
	dx_json_write_stringn(f, s, s ? strlen(s) : 0);
}

void dx_json_write_double(FILE *f, double v)
{
	char buf[40];

	if (!isfinite(v)) {
		fputs("null", f);
		return;
	}
	/* Fewest significant digits that read back as exactly v. */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof(buf), "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, f);
}

static void misuse(struct dx_json *j, const char *why)
{
	if (!j->misuse)
		j->misuse = why;
}

/* Comma and key before a value; checks the key against the container. */
static void key(struct dx_json *j, const char *k)
{
	char in = j->depth ? j->open[j->depth - 1] : 0;

	if (in == '{' && !k)
		misuse(j, "a value in an object without a key");
	else if (in != '{' && k)
		misuse(j, in ? "a key inside an array" :
			       "a key on a top-level value");
	if (j->need_comma[j->depth])
		fputc(',', j->f);
	j->need_comma[j->depth] = true;
	if (k && in == '{') {
		dx_json_write_string(j->f, k);
		fputc(':', j->f);
	}
}

/* After a value: at the top level the line is complete. */
static void value_done(struct dx_json *j)
{
	if (j->depth)
		return;
	fputc('\n', j->f);
	fflush(j->f);
	j->need_comma[0] = false;
}

static void open_(struct dx_json *j, const char *k, char c)
{
	key(j, k);
	fputc(c, j->f);
	if (j->depth == DX_JSON_MAX_DEPTH) {
		misuse(j, "nesting deeper than DX_JSON_MAX_DEPTH");
		return;
	}
	j->open[j->depth++] = c;
	j->need_comma[j->depth] = false;
}

static void close_(struct dx_json *j, char c)
{
	char want = c == '}' ? '{' : '[';

	if (!j->depth) {
		misuse(j, "a close with nothing open");
		return;
	}
	if (j->open[j->depth - 1] != want)
		misuse(j, c == '}' ? "an object end closing an array" :
				     "an array end closing an object");
	fputc(c, j->f);
	j->depth--;
	value_done(j);
}

void dx_json_obj_begin(struct dx_json *j, const char *k) { open_(j, k, '{'); }
void dx_json_obj_end(struct dx_json *j) { close_(j, '}'); }
void dx_json_arr_begin(struct dx_json *j, const char *k) { open_(j, k, '['); }
void dx_json_arr_end(struct dx_json *j) { close_(j, ']'); }

void dx_json_str(struct dx_json *j, const char *k, const char *v)
{
	key(j, k);
	dx_json_write_string(j->f, v);
	value_done(j);
}

void dx_json_strn(struct dx_json *j, const char *k, const char *v, size_t n)
{
	key(j, k);
	dx_json_write_stringn(j->f, v, n);
	value_done(j);
}

void dx_json_u64(struct dx_json *j, const char *k, uint64_t v)
{
	key(j, k);
	fprintf(j->f, "%" PRIu64, v);
	value_done(j);
}

void dx_json_i64(struct dx_json *j, const char *k, int64_t v)
{
	key(j, k);
	fprintf(j->f, "%" PRId64, v);
	value_done(j);
}

void dx_json_f64(struct dx_json *j, const char *k, double v)
{
	key(j, k);
	dx_json_write_double(j->f, v);
	value_done(j);
}

void dx_json_bool(struct dx_json *j, const char *k, bool v)
{
	key(j, k);
	fputs(v ? "true" : "false", j->f);
	value_done(j);
}

void dx_json_null(struct dx_json *j, const char *k)
{
	key(j, k);
	fputs("null", j->f);
	value_done(j);
}

int dx_json_check(const struct dx_json *j, char *err, size_t errlen)
{
	const char *why = j->misuse ? j->misuse :
			  ferror(j->f) ? "write error" :
			  j->depth ? "a value is still open" : NULL;

	if (!why)
		return 0;
	if (err && errlen)
		snprintf(err, errlen, "JSON output: %s", why);
	return -1;
}

int dx_json_write_file(const char *path,
		       void (*fill)(struct dx_json *j, const void *arg),
		       const void *arg, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	struct dx_json j;
	char why[128];
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	dx_json_init(&j, f);
	fill(&j, arg);
	rc = dx_json_check(&j, why, sizeof(why));
	if (fclose(f) && !rc) {
		snprintf(why, sizeof(why), "%s", strerror(errno));
		rc = -1;
	}
	if (rc)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}
