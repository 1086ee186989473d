// SPDX-License-Identifier: MIT
/* Stopping on a user's signal: see daxlab/stop.h. */
#include "daxlab/stop.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

atomic_int dx_stop_signo_;
static atomic_bool at_once;
static void (*stop_hook)(int sig);

static const int stop_sigs[] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	int none = 0;

	/* The first signal names the stop; a later one changes nothing. */
	atomic_compare_exchange_strong(&dx_stop_signo_, &none, sig);
	if (stop_hook)
		stop_hook(sig);
	if (atomic_load(&at_once)) {
		/* Die of it: the parent's wait status says which signal. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
}

void dx_stop_install(void (*hook)(int sig), bool once)
{
	struct sigaction sa;

	stop_hook = hook;
	atomic_store(&at_once, once);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	/* One stop signal at a time: a second one waits for the hook. */
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaddset(&sa.sa_mask, stop_sigs[i]);
	for (size_t i = 0; i < sizeof(stop_sigs) / sizeof(stop_sigs[0]); i++)
		sigaction(stop_sigs[i], &sa, NULL);
}

void dx_stop_defer(void)
{
	atomic_store(&at_once, false);
}

const char *dx_stop_name(int sig)
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
