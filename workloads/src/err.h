/*
 * Errors carry an exit status and one message. The statuses are the
 * project's (daxlab/exit.h): the bench tells "not supported" apart from
 * failures by them.
 */
#ifndef DAXWL_ERR_H
#define DAXWL_ERR_H
#include <stdint.h>

#include "daxlab/exit.h"

struct daxwl_err {
	int code;		/* enum dx_exit, or DX_EXIT_SIGNAL_BASE + signal */
	int errnum;		/* errno behind it, 0 if none */
	char msg[512];
};

/* Records the first error only; returns e->code. */
int err_set(struct daxwl_err *e, int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * "not enough memory" (DX_EXIT_RESOURCES) for an allocation of bytes, with
 * what the kernel says is available, so the message has both numbers.
 */
int err_nomem(struct daxwl_err *e, uint64_t bytes, const char *what);
/* The first error of src, unless dst already has one. */
void err_take(struct daxwl_err *dst, const struct daxwl_err *src);
const char *err_class(int code);
/* MemAvailable of /proc/meminfo in bytes, 0 if unknown. */
uint64_t mem_available(void);

#endif
