// SPDX-License-Identifier: MIT
/* Commands with a time limit, in a process group of their own. */
#include "daxlab/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "daxlab/clock.h"

extern char **environ;

/* The group dx_spawn_run waits for, 0 when none (for signal handlers). */
static volatile sig_atomic_t running_pgid;

void dx_spawn_kill_running(int sig)
{
	pid_t pg = (pid_t)running_pgid;

	if (pg > 0)
		kill(-pg, sig);
}

static int open_fd(const char *path, int flags, const char *what, char *err,
		   size_t errlen)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		snprintf(err, errlen, "%s %s: %s", what, path, strerror(errno));
	return fd;
}

static int start(const struct dx_spawn *s, pid_t *pid, char *err,
		 size_t errlen)
{
	static const int sigdef[] = { SIGPIPE, SIGINT, SIGTERM, SIGQUIT,
				      SIGHUP, SIGCHLD };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t mask, def;
	bool fds = s->flags & DX_SPAWN_FDS;
	int in, out = -1, fd3 = -1, rc;

	/* copies above 3 (close-on-exec): no dup2 below overwrites another */
	in = fds ? fcntl(s->stdin_fd, F_DUPFD_CLOEXEC, 4) : open_fd(s->stdin_path ? s->stdin_path : "/dev/null",
					      O_RDONLY, "stdin", err, errlen);
	if (in < 0) {
		if (fds)
			snprintf(err, errlen, "stdin: %s", strerror(errno));
		return -1;
	}
	if (fds && s->stdout_fd >= 0) {
		out = fcntl(s->stdout_fd, F_DUPFD_CLOEXEC, 4);
		if (out < 0) {
			snprintf(err, errlen, "stdout: %s", strerror(errno));
			close(in);
			return -1;
		}
	} else if (!fds && s->stdout_path) {
		out = open_fd(s->stdout_path, O_WRONLY | O_CREAT |
			      (s->flags & DX_SPAWN_APPEND ? O_APPEND : O_TRUNC),
			      "stdout", err, errlen);
		if (out < 0) {
			close(in);
			return -1;
		}
	}
	if (fds && s->fd3 >= 0 && (fd3 = fcntl(s->fd3, F_DUPFD_CLOEXEC, 4)) < 0) {
		snprintf(err, errlen, "fd 3: %s", strerror(errno));
		close(in);
		if (out >= 0)
			close(out);
		return -1;
	}
	sigemptyset(&mask);
	sigemptyset(&def);
	for (size_t i = 0; i < sizeof(sigdef) / sizeof(sigdef[0]); i++)
		sigaddset(&def, sigdef[i]);
	rc = posix_spawn_file_actions_init(&fa);
	if (rc)
		goto no_fa;
	rc = posix_spawnattr_init(&at);
	if (rc)
		goto no_attr;
	rc = posix_spawn_file_actions_adddup2(&fa, in, 0);
	if (!rc && out >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (!rc && fd3 >= 0)
		rc = posix_spawn_file_actions_adddup2(&fa, fd3, 3);
	if (!rc && (s->flags & DX_SPAWN_STDOUT_TO_STDERR))
		rc = posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (!rc && (s->flags & DX_SPAWN_STDERR_TO_STDOUT))
		rc = posix_spawn_file_actions_adddup2(&fa, 1, 2);
	/* Its own group (so the whole of it can be killed), default
	 * dispositions and no blocked signals whatever the caller set. */
	if (!rc)
		rc = posix_spawnattr_setpgroup(&at, 0);
	if (!rc)
		rc = posix_spawnattr_setsigmask(&at, &mask);
	if (!rc)
		rc = posix_spawnattr_setsigdefault(&at, &def);
	if (!rc)
		rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP |
					      POSIX_SPAWN_SETSIGMASK |
					      POSIX_SPAWN_SETSIGDEF);
	if (!rc) {
		fflush(NULL);	/* no buffered output written twice or late */
		rc = s->path ? posix_spawn(pid, s->path, &fa, &at, s->argv,
					   s->envp ? s->envp : environ)
			     : posix_spawnp(pid, s->argv[0], &fa, &at, s->argv,
					    s->envp ? s->envp : environ);
		if (rc)
			snprintf(err, errlen, "cannot run %s: %s",
				 s->path ? s->path : s->argv[0], strerror(rc));
	} else {
		snprintf(err, errlen, "cannot set up %s: %s", s->argv[0],
			 strerror(rc));
	}
	posix_spawnattr_destroy(&at);
no_attr:
	posix_spawn_file_actions_destroy(&fa);
no_fa:
	if (rc && !err[0])
		snprintf(err, errlen, "cannot set up %s: %s", s->argv[0],
			 strerror(rc));
	close(in);
	if (out >= 0)
		close(out);
	if (fd3 >= 0)
		close(fd3);
	return rc ? -1 : 0;
}

