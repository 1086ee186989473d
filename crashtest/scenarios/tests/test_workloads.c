/* SPDX-License-Identifier: MIT */
/*
 * Every scenario workload, run on the host in a temporary directory (not a
 * DAX mount): it must finish, and after it the files must hold what its
 * manifest promises (data, zeros, sizes, names), the manifest read with
 * the one reader (ctmanifest.h). map-sync needs MAP_SYNC, which a non-DAX
 * file refuses: it must exit 3 (not supported here). And ctwl's command
 * line: strict numbers, the manifest never inside the workload directory,
 * never overwritten without --force.
 */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctmanifest.h"
#include "daxlab/pattern.h"
#include "helpers.h"

static char ctwl[PATH_MAX], dir[256];

/* Run "ctwl ARGS" (a shell word list); its stdout and stderr go to
 * dir/out. Returns the exit status, -1 when it did not exit. */
static int ctwl_run(const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	return th_run("'%s' %s >'%s/out' 2>&1", ctwl, args, dir);
}

/* ctwl's output of the last ctwl_run, NUL-terminated (static). */
static const char *ctwl_output(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/out", dir);
	return th_read(path);
}

static void fresh_dir(void)
{
	char cmd[600];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s/mnt'", dir, dir);
	assert_int_equal(system(cmd), 0);
}

static int run_workload(const char *name)
{
	fresh_dir();
	return ctwl_run("--bytes 200000 --fs ext4 %s '%s/mnt' '%s/manifest'",
			name, dir, dir);
}

