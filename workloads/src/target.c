#include "target.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "daxwl.h"
#include "verify.h"

static int fill(struct daxwl_run *r, uint64_t off, uint64_t len)
{
	struct target *t = &r->t;

	if (pattern_write_fd(t->fd, off, len, r->c.seed))
		return err_set(&r->err, errno == ENOSPC ? DAXWL_EUSAGE : DAXWL_ERUNTIME,
			       errno, "%s: cannot write the initial pattern", t->path);
	/* Settle the page cache so writeback does not run during the measurement. */
	if (!t->bdev && fdatasync(t->fd))
		return err_set(&r->err, DAXWL_ERUNTIME, errno, "%s: fdatasync", t->path);
	return 0;
}

static int check_space(struct daxwl_run *r, const char *path, uint64_t need)
{
	char *dup = strdup(path);
	struct statvfs sv;
	int rc = 0;

	if (!dup)
		return err_set(&r->err, DAXWL_ERUNTIME, ENOMEM, "strdup");
	if (statvfs(dirname(dup), &sv)) {
		rc = err_set(&r->err, DAXWL_EUSAGE, errno,
			     "cannot create %s: its directory is not usable", path);
	} else if ((uint64_t)sv.f_bavail * sv.f_frsize < need) {
		rc = err_set(&r->err, DAXWL_EUSAGE, 0,
			     "cannot create %s: --size %llu bytes exceeds the %llu bytes free there",
			     path, (unsigned long long)need,
			     (unsigned long long)sv.f_bavail * sv.f_frsize);
	}
	free(dup);
	return rc;
}

static int create_file(struct daxwl_run *r)
{
	struct target *t = &r->t;

	if (!r->c.size)
		return err_set(&r->err, DAXWL_EUSAGE, 0,
			       "%s does not exist; give --size to create it", t->path);
	if (check_space(r, t->path, r->c.size))
		return r->err.code;
	t->fd = open(t->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (t->fd < 0)
		return err_set(&r->err, DAXWL_EUSAGE, errno, "cannot create %s", t->path);
	t->created = true;
	t->writable = true;
	t->size = r->c.size;
	t->fill = r->c.sparse ? "sparse" : "pattern";
	int rc = 0;

	if (r->c.sparse) {
		if (ftruncate(t->fd, (off_t)t->size))
			rc = err_set(&r->err, DAXWL_ERUNTIME, errno, "%s: ftruncate", t->path);
	} else {
		rc = fill(r, 0, t->size);
	}
	if (rc) {
		/* Do not leave a half-written file behind that a later run would take as input. */
		close(t->fd);
		t->fd = -1;
		unlink(t->path);
		t->created = false;
	}
	return rc;
}

static int open_existing(struct daxwl_run *r, const struct stat *st)
{
	struct target *t = &r->t;
	bool write = r->need == TARGET_WRITE || r->c.verify;

	if (S_ISBLK(st->st_mode)) {
		if (!(r->cmd->flags & CMD_BDEV_OK))
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "%s is a block device; only rw and odirect accept one",
				       t->path);
		t->bdev = true;
	} else if (!S_ISREG(st->st_mode)) {
		return err_set(&r->err, DAXWL_EUSAGE, 0,
			       "%s is neither a regular file nor a block device", t->path);
	}
	if (write && !r->c.overwrite)
		return err_set(&r->err, DAXWL_EUSAGE, 0,
			       "refusing to write to %s: it exists and daxwl only writes files it "
			       "creates; pass --overwrite to allow it%s", t->path,
			       r->need == TARGET_WRITE ? "" : " (--verify rewrites the pattern)");
	/* O_EXCL on a block device fails if it is mounted or otherwise claimed. */
	int flags = (write ? O_RDWR : O_RDONLY) | O_CLOEXEC | (t->bdev && write ? O_EXCL : 0);

	t->fd = open(t->path, flags);
	if (t->fd < 0)
		return err_set(&r->err, errno == EBUSY ? DAXWL_EUSAGE : DAXWL_EUSAGE, errno,
			       "cannot open %s%s", t->path, write ? " for writing" : "");
	t->writable = write;
	t->fill = "existing";
	if (t->bdev) {
		uint64_t sz;

		if (ioctl(t->fd, BLKGETSIZE64, &sz))
			return err_set(&r->err, DAXWL_ERUNTIME, errno, "%s: BLKGETSIZE64", t->path);
		t->size = sz;
	} else {
		t->size = (uint64_t)st->st_size;
	}
	if (!r->c.size) {
		if (!t->size)
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "%s is empty; give --size (and --overwrite) to grow it", t->path);
		r->c.size = t->size;
	} else if (r->c.size > t->size) {
		if (t->bdev)
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "--size %llu is larger than the device %s (%llu bytes)",
				       (unsigned long long)r->c.size, t->path,
				       (unsigned long long)t->size);
		if (!r->c.overwrite)
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "%s is %llu bytes, smaller than --size %llu; pass --overwrite to extend it",
				       t->path, (unsigned long long)t->size,
				       (unsigned long long)r->c.size);
		if (!t->writable)
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "%s: extending needs a writing mode", t->path);
		uint64_t old = t->size;

		if (check_space(r, t->path, r->c.size - old))
			return r->err.code;
		if (ftruncate(t->fd, (off_t)r->c.size))
			return err_set(&r->err, DAXWL_ERUNTIME, errno, "%s: ftruncate", t->path);
		t->size = r->c.size;
		t->extended = true;
		if (!r->c.sparse && !r->c.verify && fill(r, old, t->size - old))
			return r->err.code;
	}
	if (r->c.verify) {
		t->refilled = true;
		return fill(r, 0, r->c.size);
	}
	return 0;
}

int target_open(struct daxwl_run *r)
{
	struct target *t = &r->t;
	struct stat st;

	t->fd = -1;
	t->path = r->c.file;
	if (r->need == TARGET_NONE) {
		if (r->c.file)
			return err_set(&r->err, DAXWL_EUSAGE, 0,
				       "%s works on anonymous memory and takes no --file",
				       r->cmd->name);
		return 0;
	}
	if (!r->c.file)
		return err_set(&r->err, DAXWL_EUSAGE, 0, "--file PATH is required");
	if (r->c.sparse && r->c.verify)
		return err_set(&r->err, DAXWL_EUSAGE, 0,
			       "--sparse and --verify conflict: verify needs the pattern written");
	int rc;

	if (stat(t->path, &st)) {
		if (errno != ENOENT)
			return err_set(&r->err, DAXWL_EUSAGE, errno, "cannot stat %s", t->path);
		rc = create_file(r);
	} else {
		rc = open_existing(r, &st);
	}
	if (rc)
		return rc;
	if (fstat(t->fd, &st))
		return err_set(&r->err, DAXWL_ERUNTIME, errno, "fstat %s", t->path);
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	return 0;
}

int target_reopen(const struct target *t, int flags, struct daxwl_err *e)
{
	struct stat st;
	int fd = open(t->path, flags | O_CLOEXEC | (t->writable ? O_RDWR : O_RDONLY));

	if (fd < 0) {
		int en = errno;

		/* EINVAL from open with O_DIRECT means the file system refuses it. */
		err_set(e, en == EINVAL ? DAXWL_ENOTSUP : DAXWL_ERUNTIME, en,
			"cannot open %s with the requested flags", t->path);
		return -1;
	}
	if (fstat(fd, &st) || st.st_ino != t->ino || st.st_dev != t->dev) {
		close(fd);
		err_set(e, DAXWL_ERUNTIME, 0, "%s changed while daxwl was using it", t->path);
		return -1;
	}
	return fd;
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}
