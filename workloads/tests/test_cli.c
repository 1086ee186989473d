/* Command line, exit codes, JSON shape, and the file-safety rules. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static void test_usage_errors(void **state)
{
	struct tdir *d = *state;
	const char *none[] = { NULL };
	const char *unknown[] = { "frobnicate", NULL };
	const char *nofile[] = { "rw", "--size", "1M", NULL };
	const char *badopt[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--colour", "red", NULL };
	const char *threads[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--threads", "0", NULL };
	const char *runtime[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--runtime", "5x", NULL };
	const char *size[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1000", NULL };
	const char *split[] = { "rw", "--file", tfile(d, "f", 0), "--size", "4K", "--threads", "2", NULL };
	const char *stray[] = { "rw", tfile(d, "f", 0), NULL };

	ASSERT_RC(d, run_daxwl(d, none), 2);
	assert_true(file_contains(d->err, "usage: daxwl"));
	ASSERT_JQ(d, ".[0].tool == \"daxwl\" and .[0].subcommand == null and .[0].error.exit_code == 2");
	ASSERT_RC(d, run_daxwl(d, unknown), 2);
	ASSERT_JQ(d, ".[0].subcommand == null and .[0].error.class == \"usage\" and (.[0].error.message | test(\"frobnicate\"))");
	ASSERT_RC(d, run_daxwl(d, nofile), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"--file\")");
	ASSERT_RC(d, run_daxwl(d, badopt), 2);
	ASSERT_JQ(d, ".[0].error.message == \"unknown option --colour\"");
	assert_true(file_contains(d->err, "daxwl rw: unknown option --colour"));
	ASSERT_RC(d, run_daxwl(d, threads), 2);
	ASSERT_RC(d, run_daxwl(d, runtime), 2);
	ASSERT_RC(d, run_daxwl(d, size), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"multiple of 512\")");
	ASSERT_RC(d, run_daxwl(d, split), 2);
	ASSERT_RC(d, run_daxwl(d, stray), 2);
	/* None of these created the file. */
	assert_int_equal(access(tfile(d, "f", 0), F_OK), -1);
}

static void test_help(void **state)
{
	struct tdir *d = *state;
	const char *top[] = { "--help", NULL };
	const char *sub[] = { "odirect", "--help", NULL };
	const char *late[] = { "rw", "--file", "/nonexistent/x", "--bs", "-1", "--help", NULL };

	ASSERT_RC(d, run_daxwl(d, top), 0);
	assert_true(file_contains(d->json, "membw"));
	assert_true(file_contains(d->json, "128+N"));
	ASSERT_RC(d, run_daxwl(d, sub), 0);
	assert_true(file_contains(d->json, "--iodepth"));
	assert_true(file_contains(d->json, "--overwrite"));
	ASSERT_RC(d, run_daxwl(d, late), 0);
	assert_true(file_contains(d->json, "usage: daxwl rw"));
}

/* "<prog> <version>" on stdout, exit 0, wherever --version stands. */
static void test_version(void **state)
{
	struct tdir *d = *state;
	const char *top[] = { "--version", NULL };
	const char *sub[] = { "fault", "--size", "1M", "--version", NULL };

	ASSERT_RC(d, run_daxwl(d, top), 0);
	assert_true(file_contains(d->json, "daxwl 1.1\n"));
	assert_int_equal(count_lines(d->json), 1);
	ASSERT_RC(d, run_daxwl(d, sub), 0);
	assert_true(file_contains(d->json, "daxwl 1.1\n"));
	assert_int_equal(count_lines(d->err), 0);
}

/*
 * --json never lands in the target, whichever name leads to it: the same
 * path, a symbolic or a hard link, or a new file of the same name (through
 * another spelling of its directory).
 */
static void test_json_is_target(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "f", 0);
	const char *same[] = { "rw", "--file", f, "--json", f, NULL };
	const char *sym[] = { "rw", "--file", f, "--json", tfile(d, "sym", 1), "--overwrite", NULL };
	const char *hard[] = { "rw", "--file", tfile(d, "hard", 2), "--json", f, "--overwrite", NULL };
	const char *fresh[] = { "rw", "--file", tfile(d, "new", 1), "--size", "1M", "--json",
				tfile(d, "sub/../new", 2), NULL };

	make_foreign(f, 1 << 20, 0x42);
	assert_int_equal(symlink(f, tfile(d, "sym", 1)), 0);
	assert_int_equal(link(f, tfile(d, "hard", 2)), 0);
	assert_int_equal(mkdir(tfile(d, "sub", 3), 0755), 0);
	ASSERT_RC(d, run_daxwl(d, same), 2);
	ASSERT_JQ(d, ".[0].error.class == \"usage\" and (.[0].error.message | test(\"--json .* is the --file\"))");
	ASSERT_RC(d, run_daxwl(d, sym), 2);
	ASSERT_RC(d, run_daxwl(d, hard), 2);
	assert_true(foreign_intact(f, 1 << 20, 0x42));
	ASSERT_RC(d, run_daxwl(d, fresh), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"is the --file\")");
	assert_int_equal(access(tfile(d, "new", 1), F_OK), -1);
}

