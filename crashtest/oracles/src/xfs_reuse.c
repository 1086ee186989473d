/* SPDX-License-Identifier: MIT */
/* xfs verdicts reused across images of one metadata (xfs_reuse.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <linux/fsmap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/vec.h"
#include "judge.h"
#include "ondisk.h"
#include "xfs_reuse.h"

void xr_map_free(struct xr_map *mp)
{
	for (size_t i = 0; i < mp->nf; i++)
		free(mp->f[i].ext);
	free(mp->f);
	free(mp->r);
	free(mp->free);
	memset(mp, 0, sizeof(*mp));
}

static int add_range(struct xr_map *mp, uint64_t off, uint64_t len)
{
	if (DX_RESERVE(mp->r, mp->capr, mp->nr + 1))
		return -1;
	mp->r[mp->nr++] = (struct xr_range){ off, len };
	return 0;
}

static int add_free(struct xr_map *mp, uint64_t off, uint64_t len)
{
	if (DX_RESERVE(mp->free, mp->capfree, mp->nfree + 1))
		return -1;
	mp->free[mp->nfree++] = (struct xr_range){ off, len };
	return 0;
}

static struct xr_file *add_file(struct xr_map *mp, const char *path,
				enum xr_kind kind, uint64_t size)
{
	struct xr_file *f;

	if (DX_RESERVE(mp->f, mp->capf, mp->nf + 1))
		return NULL;
	f = &mp->f[mp->nf++];
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->kind = kind;
	f->size = size;
	return f;
}

static int add_ext(struct xr_file *f, uint64_t logical, uint64_t physical,
		   uint64_t len, int unwritten)
{
	if (DX_RESERVE(f->ext, f->capext, f->next + 1))
		return -1;
	f->ext[f->next++] = (struct xr_ext){ logical, physical, len, unwritten };
	return 0;
}

/* ---- the recovery's blocks, from the trace events -------------------------- */

/* Log items whose recovery reads no block but metadata reached from the
 * file system's roots (intents and their done items) or whose blocks the
 * buffer and inode events name. Any other (a dquot, an inode chunk
 * creation) makes the ranges unknown. */
static const char *const known_items[] = {
	"XFS_LI_BUF", "XFS_LI_INODE", "XFS_LI_EFI", "XFS_LI_EFD",
	"XFS_LI_RUI", "XFS_LI_RUD", "XFS_LI_CUI", "XFS_LI_CUD",
	"XFS_LI_BUI", "XFS_LI_BUD", "XFS_LI_ATTRI", "XFS_LI_ATTRD",
	"XFS_LI_IUNLINK", NULL,
};

static int known_item(const char *s)
{
	size_t len = strcspn(s, " \n");

	for (size_t i = 0; known_items[i]; i++)
		if (strlen(known_items[i]) == len && !strncmp(s, known_items[i], len))
			return 1;
	return 0;
}

/* "... daddr 0xD, bbcount 0xC, ..." into a byte range. */
static int parse_daddr(const char *s, uint64_t *off, uint64_t *len)
{
	unsigned long long d, c;
	const char *p = strstr(s, " daddr 0x");

	if (!p || sscanf(p, " daddr 0x%llx, bbcount 0x%llx", &d, &c) != 2 ||
	    d > UINT64_MAX / 512 || c > UINT64_MAX / 512)
		return -1;
	*off = (uint64_t)d * 512;
	*len = (uint64_t)c * 512;
	return 0;
}

int xr_parse_recovery(FILE *f, struct xr_map *mp)
{
	char line[1024];
	int known = 1, header = 0;

	while (fgets(line, sizeof(line), f)) {
		const char *ev;
		unsigned long long kept, written;
		uint64_t off, len;

		if (!strchr(line, '\n') && !feof(f))
			known = 0;	/* a line longer than any event's */
		if (line[0] == '#') {
			if (sscanf(line, "# entries-in-buffer/entries-written: %llu/%llu",
				   &kept, &written) == 2) {
				header = 1;
				if (kept != written)
					known = 0;	/* events were lost */
			}
			continue;
		}
		if (!(ev = strstr(line, ": xfs_log_recover_")))
			continue;
		ev += strlen(": xfs_log_recover_");
		if (!strncmp(ev, "buf_", 4) || !strncmp(ev, "inode_", 6)) {
			if (parse_daddr(ev, &off, &len))
				known = 0;
			else if (add_range(mp, off, len))
				return -1;
		} else if (!strncmp(ev, "icreate_", 8)) {
			known = 0;
		} else if (!strncmp(ev, "item_recover:", 13)) {
			const char *t = strstr(ev, "item type ");

			if (!t || !known_item(t + 10))
				known = 0;
		}
	}
	return known && header && !ferror(f);
}

