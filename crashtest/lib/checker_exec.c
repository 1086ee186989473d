// SPDX-License-Identifier: MIT
/*
 * External checker: a shell command judging an image file. The file is
 * written whole once and afterwards only the cache lines that changed since
 * the previous state are rewritten, so large images cost little per state.
 * The command runs as `sh -c 'CMD "$PMSIM_IMAGE"'` in its own process group,
 * with a timeout; exit 0 = consistent, 1..125 = inconsistent.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct pmsim_exec_checker {
	char *cmd;		/* CMD "$PMSIM_IMAGE" */
	char *name;		/* CMD, for messages */
	char *path;
	bool temp;		/* unlink the image file at the end */
	int fd;
	bool written;		/* the file holds a whole image */
	double timeout;
	uint64_t *off;		/* file offset of each region, by region */
	size_t noff;
};

int pmsim_exec_checker_new(struct pmsim_exec_checker **cp, const char *cmd,
			   const char *image_path, double timeout_s)
{
	struct pmsim_exec_checker *c = calloc(1, sizeof(*c));

	if (!c)
		return pmsim_seterr("out of memory");
	c->fd = -1;
	c->timeout = timeout_s > 0 ? timeout_s : 60;
	c->name = strdup(cmd);
	if (!c->name || asprintf(&c->cmd, "%s \"$PMSIM_IMAGE\"", cmd) < 0) {
		free(c->name);
		free(c);
		return pmsim_seterr("out of memory");
	}
	if (image_path) {
		c->path = strdup(image_path);
		c->fd = c->path ? open(c->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
	} else {
		const char *dir = getenv("TMPDIR");

		if (asprintf(&c->path, "%s/pmsim-image-XXXXXX", dir ? dir : "/tmp") >= 0) {
			c->fd = mkostemp(c->path, O_CLOEXEC);
			c->temp = true;
		}
	}
	if (c->fd < 0) {
		pmsim_seterr("image file %s: %s", c->path ? c->path : "", strerror(errno));
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
	if (c->fd >= 0)
		close(c->fd);
	if (c->temp && c->path)
		unlink(c->path);
	free(c->path);
	free(c->cmd);
	free(c->name);
	free(c->off);
	free(c);
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

/* Regions go into the file back to back, in base-address order. */
static int layout(struct pmsim_exec_checker *c, const struct pmsim_image *img)
{
	size_t n = pmsim_image_nregions(img);
	uint64_t at = 0;

	c->off = calloc(n ? n : 1, sizeof(*c->off));
	if (!c->off)
		return pmsim_seterr("out of memory");
	c->noff = n;
	for (uint64_t placed = 0; placed < n; placed++) {
		size_t best = SIZE_MAX;

		for (size_t i = 0; i < n; i++) {
			const struct pmsim_region *r = pmsim_image_region(img, i, NULL);

			if (c->off[i] == 0 && (best == SIZE_MAX ||
			    r->base < pmsim_image_region(img, best, NULL)->base))
				best = i;
		}
		c->off[best] = at + 1;	/* +1: 0 means not placed yet */
		at += pmsim_image_region(img, best, NULL)->size;
	}
	for (size_t i = 0; i < n; i++)
		c->off[i]--;
	return 0;
}

static int update_file(struct pmsim_exec_checker *c,
		       const struct pmsim_image *img, const uint64_t *changed,
		       size_t nchanged)
{
	if (!c->off && layout(c, img))
		return -1;
	if (!c->written || nchanged == SIZE_MAX) {
		for (size_t i = 0; i < c->noff; i++) {
			const unsigned char *d;
			const struct pmsim_region *r = pmsim_image_region(img, i, &d);

			if (pwrite_all(c->fd, d, r->size, c->off[i]))
				return pmsim_seterr("writing image file %s: %s",
						    c->path, strerror(errno));
		}
		c->written = true;
		return 0;
	}
	for (size_t k = 0; k < nchanged; k++) {
		for (size_t i = 0; i < c->noff; i++) {
			const unsigned char *d;
			const struct pmsim_region *r = pmsim_image_region(img, i, &d);
			uint64_t a = changed[k];

			if (a < r->base || a - r->base >= r->size)
				continue;
			if (pwrite_all(c->fd, d + (a - r->base), 64,
				       c->off[i] + (a - r->base)))
				return pmsim_seterr("writing image file %s: %s",
						    c->path, strerror(errno));
			break;
		}
	}
	return 0;
}

extern char **environ;

/* The environment of the checker: ours plus the PMSIM_* variables. */
static char **checker_env(const struct pmsim_exec_checker *c,
			  const struct pmsim_image *img,
			  const struct pmsim_crash *cr)
{
	size_t n = 0, k = 0, len = 0;
	char **env, *marks = NULL;
	FILE *m = open_memstream(&marks, &len);
	const struct pmsim_region *r0 = pmsim_image_nregions(img) ?
		pmsim_image_region(img, 0, NULL) : NULL;

	for (size_t i = 0; m && i < cr->nmarks; i++)
		fprintf(m, "%s%" PRIu64, i ? "," : "", cr->marks[i].id);
	if (!m || fclose(m))
		return NULL;
	while (environ[n])
		n++;
	env = calloc(n + 6, sizeof(*env));
	if (!env) {
		free(marks);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "PMSIM_", 6))
			env[k++] = strdup(environ[i]);
	if (asprintf(&env[k++], "PMSIM_IMAGE=%s", c->path) < 0 ||
	    asprintf(&env[k++], "PMSIM_MARKS=%s", marks) < 0 ||
	    asprintf(&env[k++], "PMSIM_LAST_MARK=%s",
		     cr->nmarks ? cr->marks[cr->nmarks - 1].label : "") < 0 ||
	    asprintf(&env[k++], "PMSIM_CRASH_EVENT=%" PRIu64, cr->event) < 0 ||
	    asprintf(&env[k++], "PMSIM_BASE=0x%" PRIx64, r0 ? r0->base : 0) < 0)
		env[k - 1] = NULL;
	free(marks);
	return env;
}

static void free_env(char **env)
{
	for (size_t i = 0; env && env[i]; i++)
		free(env[i]);
	free(env);
}

/* posix_spawn, not fork: no copy of the page tables of a large image. */
static int spawn(const struct pmsim_exec_checker *c, char **env, pid_t *pid)
{
	char *argv[] = { "sh", "-c", c->cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	int r;

	if (posix_spawn_file_actions_init(&fa))
		return ENOMEM;
	if (posix_spawnattr_init(&at)) {
		posix_spawn_file_actions_destroy(&fa);
		return ENOMEM;
	}
	/* stdin from /dev/null; checker chatter goes to stderr */
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (!r)
		r = posix_spawnattr_setpgroup(&at, 0);
	if (!r)
		r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP);
	if (!r)
		r = posix_spawn(pid, "/bin/sh", &fa, &at, argv, env);
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Wait for pid at most timeout seconds; 0 and *status, or -1 on timeout. */
static int wait_timeout(pid_t pid, double timeout, int *status)
{
	int pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	double end = now() + timeout;

	for (;;) {
		pid_t w = waitpid(pid, status, WNOHANG);
		double left = end - now();

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			*status = 0;
			break;
		}
		if (left <= 0) {
			if (pfd >= 0)
				close(pfd);
			return -1;
		}
		if (pfd >= 0) {
			struct pollfd p = { .fd = pfd, .events = POLLIN };

			poll(&p, 1, (int)(left * 1000) + 1);
		} else {
			usleep(1000);
		}
	}
	if (pfd >= 0)
		close(pfd);
	return 0;
}

static int check(void *arg, const struct pmsim_image *img,
		 const struct pmsim_crash *cr, const uint64_t *changed,
		 size_t nchanged)
{
	struct pmsim_exec_checker *c = arg;
	char **env;
	int status, r;
	pid_t pid;

	if (update_file(c, img, changed, nchanged))
		return -1;
	env = checker_env(c, img, cr);
	if (!env)
		return pmsim_seterr("checker: out of memory");
	fflush(NULL);
	r = spawn(c, env, &pid);
	free_env(env);
	if (r)
		return pmsim_seterr("checker: cannot start /bin/sh: %s", strerror(r));
	if (wait_timeout(pid, c->timeout, &status)) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return pmsim_seterr("checker \"%s\" timed out after %.1f s on the state at event %"
				    PRIu64 " (state %" PRIu64 ")", c->name, c->timeout,
				    cr->event, cr->state);
	}
	kill(-pid, SIGKILL);	/* leftovers of the checker's process group */
	if (WIFSIGNALED(status))
		return pmsim_seterr("checker \"%s\" crashed (signal %d, %s) on the state at event %"
				    PRIu64 " (state %" PRIu64 ")", c->name, WTERMSIG(status),
				    strsignal(WTERMSIG(status)), cr->event, cr->state);
	if (!WIFEXITED(status))
		return pmsim_seterr("checker \"%s\": unexpected wait status 0x%x", c->name, status);
	switch (WEXITSTATUS(status)) {
	case 0:
		return 0;
	case 126:
	case 127:
		return pmsim_seterr("checker \"%s\" could not be run (exit %d)", c->name,
				    WEXITSTATUS(status));
	default:
		if (WEXITSTATUS(status) > 128)
			return pmsim_seterr("checker \"%s\" crashed (exit %d, signal %d) on the state at event %"
					    PRIu64, c->name, WEXITSTATUS(status),
					    WEXITSTATUS(status) - 128, cr->event);
		return 1;
	}
}

struct pmsim_checker pmsim_exec_checker_ops(struct pmsim_exec_checker *c)
{
	return (struct pmsim_checker){ .check = check, .arg = c, .name = c->name };
}
