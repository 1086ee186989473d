/* SPDX-License-Identifier: MIT */
/* pmsim subcommands: one file each, dispatched from pmsim.c. */
#ifndef PMSIM_CLI_H
#define PMSIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "daxlab/exit.h"

int cmd_check(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_stats(int argc, char **argv);

/* "pmsim: " + message on stderr; returns status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The last libpmsim error on stderr; returns the exit status its kind
 * says, or fallback when it has none. */
int cli_lib_error(int fallback);
/* A number option, strictly (common's dx_parse_u64): 0, or a message and
 * DX_EXIT_USAGE. */
int cli_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
	    uint64_t *v);
int cli_seconds(const char *opt, const char *s, double min, double max,
		double *v);
/* The usage of one command (NULL: all) on f; DX_EXIT_OK on stdout,
 * DX_EXIT_USAGE on stderr. */
int cli_usage(FILE *f, const char *cmd);
/* Is --help or -h among the arguments? */
bool cli_wants_help(int argc, char **argv);

#endif
