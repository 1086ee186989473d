/* SPDX-License-Identifier: MIT */
/*
 * The model of generated workloads (seq.h): the operations and their
 * preconditions, the sequence text, the promise rules of each persistence
 * point, and the named sets. Pure computation: no file is touched here.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/prng.h"
#include "seq.h"

/* FALLOC_FL_* of linux/falloc.h, without pulling the kernel header in. */
#define FL_KEEP_SIZE	0x01
#define FL_PUNCH_HOLE	0x02
#define FL_ZERO_RANGE	0x10

struct kind_info {
	const char *name;
	unsigned nargs, arg0, arg1;	/* masks of the objects allowed */
	int pp, falloc;
};

static const struct kind_info kinds[SEQ_NKINDS] = {
	[SEQ_CREAT] = { "creat", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_MKDIR] = { "mkdir", 1, 1u << SEQ_D, 0, 0, 0 },
	[SEQ_WRITE] = { "write", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_PWRITE_PAGE] = { "pwrite-page", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_PWRITE_2M] = { "pwrite-2m", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_ODIRECT] = { "odirect-write", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_MMAP] = { "mmap-store", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_TRUNC_GROW] = { "truncate-grow", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_TRUNC_SHRINK] = { "truncate-shrink", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_FALLOC] = { "falloc", 1, SEQ_FILES, 0, 0, 1 },
	[SEQ_FALLOC_KEEP] = { "falloc-keep-size", 1, SEQ_FILES, 0, 0, 1 },
	[SEQ_PUNCH] = { "punch-hole", 1, SEQ_FILES, 0, 0, 1 },
	[SEQ_ZERO_RANGE] = { "zero-range", 1, SEQ_FILES, 0, 0, 1 },
	[SEQ_LINK] = { "link", 2, SEQ_FILES, SEQ_FILES, 0, 0 },
	[SEQ_UNLINK] = { "unlink", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_RENAME] = { "rename", 2, SEQ_FILES, SEQ_FILES, 0, 0 },
	[SEQ_RMDIR] = { "rmdir", 1, 1u << SEQ_D, 0, 0, 0 },
	[SEQ_SETXATTR] = { "setxattr", 1, SEQ_FILES | (1u << SEQ_D), 0, 0, 0 },
	/* last of the core operations: seq-1's earlier names stay as they were */
	[SEQ_SPLICE] = { "splice-write", 1, SEQ_FILES, 0, 0, 0 },
	[SEQ_FSYNC] = { "fsync", 1, SEQ_FILES | SEQ_DIRS, 0, 1, 0 },
	[SEQ_FDATASYNC] = { "fdatasync", 1, SEQ_FILES, 0, 1, 0 },
	[SEQ_SYNC] = { "sync", 0, 0, 0, 1, 0 },
	[SEQ_MSYNC] = { "msync", 1, SEQ_FILES, 0, 1, 0 },
	[SEQ_OSYNC_WRITE] = { "osync-write", 1, SEQ_FILES, 0, 1, 0 },
	[SEQ_DSYNC_WRITE] = { "dsync-write", 1, SEQ_FILES, 0, 1, 0 },
	[SEQ_MAP_SYNC] = { "map-sync", 1, SEQ_FILES, 0, 1, 0 },
};

static const char *const obj_paths[SEQ_NOBJ] = { "A", "B", "D/C", "D", "." };
static const char *const fs_names[SEQ_NFS] = { "ext2", "ext4", "xfs" };

const char *seq_obj_path(enum seq_obj o)
{
	return obj_paths[o];
}

const char *seq_kind_name(enum seq_kind k)
{
	return kinds[k].name;
}

int seq_kind_is_pp(enum seq_kind k)
{
	return kinds[k].pp;
}

/* ext2 has no fallocate at all (EOPNOTSUPP). */
int seq_kind_on(enum seq_kind k, enum seq_fs fs)
{
	return !(kinds[k].falloc && fs == SEQ_EXT2);
}

int seq_fs_parse(const char *s, enum seq_fs *fs)
{
	for (unsigned i = 0; i < SEQ_NFS; i++)
		if (!strcmp(s, fs_names[i])) {
			*fs = (enum seq_fs)i;
			return 0;
		}
	return -1;
}

