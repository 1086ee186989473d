/* SPDX-License-Identifier: MIT */
/*
 * A scratch directory for one test program: fixture_setup and
 * fixture_teardown are its cmocka group setup and teardown.
 */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <errno.h>

#include "daxlab/files.h"

static char dir[64];

static int fixture_setup(void **state)
{
	(void)state;
	return dx_tmpdir_make(dir, sizeof(dir), program_invocation_short_name,
			      NULL, 0);
}

static int fixture_teardown(void **state)
{
	(void)state;
	return dx_tree_remove(dir);
}

#endif /* FIXTURE_H */
