/* SPDX-License-Identifier: MIT */
/* pmsim subcommands: one file each, dispatched from pmsim.c. */
#ifndef PMSIM_CLI_H
#define PMSIM_CLI_H

/* The project's exit statuses (PMSIM.md, "Exit status"). */
enum {
	EXIT_OK = 0,		/* consistent, and every crash point checked */
	EXIT_VIOLATION = 1,	/* violations found, or the run failed */
	EXIT_ERROR = 2,		/* usage or bad input */
	EXIT_UNSUPPORTED = 3,	/* not supported here */
	EXIT_INCOMPLETE = 4,	/* a bound or sampling left states unchecked */
	EXIT_NOSPACE = 5,	/* not enough disk space or memory */
};

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* "pmsim: " + message on stderr; returns EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned number option; exits with a message when it is bad. */
int cli_number(const char *opt, const char *s, unsigned long long *v);

#endif
