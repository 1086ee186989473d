/* SPDX-License-Identifier: MIT */
/*
 * The exit statuses every daxlab program uses (common/README.md, "Exit
 * status"). Scripts tell a finding from a refusal from a missing feature
 * by them, so a program returns one of these and nothing else of its own.
 */
#ifndef DAXLAB_EXIT_H
#define DAXLAB_EXIT_H

enum dx_exit {
	DX_EXIT_OK = 0,			/* measured, consistent, passed */
	DX_EXIT_FINDING = 1,		/* violation, inconsistent, failed run, I/O error */
	DX_EXIT_USAGE = 2,		/* bad option or input, refused overwrite, unknown id */
	DX_EXIT_UNSUPPORTED = 3,	/* the mode or feature is missing here */
	DX_EXIT_INCOMPLETE = 4,		/* a budget or cap cut the run short */
	DX_EXIT_RESOURCES = 5,		/* not enough disk space or memory */
	DX_EXIT_TIMEOUT = 124,		/* timed out (scripts/vm, timeout(1)) */
	DX_EXIT_VM_FAILURE = 125,	/* guest panicked or the VM failed */
	DX_EXIT_SIGNAL_BASE = 128,	/* + N: stopped by signal N after cleaning up */
};

#endif /* DAXLAB_EXIT_H */
