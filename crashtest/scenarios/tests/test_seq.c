/* SPDX-License-Identifier: MIT */
/*
 * The generated workloads (src/seq.c, ctseq, ctwl seq): the sets are the
 * same on every run and of the documented sizes; seq-1 holds every core
 * operation with every persistence point that bears on it (checked
 * against an enumeration of its own); every workload's dependencies hold
 * and its text reads back to itself; each persistence point promises what
 * the rules say on each file system, in lines the manifest reader takes;
 * ctwl seq runs sequences on the host (not DAX) to the state its manifest
 * promises, and refuses malformed sequences with status 2 before writing
 * anything.
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
#include "daxlab/prng.h"
#include "helpers.h"
#include "seq.h"

static char ctseq[PATH_MAX], ctwl[PATH_MAX], dir[256];

/* ---- the sets --------------------------------------------------------------- */

struct collect {
	struct seq *q;
	size_t n, cap;
};

static int collect_one(const struct seq *q, void *arg)
{
	struct collect *c = arg;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 1024;
		c->q = realloc(c->q, c->cap * sizeof(*c->q));
		assert_non_null(c->q);
	}
	c->q[c->n++] = *q;
	return 0;
}

static void collect(enum seq_set set, struct collect *c)
{
	size_t n;

	memset(c, 0, sizeof(*c));
	n = seq_enumerate(set, collect_one, c);
	assert_int_equal(n, c->n);
}

static size_t count_on(const struct collect *c, enum seq_fs fs)
{
	size_t n = 0;

	for (size_t i = 0; i < c->n; i++)
		n += (size_t)seq_on(&c->q[i], fs);
	return n;
}

/* The sizes the README gives; a change of the generator shows here. */
static void test_set_sizes(void **s)
{
	struct collect c1, c2;

	(void)s;
	collect(SEQ_SET1, &c1);
	collect(SEQ_SET2, &c2);
	assert_int_equal(c1.n, 486);
	assert_int_equal(count_on(&c1, SEQ_EXT4), 486);
	assert_int_equal(count_on(&c1, SEQ_XFS), 486);
	assert_int_equal(count_on(&c1, SEQ_EXT2), 402);
	assert_int_equal(c2.n, SEQ2_SAMPLE);
	assert_int_equal(count_on(&c2, SEQ_EXT4), 2000);
	assert_int_equal(count_on(&c2, SEQ_EXT2), 1256);
	assert_int_equal(seq_space(2, NULL, NULL), 39840);
	assert_string_equal(c1.q[0].name, "seq1-0001");
	/* an operation added last keeps the earlier seq-1 names */
	assert_string_equal(c1.q[464].name, "seq1-0465");
	assert_int_equal(c1.q[464].op[0].k, SEQ_SETXATTR);
	assert_int_equal(c1.q[465].op[0].k, SEQ_SPLICE);
	assert_string_equal(c1.q[485].name, "seq1-0486");
	assert_string_equal(c2.q[1999].name, "seq2-2000");
	free(c1.q);
	free(c2.q);
}

static int same_seq(const struct seq *a, const struct seq *b)
{
	if (strcmp(a->name, b->name) || a->setup != b->setup ||
	    a->nops != b->nops || a->pp.k != b->pp.k || a->pp.a != b->pp.a ||
	    a->pp.b != b->pp.b)
		return 0;
	for (unsigned i = 0; i < a->nops; i++)
		if (a->op[i].k != b->op[i].k || a->op[i].a != b->op[i].a ||
		    a->op[i].b != b->op[i].b)
			return 0;
	return 1;
}

