// SPDX-License-Identifier: MIT
/* System.map: every symbol by name, text symbols sorted by address. */
#include "daxlab/symmap.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/vec.h"

struct sym {
	uint64_t addr;
	size_t name;	/* offset in names */
	size_t line;	/* order in the file: ties sort the same everywhere */
	char type;
};

struct dx_symmap {
	DX_VEC(struct sym) all;		/* file order */
	DX_VEC(char) names;
	struct sym *text;		/* text symbols by (address, line) */
	size_t ntext;
	size_t *func;			/* index in text of each function's name */
	size_t nfunc;
};

static const char *name_of(const struct dx_symmap *m, const struct sym *s)
{
	return m->names.v + s->name;
}

static bool is_text(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

/* "ADDRESS TYPE NAME": false if line is anything else. */
static bool parse_line(char *line, uint64_t *addr, char *type, char **name)
{
	char *p = line;
	unsigned digits = 0;
	uint64_t a = 0;

	for (;; p++, digits++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0' :
			*p >= 'a' && *p <= 'f' ? *p - 'a' + 10 :
			*p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;

		if (d < 0)
			break;
		a = a << 4 | (uint64_t)d;
	}
	if (!digits || digits > 16 || !is_space(*p))
		return false;
	while (is_space(*p))
		p++;
	if (!*p || is_space(*p) || !is_space(p[1]))
		return false;
	*type = *p;
	for (p++; is_space(*p); p++)
		;
	*name = p;
	while (*p && !is_space(*p) && *p != '\n' && *p != '\r')
		p++;
	if (p == *name)
		return false;
	if (*p)
		*p++ = '\0';
	while (is_space(*p) || *p == '\n' || *p == '\r')
		p++;
	*addr = a;
	return *p == '\0';
}

static int by_addr(const void *a, const void *b)
{
	const struct sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Lower is a better name for a function among its aliases. */
static unsigned alias_rank(const struct dx_symmap *m, const struct sym *x)
{
	const char *n = name_of(m, x);
	unsigned u = 0;

	while (n[u] == '_')
		u++;
	/* T, t, W, w: global before local, strong before weak. */
	return 4 * u + (x->type == 'T' ? 0 : x->type == 't' ? 1 :
			x->type == 'W' ? 2 : 3);
}

static int build_text(struct dx_symmap *m)
{
	m->text = malloc((m->all.n ? m->all.n : 1) * sizeof(*m->text));
	m->func = malloc((m->all.n ? m->all.n : 1) * sizeof(*m->func));
	if (!m->text || !m->func)
		return -1;
	for (size_t i = 0; i < m->all.n; i++)
		if (is_text(m->all.v[i].type))
			m->text[m->ntext++] = m->all.v[i];
	qsort(m->text, m->ntext, sizeof(*m->text), by_addr);
	/* One function per distinct nonzero address (weak undefined are 0). */
	for (size_t i = 0; i < m->ntext; i++) {
		size_t *last = m->nfunc ? &m->func[m->nfunc - 1] : NULL;

		if (!m->text[i].addr)
			continue;
		if (last && m->text[*last].addr == m->text[i].addr) {
			if (alias_rank(m, &m->text[i]) <
			    alias_rank(m, &m->text[*last]))
				*last = i;
			continue;
		}
		m->func[m->nfunc++] = i;
	}
	return 0;
}

static int add(struct dx_symmap *m, uint64_t addr, char type,
	       const char *name)
{
	size_t len = strlen(name) + 1;
	struct sym s = { addr, m->names.n, m->all.n, type };

	if (DX_RESERVE(m->names.v, m->names.cap, m->names.n + len) ||
	    DX_VEC_PUSH(m->all, s))
		return -1;
	memcpy(m->names.v + m->names.n, name, len);
	m->names.n += len;
	return 0;
}

int dx_symmap_load(struct dx_symmap **mp, const char *path, char *err,
		   size_t errlen)
{
	struct dx_symmap *m = calloc(1, sizeof(*m));
	size_t cap = 0, lineno = 0;
	char *line = NULL;
	FILE *f = NULL;
	struct stat st;
	int fd = -1;

	*mp = NULL;
	if (!m)
		goto oom;
	if (!path) {
		*mp = m;
		return 0;
	}
	/* O_NONBLOCK: a FIFO must not block the open; only a regular file
	 * is read, never a device that never ends (/dev/zero). */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		snprintf(err, errlen, "cannot open %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s is not a regular file", path);
		goto fail;
	}
	f = fdopen(fd, "r");
	if (!f) {
		snprintf(err, errlen, "cannot read %s: %s", path,
			 strerror(errno));
		goto fail;
	}
	fd = -1;
	errno = 0;
	for (ssize_t len; (len = getline(&line, &cap, f)) >= 0;) {
		uint64_t addr;
		char type, *name;

		lineno++;
		if (line[strspn(line, " \t\r\n")] == '\0' &&
		    (size_t)len == strlen(line))
			continue;
		/* A NUL inside the line would hide what follows it. */
		if ((size_t)len != strlen(line) ||
		    !parse_line(line, &addr, &type, &name)) {
			line[strcspn(line, "\r\n")] = '\0';
			/* Quoted printable: a binary file's bytes stay off the terminal. */
			for (char *p = line; *p; p++)
				if (*p < ' ' || *p > '~')
					*p = '?';
			snprintf(err, errlen, "%s:%zu: '%.40s' is not "
				 "'ADDRESS TYPE NAME': not a System.map",
				 path, lineno, line);
			goto fail;
		}
		if (add(m, addr, type, name))
			goto oom;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "reading %s: %s", path,
			 strerror(errno ? errno : EIO));
		goto fail;
	}
	if (build_text(m))
		goto oom;
	if (!m->ntext) {
		snprintf(err, errlen, "%s has no text symbols: not a "
			 "System.map", path);
		goto fail;
	}
	free(line);
	fclose(f);
	*mp = m;
	return 0;
oom:
	snprintf(err, errlen, "%s: out of memory", path ? path : "System.map");
fail:
	free(line);
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	dx_symmap_free(m);
	return -1;
}

