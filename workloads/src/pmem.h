/* libpmem2 mapping of the target: user-space persistence (flush, and msync --sync persist). */
#ifndef DAXWL_PMEM_H
#define DAXWL_PMEM_H
#include <libpmem2.h>
#include <stdint.h>

#include "err.h"

struct pmem_map {
	struct pmem2_config *cfg;
	struct pmem2_source *src;
	struct pmem2_map *map;
	char *addr;
	enum pmem2_granularity gran;	/* what the mapping really offers */
	pmem2_persist_fn persist;
	pmem2_memcpy_fn memcpy_fn;
};

/*
 * Maps [0, len) of fd. required is the coarsest granularity accepted;
 * force (NULL or "BYTE", "CACHE_LINE", "PAGE") sets libpmem2's
 * PMEM2_FORCE_GRANULARITY for this map only. A refused granularity is
 * DX_EXIT_UNSUPPORTED.
 */
int pmem_map_open(struct pmem_map *pm, int fd, uint64_t len,
		  enum pmem2_granularity required, const char *force,
		  struct daxwl_err *e);
void pmem_map_close(struct pmem_map *pm);
const char *pmem_gran_name(enum pmem2_granularity g);

#endif