static unsigned char *slurp(const char *rel, size_t *len)
{
	char path[512];
	struct stat st;
	unsigned char *buf;
	int fd;

	snprintf(path, sizeof(path), "%s/mnt/%s", dir, rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	assert_int_equal(fstat(fd, &st), 0);
	buf = malloc(st.st_size + 1);
	assert_non_null(buf);
	assert_int_equal(read(fd, buf, st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static struct ctm_manifest man;

static void load_manifest(void)
{
	char path[512], err[512];

	snprintf(path, sizeof(path), "%s/manifest", dir);
	if (ctm_load(&man, path, err, sizeof(err)))
		fail_msg("%s", err);
}

/* Smallest size a later promise gives path (truncates cut data). */
static uint64_t later_min_size(size_t from, const char *path)
{
	uint64_t min = UINT64_MAX;

	for (size_t i = from + 1; i < man.n; i++)
		if (man.p[i].kind == CTM_SIZE && !strcmp(man.p[i].path, path) &&
		    man.p[i].len < min)
			min = man.p[i].len;
	return min;
}

/* Does [a, a+b) of data differ from seed's pattern, where later zero
 * promises (punched holes) turn the expected bytes to zeros? */
static int mismatch(size_t from, const char *path, const unsigned char *data,
		    uint64_t a, uint64_t b, uint64_t seed)
{
	unsigned char *want = malloc(b + 1);
	int bad;

	assert_non_null(want);
	dx_pattern_fill(DX_PATTERN_CTWL, seed, a, want, b);
	for (size_t i = from + 1; i < man.n; i++) {
		const struct ctm_promise *z = &man.p[i];

		if (z->kind != CTM_ZERO || strcmp(z->path, path))
			continue;
		for (uint64_t o = z->off; o < z->off + z->len; o++)
			if (o >= a && o < a + b)
				want[o - a] = 0;
	}
	bad = memcmp(want, data + a, b) != 0;
	free(want);
	return bad;
}

/* Check the final state against every promise (later ones win). */
static void check_manifest(const char *name)
{
	load_manifest();
	assert_string_equal(man.h.fs, "ext4");
	assert_string_equal(man.h.workload, name);
	assert_int_equal(man.h.start_mark, 100);
	assert_true(man.n >= 4);
	assert_int_equal(man.p[0].id, 101);
	for (size_t i = 0; i < man.n; i++) {
		const struct ctm_promise *p = &man.p[i];
		unsigned char *data;
		uint64_t a = p->off, b = p->len, cut;
		size_t len;

		if (p->kind == CTM_DATA) {
			data = slurp(p->path, &len);
			if (!data)	/* renamed or removed later */
				continue;
			/* A later truncate may have cut the range. */
			cut = later_min_size(i, p->path);
			if (cut > len)
				cut = len;
			if (a + b > cut)
				b = a < cut ? cut - a : 0;
			if (mismatch(i, p->path, data, a, b, p->seed)) {
				free(data);
				fail_msg("%s: mark %llu: [%llu, +%llu) does not hold seed %llu",
					 p->path, (unsigned long long)p->id,
					 (unsigned long long)a, (unsigned long long)b,
					 (unsigned long long)p->seed);
			}
			free(data);
		} else if (p->kind == CTM_SIZE) {
			data = slurp(p->path, &len);
			assert_non_null(data);
			free(data);
			/* Sizes only grow after a truncate in these workloads. */
			assert_true(len >= p->len);
		} else if (p->kind == CTM_RENAME) {
			data = slurp(p->path, &len);
			assert_null(data);
		}
	}
	ctm_free(&man);
}

static void workload(const char *name)
{
	int rc = run_workload(name);

	if (rc != 0)
		fail_msg("ctwl %s exited with status %d: %s", name, rc, ctwl_output());
	check_manifest(name);
}

static void test_write_fsync(void **s) { (void)s; workload("write-fsync"); }
static void test_osync_write(void **s) { (void)s; workload("osync-write"); }
static void test_dsync_write(void **s) { (void)s; workload("dsync-write"); }
static void test_mmap_msync(void **s) { (void)s; workload("mmap-msync"); }
static void test_dir_ops(void **s) { (void)s; workload("dir-ops"); }
static void test_trunc_falloc(void **s) { (void)s; workload("trunc-falloc"); }

/* Not supported here is 3, the project's status (it was 77). */
static void test_map_sync_needs_dax(void **s)
{
	(void)s;
	assert_int_equal(run_workload("map-sync"), 3);
	assert_non_null(strstr(ctwl_output(), "MAP_SYNC is not supported"));
}

/* The new-file variant refuses the same way, after creating its file. */
static void test_map_sync_new_needs_dax(void **s)
{
	(void)s;
	assert_int_equal(run_workload("map-sync-new"), 3);
	assert_non_null(strstr(ctwl_output(), "mapsync-new: MAP_SYNC is not supported"));
}

static void expect_output(const char *msg)
{
	const char *out = ctwl_output();

	if (!strstr(out, msg))
		fail_msg("output '%s' lacks '%s'", out, msg);
}

static void test_bad_arguments(void **s)
{
	(void)s;
	fresh_dir();
	assert_int_equal(ctwl_run("--fs ext4 no-such-workload /tmp /dev/null"), 2);
	expect_output("unknown workload 'no-such-workload'");
	assert_int_equal(ctwl_run("--bytes 12 --fs ext4 write-fsync /tmp /dev/null"), 2);
	expect_output("--bytes: 12 is out of range [4K, 1G]");
	/* "-1" was read as 2^64-1 and "010" as 8. */
	assert_int_equal(ctwl_run("--first-id -1 --fs ext4 write-fsync '%s/mnt' '%s/m'",
				  dir, dir), 2);
	expect_output("--first-id: '-1' is not an unsigned integer");
	assert_int_equal(ctwl_run("--bytes 4096x --fs ext4 write-fsync /tmp /dev/null"), 2);
	expect_output("--bytes: '4096x' has an unknown size suffix");
	assert_int_equal(ctwl_run("--bytes 0x1000 --first-id 010 --fs ext4 "
				  "dir-ops '%s/mnt' '%s/manifest'", dir, dir), 0);
	load_manifest();
	assert_int_equal(man.h.start_mark, 10);
	assert_int_equal(man.p[0].id, 11);
	ctm_free(&man);
	/* The manifest is required to say what file system it is about. */
	assert_int_equal(ctwl_run("dir-ops '%s/mnt' '%s/m2'", dir, dir), 2);
	expect_output("--fs is required");
	assert_int_equal(ctwl_run("--fs zfs dir-ops '%s/mnt' '%s/m2'", dir, dir), 2);
	expect_output("unknown file system 'zfs'");
	assert_int_equal(access("/nonexistent-ctwl", F_OK), -1);
	assert_int_equal(ctwl_run("--fs ext4 dir-ops /nonexistent-ctwl '%s/m2'", dir), 2);
	expect_output("/nonexistent-ctwl is not a directory");
	{
		char m2[512];

		snprintf(m2, sizeof(m2), "%s/m2", dir);
		assert_int_equal(access(m2, F_OK), -1);
	}
}

static void test_help_version(void **s)
{
	char cmd[PATH_MAX + 100];

	snprintf(cmd, sizeof(cmd), "'%s' --help 2>/dev/null | grep -q '^usage: ctwl'",
		 ctwl);
	(void)s;
	fresh_dir();
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ctwl_run("--version"), 0);
	expect_output("ctwl 1.");
	assert_int_equal(ctwl_run("--frobnicate"), 2);
	expect_output("usage: ctwl");
}

static long file_size(const char *rel)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	return stat(path, &st) ? -1 : (long)st.st_size;
}

/* The manifest inside the workload's directory would be overwritten by
 * (or mixed into) the workload's files; an existing one is kept. */
static void test_manifest_output(void **s)
{
	(void)s;
	fresh_dir();
	assert_int_equal(ctwl_run("--fs ext4 write-fsync '%s/mnt' '%s/mnt/data'",
				  dir, dir), 2);
	expect_output("where the workload writes");
	assert_int_equal(file_size("mnt/data"), -1);
	assert_int_equal(ctwl_run("--fs ext4 dir-ops '%s/mnt' '%s/mnt/../mnt/x/../m'",
				  dir, dir), 2);
	assert_int_equal(ctwl_run("--fs ext4 dir-ops '%s/mnt' '%s/nodir/m'", dir, dir), 2);
	expect_output("cannot create the manifest");

	{
		char path[512];
		FILE *f;

		snprintf(path, sizeof(path), "%s/keep", dir);
		f = fopen(path, "w");
		assert_non_null(f);
		fputs("precious\n", f);
		fclose(f);
	}
	assert_int_equal(ctwl_run("--fs ext4 dir-ops '%s/mnt' '%s/keep'", dir, dir), 2);
	expect_output("exists; --force overwrites it");
	assert_int_equal(file_size("keep"), 9);
	assert_int_equal(ctwl_run("--force --bytes 4096 --fs ext4 trunc-falloc "
				  "'%s/mnt' '%s/keep'", dir, dir), 0);
	assert_true(file_size("keep") > 9);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_fsync),
		cmocka_unit_test(test_osync_write),
		cmocka_unit_test(test_dsync_write),
		cmocka_unit_test(test_mmap_msync),
		cmocka_unit_test(test_dir_ops),
		cmocka_unit_test(test_trunc_falloc),
		cmocka_unit_test(test_map_sync_needs_dax),
		cmocka_unit_test(test_map_sync_new_needs_dax),
		cmocka_unit_test(test_bad_arguments),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_manifest_output),
	};
	int rc;

	(void)argc;
	if (th_program(argv[0], "ctwl", ctwl))
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/test_workloads.%ld", (long)getpid());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd))
			rc = 1;
	}
	return rc;
}
