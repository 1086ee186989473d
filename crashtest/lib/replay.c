// SPDX-License-Identifier: MIT
/*
 * Rebuilding a crash image from a crash point and a persisted set (a
 * violation's, a reproducer's): by the model itself, which also refuses a
 * set that is not a reachable state.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/files.h"
#include "daxlab/mem.h"

#include "image_file.h"
#include "repro.h"

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

/* The model at the crash point, with the persisted set applied: s->img
 * holds the crash image. */
static int replay_sim(struct sim *s, const struct pmsim_trace *t,
		      const struct pmsim_opts *o, uint64_t event, uint64_t window,
		      const struct pmsim_piece *given, size_t n)
{
	struct pmsim_piece *set = malloc((n ? n : 1) * sizeof(*set));
	int r = 0;

	if (!set)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (n)
		memcpy(set, given, n * sizeof(*set));
	qsort(set, n, sizeof(*set), cmp_piece);
	if (event > t->nev) {
		free(set);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT,
					 "crash event %" PRIu64 " is past the end of the trace (%zu events)",
					 event, t->nev);
	}
	if (pms_sim_init(s, t, o)) {
		free(set);
		return -1;
	}
	for (uint64_t i = 0; i < event && !r; i++)
		r = pms_sim_apply(s, (size_t)i);
	if (!r)
		r = o->eadr ? build_eadr(s, window, set, n) : build_cached(s, set, n);
	free(set);
	if (r)
		pms_sim_free(s);
	return r;
}

int pmsim_build_image(const struct pmsim_trace *t, const struct pmsim_opts *o,
		      uint64_t event, const struct pmsim_piece *persisted,
		      size_t npersisted, unsigned char ***data)
{
	unsigned char **out;
	uint64_t need = 0, avail = pms_mem_available();
	struct sim s;

	for (size_t i = 0; i < t->nreg; i++)
		need += t->reg[i].size;
	/* a copy of every region: refuse what memory cannot hold */
	if (need > avail)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
					 "%s: a copy of the crash image needs %" PRIu64
					 " bytes of memory, %" PRIu64 " are available",
					 t->path, need, avail);
	if (replay_sim(&s, t, o, event, 0, persisted, npersisted))
		return -1;
	/* Only the extents that may be non-zero are copied: the rest of a
	 * fresh buffer is zero already and costs no memory until written. */
	out = calloc(t->nreg ? t->nreg : 1, sizeof(*out));
	for (size_t i = 0; out && i < t->nreg; i++) {
		out[i] = dx_big_alloc(t->reg[i].size);
		if (!out[i]) {
			pmsim_image_data_free(t, out);
			out = NULL;
			break;
		}
		for (uint64_t at = 0, end; pms_image_next_extent(&s, i, &at, &end); at = end)
			dx_copy_nonzero(out[i] + at, s.img[i] + at, end - at);
	}
	pms_sim_free(&s);
	if (!out)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	*data = out;
	return 0;
}

void pmsim_image_data_free(const struct pmsim_trace *t, unsigned char **data)
{
	if (!data)
		return;
	for (size_t i = 0; i < t->nreg; i++)
		dx_big_free(data[i], t->reg[i].size);
	free(data);
}

/* Refuse an output that is one of the replay's inputs. */
static int refuse_alias(const char *out, const char *repro,
			const struct pmsim_trace *t)
{
	if (dx_same_file(out, repro))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: the output is the reproducer itself",
					 out);
	if (dx_same_file(out, t->path))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s: the output is the reproducer's trace",
					 out);
	for (size_t i = 0; i < t->nev; i++) {
		const struct pmsim_event *e = &t->ev[i];
		char *p;
		bool same;

		if (e->type != PMTRACE_IMAGE || e->kind != PMTRACE_IMAGE_FILE)
			continue;
		p = pms_trace_image_path(t, (const char *)e->payload);
		if (!p)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		same = dx_same_file(out, p);
		free(p);
		if (same)
			return pmsim_seterr_kind(PMSIM_ERR_INPUT,
						 "%s: the output is an image file of the trace %s",
						 out, t->path);
	}
	return 0;
}

int pmsim_replay(const char *repro_path, const char *image_path, unsigned flags)
{
	struct pms_repro rp = { 0 };
	struct pmsim_trace *t = NULL;
	struct pmsim_opts o;
	struct sim s;
	char *tmp = NULL;
	int r, fd = -1;
	bool have_sim = false;

	r = pms_repro_load(repro_path, &rp);
	if (!r && pmsim_trace_open(&t, rp.trace)) {
		char why[400];	/* the message is rewritten from a copy */

		snprintf(why, sizeof(why), "%s", pmsim_errmsg());
		pmsim_seterr_kind(pmsim_errkind() == PMSIM_ERR_RESOURCES ? PMSIM_ERR_RESOURCES :
				  PMSIM_ERR_INPUT, "%s: its trace: %s", repro_path, why);
		r = -1;
	}
	if (!r)
		r = refuse_alias(image_path, repro_path, t);
	if (!r && !(flags & PMSIM_REPLAY_FORCE) && !access(image_path, F_OK))
		r = pmsim_seterr_kind(PMSIM_ERR_INPUT, "%s exists (--force replaces it)",
				      image_path);
	if (!r) {
		pmsim_opts_default(&o);
		o.eadr = rp.eadr;
		o.per_word = rp.per_word;
		r = replay_sim(&s, t, &o, rp.event, rp.window, rp.p, rp.n);
		have_sim = !r;
	}
	/* A new file beside the output, renamed over it when complete: an
	 * interrupted or failed replay leaves no half-written image. */
	if (!r && asprintf(&tmp, "%s.pmsim-XXXXXX", image_path) < 0) {
		tmp = NULL;
		r = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	if (!r) {
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0)
			r = pmsim_seterr_kind(errno == ENOSPC || errno == EDQUOT ?
					      PMSIM_ERR_RESOURCES : PMSIM_ERR_INPUT,
					      "%s: %s", image_path, strerror(errno));
		else
			pms_temp_add(tmp);
	}
	if (!r)
		r = pms_image_file_write(&s, s.img, fd, image_path);
	if (fd >= 0 && fchmod(fd, 0644) && !r)
		r = pmsim_seterr_kind(PMSIM_ERR_FAILED, "%s: %s", image_path, strerror(errno));
	if (fd >= 0 && close(fd) && !r)
		r = pmsim_seterr_kind(PMSIM_ERR_FAILED, "%s: %s", image_path, strerror(errno));
	if (!r && rename(tmp, image_path))
		r = pmsim_seterr_kind(PMSIM_ERR_FAILED, "%s: %s", image_path, strerror(errno));
	if (fd >= 0) {
		if (r)
			unlink(tmp);
		pms_temp_remove(tmp);
	}
	if (have_sim)
		pms_sim_free(&s);
	free(tmp);
	pmsim_trace_free(t);
	pms_repro_free(&rp);
	return r;
}
