/* SPDX-License-Identifier: MIT */
/*
 * The seq workload: run one generated sequence (seq.h; ctseq emit writes
 * it) in the DAX mount. The setup objects are made and synced before the
 * start mark; then each core operation runs (they promise nothing, so no
 * mark), then the persistence point, then one mark carrying what that
 * point promises on this file system (seq_promises: the rules live there,
 * shared with the generator).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "ctwl.h"
#include "daxlab/exit.h"
#include "daxlab/mapsync.h"
#include "daxlab/pattern.h"
#include "seq.h"

static struct seq seq;
static struct seq_state state;
static enum seq_fs fs;
static unsigned rules;		/* seq_promises' rules for this kernel */

/* Read and check the sequence before the manifest exists: a malformed one
 * is bad input (2); c->fs picks the promise rules. */
static int seq_prepare(struct ctwl *c)
{
	char err[300], *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	const char *fsname = c->fs;

	if (!c->seq_file) {
		fprintf(stderr, "ctwl: the seq workload needs --seq FILE (ctseq "
			"emit NAME writes one)\n");
		return DX_EXIT_USAGE;
	}
	if (!fsname || seq_fs_parse(fsname, &fs)) {
		fprintf(stderr, "ctwl: seq: unknown file system '%s'\n",
			fsname ? fsname : "");
		return DX_EXIT_USAGE;
	}
	f = fopen(c->seq_file, "r");
	if (!f) {
		fprintf(stderr, "ctwl: cannot read the sequence %s: %s\n",
			c->seq_file, strerror(errno));
		return DX_EXIT_USAGE;
	}
	for (;;) {
		size_t n;

		if (cap - len < 4096) {
			char *nb = cap > (1u << 20) ? NULL : realloc(buf, cap + 8192);

			if (!nb) {
				fprintf(stderr, "ctwl: the sequence %s is too long\n",
					c->seq_file);
				free(buf);
				fclose(f);
				return DX_EXIT_USAGE;
			}
			buf = nb;
			cap += 8192;
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "ctwl: reading the sequence %s: %s\n", c->seq_file,
			strerror(errno));
		free(buf);
		fclose(f);
		return DX_EXIT_USAGE;
	}
	fclose(f);
	if (seq_parse(&seq, buf ? buf : "", len, err, sizeof(err))) {
		fprintf(stderr, "ctwl: %s: %s\n", c->seq_file, err);
		free(buf);
		return DX_EXIT_USAGE;
	}
	free(buf);
	if (!seq_on(&seq, fs)) {
		fprintf(stderr, "ctwl: %s: %s has no fallocate: the sequence is "
			"not supported here\n", c->seq_file, fsname);
		return DX_EXIT_UNSUPPORTED;
	}
	return 0;
}

static const char *P(struct ctwl *c, enum seq_obj o)
{
	return ctwl_path(c, seq_obj_path(o));
}

/*
 * Does this kernel's ext2 offer MAP_SYNC, and with it the contract of
 * SEQ_EXT2_NEWENTRY? mmap() says so before any page is touched
 * (EOPNOTSUPP on stock ext2). The probe file is gone before the setup, so
 * the baseline the setup syncs is the same either way.
 */
static int probe_ext2_map_sync(struct ctwl *c)
{
	char path[4096], err[512];
	struct dx_mapping m;
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s", ctwl_path(c, ".map-sync-probe"));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return ctwl_err("creating %s", path);
	close(fd);
	if (!dx_map_sync(&m, path, 4096, err, sizeof(err))) {
		rules |= SEQ_EXT2_NEWENTRY;
		dx_unmap(&m);
	} else if (errno != EOPNOTSUPP) {
		fprintf(stderr, "ctwl: probing MAP_SYNC: %s\n", err);
		rc = -1;
	}
	if (unlink(path) && !rc)
		rc = ctwl_err("removing %s", path);
	return rc;
}

