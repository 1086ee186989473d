/* mmap helpers shared by fault and msync: MAP_SYNC, MAP_POPULATE, 2 MiB placement. */
#ifndef DAXWL_MAPPING_H
#define DAXWL_MAPPING_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#ifndef MAP_SYNC
#define MAP_SYNC 0x80000
#endif

struct map_req {
	int fd;
	uint64_t off, len;
	bool write, map_sync, populate;
	uint64_t align;		/* virtual address alignment, 0 = kernel's choice */
	uint64_t skew;		/* bytes past the aligned address (with align) */
};

/* Returns the mapping or MAP_FAILED with errno set. */
void *map_file(const struct map_req *m);

#endif