const char *seq_fs_name(enum seq_fs fs)
{
	return fs_names[fs];
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static unsigned bit(enum seq_obj o)
{
	return 1u << o;
}

static enum seq_obj parent(enum seq_obj o)
{
	return o == SEQ_C ? SEQ_D : SEQ_ROOT;
}

/* ---- the model ------------------------------------------------------------ */

/* Remove [off, off+len) from the pattern ranges of n. */
static void cut(struct seq_inode *n, uint64_t off, uint64_t len)
{
	uint64_t end = len > UINT64_MAX - off ? UINT64_MAX : off + len;
	struct seq_seg out[SEQ_MAX_SEG];
	unsigned k = 0;

	for (unsigned i = 0; i < n->nseg; i++) {
		struct seq_seg g = n->seg[i];
		uint64_t gend = g.off + g.len;

		if (gend <= off || g.off >= end) {
			out[k++] = g;
			continue;
		}
		if (g.off < off)
			out[k++] = (struct seq_seg){ g.off, off - g.off, g.seed };
		if (gend > end && k < SEQ_MAX_SEG)
			out[k++] = (struct seq_seg){ end, gend - end, g.seed };
	}
	memcpy(n->seg, out, k * sizeof(out[0]));
	n->nseg = k;
}

static int put(struct seq_inode *n, uint64_t off, uint64_t len, uint64_t seed,
	       char *err, size_t errlen)
{
	unsigned i;

	cut(n, off, len);
	if (n->nseg >= SEQ_MAX_SEG)
		return fail(err, errlen, "too many written ranges in one file");
	for (i = n->nseg; i > 0 && n->seg[i - 1].off > off; i--)
		n->seg[i] = n->seg[i - 1];
	n->seg[i] = (struct seq_seg){ off, len, seed };
	n->nseg++;
	if (off + len > n->size)
		n->size = off + len;
	return 0;
}

static void resize(struct seq_inode *n, uint64_t size)
{
	if (size < n->size)
		cut(n, size, UINT64_MAX - size);
	n->size = size;
}

static int new_inode(struct seq_state *s)
{
	for (unsigned i = 0; i < sizeof(s->node) / sizeof(s->node[0]); i++)
		if (!s->node[i].used) {
			memset(&s->node[i], 0, sizeof(s->node[i]));
			s->node[i].used = 1;
			return (int)i;
		}
	return -1;
}

int seq_begin(struct seq_state *s, const struct seq *q, char *err,
	      size_t errlen)
{
	memset(s, 0, sizeof(*s));
	for (unsigned o = 0; o < SEQ_NOBJ; o++)
		s->ino[o] = -1;
	s->ino[SEQ_ROOT] = 0;
	s->next_seed = SEQ_SEED_BASE;
	if (q->setup & ~(SEQ_FILES | bit(SEQ_D)))
		return fail(err, errlen, "setup names an object that is not A, B, D or D/C");
	if ((q->setup & bit(SEQ_C)) && !(q->setup & bit(SEQ_D)))
		return fail(err, errlen, "setup D/C needs setup D");
	if (q->setup & bit(SEQ_D))
		s->ino[SEQ_D] = 0;
	for (unsigned o = SEQ_A; o <= SEQ_C; o++) {
		int i;

		if (!(q->setup & bit(o)))
			continue;
		i = new_inode(s);
		s->ino[o] = i;
		if (put(&s->node[i], 0, SEQ_BASE_LEN, s->next_seed++, err, errlen))
			return -1;
	}
	return 0;
}

static int is_file(const struct seq_state *s, enum seq_obj o)
{
	return (SEQ_FILES & bit(o)) && s->ino[o] >= 0;
}

static int exists(const struct seq_state *s, enum seq_obj o)
{
	return s->ino[o] >= 0;
}

int seq_apply(struct seq_state *s, const struct seq_op *op,
	      struct seq_step *st, char *err, size_t errlen)
{
	const struct kind_info *ki = &kinds[op->k];
	const char *a = obj_paths[op->a], *b = obj_paths[op->b];
	struct seq_inode *n = NULL;
	int i;

	memset(st, 0, sizeof(*st));
	if (ki->nargs >= 1 && !(ki->arg0 & bit(op->a)))
		return fail(err, errlen, "%s cannot take %s", ki->name, a);
	if (ki->nargs == 2 && (!(ki->arg1 & bit(op->b)) || op->a == op->b))
		return fail(err, errlen, "%s cannot take %s %s", ki->name, a, b);
	/* Operations on a file need it; the rest check their own. */
	switch (op->k) {
	case SEQ_CREAT: case SEQ_MKDIR: case SEQ_RMDIR: case SEQ_SETXATTR:
	case SEQ_SYNC: case SEQ_FSYNC:
		break;
	default:
		if (!is_file(s, op->a))
			return fail(err, errlen, "%s %s: %s does not exist",
				    ki->name, a, a);
		n = &s->node[s->ino[op->a]];
	}
	switch (op->k) {
	case SEQ_CREAT:
		if (exists(s, op->a))
			return fail(err, errlen, "creat %s: it exists", a);
		if (!exists(s, parent(op->a)))
			return fail(err, errlen, "creat %s: no directory D", a);
		if ((i = new_inode(s)) < 0)
			return fail(err, errlen, "creat %s: too many files", a);
		s->node[i].born = 1;
		s->ino[op->a] = i;
		s->touched |= bit(op->a);
		return 0;
	case SEQ_MKDIR:
		if (exists(s, op->a))
			return fail(err, errlen, "mkdir D: it exists");
		s->ino[op->a] = 0;
		s->touched |= bit(op->a);
		return 0;
	case SEQ_RMDIR:
		if (!exists(s, SEQ_D))
			return fail(err, errlen, "rmdir D: it does not exist");
		if (exists(s, SEQ_C))
			return fail(err, errlen, "rmdir D: D/C exists");
		s->ino[SEQ_D] = -1;
		s->touched |= bit(SEQ_D);
		return 0;
	case SEQ_SETXATTR:
	case SEQ_FSYNC:
		if (!exists(s, op->a))
			return fail(err, errlen, "%s %s: it does not exist",
				    ki->name, a);
		return 0;
	case SEQ_SYNC:
	case SEQ_FDATASYNC:
	case SEQ_UNLINK:
		if (op->k == SEQ_UNLINK) {
			s->ino[op->a] = -1;
			s->touched |= bit(op->a);
		}
		return 0;
	case SEQ_LINK:
	case SEQ_RENAME:
		if (!exists(s, parent(op->b)))
			return fail(err, errlen, "%s %s %s: no directory D",
				    ki->name, a, b);
		if (op->k == SEQ_LINK && exists(s, op->b))
			return fail(err, errlen, "link %s %s: %s exists", a, b, b);
		/* rename between two names of one file does nothing (POSIX) */
		if (s->ino[op->b] == s->ino[op->a])
			return fail(err, errlen, "rename %s %s: one file", a, b);
		s->ino[op->b] = s->ino[op->a];
		s->touched |= bit(op->b);
		if (op->k == SEQ_RENAME) {
			s->ino[op->a] = -1;
			s->touched |= bit(op->a);
		}
		return 0;
	case SEQ_WRITE:
		st->off = n->size;
		st->len = 3000;
		break;
	case SEQ_SPLICE:
		/* odd: the kernel's copy ends in a tail of less than 4 bytes */
		st->off = n->size;
		st->len = 3001;
		break;
	case SEQ_PWRITE_PAGE:
		st->off = 4000;
		st->len = 300;
		break;
	case SEQ_PWRITE_2M:
		st->off = SEQ_2M - 1000;
		st->len = 2000;
		break;
	case SEQ_ODIRECT:
		st->off = 8192;
		st->len = 4096;
		break;
	case SEQ_OSYNC_WRITE:
	case SEQ_DSYNC_WRITE:
		st->off = 9900;
		st->len = 300;
		break;
	case SEQ_MMAP:
	case SEQ_MSYNC:
	case SEQ_MAP_SYNC:
		/* stores through a mapping stay inside the file */
		st->off = 4000;
		st->len = 300;
		if (n->size < st->off + st->len)
			return fail(err, errlen, "%s %s: the file is shorter than %" PRIu64,
				    ki->name, a, st->off + st->len);
		break;
	case SEQ_TRUNC_GROW:
	case SEQ_TRUNC_SHRINK:
		st->size = op->k == SEQ_TRUNC_GROW ? SEQ_GROW_TO : SEQ_SHRINK_TO;
		if (op->k == SEQ_TRUNC_GROW ? n->size >= st->size
					    : n->size <= st->size)
			return fail(err, errlen, "%s %s: the size is %" PRIu64,
				    ki->name, a, n->size);
		resize(n, st->size);
		return 0;
	case SEQ_FALLOC:
		st->off = 6000;
		st->len = 10000;
		if (st->off + st->len > n->size)
			n->size = st->off + st->len;
		return 0;
	case SEQ_FALLOC_KEEP:
		st->mode = FL_KEEP_SIZE;
		st->off = 20000;
		st->len = 8192;
		return 0;
	case SEQ_PUNCH:
		st->mode = FL_PUNCH_HOLE | FL_KEEP_SIZE;
		st->off = 3000;
		st->len = 6000;
		if (n->size <= st->off)
			return fail(err, errlen, "punch-hole %s: nothing to punch", a);
		cut(n, st->off, st->len);
		return 0;
	case SEQ_ZERO_RANGE:
		st->mode = FL_ZERO_RANGE;
		st->off = 5000;
		st->len = 7000;
		cut(n, st->off, st->len);
		if (st->off + st->len > n->size)
			n->size = st->off + st->len;
		return 0;
	case SEQ_NKINDS:
		break;
	}
	st->seed = s->next_seed++;
	return put(n, st->off, st->len, st->seed, err, errlen);
}

int seq_run_model(const struct seq *q, struct seq_state *s)
{
	struct seq_step st;
	char err[160];

	if (seq_begin(s, q, err, sizeof(err)))
		return -1;
	for (unsigned i = 0; i < q->nops; i++)
		if (seq_apply(s, &q->op[i], &st, err, sizeof(err)))
			return -1;
	return seq_apply(s, &q->pp, &st, err, sizeof(err));
}

int seq_check(const struct seq *q, char *err, size_t errlen)
{
	struct seq_state s;
	struct seq_step st;

	if (q->nops > SEQ_NOPS_MAX)
		return fail(err, errlen, "more than %d operations", SEQ_NOPS_MAX);
	if (!kinds[q->pp.k].pp)
		return fail(err, errlen, "%s is no persistence point",
			    kinds[q->pp.k].name);
	if (seq_begin(&s, q, err, errlen))
		return -1;
	for (unsigned i = 0; i < q->nops; i++) {
		if (kinds[q->op[i].k].pp)
			return fail(err, errlen, "operation %u: %s is a persistence point",
				    i + 1, kinds[q->op[i].k].name);
		if (seq_apply(&s, &q->op[i], &st, err, errlen))
			return -1;
	}
	return seq_apply(&s, &q->pp, &st, err, errlen);
}

int seq_on(const struct seq *q, enum seq_fs fs)
{
	for (unsigned i = 0; i < q->nops; i++)
		if (!seq_kind_on(q->op[i].k, fs))
			return 0;
	return seq_kind_on(q->pp.k, fs);
}

/* ---- the promises --------------------------------------------------------- */

/*
 * The rules, one place (crashtest/README.md gives the reasons):
 *  - fsync(F): F's content (data, zeros between, size) and, on ext4 and
 *    xfs, every name of F the sequence made; on ext2 the content only
 *    when F's name is untouched since the setup.
 *  - fsync(dir): on ext4 and xfs the dir's own name if the sequence made
 *    it, and every name in it the sequence changed (name or gone); on
 *    ext2 only names gone and names of files that were in the setup.
 *  - fdatasync(F): F's content when F's name is untouched.
 *  - sync(): every file's content and name, every dir's name, and every
 *    name the setup or the sequence had that is gone.
 *  - msync, O_SYNC and RWF_DSYNC writes, MAP_SYNC store + flush: the
 *    bytes that operation wrote, when F's name is untouched.
 *  - ext2 with SEQ_EXT2_NEWENTRY: fsync, fdatasync and the writing points
 *    of a file also write the entries naming it: its content (or the
 *    bytes written) whether or not its name is new, and every name of F
 *    the sequence made. Directory fsync and sync are unchanged.
 *  - setxattr is never promised (the manifest has no attribute promise).
 */
struct out {
	struct ctm_promise *p;
	size_t n, cap;
};

static void emit(struct out *o, enum ctm_kind k, enum seq_obj obj,
		 uint64_t off, uint64_t len, uint64_t seed)
{
	struct ctm_promise *p;

	if (o->n >= o->cap)
		return;
	p = &o->p[o->n++];
	memset(p, 0, sizeof(*p));
	p->kind = k;
	snprintf(p->path, sizeof(p->path), "%s", obj_paths[obj]);
	p->off = off;
	p->len = len;
	p->seed = seed;
}

static void content(struct out *o, const struct seq_state *s, enum seq_obj f)
{
	const struct seq_inode *n = &s->node[s->ino[f]];
	uint64_t pos = 0;

	for (unsigned i = 0; i < n->nseg; i++) {
		if (n->seg[i].off > pos)
			emit(o, CTM_ZERO, f, pos, n->seg[i].off - pos, 0);
		emit(o, CTM_DATA, f, n->seg[i].off, n->seg[i].len, n->seg[i].seed);
		pos = n->seg[i].off + n->seg[i].len;
	}
	if (n->size > pos)
		emit(o, CTM_ZERO, f, pos, n->size - pos, 0);
	emit(o, CTM_SIZE, f, 0, n->size, 0);
}

static int touched(const struct seq_state *s, enum seq_obj o)
{
	return !!(s->touched & bit(o));
}

/* Every name of F's inode that the sequence made. */
static void new_names(struct out *o, const struct seq_state *s, enum seq_obj f)
{
	for (unsigned c = SEQ_A; c <= SEQ_C; c++)
		if (s->ino[c] == s->ino[f] && touched(s, c))
			emit(o, CTM_NAME, c, 0, 0, 0);
}

size_t seq_promises(const struct seq *q, const struct seq_state *s,
		    enum seq_fs fs, unsigned rules, struct ctm_promise *p,
		    size_t cap)
{
	struct out o = { p, 0, cap };
	enum seq_obj f = q->pp.a;
	int journal = fs != SEQ_EXT2;
	/* the file's own sync writes its new entries (ext2 with MAP_SYNC) */
	int entries = fs == SEQ_EXT2 && (rules & SEQ_EXT2_NEWENTRY);

	switch (q->pp.k) {
	case SEQ_FSYNC:
		if (SEQ_DIRS & bit(f)) {
			if (journal && f == SEQ_D && touched(s, SEQ_D))
				emit(&o, CTM_NAME, SEQ_D, 0, 0, 0);
			for (unsigned c = 0; c < SEQ_ROOT; c++) {
				if (parent(c) != f || !touched(s, c))
					continue;
				if (!exists(s, c))
					emit(&o, CTM_GONE, c, 0, 0, 0);
				else if (journal || (is_file(s, c) &&
					 !s->node[s->ino[c]].born))
					emit(&o, CTM_NAME, c, 0, 0, 0);
			}
			break;
		}
		if (journal || entries || !touched(s, f))
			content(&o, s, f);
		if (journal || entries)
			new_names(&o, s, f);
		break;
	case SEQ_FDATASYNC:
		if (entries || !touched(s, f))
			content(&o, s, f);
		if (entries)
			new_names(&o, s, f);
		break;
	case SEQ_SYNC:
		for (unsigned c = SEQ_A; c <= SEQ_C; c++) {
			int first = 1;

			if (!exists(s, c)) {
				if (touched(s, c) || (q->setup & bit(c)))
					emit(&o, CTM_GONE, c, 0, 0, 0);
				continue;
			}
			for (unsigned e = SEQ_A; e < c; e++)
				if (s->ino[e] == s->ino[c])
					first = 0;
			if (first)
				content(&o, s, c);
			else
				emit(&o, CTM_NAME, c, 0, 0, 0);
		}
		if (exists(s, SEQ_D))
			emit(&o, CTM_NAME, SEQ_D, 0, 0, 0);
		else if (touched(s, SEQ_D) || (q->setup & bit(SEQ_D)))
			emit(&o, CTM_GONE, SEQ_D, 0, 0, 0);
		break;
	case SEQ_MSYNC:
	case SEQ_OSYNC_WRITE:
	case SEQ_DSYNC_WRITE:
	case SEQ_MAP_SYNC:
		if (entries || !touched(s, f)) {
			const struct seq_inode *n = &s->node[s->ino[f]];
			uint64_t off = q->pp.k == SEQ_MSYNC || q->pp.k == SEQ_MAP_SYNC
				       ? 4000 : 9900;

			/* the last write's range: the newest seed there */
			for (unsigned i = 0; i < n->nseg; i++)
				if (n->seg[i].off == off)
					emit(&o, CTM_DATA, f, off, n->seg[i].len,
					     n->seg[i].seed);
		}
		if (entries)
			new_names(&o, s, f);
		break;
	default:
		break;
	}
	return o.n;
}

/* ---- the sequence text ---------------------------------------------------- */

static int obj_parse(const char *t, enum seq_obj *o)
{
	for (unsigned i = 0; i < SEQ_NOBJ; i++)
		if (!strcmp(t, obj_paths[i])) {
			*o = (enum seq_obj)i;
			return 0;
		}
	return -1;
}

#define SEQ_TEXT_MAX 65536

int seq_parse(struct seq *q, const char *buf, size_t len, char *err,
	      size_t errlen)
{
	char line[256], why[160];
	size_t pos = 0;
	unsigned lineno = 0;
	int have_pp = 0, have_op = 0;
	unsigned nrec = 0;

	memset(q, 0, sizeof(*q));
	if (len > SEQ_TEXT_MAX)
		return fail(err, errlen, "longer than %d bytes", SEQ_TEXT_MAX);
	if (len && buf[len - 1] != '\n')
		return fail(err, errlen, "the last line has no newline (cut short?)");
	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t n = (size_t)(nl - (buf + pos));
		char *tok[4], *save = NULL, *t;
		unsigned ntok = 0;

		lineno++;
		if (n >= sizeof(line))
			return fail(err, errlen, "line %u: longer than %zu bytes",
				    lineno, sizeof(line) - 1);
		memcpy(line, buf + pos, n);
		line[n] = 0;
		pos += n + 1;
		if (memchr(line, 0, n))
			return fail(err, errlen, "line %u: a NUL byte", lineno);
		for (t = strtok_r(line, " \t", &save); t;
		     t = strtok_r(NULL, " \t", &save)) {
			if (ntok == 4)
				return fail(err, errlen, "line %u: too many words", lineno);
			tok[ntok++] = t;
		}
		if (!ntok || tok[0][0] == '#')
			continue;
		if (have_pp)
			return fail(err, errlen, "line %u: after the persistence point", lineno);
		nrec++;
		if (!strcmp(tok[0], "name")) {
			if (ntok != 2 || nrec > 1)
				return fail(err, errlen, "line %u: 'name NAME' comes once, first",
					    lineno);
			if (strlen(tok[1]) >= sizeof(q->name) ||
			    strspn(tok[1], "abcdefghijklmnopqrstuvwxyz0123456789-") !=
				    strlen(tok[1]))
				return fail(err, errlen, "line %u: the name '%.40s' is not "
					    "of a-z 0-9 - (at most %zu)", lineno, tok[1],
					    sizeof(q->name) - 1);
			snprintf(q->name, sizeof(q->name), "%s", tok[1]);
		} else if (!strcmp(tok[0], "setup")) {
			enum seq_obj o;

			if (ntok != 2 || have_op)
				return fail(err, errlen, "line %u: 'setup OBJ' comes before "
					    "the operations", lineno);
			if (obj_parse(tok[1], &o) || o == SEQ_ROOT)
				return fail(err, errlen, "line %u: setup of '%.40s': "
					    "A, B, D or D/C", lineno, tok[1]);
			if (q->setup & bit(o))
				return fail(err, errlen, "line %u: setup %s twice", lineno,
					    tok[1]);
			q->setup |= bit(o);
		} else if (!strcmp(tok[0], "op") || !strcmp(tok[0], "pp")) {
			int pp = tok[0][0] == 'p';
			struct seq_op op = { 0, 0, 0 };
			unsigned k;

			if (ntok < 2)
				return fail(err, errlen, "line %u: %s without a kind",
					    lineno, tok[0]);
			for (k = 0; k < SEQ_NKINDS && strcmp(tok[1], kinds[k].name); k++)
				;
			if (k == SEQ_NKINDS)
				return fail(err, errlen, "line %u: unknown operation '%.40s'",
					    lineno, tok[1]);
			if (kinds[k].pp != pp)
				return fail(err, errlen, "line %u: %s is %s", lineno, tok[1],
					    pp ? "no persistence point (op)"
					       : "a persistence point (pp)");
			if (ntok != 2 + kinds[k].nargs)
				return fail(err, errlen, "line %u: %s takes %u path%s",
					    lineno, tok[1], kinds[k].nargs,
					    kinds[k].nargs == 1 ? "" : "s");
			op.k = (enum seq_kind)k;
			if (ntok > 2 && (obj_parse(tok[2], &op.a) ||
					 !(kinds[k].arg0 & bit(op.a))))
				return fail(err, errlen, "line %u: %s cannot take '%.40s'",
					    lineno, tok[1], tok[2]);
			if (ntok > 3 && (obj_parse(tok[3], &op.b) ||
					 !(kinds[k].arg1 & bit(op.b)) || op.a == op.b))
				return fail(err, errlen, "line %u: %s cannot take '%.40s'",
					    lineno, tok[1], tok[3]);
			if (pp) {
				q->pp = op;
				have_pp = 1;
			} else {
				if (q->nops == SEQ_NOPS_MAX)
					return fail(err, errlen, "line %u: more than %d "
						    "operations", lineno, SEQ_NOPS_MAX);
				q->op[q->nops++] = op;
				have_op = 1;
			}
		} else {
			return fail(err, errlen, "line %u: unknown record '%.40s' "
				    "(name, setup, op or pp)", lineno, tok[0]);
		}
	}
	if (!have_pp)
		return fail(err, errlen, "no persistence point ('pp KIND ...' line)");
	if (seq_check(q, why, sizeof(why)))
		return fail(err, errlen, "the sequence cannot run: %s", why);
	return 0;
}

