// SPDX-License-Identifier: MIT
/* Per-thread error message of the last failed libpmsim call. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char errbuf[512];

const char *pmsim_errmsg(void)
{
	return errbuf[0] ? errbuf : "no error";
}

int pmsim_seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}
