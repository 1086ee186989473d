#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/files.h"
#include "daxwl.h"
#include "stop.h"
#include "verify.h"

const char *target_where(const struct target *t)
{
	return t->in_marker ? t->marker : t->path;
}

static int interrupted(struct daxwl_run *r, const char *what, uint64_t done, uint64_t len)
{
	int sig = dx_stop_signal();

	return err_set(&r->err, DX_EXIT_SIGNAL_BASE + sig, 0,
		       "interrupted by SIG%s while %s %s (%llu of %llu bytes written)",
		       sigabbrev_np(sig), what, r->t.path, (unsigned long long)done,
		       (unsigned long long)len);
}

static int fill(struct daxwl_run *r, uint64_t off, uint64_t len, const char *what)
{
	struct target *t = &r->t;
	uint64_t done = 0;

	if (verify_write_fd(t->fd, off, len, r->c.seed, &done)) {
		int en = errno;

		if (en == EINTR && dx_stop_signal())
			return interrupted(r, what, done, len);
		if (en == ENOSPC || en == EDQUOT)
			return err_set(&r->err, DX_EXIT_RESOURCES, en,
				       "%s: the file system was full after %llu of the %llu bytes "
				       "of the pattern (%llu bytes free now)", t->path,
				       (unsigned long long)done, (unsigned long long)len,
				       (unsigned long long)env_free_bytes(t->fd));
		if (en == EFBIG)
			return err_set(&r->err, DX_EXIT_RESOURCES, en,
				       "%s: the file size limit stopped the pattern after %llu "
				       "of %llu bytes", t->path, (unsigned long long)done,
				       (unsigned long long)len);
		return err_set(&r->err, DX_EXIT_FINDING, en, "%s: writing the pattern", t->path);
	}
	/* Settle the page cache so writeback does not run during the measurement. */
	if (!t->bdev && fdatasync(t->fd))
		return err_set(&r->err, DX_EXIT_FINDING, errno, "%s: fdatasync", t->path);
	return 0;
}

/* Is there room for need more bytes of the file at path? */
static int check_space(struct daxwl_run *r, const char *path, uint64_t need)
{
	char *dup = strdup(path);
	struct rlimit rl;
	int64_t avail;
	int rc = 0;

	if (!dup)
		return err_nomem(&r->err, strlen(path) + 1, "a path");
	avail = dx_free_bytes(dirname(dup));
	if (avail < 0) {
		rc = err_set(&r->err, DX_EXIT_USAGE, errno,
			     "cannot create %s: its directory is not usable", path);
	} else if ((uint64_t)avail < need) {
		rc = err_set(&r->err, DX_EXIT_RESOURCES, 0,
			     "%s needs %llu bytes, %llu bytes are free there", path,
			     (unsigned long long)need, (unsigned long long)avail);
	} else if (!getrlimit(RLIMIT_FSIZE, &rl) && rl.rlim_cur != RLIM_INFINITY &&
		   r->c.size > rl.rlim_cur) {
		rc = err_set(&r->err, DX_EXIT_RESOURCES, 0,
			     "%s needs %llu bytes, the file size limit (ulimit -f) allows %llu",
			     path, (unsigned long long)r->c.size,
			     (unsigned long long)rl.rlim_cur);
	}
	free(dup);
	return rc;
}

/* t->marker for the file at path: beside the real file, whichever name leads to it. */
static int marker_path(struct daxwl_run *r, bool exists)
{
	struct target *t = &r->t;
	char real[PATH_MAX], *dup = strdup(t->path), *slash;
	int rc = 0;

	if (!dup)
		return err_nomem(&r->err, strlen(t->path) + 1, "a path");
	if (exists) {
		if (!realpath(t->path, real))
			rc = err_set(&r->err, DX_EXIT_USAGE, errno, "cannot resolve %s", t->path);
	} else if (!realpath(dirname(dup), real)) {
		rc = err_set(&r->err, DX_EXIT_USAGE, errno,
			     "cannot create %s: its directory is not usable", t->path);
	} else {
		/* dirname() changed dup; the last component comes from the path itself. */
		const char *base = strrchr(t->path, '/');

		base = base ? base + 1 : t->path;
		if (strlen(real) + 1 + strlen(base) >= sizeof(real))
			rc = err_set(&r->err, DX_EXIT_USAGE, ENAMETOOLONG, "%s", t->path);
		else
			snprintf(real + strlen(real), sizeof(real) - strlen(real), "/%s", base);
	}
	free(dup);
	if (rc)
		return rc;
	slash = strrchr(real, '/');
	*slash = 0;
	if ((size_t)snprintf(t->marker, sizeof(t->marker), "%s/.%s" TARGET_MARKER_SUFFIX, real,
			     slash + 1) >= sizeof(t->marker))
		return err_set(&r->err, DX_EXIT_USAGE, ENAMETOOLONG, "%s", t->path);
	return 0;
}