/* Same inputs, same set: in process, and ctseq's output byte for byte. */
static void test_deterministic(void **s)
{
	struct collect a, b;
	char cmd[PATH_MAX * 3 + 600];

	(void)s;
	for (int set = SEQ_SET1; set <= SEQ_SET2; set++) {
		collect((enum seq_set)set, &a);
		collect((enum seq_set)set, &b);
		assert_int_equal(a.n, b.n);
		for (size_t i = 0; i < a.n; i++)
			assert_true(same_seq(&a.q[i], &b.q[i]));
		free(a.q);
		free(b.q);
	}
	snprintf(cmd, sizeof(cmd), "'%s' list seq-2 >'%s/l1' && '%s' list seq-2 >'%s/l2' "
		 "&& cmp -s '%s/l1' '%s/l2' && test $(wc -l <'%s/l1') = 2000",
		 ctseq, dir, ctseq, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	/* seq-2's sample is drawn with seed 1: its first workload is pinned */
	snprintf(cmd, sizeof(cmd), "'%s' list seq-2 | head -n 1 >'%s/l1'", ctseq, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "grep -qx 'seq2-0001  \\[D\\] creat A; creat D/C; fsync D/C' '%s/l1'", dir);
	assert_int_equal(system(cmd), 0);
}

/* Every workload's dependencies hold (the model runs it through), its
 * names are unique, and its text reads back to the same workload. */
static void test_dependencies_and_text(void **s)
{
	(void)s;
	for (int set = SEQ_SET1; set <= SEQ_SET2; set++) {
		struct collect c;

		collect((enum seq_set)set, &c);
		for (size_t i = 0; i < c.n; i++) {
			char err[300], *buf = NULL;
			size_t len = 0;
			FILE *f = open_memstream(&buf, &len);
			struct seq back;

			if (seq_check(&c.q[i], err, sizeof(err)))
				fail_msg("%s: %s", c.q[i].name, err);
			assert_non_null(f);
			assert_int_equal(seq_write(f, &c.q[i]), 0);
			fclose(f);
			if (seq_parse(&back, buf, len, err, sizeof(err)))
				fail_msg("%s: %s\n%s", c.q[i].name, err, buf);
			assert_true(same_seq(&back, &c.q[i]));
			free(buf);
			if (i)
				assert_string_not_equal(c.q[i].name, c.q[i - 1].name);
		}
		free(c.q);
	}
}

/* The test's own statement of "the point bears on the operation". */
static int bears_on(const struct seq_op *op, const struct seq_op *pp)
{
	unsigned named = 1u << op->a, names = 0;

	if (op->k == SEQ_LINK || op->k == SEQ_RENAME)
		named |= 1u << op->b;
	if (op->k == SEQ_CREAT || op->k == SEQ_MKDIR || op->k == SEQ_UNLINK ||
	    op->k == SEQ_RMDIR)
		names = 1u << op->a;
	if (op->k == SEQ_LINK)
		names = 1u << op->b;
	if (op->k == SEQ_RENAME)
		names = named;
	if (pp->k == SEQ_SYNC)
		return 1;
	if (pp->a == SEQ_ROOT)
		return !!(names & ((1u << SEQ_A) | (1u << SEQ_B) | (1u << SEQ_D)));
	if (pp->a == SEQ_D)
		return (named & (1u << SEQ_D)) || (names & (1u << SEQ_C));
	return !!(named & (1u << pp->a));
}

/* seq-1 is complete: every (operation, persistence point) pair that some
 * setup lets run, and that bears on the operation, is in it; nothing else
 * is. Counted against a brute force over every setup. */
static void test_seq1_complete(void **s)
{
	struct collect c;
	size_t pairs = 0, missing = 0;

	(void)s;
	collect(SEQ_SET1, &c);
	for (unsigned k = 0; k < SEQ_NKINDS; k++) {
		if (seq_kind_is_pp((enum seq_kind)k))
			continue;
		for (unsigned a = 0; a < SEQ_NOBJ; a++)
			for (unsigned b = 0; b < SEQ_NOBJ; b++)
				for (unsigned pk = 0; pk < SEQ_NKINDS; pk++)
					for (unsigned pa = 0; pa < SEQ_NOBJ; pa++) {
						struct seq q;
						char err[200];
						int possible = 0, found = 0;

						if (!seq_kind_is_pp((enum seq_kind)pk) ||
						    (pk == SEQ_SYNC && pa))
							continue;
						memset(&q, 0, sizeof(q));
						q.nops = 1;
						q.op[0] = (struct seq_op){ k, a, b };
						q.pp = (struct seq_op){ pk, pa, 0 };
						if (!bears_on(&q.op[0], &q.pp))
							continue;
						for (unsigned st = 0; st < 16 && !possible; st++) {
							q.setup = st;
							possible = !seq_check(&q, err, sizeof(err));
						}
						if (!possible)
							continue;
						pairs++;
						for (size_t i = 0; i < c.n && !found; i++)
							found = c.q[i].op[0].k == k &&
								c.q[i].op[0].a == a &&
								(c.q[i].op[0].b == b ||
								 (k != SEQ_LINK && k != SEQ_RENAME)) &&
								c.q[i].pp.k == pk && c.q[i].pp.a == pa;
						if (!found) {
							missing++;
							print_message("# missing: %s %u %u / %s %u\n",
								      seq_kind_name(k), a, b,
								      seq_kind_name(pk), pa);
						}
					}
	}
	assert_int_equal(missing, 0);
	/* 2-argument kinds enumerate b; the others ignore it (one pair per
	 * b value counted above): count distinct pairs in seq-1 instead */
	{
		size_t distinct = 0;

		for (size_t i = 0; i < c.n; i++) {
			int dup = 0;

			assert_true(bears_on(&c.q[i].op[0], &c.q[i].pp));
			for (size_t j = 0; j < i && !dup; j++)
				dup = c.q[j].op[0].k == c.q[i].op[0].k &&
				      c.q[j].op[0].a == c.q[i].op[0].a &&
				      c.q[j].op[0].b == c.q[i].op[0].b &&
				      c.q[j].pp.k == c.q[i].pp.k &&
				      c.q[j].pp.a == c.q[i].pp.a;
			distinct += !dup;
		}
		/* rename A B with B present and absent: two workloads, one pair */
		assert_true(distinct < c.n);
		assert_int_equal(distinct, 434);
		assert_true(pairs >= distinct);
	}
	free(c.q);
}

/* ---- the promises ------------------------------------------------------------ */

/* The promises of text on fs as manifest lines, "KIND ARGS;..." */
static const char *promises_on(const char *text, enum seq_fs fs,
			       unsigned rules)
{
	static char out[4096];
	struct ctm_promise p[SEQ_MAX_PROMISES];
	struct seq_state st;
	struct seq q;
	char err[300];
	size_t n, used = 0;

	if (seq_parse(&q, text, strlen(text), err, sizeof(err)))
		fail_msg("%s: %s", text, err);
	assert_int_equal(seq_run_model(&q, &st), 0);
	n = seq_promises(&q, &st, fs, rules, p, SEQ_MAX_PROMISES);
	out[0] = 0;
	for (size_t i = 0; i < n; i++) {
		char *line = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&line, &len);

		p[i].id = 1;
		assert_int_equal(ctm_write_promise(f, &p[i], err, sizeof(err)), 0);
		fclose(f);
		/* drop "1 " and the newline */
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%.*s;",
					 (int)len - 3, line + 2);
		free(line);
	}
	return out;
}

