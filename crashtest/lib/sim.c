// SPDX-License-Identifier: MIT
/*
 * Replaying events through the x86 persistency model (PMSIM.md): pieces
 * enter their line's list; a flush marks how much of a line the next fence
 * makes durable; a fence moves durable pieces into the region buffers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <stdint.h>
#include <unistd.h>

#include "daxlab/mem.h"
#include "daxlab/mix.h"
#include "daxlab/vec.h"
#include "image_file.h"

#define PAGE 4096u
#define COPY_CHUNK (1u << 20)


/*
 * An IMAGE file into its region: only the file's data extents are read,
 * and of those, where the region is still zero (fresh: no earlier IMAGE
 * record overlaps), only the pages that are not all zero are written, so
 * the region's memory stays sparse.
 */
static int load_image_file(struct sim *s, const struct pmsim_event *e,
			   bool fresh)
{
	const struct pmsim_region *r = &s->t->reg[e->region];
	unsigned char *dst = s->img[e->region] + (e->addr - r->base);
	uint64_t room = r->size - (e->addr - r->base);
	char *path = pms_trace_image_path(s->t, (const char *)e->payload);
	unsigned char *buf = malloc(COPY_CHUNK);
	off_t end, at = 0;
	int fd = -1, ret = 0;

	if (!path || !buf) {
		ret = pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (end = lseek(fd, 0, SEEK_END)) < 0) {
		ret = pmsim_seterr("image file %s: %s", path, strerror(errno));
		goto out;
	}
	if ((uint64_t)end > room)
		end = (off_t)room;	/* the reader refused longer files */
	while (at < end) {
		/* over earlier content, the file's holes are zeros to copy */
		off_t data = fresh ? lseek(fd, at, SEEK_DATA) : at, hole;

		if (data < 0 && errno == ENXIO)
			break;		/* only a hole is left */
		if (data < 0)
			data = at;	/* no SEEK_DATA here: read it all */
		hole = fresh ? lseek(fd, data, SEEK_HOLE) : end;
		if (hole < 0 || hole > end)
			hole = end;
		for (at = data; at < hole;) {
			size_t want = hole - at > COPY_CHUNK ? COPY_CHUNK : (size_t)(hole - at);
			ssize_t n = pread(fd, buf, want, at);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				ret = pmsim_seterr("image file %s: %s", path, strerror(errno));
				goto out;
			}
			if (n == 0) {
				hole = at;	/* shrank meanwhile: the rest is as it was */
				break;
			}
			/* page by page, as the file's offsets: at is page aligned
			 * except after a short read, when plain copies are made */
			for (ssize_t k = 0; k < n;) {
				size_t c = (size_t)(n - k) < PAGE ? (size_t)(n - k) : PAGE;

				if (!fresh || c < PAGE || !dx_is_zero(buf + k, PAGE))
					memcpy(dst + at + k, buf + k, c);
				k += (ssize_t)c;
			}
			at += n;
		}
		at = hole;
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	free(path);
	return ret;
}

/* Does an IMAGE record before event i overlap the one at i? */
static bool image_overlap(const struct pmsim_trace *t, size_t i)
{
	const struct pmsim_event *e = &t->ev[i];
	const struct pmsim_region *r = &t->reg[e->region];
	uint64_t end = e->kind == PMTRACE_IMAGE_BYTES ? e->addr + e->len :
		r->base + r->size;

	for (size_t k = 0; k < i; k++) {
		const struct pmsim_event *p = &t->ev[k];
		uint64_t pend;

		if (p->type != PMTRACE_IMAGE || p->region != e->region)
			continue;
		pend = p->kind == PMTRACE_IMAGE_BYTES ? p->addr + p->len :
			r->base + r->size;
		if (p->addr < end && e->addr < pend)
			return true;
	}
	return false;
}

/* Memory the initial image takes: its bytes records and the allocated
 * size of its files (their holes cost nothing). */
static uint64_t image_bytes(const struct pmsim_trace *t)
{
	uint64_t n = 0;

	for (size_t i = 0; i < t->nev; i++) {
		const struct pmsim_event *e = &t->ev[i];
		struct stat st;
		char *path;

		if (e->type != PMTRACE_IMAGE)
			continue;
		if (e->kind == PMTRACE_IMAGE_BYTES) {
			n += e->len;
			continue;
		}
		path = pms_trace_image_path(t, (const char *)e->payload);
		if (path && !stat(path, &st))
			n += (uint64_t)st.st_blocks * 512 < (uint64_t)st.st_size ?
			     (uint64_t)st.st_blocks * 512 : (uint64_t)st.st_size;
		free(path);
	}
	return n;
}

