/* SPDX-License-Identifier: MIT */
/*
 * The file-system tools the judge runs (e2fsck, debugfs, xfs_repair,
 * xfs_db): with a time limit, output kept in a file, through common's
 * dx_spawn_run (a process group of its own, killed whole on timeout and
 * on SIGINT/SIGTERM, so a tool that forks leaves nothing behind).
 */
#ifndef FSTOOL_H
#define FSTOOL_H

#include <stddef.h>

/*
 * Run argv[0] (found in PATH on its first run; e2fsck.static in place of
 * e2fsck where installed, still named e2fsck in argv[0]) with stdin from /dev/null and stdout and
 * stderr into out_path. Returns the exit status (0..255), 256 + signal
 * when it was killed (a timeout: SIGKILL after timeout_s, message in
 * err), or -1 when it could not be started (message in err).
 */
int fstool_run(char *const argv[], const char *out_path, unsigned timeout_s,
	       char *err, size_t errlen);

/* Up to max bytes of the file's head, one line per "; ", into buf. */
void fstool_excerpt(const char *path, char *buf, size_t len, size_t max);

/* The same, and when that head leaves out a line holding keep (a tool's
 * verdict near its end, such as e2fsck's "RUN fsck MANUALLY"), that line
 * after "; ...; " as far as len allows. */
void fstool_excerpt_keep(const char *path, char *buf, size_t len, size_t max,
			 const char *keep);

/* The first of the NULL-terminated tools not found in PATH, or NULL. */
const char *fstool_missing(const char *const *tools);

#endif /* FSTOOL_H */
