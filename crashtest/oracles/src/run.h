/* SPDX-License-Identifier: MIT */
/* Run a file-system tool with a time limit, its output kept in a file. */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

/*
 * Run argv[0] (searched in PATH) with stdin from /dev/null and stdout and
 * stderr into out_path. Returns the exit status (0..255), 256 + signal when
 * killed (a timeout is SIGKILL after timeout_s), or -1 when it could not be
 * started (message in err).
 */
int run_tool(char *const argv[], const char *out_path, unsigned timeout_s,
	     char *err, size_t errlen);

/* Up to max bytes of the file's head, one line per "; ", into buf. */
void run_excerpt(const char *path, char *buf, size_t len, size_t max);

#endif /* RUN_H */