/* ---- the map of a mounted file system -------------------------------------- */

/* FIEMAP flags a read of the file handles as the map's reader does:
 * data in place (shared or not), or unwritten (zeros). */
#define FIEMAP_PLAIN (FIEMAP_EXTENT_LAST | FIEMAP_EXTENT_UNWRITTEN | \
		      FIEMAP_EXTENT_MERGED | FIEMAP_EXTENT_SHARED)

static int map_file(struct xr_file *f, int fd)
{
	enum { N = 64 };
	struct fiemap *fm = calloc(1, sizeof(*fm) + N * sizeof(struct fiemap_extent));
	uint64_t start = 0;
	int last = 0;

	if (!fm)
		return -1;
	while (!last) {
		memset(fm, 0, sizeof(*fm));
		fm->fm_start = start;
		fm->fm_length = FIEMAP_MAX_OFFSET - start;
		fm->fm_extent_count = N;
		if (ioctl(fd, FS_IOC_FIEMAP, fm)) {
			free(fm);
			return -1;
		}
		if (!fm->fm_mapped_extents)
			break;
		for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
			const struct fiemap_extent *e = &fm->fm_extents[i];

			if (e->fe_flags & ~(uint32_t)FIEMAP_PLAIN) {
				f->kind = XR_UNKNOWN;
				free(fm);
				return 0;
			}
			if (add_ext(f, e->fe_logical, e->fe_physical, e->fe_length,
				    !!(e->fe_flags & FIEMAP_EXTENT_UNWRITTEN))) {
				free(fm);
				return -1;
			}
			last = !!(e->fe_flags & FIEMAP_EXTENT_LAST);
			start = e->fe_logical + e->fe_length;
		}
	}
	free(fm);
	return 0;
}

/* What the mounted reader (fs_mounted.c) would find at path. */
static int map_path(struct xr_map *mp, const char *root, const char *rel)
{
	char path[4096];
	struct stat st;
	struct xr_file *f;
	int fd;

	for (size_t i = 0; i < mp->nf; i++)
		if (!strcmp(mp->f[i].path, rel))
			return 0;
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	if (stat(path, &st))
		return add_file(mp, rel, errno == ENOENT || errno == ENOTDIR ?
				XR_ABSENT : XR_UNKNOWN, 0) ? 0 : -1;
	if (S_ISDIR(st.st_mode))
		return add_file(mp, rel, XR_DIR, 0) ? 0 : -1;
	if (lstat(path, &st) || !S_ISREG(st.st_mode) ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW)) < 0)
		return add_file(mp, rel, XR_UNKNOWN, 0) ? 0 : -1;
	if (!(f = add_file(mp, rel, XR_FILE, (uint64_t)st.st_size))) {
		close(fd);
		return -1;
	}
	if (map_file(f, fd))
		f->kind = XR_UNKNOWN;
	close(fd);
	return 0;
}

/* The free space of the mounted file system (GETFSMAP: the free-space
 * btree's records, or the gaps of the reverse-mapping btree). None when
 * the file system cannot say: its members are then judged in full. */
static int map_free(struct xr_map *mp, const char *root)
{
	enum { N = 128 };
	struct fsmap_head *h = calloc(1, fsmap_sizeof(N));
	int fd = open(root, O_RDONLY | O_DIRECTORY), rc = 0;

	if (!h || fd < 0) {
		free(h);
		if (fd >= 0)
			close(fd);
		return h ? 0 : -1;
	}
	h->fmh_keys[1].fmr_device = UINT32_MAX;
	h->fmh_keys[1].fmr_physical = UINT64_MAX;
	h->fmh_keys[1].fmr_owner = UINT64_MAX;
	h->fmh_keys[1].fmr_offset = UINT64_MAX;
	h->fmh_keys[1].fmr_flags = UINT32_MAX;
	for (;;) {
		h->fmh_count = N;
		if (ioctl(fd, FS_IOC_GETFSMAP, h)) {
			mp->nfree = 0;	/* a part is no answer */
			break;
		}
		if (!h->fmh_entries)
			break;
		for (unsigned i = 0; i < h->fmh_entries && !rc; i++)
			if (h->fmh_recs[i].fmr_owner == FMR_OWN_FREE)
				rc = add_free(mp, h->fmh_recs[i].fmr_physical,
					      h->fmh_recs[i].fmr_length);
		if (rc || (h->fmh_recs[h->fmh_entries - 1].fmr_flags & FMR_OF_LAST))
			break;
		fsmap_advance(h);
	}
	close(fd);
	free(h);
	return rc;
}

