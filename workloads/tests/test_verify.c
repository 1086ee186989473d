/* The verify pattern through files: write, read back, damage found, stops and full devices. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"
#include "stop.h"
#include "verify.h"

/* Across the chunks of the fill and the read-back: written, checked, damage located. */
static void test_pattern_file(void **state)
{
	struct tdir *d = *state;
	const char *path = tfile(d, "p", 0);
	int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	uint64_t first = 0, done = 1;
	const uint64_t len = 40 << 20, bad = (17 << 20) + 64;

	assert_true(fd >= 0);
	assert_int_equal(verify_write_fd(fd, 0, len, 11, &done), 0);
	assert_true(done == len);
	assert_int_equal(verify_check_fd(fd, 0, len, 11, &first), 0);
	uint64_t junk = 0;

	assert_int_equal(pwrite(fd, &junk, 8, (off_t)bad), 8);
	assert_int_equal(verify_check_fd(fd, 0, len, 11, &first), 1);
	assert_true(first == bad);
	assert_true(dx_pattern_word(DX_PATTERN_DAXWL, 11, 5) != dx_pattern_word(DX_PATTERN_DAXWL, 11, 6));
	/* Reading past the end is an error, not a pass. */
	assert_int_equal(verify_check_fd(fd, 0, len + 4096, 11, &first), -1);
	close(fd);
}

/* A full device: the error and how far the pattern got, for the caller's message. */
static void test_pattern_write_full(void **state)
{
	(void)state;
	int fd = open("/dev/full", O_WRONLY);
	uint64_t done = 1;

	assert_true(fd >= 0);
	assert_int_equal(verify_write_fd(fd, 0, 2 << 20, 3, &done), -1);
	assert_int_equal(errno, ENOSPC);
	assert_true(done == 0);
	close(fd);
}

/* A stop request ends the fill between two chunks, with EINTR. */
static void test_pattern_write_stops(void **state)
{
	struct tdir *d = *state;
	int fd = open(tfile(d, "p", 0), O_RDWR | O_CREAT | O_EXCL, 0600);
	uint64_t done = 1, first;

	assert_true(fd >= 0);
	/* As a user's ^C would: the deferred handler records it. */
	dx_stop_install(NULL, false);
	raise(SIGTERM);
	assert_int_equal(dx_stop_signal(), SIGTERM);
	assert_int_equal(verify_write_fd(fd, 0, 3 << 20, 11, &done), -1);
	assert_int_equal(errno, EINTR);
	assert_true(done == 0);
	assert_int_equal(verify_check_fd(fd, 0, 4096, 11, &first), -1);
	assert_int_equal(errno, EINTR);
	atomic_store(&dx_stop_signo_, 0);	/* the next tests are not stopped */
	close(fd);
}

static uint64_t word_at(int fd, uint64_t off)
{
	uint64_t v = 0;

	assert_int_equal(pread(fd, &v, 8, (off_t)off), 8);
	return v;
}

/*
 * --verify catches damage done while daxwl runs: the file is refilled with
 * seed 2's pattern, a word is overwritten during the measured phase, and the
 * final read-back fails the run (exit 1) naming the offset.
 */
static void test_daxwl_detects_corruption(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *mk[] = { "rw", "--file", f, "--size", "4M", "--iterations", "1", NULL };
	const char *run[] = { "rw", "--file", f, "--verify", "--overwrite", "--seed", "2",
			      "--runtime", "2s", NULL };
	const uint64_t bad_off = (1 << 20) + 64, last = (4 << 20) - 8;

	ASSERT_RC(d, run_daxwl(d, mk), 0);
	int fd = open(f, O_RDWR);

	assert_true(fd >= 0);
	int pid = start_daxwl(d, run);

	/* The refill writes front to back: once the last word is seed 2's, it is done. */
	for (int i = 0; i < 3000 && word_at(fd, last) != dx_pattern_word(DX_PATTERN_DAXWL, 2, last / 8); i++)
		usleep(1000);
	assert_true(word_at(fd, last) == dx_pattern_word(DX_PATTERN_DAXWL, 2, last / 8));
	uint64_t junk = ~dx_pattern_word(DX_PATTERN_DAXWL, 2, bad_off / 8);

	assert_int_equal(pwrite(fd, &junk, 8, (off_t)bad_off), 8);
	close(fd);
	ASSERT_RC(d, wait_daxwl(pid), 1);
	ASSERT_JQ(d, ".[0].error.class == \"runtime\" and (.[0].error.message | test(\"verify failed\"))");
	ASSERT_JQ(d, ".[0].error.message | test(\"offset 1048640\")");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pattern_file, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_pattern_file, setup_hostfs, teardown_dir),
		cmocka_unit_test(test_pattern_write_full),
		cmocka_unit_test_setup_teardown(test_pattern_write_stops, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_daxwl_detects_corruption, setup_tmpfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
