// SPDX-License-Identifier: MIT
/* pmsim replay REPRO [-o] IMAGE [--force]: turn a reproducer back into its
 * crash image. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pmsim.h"

int cmd_replay(int argc, char **argv)
{
	const char *repro = NULL, *out = NULL;
	unsigned flags = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out)
			out = argv[++i];
		else if (!strcmp(argv[i], "--force"))
			flags |= PMSIM_REPLAY_FORCE;
		else if (argv[i][0] == '-')
			return cli_error(DX_EXIT_USAGE, "replay: unknown option %s "
					 "(usage: pmsim replay REPRO [-o] IMAGE [--force])", argv[i]);
		else if (!repro)
			repro = argv[i];
		else if (!out)
			out = argv[i];
		else
			return cli_error(DX_EXIT_USAGE, "usage: pmsim replay REPRO [-o] IMAGE [--force]");
	}
	if (!repro || !out)
		return cli_error(DX_EXIT_USAGE, "usage: pmsim replay REPRO [-o] IMAGE [--force]");
	if (pmsim_replay(repro, out, flags))
		return cli_lib_error(DX_EXIT_FINDING);
	printf("pmsim: wrote the crash image of %s to %s\n", repro, out);
	return DX_EXIT_OK;
}
