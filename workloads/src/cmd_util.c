#include "cmd_util.h"

#include <stdlib.h>
#include <string.h>

const char *const rw_names[] = { "read", "write", "mixed", NULL };

void *cmd_alloc_buf(uint64_t len)
{
	void *p = NULL;

	if (posix_memalign(&p, 4096, len))
		return NULL;
	memset(p, 0x5a, len);
	return p;
}

int cmd_check_io_bs(struct daxwl_run *r)
{
	if (r->c.bs < 512 || r->c.bs > (16u << 20) || r->c.bs % 512)
		return err_set(&r->err, DAXWL_EUSAGE, 0,
			       "--bs must be a multiple of 512 between 512 and 16M (got %llu)",
			       (unsigned long long)r->c.bs);
	return 0;
}
