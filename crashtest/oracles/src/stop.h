/* SPDX-License-Identifier: MIT */
/*
 * SIGINT, SIGTERM and SIGHUP: what a user sends to stop ctoracle. Until
 * stop_defer() (nothing created yet) a signal ends the process at once
 * with 128 + N. After it the signal is recorded, the file-system tool
 * running for us (its whole process group) is killed, and the commands
 * check stop_signal() to write what they must, remove their scratch
 * directory and exit with 128 + N.
 */
#ifndef STOP_H
#define STOP_H

void stop_install(void);
void stop_defer(void);
/* The signal received since stop_defer(), or 0. */
int stop_signal(void);
/* "SIGINT", "SIGTERM", "SIGHUP" or "signal N" (static buffer). */
const char *stop_name(int sig);

#endif /* STOP_H */
