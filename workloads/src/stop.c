#include "stop.h"

#include <signal.h>
#include <stddef.h>

void stop_install(void)
{
	struct sigaction ign = { .sa_handler = SIG_IGN };

	dx_stop_install(NULL, false);
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, NULL);
	sigaction(SIGXFSZ, &ign, NULL);
}