static int seq_setup(struct ctwl *c)
{
	char err[160];
	int fd;

	if (seq_begin(&state, &seq, err, sizeof(err))) {
		fprintf(stderr, "ctwl: %s\n", err);
		return -1;
	}
	if (fs == SEQ_EXT2 && probe_ext2_map_sync(c))
		return -1;
	if ((seq.setup & (1u << SEQ_D)) && mkdir(P(c, SEQ_D), 0755))
		return ctwl_err("setup: mkdir D");
	for (unsigned o = SEQ_A; o <= SEQ_C; o++) {
		const struct seq_inode *n;
		int rc;

		if (!(seq.setup & (1u << o)))
			continue;
		n = &state.node[state.ino[o]];
		fd = open(P(c, o), O_RDWR | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return ctwl_err("setup: creating %s", seq_obj_path(o));
		rc = ctwl_pwrite_pattern(fd, 0, n->seg[0].len, n->seg[0].seed, 0);
		close(fd);
		if (rc)
			return -1;
	}
	/* The baseline: durable before the start mark (and with --trace
	 * before the window opens, guest-run's pmmark announce). */
	fd = open(c->dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return ctwl_err("opening %s", c->dir);
	if (syncfs(fd)) {
		close(fd);
		return ctwl_err("syncfs of %s", c->dir);
	}
	close(fd);
	return 0;
}

/* Write the pattern of st through write() on an O_APPEND descriptor. */
static int append_pattern(int fd, const struct seq_step *st)
{
	unsigned char *buf = malloc(st->len);
	size_t done = 0;

	if (!buf)
		return ctwl_err("allocating %zu bytes", (size_t)st->len);
	dx_pattern_fill(DX_PATTERN_CTWL, st->seed, st->off, buf, st->len);
	while (done < st->len) {
		ssize_t n = write(fd, buf + done, st->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			free(buf);
			return ctwl_err("appending %zu bytes",
					(size_t)(st->len - done));
		}
		done += (size_t)n;
	}
	free(buf);
	return 0;
}

/*
 * The file's new bytes from a pipe, spliced in at its end: the kernel
 * copies them from the pipe's pages (a bvec iterator), and the DAX write
 * of a kernel buffer goes through memcpy_flushcache(), not the user copy
 * write(2) takes. That is the path sendfile() and splice() servers use,
 * and the odd length leaves it an unaligned tail to write back.
 */
static int splice_write(struct ctwl *c, const char *name,
			const struct seq_step *st)
{
	unsigned char *buf = malloc(st->len);
	loff_t off = (loff_t)st->off;
	size_t done = 0;
	int fd, p[2] = { -1, -1 }, rc = 0;

	if (!buf)
		return ctwl_err("allocating %zu bytes", (size_t)st->len);
	dx_pattern_fill(DX_PATTERN_CTWL, st->seed, st->off, buf, st->len);
	fd = open(ctwl_path(c, name), O_WRONLY);
	if (fd < 0 || pipe(p)) {
		rc = ctwl_err(fd < 0 ? "opening %s" : "a pipe for %s", name);
		goto out;
	}
	while (done < st->len && !rc) {
		size_t chunk = st->len - done < 4096 ? st->len - done : 4096;
		ssize_t w = write(p[1], buf + done, chunk), n;

		if (w <= 0) {
			rc = ctwl_err("filling the pipe for %s", name);
			break;
		}
		while (w > 0) {
			n = splice(p[0], NULL, fd, &off, (size_t)w, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				rc = ctwl_err("splice into %s at %lld", name,
					      (long long)off);
				break;
			}
			w -= n;
			done += (size_t)n;
		}
	}
out:
	if (p[0] >= 0) {
		close(p[0]);
		close(p[1]);
	}
	if (fd >= 0)
		close(fd);
	free(buf);
	return rc;
}

/* An aligned buffer of one block through O_DIRECT. DAX files take the
 * DAX path whatever O_DIRECT says (ext2, ext4, xfs); a file system that
 * refuses O_DIRECT at open (EINVAL) cannot run the sequence. */
static int odirect_write(struct ctwl *c, const char *name,
			 const struct seq_step *st)
{
	void *buf = NULL;
	int fd, rc = 0;

	fd = open(ctwl_path(c, name), O_WRONLY | O_DIRECT);
	if (fd < 0 && errno == EINVAL) {
		fprintf(stderr, "ctwl: %s: O_DIRECT is not supported here\n", name);
		return DX_EXIT_UNSUPPORTED;
	}
	if (fd < 0)
		return ctwl_err("opening %s with O_DIRECT", name);
	if (posix_memalign(&buf, 4096, st->len)) {
		close(fd);
		return ctwl_err("allocating %zu aligned bytes", (size_t)st->len);
	}
	dx_pattern_fill(DX_PATTERN_CTWL, st->seed, st->off, buf, st->len);
	if (pwrite(fd, buf, st->len, (off_t)st->off) != (ssize_t)st->len)
		rc = ctwl_err("O_DIRECT write of %s", name);
	free(buf);
	close(fd);
	return rc;
}

/* Stores into a shared mapping of the whole file; msync: MS_SYNC of the
 * pages stored to before unmapping. */
static int map_store(struct ctwl *c, const char *name,
		     const struct seq_step *st, uint64_t size, int do_msync)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *tmp;
	int fd = open(ctwl_path(c, name), O_RDWR), rc = 0;

	if (fd < 0)
		return ctwl_err("opening %s", name);
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return ctwl_err("mmap of %s", name);
	}
	tmp = malloc(st->len);
	if (!tmp) {
		rc = ctwl_err("allocating %zu bytes", (size_t)st->len);
	} else {
		uint64_t start = st->off & ~(uint64_t)(page - 1);

		dx_pattern_fill(DX_PATTERN_CTWL, st->seed, st->off, tmp, st->len);
		ctwl_store_words(map + st->off, tmp, st->len);
		if (do_msync && msync(map + start, st->off + st->len - start, MS_SYNC))
			rc = ctwl_err("msync of %s", name);
	}
	free(tmp);
	munmap(map, size);
	close(fd);
	return rc;
}

