// SPDX-License-Identifier: MIT
/*
 * Reproducers: a violation's trace, crash point and persisted set, as a
 * small text file; and rebuilding the crash image from one. The image is
 * rebuilt by the model itself, which also refuses a persisted set that is
 * not a reachable state.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "sim.h"

int pmsim_repro_write(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      const struct pmsim_violation *v, const char *path)
{
	char *abs = realpath(t->path, NULL);
	FILE *f = fopen(path, "w");

	if (!f) {
		free(abs);
		return pmsim_seterr("%s: %s", path, strerror(errno));
	}
	fprintf(f, "# pmsim reproducer: `pmsim replay %s -o IMAGE` rebuilds the crash image\n",
		path);
	fprintf(f, "trace %s\n", abs ? abs : t->path);
	fprintf(f, "crash-event %" PRIu64 "\n", v->crash.event);
	fprintf(f, "eadr %d\nper-word %d\nwindow %" PRIu64 "\n", o->eadr ? 1 : 0,
		o->per_word ? 1 : 0, v->window);
	fprintf(f, "persisted");
	for (size_t i = 0; i < v->npersisted; i++)
		fprintf(f, " %" PRIu64 ":%u", v->persisted[i].event, v->persisted[i].off);
	fprintf(f, "\n");
	free(abs);
	if (fclose(f))
		return pmsim_seterr("%s: %s", path, strerror(errno));
	return 0;
}

static int cmp_piece(const void *a, const void *b)
{
	const struct pmsim_piece *x = a, *y = b;

	if (x->event != y->event)
		return x->event < y->event ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

static bool listed(const struct pmsim_piece *set, size_t n, uint64_t event,
		   uint32_t off)
{
	struct pmsim_piece k = { .event = event, .off = off };

	return bsearch(&k, set, n, sizeof(k), cmp_piece) != NULL;
}

/*
 * The crash content of one dirty line for a persisted set, into out, with
 * the newest persisted and the oldest lost cached piece (for the clflush
 * rule). What persists of each group (line_options.c) must be a prefix of
 * its stores plus part of the next store; a persisted NT piece needs the
 * line's older cached pieces persisted.
 */
static int place_line(struct sim *s, const struct line *l,
		      const struct pmsim_piece *set, size_t n, size_t *matched,
		      unsigned char *out, uint32_t *maxseq, uint32_t *lostmin)
{
	uint32_t ended[16] = { 0 };	/* per group: the store that lost a piece */
	uint32_t maxnt = 0;

	*maxseq = 0;
	*lostmin = UINT32_MAX;
	memcpy(out, l->mem, LINE_SIZE);
	for (uint32_t k = 0; k < l->np; k++) {
		const struct piece *p = &l->p[k];
		const struct pmsim_event *e = &s->t->ev[p->seq - 1];
		uint32_t off = (uint32_t)(l->addr + p->off - e->addr);
		unsigned g = p->nt ? 8u + p->word : s->o->per_word ? p->word : 0u;

		if (!listed(set, n, p->seq - 1, off)) {
			if (!ended[g])
				ended[g] = p->seq;
			if (!p->nt && p->seq < *lostmin)
				*lostmin = p->seq;
			continue;
		}
		if (ended[g] && ended[g] != p->seq)
			return pmsim_seterr("persisted set is not reachable: piece %u:%u persists "
					    "after an older store to line 0x%" PRIx64 " was lost",
					    p->seq - 1, off, l->addr);
		piece_apply(p, out);
		(*matched)++;
		if (p->seq > *maxseq)
			*maxseq = p->seq;
		if (p->nt && p->seq > maxnt)
			maxnt = p->seq;
	}
	if (maxnt > *lostmin)
		return pmsim_seterr("persisted set is not reachable: on line 0x%" PRIx64
				    " an NT store persists without the older stores it evicts",
				    l->addr);
	return 0;
}

