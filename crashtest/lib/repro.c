// SPDX-License-Identifier: MIT
/*
 * Reproducers: a violation's trace, crash point and persisted set, as a
 * small text file (PMSIM.md). One "KEY VALUE" per line, '#' comments:
 *   trace PATH            the rest of the line (a path may hold spaces)
 *   crash-event N, window N          decimal or 0x hex
 *   eadr 0|1, per-word 0|1
 *   persisted EVENT:OFFSET ...       (may repeat)
 * Each key but persisted at most once; trace and crash-event required.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/num.h"
#include "daxlab/vec.h"
#include "repro.h"

/* A reproducer is a few lines and one piece list: anything far larger is
 * not one. */
#define REPRO_MAX_BYTES (256u << 20)

int pmsim_repro_write(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      const struct pmsim_violation *v, const char *path)
{
	char *abs = realpath(t->path, NULL);
	const char *tp = abs ? abs : t->path;
	FILE *f;

	if (strchr(tp, '\n')) {
		free(abs);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT,
					 "%s: a trace path with a newline cannot go into a reproducer",
					 path);
	}
	f = fopen(path, "w");
	if (!f) {
		free(abs);
		return pmsim_seterr_kind(errno == ENOSPC || errno == EDQUOT ?
					 PMSIM_ERR_RESOURCES : PMSIM_ERR_FAILED,
					 "%s: %s", path, strerror(errno));
	}
	fprintf(f, "# pmsim reproducer: `pmsim replay %s -o IMAGE` rebuilds the crash image\n",
		path);
	fprintf(f, "trace %s\n", tp);
	fprintf(f, "crash-event %" PRIu64 "\n", v->crash.event);
	fprintf(f, "eadr %d\nper-word %d\nwindow %" PRIu64 "\n", o->eadr ? 1 : 0,
		o->per_word ? 1 : 0, v->window);
	fprintf(f, "persisted");
	for (size_t i = 0; i < v->npersisted; i++)
		fprintf(f, " %" PRIu64 ":%u", v->persisted[i].event, v->persisted[i].off);
	fprintf(f, "\n");
	free(abs);
	if (ferror(f) | fclose(f))
		return pmsim_seterr_kind(errno == ENOSPC || errno == EDQUOT ?
					 PMSIM_ERR_RESOURCES : PMSIM_ERR_FAILED,
					 "%s: %s", path, strerror(errno));
	return 0;
}

void pms_repro_free(struct pms_repro *rp)
{
	free(rp->trace);
	free(rp->p);
	memset(rp, 0, sizeof(*rp));
}

/* A number of the reproducer (strict: common's rules), into *v. */
static int number(const char *name, size_t lineno, const char *key,
		  const char *s, uint64_t max, uint64_t *v)
{
	char err[200];

	if (dx_parse_u64(s, 0, max, v, key, err, sizeof(err)))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s:%zu: %s", name, lineno, err);
	return 0;
}

static int piece(const char *name, size_t lineno, char *tok, struct pms_repro *rp)
{
	char *colon = strchr(tok, ':');
	uint64_t ev, off;

	if (!colon)
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s:%zu: bad piece \"%.40s\" (EVENT:OFFSET)",
					 name, lineno, tok);
	*colon = 0;
	if (number(name, lineno, "piece event", tok, UINT64_MAX, &ev) ||
	    number(name, lineno, "piece offset", colon + 1, UINT32_MAX, &off))
		return -1;
	if (DX_RESERVE(rp->p, rp->cap, rp->n + 1))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	memset(&rp->p[rp->n], 0, sizeof(rp->p[0]));
	rp->p[rp->n].event = ev;
	rp->p[rp->n++].off = (uint32_t)off;
	return 0;
}

/* One line (NUL-terminated, no newline). */
static int parse_line(const char *name, size_t lineno, char *line,
		      struct pms_repro *rp, unsigned *seen)
{
	static const char *const keys[] = { "trace", "crash-event", "window", "eadr",
					     "per-word" };
	char *p = line, *key, *val;
	uint64_t v;
	size_t k;

	while (*p == ' ' || *p == '\t' || *p == '\r')
		p++;
	if (!*p || *p == '#')
		return 0;
	key = p;
	while (*p && *p != ' ' && *p != '\t' && *p != '\r')
		p++;
	if (*p)
		*p++ = 0;
	while (*p == ' ' || *p == '\t')
		p++;
	val = p;
	if (!strcmp(key, "persisted")) {
		for (char *save = NULL, *tok = strtok_r(val, " \t\r", &save); tok;
		     tok = strtok_r(NULL, " \t\r", &save))
			if (piece(name, lineno, tok, rp))
				return -1;
		return 0;
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		if (!strcmp(key, keys[k]))
			break;
	if (k == sizeof(keys) / sizeof(keys[0]))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s:%zu: unknown key \"%.40s\"",
					 name, lineno, key);
	if (*seen & (1u << k))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s:%zu: \"%s\" given twice",
					 name, lineno, key);
	*seen |= 1u << k;
	/* trailing blanks and a CR are not part of a value */
	for (size_t n = strlen(val); n && (val[n - 1] == ' ' || val[n - 1] == '\t' ||
					   val[n - 1] == '\r'); n--)
		val[n - 1] = 0;
	if (!*val)
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s:%zu: \"%s\" needs a value",
					 name, lineno, key);
	if (k == 0) {
		rp->trace = strdup(val);
		return rp->trace ? 0 : pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	if (number(name, lineno, key, val, k >= 3 ? 1 : UINT64_MAX, &v))
		return -1;
	if (k == 1)
		rp->event = v;
	else if (k == 2)
		rp->window = v;
	else if (k == 3)
		rp->eadr = (int)v;
	else
		rp->per_word = (int)v;
	return 0;
}

int pms_repro_parse(const char *text, size_t len, const char *name,
		    struct pms_repro *rp)
{
	char *buf = malloc(len + 1);
	size_t lineno = 0;
	unsigned seen = 0;
	int r = 0;

	memset(rp, 0, sizeof(*rp));
	if (!buf)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (memchr(text, 0, len)) {
		free(buf);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: a NUL byte: not a reproducer", name);
	}
	memcpy(buf, text, len);
	buf[len] = 0;
	for (char *line = buf, *nl; !r && line < buf + len; line = nl + 1) {
		nl = strchr(line, '\n');
		if (!nl)
			nl = buf + len;
		*nl = 0;
		r = parse_line(name, ++lineno, line, rp, &seen);
	}
	free(buf);
	if (!r && (!rp->trace || !(seen & 2)))
		r = pmsim_seterr_kind(PMSIM_ERR_INPUT,
				      "%s: a reproducer needs \"trace\" and \"crash-event\" lines", name);
	return r;
}

int pms_repro_load(const char *path, struct pms_repro *rp)
{
	struct stat st;
	char *text;
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), r;

	memset(rp, 0, sizeof(*rp));
	if (fd < 0)
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > REPRO_MAX_BYTES) {
		close(fd);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: %lld bytes: too large for a reproducer",
					 path, (long long)st.st_size);
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		close(fd);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, text + got, (size_t)st.st_size - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	r = pms_repro_parse(text, got, path, rp);
	free(text);
	return r;
}
