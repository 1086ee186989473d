/* SPDX-License-Identifier: MIT */
/*
 * MAP_SYNC mappings of DAX files: the flag values for C libraries that
 * lack them, and the open + mmap prologue of the programs that write pmem
 * through a mapping (the guest sequences of the plugin tests, daxwl).
 */
#ifndef DAXLAB_MAPSYNC_H
#define DAXLAB_MAPSYNC_H

#include <stddef.h>
#include <sys/mman.h>

/* Linux's values (include/uapi/asm-generic/mman*.h); old libcs lack them. */
#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

struct dx_mapping {
	void *addr;	/* MAP_FAILED when not mapped */
	size_t len;
	int fd;		/* -1 when not open */
};

/*
 * Open path read-write and map its first len bytes shared with MAP_SYNC.
 * Returns 0, or -1 with errno set and one message in err: the file cannot
 * be opened, or the mapping is refused (EOPNOTSUPP: not a DAX file system;
 * the message says so). Nothing stays open after an error.
 */
int dx_map_sync(struct dx_mapping *m, const char *path, size_t len,
		char *err, size_t errlen);

/* Unmap and close; safe on a mapping that failed or was already unmapped. */
void dx_unmap(struct dx_mapping *m);

#endif /* DAXLAB_MAPSYNC_H */
