// SPDX-License-Identifier: MIT
/* pmsim: power-fail simulator for x86 persistent memory. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *usage;
} commands[] = {
	{ "check", cmd_check,
	  "check TRACE --checker CMD [--crash-points fence|event|mark]\n"
	  "        [--mode exhaustive|bounded:K|durable|random:N] [--seed S] [--eadr]\n"
	  "        [--per-word]\n"
	  "        [--max-states N (10000000; 0: none)] [--timeout SEC (60)] [--image FILE]\n"
	  "        [--repro-dir DIR] [--max-reports N (10)] [--stop-on-violation]\n"
	  "        [--max-points N (0: all)]" },
	{ "dump", cmd_dump, "dump TRACE [--events N]" },
	{ "replay", cmd_replay, "replay REPRO [-o] IMAGE" },
	{ "stats", cmd_stats, "stats TRACE [--json]" },
};

int cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("pmsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return EXIT_ERROR;
}

int cli_number(const char *opt, const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end || !*s || *s == '-')
		return cli_error("%s: \"%s\" is not an unsigned number", opt, s);
	return 0;
}

static int usage(FILE *f)
{
	fprintf(f, "usage: pmsim COMMAND ...\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  pmsim %s\n", commands[i].usage);
	fprintf(f, "exit status: 0 consistent, 1 violations found, 2 error\n");
	return f == stdout ? EXIT_OK : EXIT_ERROR;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	cli_error("unknown command \"%s\"", argv[1]);
	return usage(stderr);
}
