/* SPDX-License-Identifier: MIT */
/* The judge: scratch image, verdict cache and durability checks; the
 * checker and its kept answers are in judge_fsck.c. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "daxlab/exit.h"
#include "daxlab/files.h"
#include "daxlab/mem.h"
#include "daxlab/mix.h"
#include "daxlab/num.h"
#include "daxlab/pattern.h"
#include "daxlab/vec.h"
#include "expect.h"
#include "fsck_memo.h"
#include "fstool.h"
#include "judge.h"
#include "judge_int.h"
#include "scratch.h"
#include "xfs_reuse.h"

static double now_s(void)
{
	return dx_ns_to_s(dx_now_ns());
}

/* ---- verdict keys: a 128-bit hash of what the judge looks at ------------- */

void judge_hash_init(struct hash128 *h)
{
	h->a = 0x243f6a8885a308d3ull;
	h->b = 0x13198a2e03707344ull;
}

void judge_hash_u64(struct hash128 *h, uint64_t v)
{
	h->a = dx_mix64(h->a ^ v) + DX_GOLDEN64;
	h->b = dx_mix64(h->b + v * DX_GOLDEN64) ^ h->a;
}

/* len bytes (fast for multiples of 8; the tail is padded with zeros). */
void judge_hash_bytes(struct hash128 *h, const unsigned char *p, size_t len)
{
	uint64_t a = h->a, b = h->b, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, p + i, 8);
		a = (a ^ w) * DX_GOLDEN64;
		a ^= a >> 29;
		b = (b + w) * 0xbf58476d1ce4e5b9ull;
		b ^= b >> 31;
	}
	if (i < len) {
		w = 0;
		memcpy(&w, p + i, len - i);
		a = (a ^ w) * DX_GOLDEN64;
		b = (b + w) * 0xbf58476d1ce4e5b9ull;
	}
	h->a = dx_mix64(a ^ len);
	h->b = dx_mix64(b + h->a);
}

/* ---- scratch image ----------------------------------------------------- */