/* Has pid exited? It stays a zombie (not reaped), so its pid and group
 * id cannot be reused before the group is killed. */
static int exited(pid_t pid)
{
	siginfo_t si;

	for (;;) {
		memset(&si, 0, sizeof(si));
		if (!waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT))
			return si.si_pid == pid;
		if (errno != EINTR)
			return -1;
	}
}

/* Sleep until pid may have exited or ns pass. */
static void nap(int pidfd, uint64_t ns, uint64_t *backoff)
{
	if (pidfd >= 0) {
		struct pollfd p = { .fd = pidfd, .events = POLLIN };
		uint64_t ms = ns / 1000000 + 1;

		poll(&p, 1, ms > 60000 ? 60000 : (int)ms);
		return;
	}
	struct timespec t = { 0, (long)(ns < *backoff ? ns : *backoff) };

	nanosleep(&t, NULL);
	if (*backoff < 10000000)
		*backoff *= 2;
}

int dx_spawn_start(const struct dx_spawn *s, pid_t *pid, char *err, size_t errlen)
{
	if (err && errlen)
		err[0] = '\0';
	if (!s->argv || !s->argv[0]) {
		snprintf(err, errlen, "no command to run");
		return -1;
	}
	if (start(s, pid, err, errlen))
		return -1;
	running_pgid = *pid;
	return 0;
}

int dx_spawn_wait(pid_t pid, const char *name, uint64_t deadline,
		  struct dx_spawn_result *r, char *err, size_t errlen)
{
	uint64_t t0 = dx_now_ns(), backoff = 100000;
	int status = 0, pidfd = -1, w;
	bool timed_out = false;

#ifdef SYS_pidfd_open
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
#endif
	/* exited() < 0 (cannot wait): waitpid below says why. */
	while (!exited(pid)) {
		uint64_t now = dx_now_ns();

		if (now >= deadline) {
			timed_out = true;
			break;
		}
		nap(pidfd, deadline == UINT64_MAX ? 60000000000ull :
			   deadline - now, &backoff);
	}
	/* The group: everyone at a timeout, the leftovers otherwise. */
	kill(-pid, SIGKILL);
	while ((w = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	running_pgid = 0;
	if (pidfd >= 0)
		close(pidfd);
	if (w < 0) {
		/* SIGCHLD ignored by the caller reaps children unasked. */
		snprintf(err, errlen, "cannot wait for %s: %s", name, strerror(errno));
		return -1;
	}
	r->elapsed_ns = dx_now_ns() - t0;
	if (timed_out) {
		r->how = DX_SPAWN_TIMED_OUT;
		r->code = SIGKILL;
	} else if (WIFSIGNALED(status)) {
		r->how = DX_SPAWN_SIGNALED;
		r->code = WTERMSIG(status);
	} else {
		r->how = DX_SPAWN_EXITED;
		r->code = WEXITSTATUS(status);
	}
	return 0;
}

int dx_spawn_run(const struct dx_spawn *s, struct dx_spawn_result *r,
		 char *err, size_t errlen)
{
	uint64_t t0 = dx_now_ns();
	pid_t pid;

	if (dx_spawn_start(s, &pid, err, errlen))
		return -1;
	if (dx_spawn_wait(pid, s->argv[0], s->timeout_ns ? t0 + s->timeout_ns : UINT64_MAX,
			  r, err, errlen))
		return -1;
	r->elapsed_ns = dx_now_ns() - t0;
	return 0;
}

const char *dx_spawn_describe(const struct dx_spawn_result *r, char *buf,
			      size_t len)
{
	switch (r->how) {
	case DX_SPAWN_EXITED:
		snprintf(buf, len, "exited with status %d", r->code);
		break;
	case DX_SPAWN_SIGNALED:
		snprintf(buf, len, "killed by signal %d (%s)", r->code,
			 strsignal(r->code));
		break;
	case DX_SPAWN_TIMED_OUT:
		snprintf(buf, len, "timed out after %.1f s and was killed",
			 (double)r->elapsed_ns / 1e9);
		break;
	}
	return buf;
}