/* An existing --json file is replaced with --overwrite only, never appended to. */
static void test_json_exists(void **state)
{
	struct tdir *d = *state;
	const char *out = tfile(d, "runs.json", 1);
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--json", out, NULL };
	const char *ow[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--json", out,
			     "--overwrite", NULL };

	make_foreign(out, 1 << 20, 'x');
	ASSERT_RC(d, run_daxwl(d, args), 2);
	/* The refusal goes to standard output; the target was not created. */
	ASSERT_JQ(d, ".[0].error.message | test(\"exists; pass --overwrite\")");
	assert_true(foreign_intact(out, 1 << 20, 'x'));
	assert_int_equal(access(tfile(d, "f", 0), F_OK), -1);
	ASSERT_RC(d, run_daxwl(d, ow), 0);
	assert_int_equal(count_lines(out), 1);
	assert_true(jq_true(out, "length == 1 and .[0].error == null"));
}

/* What --json cannot be: a directory, a FIFO nobody reads (no hang); /dev/null works. */
static void test_json_special(void **state)
{
	struct tdir *d = *state;
	const char *fifo = tfile(d, "fifo", 1);
	const char *dir[] = { "membw", "--size", "1M", "--json", d->path, NULL };
	const char *pipe[] = { "membw", "--size", "1M", "--json", fifo, NULL };
	const char *null[] = { "membw", "--size", "1M", "--op", "read", "--json", "/dev/null", NULL };

	assert_int_equal(mkfifo(fifo, 0600), 0);
	ASSERT_RC(d, run_daxwl(d, dir), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"is a directory\")");
	ASSERT_RC(d, run_daxwl(d, pipe), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"nothing reads this FIFO\")");
	ASSERT_RC(d, run_daxwl(d, null), 0);
	assert_int_equal(count_lines(d->json), 0);
}

/* Standard output redirected into the target: refused, and nothing is added to it. */
static void test_stdout_is_target(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "rw", "--file", d->json, NULL };

	ASSERT_RC(d, run_daxwl(d, args), 2);
	assert_true(file_contains(d->err, "standard output is the --file"));
	assert_int_equal(count_lines(d->json), 0);
}

static void test_bad_paths(void **state)
{
	struct tdir *d = *state;
	const char *dir[] = { "rw", "--file", d->path, NULL };
	const char *chr[] = { "rw", "--file", "/dev/null", NULL };
	const char *nodir[] = { "rw", "--file", tfile(d, "no/such/f", 0), "--size", "1M", NULL };
	const char *empty[] = { "rw", "--file", tfile(d, "empty", 1), NULL };
	const char *huge[] = { "rw", "--file", tfile(d, "huge", 2), "--size", "1000T", NULL };

	ASSERT_RC(d, run_daxwl(d, dir), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"neither a regular file nor a block device\")");
	ASSERT_RC(d, run_daxwl(d, chr), 2);
	ASSERT_RC(d, run_daxwl(d, nodir), 2);
	close(open(tfile(d, "empty", 1), O_CREAT | O_WRONLY, 0644));
	ASSERT_RC(d, run_daxwl(d, empty), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"empty\")");
	ASSERT_RC(d, run_daxwl(d, huge), 5);
	ASSERT_JQ(d, ".[0].error.class == \"resources\" and (.[0].error.message | test(\"needs 1099511627776000 bytes, [0-9]+ bytes are free\"))");
	assert_int_equal(access(tfile(d, "huge", 2), F_OK), -1);
}

/* daxwl never writes, extends or refills a file it did not create without --overwrite. */
static void test_no_overwrite(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "foreign", 0);
	const char *write[] = { "rw", "--file", f, "--rw", "write", NULL };
	const char *fault[] = { "fault", "--file", f, NULL };
	const char *msync[] = { "msync", "--file", f, NULL };
	const char *flush[] = { "flush", "--file", f, NULL };
	const char *odirect[] = { "odirect", "--file", f, "--rw", "mixed", NULL };
	const char *grow[] = { "rw", "--file", f, "--size", "8M", NULL };
	const char *verify[] = { "rw", "--file", f, "--verify", NULL };
	const char *read[] = { "rw", "--file", f, "--order", "rand", NULL };
	const char *fault_rd[] = { "fault", "--file", f, "--touch", "read", NULL };

	make_foreign(f, 4 << 20, 0x42);
	ASSERT_RC(d, run_daxwl(d, write), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"--overwrite\")");
	ASSERT_RC(d, run_daxwl(d, fault), 2);
	ASSERT_RC(d, run_daxwl(d, msync), 2);
	ASSERT_RC(d, run_daxwl(d, flush), 2);
	ASSERT_RC(d, run_daxwl(d, odirect), 2);
	ASSERT_RC(d, run_daxwl(d, grow), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"smaller than --size\")");
	ASSERT_RC(d, run_daxwl(d, verify), 2);
	assert_true(foreign_intact(f, 4 << 20, 0x42));
	/* Reading is allowed and leaves the file alone. */
	ASSERT_RC(d, run_daxwl(d, read), 0);
	ASSERT_JQ(d, ".[0].target | .created == false and .writable == false and .fill == \"existing\" and .size == 4194304");
	ASSERT_RC(d, run_daxwl(d, fault_rd), 0);
	assert_true(foreign_intact(f, 4 << 20, 0x42));
}

