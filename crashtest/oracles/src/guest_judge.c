// SPDX-License-Identifier: MIT
/* Judging exported images inside the VM in one process (guest_judge.h). */
#include "guest_judge.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/exit.h"
#include "fsops.h"
#include "fstool.h"
#include "judge.h"
#include "xfs_reuse.h"

/* The reasons of a verdict line are cut here, as a report line is. */
#define GJ_MSG_MAX 400

struct gj {
	const struct ctm_manifest *m;
	const struct gj_opts *o;
	const char *dir;
	FILE *verdicts;
	char rtrace[512];	/* tracefs trace file, "" without the events */
};

/* Append " what" to msg, newlines made spaces, msg cut to GJ_MSG_MAX. */
static void add(char *msg, size_t len, const char *what)
{
	size_t n = strlen(msg);
	size_t cap = len < GJ_MSG_MAX + 1 ? len : GJ_MSG_MAX + 1;

	if (n && n + 1 < cap)
		msg[n++] = ' ';
	for (; *what && n + 1 < cap; what++)
		msg[n++] = *what == '\n' || *what == '\t' ? ' ' : *what;
	msg[n] = '\0';
}

/* The last lines of the kernel log (why a mount failed). */
static void kernel_log_tail(char *out, size_t len, int lines)
{
	int size = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf;
	int n;

	out[0] = '\0';
	if (size <= 0 || !(buf = malloc((size_t)size + 1)))
		return;
	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, size);
	if (n > 0) {
		char *p = buf + n;

		buf[n] = '\0';
		while (p > buf && p[-1] == '\n')
			*--p = '\0';
		while (p > buf && lines > 0)
			if (*--p == '\n')
				lines--;
		snprintf(out, len, "%s", *p == '\n' ? p + 1 : p);
	}
	free(buf);
}

