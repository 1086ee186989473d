/* SPDX-License-Identifier: MIT */
/* What the oracles' tests share: a scratch directory, files, shell. */
#ifndef TEST_HELPERS_H
#define TEST_HELPERS_H

#include <sys/types.h>

/* The test's scratch directory, made by th_setup (cmocka group setup)
 * and removed by th_teardown. */
extern char th_dir[256];
int th_setup(void **state);
int th_teardown(void **state);

/* th_dir/name (one of 8 static buffers, reused in turn). */
const char *th_path(const char *name);
/* Write text to th_dir/name with the mode given; asserts on failure. */
void th_write(const char *name, const char *text, mode_t mode);
/* system() of the formatted command: its wait status. */
int th_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same, its exit status: -1 when it did not exit. */
int th_run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The first 64 KiB of the file at path, NUL-terminated, in a static
 * buffer reused by the next call; asserts it can be read. */
const char *th_read(const char *path);

/* The device block holding file block lblk of file in the ext2/ext4
 * image at path (debugfs bmap); asserts it is mapped. */
unsigned long long th_bmap(const char *image, const char *file,
			   unsigned long long lblk);

/* The program name in the component's build directory, the parent of the
 * tests directory argv0 runs from ($(O)/crashtest/oracles/ctoracle for
 * $(O)/crashtest/oracles/tests/test_cli), into path (PATH_MAX bytes).
 * Returns 0, or -1 when argv0 does not resolve. */
int th_program(const char *argv0, const char *name, char *path);

#endif /* TEST_HELPERS_H */