static void op_text(const struct seq_op *op, char *buf, size_t len)
{
	const struct kind_info *ki = &kinds[op->k];

	if (ki->nargs == 0)
		snprintf(buf, len, "%s", ki->name);
	else if (ki->nargs == 1)
		snprintf(buf, len, "%s %s", ki->name, obj_paths[op->a]);
	else
		snprintf(buf, len, "%s %s %s", ki->name, obj_paths[op->a],
			 obj_paths[op->b]);
}

int seq_write(FILE *f, const struct seq *q)
{
	static const enum seq_obj order[] = { SEQ_A, SEQ_B, SEQ_D, SEQ_C };
	char t[64];

	if (q->name[0])
		fprintf(f, "name %s\n", q->name);
	for (unsigned i = 0; i < 4; i++)
		if (q->setup & bit(order[i]))
			fprintf(f, "setup %s\n", obj_paths[order[i]]);
	for (unsigned i = 0; i < q->nops; i++) {
		op_text(&q->op[i], t, sizeof(t));
		fprintf(f, "op %s\n", t);
	}
	op_text(&q->pp, t, sizeof(t));
	fprintf(f, "pp %s\n", t);
	return ferror(f) ? -1 : 0;
}

void seq_summary(const struct seq *q, char *buf, size_t len)
{
	static const enum seq_obj order[] = { SEQ_A, SEQ_B, SEQ_D, SEQ_C };
	size_t used = 0;
	char t[64];

	buf[0] = 0;
	used += (size_t)snprintf(buf, len, "[");
	for (unsigned i = 0, n = 0; i < 4; i++)
		if (q->setup & bit(order[i]))
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
						 "%s%s", n++ ? " " : "",
						 obj_paths[order[i]]);
	for (unsigned i = 0; i <= q->nops; i++) {
		op_text(i < q->nops ? &q->op[i] : &q->pp, t, sizeof(t));
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0,
					 "%s%s", i ? "; " : "] ", t);
	}
}

