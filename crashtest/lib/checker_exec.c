// SPDX-License-Identifier: MIT
/*
 * External checker: a shell command judging an image file. The file is
 * written whole (sparse) once and afterwards only the cache lines that
 * changed since the previous state are rewritten, so large images cost
 * little per state. A checker that modifies the file (an in-place
 * repairing fsck) is noticed by the file's modification time, which is
 * set to a mark after every update: the file is then written whole again
 * before the next state. The command runs as `sh -c 'CMD "$PMSIM_IMAGE"'`
 * in its own process group, with a timeout (common's dx_spawn_run);
 * exit 0 = consistent, 1..125 = inconsistent.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/spawn.h"
#include "engine.h"
#include "image_file.h"
#include "checker_proto.h"
#include "repro.h"

/* The file's mtime after each update: a write by anyone else moves it. */
static const struct timespec MARK_TIME = { .tv_sec = 1, .tv_nsec = 0 };

struct pmsim_exec_checker {
	char *cmd;		/* CMD "$PMSIM_IMAGE" */
	char *name;		/* CMD, for messages */
	char *path;
	bool temp;		/* unlink the image file at the end */
	bool created;		/* --image did not exist: removed if never written */
	int fd;
	bool written;		/* the file holds the whole previous image */
	bool ever_written;	/* it held a whole image once */
	double timeout;
	uint64_t *off;		/* file offset of each region, by region */
	size_t noff;
	uint64_t size;		/* of the file */
	uint64_t rewrites;	/* times the checker had changed the file */
};

int pmsim_exec_checker_new(struct pmsim_exec_checker **cp, const char *cmd,
			   const char *image_path, double timeout_s)
{
	struct pmsim_exec_checker *c = calloc(1, sizeof(*c));

	if (!c)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	c->fd = -1;
	c->timeout = timeout_s > 0 ? timeout_s : 60;
	c->name = strdup(cmd);
	if (!c->name || asprintf(&c->cmd, "%s \"$PMSIM_IMAGE\"", cmd) < 0) {
		free(c->name);
		free(c);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	if (image_path) {
		/* not truncated here: the first full write replaces it */
		c->path = strdup(image_path);
		c->fd = c->path ? open(c->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644) : -1;
		c->created = c->fd >= 0;
		if (c->path && c->fd < 0 && errno == EEXIST)
			c->fd = open(c->path, O_RDWR | O_CLOEXEC);
	} else {
		const char *dir = getenv("TMPDIR");

		if (asprintf(&c->path, "%s/pmsim-image-XXXXXX",
			     dir && *dir ? dir : "/tmp") >= 0) {
			c->fd = mkostemp(c->path, O_CLOEXEC);
			c->temp = true;
			if (c->fd >= 0)
				pms_temp_add(c->path);
		}
	}
	if (c->fd < 0) {
		pmsim_seterr_kind(errno == ENOSPC || errno == EDQUOT ? PMSIM_ERR_RESOURCES :
				  PMSIM_ERR_INPUT, "image file %s: %s",
				  c->path ? c->path : "", strerror(errno));
		pmsim_exec_checker_free(c);
		return -1;
	}
	*cp = c;
	return 0;
}

void pmsim_exec_checker_free(struct pmsim_exec_checker *c)
{
	if (!c)
		return;
	if (c->fd >= 0) {
		futimens(c->fd, NULL);	/* a kept image gets a real time */
		close(c->fd);
	}
	/* an output this run made but never filled (no space, a checker
	 * that could not run): nothing half-made is left */
	if (c->created && !c->ever_written && c->path)
		unlink(c->path);
	if (c->temp && c->path) {
		unlink(c->path);
		pms_temp_remove(c->path);
	}
	free(c->path);
	free(c->cmd);
	free(c->name);
	free(c->off);
	free(c);
}

uint64_t pmsim_exec_checker_rewrites(const struct pmsim_exec_checker *c)
{
	return c->rewrites;
}

static int pwrite_all(int fd, const unsigned char *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t r = pwrite(fd, p, n, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
		off += (uint64_t)r;
	}
	return 0;
}

static int update_file(struct pmsim_exec_checker *c,
		       const struct pmsim_image *img, const uint64_t *changed,
		       size_t nchanged)
{
	const struct sim *s = img->s;
	const struct timespec times[2] = { { .tv_nsec = UTIME_OMIT }, MARK_TIME };

	if (!c->off) {
		c->noff = s->t->nreg;
		c->off = calloc(c->noff ? c->noff : 1, sizeof(*c->off));
		if (!c->off)
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
		c->size = pms_image_layout(s->t, c->off);
	}
	if (!c->written || nchanged == SIZE_MAX) {
		if (pms_image_file_write(s, s->view, c->fd, c->path))
			return -1;
		c->written = c->ever_written = true;
	} else {
		for (size_t k = 0; k < nchanged; k++) {
			uint64_t a = changed[k];

			for (size_t i = 0; i < c->noff; i++) {
				const struct pmsim_region *r = &s->t->reg[i];

				if (a < r->base || a - r->base >= r->size)
					continue;
				if (pwrite_all(c->fd, s->view[i] + (a - r->base), LINE_SIZE,
					       c->off[i] + (a - r->base)))
					return pmsim_seterr_kind(errno == ENOSPC || errno == EDQUOT ?
								 PMSIM_ERR_RESOURCES : PMSIM_ERR_FAILED,
								 "writing image file %s: %s",
								 c->path, strerror(errno));
				break;
			}
		}
	}
	if (futimens(c->fd, times))
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "image file %s: %s", c->path,
					 strerror(errno));
	return 0;
}

