// SPDX-License-Identifier: MIT
/* Strict number parsing: see daxlab/num.h for the rules. */
#include "daxlab/num.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest value quoted in a message: the rest is cut with "...". */
#define QUOTE_MAX 64

static void msg(char *err, size_t errlen, const char *what, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void msg(char *err, size_t errlen, const char *what, const char *fmt,
		...)
{
	va_list ap;
	int n = 0;

	if (!err || !errlen)
		return;
	if (what)
		n = snprintf(err, errlen, "%s: ", what);
	if (n < 0 || (size_t)n >= errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
	va_end(ap);
}

/* s cut to QUOTE_MAX characters for a message. */
static const char *quote(const char *s, char *buf, size_t len)
{
	if (strlen(s) <= QUOTE_MAX)
		return s;
	snprintf(buf, len, "%.*s...", QUOTE_MAX, s);
	return buf;
}

static bool is_dec(char c)
{
	return c >= '0' && c <= '9';
}

int dx_hex_digit(char c)
{
	if (is_dec(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Digits of an unsigned integer at s: 0x hex or decimal. Sets *end past
 * them and *v; returns false without a digit, *overflow when they do not
 * fit 64 bits (all the digits are still consumed).
 */
static bool scan_u64(const char *s, const char **end, uint64_t *v,
		     bool *overflow)
{
	unsigned base = 10;
	const char *p = s;
	uint64_t x = 0;

	*overflow = false;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	const char *digits = p;

	for (;; p++) {
		int d = base == 16 ? dx_hex_digit(*p) : is_dec(*p) ? *p - '0' : -1;

		if (d < 0)
			break;
		if (x > (UINT64_MAX - (uint64_t)d) / base)
			*overflow = true;
		else
			x = x * base + (uint64_t)d;
	}
	*end = p;
	*v = x;
	return p > digits;
}

/* lo or hi NULL: that side has no bound worth naming. */
static void range_msg(char *err, size_t errlen, const char *what,
		      const char *s, const char *lo, const char *hi)
{
	char q[QUOTE_MAX + 4];

	if (!hi)
		msg(err, errlen, what, "%s is below the minimum %s",
		    quote(s, q, sizeof(q)), lo);
	else if (!lo)
		msg(err, errlen, what, "%s is above the maximum %s",
		    quote(s, q, sizeof(q)), hi);
	else
		msg(err, errlen, what, "%s is out of range [%s, %s]",
		    quote(s, q, sizeof(q)), lo, hi);
}

/* Range check of an unsigned value; sizes print their bounds as sizes. */
static int check_u64(uint64_t v, uint64_t min, uint64_t max, bool size,
		     const char *s, const char *what, char *err,
		     size_t errlen)
{
	char lo[32], hi[32];

	if (v >= min && v <= max)
		return 0;
	if (size) {
		dx_format_size(min, lo, sizeof(lo));
		dx_format_size(max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%" PRIu64, min);
		snprintf(hi, sizeof(hi), "%" PRIu64, max);
	}
	range_msg(err, errlen, what, s, min ? lo : NULL,
		  max != UINT64_MAX ? hi : NULL);
	return -1;
}

int dx_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		 const char *what, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4];
	const char *end;
	bool overflow;
	uint64_t v;

	if (!s || !scan_u64(s, &end, &v, &overflow) || *end) {
		msg(err, errlen, what, "'%s' is not an unsigned integer "
		    "(decimal, or hex after 0x)", s ? quote(s, q, sizeof(q)) : "");
		return -1;
	}
	if (overflow) {
		msg(err, errlen, what, "'%s' is too large (more than 64 bits)",
		    quote(s, q, sizeof(q)));
		return -1;
	}
	if (check_u64(v, min, max, false, s, what, err, errlen))
		return -1;
	*out = v;
	return 0;
}

int dx_parse_i64(const char *s, int64_t min, int64_t max, int64_t *out,
		 const char *what, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4], lo[32], hi[32];
	bool neg = s && *s == '-', overflow;
	const char *end;
	uint64_t mag;
	int64_t v;

	if (!s || !scan_u64(s + neg, &end, &mag, &overflow) || *end) {
		msg(err, errlen, what, "'%s' is not an integer (decimal, or "
		    "hex after 0x, with an optional '-')",
		    s ? quote(s, q, sizeof(q)) : "");
		return -1;
	}
	if (overflow || mag > (uint64_t)INT64_MAX + neg) {
		msg(err, errlen, what, "'%s' does not fit 64 bits",
		    quote(s, q, sizeof(q)));
		return -1;
	}
	if (neg)
		v = mag == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)mag;
	else
		v = (int64_t)mag;
	if (v < min || v > max) {
		snprintf(lo, sizeof(lo), "%" PRId64, min);
		snprintf(hi, sizeof(hi), "%" PRId64, max);
		range_msg(err, errlen, what, s, min != INT64_MIN ? lo : NULL,
			  max != INT64_MAX ? hi : NULL);
		return -1;
	}
	*out = v;
	return 0;
}

/* [-]DIGITS[.DIGITS][e[+-]DIGITS], with a digit before or after the dot. */
static bool double_syntax(const char *s)
{
	const char *p = s + (*s == '-');
	size_t mant = 0;

	while (is_dec(*p))
		p++, mant++;
	if (*p == '.') {
		p++;
		while (is_dec(*p))
			p++, mant++;
	}
	if (!mant)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_dec(*p))
			return false;
		while (is_dec(*p))
			p++;
	}
	return *p == '\0';
}

