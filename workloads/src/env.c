#include "env.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "daxlab/clock.h"
#include "daxlab/files.h"
#include "mapping.h"	/* MAP_SYNC for older libc headers */
#include "target.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif
#ifndef STATX_DIOALIGN
#define STATX_DIOALIGN 0x00002000U
#endif

static void read_line_field(const char *path, const char *key, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, strlen(key)))
			continue;
		char *v = strchr(line, ':');

		if (!v)
			continue;
		v++;
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = 0;
		snprintf(out, len, "%s", v);
		break;
	}
	fclose(f);
}

/* The bracketed word of a sysfs choice file: "always [madvise] never". */
static void read_choice(const char *path, char *out, size_t len)
{
	FILE *f = fopen(path, "re");
	char line[256];

	if (!f)
		return;
	if (fgets(line, sizeof(line), f)) {
		char *a = strchr(line, '['), *b = a ? strchr(a, ']') : NULL;

		if (a && b) {
			*b = 0;
			snprintf(out, len, "%s", a + 1);
		}
	}
	fclose(f);
}

const char *env_fs_name(uint64_t magic)
{
	static const struct { uint64_t magic; const char *name; } t[] = {
		{ EXT4_SUPER_MAGIC, "ext2/ext3/ext4" },
		{ XFS_SUPER_MAGIC, "xfs" },
		{ TMPFS_MAGIC, "tmpfs" },
		{ BTRFS_SUPER_MAGIC, "btrfs" },
		{ V9FS_MAGIC, "9p" },
		{ NFS_SUPER_MAGIC, "nfs" },
		{ OVERLAYFS_SUPER_MAGIC, "overlay" },
		{ F2FS_SUPER_MAGIC, "f2fs" },
		{ RAMFS_MAGIC, "ramfs" },
		{ 0x62656572, "sysfs" },
		{ 0x9fa0, "proc" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (t[i].magic == magic)
			return t[i].name;
	return "unknown";
}

/* Undo mountinfo's octal escapes (\040 for space) in place. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] && s[3]) {
			*d++ = (char)(((s[1] - '0') << 6) | ((s[2] - '0') << 3) | (s[3] - '0'));
			s += 3;
		} else {
			*d++ = *s;
		}
	}
	*d = 0;
}

int env_parse_mountinfo_line(char *line, unsigned *major, unsigned *minor,
			     char **mount_point, char **opts, char **fstype,
			     char **source, char **super_opts)
{
	char *f[32];
	int n = 0;

	line[strcspn(line, "\n")] = 0;
	for (char *save, *tok = strtok_r(line, " ", &save); tok && n < 32;
	     tok = strtok_r(NULL, " ", &save))
		f[n++] = tok;
	/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
	int dash = -1;

	for (int i = 6; i < n; i++)
		if (!strcmp(f[i], "-")) {
			dash = i;
			break;
		}
	if (n < 6 || dash < 0 || dash + 3 > n)
		return -1;
	if (sscanf(f[2], "%u:%u", major, minor) != 2)
		return -1;
	unescape(f[4]);
	*mount_point = f[4];
	*opts = f[5];
	*fstype = f[dash + 1];
	*source = f[dash + 2];
	*super_opts = dash + 3 < n ? f[dash + 3] : f[dash + 2] + strlen(f[dash + 2]);
	return 0;
}

/* Picks the mount of the file's device whose mount point is the longest prefix of its path. */
static void probe_mount(struct env *e, const char *path, dev_t dev)
{
	char real[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	size_t best = 0;
	bool found = false;

	if (!f)
		return;
	if (!realpath(path, real))
		snprintf(real, sizeof(real), "%s", path);
	while (fgets(line, sizeof(line), f)) {
		unsigned ma, mi;
		char *mp, *opts, *type, *src, *sopts;

		if (env_parse_mountinfo_line(line, &ma, &mi, &mp, &opts, &type, &src, &sopts))
			continue;
		if (ma != major(dev) || mi != minor(dev))
			continue;
		size_t l = strlen(mp);
		bool prefix = !strncmp(real, mp, l) && (real[l] == '/' || real[l] == 0 || l == 1);

		if (found && !(prefix && l > best))
			continue;
		if (!found || prefix) {
			found = true;
			best = prefix ? l : 0;
			snprintf(e->mount_point, sizeof(e->mount_point), "%s", mp);
			snprintf(e->mount_opts, sizeof(e->mount_opts), "%s", opts);
			snprintf(e->fs_type, sizeof(e->fs_type), "%s", type);
			snprintf(e->mount_source, sizeof(e->mount_source), "%s", src);
			snprintf(e->super_opts, sizeof(e->super_opts), "%s", sopts);
		}
	}
	fclose(f);
}

uint64_t env_free_bytes(int fd)
{
	int64_t b = dx_free_bytes_fd(fd);

	return b < 0 ? 0 : (uint64_t)b;
}

int env_try_map_sync(int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED_VALIDATE | MAP_SYNC, fd, 0);

	if (p == MAP_FAILED)
		return errno;
	munmap(p, (size_t)pg);
	return 0;
}

void env_probe_statx(struct env *e, int fd)
{
	struct statx sx;

	e->dax = -1;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_DIOALIGN, &sx))
		return;
	if (sx.stx_attributes_mask & STATX_ATTR_DAX)
		e->dax = (sx.stx_attributes & STATX_ATTR_DAX) ? 1 : 0;
	if (sx.stx_mask & STATX_DIOALIGN) {
		e->dio_mem_align = sx.stx_dio_mem_align;
		e->dio_offset_align = sx.stx_dio_offset_align;
	}
}