/*
 * A marker left beside the target: refused while another daxwl holds it,
 * and when it was left by a fill that stopped (stale) unless --overwrite
 * asks to start over. *stale tells the caller to fill again.
 */
static int check_marker(struct daxwl_run *r, bool exists, bool *stale)
{
	struct target *t = &r->t;
	int fd = open(t->marker, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);

	*stale = false;
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return err_set(&r->err, DX_EXIT_USAGE, errno, "%s is in the way of %s's fill marker",
			       t->marker, t->path);
	}
	if (flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK) {
		close(fd);
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "another daxwl is filling %s right now (it holds %s)", t->path,
			       t->marker);
	}
	close(fd);
	if (!r->c.overwrite)
		return err_set(&r->err, DX_EXIT_USAGE, 0, exists ?
			       "%s was not filled completely: a daxwl filling it stopped before "
			       "the end and left %s; pass --overwrite to fill it again" :
			       "a daxwl creating %s stopped before the end and left its partial "
			       "file %s; pass --overwrite to remove it and start again",
			       t->path, t->marker);
	if (unlink(t->marker) && errno != ENOENT)
		return err_set(&r->err, DX_EXIT_USAGE, errno, "cannot remove %s", t->marker);
	fprintf(stderr, "daxwl: %s: a fill that stopped early left %s; %s\n", t->path, t->marker,
		exists ? "filling it again" : "removed it, creating the file again");
	*stale = true;
	return 0;
}

