/* SPDX-License-Identifier: MIT */
/* pmsim subcommands: one file each, dispatched from pmsim.c. */
#ifndef PMSIM_CLI_H
#define PMSIM_CLI_H

enum { EXIT_OK = 0, EXIT_VIOLATION = 1, EXIT_ERROR = 2 };

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* "pmsim: " + message on stderr; returns EXIT_ERROR. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned number option; exits with a message when it is bad. */
int cli_number(const char *opt, const char *s, unsigned long long *v);

#endif
