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

int fstool_run(char *const argv[], const char *out_path, unsigned timeout_s,
	       char *err, size_t errlen)
{
	struct dx_spawn s = {
		.argv = argv,
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

static int in_path(const char *tool)
{
	const char *path = getenv("PATH");
	char dir[4096];

	if (strchr(tool, '/'))
		return access(tool, X_OK) == 0;
	if (!path)
		path = "/usr/bin:/bin";
	for (const char *p = path;;) {
		size_t n = strcspn(p, ":");

		snprintf(dir, sizeof(dir), "%.*s/%s", (int)n, n ? p : ".", tool);
		if (access(dir, X_OK) == 0)
			return 1;
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

const char *fstool_missing(const char *const *tools)
{
	for (; *tools; tools++)
		if (!in_path(*tools))
			return *tools;
	return NULL;
}
