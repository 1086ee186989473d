// SPDX-License-Identifier: MIT
#include "daxlab/mapsync.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int dx_map_sync(struct dx_mapping *m, const char *path, size_t len,
		char *err, size_t errlen)
{
	int e;

	m->addr = MAP_FAILED;
	m->len = len;
	m->fd = open(path, O_RDWR | O_CLOEXEC);
	if (m->fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s: %s", path, strerror(e));
		errno = e;
		return -1;
	}
	m->addr = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED_VALIDATE | MAP_SYNC, m->fd, 0);
	if (m->addr == MAP_FAILED) {
		e = errno;
		snprintf(err, errlen, "MAP_SYNC mapping of %zu bytes of %s: %s%s",
			 len, path, strerror(e), e == EOPNOTSUPP || e == EINVAL ?
			 " (not on a DAX file system?)" : "");
		close(m->fd);
		m->fd = -1;
		errno = e;
		return -1;
	}
	return 0;
}

void dx_unmap(struct dx_mapping *m)
{
	if (m->addr != MAP_FAILED)
		munmap(m->addr, m->len);
	if (m->fd >= 0)
		close(m->fd);
	m->addr = MAP_FAILED;
	m->fd = -1;
}
