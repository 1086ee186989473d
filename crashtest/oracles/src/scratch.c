/* SPDX-License-Identifier: MIT */
/* The scratch directory (scratch.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "scratch.h"

static const char *root(void)
{
	const char *t = getenv("TMPDIR");

	if (t && t[0])
		return t;
	return access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
}

int scratch_make(char *dir, size_t len, char *err, size_t errlen)
{
	const char *r = root();

	if ((size_t)snprintf(dir, len, "%s/ctoracle.XXXXXX", r) >= len) {
		snprintf(err, errlen, "scratch root %s: path too long", r);
		return -1;
	}
	if (!mkdtemp(dir)) {
		snprintf(err, errlen, "cannot create a scratch directory in %s: %s",
			 r, strerror(errno));
		return -1;
	}
	return 0;
}

int64_t scratch_free_bytes(const char *dir)
{
	struct statvfs st;

	if (statvfs(dir, &st))
		return -1;
	return (int64_t)((uint64_t)st.f_bavail * st.f_frsize);
}
