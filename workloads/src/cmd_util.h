/* Small helpers shared by the subcommand files. */
#ifndef DAXWL_CMD_UTIL_H
#define DAXWL_CMD_UTIL_H
#include <stdint.h>

#include "daxwl.h"

extern const char *const rw_names[];	/* "read", "write", "mixed" */
enum { RW_READ, RW_WRITE, RW_MIXED };

/* Measured op budget per thread: --iterations, else unlimited under --runtime, else per_pass. */
static inline uint64_t cmd_op_budget(const struct daxwl_run *r, uint64_t per_pass)
{
	if (r->c.iterations)
		return r->c.iterations;
	return r->c.runtime ? 0 : per_pass;
}

/* --bs for I/O subcommands: a multiple of 512 in [512, 16M]. */
int cmd_check_io_bs(struct daxwl_run *r);

/* Aligned buffer for I/O (page-aligned, so O_DIRECT accepts it). */
void *cmd_alloc_buf(uint64_t len);

#endif