static const char *promises(const char *text, enum seq_fs fs)
{
	return promises_on(text, fs, 0);
}

/* ext2 on a kernel whose ext2 offers MAP_SYNC */
static const char *ext2_mapsync(const char *text)
{
	return promises_on(text, SEQ_EXT2, SEQ_EXT2_NEWENTRY);
}

#define ALL3(text, want)                                                    \
	do {                                                                \
		assert_string_equal(promises(text, SEQ_EXT2), want);        \
		assert_string_equal(promises(text, SEQ_EXT4), want);        \
		assert_string_equal(promises(text, SEQ_XFS), want);         \
	} while (0)

static void test_promise_rules(void **s)
{
	(void)s;
	/* fsync(file): content (data, the zeros between, size) */
	ALL3("setup A\nop pwrite-2m A\npp fsync A\n",
	     "data A 0 10000 7000001;zero A 10000 2086152;"
	     "data A 2096152 2000 7000002;size A 2098152;");
	ALL3("setup A\nop truncate-shrink A\npp fsync A\n",
	     "data A 0 1000 7000001;size A 1000;");
	ALL3("setup A\nop punch-hole A\npp fdatasync A\n",
	     "data A 0 3000 7000001;zero A 3000 6000;data A 9000 1000 7000001;"
	     "size A 10000;");
	/* setxattr promises nothing of its own */
	ALL3("setup A\nop setxattr A\npp fsync A\n", "data A 0 10000 7000001;size A 10000;");
	/* a new name: fsync of the file makes it durable on the journalled
	 * file systems only; fdatasync never promises it */
	assert_string_equal(promises("op creat A\npp fsync A\n", SEQ_EXT2), "");
	assert_string_equal(promises("op creat A\npp fsync A\n", SEQ_EXT4),
			    "size A 0;name A;");
	assert_string_equal(promises("op creat A\npp fsync A\n", SEQ_XFS),
			    "size A 0;name A;");
	ALL3("op creat A\npp fdatasync A\n", "");
	assert_string_equal(promises("setup A\nop link A B\npp fsync A\n", SEQ_EXT4),
			    "data A 0 10000 7000001;size A 10000;name B;");
	assert_string_equal(promises("setup A\nop link A B\npp fsync A\n", SEQ_EXT2),
			    "data A 0 10000 7000001;size A 10000;");
	/* fsync(dir): names changed in it; on ext2 only names gone and
	 * files of the setup */
	ALL3("setup A\nsetup B\nop rename A B\npp fsync .\n", "gone A;name B;");
	ALL3("setup A\nop unlink A\npp fsync .\n", "gone A;");
	ALL3("setup D\nsetup D/C\nop rename D/C A\npp fsync D\n", "gone D/C;");
	assert_string_equal(promises("op creat A\npp fsync .\n", SEQ_EXT2), "");
	assert_string_equal(promises("op creat A\npp fsync .\n", SEQ_XFS), "name A;");
	assert_string_equal(promises("op mkdir D\npp fsync D\n", SEQ_EXT4), "name D;");
	assert_string_equal(promises("op mkdir D\npp fsync D\n", SEQ_EXT2), "");
	/* sync(): everything, gone names too */
	ALL3("setup A\nsetup D\nop unlink A\npp sync\n", "gone A;name D;");
	ALL3("setup A\nop link A B\npp sync\n",
	     "data A 0 10000 7000001;size A 10000;name B;");
	/* the writing points: the bytes they wrote, if the name is old */
	ALL3("setup A\nop truncate-grow A\npp msync A\n", "data A 4000 300 7000002;");
	ALL3("setup A\npp osync-write A\n", "data A 9900 300 7000002;");
	ALL3("setup B\nop write B\npp dsync-write B\n", "data B 9900 300 7000003;");
	ALL3("setup A\nop mmap-store A\npp map-sync A\n", "data A 4000 300 7000003;");
	ALL3("setup A\nop rename A B\npp map-sync B\n", "");
}

