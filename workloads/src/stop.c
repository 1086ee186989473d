#include "stop.h"

#include <signal.h>
#include <stddef.h>

atomic_int stop_signo;

static void on_signal(int sig)
{
	int none = 0;

	/* The first signal names the stop; a second one changes nothing. */
	atomic_compare_exchange_strong(&stop_signo, &none, sig);
}

void stop_install(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct sigaction ign = { .sa_handler = SIG_IGN };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGXFSZ, &ign, NULL);
}
