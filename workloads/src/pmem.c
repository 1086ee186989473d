#include "pmem.h"

#include <stdlib.h>
#include <string.h>

const char *pmem_gran_name(enum pmem2_granularity g)
{
	switch (g) {
	case PMEM2_GRANULARITY_BYTE: return "byte";
	case PMEM2_GRANULARITY_CACHE_LINE: return "cache_line";
	case PMEM2_GRANULARITY_PAGE: return "page";
	}
	return "unknown";
}

static int fail(struct pmem_map *pm, struct daxwl_err *e, int rc, const char *what)
{
	int code = rc == PMEM2_E_GRANULARITY_NOT_SUPPORTED ? DX_EXIT_UNSUPPORTED : DX_EXIT_FINDING;

	err_set(e, code, 0, "libpmem2 %s: %s", what, pmem2_errormsg());
	pmem_map_close(pm);
	return code;
}

int pmem_map_open(struct pmem_map *pm, int fd, uint64_t len,
		  enum pmem2_granularity required, const char *force,
		  struct daxwl_err *e)
{
	int rc;

	memset(pm, 0, sizeof(*pm));
	if ((rc = pmem2_config_new(&pm->cfg)))
		return fail(pm, e, rc, "config");
	if ((rc = pmem2_config_set_required_store_granularity(pm->cfg, required)))
		return fail(pm, e, rc, "granularity");
	if ((rc = pmem2_config_set_length(pm->cfg, len)))
		return fail(pm, e, rc, "length");
	if ((rc = pmem2_source_from_fd(&pm->src, fd)))
		return fail(pm, e, rc, "source");
	if (force)
		setenv("PMEM2_FORCE_GRANULARITY", force, 1);
	rc = pmem2_map_new(&pm->map, pm->cfg, pm->src);
	if (force)
		unsetenv("PMEM2_FORCE_GRANULARITY");
	if (rc)
		return fail(pm, e, rc, "map");
	pm->addr = pmem2_map_get_address(pm->map);
	pm->gran = pmem2_map_get_store_granularity(pm->map);
	pm->persist = pmem2_get_persist_fn(pm->map);
	pm->memcpy_fn = pmem2_get_memcpy_fn(pm->map);
	return 0;
}

void pmem_map_close(struct pmem_map *pm)
{
	if (pm->map)
		pmem2_map_delete(&pm->map);
	if (pm->src)
		pmem2_source_delete(&pm->src);
	if (pm->cfg)
		pmem2_config_delete(&pm->cfg);
}
