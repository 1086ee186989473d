/* SPDX-License-Identifier: MIT */
/*
 * What the crash-test programs (ctoracle, ctwl, pmmark) share on their
 * command lines: the version, the exit statuses of the project's
 * convention (crashtest/README.md has the table), and strict unsigned
 * numbers: decimal digits ("010" is ten), or hexadecimal after "0x" where
 * allowed; no sign, no blanks, nothing after the digits, a range check.
 */
#ifndef CTCLI_H
#define CTCLI_H

#include <stdint.h>
#include <stdio.h>

#define CT_VERSION "1.1"

enum ct_exit {
	CT_EXIT_OK = 0,			/* consistent, measured, passed */
	CT_EXIT_FINDING = 1,		/* a violation, or the run failed */
	CT_EXIT_USAGE = 2,		/* bad option, value or input file */
	CT_EXIT_UNSUPPORTED = 3,	/* not supported on this kernel/host */
	CT_EXIT_INCOMPLETE = 4,		/* ran, but covered only part */
	CT_EXIT_RESOURCES = 5,		/* not enough disk space or memory */
	CT_EXIT_SIGNAL = 128,		/* + the signal number */
};

enum ct_num_err { CT_NUM_OK = 0, CT_NUM_SYNTAX = -1, CT_NUM_RANGE = -2 };

/* Parse s into *v; hex: accept a 0x prefix. Returns an enum ct_num_err. */
static inline int ct_parse_u64(const char *s, int hex, uint64_t min,
			       uint64_t max, uint64_t *v)
{
	unsigned base = 10, digits = 0;
	uint64_t x = 0;
	int over = 0;

	if (hex && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s; s++, digits++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else
			return CT_NUM_SYNTAX;
		if (x > (UINT64_MAX - d) / base)
			over = 1;
		x = x * base + d;
	}
	if (!digits)
		return CT_NUM_SYNTAX;
	if (over || x < min || x > max)
		return CT_NUM_RANGE;
	*v = x;
	return CT_NUM_OK;
}

/*
 * An option's value: on error print "PROG: OPT: ..." on stderr and return
 * -1 (the caller exits with the usage status).
 */
static inline int ct_opt_u64(const char *prog, const char *opt, const char *s,
			     uint64_t min, uint64_t max, uint64_t *v)
{
	int rc = ct_parse_u64(s, 1, min, max, v);

	if (rc == CT_NUM_SYNTAX)
		fprintf(stderr, "%s: %s: '%s' is not an unsigned number "
			"(decimal, or hexadecimal after 0x)\n", prog, opt, s);
	else if (rc == CT_NUM_RANGE)
		fprintf(stderr, "%s: %s: %s is outside %llu..%llu\n", prog, opt,
			s, (unsigned long long)min, (unsigned long long)max);
	return rc ? -1 : 0;
}

#endif /* CTCLI_H */
