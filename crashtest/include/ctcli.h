/* SPDX-License-Identifier: MIT */
/*
 * What the crash-test programs (ctoracle, ctwl, pmmark) share on their
 * command lines beyond common's daxlab/exit.h and daxlab/num.h: the
 * version they print, and one way to read a numeric option.
 */
#ifndef CTCLI_H
#define CTCLI_H

#include <stdint.h>
#include <stdio.h>

#include "daxlab/num.h"

#define CT_VERSION "1.1"

/*
 * The value of option opt (decimal, or hex after 0x; daxlab/num.h's
 * rules) in [min, max]. On error print "PROG: OPT: ..." on stderr and
 * return -1: the caller exits with DX_EXIT_USAGE.
 */
static inline int ct_opt_u64(const char *prog, const char *opt, const char *s,
			     uint64_t min, uint64_t max, uint64_t *v)
{
	char err[256];

	if (!dx_parse_u64(s, min, max, v, opt, err, sizeof(err)))
		return 0;
	fprintf(stderr, "%s: %s\n", prog, err);
	return -1;
}

#endif /* CTCLI_H */