int dx_parse_double(const char *s, double min, double max, double *out,
		    const char *what, char *err, size_t errlen)
{
	char q[QUOTE_MAX + 4], lo[40], hi[40];
	double v;

	if (!s || !double_syntax(s)) {
		msg(err, errlen, what, "'%s' is not a number (decimal, such as "
		    "2, 0.5 or 1e-3)", s ? quote(s, q, sizeof(q)) : "");
		return -1;
	}
	errno = 0;
	v = strtod(s, NULL);
	if (!isfinite(v)) {
		msg(err, errlen, what, "'%s' is too large",
		    quote(s, q, sizeof(q)));
		return -1;
	}
	if (*s == '-' && min >= 0) {
		msg(err, errlen, what, "'%s' is negative; a sign is not allowed "
		    "here", quote(s, q, sizeof(q)));
		return -1;
	}
	if (!(v >= min && v <= max)) {
		snprintf(lo, sizeof(lo), "%g", min);
		snprintf(hi, sizeof(hi), "%g", max);
		range_msg(err, errlen, what, s, isfinite(min) ? lo : NULL,
			  isfinite(max) ? hi : NULL);
		return -1;
	}
	*out = v;
	return 0;
}

int dx_parse_size(const char *s, uint64_t min, uint64_t max, uint64_t *out,
		  const char *what, char *err, size_t errlen)
{
	static const struct {
		const char *sfx;
		unsigned shift;
	} units[] = {
		{ "", 0 }, { "B", 0 },
		{ "K", 10 }, { "k", 10 }, { "Ki", 10 }, { "KiB", 10 },
		{ "M", 20 }, { "m", 20 }, { "Mi", 20 }, { "MiB", 20 },
		{ "G", 30 }, { "g", 30 }, { "Gi", 30 }, { "GiB", 30 },
		{ "T", 40 }, { "t", 40 }, { "Ti", 40 }, { "TiB", 40 },
	};
	char q[QUOTE_MAX + 4];
	const char *end;
	bool overflow;
	uint64_t v;

	if (!s || !scan_u64(s, &end, &v, &overflow)) {
		msg(err, errlen, what, "'%s' is not a size (such as 4096, "
		    "0x1000, 4K, 2MiB or 1G)", s ? quote(s, q, sizeof(q)) : "");
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].sfx))
			continue;
		if (overflow || (units[i].shift &&
				 v > (UINT64_MAX >> units[i].shift))) {
			msg(err, errlen, what, "'%s' is too large (more than "
			    "64 bits)", quote(s, q, sizeof(q)));
			return -1;
		}
		v <<= units[i].shift;
		if (check_u64(v, min, max, true, s, what, err, errlen))
			return -1;
		*out = v;
		return 0;
	}
	msg(err, errlen, what, "'%s' has an unknown size suffix (use K, M, G, "
	    "T or KiB, MiB, GiB, TiB)", quote(s, q, sizeof(q)));
	return -1;
}