/* ---- the sets ------------------------------------------------------------- */

/* Every core operation with its arguments, in the table's order. */
static size_t universe(struct seq_op *u, size_t cap)
{
	size_t n = 0;

	for (unsigned k = 0; k < SEQ_NKINDS; k++) {
		if (kinds[k].pp)
			continue;
		for (unsigned a = 0; a < SEQ_NOBJ; a++) {
			if (!(kinds[k].arg0 & bit(a)))
				continue;
			if (kinds[k].nargs < 2) {
				if (n < cap)
					u[n] = (struct seq_op){ k, a, 0 };
				n++;
				continue;
			}
			for (unsigned b = 0; b < SEQ_NOBJ; b++)
				if ((kinds[k].arg1 & bit(b)) && a != b) {
					if (n < cap)
						u[n] = (struct seq_op){ k, a, b };
					n++;
				}
		}
	}
	return n;
}

/* Every persistence point, in the table's order. */
static size_t pp_universe(struct seq_op *u, size_t cap)
{
	size_t n = 0;

	for (unsigned k = 0; k < SEQ_NKINDS; k++) {
		if (!kinds[k].pp)
			continue;
		if (!kinds[k].nargs) {
			if (n < cap)
				u[n] = (struct seq_op){ k, 0, 0 };
			n++;
			continue;
		}
		for (unsigned a = 0; a < SEQ_NOBJ; a++)
			if (kinds[k].arg0 & bit(a)) {
				if (n < cap)
					u[n] = (struct seq_op){ k, a, 0 };
				n++;
			}
	}
	return n;
}