/* A block device is DAX-capable if its queue says so in sysfs. */
static void probe_bdev_dax(struct env *e, dev_t rdev)
{
	char p[128];
	FILE *f;
	int v;

	snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/queue/dax", major(rdev), minor(rdev));
	f = fopen(p, "re");
	if (!f)
		return;
	if (fscanf(f, "%d", &v) == 1)
		e->dax = v ? 1 : 0;
	fclose(f);
}

void env_probe(struct env *e, const struct target *t)
{
	struct utsname u;

	memset(e, 0, sizeof(*e));
	e->dax = -1;
	e->map_sync = -1;
	if (!uname(&u)) {
		snprintf(e->release, sizeof(e->release), "%s", u.release);
		snprintf(e->machine, sizeof(e->machine), "%s", u.machine);
	}
	read_line_field("/proc/cpuinfo", "model name", e->cpu_model, sizeof(e->cpu_model));
	e->ncpu_online = sysconf(_SC_NPROCESSORS_ONLN);
	e->page_size = sysconf(_SC_PAGESIZE);
	read_choice("/sys/kernel/mm/transparent_hugepage/enabled", e->thp_enabled,
		    sizeof(e->thp_enabled));
	e->clock_overhead_ns = dx_clock_overhead_ns();
	if (!t || t->fd < 0)
		return;
	e->has_target = true;

	struct statfs sf;
	struct stat st;

	if (!fstatfs(t->fd, &sf)) {
		e->fs_magic = (uint64_t)(unsigned long)sf.f_type;
		snprintf(e->fs_statfs_name, sizeof(e->fs_statfs_name), "%s",
			 env_fs_name(e->fs_magic));
	}
	if (!fstat(t->fd, &st))
		probe_mount(e, t->path, st.st_dev);
	env_probe_statx(e, t->fd);
	if (t->bdev) {
		probe_bdev_dax(e, st.st_rdev);
		return;
	}
	/* MAP_SYNC is decided by the file system, not the size: a new, empty file tells too. */
	int rc = env_try_map_sync(t->fd);

	e->map_sync = rc == 0;
	e->map_sync_errno = rc;
}

static void str_or_null(struct dx_json *j, const char *k, const char *v)
{
	dx_json_str(j, k, v[0] ? v : NULL);
}

void env_emit_json(const struct env *e, struct dx_json *j)
{
	dx_json_obj_begin(j, "env");
	str_or_null(j, "kernel_release", e->release);
	str_or_null(j, "machine", e->machine);
	str_or_null(j, "cpu_model", e->cpu_model);
	dx_json_i64(j, "cpus_online", e->ncpu_online);
	dx_json_i64(j, "page_size", e->page_size);
	str_or_null(j, "thp_enabled", e->thp_enabled);
	dx_json_u64(j, "clock_overhead_ns", e->clock_overhead_ns);
	if (!e->has_target) {
		dx_json_null(j, "fs");
		dx_json_null(j, "dax");
		dx_json_null(j, "map_sync");
		dx_json_obj_end(j);
		return;
	}
	dx_json_obj_begin(j, "fs");
	str_or_null(j, "type", e->fs_type);
	char magic[24];

	snprintf(magic, sizeof(magic), "0x%llx", (unsigned long long)e->fs_magic);
	dx_json_str(j, "statfs_magic", magic);
	str_or_null(j, "statfs_name", e->fs_statfs_name);
	str_or_null(j, "mount_point", e->mount_point);
	str_or_null(j, "mount_source", e->mount_source);
	str_or_null(j, "mount_options", e->mount_opts);
	str_or_null(j, "super_options", e->super_opts);
	if (e->dio_offset_align) {
		dx_json_u64(j, "dio_mem_align", e->dio_mem_align);
		dx_json_u64(j, "dio_offset_align", e->dio_offset_align);
	} else {
		dx_json_null(j, "dio_mem_align");
		dx_json_null(j, "dio_offset_align");
	}
	dx_json_obj_end(j);
	if (e->dax < 0)
		dx_json_null(j, "dax");
	else
		dx_json_bool(j, "dax", e->dax);
	dx_json_obj_begin(j, "map_sync");
	if (e->map_sync < 0) {
		dx_json_null(j, "accepted");
		dx_json_null(j, "errno");
	} else {
		dx_json_bool(j, "accepted", e->map_sync);
		if (e->map_sync_errno)
			dx_json_str(j, "errno", strerrorname_np(e->map_sync_errno));
		else
			dx_json_null(j, "errno");
	}
	dx_json_obj_end(j);
	dx_json_obj_end(j);
}
