/* SPDX-License-Identifier: MIT */
/*
 * ext2 and ext4 through e2fsprogs, on an image file (no loop device):
 * ext4 replays its journal with "e2fsck -E journal_only" and is then
 * checked with "e2fsck -fn"; ext2 has no journal, so "e2fsck -fp" repairs
 * what a crash may leave and only a failure to repair counts.
 *
 * Files and block maps of an image the checker accepted are read in
 * process with libext2fs (ext2lib.h, the calls debugfs makes): a debugfs
 * run per image cost more than the reads. An image the checker rejected
 * may hold metadata that trips the library, so debugfs reads it in a
 * process of its own, and a crash there is an error, not ours.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ext2lib.h"
#include "fsops.h"
#include "fstool.h"

static int tool_failed(int rc, const char *what, const char *out,
		       const char *err, char *msg, size_t len)
{
	char ex[512];

	/* A long list of repairs must not push out why e2fsck stopped: the
	 * report tells a journal-less file system's expected manual fsck by
	 * that line. */
	fstool_excerpt_keep(out, ex, sizeof(ex), 360, "RUN fsck MANUALLY");
	if (rc < 0 || rc == 127 || rc >= 256)
		snprintf(msg, len, "%s: %s%s%s", what, err, ex[0] ? ": " : "", ex);
	else
		snprintf(msg, len, "%s exited with %d: %s", what, rc, ex);
	return rc < 0 || rc == 127 || rc >= 256 ? -1 : 1;
}

/*
 * e2fsck stamps what it writes with the time (the superblock's s_wtime
 * from libext2fs's clock, s_lastcheck from e2fsck's), so two replays of
 * one image a second apart differ. The judge reuses what a replay wrote
 * and keys checks by the replayed image: with both clocks pinned to the
 * judge's start (E2FSPROGS_FAKE_TIME and E2FSCK_TIME, e2fsprogs' own test
 * hooks; each kept when the caller set it) a replay depends on the image
 * alone. e2fsck's time checks allow a day of skew, and every time in a
 * crash image is older than the judge's start, so no verdict depends on
 * the pin.
 */
static void pin_clock(void)
{
	char now[32];

	if (getenv("E2FSCK_TIME") && getenv("E2FSPROGS_FAKE_TIME"))
		return;
	snprintf(now, sizeof(now), "%lld", (long long)time(NULL));
	setenv("E2FSCK_TIME", now, 0);
	setenv("E2FSPROGS_FAKE_TIME", now, 0);
}

static int ext4_recover(const char *scratch, const char *workdir, char *msg,
			size_t len)
{
	char out[4096], err[256] = "";
	char *replay[] = { "e2fsck", "-y", "-E", "journal_only",
			   (char *)scratch, NULL };
	int rc;

	pin_clock();
	fsops_wpath(workdir, "e2fsck.out", out, sizeof(out));
	rc = fstool_run(replay, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc != 0 && rc != 1)
		return tool_failed(rc, "journal replay (e2fsck -E journal_only)",
				   out, err, msg, len);
	return 0;
}

static int ext4_verify(const char *scratch, const char *workdir, char *msg,
		       size_t len)
{
	char out[4096], err[256] = "";
	char *fsck[] = { "e2fsck", "-fn", (char *)scratch, NULL };
	int rc;

	pin_clock();
	fsops_wpath(workdir, "e2fsck.out", out, sizeof(out));
	rc = fstool_run(fsck, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc != 0)
		return tool_failed(rc, "e2fsck -fn", out, err, msg, len);
	return 0;
}

static int ext4_check(const char *scratch, const char *workdir, char *msg,
		      size_t len)
{
	int rc = ext4_recover(scratch, workdir, msg, len);

	return rc ? rc : ext4_verify(scratch, workdir, msg, len);
}