static int save_map(const struct xr_map *mp, const char *out)
{
	FILE *f = fopen(out, "w");

	if (!f)
		return -1;
	fprintf(f, "recovery %s\n", mp->recovery_known ? "known" : "unknown");
	for (size_t i = 0; i < mp->nr; i++)
		fprintf(f, "range %" PRIu64 " %" PRIu64 "\n", mp->r[i].off,
			mp->r[i].len);
	for (size_t i = 0; i < mp->nfree; i++)
		fprintf(f, "free %" PRIu64 " %" PRIu64 "\n", mp->free[i].off,
			mp->free[i].len);
	for (size_t i = 0; i < mp->nf; i++) {
		const struct xr_file *x = &mp->f[i];
		static const char *const kind[] = { "absent", "dir", "file",
						    "unknown" };

		fprintf(f, "path %s %s %" PRIu64 "\n", kind[x->kind], x->path,
			x->size);
		for (size_t k = 0; x->kind == XR_FILE && k < x->next; k++)
			fprintf(f, "ext %" PRIu64 " %" PRIu64 " %" PRIu64 " %d\n",
				x->ext[k].logical, x->ext[k].physical,
				x->ext[k].len, x->ext[k].unwritten);
	}
	fprintf(f, "end\n");
	return fclose(f) ? -1 : 0;
}

int xr_write_map(const struct ctm_manifest *m, const char *root,
		 const char *rtrace, const char *out, char *err, size_t len)
{
	struct xr_map mp;
	int rc = 0;

	memset(&mp, 0, sizeof(mp));
	if (rtrace) {
		FILE *t = fopen(rtrace, "r");

		rc = t ? xr_parse_recovery(t, &mp) : 0;
		if (t)
			fclose(t);
		if (rc < 0)
			goto oom;
		mp.recovery_known = rc;
	}
	for (size_t i = 0; i < m->n; i++)
		if (map_path(&mp, root, m->p[i].path) ||
		    (m->p[i].kind == CTM_RENAME && map_path(&mp, root, m->p[i].path2)))
			goto oom;
	if (map_free(&mp, root))
		goto oom;
	if (save_map(&mp, out)) {
		snprintf(err, len, "writing the map %s: %s", out, strerror(errno));
		xr_map_free(&mp);
		return -1;
	}
	xr_map_free(&mp);
	return 0;
oom:
	snprintf(err, len, "out of memory for the map of %s", root);
	xr_map_free(&mp);
	return -1;
}

/* A path's width in the map's scanf format: CTM_PATH_MAX less its NUL. */
#define CTM_PATH_MAX_FMT 255
#define XR_STR2(x) #x
#define XR_STR(x) XR_STR2(x)
_Static_assert(CTM_PATH_MAX_FMT + 1 == CTM_PATH_MAX, "map path width");