static int write_image(struct judge *j, const unsigned char *region,
		       const char *path, char *err, size_t errlen)
{
	const unsigned char *fs = region + j->loc.fs_start;
	uint32_t bs = j->loc.block_size;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0 || ftruncate(fd, (off_t)j->loc.fs_size)) {
		snprintf(err, errlen, "scratch image %s: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (uint64_t u = 0; u < j->nunits;) {
		uint64_t v = u;

		if (!j->cand[u]) {
			u++;
			continue;
		}
		while (v < j->nunits && j->cand[v])
			v++;
		for (uint64_t off = u * bs, end = v * bs; off < end;) {
			ssize_t n = pwrite(fd, fs + off, end - off, (off_t)off);

			if (n <= 0) {
				snprintf(err, errlen, "writing scratch image %s: %s",
					 path, n < 0 ? strerror(errno) : "short write");
				close(fd);
				return -1;
			}
			off += (uint64_t)n;
		}
		u = v;
	}
	if (close(fd)) {
		snprintf(err, errlen, "closing %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_scratch(struct judge *j, const unsigned char *region,
			 char *err, size_t errlen)
{
	return write_image(j, region, j->scratch, err, errlen);
}

/* ---- setup --------------------------------------------------------------- */

static int alloc_common(struct judge **jp, const struct ctm_manifest *m,
			enum fs_type fs, const unsigned char *region,
			uint64_t size, const char *workdir, char *err,
			size_t errlen)
{
	struct judge *j = calloc(1, sizeof(*j));
	const char *missing;

	*jp = j;
	if (!j) {
		snprintf(err, errlen, "out of memory");
		return DX_EXIT_RESOURCES;
	}
	j->m = m;
	j->ops = fsops_get(fs);
	j->workdir = workdir;
	if ((missing = fstool_missing(j->ops->tools))) {
		snprintf(err, errlen, "%s is not installed (PATH): %s images "
			 "cannot be judged here", missing, fs_type_name(fs));
		return DX_EXIT_UNSUPPORTED;
	}
	if ((size_t)snprintf(j->scratch, sizeof(j->scratch), "%s/scratch.img",
			     workdir) >= sizeof(j->scratch)) {
		snprintf(err, errlen, "scratch directory name too long");
		return DX_EXIT_USAGE;
	}
	if (mkdir(workdir, 0755) && errno != EEXIST) {
		snprintf(err, errlen, "cannot create %s: %s", workdir,
			 strerror(errno));
		return DX_EXIT_FINDING;
	}
	if (fs_locate(region, size, fs, m->h.dev_offset, &j->loc, err, errlen))
		return DX_EXIT_USAGE;
	j->nunits = j->loc.fs_size / j->loc.block_size;
	j->cand = calloc(j->nunits, 1);
	j->promised = calloc(j->nunits, sizeof(*j->promised));
	j->cache_cap = 1 << 16;
	j->cache = calloc(j->cache_cap, sizeof(*j->cache));
	j->memo = fsck_memo_new(j->loc.block_size);
	j->verified = fsck_memo_new(j->loc.block_size);
	j->skip = malloc(j->nunits);
	j->block = malloc(j->loc.block_size);
	if (!j->cand || !j->promised || !j->cache || !j->memo || !j->verified ||
	    !j->skip || !j->block) {
		snprintf(err, errlen, "out of memory for the blocks of a %" PRIu64
			 "-byte file system", j->loc.fs_size);
		return DX_EXIT_RESOURCES;
	}
	return 0;
}

/* Room for the scratch image (only its candidate blocks take space) and
 * the tools' output beside it. */
static int check_space(const struct judge *j, char *err, size_t errlen)
{
	uint64_t need = j->ncand * j->loc.block_size + (1u << 20);
	int64_t avail = dx_free_bytes(j->workdir);

	if (avail >= 0 && (uint64_t)avail < need) {
		snprintf(err, errlen, "not enough space in %s for the scratch "
			 "image: %" PRIu64 " KiB needed, %" PRId64 " KiB free",
			 j->workdir, need >> 10, avail >> 10);
		return DX_EXIT_RESOURCES;
	}
	return 0;
}

/* A failed write of the scratch image: out of space, or an I/O error. */
static int write_failed(void)
{
	return errno == ENOSPC || errno == EDQUOT || errno == ENOMEM
		       ? DX_EXIT_RESOURCES : DX_EXIT_FINDING;
}

/* Path at the end of the manifest of what was called path at promise i. */
static const char *final_path(const struct ctm_manifest *m, size_t i)
{
	const char *p = m->p[i].path;

	for (size_t k = i + 1; k < m->n; k++)
		if (m->p[k].kind == CTM_RENAME && !strcmp(m->p[k].path, p))
			p = m->p[k].path2;
	return p;
}

/*
 * Data blocks of the promised files, from the final image: a block joins
 * the verdict key only once a reached mark promises a range it holds.
 */
static int classify_data(struct judge *j, char *err, size_t errlen)
{
	const struct ctm_manifest *m = j->m;
	uint32_t bs = j->loc.block_size;

	for (size_t i = 0; i < m->n; i++) {
		const struct ctm_promise *p = &m->p[i];
		struct fs_extent *ext = NULL;
		size_t n = 0;
		int dup = 0;

		if (p->kind != CTM_DATA && p->kind != CTM_ZERO)
			continue;
		for (size_t k = 0; k < i; k++)
			if ((m->p[k].kind == CTM_DATA || m->p[k].kind == CTM_ZERO) &&
			    !strcmp(final_path(m, k), final_path(m, i)))
				dup = 1;
		if (dup)
			continue;
		if (j->ops->extents(j->scratch, j->workdir, j->final_sound,
				    final_path(m, i), &ext, &n, err, errlen))
			return -1;
		for (size_t e = 0; e < n; e++)
			for (uint64_t b = 0; b < ext[e].count; b++) {
				uint64_t pb = ext[e].pblk + b, lb = ext[e].lblk + b;
				uint64_t first = UNIT_NEVER;

				if (pb >= j->nunits)
					continue;
				/* First promise (by any name) covering the block. */
				for (size_t k = 0; k < m->n; k++) {
					const struct ctm_promise *q = &m->p[k];

					if ((q->kind != CTM_DATA && q->kind != CTM_ZERO) ||
					    strcmp(final_path(m, k), final_path(m, i)))
						continue;
					if (q->off < (lb + 1) * bs &&
					    q->off + q->len > lb * bs && q->id < first)
						first = q->id;
				}
				if (j->promised[pb] == UNIT_ANY)
					j->ndata++;
				j->promised[pb] = first;
			}
		free(ext);
	}
	return 0;
}

int judge_new(struct judge **jp, const struct ctm_manifest *m, enum fs_type fs,
	      const unsigned char *base, const unsigned char *final,
	      uint64_t region_size, const uint8_t *touched,
	      const char *workdir, char *err, size_t errlen)
{
	struct judge *j;
	uint32_t bs;
	int rc = alloc_common(jp, m, fs, final, region_size, workdir, err, errlen);

	if (rc)
		return rc;
	j = *jp;
	bs = j->loc.block_size;
	for (uint64_t u = 0; u < j->nunits; u++) {
		uint64_t off = j->loc.fs_start + u * bs;
		int t = 0;

		for (uint64_t p = off >> 12; p <= (off + bs - 1) >> 12; p++)
			if (touched[p >> 3] & (1u << (p & 7)))
				t = 1;
		j->cand[u] = t || !dx_is_zero(base + off, bs);
		j->ncand += j->cand[u];
	}
	if ((rc = check_space(j, err, errlen)))
		return rc;
	if (write_scratch(j, final, err, errlen))
		return write_failed();
	/* Recover the final image first (ext4: its journal may hold the
	 * newest block maps); a checker complaint here is not a verdict.
	 * A tool that cannot finish leaves nothing judgeable. */
	rc = j->ops->check(j->scratch, j->workdir, err, errlen);
	if (rc < 0)
		return DX_EXIT_INCOMPLETE;
	j->final_sound = rc == 0;
	if (classify_data(j, err, errlen))
		return DX_EXIT_INCOMPLETE;
	if (fs == FS_XFS) {
		if (!(j->dguess = malloc(j->nunits))) {
			snprintf(err, errlen, "out of memory");
			return DX_EXIT_RESOURCES;
		}
		xr_guess_data(base + j->loc.fs_start, final + j->loc.fs_start,
			      j->nunits, bs, j->dguess);
	}
	return 0;
}

int judge_new_image(struct judge **jp, const struct ctm_manifest *m,
		    enum fs_type fs, const unsigned char *region,
		    uint64_t region_size, const char *workdir, char *err,
		    size_t errlen)
{
	struct judge *j;
	int rc = alloc_common(jp, m, fs, region, region_size, workdir, err, errlen);

	if (rc)
		return rc;
	j = *jp;
	for (uint64_t u = 0; u < j->nunits; u++) {
		j->cand[u] = !dx_is_zero(region + j->loc.fs_start +
					u * j->loc.block_size, j->loc.block_size);
		j->ncand += j->cand[u];
	}
	return check_space(j, err, errlen);
}

void judge_free(struct judge *j)
{
	if (!j)
		return;
	if (j->export_list)
		fclose(j->export_list);
	free(j->ext);
	free(j->cand);
	free(j->promised);
	free(j->cache);
	free(j->verdicts);
	for (size_t i = 0; i < j->ngroups; i++)
		free(j->groups[i].data);
	free(j->groups);
	free(j->dblk);
	free(j->dguess);
	free(j->diff);
	fsck_memo_free(j->memo);
	fsck_memo_free(j->verified);
	free(j->skip);
	free(j->block);
	free(j);
}

const struct judge_stats *judge_stats(const struct judge *j)
{
	return &j->st;
}

const struct fs_location *judge_location(const struct judge *j)
{
	return &j->loc;
}

uint64_t judge_candidate_blocks(const struct judge *j)
{
	return j->ncand;
}

uint64_t judge_data_blocks(const struct judge *j)
{
	return j->ndata;
}

/* ---- verdict cache ------------------------------------------------------- */

static struct hash128 image_key(const struct judge *j,
				const unsigned char *region, uint64_t last)
{
	const unsigned char *fs = region + j->loc.fs_start;
	uint32_t bs = j->loc.block_size;
	struct hash128 h;

	judge_hash_init(&h);
	judge_hash_u64(&h, last);
	for (uint64_t u = 0; u < j->nunits; u++) {
		if (!j->cand[u])
			continue;
		if (j->promised[u] != UNIT_ANY &&
		    (j->promised[u] == UNIT_NEVER || j->promised[u] > last))
			continue;
		judge_hash_u64(&h, u);
		judge_hash_bytes(&h, fs + u * bs, bs);
	}
	if (!h.a && !h.b)
		h.a = 1;
	return h;
}

static struct cache_slot *cache_find(struct judge *j, struct hash128 k)
{
	size_t i = (size_t)k.a & (j->cache_cap - 1);

	while (j->cache[i].verdict &&
	       (j->cache[i].a != k.a || j->cache[i].b != k.b))
		i = (i + 1) & (j->cache_cap - 1);
	return &j->cache[i];
}

static int cache_grow(struct judge *j)
{
	struct cache_slot *old = j->cache;
	size_t oldcap = j->cache_cap;

	j->cache_cap *= 2;
	j->cache = calloc(j->cache_cap, sizeof(*j->cache));
	if (!j->cache) {
		j->cache = old;
		j->cache_cap = oldcap;
		return -1;
	}
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].verdict)
			*cache_find(j, (struct hash128){ old[i].a, old[i].b }) = old[i];
	free(old);
	return 0;
}