static int build_cached(struct sim *s, const struct pmsim_piece *set, size_t n)
{
	unsigned char *content = malloc((s->ndirty ? s->ndirty : 1) * LINE_SIZE);
	uint32_t *lostmin = calloc(s->ndirty ? s->ndirty : 1, sizeof(*lostmin));
	uint32_t maxseq = 0;
	size_t matched = 0;
	int r = 0;

	if (!content || !lostmin) {
		free(content);
		free(lostmin);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	for (size_t i = 0; i < s->ndirty && !r; i++) {
		uint32_t m;

		r = place_line(s, &s->lines[s->dirty[i]], set, n, &matched,
			       content + i * LINE_SIZE, &m, &lostmin[i]);
		if (m > maxseq)
			maxseq = m;
	}
	for (size_t k = 0; k < s->nclf && !r; k++) {
		const struct line *l = &s->lines[s->clf[k].line];

		if (l->dirty_pos >= 0 && maxseq > s->clf[k].seq &&
		    lostmin[l->dirty_pos] < s->clf[k].seq)
			r = pmsim_seterr("persisted set is not reachable: a store younger than the clflush at event %u persisted, but line 0x%" PRIx64 " did not",
					 s->clf[k].seq - 1, l->addr);
	}
	if (!r && matched != n)
		r = pmsim_seterr("persisted set names %zu piece(s) that are not pending at this crash point",
				 n - matched);
	for (size_t i = 0; i < s->ndirty && !r; i++)
		memcpy(s->lines[s->dirty[i]].mem, content + i * LINE_SIZE, LINE_SIZE);
	free(content);
	free(lostmin);
	return r;
}

/* eADR: every store before the window persisted; after it, a prefix of
 * the stores and part of the next one (its pieces are unordered). */
static int build_eadr(struct sim *s, uint64_t window,
		      const struct pmsim_piece *set, size_t n)
{
	size_t j = 0, matched = 0;
	bool torn = false;

	for (; j < s->nep && s->ep[j].seq - 1 < window; j++)
		piece_apply(&s->ep[j], s->lines[s->ep_line[j]].mem);
	while (j < s->nep) {
		uint32_t seq = s->ep[j].seq;
		size_t in = 0, c = 0;

		for (; j + c < s->nep && s->ep[j + c].seq == seq; c++) {
			const struct piece *p = &s->ep[j + c];
			const struct pmsim_event *e = &s->t->ev[seq - 1];
			uint32_t off = (uint32_t)(s->lines[s->ep_line[j + c]].addr + p->off - e->addr);

			if (!listed(set, n, seq - 1, off))
				continue;
			if (torn)
				return pmsim_seterr("persisted set is not reachable: piece %u:%u persists "
						    "after an older store was lost (eADR persists stores in "
						    "program order)", seq - 1, off);
			piece_apply(p, s->lines[s->ep_line[j + c]].mem);
			in++;
		}
		matched += in;
		torn = torn || in < c;
		j += c;
	}
	if (matched != n)
		return pmsim_seterr("persisted set names %zu piece(s) that are not stored after event %"
				    PRIu64, n - matched, window);
	return 0;
}

static int build(const struct pmsim_trace *t, const struct pmsim_opts *o,
		 uint64_t event, uint64_t window, const struct pmsim_piece *given,
		 size_t n, unsigned char ***data)
{
	struct pmsim_piece *set = malloc((n ? n : 1) * sizeof(*set));
	unsigned char **out = NULL;
	struct sim s;
	int r = 0;

	if (!set)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (n)
		memcpy(set, given, n * sizeof(*set));
	qsort(set, n, sizeof(*set), cmp_piece);
	if (event > t->nev) {
		free(set);
		return pmsim_seterr("crash event %" PRIu64 " is past the end of the trace (%zu events)",
				    event, t->nev);
	}
	if (pms_sim_init(&s, t, o)) {
		free(set);
		return -1;
	}
	for (uint64_t i = 0; i < event && !r; i++)
		r = pms_sim_apply(&s, (size_t)i);
	if (!r)
		r = o->eadr ? build_eadr(&s, window, set, n) : build_cached(&s, set, n);
	if (!r) {
		out = calloc(t->nreg ? t->nreg : 1, sizeof(*out));
		for (size_t i = 0; out && i < t->nreg; i++) {
			out[i] = malloc(t->reg[i].size);
			if (!out[i]) {
				pmsim_image_data_free(t, out);
				out = NULL;
				break;
			}
			memcpy(out[i], s.img[i], t->reg[i].size);
		}
		if (!out)
			r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	pms_sim_free(&s);
	free(set);
	if (!r)
		*data = out;
	return r;
}

int pmsim_build_image(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      uint64_t event, const struct pmsim_piece *persisted,
		      size_t npersisted, unsigned char ***data)
{
	return build(t, o, event, 0, persisted, npersisted, data);
}

void pmsim_image_data_free(const struct pmsim_trace *t, unsigned char **data)
{
	if (!data)
		return;
	for (size_t i = 0; i < t->nreg; i++)
		free(data[i]);
	free(data);
}

struct repro {
	char *trace;
	uint64_t event, window;
	int eadr, per_word;
	struct pmsim_piece *p;
	size_t n;
};

static int parse_repro(const char *path, struct repro *rp)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, *save;
	size_t cap = 0, lineno = 0;
	int r = 0;
	bool have_event = false;

	if (!f)
		return pmsim_seterr("%s: %s", path, strerror(errno));
	while (!r && getline(&line, &cap, f) >= 0) {
		char *key = strtok_r(line, " \t\n", &save), *val, *end;

		lineno++;
		if (!key || key[0] == '#')
			continue;
		if (strcmp(key, "persisted") == 0) {
			while ((val = strtok_r(NULL, " \t\n", &save))) {
				struct pmsim_piece *np = realloc(rp->p, (rp->n + 1) * sizeof(*np));
				unsigned long long ev;
				unsigned off;
				int used = 0;

				if (!np) {
					r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
					break;
				}
				rp->p = np;
				if (sscanf(val, "%llu:%u%n", &ev, &off, &used) != 2 ||
				    val[used]) {
					r = pmsim_seterr("%s:%zu: bad piece \"%s\" (EVENT:OFFSET)",
							 path, lineno, val);
					break;
				}
				memset(&np[rp->n], 0, sizeof(*np));
				np[rp->n].event = ev;
				np[rp->n++].off = off;
			}
			continue;
		}
		val = strtok_r(NULL, " \t\n", &save);
		if (!val) {
			r = pmsim_seterr("%s:%zu: \"%s\" needs a value", path, lineno, key);
		} else if (strcmp(key, "trace") == 0) {
			free(rp->trace);
			rp->trace = strdup(val);
		} else {
			uint64_t v;

			errno = 0;
			v = strtoull(val, &end, 0);
			if (errno || *end || *val == '-') {
				r = pmsim_seterr("%s:%zu: bad number \"%s\"", path, lineno, val);
			} else if (strcmp(key, "crash-event") == 0) {
				rp->event = v;
				have_event = true;
			} else if (strcmp(key, "window") == 0) {
				rp->window = v;
			} else if (strcmp(key, "eadr") == 0) {
				rp->eadr = v != 0;
			} else if (strcmp(key, "per-word") == 0) {
				rp->per_word = v != 0;
			} else {
				r = pmsim_seterr("%s:%zu: unknown key \"%s\"", path, lineno, key);
			}
		}
	}
	free(line);
	fclose(f);
	if (!r && (!rp->trace || !have_event))
		r = pmsim_seterr("%s: a reproducer needs \"trace\" and \"crash-event\" lines", path);
	return r;
}

int pmsim_replay(const char *repro_path, const char *image_path)
{
	struct repro rp = { 0 };
	struct pmsim_trace *t = NULL;
	struct pmsim_opts o;
	unsigned char **data = NULL;
	int r, fd = -1;

	r = parse_repro(repro_path, &rp);
	if (!r)
		r = pmsim_trace_open(&t, rp.trace);
	if (!r) {
		pmsim_opts_default(&o);
		o.eadr = rp.eadr;
		o.per_word = rp.per_word;
		r = build(t, &o, rp.event, rp.window, rp.p, rp.n, &data);
	}
	if (!r) {
		fd = open(image_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			r = pmsim_seterr("%s: %s", image_path, strerror(errno));
	}
	/* Regions back to back in base order, as the external checker sees. */
	for (size_t placed = 0; !r && placed < t->nreg; placed++) {
		size_t pick = SIZE_MAX;

		for (size_t i = 0; i < t->nreg; i++) {
			size_t below = 0;

			for (size_t j = 0; j < t->nreg; j++)
				below += t->reg[j].base < t->reg[i].base;
			if (below == placed)
				pick = i;
		}
		for (uint64_t done = 0; !r && done < t->reg[pick].size;) {
			ssize_t w = write(fd, data[pick] + done, t->reg[pick].size - done);

			if (w <= 0)
				r = pmsim_seterr("%s: %s", image_path, strerror(errno));
			else
				done += (uint64_t)w;
		}
	}
	if (fd >= 0 && close(fd) && !r)
		r = pmsim_seterr("%s: %s", image_path, strerror(errno));
	if (t)
		pmsim_image_data_free(t, data);
	pmsim_trace_free(t);
	free(rp.trace);
	free(rp.p);
	return r;
}
