/* SPDX-License-Identifier: MIT */
/*
 * Mapping workloads: stores through a shared mapping made durable by
 * msync(), and stores through a MAP_SYNC mapping made durable by libpmem2's
 * user-space flush (no system call at all on the durability path). The
 * libpmem2 MAP_SYNC mapping helper (ctwl.h) lives here, with its library.
 */
#include <fcntl.h>
#include <libpmem2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "ctwl.h"
#include "daxlab/exit.h"
#include "daxlab/pattern.h"

#define NOPS 16

/* Create name with size bytes (sparse: the stores allocate blocks) and make
 * the name and the size durable. */
static int create_sparse(struct ctwl *c, const char *name, size_t size)
{
	int fd = open(ctwl_path(c, name), O_RDWR | O_CREAT | O_TRUNC, 0644);
	uint64_t id;

	if (fd < 0)
		return ctwl_err("creating %s", name);
	if (ftruncate(fd, (off_t)size) || fsync(fd) ||
	    ctwl_fsync_path(c, ".")) {
		ctwl_err("sizing %s to %zu and fsync", name, size);
		close(fd);
		return -1;
	}
	id = ctwl_mark(c, "sparse file created and durable");
	if (ctwl_name(c, id, name) || ctwl_size(c, id, name, size)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Operation k covers [off, off+len) inside a file of size bytes: one per
 * chunk, starting at an odd offset so that lines are partly written. */
static void op_range(size_t size, unsigned k, uint64_t *off, size_t *len)
{
	size_t chunk = size / NOPS;

	*off = (uint64_t)k * chunk + (k * 24u + 3u) % 64u;
	*len = chunk - 64 - (k * 13u) % 50u;
}

static size_t file_size(const struct ctwl *c)
{
	size_t sz = (c->bytes + 65535) & ~(size_t)65535;

	return sz < 65536 ? 65536 : sz;
}

static int mmap_msync(struct ctwl *c)
{
	const char *name = "mapped";
	size_t size = file_size(c);
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map, *tmp;
	int fd = create_sparse(c, name, size), rc = 0;

	if (fd < 0)
		return -1;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		close(fd);
		return ctwl_err("mmap of %s", name);
	}
	tmp = malloc(size);
	if (!tmp) {
		munmap(map, size);
		close(fd);
		return ctwl_err("allocating %zu bytes", size);
	}
	for (unsigned k = 0; k < NOPS && !rc; k++) {
		uint64_t off, seed = ctwl_seed(c), id;
		size_t len;
		uintptr_t start, end;

		op_range(size, k, &off, &len);
		dx_pattern_fill(DX_PATTERN_CTWL, seed, off, tmp, len);
		ctwl_store_words(map + off, tmp, len);
		start = (uintptr_t)(map + off) & ~(uintptr_t)(page - 1);
		end = (uintptr_t)(map + off + len);
		if (msync((void *)start, end - start, MS_SYNC)) {
			rc = ctwl_err("msync of %s", name);
			break;
		}
		id = ctwl_mark(c, "msync returned");
		rc = ctwl_data(c, id, name, off, len, seed);
	}
	free(tmp);
	munmap(map, size);
	close(fd);
	return rc;
}

static int pmem2_fail(const char *what)
{
	fprintf(stderr, "ctwl: %s: %s\n", what, pmem2_errormsg());
	return -1;
}

int ctwl_map_sync_open(struct ctwl_sync_map *m, int fd, const char *name)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	struct pmem2_map *map = NULL;
	int err;

	memset(m, 0, sizeof(*m));
	if (pmem2_config_new(&cfg) || pmem2_source_from_fd(&src, fd) ||
	    pmem2_config_set_required_store_granularity(cfg,
				PMEM2_GRANULARITY_CACHE_LINE)) {
		pmem2_fail("setting up libpmem2");
		goto fail;
	}
	err = pmem2_map_new(&map, cfg, src);
	if (err == PMEM2_E_GRANULARITY_NOT_SUPPORTED ||
	    err == PMEM2_E_NOSUPP) {
		/* No MAP_SYNC here (stock ext2): not applicable. */
		fprintf(stderr, "ctwl: %s: MAP_SYNC is not supported: %s\n",
			name, pmem2_errormsg());
		pmem2_source_delete(&src);
		pmem2_config_delete(&cfg);
		return DX_EXIT_UNSUPPORTED;
	}
	if (err) {
		pmem2_fail("pmem2_map_new");
		goto fail;
	}
	m->cfg = cfg;
	m->src = src;
	m->map = map;
	m->addr = pmem2_map_get_address(map);
	m->copy = pmem2_get_memcpy_fn(map);
	m->persist = pmem2_get_persist_fn(map);
	return 0;
fail:
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	return -1;
}