static int cache_put(struct judge *j, struct hash128 k, const struct verdict *v)
{
	struct cache_slot *s;

	if (DX_RESERVE(j->verdicts, j->capverdicts, j->nverdicts + 1))
		return -1;
	if (2 * (j->cache_used + 1) > j->cache_cap && cache_grow(j))
		return -1;
	j->verdicts[j->nverdicts++] = *v;
	s = cache_find(j, k);
	s->a = k.a;
	s->b = k.b;
	s->verdict = (uint32_t)j->nverdicts;
	j->cache_used++;
	return 0;
}

/* ---- durability ---------------------------------------------------------- */

static int check_range(const struct expect_file *f, const struct file_read *r,
		       const struct expect_range *x, struct verdict *v)
{
	uint64_t end = x->off + x->len, bad;
	size_t first;

	if (r->size < end && x->seed != RANGE_ZERO) {
		snprintf(v->msg, sizeof(v->msg),
			 "%s: promised bytes [%" PRIu64 ", %" PRIu64 ") but the file is only %" PRIu64 " bytes",
			 f->path, x->off, end, r->size);
		return 1;
	}
	if (x->seed == RANGE_ZERO) {
		uint64_t stop = end < r->size ? end : r->size;

		for (uint64_t o = x->off; o < stop; o++)
			if (r->data[o]) {
				snprintf(v->msg, sizeof(v->msg),
					 "%s: byte %" PRIu64 " is 0x%02x, promised zero in [%" PRIu64 ", %" PRIu64 ")",
					 f->path, o, r->data[o], x->off, end);
				return 1;
			}
		return 0;
	}
	first = dx_pattern_mismatch(DX_PATTERN_CTWL, x->seed, x->off,
				    r->data + x->off, x->len);
	if (first == x->len)
		return 0;
	bad = 0;
	for (uint64_t o = x->off + first; o < end; o += 64) {
		uint64_t n = end - o < 64 ? end - o : 64;

		if (dx_pattern_mismatch(DX_PATTERN_CTWL, x->seed, o, r->data + o,
					n) != n)
			bad += n;
	}
	snprintf(v->msg, sizeof(v->msg),
		 "%s: promised bytes [%" PRIu64 ", %" PRIu64 ") differ from byte %" PRIu64
		 " on (about %" PRIu64 " bytes in %" PRIu64 "-byte lines)",
		 f->path, x->off, end, x->off + first, bad, (uint64_t)64);
	return 1;
}

