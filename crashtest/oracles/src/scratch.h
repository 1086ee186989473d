/* SPDX-License-Identifier: MIT */
/*
 * ctoracle's scratch directory: the sparse image the checkers run on and
 * their output. By default a new private directory ctoracle.XXXXXX under
 * $TMPDIR when it is set, else /dev/shm when writable (tmpfs: images are
 * rewritten for every judged state), else /tmp; removed at the end, and
 * on SIGINT/SIGTERM/SIGHUP (stop.h). Unlike dx_tmpdir_make(), tmpfs is
 * preferred to /tmp when $TMPDIR does not say.
 */
#ifndef SCRATCH_H
#define SCRATCH_H

#include <stddef.h>
#include <stdint.h>

/* Make the directory; its path into dir. 0, or -1 with err. Removed
 * with common's dx_tree_remove(); its free space is dx_free_bytes(). */
int scratch_make(char *dir, size_t len, char *err, size_t errlen);

#endif /* SCRATCH_H */