/*
 * A region's memory: a memfd mapped shared (the model writes it), so that
 * pmsim_run can map it a second time as the checkers' read-only view. An
 * anonymous mapping where memfd_create is not allowed (no view then).
 */
static unsigned char *region_map(struct sim *s, size_t i)
{
	uint64_t size = s->t->reg[i].size;
	int fd = memfd_create("pmsim-region", MFD_CLOEXEC);
	void *m;

	s->memfd[i] = -1;
	if (fd >= 0 && ftruncate(fd, (off_t)size) == 0) {
		m = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_NORESERVE, fd, 0);
		if (m != MAP_FAILED) {
			s->memfd[i] = fd;
			return m;
		}
	}
	if (fd >= 0)
		close(fd);
	m = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return m == MAP_FAILED ? NULL : m;
}

int pms_sim_init(struct sim *s, const struct pmsim_trace *t, const struct pmsim_opts *o)
{
	uint64_t need = image_bytes(t), avail = pms_mem_available();

	memset(s, 0, sizeof(*s));
	if (need > avail)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
					 "%s: the initial image needs %" PRIu64
					 " bytes of memory, %" PRIu64 " are available",
					 t->path, need, avail);
	s->t = t;
	s->o = o;
	s->img = calloc(t->nreg ? t->nreg : 1, sizeof(*s->img));
	s->memfd = calloc(t->nreg ? t->nreg : 1, sizeof(*s->memfd));
	if (!s->img || !s->memfd) {
		pms_sim_free(s);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	for (size_t i = 0; i < t->nreg; i++)
		s->memfd[i] = -1;
	for (size_t i = 0; i < t->nreg; i++) {
		s->img[i] = region_map(s, i);
		if (!s->img[i]) {
			pmsim_seterr("region %s: cannot map %" PRIu64 " bytes: %s",
				     t->reg[i].name, t->reg[i].size, strerror(errno));
			pms_sim_free(s);
			return -1;
		}
	}
	for (size_t i = 0; i < t->nev; i++) {
		const struct pmsim_event *e = &t->ev[i];

		if (e->type != PMTRACE_IMAGE || (e->kind == PMTRACE_IMAGE_BYTES && !e->len))
			continue;
		if (e->kind == PMTRACE_IMAGE_BYTES) {
			memcpy(s->img[e->region] + (e->addr - t->reg[e->region].base),
			       e->payload, e->len);
		} else if (load_image_file(s, e, !image_overlap(t, i))) {
			pms_sim_free(s);
			return -1;
		}
	}
	s->ltab_size = 1024;
	s->ltab = calloc(s->ltab_size, sizeof(*s->ltab));
	if (!s->ltab) {
		pms_sim_free(s);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	s->all_changed = true;
	return 0;
}

void pms_sim_free(struct sim *s)
{
	for (size_t i = 0; s->t && i < s->t->nreg; i++) {
		if (s->view && s->view[i] && s->view[i] != s->img[i])
			munmap(s->view[i], s->t->reg[i].size);
		if (s->img && s->img[i])
			munmap(s->img[i], s->t->reg[i].size);
		if (s->memfd && s->memfd[i] >= 0)
			close(s->memfd[i]);
	}
	free(s->img);
	free(s->view);
	free(s->memfd);
	for (size_t i = 0; i < s->nlines; i++) {
		struct lopts *o = &s->lines[i].o;

		free(s->lines[i].p);
		free(o->content);
		free(o->hash);
		free(o->maxseq);
		free(o->lostmin);
		free(o->choice);
		free(o->cmask);
		free(o->group);
		free(o->pos);
	}
	free(s->lines);
	free(s->ltab);
	free(s->dirty);
	free(s->flushed);
	free(s->changed);
	free(s->changed_addr);
	free(s->clf);
	free(s->ep);
	free(s->ep_line);
	memset(s, 0, sizeof(*s));
}

static size_t slot_of(uint64_t addr, size_t size)
{
	return (size_t)(dx_mix64(addr) & (size - 1));
}

static int grow_table(struct sim *s)
{
	size_t n = s->ltab_size * 2;
	uint32_t *nt = calloc(n, sizeof(*nt));

	if (!nt)
		return -1;
	for (size_t i = 0; i < s->nlines; i++) {
		size_t k = slot_of(s->lines[i].addr, n);

		while (nt[k])
			k = (k + 1) & (n - 1);
		nt[k] = (uint32_t)i + 1;
	}
	free(s->ltab);
	s->ltab = nt;
	s->ltab_size = n;
	return 0;
}

struct line *pms_sim_find_line(struct sim *s, uint64_t addr)
{
	size_t k = slot_of(addr, s->ltab_size);

	while (s->ltab[k]) {
		struct line *l = &s->lines[s->ltab[k] - 1];

		if (l->addr == addr)
			return l;
		k = (k + 1) & (s->ltab_size - 1);
	}
	return NULL;
}

int64_t pms_sim_line(struct sim *s, uint64_t addr)
{
	size_t k = slot_of(addr, s->ltab_size);
	struct line *l;
	int ri;

	while (s->ltab[k]) {
		if (s->lines[s->ltab[k] - 1].addr == addr)
			return s->ltab[k] - 1;
		k = (k + 1) & (s->ltab_size - 1);
	}
	if (s->nlines >= UINT32_MAX - 1)
		return pmsim_seterr("too many cache lines");
	if (s->nlines == s->lcap && DX_RESERVE(s->lines, s->lcap, s->nlines + 1))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	/* Regions are 64-byte aligned, so a line lies in exactly one. */
	ri = pms_trace_find_region(s->t, addr, LINE_SIZE, &s->last_region);
	if (ri < 0)
		return pmsim_seterr("cache line 0x%" PRIx64 " is not inside one region "
				    "(regions must be 64-byte aligned)", addr);
	l = &s->lines[s->nlines];
	memset(l, 0, sizeof(*l));
	l->addr = addr;
	l->mem = s->img[ri] + (addr - s->t->reg[ri].base);
	l->dirty_pos = -1;
	l->hash_init = l->hash_base = line_hash(addr, l->mem);
	s->ltab[k] = (uint32_t)++s->nlines;
	if (s->nlines * 2 > s->ltab_size && grow_table(s))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	return (int64_t)s->nlines - 1;
}

static int push_u32(uint32_t **a, size_t *n, size_t *cap, uint32_t v)
{
	if (*n == *cap && dx_reserve(a, cap, *n + 1, sizeof(**a)))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	(*a)[(*n)++] = v;
	return 0;
}

void pms_sim_touch(struct sim *s, struct line *l)
{
	if (l->changed || s->all_changed)
		return;
	if ((s->nchanged == s->ccap &&
	     DX_RESERVE(s->changed, s->ccap, s->nchanged + 1)) ||
	    (s->nchanged == s->cacap &&
	     DX_RESERVE(s->changed_addr, s->cacap, s->nchanged + 1))) {
		s->all_changed = true;	/* out of memory: resend all */
		return;
	}
	s->changed[s->nchanged] = (uint32_t)(l - s->lines);
	s->changed_addr[s->nchanged++] = l->addr;
	l->changed = true;
}

static int add_piece(struct sim *s, uint32_t li, const struct piece *p)
{
	struct line *l = &s->lines[li];

	if (s->o->eadr) {
		if ((s->nep == s->epcap && DX_RESERVE(s->ep, s->epcap, s->nep + 1)) ||
		    (s->nep == s->elcap && DX_RESERVE(s->ep_line, s->elcap, s->nep + 1)))
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		s->ep[s->nep] = *p;
		s->ep_line[s->nep++] = li;
		return 0;
	}
	/* Not DX_RESERVE, which starts at 16: a trace may touch millions of
	 * lines, most with a piece or two pending. */
	if (l->np == l->pcap) {
		uint32_t c = l->pcap ? 2 * l->pcap : 4;
		struct piece *np = realloc(l->p, c * sizeof(*np));

		if (!np)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		l->p = np;
		l->pcap = c;
	}
	l->p[l->np++] = *p;
	l->opts_valid = false;
	if (l->dirty_pos < 0) {
		l->dirty_pos = (int32_t)s->ndirty;
		if (push_u32(&s->dirty, &s->ndirty, &s->dcap, li))
			return -1;
	}
	return 0;
}

static int mark_flushed(struct sim *s, uint32_t li, uint32_t seq)
{
	struct line *l = &s->lines[li];

	if (seq > l->flush_seq)
		l->flush_seq = seq;
	if (!l->flushed) {
		l->flushed = true;
		return push_u32(&s->flushed, &s->nflushed, &s->fcap, li);
	}
	return 0;
}

static int apply_store(struct sim *s, const struct pmsim_event *e, uint32_t seq)
{
	uint64_t a = e->addr, end = e->addr + e->len;
	bool nt = e->type == PMTRACE_NTSTORE;
	int64_t li = -1;

	while (a < end) {
		uint64_t wend = (a & ~(uint64_t)7) + 8;
		struct piece p;

		if (wend > end)
			wend = end;
		if (li < 0 || (a & LINE_MASK) != s->lines[li].addr) {
			li = pms_sim_line(s, a & LINE_MASK);
			if (li < 0)
				return -1;
			/* NT stores take the line's older cached stores along */
			if (nt && !s->o->eadr && mark_flushed(s, (uint32_t)li, seq))
				return -1;
		}
		p.seq = seq;
		p.off = (uint8_t)(a & (LINE_SIZE - 1));
		p.n = (uint8_t)(wend - a);
		p.nt = nt;
		p.word = p.off / 8;
		p.src = e->payload + (a - e->addr);
		if (add_piece(s, (uint32_t)li, &p))
			return -1;
		a = wend;
	}
	return 0;
}

static int apply_flush(struct sim *s, const struct pmsim_event *e, uint32_t seq)
{
	struct line *l = pms_sim_find_line(s, e->addr & LINE_MASK);

	if (s->o->eadr || !l || l->np == 0)
		return 0;	/* nothing pending: nothing to write back */
	if (e->kind == PMTRACE_FLUSH_CLFLUSH) {
		if (DX_RESERVE(s->clf, s->clfcap, s->nclf + 1))
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		s->clf[s->nclf].line = (uint32_t)(l - s->lines);
		s->clf[s->nclf++].seq = seq;
	}
	return mark_flushed(s, (uint32_t)(l - s->lines), seq);
}

static void make_durable(struct sim *s, struct line *l)
{
	uint32_t keep = 0;
	bool any = false;

	for (uint32_t i = 0; i < l->np; i++) {
		struct piece *p = &l->p[i];

		if (piece_written_back(l, p)) {
			piece_apply(p, l->mem);
			any = true;
		} else {
			l->p[keep++] = *p;
		}
	}
	l->np = keep;
	l->flush_seq = 0;
	l->flushed = false;
	l->opts_valid = false;
	if (any) {
		struct pms_key h = line_hash(l->addr, l->mem);

		pms_key_move(&s->base_key, l->hash_base, h);
		l->hash_base = h;
		pms_sim_touch(s, l);
	}
	if (keep == 0 && l->dirty_pos >= 0) {
		uint32_t last = s->dirty[--s->ndirty];

		s->dirty[l->dirty_pos] = last;
		s->lines[last].dirty_pos = l->dirty_pos;
		l->dirty_pos = -1;
	}
}

static void apply_fence(struct sim *s)
{
	for (size_t i = 0; i < s->nflushed; i++)
		make_durable(s, &s->lines[s->flushed[i]]);
	s->nflushed = 0;
	s->nclf = 0;
}

int pms_sim_apply(struct sim *s, size_t i)
{
	const struct pmsim_event *e = &s->t->ev[i];
	uint32_t seq = (uint32_t)i + 1;

	switch (e->type) {
	case PMTRACE_STORE:
		/* a locked instruction completes earlier flushes first */
		if (rmw_pair_fence(s->t, i + 1) && !s->o->eadr)
			apply_fence(s);
		return apply_store(s, e, seq);
	case PMTRACE_NTSTORE:
		return apply_store(s, e, seq);
	case PMTRACE_FLUSH:
		return apply_flush(s, e, seq);
	case PMTRACE_FENCE:
		if (e->kind != PMTRACE_FENCE_LFENCE && !s->o->eadr)
			apply_fence(s);
		return 0;
	case PMTRACE_MARK:
		s->nmarks++;
		return 0;
	default:
		return 0;
	}
}