int xr_load_map(const char *path, struct xr_map *mp, char *err, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[CTM_PATH_MAX + 128], kind[16], name[CTM_PATH_MAX];
	struct xr_file *cur = NULL;
	unsigned lineno = 0;
	int end = 0;

	memset(mp, 0, sizeof(*mp));
	if (!f) {
		snprintf(err, len, "cannot open the map %s: %s", path, strerror(errno));
		return -1;
	}
	while (!end && fgets(line, sizeof(line), f)) {
		unsigned long long a, b, c;
		int u, ok = 1;

		lineno++;
		if (!strcmp(line, "recovery known\n")) {
			mp->recovery_known = 1;
		} else if (!strcmp(line, "recovery unknown\n")) {
			mp->recovery_known = 0;
		} else if (sscanf(line, "range %llu %llu", &a, &b) == 2) {
			ok = !add_range(mp, a, b);
		} else if (sscanf(line, "free %llu %llu", &a, &b) == 2) {
			ok = !add_free(mp, a, b);
		} else if (sscanf(line, "path %15s %" XR_STR(CTM_PATH_MAX_FMT) "s %llu",
				  kind, name, &a) == 3) {
			static const char *const kinds[] = { "absent", "dir",
							     "file", "unknown" };
			enum xr_kind k = XR_ABSENT;

			while (k <= XR_UNKNOWN && strcmp(kinds[k], kind))
				k++;
			ok = k <= XR_UNKNOWN && (cur = add_file(mp, name, k, a));
		} else if (sscanf(line, "ext %llu %llu %llu %d", &a, &b, &c, &u) == 4 &&
			   cur && cur->kind == XR_FILE) {
			ok = !add_ext(cur, a, b, c, u);
		} else if (!strcmp(line, "end\n")) {
			end = 1;
		} else {
			ok = 0;
		}
		if (!ok) {
			snprintf(err, len, "%s:%u: not a map line", path, lineno);
			fclose(f);
			xr_map_free(mp);
			return -1;
		}
	}
	fclose(f);
	if (!end) {
		snprintf(err, len, "%s: cut before its end line", path);
		xr_map_free(mp);
		return -1;
	}
	return 0;
}

/* ---- reuse ------------------------------------------------------------------ */

int xr_covers(const struct xr_map *mp, const uint64_t *blk, size_t n,
	      uint32_t bs)
{
	if (!mp->recovery_known)
		return 0;
	/* The member's files are read from its image before recovery: no
	 * extent read may be a block recovery wrote. */
	for (size_t k = 0; k < mp->nf; k++)
		for (size_t e = 0; mp->f[k].kind == XR_FILE && e < mp->f[k].next; e++)
			for (size_t r = 0; r < mp->nr; r++)
				if (mp->r[r].off < mp->f[k].ext[e].physical + mp->f[k].ext[e].len &&
				    mp->r[r].off + mp->r[r].len > mp->f[k].ext[e].physical)
					return 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = blk[i] * bs, hi = lo + bs;
		int in_file = 0;

		for (size_t r = 0; r < mp->nr; r++)
			if (mp->r[r].off < hi && mp->r[r].off + mp->r[r].len > lo)
				return 0;
		for (size_t r = 0; r < mp->nfree && !in_file; r++)
			if (mp->free[r].off <= lo && mp->free[r].off + mp->free[r].len >= hi)
				in_file = 1;	/* free: read by no one */
		for (size_t k = 0; k < mp->nf && !in_file; k++) {
			const struct xr_file *f = &mp->f[k];

			for (size_t e = 0; f->kind == XR_FILE && e < f->next; e++)
				if (f->ext[e].physical <= lo &&
				    f->ext[e].physical + f->ext[e].len >= hi)
					in_file = 1;
		}
		if (!in_file)
			return 0;
	}
	return 1;
}

static int pread_all(int fd, unsigned char *p, uint64_t len, uint64_t off)
{
	while (len) {
		ssize_t r = pread(fd, p, len, (off_t)off);

		if (r <= 0) {
			if (!r)
				errno = EIO;	/* past the end of the image */
			return -1;
		}
		p += r;
		off += (uint64_t)r;
		len -= (uint64_t)r;
	}
	return 0;
}

