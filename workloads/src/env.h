/*
 * What the run really ran on: kernel, CPU, file system, mount options,
 * and whether DAX and MAP_SYNC were in effect. Probed once per invocation.
 */
#ifndef DAXWL_ENV_H
#define DAXWL_ENV_H
#include <stdbool.h>
#include <stdint.h>

#include "daxlab/json.h"

struct target;

struct env {
	char release[128];
	char machine[72];
	char cpu_model[128];
	long ncpu_online;
	long page_size;
	char thp_enabled[32];
	uint64_t clock_overhead_ns;
	bool has_target;
	uint64_t fs_magic;
	char fs_statfs_name[32];
	char fs_type[32];	/* from mountinfo */
	char mount_point[256];
	char mount_source[256];
	char mount_opts[512];
	char super_opts[512];
	int dax;		/* STATX_ATTR_DAX: 1, 0, or -1 if the kernel cannot tell */
	int map_sync;		/* MAP_SYNC accepted: 1, 0, -1 not probed */
	int map_sync_errno;
	uint32_t dio_mem_align, dio_offset_align;	/* STATX_DIOALIGN, 0 unknown */
};

void env_probe(struct env *e, const struct target *t);
void env_emit_json(const struct env *e, struct dx_json *j);
/* Parses one /proc/self/mountinfo line; 0 on success. Exposed for tests. */
int env_parse_mountinfo_line(char *line, unsigned *major, unsigned *minor,
			     char **mount_point, char **opts, char **fstype,
			     char **source, char **super_opts);
/* Name for a statfs f_type magic, "unknown" if not in the table. */
const char *env_fs_name(uint64_t magic);
/* Bytes an unprivileged writer may still allocate on fd's file system; 0 if unknown. */
uint64_t env_free_bytes(int fd);
/* STATX_ATTR_DAX and STATX_DIOALIGN of fd into e->dax and e->dio_*. */
void env_probe_statx(struct env *e, int fd);
/* Tries a MAP_SHARED_VALIDATE | MAP_SYNC mapping of fd; 0 or an errno. */
int env_try_map_sync(int fd);

#endif
