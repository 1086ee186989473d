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
};

struct symtab {
	struct sym *s;
	size_t n;
};

static int cmp(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
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