static int note_open(struct daxwl_run *r)
{
	struct target *t = &r->t;
	struct stat st;

	t->opened = true;
	if (fstat(t->fd, &st))
		return err_set(&r->err, DX_EXIT_FINDING, errno, "fstat %s", t->path);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

/* Moves the complete file from the marker's name to its own, never over another file. */
static int publish(struct daxwl_run *r)
{
	struct target *t = &r->t;
	int rc = renameat2(AT_FDCWD, t->marker, AT_FDCWD, t->path, RENAME_NOREPLACE);

	/* File systems without RENAME_NOREPLACE: link() does not replace either. */
	if (rc && (errno == EINVAL || errno == ENOSYS)) {
		rc = link(t->marker, t->path);
		if (!rc)
			unlink(t->marker);
	}
	if (rc)
		return err_set(&r->err, errno == EEXIST ? DX_EXIT_USAGE : DX_EXIT_FINDING, errno,
			       "cannot rename the filled %s to %s", t->marker, t->path);
	t->in_marker = false;
	flock(t->fd, LOCK_UN);
	return 0;
}

static int create_file(struct daxwl_run *r)
{
	struct target *t = &r->t;

	if (!r->c.size)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "%s does not exist; give --size to create it", t->path);
	if (check_space(r, t->path, r->c.size))
		return r->err.code;
	t->fd = open(t->marker, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (t->fd < 0) {
		int en = errno;

		return err_set(&r->err, en == ENOSPC || en == EDQUOT ? DX_EXIT_RESOURCES : DX_EXIT_USAGE,
			       en, "cannot create %s", t->marker);
	}
	t->in_marker = true;
	t->created = true;
	t->writable = true;
	t->size = r->c.size;
	t->fill = r->c.sparse ? "sparse" : "pattern";
	/* Nobody else can have it yet; the lock tells later runs that a fill is alive. */
	flock(t->fd, LOCK_EX | LOCK_NB);
	if (note_open(r) || (r->cmd->probe && r->cmd->probe(r)))
		return r->err.code;
	if (r->c.sparse) {
		if (ftruncate(t->fd, (off_t)t->size))
			return err_set(&r->err, errno == EFBIG ? DX_EXIT_RESOURCES : DX_EXIT_FINDING, errno,
				       "%s: ftruncate to %llu bytes", t->path,
				       (unsigned long long)t->size);
	} else if (fill(r, 0, t->size, "creating")) {
		return r->err.code;
	}
	return publish(r);
}

/* Holds the marker of an in-place fill; target_close drops it once the fill is done. */
static int take_marker(struct daxwl_run *r)
{
	struct target *t = &r->t;

	if (t->bdev)
		return 0;
	t->marker_fd = open(t->marker, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (t->marker_fd < 0)
		return err_set(&r->err, DX_EXIT_USAGE, errno,
			       "cannot create %s, which marks %s as being filled", t->marker, t->path);
	flock(t->marker_fd, LOCK_EX | LOCK_NB);
	return 0;
}

static void drop_marker(struct target *t)
{
	if (t->marker_fd < 0)
		return;
	unlink(t->marker);
	close(t->marker_fd);
	t->marker_fd = -1;
}

static int open_existing(struct daxwl_run *r, const struct stat *st, bool stale)
{
	struct target *t = &r->t;
	bool write = r->need == TARGET_WRITE || r->c.verify || stale;

	if (S_ISBLK(st->st_mode)) {
		if (!(r->cmd->flags & CMD_BDEV_OK))
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "%s is a block device; only rw and odirect accept one",
				       t->path);
		t->bdev = true;
	} else if (!S_ISREG(st->st_mode)) {
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "%s is neither a regular file nor a block device", t->path);
	}
	if (write && !r->c.overwrite)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "refusing to write to %s: it exists and daxwl only writes files it "
			       "creates; pass --overwrite to allow it%s", t->path,
			       r->need == TARGET_WRITE ? "" : " (--verify rewrites the pattern)");
	/* O_EXCL on a block device fails if it is mounted or otherwise claimed. */
	int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC | (t->bdev && write ? O_EXCL : 0);

	t->fd = open(t->path, flags);
	if (t->fd < 0)
		return err_set(&r->err, DX_EXIT_USAGE, errno, "cannot open %s%s", t->path,
			       write ? " for writing" : "");
	t->writable = write;
	t->fill = "existing";
	if (note_open(r))
		return r->err.code;
	if (t->bdev) {
		uint64_t sz;

		if (ioctl(t->fd, BLKGETSIZE64, &sz))
			return err_set(&r->err, DX_EXIT_FINDING, errno, "%s: BLKGETSIZE64", t->path);
		t->size = sz;
	} else {
		t->size = (uint64_t)st->st_size;
	}
	uint64_t old = t->size;

	if (!r->c.size) {
		if (!t->size)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "%s is empty; give --size (and --overwrite) to grow it", t->path);
		r->c.size = t->size;
	} else if (r->c.size > t->size) {
		if (t->bdev)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "--size %llu is larger than the device %s (%llu bytes)",
				       (unsigned long long)r->c.size, t->path,
				       (unsigned long long)t->size);
		if (!r->c.overwrite)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "%s is %llu bytes, smaller than --size %llu; pass --overwrite to extend it",
				       t->path, (unsigned long long)t->size,
				       (unsigned long long)r->c.size);
		if (!t->writable)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "%s: extending needs a writing mode", t->path);
		if (check_space(r, t->path, r->c.size - old))
			return r->err.code;
	}
	/* Decide support before anything of the file changes. */
	if (r->cmd->probe && r->cmd->probe(r))
		return r->err.code;
	bool refill = r->c.verify || stale;

	if (r->c.size == old && !refill)
		return 0;
	if (take_marker(r))
		return r->err.code;
	if (r->c.size > old) {
		if (ftruncate(t->fd, (off_t)r->c.size))
			return err_set(&r->err, errno == EFBIG ? DX_EXIT_RESOURCES : DX_EXIT_FINDING, errno,
				       "%s: ftruncate to %llu bytes", t->path,
				       (unsigned long long)r->c.size);
		t->size = r->c.size;
		t->extended = true;
		if (!r->c.sparse && !refill && fill(r, old, t->size - old, "extending"))
			return r->err.code;
	}
	if (refill) {
		t->refilled = true;
		/* After an unfinished fill all of the file is suspect, not just the part used now. */
		if (fill(r, 0, stale ? t->size : r->c.size, "refilling"))
			return r->err.code;
	}
	drop_marker(t);
	return 0;
}