void dx_symmap_free(struct dx_symmap *m)
{
	if (!m)
		return;
	free(m->all.v);
	free(m->names.v);
	free(m->text);
	free(m->func);
	free(m);
}

size_t dx_symmap_count(const struct dx_symmap *m)
{
	return m ? m->all.n : 0;
}

int dx_symmap_addr(const struct dx_symmap *m, const char *name,
		   uint64_t *addr)
{
	/* A few lookups per run: a scan costs less than an index. */
	for (size_t i = 0; m && i < m->all.n; i++)
		if (!strcmp(name_of(m, &m->all.v[i]), name)) {
			*addr = m->all.v[i].addr;
			return 1;
		}
	return 0;
}

const char *dx_symmap_describe(const struct dx_symmap *m, uint64_t addr,
			       char *buf, size_t len)
{
	size_t lo = 0, hi = m ? m->ntext : 0;

	/* Last text symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (m->text[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Weak undefined symbols sit at 0: they name no code. */
	if (!addr || !lo || !m->text[lo - 1].addr ||
	    addr - m->text[lo - 1].addr > DX_SYMMAP_LAST_SPAN)
		snprintf(buf, len, "0x%" PRIx64, addr);
	else
		snprintf(buf, len, "%s+0x%" PRIx64 " (0x%" PRIx64 ")",
			 name_of(m, &m->text[lo - 1]),
			 addr - m->text[lo - 1].addr, addr);
	return buf;
}

size_t dx_symmap_nfuncs(const struct dx_symmap *m)
{
	return m ? m->nfunc : 0;
}

uint64_t dx_symmap_func_addr(const struct dx_symmap *m, size_t i)
{
	return m->text[m->func[i]].addr;
}

const char *dx_symmap_func_name(const struct dx_symmap *m, size_t i)
{
	return name_of(m, &m->text[m->func[i]]);
}

long dx_symmap_func_index(const struct dx_symmap *m, uint64_t addr)
{
	size_t lo = 0, hi = dx_symmap_nfuncs(m);

	/* First function above addr; the one before it holds addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dx_symmap_func_addr(m, mid) <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || (lo == m->nfunc &&
		    addr - dx_symmap_func_addr(m, lo - 1) >= DX_SYMMAP_LAST_SPAN))
		return -1;
	return (long)(lo - 1);
}