/* ext2 with MAP_SYNC: a file's own sync writes the entries naming it
 * (Documentation/filesystems/ext2.rst with that support) */
static void test_promise_rules_ext2_mapsync(void **s)
{
	(void)s;
	assert_string_equal(ext2_mapsync("op creat A\npp fsync A\n"),
			    "size A 0;name A;");
	assert_string_equal(ext2_mapsync("op creat A\npp fdatasync A\n"),
			    "size A 0;name A;");
	assert_string_equal(ext2_mapsync("setup D\nop creat D/C\npp fsync D/C\n"),
			    "size D/C 0;name D/C;");
	assert_string_equal(ext2_mapsync("setup A\nop link A B\npp fsync A\n"),
			    "data A 0 10000 7000001;size A 10000;name B;");
	assert_string_equal(ext2_mapsync("setup A\nop rename A B\npp map-sync B\n"),
			    "data B 4000 300 7000002;name B;");
	assert_string_equal(ext2_mapsync("op creat A\npp osync-write A\n"),
			    "data A 9900 300 7000001;name A;");
	assert_string_equal(ext2_mapsync("op creat A\nop truncate-grow A\npp msync A\n"),
			    "data A 4000 300 7000001;name A;");
	/* a name untouched: as without the rule */
	assert_string_equal(ext2_mapsync("setup A\nop mmap-store A\npp map-sync A\n"),
			    promises("setup A\nop mmap-store A\npp map-sync A\n",
				     SEQ_EXT2));
	/* the directory's fsync and sync(2) are not the file's */
	assert_string_equal(ext2_mapsync("op creat A\npp fsync .\n"), "");
	assert_string_equal(ext2_mapsync("op mkdir D\npp sync\n"),
			    promises("op mkdir D\npp sync\n", SEQ_EXT2));
	/* the rule is ext2's: ext4 and xfs keep their own */
	assert_string_equal(promises_on("op creat A\npp fdatasync A\n", SEQ_EXT4,
					SEQ_EXT2_NEWENTRY), "");
}

/* Every workload of both sets on every file system: its promises are
 * lines the manifest reader takes (grammar, no two about one thing). */
