/*
 * Stopping on SIGINT, SIGTERM and SIGHUP. The handler only stores the
 * signal number; the fill, the workers and the main loop poll it and wind
 * down themselves, so that an interrupted run still removes what it left
 * half done and writes a record that says it was interrupted.
 */
#ifndef DAXWL_STOP_H
#define DAXWL_STOP_H
#include <stdatomic.h>

/* A lock-free atomic is async-signal-safe and visible to every thread. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop flag must be lock-free");

extern atomic_int stop_signo;

/*
 * Installs the handlers (with SA_RESTART: every wait in daxwl ends by
 * itself, and the record of an interrupted run must still be written) and
 * ignores SIGPIPE and SIGXFSZ, so that a closed output pipe or the file
 * size limit is an error daxwl reports instead of a silent death.
 */
void stop_install(void);

/* The signal that asked daxwl to stop, 0 if none. */
static inline int stop_requested(void)
{
	return atomic_load_explicit(&stop_signo, memory_order_relaxed);
}

#endif