static int read_file(const struct xr_file *x, int fd, struct file_read *r,
		     char *msg, size_t len)
{
	r->exists = x->kind != XR_ABSENT;
	if (x->kind != XR_FILE)
		return 0;
	r->size = x->size;
	if (!(r->data = calloc(1, x->size ? x->size : 1))) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	for (size_t e = 0; e < x->next; e++) {
		const struct xr_ext *ex = &x->ext[e];
		uint64_t n = ex->len;

		if (ex->unwritten || ex->logical >= x->size)
			continue;
		if (n > x->size - ex->logical)
			n = x->size - ex->logical;
		if (pread_all(fd, r->data + ex->logical, n, ex->physical)) {
			snprintf(msg, len, "reading %s's extent at %" PRIu64 ": %s",
				 x->path, ex->physical, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int xr_read(const struct xr_map *mp, int fd, struct file_read *f, size_t n,
	    char *msg, size_t len)
{
	for (size_t i = 0; i < n; i++) {
		const struct xr_file *x = NULL;

		f[i].exists = 0;
		f[i].size = 0;
		f[i].data = NULL;
		for (size_t k = 0; k < mp->nf && !x; k++)
			if (!strcmp(mp->f[k].path, f[i].path))
				x = &mp->f[k];
		if (!x || x->kind == XR_UNKNOWN) {
			snprintf(msg, len, "%s is not in the map", f[i].path);
			return -1;
		}
		if (read_file(x, fd, &f[i], msg, len))
			return -1;
	}
	return 0;
}

/* ---- the guest's pass over the members ------------------------------------- */

/* judge_files() reads a member's files through this map and image. */
static struct {
	const struct xr_map *map;
	int fd;
} member;

static int member_read(const char *root, const char *workdir, int sound,
		       struct file_read *f, size_t n, char *msg, size_t len)
{
	(void)root;
	(void)workdir;
	(void)sound;
	return xr_read(member.map, member.fd, f, n, msg, len);
}

static const struct fsops member_ops = { .read = member_read };

/* "ID,ID,..." or "-" into ids (at most max). Count, or -1. */
static long parse_list(const char *s, uint64_t *ids, size_t max)
{
	size_t n = 0;

	if (!strcmp(s, "-"))
		return 0;
	for (const char *p = s; *p;) {
		char *end;
		unsigned long long v;

		errno = 0;
		v = strtoull(p, &end, 10);
		if (errno || end == p || n == max || (*end && *end != ','))
			return -1;
		ids[n++] = v;
		p = *end ? end + 1 : end;
	}
	return (long)n;
}

/* The status word of KEY's line in the verdicts file: 1 when the image
 * mounted and passed xfs_repair -n ("ok" or "durability"). */
static int rep_sound(const char *verdicts, const char *key)
{
	FILE *f = fopen(verdicts, "r");
	char line[2048];
	size_t klen = strlen(key);
	int sound = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ' ') {
			const char *st = line + klen + 1;

			sound = !strncmp(st, "ok ", 3) || !strncmp(st, "durability ", 11);
		}
	fclose(f);
	return sound;
}

static uint32_t image_block_size(int fd)
{
	unsigned char sb[8];

	if (pread(fd, sb, sizeof(sb), 0) != (ssize_t)sizeof(sb) ||
	    memcmp(sb, "XFSB", 4))
		return 0;
	return be32(sb + 4);
}

/* One member: its verdict line into out, 1; 0 when it must be judged in
 * full; -1 out of memory. */
static int member_verdict(const struct ctm_manifest *m, const char *dir,
			  const char *key, const char *marks, const char *rep,
			  const char *blocks, FILE *out)
{
	char path[4096], err[256];
	struct xr_map map;
	uint64_t *ids, *blk;
	long nids, nblk;
	size_t cap = strlen(blocks) / 2 + 1, capids = strlen(marks) / 2 + 1;
	struct verdict v;
	uint32_t bs;
	int fd, ok = 0;

	snprintf(path, sizeof(path), "%s/verdicts", dir);
	if (!rep_sound(path, rep))
		return 0;
	snprintf(path, sizeof(path), "%s/%s.map", dir, rep);
	if (xr_load_map(path, &map, err, sizeof(err)))
		return 0;
	blk = malloc(cap * sizeof(*blk));
	ids = malloc(capids * sizeof(*ids));
	if (!blk || !ids) {
		free(blk);
		free(ids);
		xr_map_free(&map);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s.img", dir, key);
	nids = parse_list(marks, ids, capids);
	nblk = parse_list(blocks, blk, cap);
	fd = open(path, O_RDONLY);
	if (fd >= 0 && nids >= 0 && nblk >= 0 && (bs = image_block_size(fd)) &&
	    xr_covers(&map, blk, (size_t)nblk, bs)) {
		member.map = &map;
		member.fd = fd;
		if (!judge_files(m, &member_ops, path, ids, (size_t)nids, &v)) {
			if (v.durability_bad)
				fprintf(out, "%s durability %" PRIu64 " %s\n", key,
					v.mark, v.msg);
			else
				fprintf(out, "%s ok 0 \n", key);
			ok = 1;
		}
		member.map = NULL;
	}
	if (fd >= 0)
		close(fd);
	free(blk);
	free(ids);
	xr_map_free(&map);
	return ok;
}

int xr_judge_members(const struct ctm_manifest *m, const char *dir,
		     size_t *reused, size_t *rest, char *err, size_t len)
{
	char path[4096], *line = NULL;
	FILE *list, *verdicts = NULL, *other = NULL;
	size_t cap = 0;
	ssize_t n;
	int rc = 0;

	*reused = *rest = 0;
	snprintf(path, sizeof(path), "%s/list", dir);
	if (!(list = fopen(path, "r"))) {
		snprintf(err, len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/rest", dir);
	if (!(other = fopen(path, "w"))) {
		snprintf(err, len, "cannot create %s: %s", path, strerror(errno));
		fclose(list);
		return -1;
	}
	while (!rc && (n = getline(&line, &cap, list)) > 0) {
		char *tok[4], *save = NULL;
		size_t nt = 0;
		int r;

		if (line[n - 1] == '\n')
			line[n - 1] = 0;
		for (char *t = strtok_r(line, " ", &save); t && nt < 4;
		     t = strtok_r(NULL, " ", &save))
			tok[nt++] = t;
		if (nt == 2)
			continue;	/* a representative, judged already */
		if (nt != 4) {
			snprintf(err, len, "%s/list: not a list line", dir);
			rc = -1;
			break;
		}
		/* Verdicts are appended as they are found: the file is
		 * reopened for each, after the representatives' lines. */
		snprintf(path, sizeof(path), "%s/verdicts", dir);
		if (!(verdicts = fopen(path, "a"))) {
			snprintf(err, len, "cannot open %s: %s", path, strerror(errno));
			rc = -1;
			break;
		}
		r = member_verdict(m, dir, tok[0], tok[1], tok[2], tok[3], verdicts);
		if (fclose(verdicts) || r < 0) {
			snprintf(err, len, "writing %s: %s", path,
				 r < 0 ? "out of memory" : strerror(errno));
			rc = -1;
		} else if (r) {
			(*reused)++;
		} else {
			fprintf(other, "%s %s\n", tok[0], tok[1]);
			(*rest)++;
		}
	}
	free(line);
	fclose(list);
	if (fclose(other) && !rc) {
		snprintf(err, len, "writing %s/rest: %s", dir, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* ---- the host's guess of which blocks hold file data ------------------------ */

/* Does the block start as xfs metadata does: a v5 block magic, an inode,
 * a dir/attr block's magic after its sibling pointers, a log record? */
static int looks_metadata(const unsigned char *b)
{
	static const char *const magic4[] = {
		"XFSB", "XAGF", "XAGI", "XAFL", "AB3B", "AB3C", "IAB3", "FIB3",
		"BMA3", "XDB3", "XDD3", "XDF3", "RMB3", "R3FC", "XSLM", "XARM",
		"ABTB", "ABTC", "IABT", "FIBT", "BMAP", "XD2B", "XD2D", "XD2F",
		"QUOT", NULL,
	};
	static const uint16_t magic_da[] = { 0x3df1, 0x3dff, 0x3ebe, 0x3bee,
					     0xd2f1, 0xd2ff, 0xfebe, 0xfbee };

	if (b[0] == 'I' && b[1] == 'N')
		return 1;
	if (be32(b) == 0xfeedbabe)
		return 1;
	for (size_t i = 0; magic4[i]; i++)
		if (!memcmp(b, magic4[i], 4))
			return 1;
	for (size_t i = 0; i < sizeof(magic_da) / sizeof(magic_da[0]); i++)
		if ((uint16_t)(b[8] << 8 | b[9]) == magic_da[i])
			return 1;
	return 0;
}

void xr_guess_data(const unsigned char *base, const unsigned char *final,
		   uint64_t nunits, uint32_t bs, uint8_t *guess)
{
	uint64_t log_lo = 0, log_hi = 0;

	memset(guess, 0, nunits);
	if (bs < 512 || memcmp(final, "XFSB", 4))
		return;
	{
		uint32_t agblocks = be32(final + 84), logblocks = be32(final + 96);
		uint8_t agblklog = final[124];
		uint64_t ls = be64(final + 48);

		if (agblklog < 64 && ls) {
			log_lo = (ls >> agblklog) * agblocks +
				 (ls & ((1ull << agblklog) - 1));
			log_hi = log_lo + logblocks;
		}
	}
	for (uint64_t u = 1; u < nunits; u++)
		guess[u] = (u < log_lo || u >= log_hi) &&
			   !looks_metadata(base + u * bs) &&
			   !looks_metadata(final + u * bs);
}
