// SPDX-License-Identifier: MIT
/* pmsim replay REPRO [-o] IMAGE: turn a reproducer back into its crash image. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "pmsim.h"

int cmd_replay(int argc, char **argv)
{
	const char *repro = NULL, *out = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o") && i + 1 < argc && !out)
			out = argv[++i];
		else if (argv[i][0] == '-')
			return cli_error("usage: pmsim replay REPRO [-o] IMAGE");
		else if (!repro)
			repro = argv[i];
		else if (!out)
			out = argv[i];
		else
			return cli_error("usage: pmsim replay REPRO [-o] IMAGE");
	}
	if (!repro || !out)
		return cli_error("usage: pmsim replay REPRO [-o] IMAGE");
	if (pmsim_replay(repro, out))
		return cli_error("%s", pmsim_errmsg());
	printf("pmsim: wrote the crash image of %s to %s\n", repro, out);
	return EXIT_OK;
}
