/* SPDX-License-Identifier: MIT */
/*
 * Run a command with a time limit. The child runs in a process group of
 * its own; on timeout the whole group is killed (SIGKILL), so a tool that
 * forks (fsck runs its checkers as children) leaves nothing behind. When
 * the command ends by itself, what it left running in its group is killed
 * too. posix_spawn, not fork: a caller holding gigabytes of images does
 * not copy its page tables per run.
 */
#ifndef DAXLAB_SPAWN_H
#define DAXLAB_SPAWN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum dx_spawn_flags {
	DX_SPAWN_STDERR_TO_STDOUT = 1 << 0,	/* its stderr goes with its stdout */
	DX_SPAWN_STDOUT_TO_STDERR = 1 << 1,	/* its stdout goes to our stderr */
	DX_SPAWN_APPEND = 1 << 2,		/* stdout_path appended to, not truncated */
	DX_SPAWN_FDS = 1 << 3,			/* stdin_fd, stdout_fd, fd3 below */
};

struct dx_spawn {
	char *const *argv;	/* argv[0] is searched in PATH without a '/' */
	/* NULL, or the program to run as argv: a tool found once, or a
	 * variant of it, still told its usual name in argv[0] (its messages
	 * name themselves by it) */
	const char *path;
	char *const *envp;	/* NULL: this process's environment */
	const char *stdin_path;	/* NULL: /dev/null, never the terminal */
	const char *stdout_path; /* NULL: this process's stdout; else created */
	unsigned flags;		/* enum dx_spawn_flags */
	uint64_t timeout_ns;	/* 0: no limit */
	/* With DX_SPAWN_FDS: its stdin and stdout are these descriptors
	 * (stdin_path and stdout_path are ignored) and fd3 >= 0 becomes its
	 * descriptor 3; a long-lived command talks to its caller through
	 * them (dx_spawn_start). */
	int stdin_fd, stdout_fd, fd3;
};

enum dx_spawn_how {
	DX_SPAWN_EXITED,	/* code is the exit status, 0..255 */
	DX_SPAWN_SIGNALED,	/* code is the signal that ended it */
	DX_SPAWN_TIMED_OUT,	/* killed at the limit; code is SIGKILL */
};

struct dx_spawn_result {
	enum dx_spawn_how how;
	int code;
	uint64_t elapsed_ns;
};

/*
 * Run s and wait for it. Returns 0 with *r filled, or -1 with a message
 * in err when it could not be started (command not found or not
 * executable, stdin_path or stdout_path cannot be opened).
 */
int dx_spawn_run(const struct dx_spawn *s, struct dx_spawn_result *r,
		 char *err, size_t errlen);

/*
 * The two halves of dx_spawn_run, for a command that runs beside its
 * caller: start s (its timeout_ns is not used) in a group of its own,
 * registered for dx_spawn_kill_running; then dx_spawn_wait waits until
 * deadline_ns (dx_now_ns() time, UINT64_MAX: no limit), kills the group
 * (everyone at the deadline, the leftovers otherwise) and fills *r.
 * Both return 0, or -1 with a message in err.
 */
int dx_spawn_start(const struct dx_spawn *s, pid_t *pid, char *err, size_t errlen);
int dx_spawn_wait(pid_t pid, const char *name, uint64_t deadline_ns,
		  struct dx_spawn_result *r, char *err, size_t errlen);

/*
 * Send sig to the process group of the command dx_spawn_run is waiting
 * for, if any. Async-signal-safe: for a SIGINT/SIGTERM handler that must
 * not leave the child running when the caller exits.
 */
void dx_spawn_kill_running(int sig);

/* "exited with status 3", "killed by signal 11 (Segmentation fault)", ... */
const char *dx_spawn_describe(const struct dx_spawn_result *r, char *buf,
			      size_t len);

#endif /* DAXLAB_SPAWN_H */