enum req { REQ_PRESENT, REQ_ABSENT, REQ_EITHER };

struct refs {
	unsigned seen, present, either;
	unsigned args;		/* objects named by an operation */
	unsigned names;		/* names an operation creates or removes */
};

static void ref(struct refs *r, enum seq_obj o, enum req q)
{
	if (o == SEQ_ROOT || (r->seen & bit(o)))
		return;
	r->seen |= bit(o);
	if (q == REQ_PRESENT)
		r->present |= bit(o);
	else if (q == REQ_EITHER)
		r->either |= bit(o);
}

/*
 * The setup an operation list needs: an object whose first use needs it
 * exists, one whose first use needs it absent does not, a rename target
 * seen first both ways (two workloads), anything not named is absent.
 */
static void refs_of(const struct seq_op *ops, unsigned n, struct refs *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < n; i++) {
		const struct seq_op *op = &ops[i];

		r->args |= bit(op->a);
		if (kinds[op->k].nargs == 2)
			r->args |= bit(op->b);
		switch (op->k) {
		case SEQ_CREAT:
			ref(r, parent(op->a), REQ_PRESENT);
			ref(r, op->a, REQ_ABSENT);
			r->names |= bit(op->a);
			break;
		case SEQ_MKDIR:
			ref(r, SEQ_D, REQ_ABSENT);
			r->names |= bit(SEQ_D);
			break;
		case SEQ_RMDIR:
			ref(r, SEQ_D, REQ_PRESENT);
			ref(r, SEQ_C, REQ_ABSENT);
			r->names |= bit(SEQ_D);
			break;
		case SEQ_LINK:
		case SEQ_RENAME:
			ref(r, parent(op->a), REQ_PRESENT);
			ref(r, op->a, REQ_PRESENT);
			ref(r, parent(op->b), REQ_PRESENT);
			ref(r, op->b, op->k == SEQ_LINK ? REQ_ABSENT : REQ_EITHER);
			r->names |= bit(op->b);
			if (op->k == SEQ_RENAME)
				r->names |= bit(op->a);
			break;
		case SEQ_UNLINK:
			r->names |= bit(op->a);
			/* fall through */
		default:
			ref(r, parent(op->a), REQ_PRESENT);
			ref(r, op->a, REQ_PRESENT);
			break;
		}
	}
}

