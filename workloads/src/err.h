/*
 * Errors carry an exit code class and one message. The exit codes are
 * part of the interface (the project-wide convention): the bench tells
 * "not supported" apart from failures by them.
 */
#ifndef DAXWL_ERR_H
#define DAXWL_ERR_H
#include <stdint.h>

enum daxwl_exit {
	DAXWL_OK = 0,
	DAXWL_ERUNTIME = 1,	/* a run failed (I/O error, verify mismatch, nothing measured) */
	DAXWL_EUSAGE = 2,	/* bad command line, size, path; refused overwrite */
	DAXWL_ENOTSUP = 3,	/* the mode is not supported on this target */
	DAXWL_ENORES = 5,	/* not enough disk space or memory; the message has the numbers */
	DAXWL_ESIGNAL = 128,	/* + N: stopped by signal N */
};

struct daxwl_err {
	int code;		/* enum daxwl_exit, or DAXWL_ESIGNAL + signal */
	int errnum;		/* errno behind it, 0 if none */
	char msg[512];
};

/* Records the first error only; returns e->code. */
int err_set(struct daxwl_err *e, int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/*
 * "not enough memory" (DAXWL_ENORES) for an allocation of bytes, with
 * what the kernel says is available, so the message has both numbers.
 */
int err_nomem(struct daxwl_err *e, uint64_t bytes, const char *what);
/* The first error of src, unless dst already has one. */
void err_take(struct daxwl_err *dst, const struct daxwl_err *src);
const char *err_class(int code);
/* MemAvailable of /proc/meminfo in bytes, 0 if unknown. */
uint64_t mem_available(void);

#endif