/* MAP_SYNC stores, then the user-space flush (libpmem2's persist). */
static int map_sync_store(struct ctwl *c, const char *name,
			  const struct seq_step *st)
{
	struct ctwl_sync_map m;
	unsigned char *tmp;
	int fd = open(ctwl_path(c, name), O_RDWR), rc;

	if (fd < 0)
		return ctwl_err("opening %s", name);
	rc = ctwl_map_sync_open(&m, fd, name);
	if (rc) {
		close(fd);
		return rc;
	}
	tmp = malloc(st->len);
	if (!tmp) {
		rc = ctwl_err("allocating %zu bytes", (size_t)st->len);
	} else {
		dx_pattern_fill(DX_PATTERN_CTWL, st->seed, st->off, tmp, st->len);
		ctwl_store_words(m.addr + st->off, tmp, st->len);
		m.persist(m.addr + st->off, st->len);
	}
	free(tmp);
	ctwl_map_sync_close(&m);
	close(fd);
	return rc;
}

/* open + one call on the descriptor: fsync, fdatasync or fallocate. */
static int on_fd(struct ctwl *c, const struct seq_op *op,
		 const struct seq_step *st)
{
	const char *name = seq_obj_path(op->a);
	int fd = open(ctwl_path(c, name), O_RDONLY), rc = 0;

	if (op->k >= SEQ_FALLOC && op->k <= SEQ_ZERO_RANGE) {
		if (fd >= 0)
			close(fd);
		fd = open(ctwl_path(c, name), O_RDWR);
	}
	if (fd < 0)
		return ctwl_err("opening %s", name);
	switch (op->k) {
	case SEQ_FSYNC:
		if (fsync(fd))
			rc = ctwl_err("fsync of %s", name);
		break;
	case SEQ_FDATASYNC:
		if (fdatasync(fd))
			rc = ctwl_err("fdatasync of %s", name);
		break;
	default:
		if (!fallocate(fd, st->mode, (off_t)st->off, (off_t)st->len))
			break;
		if (errno == EOPNOTSUPP) {
			fprintf(stderr, "ctwl: %s %s: not supported here: %s\n",
				seq_kind_name(op->k), name, strerror(errno));
			rc = DX_EXIT_UNSUPPORTED;
		} else {
			rc = ctwl_err("%s %s", seq_kind_name(op->k), name);
		}
	}
	close(fd);
	return rc;
}