static void test_overwrite_and_extend(void **state)
{
	struct tdir *d = *state;
	const char *f = tfile(d, "foreign", 0);
	const char *grow[] = { "rw", "--file", f, "--size", "8M", "--rw", "write", "--overwrite", NULL };
	struct stat st;

	make_foreign(f, 4 << 20, 0x42);
	ASSERT_RC(d, run_daxwl(d, grow), 0);
	ASSERT_JQ(d, ".[0].target | .extended == true and .created == false and .size == 8388608");
	assert_int_equal(stat(f, &st), 0);
	assert_int_equal(st.st_size, 8 << 20);
}

static void test_json_file_and_repeat(void **state)
{
	struct tdir *d = *state;
	const char *out = tfile(d, "runs.json", 1);
	const char *args[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--repeat", "3",
			       "--json", out, "--human", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 0);
	assert_int_equal(count_lines(d->json), 0);
	assert_int_equal(count_lines(out), 3);
	assert_true(file_contains(d->err, "p99.9"));	/* the human table */
	assert_true(jq_true(out, "[.[].repeat_index] == [0, 1, 2]"));
	/* The stable top-level keys of the schema, on every object. */
	assert_true(jq_true(out, "all(.[]; has(\"tool\") and has(\"version\") and has(\"schema\") and "
				 "has(\"subcommand\") and has(\"params\") and has(\"target\") and "
				 "has(\"env\") and has(\"results\") and has(\"error\"))"));
	assert_true(jq_true(out, "all(.[]; .schema == 2 and .params.json != null)"));
	/* The file was created by this invocation, which every repetition reports. */
	assert_true(jq_true(out, "all(.[]; .target.created == true)"));
}

/*
 * --mark opens one pmmark window per measured phase. Outside QEMU the
 * markers are plain cpuid, so the run is an ordinary one; with more than
 * one thread a window could not divide by its own ops, so it is refused.
 */
static void test_mark(void **state)
{
	struct tdir *d = *state;
	const char *two[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--threads", "2",
			      "--mark", NULL };
	const char *one[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--repeat", "2",
			      "--mark", NULL };

	ASSERT_RC(d, run_daxwl(d, two), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"--mark needs --threads 1\")");
	assert_int_equal(access(tfile(d, "f", 0), F_OK), -1);
	ASSERT_RC(d, run_daxwl(d, one), 0);
	ASSERT_JQ(d, "all(.[]; .params.mark == true and .results.ops > 0)");
}

/* Output that cannot be written is a run failure (exit 1), not a silent loss. */
static void test_unwritable_output(void **state)
{
	struct tdir *d = *state;
	const char *args[] = { "membw", "--size", "4M", "--op", "read", "--json", "/dev/full", NULL };

	ASSERT_RC(d, run_daxwl(d, args), 1);
	assert_true(file_contains(d->err, "writing the JSON output"));
}

/*
 * A block device node is refused by the subcommands that map files, before
 * anything opens it. The node is made here (it names no real device), so
 * no block device of this machine is touched.
 */
static void test_block_device_refused(void **state)
{
	struct tdir *d = *state;
	const char *node = tfile(d, "bdev", 1);
	const char *fault[] = { "fault", "--file", node, NULL };
	const char *msync[] = { "msync", "--file", node, NULL };
	const char *flush[] = { "flush", "--file", node, NULL };

	if (mknod(node, S_IFBLK | 0600, makedev(7, 1000))) {
		fprintf(stderr, "# cannot make a device node (%s): needs root\n", strerror(errno));
		skip();
	}
	ASSERT_RC(d, run_daxwl(d, fault), 2);
	ASSERT_JQ(d, ".[0].error.message | test(\"block device; only rw and odirect\")");
	ASSERT_RC(d, run_daxwl(d, msync), 2);
	ASSERT_RC(d, run_daxwl(d, flush), 2);
}

/* Same seed, same random order: the per-op offsets repeat. */
static void test_seed_reproducible(void **state)
{
	struct tdir *d = *state;
	const char *a[] = { "rw", "--file", tfile(d, "f", 0), "--size", "1M", "--rw", "write",
			    "--order", "rand", "--iterations", "1", "--verify", "--seed", "77", NULL };

	ASSERT_RC(d, run_daxwl(d, a), 0);
	ASSERT_JQ(d, ".[0].params.seed == 77 and .[0].results.verify.bad_words == 0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_usage_errors, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_help, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_version, setup_tmpfs, teardown_dir),
		BOTH(test_json_is_target),
		cmocka_unit_test_setup_teardown(test_json_exists, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_json_special, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_stdout_is_target, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_bad_paths, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_no_overwrite, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_no_overwrite, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_overwrite_and_extend, setup_hostfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_json_file_and_repeat, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_seed_reproducible, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_mark, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_unwritable_output, setup_tmpfs, teardown_dir),
		cmocka_unit_test_setup_teardown(test_block_device_refused, setup_hostfs, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
