/* SPDX-License-Identifier: MIT */
/*
 * Every scenario workload, run on the host in a temporary directory (not a
 * DAX mount): it must finish, and after it the files must hold what its
 * manifest promises (data, zeros, sizes, names). map-sync needs MAP_SYNC,
 * which a non-DAX file refuses: it must exit 77 (not applicable).
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

#include "../ctpattern.h"

static char ctwl[PATH_MAX], dir[256];

static int run_workload(const char *name, int *status)
{
	char cmd[PATH_MAX + 2048];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s' && mkdir -p '%s/mnt' && '%s' --bytes 200000 %s '%s/mnt' '%s/manifest' 2>'%s/err'",
		 dir, dir, ctwl, name, dir, dir, dir);
	*status = system(cmd);
	return WIFEXITED(*status) ? WEXITSTATUS(*status) : -1;
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

#define MAXLINES 512
static char lines[MAXLINES][1024];
static unsigned nlines;

/* Smallest size a later promise gives path (truncates cut data). */
static unsigned long long later_min_size(unsigned from, const char *path)
{
	unsigned long long min = ~0ull, sz;
	char p[256];

	for (unsigned i = from + 1; i < nlines; i++)
		if (sscanf(lines[i], "%*u size %255s %llu", p, &sz) == 2 &&
		    !strcmp(p, path) && sz < min)
			min = sz;
	return min;
}

/* Does [a, a+b) of data differ from seed's pattern, where later zero
 * promises (punched holes) turn the expected bytes to zeros? */
static int mismatch(unsigned from, const char *path, const unsigned char *data,
		    unsigned long long a, unsigned long long b,
		    unsigned long long seed)
{
	unsigned char *want = malloc(b + 1);
	unsigned long long zo, zl;
	char p[256];
	int bad;

	assert_non_null(want);
	ctpattern_fill(want, seed, a, b);
	for (unsigned i = from + 1; i < nlines; i++) {
		if (sscanf(lines[i], "%*u zero %255s %llu %llu", p, &zo, &zl) != 3 ||
		    strcmp(p, path))
			continue;
		for (unsigned long long o = zo; o < zo + zl; o++)
			if (o >= a && o < a + b)
				want[o - a] = 0;
	}
	bad = memcmp(want, data + a, b) != 0;
	free(want);
	return bad;
}

/* Check the final state against every promise (later ones win). */
static void check_manifest(void)
{
	char path[512], kind[16], p1[256], p2[256];
	unsigned long long id, a, b, c, cut;
	unsigned promises = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/manifest", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	for (nlines = 0; nlines < MAXLINES && fgets(lines[nlines], sizeof(lines[0]), f);)
		nlines++;
	fclose(f);
	for (unsigned i = 0; i < nlines; i++) {
		const char *line = lines[i];

		unsigned char *data;
		size_t len;

		if (sscanf(line, "%llu %15s", &id, kind) != 2)
			continue;
		promises++;
		if (!strcmp(kind, "data") &&
		    sscanf(line, "%*u %*s %255s %llu %llu %llu", p1, &a, &b, &c) == 4) {
			data = slurp(p1, &len);
			if (!data)	/* renamed or removed later */
				continue;
			/* A later truncate may have cut the range. */
			cut = later_min_size(i, p1);
			if (cut > len)
				cut = len;
			if (a + b > cut)
				b = a < cut ? cut - a : 0;
			if (mismatch(i, p1, data, a, b, c)) {
				free(data);
				fail_msg("%s: mark %llu: [%llu, +%llu) does not hold seed %llu",
					 p1, id, a, b, c);
			}
			free(data);
		} else if (!strcmp(kind, "size") &&
			   sscanf(line, "%*u %*s %255s %llu", p1, &a) == 2) {
			data = slurp(p1, &len);
			assert_non_null(data);
			free(data);
			/* Sizes only grow after a truncate in these workloads. */
			assert_true(len >= a);
		} else if (!strcmp(kind, "rename") &&
			   sscanf(line, "%*u %*s %255s %255s", p1, p2) == 2) {
			data = slurp(p1, &len);
			assert_null(data);
		}
	}
	assert_true(promises >= 4);
}

static void workload(const char *name)
{
	int status;

	if (run_workload(name, &status) != 0)
		fail_msg("ctwl %s exited with status %d", name, status);
	check_manifest();
}

static void test_write_fsync(void **s) { (void)s; workload("write-fsync"); }
static void test_osync_write(void **s) { (void)s; workload("osync-write"); }
static void test_dsync_write(void **s) { (void)s; workload("dsync-write"); }
static void test_mmap_msync(void **s) { (void)s; workload("mmap-msync"); }
static void test_dir_ops(void **s) { (void)s; workload("dir-ops"); }
static void test_trunc_falloc(void **s) { (void)s; workload("trunc-falloc"); }

static void test_map_sync_needs_dax(void **s)
{
	int status;

	(void)s;
	assert_int_equal(run_workload("map-sync", &status), 77);
}

static void test_bad_arguments(void **s)
{
	char cmd[PATH_MAX + 100];

	(void)s;
	snprintf(cmd, sizeof(cmd), "'%s' no-such-workload /tmp /dev/null 2>/dev/null", ctwl);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
	snprintf(cmd, sizeof(cmd), "'%s' --bytes 12 write-fsync /tmp /dev/null 2>/dev/null", ctwl);
	assert_int_equal(WEXITSTATUS(system(cmd)), 2);
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
		cmocka_unit_test(test_bad_arguments),
	};
	char *slash;
	int rc;

	(void)argc;
	/* ctwl is next to the tests directory: $(O)/crashtest/scenarios/. */
	if (!realpath(argv[0], ctwl))
		return 1;
	slash = strrchr(ctwl, '/');
	*slash = 0;
	slash = strrchr(ctwl, '/');
	strcpy(slash, "/ctwl");
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