static int check_durability(struct judge *j, const struct expect *e,
			    int sound, struct verdict *v)
{
	struct file_read *fr = calloc(e->n ? e->n : 1, sizeof(*fr));
	int bad = 0;

	if (!fr) {
		snprintf(v->msg, sizeof(v->msg), "out of memory");
		return -1;
	}
	for (size_t i = 0; i < e->n; i++)
		fr[i].path = e->f[i].path;
	if (e->n && j->ops->read(j->scratch, j->workdir, sound, fr, e->n,
				 v->msg, sizeof(v->msg))) {
		file_read_free(fr, e->n);
		free(fr);
		return -1;
	}
	for (size_t i = 0; i < e->n && !bad; i++) {
		const struct expect_file *f = &e->f[i];

		if (f->exists == EXIST_NO && fr[i].exists) {
			v->mark = f->exist_id;
			snprintf(v->msg, sizeof(v->msg),
				 "%s exists, promised gone", f->path);
			bad = 1;
		} else if (f->exists == EXIST_YES && !fr[i].exists) {
			v->mark = f->exist_id;
			snprintf(v->msg, sizeof(v->msg),
				 "%s does not exist, promised to", f->path);
			bad = 1;
		} else if (f->size_known && fr[i].exists &&
			   fr[i].size != f->size) {
			v->mark = f->size_id;
			snprintf(v->msg, sizeof(v->msg),
				 "%s is %" PRIu64 " bytes, promised %" PRIu64,
				 f->path, fr[i].size, f->size);
			bad = 1;
		}
		for (size_t k = 0; k < f->nr && !bad && fr[i].exists; k++)
			if (check_range(f, &fr[i], &f->r[k], v)) {
				v->mark = f->r[k].id;
				bad = 1;
			}
	}
	file_read_free(fr, e->n);
	free(fr);
	return bad;
}

