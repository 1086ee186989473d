#include "opt.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daxlab/num.h"

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

/* A size that must be a multiple of o->align (the range is checked while parsing). */
static int check_align(const struct opt *o, uint64_t v, const char *txt, char *err, size_t errlen)
{
	char a[32];

	if (o->type != OPT_SIZE || !o->align || v % o->align == 0)
		return 0;
	dx_format_size(o->align, a, sizeof(a));
	snprintf(err, errlen, "--%s %s is not a multiple of %s", o->name, txt, a);
	return -1;
}

static int set_value(const struct opt *o, void *base, const char *val,
		     char *err, size_t errlen)
{
	void *p = (char *)base + o->off;
	uint64_t v = 0, max = o->max ? o->max : UINT64_MAX;
	char what[72];
	int rc = 0;

	snprintf(what, sizeof(what), "--%s", o->name);
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
	case OPT_UINT:
		rc = dx_parse_u64(val, o->min, max, &v, what, err, errlen);
		break;
	case OPT_SIZE:
		rc = dx_parse_size(val, o->min, max, &v, what, err, errlen);
		break;
	case OPT_DURATION:
		rc = dx_parse_duration(val, DX_NS_PER_S, o->min, max, &v, what, err, errlen);
		break;
	}
	if (rc || check_align(o, v, val, err, errlen))
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
		dx_format_size(v, buf, len);
		break;
	case OPT_DURATION:
		dx_format_duration(v, buf, len);
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

void opt_emit_json(const struct opt_set *sets, int nsets, struct dx_json *j)
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
			case OPT_FLAG: dx_json_bool(j, key, *(const bool *)p); break;
			case OPT_STRING: dx_json_str(j, key, *(const char *const *)p); break;
			case OPT_ENUM: dx_json_str(j, key, o->choices[*(const int *)p]); break;
			default: dx_json_u64(j, key, *(const uint64_t *)p); break;
			}
		}
	}
}