int dx_parse_duration(const char *s, uint64_t bare_unit_ns, uint64_t min_ns,
		      uint64_t max_ns, uint64_t *ns, const char *what,
		      char *err, size_t errlen)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", DX_NS_PER_US }, { "ms", DX_NS_PER_MS },
		{ "s", DX_NS_PER_S }, { "m", DX_NS_PER_MIN },
		{ "min", DX_NS_PER_MIN }, { "h", DX_NS_PER_H },
	};
	char q[QUOTE_MAX + 4], lo[32], hi[32];
	unsigned __int128 whole = 0, frac = 0, den = 1, total;
	const char *p = s;
	uint64_t mult = 0;
	size_t digits = 0;

	if (!s)
		s = p = "";
	for (; is_dec(*p); p++, digits++)
		if (whole <= UINT64_MAX)
			whole = whole * 10 + (unsigned)(*p - '0');
	if (*p == '.') {
		for (p++; is_dec(*p); p++, digits++) {
			if (den > UINT64_MAX)
				break;	/* more than 19 fraction digits */
			frac = frac * 10 + (unsigned)(*p - '0');
			den *= 10;
		}
	}
	if (!digits || is_dec(*p)) {
		msg(err, errlen, what, "'%s' is not a duration (such as 5s, "
		    "1.5s, 100ms, 250us or 2m)", quote(s, q, sizeof(q)));
		return -1;
	}
	if (!*p)
		mult = bare_unit_ns;
	for (size_t i = 0; *p && i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(p, units[i].unit))
			mult = units[i].ns;
	if (!mult) {
		msg(err, errlen, what, *p ? "'%s' has an unknown unit (use ns, "
		    "us, ms, s, m, h)" : "'%s' needs a unit (ns, us, ms, s, m, "
		    "h)", quote(s, q, sizeof(q)));
		return -1;
	}
	if (whole > UINT64_MAX || (frac * mult) % den) {
		msg(err, errlen, what, whole > UINT64_MAX ?
		    "'%s' is too long (more than 64 bits of nanoseconds)" :
		    "'%s' is finer than one nanosecond", quote(s, q, sizeof(q)));
		return -1;
	}
	total = whole * mult + frac * mult / den;
	if (total > UINT64_MAX) {
		msg(err, errlen, what, "'%s' is too long (more than 64 bits of "
		    "nanoseconds)", quote(s, q, sizeof(q)));
		return -1;
	}
	if ((uint64_t)total < min_ns || (uint64_t)total > max_ns) {
		dx_format_duration(min_ns, lo, sizeof(lo));
		dx_format_duration(max_ns, hi, sizeof(hi));
		range_msg(err, errlen, what, s, min_ns ? lo : NULL,
			  max_ns != UINT64_MAX ? hi : NULL);
		return -1;
	}
	*ns = (uint64_t)total;
	return 0;
}

void dx_format_size(uint64_t v, char *buf, size_t len)
{
	static const char sfx[] = "KMGT";
	int u = -1;

	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, sfx[u]);
}

void dx_format_duration(uint64_t ns, char *buf, size_t len)
{
	if (ns && ns % DX_NS_PER_S == 0)
		snprintf(buf, len, "%" PRIu64 "s", ns / DX_NS_PER_S);
	else if (ns && ns % DX_NS_PER_MS == 0)
		snprintf(buf, len, "%" PRIu64 "ms", ns / DX_NS_PER_MS);
	else if (ns && ns % DX_NS_PER_US == 0)
		snprintf(buf, len, "%" PRIu64 "us", ns / DX_NS_PER_US);
	else
		snprintf(buf, len, "%" PRIu64 "ns", ns);
}