/* ---- deferred judging ---------------------------------------------------- */

int judge_export(struct judge *j, const char *dir, char *err, size_t errlen)
{
	char path[4096];
	size_t cap = 0;

	j->export_dir = dir;
	for (uint64_t u = 0; u < j->nunits; u++)
		if (j->cand[u] && (j->promised[u] != UNIT_ANY ||
				   (j->dguess && j->dguess[u]))) {
			if (DX_RESERVE(j->dblk, cap, j->ndblk + 1)) {
				snprintf(err, errlen, "out of memory");
				return -1;
			}
			j->dblk[j->ndblk++] = u;
		}
	if (!(j->diff = calloc(j->ndblk ? j->ndblk : 1, sizeof(*j->diff)))) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/list", dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) ||
	    !(j->export_list = fopen(path, "w"))) {
		snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* "KEY" as two 64-bit halves: exactly 32 hex digits. */
static int parse_key(const char *k, size_t len, struct ext_verdict *x)
{
	char half[17];

	if (len != 32 || strspn(k, "0123456789abcdef") < 32)
		return -1;
	memcpy(half, k, 16);
	half[16] = 0;
	x->a = strtoull(half, NULL, 16);
	memcpy(half, k + 16, 16);
	x->b = strtoull(half, NULL, 16);
	return 0;
}

/* Verdict lines: "KEY ok|fsck|durability|both|error MARK MESSAGE". */
static int parse_verdict(char *line, struct ext_verdict *x)
{
	static const char *const status[] = { "ok", "fsck", "durability",
					      "both", "error" };
	char *tok[3], *msg = NULL;
	size_t n = 0;
	unsigned st;

	memset(x, 0, sizeof(*x));
	for (char *p = line; n < 3; n++) {
		size_t len = strcspn(p, " ");

		if (!len)
			return -1;
		tok[n] = p;
		p += len;
		if (*p)
			*p++ = 0;
		else if (n < 2)
			return -1;
		msg = p;
	}
	for (st = 0; st < 5 && strcmp(tok[1], status[st]); st++)
		;
	if (st == 5 || parse_key(tok[0], strlen(tok[0]), x) ||
	    dx_parse_u64(tok[2], 0, UINT64_MAX, &x->v.mark, NULL, NULL, 0))
		return -1;
	x->v.fsck_bad = st == 1 || st == 3;
	x->v.durability_bad = st == 2 || st == 3;
	x->v.error = st == 4;
	snprintf(x->v.msg, sizeof(x->v.msg), "%s", msg);
	return 0;
}

int judge_load_verdicts(struct judge *j, const char *path, char *err,
			size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, ecap = 0;
	unsigned lineno = 0;
	ssize_t n;
	int rc = 0;

	if (!f) {
		snprintf(err, errlen, "cannot open verdicts %s: %s", path,
			 strerror(errno));
		return -1;
	}
	while (!rc && (n = getline(&line, &cap, f)) > 0) {
		struct ext_verdict x;

		lineno++;
		if (line[n - 1] == '\n')
			line[--n] = 0;
		if (!n)
			continue;
		if ((size_t)n != strlen(line) || parse_verdict(line, &x)) {
			snprintf(err, errlen, "%s:%u: not a verdict line (KEY "
				 "ok|fsck|durability|both|error MARK MESSAGE)",
				 path, lineno);
			rc = -1;
		} else if (DX_RESERVE(j->ext, ecap, j->next + 1)) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		} else {
			j->ext[j->next++] = x;
		}
	}
	free(line);
	fclose(f);
	if (!rc && !j->next) {
		snprintf(err, errlen, "%s holds no verdicts", path);
		rc = -1;
	}
	return rc;
}