static void test_promises_readable(void **s)
{
	(void)s;
	for (int set = SEQ_SET1; set <= SEQ_SET2; set++) {
		struct collect c;

		collect((enum seq_set)set, &c);
		for (size_t i = 0; i < c.n; i++)
			/* the file systems, then ext2 with MAP_SYNC */
			for (unsigned v = 0; v <= SEQ_NFS; v++) {
				unsigned fs = v < SEQ_NFS ? v : SEQ_EXT2;
				unsigned rules = v < SEQ_NFS ? 0 : SEQ_EXT2_NEWENTRY;
				struct ctm_promise p[SEQ_MAX_PROMISES];
				struct ctm_header h;
				struct ctm_manifest m;
				struct seq_state st;
				char *buf = NULL, err[300];
				size_t len = 0, n;
				FILE *f;

				if (!seq_on(&c.q[i], fs))
					continue;
				assert_int_equal(seq_run_model(&c.q[i], &st), 0);
				n = seq_promises(&c.q[i], &st, fs, rules, p,
						 SEQ_MAX_PROMISES);
				assert_true(n < SEQ_MAX_PROMISES);
				memset(&h, 0, sizeof(h));
				snprintf(h.fs, sizeof(h.fs), "%s", seq_fs_name(fs));
				h.start_mark = 100;
				f = open_memstream(&buf, &len);
				assert_int_equal(ctm_write_header(f, &h, err, sizeof(err)), 0);
				for (size_t k = 0; k < n; k++) {
					p[k].id = 101;
					if (ctm_write_promise(f, &p[k], err, sizeof(err)))
						fail_msg("%s on %s: %s", c.q[i].name,
							 seq_fs_name(fs), err);
				}
				fclose(f);
				if (ctm_parse(&m, buf, len, c.q[i].name, err, sizeof(err)))
					fail_msg("%s on %s: %s", c.q[i].name,
						 seq_fs_name(fs), err);
				assert_int_equal(m.n, n);
				ctm_free(&m);
				free(buf);
			}
		free(c.q);
	}
}

/* The reader on damaged text (seeded byte changes, cuts and insertions
 * of sequences of both sets): it accepts or refuses with a message, never
 * reads outside the text (ASan build), and what it accepts runs. */
static void test_parse_damaged(void **s)
{
	static const char alphabet[] = "ABCD/. \n#-abcdeghiklmnoprstuwxyz0123\t";
	struct dx_prng rng;
	struct collect c;
	size_t accepted = 0;

	(void)s;
	collect(SEQ_SET2, &c);
	dx_prng_seed(&rng, 7);
	for (unsigned round = 0; round < 20000; round++) {
		const struct seq *q = &c.q[dx_prng_below(&rng, c.n)];
		char *buf = NULL, *text, err[300];
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct seq back;
		unsigned edits = 1 + (unsigned)dx_prng_below(&rng, 4);

		assert_int_equal(seq_write(f, q), 0);
		fclose(f);
		text = malloc(len + 8);
		assert_non_null(text);
		memcpy(text, buf, len);
		free(buf);
		for (unsigned e = 0; e < edits && len; e++) {
			size_t at = dx_prng_below(&rng, len);
			char ch = alphabet[dx_prng_below(&rng, sizeof(alphabet) - 1)];

			switch (dx_prng_below(&rng, 4)) {
			case 0:
				text[at] = ch;
				break;
			case 1:
				len = at;	/* cut */
				break;
			case 2:
				memmove(text + at, text + at + 1, len - at - 1);
				len--;
				break;
			default: {
				char *t = realloc(text, len + 9);

				assert_non_null(t);
				text = t;
				memmove(text + at + 1, text + at, len - at);
				text[at] = ch;
				len++;
			}
			}
		}
		err[0] = 0;
		if (seq_parse(&back, text, len, err, sizeof(err))) {
			assert_true(err[0] != 0);
		} else {
			accepted++;
			assert_int_equal(seq_check(&back, err, sizeof(err)), 0);
		}
		free(text);
	}
	/* some damage leaves a valid sequence (a comment, another file) */
	assert_true(accepted > 0);
	free(c.q);
}

/* ---- ctseq and ctwl seq ------------------------------------------------------- */


static const char *output(void)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/out", dir);
	return th_read(path);
}

static void expect_output(const char *msg)
{
	const char *out = output();

	if (!strstr(out, msg))
		fail_msg("output '%s' lacks '%s'", out, msg);
}

