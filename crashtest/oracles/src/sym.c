/* SPDX-License-Identifier: MIT */
/* System.map lookup: sorted text symbols, binary search. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sym.h"

struct sym {
	uint64_t addr;
	char *name;
	size_t line;	/* order in the file: ties sort the same everywhere */
	char type;
};

struct symtab {
	struct sym *s;
	size_t n;
	size_t *func;	/* index in s of each function's name */
	size_t nfunc;
};

static int cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Lower is a better name for a function among its aliases. */
static unsigned alias_rank(const struct sym *x)
{
	unsigned u = 0;

	while (x->name[u] == '_')
		u++;
	/* T, t, W, w: global before local, strong before weak. */
	return 4 * u + (x->type == 'T' ? 0 : x->type == 't' ? 1 :
			x->type == 'W' ? 2 : 3);
}

/* One entry per distinct nonzero address (weak undefined symbols are 0). */
static int build_funcs(struct symtab *s)
{
	s->func = malloc((s->n ? s->n : 1) * sizeof(*s->func));
	if (!s->func)
		return -1;
	for (size_t i = 0; i < s->n; i++) {
		size_t *last = s->nfunc ? &s->func[s->nfunc - 1] : NULL;

		if (!s->s[i].addr)
			continue;
		if (last && s->s[*last].addr == s->s[i].addr) {
			if (alias_rank(&s->s[i]) < alias_rank(&s->s[*last]))
				*last = i;
			continue;
		}
		s->func[s->nfunc++] = i;
	}
	return 0;
}

int symtab_load(struct symtab **sp, const char *path, char *err, size_t len)
{
	struct symtab *s = calloc(1, sizeof(*s));
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;

	*sp = s;
	if (!s) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3)
			continue;
		if (type != 't' && type != 'T' && type != 'w' && type != 'W')
			continue;
		if (s->n == cap) {
			struct sym *ns;

			cap = cap ? 2 * cap : 4096;
			ns = realloc(s->s, cap * sizeof(*ns));
			if (!ns)
				goto oom;
			s->s = ns;
		}
		s->s[s->n].addr = addr;
		s->s[s->n].line = s->n;
		s->s[s->n].type = type;
		s->s[s->n].name = strdup(name);
		if (!s->s[s->n].name)
			goto oom;
		s->n++;
	}
	fclose(f);
	if (!s->n) {
		snprintf(err, len, "%s has no text symbols", path);
		return -1;
	}
	qsort(s->s, s->n, sizeof(*s->s), cmp);
	if (build_funcs(s)) {
		snprintf(err, len, "out of memory");
		return -1;
	}
	return 0;
oom:
	fclose(f);
	snprintf(err, len, "out of memory");
	return -1;
}

void symtab_free(struct symtab *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->s[i].name);
	free(s->s);
	free(s->func);
	free(s);
}

const char *symtab_name(const struct symtab *s, uint64_t addr, char *buf,
			size_t len)
{
	size_t lo = 0, hi = s ? s->n : 0;

	/* Last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (s->s[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!addr || !lo || addr - s->s[lo - 1].addr > 0x100000)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else
		snprintf(buf, len, "%s+0x%" PRIx64 " (0x%" PRIx64 ")",
			 s->s[lo - 1].name, addr - s->s[lo - 1].addr, addr);
	return buf;
}

size_t symtab_nfuncs(const struct symtab *s)
{
	return s ? s->nfunc : 0;
}

uint64_t symtab_func_addr(const struct symtab *s, size_t i)
{
	return s->s[s->func[i]].addr;
}

const char *symtab_func_name(const struct symtab *s, size_t i)
{
	return s->s[s->func[i]].name;
}

long symtab_func_index(const struct symtab *s, uint64_t addr)
{
	size_t lo = 0, hi = symtab_nfuncs(s);

	/* First function above addr; the one before it holds addr. */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (symtab_func_addr(s, mid) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || (lo == s->nfunc &&
		    addr - symtab_func_addr(s, lo - 1) >= SYMTAB_LAST_SPAN))
		return -1;
	return (long)(lo - 1);
}
