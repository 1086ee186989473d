#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int err_set(struct daxwl_err *e, int code, int errnum, const char *fmt, ...)
{
	if (e->code)
		return e->code;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (errnum) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof(e->msg) - n, ": %s", strerror(errnum));
	}
	e->code = code;
	e->errnum = errnum;
	return code;
}

uint64_t mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[128];
	unsigned long long kib = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return (uint64_t)kib * 1024;
}

int err_nomem(struct daxwl_err *e, uint64_t bytes, const char *what)
{
	return err_set(e, DAXWL_ENORES, ENOMEM,
		       "%s needs %llu bytes of memory, %llu bytes are available", what,
		       (unsigned long long)bytes, (unsigned long long)mem_available());
}

void err_take(struct daxwl_err *dst, const struct daxwl_err *src)
{
	if (src->code && !dst->code)
		*dst = *src;
}

const char *err_class(int code)
{
	switch (code) {
	case DAXWL_OK: return "ok";
	case DAXWL_EUSAGE: return "usage";
	case DAXWL_ENOTSUP: return "not_supported";
	case DAXWL_ENORES: return "resources";
	default: return code > DAXWL_ESIGNAL ? "interrupted" : "runtime";
	}
}