/*
 * The group of an image about to be exported (xfs_reuse.h): 0 when it is
 * the first of its metadata key (a new group, it is judged in full), else
 * the group's index + 1, with the data blocks where the image differs
 * from the group's first in diff[0..*ndiff). -1: out of memory.
 */
static int export_group(struct judge *j, const unsigned char *region,
			const char *name, size_t *ndiff)
{
	const unsigned char *fs = region + j->loc.fs_start;
	uint32_t bs = j->loc.block_size;
	/* every candidate block but dblk[] */
	struct hash128 k = judge_metadata_key(j, region);
	struct export_group *g;

	*ndiff = 0;
	for (size_t i = 0; i < j->ngroups; i++) {
		g = &j->groups[i];
		if (g->key.a != k.a || g->key.b != k.b)
			continue;
		for (size_t d = 0; d < j->ndblk; d++) {
			struct hash128 h;

			judge_hash_init(&h);
			judge_hash_bytes(&h, fs + j->dblk[d] * bs, bs);
			if (h.a != g->data[d].a || h.b != g->data[d].b)
				j->diff[(*ndiff)++] = j->dblk[d];
		}
		return (int)i + 1;
	}
	if (DX_RESERVE(j->groups, j->capgroups, j->ngroups + 1))
		return -1;
	g = &j->groups[j->ngroups];
	g->key = k;
	snprintf(g->rep, sizeof(g->rep), "%s", name);
	if (!(g->data = malloc((j->ndblk ? j->ndblk : 1) * sizeof(*g->data))))
		return -1;
	for (size_t d = 0; d < j->ndblk; d++) {
		judge_hash_init(&g->data[d]);
		judge_hash_bytes(&g->data[d], fs + j->dblk[d] * bs, bs);
	}
	j->ngroups++;
	return 0;
}

