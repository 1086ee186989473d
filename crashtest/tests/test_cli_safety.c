// SPDX-License-Identifier: MIT
/*
 * What the pmsim command must never do: overwrite one of its inputs or
 * an existing output without --force, fill a disk with the zeros of a
 * huge region, leave its temporary image behind when interrupted, run
 * for long without saying so when asked, or read "-1" as 2^64-1 and
 * "010" as 8. Also --help and --version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "helpers.h"

#define bin cli_bin
#define dir cli_dir
#define output cli_out
#define run cli_run

static int setup(void **state)
{
	if (cli_setup(state))
		return -1;
	/* a binary trace, and a text one with an image file */
	if (run("%s/examples/applog-trace -n 1 %s/t.pmt && cp %s/t.pmt %s/t.orig", bin, dir,
		dir, dir) ||
	    run("printf 'abcdefgh' > %s/init.img && printf 'region 0x1000 0x1000 r\\n"
		"image-file 0x1000 init.img\\nstore 0x1000 8 0102030405060708\\n' > %s/img.txt",
		dir, dir))
		return -1;
	return 0;
}

/* An existing output `name` in the scratch directory is refused without
 * --force and left as it was; the same command with --force replaces it.
 * args are pmsim's, with $D for the scratch directory. */
static void refuses_existing(const char *name, const char *args)
{
	cli_expect(2, "exists (--force replaces it)",
		   "D=%s; echo keep > $D/%s && %s/pmsim %s 2>&1", dir, name, bin,
		   args);
	assert_int_equal(run("test \"$(cat %s/%s)\" = keep", dir, name), 0);
	assert_int_equal(run("D=%s; %s/pmsim %s --force >/dev/null 2>&1", dir, bin, args), 0);
}

static void help_and_version(void **state)
{
	(void)state;
	cli_expect(0, "pmsim check TRACE", "%s/pmsim --help 2>/dev/null", bin);
	assert_non_null(strstr(output, "exit status"));
	cli_expect(0, "--checker CMD", "%s/pmsim check --help 2>/dev/null", bin);
	assert_int_equal(run("%s/pmsim replay -h 2>/dev/null", bin), 0);
	cli_expect(0, "pmsim 2.", "%s/pmsim --version", bin);
	cli_expect(2, "usage", "%s/pmsim 2>&1 >/dev/null", bin);
}

/* check --image: never the trace, however it is named; an existing file
 * only with --force. */
static void check_image_aliases(void **state)
{
	static const char *const alias[] = { "t.pmt", "link.pmt", "hard.pmt", "./t.pmt" };

	(void)state;
	assert_int_equal(run("ln -s t.pmt %s/link.pmt && ln %s/t.pmt %s/hard.pmt", dir, dir, dir), 0);
	for (size_t i = 0; i < sizeof(alias) / sizeof(alias[0]); i++) {
		cli_expect(2, "is the trace: refusing to overwrite an input",
			   "cd %s && %s/pmsim check t.pmt --checker true --image %s "
			   "--force 2>&1", dir, bin, alias[i]);
		assert_int_equal(run("cmp %s/t.pmt %s/t.orig", dir, dir), 0);
	}
	/* an image file the trace names is an input too */
	cli_expect(2, "an image file of the trace",
		   "%s/pmsim check %s/img.txt --checker true --image %s/init.img "
		   "--force 2>&1", bin, dir, dir);
	assert_int_equal(run("test \"$(cat %s/init.img)\" = abcdefgh", dir), 0);
	/* an existing output: refused, kept; replaced with --force */
	refuses_existing("out.img", "check $D/t.pmt --checker true --image $D/out.img");
	assert_int_equal(run("test $(stat -c %%s %s/out.img) = 65536", dir), 0);
}