static void test_ctseq_cli(void **s)
{
	(void)s;
	assert_int_equal(th_run("'%s' count seq-1 >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("486\n");
	assert_int_equal(th_run("'%s' --fs ext2 count seq-2 >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("1256\n");
	assert_int_equal(th_run("'%s' list seq-1 >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("seq1-0064  [A] pwrite-2m A; fsync A\n");
	assert_int_equal(th_run("'%s' emit seq1-0064 >'%s/out' 2>&1", ctseq, dir), 0);
	assert_string_equal(output(), "name seq1-0064\nsetup A\nop pwrite-2m A\npp fsync A\n");
	/* --dir: several at once, each file what emit NAME prints */
	assert_int_equal(th_run("rm -rf '%s/em' && mkdir '%s/em' && '%s' --dir '%s/em' emit "
				"seq2-0007 seq1-0064 seq2-0007 >'%s/out' 2>&1 && "
				"'%s' emit seq2-0007 | cmp - '%s/em/seq2-0007.seq' && "
				"'%s' emit seq1-0064 | cmp - '%s/em/seq1-0064.seq' && "
				"test \"$(ls '%s/em' | wc -l)\" = 2", dir, dir, ctseq, dir, dir,
			     ctseq, dir, ctseq, dir, dir), 0);
	/* a name that is none: no file written */
	assert_int_equal(th_run("rm -rf '%s/em' && mkdir '%s/em' && '%s' --dir '%s/em' emit "
				"seq1-0064 seq2-9999 >'%s/out' 2>&1", dir, dir, ctseq, dir, dir), 2);
	expect_output("no workload 'seq2-9999' in seq-2");
	assert_int_equal(th_run("test -z \"$(ls '%s/em')\"", dir), 0);
	assert_int_equal(th_run("'%s' --dir '%s/em' emit seq1-0064 >/dev/null 2>&1 && "
				"'%s' --dir '%s/em' list seq-1 >'%s/out' 2>&1", ctseq, dir, ctseq,
			     dir, dir), 2);
	expect_output("--dir goes with emit NAME...");
	assert_int_equal(th_run("'%s' --dir '%s/nodir' emit seq1-0064 >'%s/out' 2>&1", ctseq,
			     dir, dir), 1);
	expect_output("writing ");
	assert_int_equal(th_run("'%s' --fs ext2 show seq1-0001 >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("on ext2: 0 promises");
	expect_output("on ext2 with MAP_SYNC: 2 promises");
	assert_int_equal(th_run("'%s' show seq1-0064 >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("pwrite-2m        A: [2096152, 2098152) seed 7000002");
	expect_output("on xfs: 4 promises (manifest lines, mark 101)\n  101 data A 0 10000 7000001\n");
	assert_int_equal(th_run("'%s' --fs ext2 show seq1-0200 >'%s/out' 2>&1", ctseq, dir), 0);
	/* bad input */
	assert_int_equal(th_run("'%s' list seq-3 >'%s/out' 2>&1", ctseq, dir), 2);
	expect_output("ctseq: no set 'seq-3' (seq-1 or seq-2)");
	assert_int_equal(th_run("'%s' show seq1-9999 >'%s/out' 2>&1", ctseq, dir), 2);
	expect_output("no workload 'seq1-9999' in seq-1");
	assert_int_equal(th_run("'%s' emit nope >'%s/out' 2>&1", ctseq, dir), 2);
	expect_output("no workload 'nope'");
	assert_int_equal(th_run("'%s' --fs zfs list seq-1 >'%s/out' 2>&1", ctseq, dir), 2);
	assert_int_equal(th_run("'%s' frob seq-1 >'%s/out' 2>&1", ctseq, dir), 2);
	assert_int_equal(th_run("'%s' >'%s/out' 2>&1", ctseq, dir), 2);
	assert_int_equal(th_run("'%s' --help >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("usage: ctseq");
	assert_int_equal(th_run("'%s' --version >'%s/out' 2>&1", ctseq, dir), 0);
	expect_output("ctseq 1.");
}

/* A sequence file of text; returns its path. */
static const char *seqfile(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void fresh_mnt(void)
{
	assert_int_equal(th_run("rm -rf '%s/mnt' '%s/man' && mkdir '%s/mnt'", dir, dir, dir), 0);
}

/* Malformed sequences: status 2, the line named, no manifest written. */
static void test_interpreter_refuses(void **s)
{
	static const struct {
		const char *text, *msg;
	} bad[] = {
		{ "setup A\nop write A\n", "no persistence point" },
		{ "setup A\npp fsync A\nop write A\n", "line 3: after the persistence point" },
		{ "setup A\nop frob A\npp fsync A\n", "line 2: unknown operation 'frob'" },
		{ "setup A\nop fsync A\npp fsync A\n", "line 2: fsync is a persistence point" },
		{ "setup A\npp write A\n", "line 2: write is no persistence point" },
		{ "op write A\npp fsync A\n", "cannot run: write A: A does not exist" },
		{ "setup A\nop link A\npp fsync A\n", "line 2: link takes 2 paths" },
		{ "setup A\nop link A A\npp fsync A\n", "line 2: link cannot take 'A'" },
		{ "setup A\nop write E\npp fsync A\n", "line 2: write cannot take 'E'" },
		{ "setup D/C\npp sync\n", "setup D/C needs setup D" },
		{ "setup A\nsetup A\npp sync\n", "line 2: setup A twice" },
		{ "setup ..\npp sync\n", "line 1: setup of '..'" },
		{ "setup A\nop creat A\npp sync\n", "creat A: it exists" },
		{ "setup A\nop truncate-shrink A\nop truncate-shrink A\npp sync\n",
		  "truncate-shrink A: the size is 1000" },
		{ "setup D\nsetup D/C\nop rmdir D\npp sync\n", "rmdir D: D/C exists" },
		{ "setup A\nop write A\nop write A\nop write A\nop write A\nop write A\npp sync\n",
		  "line 6: more than 4 operations" },
		{ "setup A\npp sync", "no newline" },
		{ "setup A\nname x\npp sync\n", "line 2: 'name NAME' comes once, first" },
		{ "hello\n", "line 1: unknown record 'hello'" },
		{ "", "no persistence point" },
	};

	(void)s;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *f = seqfile("bad.seq", bad[i].text);

		fresh_mnt();
		assert_int_equal(th_run("'%s' --fs ext4 --seq '%s' seq '%s/mnt' '%s/man' "
				     ">'%s/out' 2>&1", ctwl, f, dir, dir, dir), 2);
		expect_output(bad[i].msg);
		{
			char man[512];

			snprintf(man, sizeof(man), "%s/man", dir);
			assert_int_equal(access(man, F_OK), -1);
		}
		/* ctseq check says the same */
		assert_int_equal(th_run("'%s' check '%s' >'%s/out' 2>&1", ctseq, f, dir), 2);
		expect_output(bad[i].msg);
	}
	fresh_mnt();
	assert_int_equal(th_run("'%s' --fs ext4 seq '%s/mnt' '%s/man' >'%s/out' 2>&1",
			     ctwl, dir, dir, dir), 2);
	expect_output("the seq workload needs --seq FILE");
	assert_int_equal(th_run("'%s' --fs ext4 --seq '%s/none' seq '%s/mnt' '%s/man' "
			     ">'%s/out' 2>&1", ctwl, dir, dir, dir, dir), 2);
	expect_output("cannot read the sequence");
	assert_int_equal(th_run("'%s' --fs ext4 --seq '%s' dir-ops '%s/mnt' '%s/man' "
			     ">'%s/out' 2>&1", ctwl, seqfile("ok.seq", "pp sync\n"),
			     dir, dir, dir), 2);
	expect_output("--seq is for the seq workload, not dir-ops");
	/* a sequence ext2 cannot run: not supported here (3) */
	assert_int_equal(th_run("'%s' --fs ext2 --seq '%s' seq '%s/mnt' '%s/man' "
			     ">'%s/out' 2>&1", ctwl,
			     seqfile("f.seq", "setup A\nop falloc A\npp fsync A\n"),
			     dir, dir, dir), 3);
	assert_int_equal(th_run("'%s' --fs ext2 check '%s/f.seq' >'%s/out' 2>&1", ctseq,
			     dir, dir), 3);
}

static unsigned char *slurp(const char *rel, size_t *len)
{
	char path[1024];
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

/* After ctwl seq, the files hold what its manifest promises. */
static void check_state(const char *name)
{
	struct ctm_manifest m;
	char path[1024], err[512];

	snprintf(path, sizeof(path), "%s/man", dir);
	if (ctm_load(&m, path, err, sizeof(err)))
		fail_msg("%s: %s", name, err);
	assert_string_equal(m.h.workload, "seq");
	for (size_t i = 0; i < m.n; i++) {
		const struct ctm_promise *p = &m.p[i];
		size_t len = 0;
		unsigned char *data = p->kind == CTM_DATA || p->kind == CTM_ZERO ||
				      p->kind == CTM_SIZE ? slurp(p->path, &len) : NULL;

		assert_int_equal(p->id, 101);
		switch (p->kind) {
		case CTM_GONE:
			snprintf(path, sizeof(path), "%s/mnt/%s", dir, p->path);
			assert_int_equal(access(path, F_OK), -1);
			break;
		case CTM_NAME:
			snprintf(path, sizeof(path), "%s/mnt/%s", dir, p->path);
			assert_int_equal(access(path, F_OK), 0);
			break;
		case CTM_SIZE:
			assert_non_null(data);
			assert_int_equal(len, p->len);
			break;
		case CTM_DATA:
			assert_non_null(data);
			assert_true(p->off + p->len <= len);
			if (dx_pattern_mismatch(DX_PATTERN_CTWL, p->seed, p->off,
						data + p->off, p->len) != p->len)
				fail_msg("%s: %s [%llu, +%llu) is not seed %llu", name,
					 p->path, (unsigned long long)p->off,
					 (unsigned long long)p->len,
					 (unsigned long long)p->seed);
			break;
		case CTM_ZERO:
			assert_non_null(data);
			assert_true(p->off + p->len <= len);
			for (uint64_t o = p->off; o < p->off + p->len; o++)
				if (data[o])
					fail_msg("%s: %s byte %llu is not 0", name, p->path,
						 (unsigned long long)o);
			break;
		case CTM_RENAME:
			fail_msg("%s: no rename promises", name);
		}
		free(data);
	}
	ctm_free(&m);
}

struct firsts {
	int seen[SEQ_NKINDS];
	char names[SEQ_NKINDS * 2][32];
	unsigned n;
};

static int first_of_kind(const struct seq *q, void *arg)
{
	struct firsts *f = arg;
	enum seq_kind k[2] = { q->op[0].k, q->pp.k };

	for (unsigned i = 0; i < 2; i++)
		if (!f->seen[k[i]] && seq_on(q, SEQ_EXT4)) {
			f->seen[k[i]] = 1;
			snprintf(f->names[f->n++], 32, "%s", q->name);
		}
	return 0;
}

/* The first seq-1 workload of every operation and every persistence
 * point, and a few of seq-2, run on the host: MAP_SYNC is refused on a
 * file that is not DAX (3), every other one leaves what it promises (or
 * says the scratch file system lacks a fallocate mode or O_DIRECT). */
static void test_interpreter_runs(void **s)
{
	static const char *const more[] = { "seq2-0001", "seq2-0500", "seq2-1000",
					    "seq2-1500", "seq2-2000", "seq1-0345" };
	struct firsts f;

	(void)s;
	memset(&f, 0, sizeof(f));
	seq_enumerate(SEQ_SET1, first_of_kind, &f);
	for (unsigned k = 0; k < SEQ_NKINDS; k++)
		assert_true(f.seen[k]);
	for (unsigned i = 0; i < f.n + sizeof(more) / sizeof(more[0]); i++) {
		const char *name = i < f.n ? f.names[i] : more[i - f.n];
		struct seq q;
		char err[200];
		int rc;

		assert_int_equal(seq_lookup(name, &q, err, sizeof(err)), 0);
		fresh_mnt();
		assert_int_equal(th_run("'%s' emit %s >'%s/w.seq'", ctseq, name, dir), 0);
		rc = th_run("'%s' --fs ext4 --seq '%s/w.seq' seq '%s/mnt' '%s/man' "
			 ">'%s/out' 2>&1", ctwl, dir, dir, dir, dir);
		if (q.pp.k == SEQ_MAP_SYNC) {
			if (rc != 3)
				fail_msg("%s: status %d, not 3: %s", name, rc, output());
			expect_output("MAP_SYNC is not supported");
			continue;
		}
		/* a scratch file system without ZERO_RANGE or O_DIRECT (tmpfs
		 * before Linux 6.6) says so: not supported here */
		if (rc == 3 && strstr(output(), "not supported here"))
			continue;
		if (rc != 0)
			fail_msg("%s: ctwl seq exited %d: %s", name, rc, output());
		check_state(name);
	}
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_sizes),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_dependencies_and_text),
		cmocka_unit_test(test_seq1_complete),
		cmocka_unit_test(test_promise_rules),
		cmocka_unit_test(test_promise_rules_ext2_mapsync),
		cmocka_unit_test(test_promises_readable),
		cmocka_unit_test(test_parse_damaged),
		cmocka_unit_test(test_ctseq_cli),
		cmocka_unit_test(test_interpreter_refuses),
		cmocka_unit_test(test_interpreter_runs),
	};
	int rc;

	(void)argc;
	if (th_program(argv[0], "ctseq", ctseq) || th_program(argv[0], "ctwl", ctwl))
		return 1;
	snprintf(dir, sizeof(dir), "/tmp/test_seq.%ld", (long)getpid());
	if (th_run("rm -rf '%s' && mkdir -p '%s'", dir, dir))
		return 1;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (th_run("rm -rf '%s'", dir))
		rc = 1;
	return rc;
}