static int deferred(struct judge *j, struct hash128 key,
		    const unsigned char *region, const uint64_t *marks,
		    size_t nmarks, struct verdict *v)
{
	char name[64], path[4096];
	size_t ndiff = 0;
	int grp;

	snprintf(name, sizeof(name), "%016" PRIx64 "%016" PRIx64, key.a, key.b);
	if (j->ext) {
		for (size_t i = 0; i < j->next; i++)
			if (j->ext[i].a == key.a && j->ext[i].b == key.b) {
				uint64_t last = v->last_mark;

				*v = j->ext[i].v;
				v->last_mark = last;
				j->st.judged++;
				j->st.fsck_bad += (uint64_t)v->fsck_bad;
				j->st.durability_bad += (uint64_t)v->durability_bad;
				if (v->error)
					j->st.errors++;
				return v->error ? -1 : 0;
			}
		snprintf(v->msg, sizeof(v->msg), "no verdict for image %s", name);
		v->error = 1;
		j->st.errors++;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.img", j->export_dir, name);
	if (write_image(j, region, path, v->msg, sizeof(v->msg)) ||
	    (grp = export_group(j, region, name, &ndiff)) < 0) {
		v->error = 1;
		j->st.errors++;
		return -1;
	}
	fprintf(j->export_list, "%s ", name);
	for (size_t i = 0; i < nmarks; i++)
		fprintf(j->export_list, "%s%" PRIu64, i ? "," : "", marks[i]);
	fprintf(j->export_list, "%s", nmarks ? "" : "-");
	if (grp) {
		fprintf(j->export_list, " %s ", j->groups[grp - 1].rep);
		for (size_t i = 0; i < ndiff; i++)
			fprintf(j->export_list, "%s%" PRIu64, i ? "," : "", j->diff[i]);
		fprintf(j->export_list, "%s", ndiff ? "" : "-");
	}
	fprintf(j->export_list, "\n");
	fflush(j->export_list);
	j->st.exported++;
	return 0;
}

/* ---- judging a mounted file system --------------------------------------- */

int judge_mounted(const struct ctm_manifest *m, const char *root,
		  const uint64_t *marks, size_t nmarks, struct verdict *v)
{
	return judge_files(m, fsops_mounted(), root, marks, nmarks, v);
}

int judge_files(const struct ctm_manifest *m, const struct fsops *ops,
		const char *root, const uint64_t *marks, size_t nmarks,
		struct verdict *v)
{
	struct judge j;
	struct expect e;
	int rc;

	memset(v, 0, sizeof(*v));
	memset(&j, 0, sizeof(j));
	j.m = m;
	j.ops = ops;
	snprintf(j.scratch, sizeof(j.scratch), "%s", root);
	if (expect_build(m, marks, nmarks, &e)) {
		snprintf(v->msg, sizeof(v->msg), "out of memory");
		v->error = 1;
		return -1;
	}
	v->last_mark = e.last_id;
	rc = check_durability(&j, &e, 1, v);
	expect_free(&e);
	if (rc < 0)
		v->error = 1;
	else if (rc)
		v->durability_bad = 1;
	return rc < 0 ? -1 : 0;
}

/* ---- judging ------------------------------------------------------------- */

int judge_image(struct judge *j, const unsigned char *region,
		const uint64_t *marks, size_t nmarks, struct verdict *v)
{
	struct expect e;
	struct hash128 key;
	struct cache_slot *slot;
	double t0;
	int rc;

	memset(v, 0, sizeof(*v));
	j->st.images++;
	if (expect_build(j->m, marks, nmarks, &e)) {
		snprintf(v->msg, sizeof(v->msg), "out of memory");
		v->error = 1;
		j->st.errors++;
		return -1;
	}
	v->last_mark = e.last_id;
	key = image_key(j, region, e.last_id);
	slot = cache_find(j, key);
	if (slot->verdict) {
		*v = j->verdicts[slot->verdict - 1];
		v->cached = 1;
		j->st.cache_hits++;
		expect_free(&e);
		return v->error ? -1 : 0;
	}
	t0 = now_s();
	if (j->export_dir || j->ext) {
		rc = deferred(j, key, region, marks, nmarks, v);
		expect_free(&e);
		if (cache_put(j, key, v))
			return -1;
		return rc;
	}
	j->st.judged++;
	rc = write_scratch(j, region, v->msg, sizeof(v->msg));
	if (!rc) {
		rc = judge_check_scratch(j, region, v->msg, sizeof(v->msg));
		if (rc == 1)
			v->fsck_bad = 1;
	}
	if (rc >= 0) {
		char fsckmsg[sizeof(v->msg)];

		memcpy(fsckmsg, v->msg, sizeof(fsckmsg));
		rc = check_durability(j, &e, !v->fsck_bad, v);
		if (rc == 1) {
			v->durability_bad = 1;
			if (v->fsck_bad) {
				size_t l = strlen(v->msg);

				snprintf(v->msg + l, sizeof(v->msg) - l,
					 "; also fsck: %s", fsckmsg);
			}
		} else if (rc == 0 && v->fsck_bad) {
			memcpy(v->msg, fsckmsg, sizeof(v->msg));
		}
	}
	if (rc < 0) {
		v->error = 1;
		j->st.errors++;
	}
	j->st.fsck_bad += (uint64_t)v->fsck_bad;
	j->st.durability_bad += (uint64_t)v->durability_bad;
	j->st.tool_seconds += now_s() - t0;
	expect_free(&e);
	if (cache_put(j, key, v)) {
		snprintf(v->msg, sizeof(v->msg), "out of memory");
		v->error = 1;
		return -1;
	}
	return v->error ? -1 : 0;
}