static void replay_aliases(void **state)
{
	(void)state;
	assert_int_equal(run("%s/examples/applog-trace --buggy -n 1 %s/b.pmt && "
			     "cp %s/b.pmt %s/b.orig", bin, dir, dir, dir), 0);
	assert_int_equal(run("%s/pmsim check %s/b.pmt --checker %s/examples/applog-check "
			     "--repro-dir %s/rep --max-reports 1 >/dev/null 2>&1", bin, dir, bin,
			     dir), 1);
	/* the reproducer's own trace, and the reproducer itself */
	cli_expect(2, "the output is the reproducer's trace",
		   "%s/pmsim replay %s/rep/violation-1.repro -o %s/b.pmt --force 2>&1",
		   bin, dir, dir);
	assert_int_equal(run("cmp %s/b.pmt %s/b.orig", dir, dir), 0);
	cli_expect(2, "the output is the reproducer itself",
		   "cp %s/rep/violation-1.repro %s/r.orig && %s/pmsim replay "
		   "%s/rep/violation-1.repro -o %s/rep/violation-1.repro --force 2>&1",
		   dir, dir, bin, dir, dir);
	assert_int_equal(run("cmp %s/rep/violation-1.repro %s/r.orig", dir, dir), 0);
	/* an existing output */
	refuses_existing("r.img", "replay $D/rep/violation-1.repro $D/r.img");
	/* nothing left beside it */
	assert_int_equal(run("ls %s | grep -c pmsim-", dir), 1);
	/* reproducers already in --repro-dir: not replaced without --force */
	cli_expect(2, "holds reproducers already",
		   "%s/pmsim check %s/b.pmt --checker %s/examples/applog-check "
		   "--repro-dir %s/rep --max-reports 1 2>&1 >/dev/null", bin, dir, bin,
		   dir);
	assert_int_equal(run("cmp %s/rep/violation-1.repro %s/r.orig", dir, dir), 0);
	assert_int_equal(run("%s/pmsim check %s/b.pmt --checker %s/examples/applog-check "
			     "--repro-dir %s/rep --max-reports 1 --force >/dev/null 2>&1", bin, dir,
			     bin, dir), 1);
}

/* A huge region costs the disk only what can be non-zero. */
static void huge_region_sparse(void **state)
{
	(void)state;
	assert_int_equal(run("printf 'region 0x100000000 0x40000000 big\\n"
			     "store 0x100000000 8 0102030405060708\\n' > %s/g.txt", dir), 0);
	assert_int_equal(run("%s/pmsim check %s/g.txt --checker 'test -s' --image %s/g.img "
			     ">/dev/null 2>&1", bin, dir, dir), 0);
	/* 1 GiB long, at most a few pages written */
	assert_int_equal(run("test $(stat -c %%s %s/g.img) = 1073741824 && "
			     "test $(du -k %s/g.img | cut -f1) -lt 1024", dir, dir), 0);
	assert_int_equal(run("od -An -tx1 -N 8 %s/g.img | tr -d ' \\n'", dir), 0);
	assert_true(!strcmp(output, "0102030405060708") || !strcmp(output, "0000000000000000"));
	/* 1 TiB, declared by a few bytes of trace: done in seconds */
	assert_int_equal(run("printf 'region 0x100000000 0x10000000000 tib\\n"
			     "store 0x100000040 8 0102030405060708\\n' > %s/tib.txt && "
			     "mkdir -p %s/tmp && TMPDIR=%s/tmp timeout 60 %s/pmsim check %s/tib.txt "
			     "--checker 'test -s' 2>&1", dir, dir, dir, bin, dir), 0);
	assert_int_equal(run("ls -A %s/tmp | wc -l", dir), 0);
	assert_int_equal(atoi(output), 0);
	/* and its reproducer replays to a sparse 1 TiB file */
	assert_int_equal(run("printf 'trace %s/tib.txt\\ncrash-event 2\\npersisted 1:0\\n' > "
			     "%s/tib.repro && timeout 60 %s/pmsim replay %s/tib.repro %s/tib.img "
			     ">/dev/null 2>&1 && test $(stat -c %%s %s/tib.img) = 1099511627776 && "
			     "test $(du -k %s/tib.img | cut -f1) -lt 1024", dir, dir, bin, dir, dir,
			     dir, dir), 0);
}

