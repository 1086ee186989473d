/* SPDX-License-Identifier: MIT */
/*
 * Stopping on the signals a user sends: SIGINT, SIGTERM and SIGHUP.
 *
 * The handler records the first signal (a lock-free atomic: async-signal-
 * safe and seen by every thread) and runs the program's hook, which may
 * only do async-signal-safe work (kill a child's process group, unlink a
 * temporary file, write(2) a line). Then, in the "at once" mode, the
 * process dies of the signal, so that its parent sees 128 + N; in the
 * deferred mode it carries on, and the code polls dx_stop_signal() where
 * it can wind down (remove what it left half done, write a record that
 * says it was interrupted) and exits with DX_EXIT_SIGNAL_BASE + N itself.
 * Reads and writes restart (SA_RESTART): a signal is acted on where the
 * code looks for it, never seen as a spurious I/O error.
 */
#ifndef DAXLAB_STOP_H
#define DAXLAB_STOP_H

#include <stdatomic.h>
#include <stdbool.h>

_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "the stop flag must be lock-free");

/* Installs the handlers. hook (may be NULL) runs in the handler, with the
 * signal number, before the process dies or carries on. at_once: die of
 * the signal after the hook (until dx_stop_defer()). */
void dx_stop_install(void (*hook)(int sig), bool at_once);
/* From now on a signal is only recorded (after the hook): the caller has
 * something to clean up or report and polls dx_stop_signal(). */
void dx_stop_defer(void);

extern atomic_int dx_stop_signo_;
/* The first stop signal received, 0 if none. Inline: worker loops poll it
 * per operation. */
static inline int dx_stop_signal(void)
{
	return atomic_load_explicit(&dx_stop_signo_, memory_order_relaxed);
}

/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N" (a static buffer). */
const char *dx_stop_name(int sig);

#endif /* DAXLAB_STOP_H */