void ctwl_map_sync_close(struct ctwl_sync_map *m)
{
	struct pmem2_map *map = m->map;
	struct pmem2_source *src = m->src;
	struct pmem2_config *cfg = m->cfg;

	if (map)
		pmem2_map_delete(&map);
	pmem2_source_delete(&src);
	pmem2_config_delete(&cfg);
	memset(m, 0, sizeof(*m));
}

/* Create name with size bytes and make nothing durable: the first MAP_SYNC
 * fault must make the name and the size durable with the block it maps. */
static int create_fresh(struct ctwl *c, const char *name, size_t size)
{
	int fd = open(ctwl_path(c, name), O_RDWR | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		return ctwl_err("creating %s", name);
	if (ftruncate(fd, (off_t)size)) {
		ctwl_err("sizing %s to %zu", name, size);
		close(fd);
		return -1;
	}
	return fd;
}

/* Stores through a MAP_SYNC mapping of name, made durable by libpmem2.
 * fresh: the file was just created and nothing made it durable, so each
 * mark also promises what reaches the data: its name and its size. */
static int map_sync_file(struct ctwl *c, const char *name, int fresh)
{
	size_t size = file_size(c);
	struct ctwl_sync_map m;
	unsigned char *tmp = NULL;
	int fd = fresh ? create_fresh(c, name, size) :
			 create_sparse(c, name, size);
	int rc;

	if (fd < 0)
		return -1;
	rc = ctwl_map_sync_open(&m, fd, name);
	if (rc) {
		close(fd);
		return rc;
	}
	tmp = malloc(size);
	if (!tmp)
		rc = ctwl_err("allocating %zu bytes", size);
	for (unsigned k = 0; k < NOPS && !rc; k++) {
		uint64_t off, seed = ctwl_seed(c), id;
		size_t len;

		op_range(size, k, &off, &len);
		if (k & 1) {
			/* Plain stores, then the user-space flush + fence. */
			dx_pattern_fill(DX_PATTERN_CTWL, seed, off, tmp, len);
			ctwl_store_words(m.addr + off, tmp, len);
			m.persist(m.addr + off, len);
			id = ctwl_mark(c, "stores + pmem2 persist returned");
		} else {
			/* libpmem2's copy: non-temporal stores + fence. */
			dx_pattern_fill(DX_PATTERN_CTWL, seed, off, tmp, len);
			m.copy(m.addr + off, tmp, len, 0);
			id = ctwl_mark(c, "pmem2 memcpy returned");
		}
		if (fresh && (ctwl_name(c, id, name) ||
			      ctwl_size(c, id, name, size))) {
			rc = -1;
			break;
		}
		rc = ctwl_data(c, id, name, off, len, seed);
	}
	free(tmp);
	ctwl_map_sync_close(&m);
	close(fd);
	return rc;
}

static int map_sync(struct ctwl *c)
{
	return map_sync_file(c, "mapsync", 0);
}

static int map_sync_new(struct ctwl *c)
{
	return map_sync_file(c, "mapsync-new", 1);
}

const struct ctwl_workload ctwl_mmap_msync = {
	.name = "mmap-msync",
	.promise = "stores through a shared mapping are durable once msync(MS_SYNC) of their pages returns",
	.run = mmap_msync,
};

const struct ctwl_workload ctwl_map_sync = {
	.name = "map-sync",
	.promise = "stores through a MAP_SYNC mapping are durable once libpmem2's flush (persist or memcpy) returns",
	.run = map_sync,
};

const struct ctwl_workload ctwl_map_sync_new = {
	.name = "map-sync-new",
	.promise = "stores through a MAP_SYNC mapping of a file created just before (nothing synced) are durable, and reachable by its name and size, once libpmem2's flush returns",
	.run = map_sync_new,
};