/* SIGINT or SIGTERM during a run: the checker and the temporary image
 * are gone, and the status says which signal. */
static void signals_clean_up(void **state)
{
	static const struct { const char *sig; int status; } sigs[] = {
		{ "INT", 130 }, { "TERM", 143 }, { "HUP", 129 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		assert_int_equal(run("rm -rf %s/st; mkdir %s/st; cd %s/st; "
				     "TMPDIR=%s/st %s/pmsim check %s/t.pmt --checker 'sleep 30;' "
				     ">/dev/null 2>&1 & p=$!; "
				     "for i in $(seq 200); do ls %s/st | grep -q pmsim-image && break; "
				     "sleep 0.05; done; ls %s/st | grep -q pmsim-image || exit 99; "
				     "kill -%s $p; wait $p; s=$?; "
				     "sleep 0.2; echo $s $(ls -A %s/st | wc -l)",
				     dir, dir, dir, dir, bin, dir, dir, dir, sigs[i].sig, dir), 0);
		{
			int st = -1, left = -1;

			assert_int_equal(sscanf(output, "%d %d", &st, &left), 2);
			assert_int_equal(st, sigs[i].status);
			assert_int_equal(left, 0);
		}
	}
}

/* --progress says how far a run is, with an estimate; not by default
 * when stderr is no terminal. */
static void progress_lines(void **state)
{
	(void)state;
	cli_expect(0, "pmsim: progress: crash point ",
		   "%s/pmsim check %s/t.pmt --checker 'sleep 0.05; true' --progress=0.2 "
		   "2>&1 >/dev/null", bin, dir);
	assert_non_null(strstr(output, "states/s"));
	assert_non_null(strstr(output, " left"));
	assert_int_equal(run("%s/pmsim check %s/t.pmt --checker 'sleep 0.05; true' 2>&1 >/dev/null",
			     bin, dir), 0);
	assert_null(strstr(output, "progress"));
}

/* Numbers: decimal or 0x, no sign, no garbage, in range. */
static void strict_numbers(void **state)
{
	static const char *const bad[] = {
		"--seed -1", "--seed 5x", "--seed ''", "--max-states -1",
		"--max-states 18446744073709551616", "--max-reports 4294967296",
		"--max-points +3", "--timeout 0", "--timeout -2", "--timeout 1e400",
		"--timeout nan", "--mode random:0", "--mode random:-1", "--mode bounded:1x",
		"--mode random:", "--progress=abc",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cli_expect(2, "pmsim: ", "%s/pmsim check %s/t.pmt --checker true %s 2>&1", bin, dir,
			   bad[i]);
	}
	/* "010" is ten, never eight; 0x10 is sixteen */
	cli_expect(4, "--max-states 10 ",
		   "%s/pmsim check %s/t.pmt --checker true --max-states 010 2>&1",
		   bin, dir);
	cli_expect(0, "random:16,",
		   "%s/pmsim check %s/t.pmt --checker true --mode random:0x10 2>&1",
		   bin, dir);
	assert_int_equal(run("%s/pmsim dump %s/t.pmt --events -1 2>&1", bin, dir), 2);
	assert_int_equal(run("%s/examples/applog-trace -n 3 %s/t3.pmt && "
			     "%s/pmsim dump %s/t3.pmt --events 010 | grep -vc '^#'", bin, dir, bin, dir), 0);
	assert_int_equal(atoi(output), 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(help_and_version),
		cmocka_unit_test(check_image_aliases),
		cmocka_unit_test(replay_aliases),
		cmocka_unit_test(huge_region_sparse),
		cmocka_unit_test(signals_clean_up),
		cmocka_unit_test(progress_lines),
		cmocka_unit_test(strict_numbers),
	};

	return cmocka_run_group_tests_name("cli_safety", tests, setup, cli_teardown);
}
