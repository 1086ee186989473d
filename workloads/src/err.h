/*
 * Errors carry an exit code class and one message. The exit codes are
 * part of the interface: the bench tells "not supported" apart from
 * failures by them.
 */
#ifndef DAXWL_ERR_H
#define DAXWL_ERR_H

enum daxwl_exit {
	DAXWL_OK = 0,
	DAXWL_ERUNTIME = 1,	/* a run failed (I/O error, verify mismatch, ...) */
	DAXWL_EUSAGE = 2,	/* bad command line, size, path */
	DAXWL_ENOTSUP = 3,	/* the mode is not supported on this target */
};

struct daxwl_err {
	int code;		/* enum daxwl_exit */
	int errnum;		/* errno behind it, 0 if none */
	char msg[512];
};

/* Records the first error only; returns e->code. */
int err_set(struct daxwl_err *e, int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
const char *err_class(int code);

#endif
