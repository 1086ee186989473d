#include "opt.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { NUM_BAD = -1, NUM_TOO_LARGE = -2 };

/*
 * An unsigned number: decimal digits ("010" is ten), or with hex, 0x and
 * hexadecimal digits. No sign, no blank, nothing strtoull would skip.
 * *end points past the digits; NUM_TOO_LARGE beyond 2^64 - 1.
 */
static int parse_u64(const char *s, uint64_t *out, const char **end, bool hex)
{
	int base = 10;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		if (!isxdigit((unsigned char)*s))
			return NUM_BAD;
	} else if (!isdigit((unsigned char)*s)) {
		return NUM_BAD;
	}
	errno = 0;
	char *e;
	unsigned long long v = strtoull(s, &e, base);

	if (errno == ERANGE)
		return NUM_TOO_LARGE;
	*out = v;
	*end = e;
	return base;
}

int opt_parse_size(const char *s, uint64_t *out, char *err, size_t errlen)
{
	static const struct { const char *sfx; unsigned shift; } units[] = {
		{ "", 0 }, { "B", 0 },
		{ "K", 10 }, { "k", 10 }, { "KiB", 10 },
		{ "M", 20 }, { "m", 20 }, { "MiB", 20 },
		{ "G", 30 }, { "g", 30 }, { "GiB", 30 },
		{ "T", 40 }, { "t", 40 }, { "TiB", 40 },
	};
	uint64_t v;
	const char *end;
	int base = parse_u64(s, &v, &end, true);

	if (base == NUM_TOO_LARGE) {
		snprintf(err, errlen, "size '%s' is too large", s);
		return -1;
	}
	if (base < 0 || (base == 16 && *end)) {
		snprintf(err, errlen, "'%s' is not a size (examples: 4096, 4K, 2M, 1GiB, 0x1000)", s);
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].sfx))
			continue;
		if (units[i].shift && v > (UINT64_MAX >> units[i].shift)) {
			snprintf(err, errlen, "size '%s' is too large", s);
			return -1;
		}
		*out = v << units[i].shift;
		return 0;
	}
	snprintf(err, errlen, "'%s' has an unknown size suffix (use K, M, G, T or KiB, MiB, GiB, TiB)", s);
	return -1;
}

int opt_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen)
{
	static const struct { const char *sfx; uint64_t mult; } units[] = {
		{ "", 1000000000ull }, { "s", 1000000000ull },
		{ "ms", 1000000ull }, { "us", 1000ull }, { "ns", 1ull },
		{ "m", 60000000000ull }, { "min", 60000000000ull },
		{ "h", 3600000000000ull },
	};
	uint64_t v;
	const char *end;
	int base = parse_u64(s, &v, &end, false);

	if (base == NUM_TOO_LARGE) {
		snprintf(err, errlen, "duration '%s' is too long", s);
		return -1;
	}
	if (base < 0) {
		snprintf(err, errlen, "'%s' is not a duration (examples: 5s, 100ms, 250us, 2m)", s);
		return -1;
	}
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].sfx))
			continue;
		if (v > UINT64_MAX / units[i].mult) {
			snprintf(err, errlen, "duration '%s' is too long", s);
			return -1;
		}
		*ns = v * units[i].mult;
		return 0;
	}
	snprintf(err, errlen, "'%s' has an unknown duration unit (use ns, us, ms, s, m, h)", s);
	return -1;
}

void opt_format_size(uint64_t v, char *buf, size_t len)
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

const struct opt *opt_find(const struct opt_set *sets, int nsets,
			   const char *name, void **base)
{
	for (int s = 0; s < nsets; s++)
		for (const struct opt *o = sets[s].opts; o->name; o++)
			if (!strcmp(o->name, name)) {
				*base = sets[s].base;
				return o;
			}
	return NULL;
}

static int check_range(const struct opt *o, uint64_t v, const char *txt,
		       char *err, size_t errlen)
{
	char a[32], b[32];
	bool sz = o->type == OPT_SIZE;

	if (v < o->min || (o->max && v > o->max)) {
		if (sz) {
			opt_format_size(o->min, a, sizeof(a));
			opt_format_size(o->max, b, sizeof(b));
		} else {
			snprintf(a, sizeof(a), "%" PRIu64, o->min);
			snprintf(b, sizeof(b), "%" PRIu64, o->max);
		}
		if (o->max)
			snprintf(err, errlen, "--%s %s is out of range [%s, %s]", o->name, txt, a, b);
		else
			snprintf(err, errlen, "--%s %s is below the minimum %s", o->name, txt, a);
		return -1;
	}
	if (sz && o->align && v % o->align) {
		opt_format_size(o->align, a, sizeof(a));
		snprintf(err, errlen, "--%s %s is not a multiple of %s", o->name, txt, a);
		return -1;
	}
	return 0;
}