/* Does the persistence point bear on what the operations did? */
static int relevant(const struct seq_op *pp, const struct refs *r)
{
	if (pp->k == SEQ_SYNC)
		return 1;
	if (pp->a == SEQ_ROOT)
		return !!(r->names & (bit(SEQ_A) | bit(SEQ_B) | bit(SEQ_D)));
	if (pp->a == SEQ_D)
		return (r->args & bit(SEQ_D)) || (r->names & bit(SEQ_C));
	return !!(r->args & bit(pp->a));
}

#define UMAX 128

/* Every valid workload over ops (with their setups), in order. */
static size_t expand(const struct seq_op *ops, unsigned n, seq_fn fn,
		     void *arg, int *stop)
{
	struct seq_op pps[UMAX];
	size_t npp = pp_universe(pps, UMAX), count = 0;
	struct refs r;
	unsigned sub;

	refs_of(ops, n, &r);
	/* subsets of the either-objects, present before absent */
	sub = r.either;
	for (;;) {
		struct seq q;
		struct seq_state base;
		struct seq_step st;
		char err[160];
		int ok = 1;

		memset(&q, 0, sizeof(q));
		q.setup = r.present | sub;
		if (q.setup & bit(SEQ_C))
			q.setup |= bit(SEQ_D);
		q.nops = n;
		memcpy(q.op, ops, n * sizeof(ops[0]));
		if (seq_begin(&base, &q, err, sizeof(err)))
			ok = 0;
		for (unsigned i = 0; ok && i < n; i++)
			if (seq_apply(&base, &ops[i], &st, err, sizeof(err)))
				ok = 0;
		for (size_t p = 0; ok && p < npp && !*stop; p++) {
			struct seq_state s = base;

			if (!relevant(&pps[p], &r) ||
			    seq_apply(&s, &pps[p], &st, err, sizeof(err)))
				continue;
			q.pp = pps[p];
			count++;
			if (fn && fn(&q, arg))
				*stop = 1;
		}
		if (!sub || *stop)
			break;
		sub = (sub - 1) & r.either;
	}
	return count;
}