/* A free loop device bound to path: its fd, name in dev; -1 with msg. */
static int loop_attach(const char *path, char *dev, size_t devlen, char *msg,
		       size_t len)
{
	int ctl, fd = -1, img, nr;

	img = open(path, O_RDWR | O_CLOEXEC);
	if (img < 0) {
		snprintf(msg, len, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		snprintf(msg, len, "no /dev/loop-control: %s", strerror(errno));
		close(img);
		return -1;
	}
	/* Another process may take the free device first: ask again. */
	for (int tries = 0; tries < 8 && fd < 0; tries++) {
		nr = ioctl(ctl, LOOP_CTL_GET_FREE);
		if (nr < 0) {
			snprintf(msg, len, "no free loop device: %s", strerror(errno));
			break;
		}
		snprintf(dev, devlen, "/dev/loop%d", nr);
		fd = open(dev, O_RDWR | O_CLOEXEC);
		if (fd < 0) {
			snprintf(msg, len, "cannot open %s: %s", dev, strerror(errno));
			break;
		}
		if (ioctl(fd, LOOP_SET_FD, img) == 0)
			break;
		snprintf(msg, len, "%s: LOOP_SET_FD: %s", dev, strerror(errno));
		close(fd);
		fd = -1;
		if (errno != EBUSY)
			break;
	}
	close(ctl);
	close(img);
	return fd;
}

static void loop_detach(int fd)
{
	/* With an opener left the kernel detaches at its last close. */
	(void)ioctl(fd, LOOP_CLR_FD, 0);
	close(fd);
}

/* xfs_repair -n on dev: 0 clean, 1 a complaint in msg, -1 not run. */
static int repair_check(const char *dev, const char *dir, char *msg, size_t len)
{
	char out[600], err[256] = "", line[512];
	char *argv[] = { FSOPS_XFS_REPAIR_ARGV, (char *)dev, NULL };
	FILE *f;
	int rc;

	snprintf(out, sizeof(out), "%s/xfs_repair.out", dir);
	rc = fstool_run(argv, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc == 0) {
		unlink(out);
		return 0;
	}
	if (rc < 0 || rc == 127) {
		snprintf(msg, len, "%s", err);
		unlink(out);
		return -1;
	}
	/* Its complaints, without the progress lines. */
	snprintf(msg, len, "xfs_repair -n after log recovery:");
	if ((f = fopen(out, "r"))) {
		while (fgets(line, sizeof(line), f)) {
			const char *p = line + strspn(line, " ");

			line[strcspn(line, "\n")] = '\0';
			if (!strncmp(p, "- ", 2) || !strncmp(line, "Phase", 5) ||
			    !strncmp(line, "No modify", 9) || !line[0])
				continue;
			add(msg, len, line);
		}
		fclose(f);
	}
	if (err[0])
		add(msg, len, err);
	unlink(out);
	return 1;
}

/* Judge KEY's image in full, writing its map when map is not NULL. */
static int judge_one(struct gj *g, const char *key, const char *marks,
		     const char *map)
{
	char img[600], dev[64], msg[GJ_MSG_MAX + 1] = "", rmsg[GJ_MSG_MAX + 1];
	char klog[2048];
	const char *status = "ok";
	uint64_t *ids = NULL, mark = 0;
	size_t n = 0;
	int fd, rc;

	if (!strcmp(marks, "-"))
		marks = "";
	rc = g->o->parse_marks(marks, g->m, g->o->mpath, &ids, &n);
	if (rc)
		return rc;
	snprintf(img, sizeof(img), "%s/%s.img", g->dir, key);
	fd = loop_attach(img, dev, sizeof(dev), klog, sizeof(klog));
	if (fd < 0) {
		fprintf(stderr, "ctoracle guest-judge: %s\n", klog);
		free(ids);
		return DX_EXIT_FINDING;
	}
	if (map && g->rtrace[0]) {
		/* The recovery events of this mount alone. */
		int t = open(g->rtrace, O_WRONLY | O_TRUNC | O_CLOEXEC);

		if (t >= 0)
			close(t);
	}
	if (mount(dev, g->o->mnt, "xfs", 0, NULL)) {
		char why[160];

		snprintf(why, sizeof(why), "mount (log recovery) failed: %s:",
			 strerror(errno));
		status = "fsck";
		add(msg, sizeof(msg), why);
		kernel_log_tail(klog, sizeof(klog), 5);
		add(msg, sizeof(msg), klog);
	} else {
		struct verdict v;
		char err[512];

		memset(&v, 0, sizeof(v));
		judge_mounted(g->m, g->o->mnt, ids, n, &v);
		/* No map: the members of this image are judged in full. */
		if (map && xr_write_map(g->m, g->o->mnt,
					g->rtrace[0] ? g->rtrace : NULL, map,
					err, sizeof(err)))
			fprintf(stderr, "ctoracle: %s\n", err);
		if (v.error) {
			status = "error";
			add(msg, sizeof(msg), "judge:");
			add(msg, sizeof(msg), v.msg);
		} else if (v.durability_bad) {
			status = "durability";
			mark = v.mark;
			add(msg, sizeof(msg), v.msg);
		}
		if (umount2(g->o->mnt, 0)) {
			fprintf(stderr, "ctoracle guest-judge: umount %s: %s\n",
				g->o->mnt, strerror(errno));
			loop_detach(fd);
			free(ids);
			return DX_EXIT_FINDING;
		}
		rc = repair_check(dev, g->dir, rmsg, sizeof(rmsg));
		if (rc < 0) {
			fprintf(stderr, "ctoracle guest-judge: %s\n", rmsg);
			loop_detach(fd);
			free(ids);
			return DX_EXIT_UNSUPPORTED;
		}
		if (rc > 0) {
			status = !strcmp(status, "durability") ? "both" : "fsck";
			add(msg, sizeof(msg), rmsg);
		}
	}
	loop_detach(fd);
	free(ids);
	fprintf(g->verdicts, "%s %s %llu %s\n", key, status,
		(unsigned long long)mark, msg);
	fflush(g->verdicts);
	return ferror(g->verdicts) ? DX_EXIT_FINDING : 0;
}

/* Judge every line of DIR/NAME: "KEY MARKS" (and, in the list of
 * representatives, counts the members, which are left for later). */
static int judge_list(struct gj *g, const char *name, int with_map,
		      struct gj_stats *st)
{
	char path[600], line[4096], key[256], marks[2048], rep[256];
	FILE *f;
	int rc = 0, lineno = 0;

	snprintf(path, sizeof(path), "%s/%s", g->dir, name);
	if (!(f = fopen(path, "r"))) {
		fprintf(stderr, "ctoracle guest-judge: %s: %s\n", path, strerror(errno));
		return DX_EXIT_USAGE;
	}
	while (!rc && fgets(line, sizeof(line), f)) {
		int k;

		lineno++;
		rep[0] = '\0';
		k = sscanf(line, "%255s %2047s %255s", key, marks, rep);
		/* The rest holds no members: they were resolved above. */
		if (k < 2 || strchr(key, '/') || (k == 3 && !with_map)) {
			fprintf(stderr, "ctoracle guest-judge: %s:%d: not \"KEY MARKS"
				" [REPKEY BLOCKS]\"\n", path, lineno);
			rc = DX_EXIT_USAGE;
			break;
		}
		if (k == 3) {
			st->members++;
			continue;
		}
		if (with_map) {
			char map[600];

			snprintf(map, sizeof(map), "%s/%s.map", g->dir, key);
			rc = judge_one(g, key, marks, map);
		} else {
			rc = judge_one(g, key, marks, NULL);
		}
		st->mounted += !rc;
	}
	fclose(f);
	return rc;
}

/* Turn on the recovery's trace events; the trace file when any is on. */
static void recovery_events(struct gj *g)
{
	char pat[600];
	glob_t gl;

	g->rtrace[0] = '\0';
	snprintf(pat, sizeof(pat), "%s/events/xfs/xfs_log_recover_*/enable",
		 g->o->tracing);
	if (glob(pat, 0, NULL, &gl))
		return;
	for (size_t i = 0; i < gl.gl_pathc; i++) {
		int fd = open(gl.gl_pathv[i], O_WRONLY | O_CLOEXEC);

		if (fd < 0)
			continue;
		if (write(fd, "1", 1) == 1)
			snprintf(g->rtrace, sizeof(g->rtrace), "%s/trace",
				 g->o->tracing);
		close(fd);
	}
	globfree(&gl);
}

/*
 * Whether this is the guest scripts/vm booted: its kernel command line
 * carries daxlab.token=. Loop devices and mounts are the guest's to make,
 * never the host's.
 */
static int in_daxlab_guest(void)
{
	char line[8192];
	FILE *f = fopen("/proc/cmdline", "r");
	int yes = 0;

	if (!f)
		return 0;
	if (fgets(line, sizeof(line), f))
		yes = strstr(line, " daxlab.token=") != NULL;
	fclose(f);
	return yes;
}

int gj_run(const struct ctm_manifest *m, const char *dir,
	   const struct gj_opts *o, struct gj_stats *st)
{
	struct gj g = { .m = m, .o = o, .dir = dir };
	char path[600], err[512];
	int rc, fd;

	memset(st, 0, sizeof(*st));
	if (!in_daxlab_guest()) {
		fprintf(stderr, "ctoracle guest-judge: runs only inside the VM "
			"scripts/vm boots (it attaches loop devices and mounts "
			"images); /proc/cmdline has no daxlab.token=\n");
		return DX_EXIT_USAGE;
	}
	if (mkdir(o->mnt, 0755) && errno != EEXIST) {
		fprintf(stderr, "ctoracle guest-judge: mkdir %s: %s\n", o->mnt,
			strerror(errno));
		return DX_EXIT_FINDING;
	}
	/* Appending: xr_judge_members appends its lines between ours. */
	snprintf(path, sizeof(path), "%s/verdicts", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0 || !(g.verdicts = fdopen(fd, "a"))) {
		fprintf(stderr, "ctoracle guest-judge: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return DX_EXIT_USAGE;
	}
	recovery_events(&g);
	rc = judge_list(&g, "list", 1, st);
	if (!rc && st->members) {
		/* judge-members appends to the verdicts: ours are on disk. */
		fflush(g.verdicts);
		if (xr_judge_members(m, dir, &st->reused, &st->rest, err,
				     sizeof(err))) {
			fprintf(stderr, "ctoracle guest-judge: %s\n", err);
			rc = DX_EXIT_FINDING;
		} else {
			rc = judge_list(&g, "rest", 0, st);
		}
	}
	if (fclose(g.verdicts) && !rc) {
		fprintf(stderr, "ctoracle guest-judge: %s: %s\n", path, strerror(errno));
		rc = DX_EXIT_FINDING;
	}
	return rc;
}
