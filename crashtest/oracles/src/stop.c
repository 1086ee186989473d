/* SPDX-License-Identifier: MIT */
/* Stopping on a user's signal, after cleaning up (stop.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/exit.h"
#include "daxlab/spawn.h"
#include "stop.h"

static volatile sig_atomic_t got, deferred;

static void on_signal(int sig)
{
	if (!got)
		got = sig;
	/* A checker must not outlive us, nor keep us waiting. */
	dx_spawn_kill_running(SIGKILL);
	if (!deferred)
		_exit(DX_EXIT_SIGNAL_BASE + sig);
}

void stop_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	/* Restart reads and writes: a signal is acted on where the code
	 * looks for it, never as a spurious I/O error. */
	sa.sa_flags = SA_RESTART;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

void stop_defer(void)
{
	deferred = 1;
}

int stop_signal(void)
{
	return got;
}

const char *stop_name(int sig)
{
	static char buf[32];

	switch (sig) {
	case SIGINT: return "SIGINT";
	case SIGTERM: return "SIGTERM";
	case SIGHUP: return "SIGHUP";
	}
	snprintf(buf, sizeof(buf), "signal %d", sig);
	return buf;
}