bool target_is_marker(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n, m = strlen(TARGET_MARKER_SUFFIX);

	base = base ? base + 1 : path;
	n = strlen(base);
	return base[0] == '.' && n > m && !strcmp(base + n - m, TARGET_MARKER_SUFFIX);
}

int target_open(struct daxwl_run *r)
{
	struct target *t = &r->t;
	struct stat st;
	bool exists = true, stale;

	t->fd = t->marker_fd = -1;
	t->path = r->c.file;
	if (r->need == TARGET_NONE) {
		if (r->c.file)
			return err_set(&r->err, DX_EXIT_USAGE, 0,
				       "%s works on anonymous memory and takes no --file",
				       r->cmd->name);
		return 0;
	}
	if (!r->c.file)
		return err_set(&r->err, DX_EXIT_USAGE, 0, "--file PATH is required");
	if (r->c.sparse && r->c.verify)
		return err_set(&r->err, DX_EXIT_USAGE, 0,
			       "--sparse and --verify conflict: verify needs the pattern written");
	if (target_is_marker(t->path))
		return err_set(&r->err, DX_EXIT_USAGE, 0, "%s is the fill marker of another file "
			       "(*" TARGET_MARKER_SUFFIX "), not a target", t->path);
	if (lstat(t->path, &st)) {
		if (errno != ENOENT)
			return err_set(&r->err, DX_EXIT_USAGE, errno, "cannot stat %s", t->path);
		exists = false;
	} else if (stat(t->path, &st)) {
		return err_set(&r->err, DX_EXIT_USAGE, errno, errno == ENOENT ?
			       "%s is a symbolic link to nothing" : "cannot stat %s", t->path);
	}
	if (!exists && t->path[strlen(t->path) - 1] == '/')
		return err_set(&r->err, DX_EXIT_USAGE, 0, "%s names a directory, not a file", t->path);
	if (!S_ISBLK(st.st_mode) || !exists) {
		if (marker_path(r, exists) || check_marker(r, exists, &stale))
			return r->err.code;
	} else {
		stale = false;
	}
	return exists ? open_existing(r, &st, stale) : create_file(r);
}

int target_reopen(const struct target *t, int flags, struct daxwl_err *e)
{
	struct stat st;
	const char *where = target_where(t);
	int fd = open(where, flags | O_CLOEXEC | (t->writable ? O_RDWR : O_RDONLY));

	if (fd < 0) {
		int en = errno;

		/* EINVAL from open with O_DIRECT means the file system refuses it. */
		err_set(e, en == EINVAL ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING, en,
			"cannot open %s with the requested flags", t->path);
		return -1;
	}
	if (fstat(fd, &st) || st.st_ino != t->ino || st.st_dev != t->dev) {
		close(fd);
		err_set(e, DX_EXIT_FINDING, 0, "%s changed while daxwl was using it", t->path);
		return -1;
	}
	return fd;
}

static void append_msg(struct daxwl_err *e, const char *fmt, const char *a, const char *b)
{
	size_t n = strlen(e->msg);

	snprintf(e->msg + n, sizeof(e->msg) - n, fmt, a, b);
}

void target_close(struct daxwl_run *r)
{
	struct target *t = &r->t;

	if (t->fd >= 0 && t->created && r->err.code) {
		const char *where = target_where(t);
		struct stat a, b;

		/* Only the file this invocation made, not one that took its name since. */
		if (!fstat(t->fd, &a) && !stat(where, &b) && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino && !unlink(where)) {
			t->removed = true;
			append_msg(&r->err, t->in_marker ? "; %s, the file being created, is removed%s" :
				   "; %s, which this run created, is removed%s", where, "");
		}
	}
	if (t->marker_fd >= 0) {
		/* The fill in place did not finish: the marker stays, unlocked, as a warning. */
		append_msg(&r->err, "; %s stays to mark %s as not completely filled", t->marker,
			   t->path);
		close(t->marker_fd);
		t->marker_fd = -1;
	}
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
