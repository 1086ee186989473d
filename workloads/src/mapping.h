/* mmap helpers shared by fault and msync: MAP_SYNC, MAP_POPULATE, 2 MiB placement. */
#ifndef DAXWL_MAPPING_H
#define DAXWL_MAPPING_H
#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>

#include "daxlab/mapsync.h"	/* MAP_SYNC, MAP_SHARED_VALIDATE for old libcs */

struct map_req {
	int fd;
	uint64_t off, len;
	bool write, map_sync, populate;
	uint64_t align;		/* virtual address alignment, 0 = kernel's choice */
	uint64_t skew;		/* bytes past the aligned address (with align) */
};

/* Returns the mapping or MAP_FAILED with errno set. */
void *map_file(const struct map_req *m);

#define MAP_TWO_MB (2ull << 20)

/*
 * The --align choices of fault and msync: the kernel's placement, a
 * 2 MiB-aligned address (PMD mappings possible), or one page past a 2 MiB
 * boundary, where address and file offset are never 2 MiB-aligned
 * together, so every mapping is PTE-sized.
 */
enum map_align { MAP_ALIGN_NONE, MAP_ALIGN_2M, MAP_ALIGN_4K };
extern const char *const map_align_names[];
#define MAP_ALIGN_HELP "none: kernel's choice; 2M: 2 MiB-aligned (PMD faults possible); " \
	"4k: one page past 2 MiB (PTE faults only)"

/* Set m->align and m->skew for a --align choice. */
void map_req_place(struct map_req *m, int align);

#endif
