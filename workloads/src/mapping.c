#include "mapping.h"

#include <errno.h>
#include <stddef.h>
#include <unistd.h>

const char *const map_align_names[] = { "none", "2M", "4k", NULL };

void map_req_place(struct map_req *m, int align)
{
	m->align = align == MAP_ALIGN_NONE ? 0 : MAP_TWO_MB;
	m->skew = align == MAP_ALIGN_4K ? (uint64_t)sysconf(_SC_PAGESIZE) : 0;
}

void *map_file(const struct map_req *m)
{
	int prot = PROT_READ | (m->write ? PROT_WRITE : 0);
	int flags = (m->map_sync ? MAP_SHARED_VALIDATE | MAP_SYNC : MAP_SHARED) |
		    (m->populate ? MAP_POPULATE : 0);

	if (!m->align)
		return mmap(NULL, m->len, prot, flags, m->fd, (off_t)m->off);
	/*
	 * Reserve len + align + skew of address space, then place the file at
	 * an aligned address (plus skew) in it.
	 */
	uint64_t span = m->len + m->align + m->skew;
	char *res = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (res == MAP_FAILED)
		return MAP_FAILED;
	char *at = (char *)(((uintptr_t)res + m->align - 1) & ~(uintptr_t)(m->align - 1)) + m->skew;
	void *p = mmap(at, m->len, prot, flags | MAP_FIXED, m->fd, (off_t)m->off);

	if (p == MAP_FAILED) {
		int en = errno;

		munmap(res, span);
		errno = en;
		return MAP_FAILED;
	}
	if (at > res)
		munmap(res, (size_t)(at - res));
	char *end = at + m->len, *rend = res + span;

	if (rend > end)
		munmap(end, (size_t)(rend - end));
	return p;
}
