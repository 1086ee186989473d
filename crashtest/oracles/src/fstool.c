/* SPDX-License-Identifier: MIT */
/* The file-system tools, run through dx_spawn_run (fstool.h). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "daxlab/num.h"
#include "daxlab/spawn.h"
#include "fstool.h"

/* The executable tool names in PATH, into out: 1, or 0 when not found. */
static int find_in_path(const char *tool, char *out, size_t len)
{
	const char *path = getenv("PATH");

	if (strchr(tool, '/')) {
		snprintf(out, len, "%s", tool);
		return access(tool, X_OK) == 0;
	}
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path;;) {
		size_t n = strcspn(p, ":");

		snprintf(out, len, "%.*s/%s", (int)n, n ? p : ".", tool);
		if (access(out, X_OK) == 0)
			return 1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/*
 * What runs for a tool: the one PATH names first, found once rather than
 * at every spawn, or the same program linked statically when the
 * distribution installed one beside it (Debian's e2fsck-static puts
 * e2fsck.static next to e2fsck; the judge runs e2fsck up to three times an
 * image, and the dynamic loader's relocations were a quarter of its time).
 * A tool earlier in PATH with no such twin is run as it is. NULL: leave it
 * to dx_spawn's PATH search.
 */
static const char *const variants[][2] = { { "e2fsck", "e2fsck.static" } };

static const char *program(const char *tool)
{
	static struct {
		char name[64], path[4096];
		int found;
	} memo[8];
	static unsigned n;
	unsigned i;

	for (i = 0; i < n; i++)
		if (!strcmp(memo[i].name, tool))
			return memo[i].found ? memo[i].path : NULL;
	if (n == sizeof(memo) / sizeof(memo[0]) || strlen(tool) >= sizeof(memo[0].name))
		return NULL;
	i = n++;
	snprintf(memo[i].name, sizeof(memo[i].name), "%s", tool);
	memo[i].found = find_in_path(tool, memo[i].path, sizeof(memo[i].path));
	if (!memo[i].found)
		return NULL;
	for (size_t v = 0; v < sizeof(variants) / sizeof(variants[0]); v++) {
		char twin[sizeof(memo[i].path)];
		const char *slash = strrchr(memo[i].path, '/');
		int dir = slash ? (int)(slash - memo[i].path) : 0;

		if (strcmp(variants[v][0], tool) || !slash)
			continue;
		if (snprintf(twin, sizeof(twin), "%.*s/%s", dir, memo[i].path,
			     variants[v][1]) < (int)sizeof(twin) &&
		    access(twin, X_OK) == 0)
			memcpy(memo[i].path, twin, sizeof(twin));
	}
	return memo[i].path;
}

int fstool_run(char *const argv[], const char *out_path, unsigned timeout_s,
	       char *err, size_t errlen)
{
	struct dx_spawn s = {
		.argv = argv,
		.path = program(argv[0]),
		.stdout_path = out_path,
		.flags = DX_SPAWN_STDERR_TO_STDOUT,
		.timeout_ns = (uint64_t)timeout_s * DX_NS_PER_S,
	};
	struct dx_spawn_result r;
	char how[128];

	if (dx_spawn_run(&s, &r, err, errlen))
		return -1;
	switch (r.how) {
	case DX_SPAWN_EXITED:
		if (r.code == 127)
			snprintf(err, errlen, "%s could not be run", argv[0]);
		return r.code;
	case DX_SPAWN_TIMED_OUT:
		snprintf(err, errlen, "%s ran longer than %u s and was killed",
			 argv[0], timeout_s);
		return 256 + SIGKILL;
	case DX_SPAWN_SIGNALED:
		snprintf(err, errlen, "%s %s", argv[0],
			 dx_spawn_describe(&r, how, sizeof(how)));
		break;
	}
	return 256 + r.code;
}

void fstool_excerpt(const char *path, char *buf, size_t len, size_t max)
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

void fstool_excerpt_keep(const char *path, char *buf, size_t len, size_t max,
			 const char *keep)
{
	char line[512] = "";
	size_t need, used;
	FILE *f = fopen(path, "r");

	if (f) {
		while (fgets(line, sizeof(line), f) && !strstr(line, keep))
			;
		if (!strstr(line, keep))
			line[0] = 0;
		line[strcspn(line, "\n")] = 0;
		fclose(f);
	}
	/* Room for the kept line first: a long head must not cut it. */
	need = line[0] ? strlen(line) + sizeof("; ...; ") : 0;
	fstool_excerpt(path, buf, need < len ? len - need : len, max);
	if (!line[0] || strstr(buf, keep))
		return;
	used = strlen(buf);
	snprintf(buf + used, len - used, "%s...; %s", used ? "; " : "", line);
}

const char *fstool_missing(const char *const *tools)
{
	char path[4096];

	for (; *tools; tools++)
		if (!find_in_path(*tools, path, sizeof(path)))
			return *tools;
	return NULL;
}