static int ext2_check(const char *scratch, const char *workdir, char *msg,
		      size_t len)
{
	char out[4096], err[256] = "";
	char *fsck[] = { "e2fsck", "-fp", (char *)scratch, NULL };
	int rc;

	pin_clock();
	fsops_wpath(workdir, "e2fsck.out", out, sizeof(out));
	rc = fstool_run(fsck, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	/* 0: clean, 1: repaired automatically (what ext2 needs after a crash). */
	if (rc != 0 && rc != 1)
		return tool_failed(rc, "e2fsck -fp (automatic repair)", out,
				   err, msg, len);
	return 0;
}

/* Run debugfs on scratch with the commands in cmds; output to out. */
static int debugfs(const char *scratch, const char *workdir, const char *cmds,
		   char *out, size_t outlen, char *msg, size_t len)
{
	char cmdfile[4096], err[256] = "";
	char *argv[] = { "debugfs", "-f", cmdfile, (char *)scratch, NULL };
	FILE *f;
	int rc;

	fsops_wpath(workdir, "debugfs.cmd", cmdfile, sizeof(cmdfile));
	fsops_wpath(workdir, "debugfs.out", out, outlen);
	f = fopen(cmdfile, "w");
	if (!f || fputs(cmds, f) < 0 || fclose(f)) {
		snprintf(msg, len, "writing %s: %s", cmdfile, strerror(errno));
		return -1;
	}
	rc = fstool_run(argv, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc != 0) {
		tool_failed(rc, "debugfs", out, err, msg, len);
		return -1;
	}
	return 0;
}

static int ext_read(const char *scratch, const char *workdir, int sound,
		    struct file_read *fr, size_t n, char *msg, size_t len)
{
	size_t cap = 256 + n * (2 * 4096 + 32);
	char *cmds, out[4096], dst[4096];
	size_t used = 0;

	if (sound)
		return ext2lib_read(scratch, fr, n, msg, len);
	cmds = calloc(1, cap);
	if (!cmds) {
		snprintf(msg, len, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "file.%zu", i);
		fsops_wpath(workdir, name, dst, sizeof(dst));
		unlink(dst);
		used += (size_t)snprintf(cmds + used, cap - used,
					 "dump \"/%s\" \"%s\"\n", fr[i].path, dst);
	}
	if (debugfs(scratch, workdir, cmds, out, sizeof(out), msg, len)) {
		free(cmds);
		return -1;
	}
	free(cmds);
	for (size_t i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "file.%zu", i);
		fsops_wpath(workdir, name, dst, sizeof(dst));
		fr[i].data = NULL;
		fr[i].size = 0;
		fr[i].exists = access(dst, F_OK) == 0;
		if (fr[i].exists &&
		    fsops_slurp(dst, &fr[i].data, &fr[i].size)) {
			snprintf(msg, len, "reading %s: %s", dst, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * debugfs "stat" lists a file's mapping as "(L):P", "(L-L2):P-P2" items
 * (EXTENTS for ext4, BLOCKS for ext2); index and indirect blocks appear as
 * "(ETB0):P", "(IND):P" and are metadata, so they are skipped.
 */
static int ext_extents(const char *scratch, const char *workdir, int sound,
		       const char *path, struct fs_extent **ext, size_t *n,
		       char *msg, size_t len)
{
	char cmds[4200], out[4096], tok[256];
	size_t cap = 0;
	FILE *f;

	if (sound)
		return ext2lib_extents(scratch, path, ext, n, msg, len);
	*ext = NULL;
	*n = 0;
	snprintf(cmds, sizeof(cmds), "stat \"/%s\"\n", path);
	if (debugfs(scratch, workdir, cmds, out, sizeof(out), msg, len))
		return -1;
	f = fopen(out, "r");
	if (!f) {
		snprintf(msg, len, "reading %s: %s", out, strerror(errno));
		return -1;
	}
	while (fscanf(f, "%255s", tok) == 1) {
		unsigned long long l1, l2, p1, p2;
		char *t = tok;

		if (t[0] != '(')
			continue;
		if (sscanf(t, "(%llu-%llu):%llu-%llu", &l1, &l2, &p1, &p2) == 4) {
			if (l2 < l1 || p2 - p1 != l2 - l1)
				continue;
		} else if (sscanf(t, "(%llu):%llu", &l1, &p1) == 2) {
			l2 = l1;
		} else {
			continue;
		}
		if (fs_extent_push(ext, n, &cap, l1, p1, l2 - l1 + 1)) {
			fclose(f);
			snprintf(msg, len, "out of memory");
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static const char *const ext_tools[] = { "e2fsck", "debugfs", NULL };

const struct fsops fsops_ext4 = {
	.type = FS_EXT4,
	.tools = ext_tools,
	.check = ext4_check,
	.recover = ext4_recover,
	.verify = ext4_verify,
	.unread = ext2lib_journal_log,
	.read = ext_read,
	.extents = ext_extents,
};

const struct fsops fsops_ext2 = {
	.type = FS_EXT2,
	.tools = ext_tools,
	.check = ext2_check,
	.read = ext_read,
	.extents = ext_extents,
};
