// SPDX-License-Identifier: MIT
/* pmsim: power-fail simulator for x86 persistent memory. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "daxlab/num.h"
#include "daxlab/stop.h"
#include "pmsim.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "check", cmd_check,
	  "check TRACE --checker CMD | --checker-server CMD\n"
	  "        [--crash-points fence|event|mark]\n"
	  "        [--mode exhaustive|bounded:K|durable|random:N] [--seed S] [--eadr]\n"
	  "        [--per-word] [--max-states N (10000000; 0: none)] [--max-points N (0: all)]\n"
	  "        [--timeout SEC (60)] [--image FILE [--force]] [--repro-dir DIR [--force]]\n"
	  "        [--max-reports N (10)] [--stop-on-violation] [--progress[=SEC]]" },
	{ "dump", cmd_dump, "dump TRACE [--events N]" },
	{ "replay", cmd_replay, "replay REPRO [-o] IMAGE [--force]" },
	{ "stats", cmd_stats, "stats TRACE [--json]" },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

int cli_error(int status, const char *fmt, ...)
{
	va_list ap;

	fputs("pmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

int cli_lib_error(int fallback)
{
	int status;

	switch (pmsim_errkind()) {
	case PMSIM_ERR_FAILED:
		status = DX_EXIT_FINDING;
		break;
	case PMSIM_ERR_INPUT:
		status = DX_EXIT_USAGE;
		break;
	case PMSIM_ERR_UNSUPPORTED:
		status = DX_EXIT_UNSUPPORTED;
		break;
	case PMSIM_ERR_RESOURCES:
		status = DX_EXIT_RESOURCES;
		break;
	default:
		status = fallback;
	}
	return cli_error(status, "%s", pmsim_errmsg());
}

int cli_u64(const char *opt, const char *s, uint64_t min, uint64_t max,
	    uint64_t *v)
{
	char err[256];

	if (dx_parse_u64(s, min, max, v, opt, err, sizeof(err)))
		return cli_error(DX_EXIT_USAGE, "%s", err);
	return 0;
}

int cli_seconds(const char *opt, const char *s, double min, double max,
		double *v)
{
	char err[256];

	if (dx_parse_double(s, min, max, v, opt, err, sizeof(err)))
		return cli_error(DX_EXIT_USAGE, "%s", err);
	return 0;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int cli_usage(FILE *f, const char *cmd)
{
	fprintf(f, "usage: pmsim COMMAND ...\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!cmd || !strcmp(cmd, commands[i].name))
			fprintf(f, "  pmsim %s\n", commands[i].usage);
	fprintf(f, "  pmsim --help | --version\n"
		"Numbers are decimal, or hexadecimal after 0x.\n"
		"exit status: 0 consistent (every crash point checked), 1 violations or a\n"
		"failed run, 2 usage or bad input, 4 incomplete (a bound or sampling left\n"
		"states unchecked), 5 not enough disk space or memory, 128+N stopped by\n"
		"signal N (temporary files removed)\n");
	return f == stdout ? DX_EXIT_OK : DX_EXIT_USAGE;
}

/* SIGINT, SIGTERM, SIGHUP: kill the checker and remove the temporary
 * files; daxlab/stop.h then lets pmsim die of the signal (128+N to the
 * shell). Only async-signal-safe calls: dx_stop_name() of these three
 * signals returns a constant. */
static void stop_cleanup(int sig)
{
	static const char head[] = "pmsim: stopped by ";
	static const char tail[] = "; checker killed, temporary files removed\n";
	const char *name = dx_stop_name(sig);

	pmsim_signal_cleanup();
	if (write(2, head, sizeof(head) - 1) < 0 ||
	    write(2, name, strlen(name)) < 0 ||
	    write(2, tail, sizeof(tail) - 1) < 0) {
		/* nothing more to be done in a handler */
	}
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(stderr, NULL);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return cli_usage(stdout, NULL);
	if (!strcmp(argv[1], "--version")) {
		printf("pmsim %s\n", PMSIM_VERSION);
		return DX_EXIT_OK;
	}
	dx_stop_install(stop_cleanup, true);
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			if (cli_wants_help(argc - 1, argv + 1))
				return cli_usage(stdout, commands[i].name);
			return commands[i].run(argc - 1, argv + 1);
		}
	cli_error(DX_EXIT_USAGE, "unknown command \"%s\"", argv[1]);
	return cli_usage(stderr, NULL);
}
