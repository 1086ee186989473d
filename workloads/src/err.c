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
	return err_set(e, DX_EXIT_RESOURCES, ENOMEM,
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
	case DX_EXIT_OK: return "ok";
	case DX_EXIT_USAGE: return "usage";
	case DX_EXIT_UNSUPPORTED: return "not_supported";
	case DX_EXIT_RESOURCES: return "resources";
	default: return code > DX_EXIT_SIGNAL_BASE ? "interrupted" : "runtime";
	}
}
