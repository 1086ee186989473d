// SPDX-License-Identifier: MIT
/*
 * What a signal handler must undo before the process dies: the running
 * checker's process group, and the temporary files libpmsim has open
 * (the external checker's image, replay's output before its rename).
 * Paths are kept in fixed buffers; registering takes a lock, the handler
 * only reads.
 */
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "daxlab/spawn.h"
#include "repro.h"

#define MAX_TEMPS 8

static struct {
	char path[4096];
	volatile sig_atomic_t used;
} temps[MAX_TEMPS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void pms_temp_add(const char *path)
{
	if (strlen(path) >= sizeof(temps[0].path))
		return;
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < MAX_TEMPS; i++)
		if (!temps[i].used) {
			strcpy(temps[i].path, path);
			temps[i].used = 1;
			break;
		}
	pthread_mutex_unlock(&lock);
}

void pms_temp_remove(const char *path)
{
	pthread_mutex_lock(&lock);
	for (unsigned i = 0; i < MAX_TEMPS; i++)
		if (temps[i].used && !strcmp(temps[i].path, path)) {
			temps[i].used = 0;
			break;
		}
	pthread_mutex_unlock(&lock);
}

void pmsim_signal_cleanup(void)
{
	dx_spawn_kill_running(SIGKILL);
	for (unsigned i = 0; i < MAX_TEMPS; i++)
		if (temps[i].used)
			unlink(temps[i].path);
}