static size_t space(unsigned n, seq_fn fn, void *arg, int *stop)
{
	struct seq_op u[UMAX], ops[SEQ_NOPS_MAX];
	size_t nu = universe(u, UMAX), count = 0, idx[SEQ_NOPS_MAX] = { 0 };

	if (n < 1 || n > SEQ_NOPS_MAX)
		return 0;
	for (;;) {
		for (unsigned i = 0; i < n; i++)
			ops[i] = u[idx[i]];
		count += expand(ops, n, fn, arg, stop);
		if (*stop)
			break;
		/* the next index tuple, the last operation fastest */
		unsigned i = n;
		while (i > 0 && ++idx[i - 1] == nu)
			idx[--i] = 0;
		if (i == 0)
			break;
	}
	return count;
}

size_t seq_space(unsigned n, seq_fn fn, void *arg)
{
	int stop = 0;

	return space(n, fn, arg, &stop);
}

/* seq-2: Knuth's selection sampling (Algorithm S) over the space, one
 * draw per candidate in order, so the sample comes out in the space's
 * order and a seed always means the same sample. */
struct sample {
	struct dx_prng rng;
	uint64_t total, seen, want, taken;
	seq_fn fn;
	void *arg;
	const char *prefix;
};

static int name_and_call(struct seq *q, const char *prefix, uint64_t i,
			 seq_fn fn, void *arg)
{
	snprintf(q->name, sizeof(q->name), "%s-%04" PRIu64, prefix, i);
	return fn ? fn(q, arg) : 0;
}

