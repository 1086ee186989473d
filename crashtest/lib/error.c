// SPDX-License-Identifier: MIT
/* Per-thread error message and kind of the last failed libpmsim call. */
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

static _Thread_local char errbuf[512];
static _Thread_local enum pmsim_errkind errkind;

const char *pmsim_errmsg(void)
{
	return errbuf[0] ? errbuf : "no error";
}

enum pmsim_errkind pmsim_errkind(void)
{
	return errkind;
}

/* Both setters format the same way; only the kind differs. */
static void seterr_v(enum pmsim_errkind kind, const char *fmt, va_list ap)
{
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	errkind = kind;
}

void pms_errclear(void)
{
	errbuf[0] = '\0';
	errkind = PMSIM_ERR_OTHER;
}

bool pms_errset(void)
{
	return errbuf[0] != '\0';
}

int pmsim_seterr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	seterr_v(PMSIM_ERR_OTHER, fmt, ap);
	va_end(ap);
	return -1;
}

int pmsim_seterr_kind(enum pmsim_errkind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	seterr_v(kind, fmt, ap);
	va_end(ap);
	return -1;
}
