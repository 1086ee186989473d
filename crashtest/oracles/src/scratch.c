/* SPDX-License-Identifier: MIT */
/* The scratch directory (scratch.h). */
#include <stdlib.h>
#include <unistd.h>

#include "daxlab/files.h"
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
	return dx_tmpdir_make_under(dir, len, root(), "ctoracle", err, errlen);
}