static int sample_one(const struct seq *q, void *arg)
{
	struct sample *s = arg;
	struct seq c = *q;

	if (s->taken == s->want)
		return 1;
	if (dx_prng_below(&s->rng, s->total - s->seen++) >= s->want - s->taken)
		return 0;
	s->taken++;
	return name_and_call(&c, s->prefix, s->taken, s->fn, s->arg);
}

struct numbered {
	uint64_t i;
	seq_fn fn;
	void *arg;
};

static int number_one(const struct seq *q, void *arg)
{
	struct numbered *nb = arg;
	struct seq c = *q;

	return name_and_call(&c, "seq1", ++nb->i, nb->fn, nb->arg);
}

size_t seq_enumerate(enum seq_set set, seq_fn fn, void *arg)
{
	int stop = 0;

	if (set == SEQ_SET1) {
		struct numbered nb = { 0, fn, arg };

		space(1, number_one, &nb, &stop);
		return nb.i;
	}
	if (set == SEQ_SET2) {
		struct sample s;

		memset(&s, 0, sizeof(s));
		s.total = space(2, NULL, NULL, &stop);
		s.want = s.total < SEQ2_SAMPLE ? s.total : SEQ2_SAMPLE;
		s.fn = fn;
		s.arg = arg;
		s.prefix = "seq2";
		dx_prng_seed(&s.rng, SEQ2_SEED);
		space(2, sample_one, &s, &stop);
		return s.taken;
	}
	return 0;
}

int seq_set_parse(const char *s, enum seq_set *set)
{
	if (!strcmp(s, "seq-1"))
		*set = SEQ_SET1;
	else if (!strcmp(s, "seq-2"))
		*set = SEQ_SET2;
	else
		return -1;
	return 0;
}

struct find {
	const char *name;
	struct seq *q;
	int found;
};

static int find_one(const struct seq *q, void *arg)
{
	struct find *f = arg;

	if (strcmp(q->name, f->name))
		return 0;
	*f->q = *q;
	f->found = 1;
	return 1;
}

int seq_lookup(const char *name, struct seq *q, char *err, size_t errlen)
{
	struct find f = { name, q, 0 };
	enum seq_set set;

	if (!strncmp(name, "seq1-", 5))
		set = SEQ_SET1;
	else if (!strncmp(name, "seq2-", 5))
		set = SEQ_SET2;
	else
		return fail(err, errlen, "no workload '%.40s' (names are seq1-NNNN "
			    "and seq2-NNNN)", name);
	seq_enumerate(set, find_one, &f);
	if (!f.found)
		return fail(err, errlen, "no workload '%.40s' in %s (ctseq list "
			    "names them)", name, set == SEQ_SET1 ? "seq-1" : "seq-2");
	return 0;
}
