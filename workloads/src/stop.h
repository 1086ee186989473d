/*
 * Stopping on SIGINT, SIGTERM and SIGHUP (daxlab/stop.h, deferred: the
 * handler only records the signal; the fill, the workers and the main
 * loop poll it and wind down themselves, so that an interrupted run
 * still removes what it left half done and writes a record that says it
 * was interrupted).
 */
#ifndef DAXWL_STOP_H
#define DAXWL_STOP_H

#include "daxlab/stop.h"

/*
 * Installs the handlers and ignores SIGPIPE and SIGXFSZ, so that a closed
 * output pipe or the file size limit is an error daxwl reports instead of
 * a silent death.
 */
void stop_install(void);

#endif