static int execute(struct ctwl *c, const struct seq_op *op)
{
	const char *a = seq_obj_path(op->a), *b = seq_obj_path(op->b);
	uint64_t size = 0;
	struct seq_step st;
	char err[160];
	int fd, rc = 0;

	if (state.ino[op->a] >= 0 && op->a <= SEQ_C)
		size = state.node[state.ino[op->a]].size;
	if (seq_apply(&state, op, &st, err, sizeof(err))) {
		fprintf(stderr, "ctwl: %s\n", err);
		return -1;
	}
	switch (op->k) {
	case SEQ_CREAT:
		fd = open(ctwl_path(c, a), O_WRONLY | O_CREAT | O_EXCL, 0644);
		if (fd < 0)
			return ctwl_err("creat %s", a);
		close(fd);
		return 0;
	case SEQ_MKDIR:
		return mkdir(ctwl_path(c, a), 0755) ? ctwl_err("mkdir %s", a) : 0;
	case SEQ_RMDIR:
		return rmdir(ctwl_path(c, a)) ? ctwl_err("rmdir %s", a) : 0;
	case SEQ_LINK:
		return link(ctwl_path(c, a), ctwl_path(c, b))
			       ? ctwl_err("link %s %s", a, b) : 0;
	case SEQ_RENAME:
		return rename(ctwl_path(c, a), ctwl_path(c, b))
			       ? ctwl_err("rename %s %s", a, b) : 0;
	case SEQ_UNLINK:
		return unlink(ctwl_path(c, a)) ? ctwl_err("unlink %s", a) : 0;
	case SEQ_SETXATTR:
		return setxattr(ctwl_path(c, a), SEQ_XATTR, "ctwl", 4, 0)
			       ? ctwl_err("setxattr %s", a) : 0;
	case SEQ_TRUNC_GROW:
	case SEQ_TRUNC_SHRINK:
		return truncate(ctwl_path(c, a), (off_t)st.size)
			       ? ctwl_err("truncate %s to %llu", a,
					  (unsigned long long)st.size) : 0;
	case SEQ_WRITE:
		fd = open(ctwl_path(c, a), O_WRONLY | O_APPEND);
		if (fd < 0)
			return ctwl_err("opening %s", a);
		rc = append_pattern(fd, &st);
		close(fd);
		return rc;
	case SEQ_PWRITE_PAGE:
	case SEQ_PWRITE_2M:
	case SEQ_OSYNC_WRITE:
	case SEQ_DSYNC_WRITE:
		fd = open(ctwl_path(c, a),
			  O_WRONLY | (op->k == SEQ_OSYNC_WRITE ? O_SYNC : 0));
		if (fd < 0)
			return ctwl_err("opening %s", a);
		rc = ctwl_pwrite_pattern(fd, st.off, st.len, st.seed,
					 op->k == SEQ_DSYNC_WRITE ? RWF_DSYNC : 0);
		close(fd);
		return rc;
	case SEQ_ODIRECT:
		return odirect_write(c, a, &st);
	case SEQ_SPLICE:
		return splice_write(c, a, &st);
	case SEQ_MMAP:
	case SEQ_MSYNC:
		return map_store(c, a, &st, size, op->k == SEQ_MSYNC);
	case SEQ_MAP_SYNC:
		return map_sync_store(c, a, &st);
	case SEQ_SYNC:
		sync();
		return 0;
	case SEQ_FSYNC:
		if (op->a == SEQ_D || op->a == SEQ_ROOT)
			return ctwl_fsync_path(c, a);
		return on_fd(c, op, &st);
	case SEQ_FDATASYNC:
	case SEQ_FALLOC:
	case SEQ_FALLOC_KEEP:
	case SEQ_PUNCH:
	case SEQ_ZERO_RANGE:
		return on_fd(c, op, &st);
	case SEQ_NKINDS:
		break;
	}
	return -1;
}

static int seq_run(struct ctwl *c)
{
	struct ctm_promise p[SEQ_MAX_PROMISES];
	char label[64];
	size_t n;
	uint64_t id;
	int rc;

	for (unsigned i = 0; i < seq.nops; i++)
		if ((rc = execute(c, &seq.op[i])))
			return rc;
	if ((rc = execute(c, &seq.pp)))
		return rc;
	n = seq_promises(&seq, &state, fs, rules, p, SEQ_MAX_PROMISES);
	if (!n)
		return 0;	/* nothing this point promises here: no mark */
	/* the label says which rules promised (the trace and report show it) */
	snprintf(label, sizeof(label), "%s%s", seq_kind_name(seq.pp.k),
		 rules & SEQ_EXT2_NEWENTRY ? " (ext2 with MAP_SYNC)" : "");
	id = ctwl_mark(c, label);
	for (size_t i = 0; i < n; i++) {
		switch (p[i].kind) {
		case CTM_DATA:
			rc = ctwl_data(c, id, p[i].path, p[i].off, p[i].len, p[i].seed);
			break;
		case CTM_ZERO:
			rc = ctwl_zero(c, id, p[i].path, p[i].off, p[i].len);
			break;
		case CTM_SIZE:
			rc = ctwl_size(c, id, p[i].path, p[i].len);
			break;
		case CTM_NAME:
			rc = ctwl_name(c, id, p[i].path);
			break;
		case CTM_GONE:
			rc = ctwl_gone(c, id, p[i].path);
			break;
		case CTM_RENAME:
			rc = ctwl_rename(c, id, p[i].path, p[i].path2);
			break;
		}
		if (rc)
			return rc;
	}
	return 0;
}

const struct ctwl_workload ctwl_seq = {
	.name = "seq",
	.promise = "a generated sequence (--seq FILE): what its persistence point promises (crashtest/README.md)",
	.run = seq_run,
	.prepare = seq_prepare,
	.setup = seq_setup,
};
