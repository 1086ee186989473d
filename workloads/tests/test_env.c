/* Environment probe: mountinfo parsing, fs names, MAP_SYNC and DAX on real files. */
#include <fcntl.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "env.h"
#include "harness.h"
#include "target.h"

static void test_mountinfo_line(void **state)
{
	(void)state;
	char line[] = "36 35 259:3 / /mnt/pm\\040em rw,noatime shared:1 master:2 - ext4 /dev/pmem0 rw,dax=always\n";
	unsigned ma = 0, mi = 0;
	char *mp, *opts, *type, *src, *sopts;

	assert_int_equal(env_parse_mountinfo_line(line, &ma, &mi, &mp, &opts, &type, &src, &sopts), 0);
	assert_int_equal(ma, 259);
	assert_int_equal(mi, 3);
	assert_string_equal(mp, "/mnt/pm em");
	assert_string_equal(opts, "rw,noatime");
	assert_string_equal(type, "ext4");
	assert_string_equal(src, "/dev/pmem0");
	assert_string_equal(sopts, "rw,dax=always");

	char bad[] = "36 35 259:3 / /mnt rw shared:1 ext4 /dev/pmem0 rw\n";

	assert_int_equal(env_parse_mountinfo_line(bad, &ma, &mi, &mp, &opts, &type, &src, &sopts), -1);
}

static void test_fs_names(void **state)
{
	(void)state;
	assert_string_equal(env_fs_name(0xEF53), "ext2/ext3/ext4");
	assert_string_equal(env_fs_name(0x58465342), "xfs");
	assert_string_equal(env_fs_name(0x01021994), "tmpfs");
	assert_string_equal(env_fs_name(0x12345678), "unknown");
}

/* A real file on tmpfs / the host fs: not DAX, MAP_SYNC refused with EOPNOTSUPP. */
static void test_probe_file(void **state)
{
	struct tdir *d = *state;
	struct target t = { .path = tfile(d, "f", 0), .size = 4096 };
	struct env e;
	char page[4096] = { 1 };

	t.fd = open(t.path, O_RDWR | O_CREAT | O_EXCL, 0600);
	assert_true(t.fd >= 0);
	assert_int_equal(write(t.fd, page, sizeof(page)), 4096);
	env_probe(&e, &t);
	assert_true(e.has_target);
	assert_true(strlen(e.release) > 0);
	assert_true(strlen(e.fs_type) > 0);
	assert_true(strlen(e.mount_point) > 0);
	assert_true(strncmp(t.path, e.mount_point, strlen(e.mount_point)) == 0);
	assert_int_equal(e.map_sync, 0);
	assert_int_equal(e.map_sync_errno, EOPNOTSUPP);
	assert_true(e.dax != 1);
	assert_int_equal(env_try_map_sync(t.fd), EOPNOTSUPP);
	close(t.fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mountinfo_line),
		cmocka_unit_test(test_fs_names),
		cmocka_unit_test_setup_teardown(test_probe_file, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_probe_file, setup_hostfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