static int set_value(const struct opt *o, void *base, const char *val,
		     char *err, size_t errlen)
{
	void *p = (char *)base + o->off;
	uint64_t v = 0;
	const char *end;

	switch (o->type) {
	case OPT_FLAG:
		*(bool *)p = true;
		return 0;
	case OPT_STRING:
		if (!*val) {
			snprintf(err, errlen, "--%s needs a non-empty value", o->name);
			return -1;
		}
		*(const char **)p = val;
		return 0;
	case OPT_ENUM:
		for (int i = 0; o->choices[i]; i++)
			if (!strcmp(o->choices[i], val)) {
				*(int *)p = i;
				return 0;
			}
		{
			int n = snprintf(err, errlen, "--%s '%s' is not one of:", o->name, val);

			for (int i = 0; o->choices[i] && n > 0 && (size_t)n < errlen; i++)
				n += snprintf(err + n, errlen - n, " %s", o->choices[i]);
		}
		return -1;
	case OPT_UINT: {
		int base = parse_u64(val, &v, &end, true);

		if (base == NUM_TOO_LARGE) {
			snprintf(err, errlen, "--%s '%s' is too large (at most %" PRIu64 ")", o->name,
				 val, o->max ? o->max : UINT64_MAX);
			return -1;
		}
		if (base < 0 || *end) {
			snprintf(err, errlen, "--%s '%s' is not a non-negative integer "
				 "(decimal, or hexadecimal after 0x)", o->name, val);
			return -1;
		}
		break;
	}
	case OPT_SIZE: {
		char e2[160];

		if (opt_parse_size(val, &v, e2, sizeof(e2))) {
			snprintf(err, errlen, "--%s: %s", o->name, e2);
			return -1;
		}
		break;
	}
	case OPT_DURATION: {
		char e2[160];

		if (opt_parse_duration(val, &v, e2, sizeof(e2))) {
			snprintf(err, errlen, "--%s: %s", o->name, e2);
			return -1;
		}
		break;
	}
	}
	if (check_range(o, v, val, err, errlen))
		return -1;
	*(uint64_t *)p = v;
	return 0;
}

int opt_parse(const struct opt_set *sets, int nsets, int argc, char **argv,
	      char *err, size_t errlen)
{
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (strncmp(a, "--", 2) || !a[2]) {
			snprintf(err, errlen, "unexpected argument '%s' (options start with --)", a);
			return -1;
		}
		char name[64];
		const char *eq = strchr(a + 2, '=');
		size_t n = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);

		if (n >= sizeof(name)) {
			snprintf(err, errlen, "unknown option '%.40s...'", a);
			return -1;
		}
		memcpy(name, a + 2, n);
		name[n] = 0;
		void *base;
		const struct opt *o = opt_find(sets, nsets, name, &base);

		if (!o) {
			snprintf(err, errlen, "unknown option --%s", name);
			return -1;
		}
		const char *val = NULL;

		if (o->type == OPT_FLAG) {
			if (eq) {
				snprintf(err, errlen, "--%s takes no value", name);
				return -1;
			}
		} else if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			snprintf(err, errlen, "--%s needs a value", name);
			return -1;
		}
		if (set_value(o, base, val, err, errlen))
			return -1;
	}
	return 0;
}

static const char *metavar(const struct opt *o)
{
	switch (o->type) {
	case OPT_UINT: return " N";
	case OPT_SIZE: return " SIZE";
	case OPT_DURATION: return " TIME";
	case OPT_STRING: return " PATH";
	case OPT_ENUM: return " WORD";
	default: return "";
	}
}

static void format_value(const struct opt *o, const void *p, char *buf, size_t len)
{
	/* Only the numeric types are stored as uint64_t. */
	uint64_t v = o->type == OPT_SIZE || o->type == OPT_DURATION || o->type == OPT_UINT ?
		     *(const uint64_t *)p : 0;

	buf[0] = 0;
	switch (o->type) {
	case OPT_FLAG:
		break;
	case OPT_STRING:
		if (*(const char *const *)p)
			snprintf(buf, len, "%s", *(const char *const *)p);
		break;
	case OPT_ENUM:
		snprintf(buf, len, "%s", o->choices[*(const int *)p]);
		break;
	case OPT_SIZE:
		opt_format_size(v, buf, len);
		break;
	case OPT_DURATION:
		if (v % 1000000000ull == 0)
			snprintf(buf, len, "%" PRIu64 "s", (uint64_t)(v / 1000000000u));
		else if (v % 1000000ull == 0)
			snprintf(buf, len, "%" PRIu64 "ms", (uint64_t)(v / 1000000u));
		else
			snprintf(buf, len, "%" PRIu64 "ns", v);
		break;
	case OPT_UINT:
		snprintf(buf, len, "%" PRIu64, v);
		break;
	}
}

void opt_print_help(const struct opt_set *set, FILE *f)
{
	for (const struct opt *o = set->opts; o->name; o++) {
		char left[64], def[64];

		snprintf(left, sizeof(left), "--%s%s", o->name, metavar(o));
		fprintf(f, "  %-26s %s", left, o->help);
		if (o->type == OPT_ENUM) {
			fputs(" (", f);
			for (int i = 0; o->choices[i]; i++)
				fprintf(f, "%s%s", i ? "|" : "", o->choices[i]);
			fputc(')', f);
		}
		format_value(o, (const char *)set->base + o->off, def, sizeof(def));
		if (def[0])
			fprintf(f, " [%s]", def);
		fputc('\n', f);
	}
}

void opt_emit_json(const struct opt_set *sets, int nsets, struct json *j)
{
	for (int s = 0; s < nsets; s++) {
		for (const struct opt *o = sets[s].opts; o->name; o++) {
			char key[64];
			const void *p = (const char *)sets[s].base + o->off;

			snprintf(key, sizeof(key), "%s", o->name);
			for (char *c = key; *c; c++)
				if (*c == '-')
					*c = '_';
			switch (o->type) {
			case OPT_FLAG: json_bool(j, key, *(const bool *)p); break;
			case OPT_STRING: json_str(j, key, *(const char *const *)p); break;
			case OPT_ENUM: json_str(j, key, o->choices[*(const int *)p]); break;
			default: json_u64(j, key, *(const uint64_t *)p); break;
			}
		}
	}
}
