#include "err.h"

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

const char *err_class(int code)
{
	switch (code) {
	case DAXWL_OK: return "ok";
	case DAXWL_EUSAGE: return "usage";
	case DAXWL_ENOTSUP: return "not_supported";
	default: return "runtime";
	}
}
