/* SPDX-License-Identifier: MIT */
/* Child processes for the file-system tools. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "run.h"

extern char **environ;

int run_tool(char *const argv[], const char *out_path, unsigned timeout_s,
	     char *err, size_t errlen)
{
	struct timespec start, now, nap = { 0, 100000 };
	posix_spawn_file_actions_t fa;
	int status, rc;
	pid_t pid;

	/* posix_spawn (vfork-like): no copy of the caller's large address
	 * space per tool run, which fork() would pay for every image. */
	if (posix_spawn_file_actions_init(&fa) ||
	    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0) ||
	    posix_spawn_file_actions_addopen(&fa, 1, out_path,
					     O_WRONLY | O_CREAT | O_TRUNC, 0644) ||
	    posix_spawn_file_actions_adddup2(&fa, 1, 2)) {
		snprintf(err, errlen, "posix_spawn setup failed");
		return -1;
	}
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		snprintf(err, errlen, "cannot run %s: %s", argv[0], strerror(rc));
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(err, errlen, "waitpid: %s", strerror(errno));
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			snprintf(err, errlen, "%s ran longer than %u s and was killed",
				 argv[0], timeout_s);
			return 256 + SIGKILL;
		}
		nanosleep(&nap, NULL);
		if (nap.tv_nsec < 1000000)
			nap.tv_nsec *= 2;
	}
	if (WIFEXITED(status)) {
		if (WEXITSTATUS(status) == 127)
			snprintf(err, errlen, "%s could not be run", argv[0]);
		return WEXITSTATUS(status);
	}
	return 256 + WTERMSIG(status);
}

void run_excerpt(const char *path, char *buf, size_t len, size_t max)
{
	FILE *f = fopen(path, "r");
	char line[512];
	size_t used = 0;

	if (!len)
		return;
	buf[0] = 0;
	if (!f)
		return;
	while (used + 1 < len && used < max && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0])
			continue;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 used ? "; " : "", line);
	}
	if (used >= len)
		buf[len - 1] = 0;
	fclose(f);
}