/*
 * Did the checker change the image file? Its mtime left the mark, its
 * size changed, or the path now names another file (replaced, removed):
 * then the next state is written whole, to a file at the path again.
 */
static int after_checker(struct pmsim_exec_checker *c)
{
	struct stat st, now;
	bool same_file;

	if (fstat(c->fd, &st))
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "image file %s: %s", c->path,
					 strerror(errno));
	same_file = !stat(c->path, &now) && now.st_dev == st.st_dev &&
		now.st_ino == st.st_ino;
	if (same_file && st.st_mtim.tv_sec == MARK_TIME.tv_sec &&
	    st.st_mtim.tv_nsec == MARK_TIME.tv_nsec && (uint64_t)st.st_size == c->size)
		return 0;
	c->rewrites++;
	c->written = false;
	if (!same_file) {
		int fd;

		/* whatever is at the path now is not ours to write through:
		 * a new file, never a link followed */
		if (unlink(c->path) && errno != ENOENT)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED,
						 "image file %s (replaced by the checker): %s",
						 c->path, strerror(errno));
		fd = open(c->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED,
						 "image file %s (changed by the checker): %s",
						 c->path, strerror(errno));
		close(c->fd);
		c->fd = fd;
	}
	return 0;
}

extern char **environ;

char **pms_checker_env(char *const *add)
{
	size_t n = 0, nadd = 0, k = 0;
	char **env;

	while (environ[n])
		n++;
	while (add[nadd])
		nadd++;
	env = calloc(n + nadd + 1, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PMSIM_", 6) && !(env[k++] = strdup(environ[i])))
			goto fail;
	for (size_t i = 0; i < nadd; i++)
		if (!(env[k++] = strdup(add[i])))
			goto fail;
	return env;
fail:
	pms_checker_env_free(env);
	return NULL;
}

void pms_checker_env_free(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* The environment of the checker: ours plus the PMSIM_* variables. */
static char **checker_env(const struct pmsim_exec_checker *c,
			  const struct pmsim_image *img,
			  const struct pmsim_crash *cr)
{
	size_t len = 0, n = 0;
	char *marks = NULL, *add[6] = { NULL }, **env = NULL;
	FILE *m = open_memstream(&marks, &len);
	const struct pmsim_region *r0 = pmsim_image_nregions(img) ?
		pmsim_image_region(img, 0, NULL) : NULL;

	for (size_t i = 0; m && i < cr->nmarks; i++)
		fprintf(m, "%s%" PRIu64, i ? "," : "", cr->marks[i].id);
	if (!m || fclose(m))
		return NULL;
	/* n counts the variables made: a failed asprintf leaves its own undefined */
	if (asprintf(&add[n], "PMSIM_IMAGE=%s", c->path) >= 0 && ++n &&
	    asprintf(&add[n], "PMSIM_MARKS=%s", marks) >= 0 && ++n &&
	    asprintf(&add[n], "PMSIM_LAST_MARK=%s",
		     cr->nmarks ? cr->marks[cr->nmarks - 1].label : "") >= 0 && ++n &&
	    asprintf(&add[n], "PMSIM_CRASH_EVENT=%" PRIu64, cr->event) >= 0 && ++n &&
	    asprintf(&add[n], "PMSIM_BASE=0x%" PRIx64, r0 ? r0->base : 0) >= 0 && ++n)
		env = pms_checker_env(add);
	add[n] = NULL;
	for (size_t i = 0; i < n; i++)
		free(add[i]);
	free(marks);
	return env;
}

static int check(void *arg, const struct pmsim_image *img,
		 const struct pmsim_crash *cr, const uint64_t *changed,
		 size_t nchanged)
{
	struct pmsim_exec_checker *c = arg;
	char *argv[] = { "/bin/sh", "-c", c->cmd, NULL };
	struct dx_spawn sp = { .argv = argv, .flags = DX_SPAWN_STDOUT_TO_STDERR,
			       .timeout_ns = (uint64_t)(c->timeout * 1e9) };
	struct dx_spawn_result res;
	char err[256];
	char **env;
	int r;

	if (update_file(c, img, changed, nchanged))
		return -1;
	env = checker_env(c, img, cr);
	if (!env)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "checker: out of memory");
	sp.envp = env;
	r = dx_spawn_run(&sp, &res, err, sizeof(err));
	pms_checker_env_free(env);
	if (r)
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker \"%s\": %s", c->name, err);
	if (after_checker(c))
		return -1;
	switch (res.how) {
	case DX_SPAWN_TIMED_OUT:
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker \"%s\" timed out after %.1f s on the state at event %"
					 PRIu64 " (state %" PRIu64 ")", c->name, c->timeout,
					 cr->event, cr->state);
	case DX_SPAWN_SIGNALED:
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker \"%s\" crashed (signal %d, %s) on the state at event %"
					 PRIu64 " (state %" PRIu64 ")", c->name, res.code,
					 strsignal(res.code), cr->event, cr->state);
	case DX_SPAWN_EXITED:
		break;
	}
	switch (res.code) {
	case 0:
		return 0;
	case 126:
	case 127:
		/* not found or not executable: a bad --checker */
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "checker \"%s\" could not be run (exit %d)",
					 c->name, res.code);
	default:
		if (res.code > 128)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED,
						 "checker \"%s\" crashed (exit %d, signal %d) on the state at event %"
						 PRIu64, c->name, res.code, res.code - 128, cr->event);
		return 1;
	}
}

struct pmsim_checker pmsim_exec_checker_ops(struct pmsim_exec_checker *c)
{
	return (struct pmsim_checker){ .check = check, .arg = c, .name = c->name };
}
