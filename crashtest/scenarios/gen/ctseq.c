/* SPDX-License-Identifier: MIT */
/*
 * ctseq: the generated crash-test workloads (crashtest/README.md,
 * "Generated workloads"). Lists the named sets, shows one workload's
 * operations and promises, emits the sequence text the guest workload
 * `ctwl seq` runs, and checks a sequence file. The sets are a pure
 * function of this program: the same name is the same workload.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ctcli.h"
#include "ctmanifest.h"
#include "daxlab/exit.h"
#include "seq.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ctseq [--fs FS] list SET      the workloads of SET, one a line: NAME  SEQUENCE\n"
		"       ctseq [--fs FS] count SET     how many workloads SET has\n"
		"       ctseq [--fs FS] show NAME     NAME's operations and what it promises\n"
		"       ctseq emit NAME               NAME's sequence text (what ctwl --seq runs)\n"
		"       ctseq --dir DIR emit NAME...  each NAME's text into DIR/NAME.seq\n"
		"       ctseq [--fs FS] check FILE    is FILE a sequence that runs (on FS)?\n"
		"       ctseq --help | --version\n"
		"SET is seq-1 (every core operation with every persistence point that\n"
		"bears on it) or seq-2 (%u two-operation sequences drawn with seed %u).\n"
		"FS is ext2, ext4 or xfs: with it, list and count leave out what FS cannot\n"
		"run (ext2 has no fallocate) and show gives FS's promises only;\n"
		"ext2's twice, as stock Linux has it and on a kernel whose ext2 offers\n"
		"MAP_SYNC (its fsync writes new directory entries too).\n"
		"exit: 0 done, 2 bad usage or input (unknown set or name, a malformed\n"
		"sequence), 3 check: the sequence needs what FS lacks\n",
		SEQ2_SAMPLE, SEQ2_SEED);
}

struct listing {
	int have_fs, count_only;
	enum seq_fs fs;
	size_t n;
};

static int list_one(const struct seq *q, void *arg)
{
	struct listing *l = arg;
	char sum[512];

	if (l->have_fs && !seq_on(q, l->fs))
		return 0;
	l->n++;
	if (!l->count_only) {
		seq_summary(q, sum, sizeof(sum));
		printf("%s  %s\n", q->name, sum);
	}
	return 0;
}

/* What one step does, in words. */
static void describe(const struct seq_op *op, const struct seq_step *st)
{
	const char *a = seq_obj_path(op->a);

	printf("  %-2s %-16s %s", seq_kind_is_pp(op->k) ? "pp" : "op",
	       seq_kind_name(op->k), op->k == SEQ_SYNC ? "" : a);
	if (op->k == SEQ_LINK || op->k == SEQ_RENAME)
		printf(" %s", seq_obj_path(op->b));
	switch (op->k) {
	case SEQ_TRUNC_GROW:
	case SEQ_TRUNC_SHRINK:
		printf(": size %" PRIu64, st->size);
		break;
	case SEQ_FALLOC:
	case SEQ_FALLOC_KEEP:
	case SEQ_PUNCH:
	case SEQ_ZERO_RANGE:
		printf(": mode 0x%x [%" PRIu64 ", %" PRIu64 ")", st->mode, st->off,
		       st->off + st->len);
		break;
	default:
		if (st->len)
			printf(": [%" PRIu64 ", %" PRIu64 ") seed %" PRIu64, st->off,
			       st->off + st->len, st->seed);
	}
	printf("\n");
}

static int show(const struct seq *q, int have_fs, enum seq_fs only)
{
	struct seq_state s;
	struct seq_step st;
	char err[160], sum[512];

	seq_summary(q, sum, sizeof(sum));
	printf("%s: %s\n", q->name[0] ? q->name : "(unnamed)", sum);
	if (seq_begin(&s, q, err, sizeof(err))) {
		fprintf(stderr, "ctseq: %s\n", err);
		return DX_EXIT_USAGE;
	}
	printf("setup (synced before the start mark):");
	if (!q->setup)
		printf(" nothing");
	for (unsigned i = 0; i < 4; i++) {
		static const enum seq_obj order[] = { SEQ_D, SEQ_A, SEQ_B, SEQ_C };
		unsigned o = order[i];

		if (q->setup & (1u << o)) {
			if (o == SEQ_D)
				printf(" D (directory)");
			else
				printf(" %s (%u bytes, seed %" PRIu64 ")", seq_obj_path(o),
				       SEQ_BASE_LEN, s.node[s.ino[o]].seg[0].seed);
		}
	}
	printf("\n");
	for (unsigned i = 0; i <= q->nops; i++) {
		const struct seq_op *op = i < q->nops ? &q->op[i] : &q->pp;

		if (seq_apply(&s, op, &st, err, sizeof(err))) {
			fprintf(stderr, "ctseq: %s\n", err);
			return DX_EXIT_USAGE;
		}
		describe(op, &st);
	}
	/* ext2 twice: as Linux has it, and with MAP_SYNC's contract */
	static const struct {
		enum seq_fs fs;
		unsigned rules;
	} views[] = {
		{ SEQ_EXT2, 0 }, { SEQ_EXT2, SEQ_EXT2_NEWENTRY },
		{ SEQ_EXT4, 0 }, { SEQ_XFS, 0 },
	};
	for (size_t v = 0; v < sizeof(views) / sizeof(views[0]); v++) {
		struct ctm_promise p[SEQ_MAX_PROMISES];
		enum seq_fs f = views[v].fs;
		unsigned rules = views[v].rules;
		const char *with = rules ? " with MAP_SYNC" : "";
		size_t n;

		if (have_fs && f != only)
			continue;
		if (!seq_on(q, f)) {
			printf("on %s%s: not run (no fallocate)\n", seq_fs_name(f),
			       with);
			continue;
		}
		n = seq_promises(q, &s, f, rules, p, SEQ_MAX_PROMISES);
		printf("on %s%s: %zu promise%s%s\n", seq_fs_name(f), with, n,
		       n == 1 ? "" : "s", n ? " (manifest lines, mark 101)" : "");
		for (size_t i = 0; i < n; i++) {
			p[i].id = 101;
			fputs("  ", stdout);
			if (ctm_write_promise(stdout, &p[i], err, sizeof(err))) {
				fprintf(stderr, "ctseq: %s\n", err);
				return DX_EXIT_FINDING;
			}
		}
	}
	return DX_EXIT_OK;
}

static int check_file(const char *path, int have_fs, enum seq_fs fs)
{
	char err[300], *buf;
	FILE *f = fopen(path, "r");
	size_t len;
	struct seq q;

	if (!f) {
		fprintf(stderr, "ctseq: cannot read %s: %s\n", path, strerror(errno));
		return DX_EXIT_USAGE;
	}
	buf = malloc(65537);
	if (!buf) {
		fclose(f);
		fprintf(stderr, "ctseq: out of memory\n");
		return DX_EXIT_RESOURCES;
	}
	len = fread(buf, 1, 65537, f);
	if (ferror(f)) {
		fprintf(stderr, "ctseq: reading %s: %s\n", path, strerror(errno));
		free(buf);
		fclose(f);
		return DX_EXIT_USAGE;
	}
	fclose(f);
	if (seq_parse(&q, buf, len, err, sizeof(err))) {
		fprintf(stderr, "ctseq: %s: %s\n", path, err);
		free(buf);
		return DX_EXIT_USAGE;
	}
	free(buf);
	if (have_fs && !seq_on(&q, fs)) {
		fprintf(stderr, "ctseq: %s: %s has no fallocate\n", path,
			seq_fs_name(fs));
		return DX_EXIT_UNSUPPORTED;
	}
	seq_summary(&q, err, sizeof(err));
	printf("%s  %s\n", q.name[0] ? q.name : "-", err);
	return DX_EXIT_OK;
}

/* A NAME of `emit --dir`, and its workload once the set has shown it. */
struct wanted {
	const char *name;
	struct seq q;
	int found;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct wanted *)a)->name,
		      ((const struct wanted *)b)->name);
}

struct want_list {
	struct wanted *w;
	size_t n;
};

static int want_one(const struct seq *q, void *arg)
{
	struct want_list *l = arg;
	struct wanted key = { .name = q->name }, *hit;

	hit = bsearch(&key, l->w, l->n, sizeof(*l->w), by_name);
	if (hit) {
		hit->q = *q;
		hit->found = 1;
	}
	return 0;
}

/*
 * emit --dir: every NAME's text into DIR/NAME.seq. A campaign writes
 * thousands, so each set is enumerated once, not once a name as emit NAME
 * does; nothing is written unless every name is a workload.
 */
static int emit_dir(const char *dir, char **names, size_t n)
{
	struct want_list l = { calloc(n, sizeof(struct wanted)), 0 };
	int sets = 0, rc = DX_EXIT_OK;
	char err[200], path[4096];

	if (!l.w) {
		fprintf(stderr, "ctseq: out of memory\n");
		return DX_EXIT_RESOURCES;
	}
	for (size_t i = 0; i < n; i++)
		l.w[i].name = names[i];
	qsort(l.w, n, sizeof(*l.w), by_name);
	for (size_t i = 0; i < n; i++)	/* each name once */
		if (!l.n || strcmp(l.w[l.n - 1].name, l.w[i].name))
			l.w[l.n++] = l.w[i];
	for (size_t i = 0; i < l.n; i++)
		sets |= !strncmp(l.w[i].name, "seq1-", 5) ? 1 :
			!strncmp(l.w[i].name, "seq2-", 5) ? 2 : 0;
	if (sets & 1)
		seq_enumerate(SEQ_SET1, want_one, &l);
	if (sets & 2)
		seq_enumerate(SEQ_SET2, want_one, &l);
	for (size_t i = 0; i < l.n && rc == DX_EXIT_OK; i++) {
		struct seq q;

		/* seq_lookup says why the name is none */
		if (!l.w[i].found && seq_lookup(l.w[i].name, &q, err, sizeof(err))) {
			fprintf(stderr, "ctseq: %s\n", err);
			rc = DX_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < l.n && rc == DX_EXIT_OK; i++) {
		FILE *f;
		int bad;

		snprintf(path, sizeof(path), "%s/%s.seq", dir, l.w[i].name);
		f = fopen(path, "w");
		bad = !f;
		if (f) {
			bad = seq_write(f, &l.w[i].q) != 0;
			bad |= fclose(f) != 0;
		}
		if (bad) {
			fprintf(stderr, "ctseq: writing %s: %s\n", path, strerror(errno));
			rc = DX_EXIT_FINDING;
		}
	}
	free(l.w);
	return rc;
}

int main(int argc, char **argv)
{
	enum { O_FS = 256, O_DIR, O_HELP, O_VERSION };
	static const struct option opts[] = {
		{ "fs", required_argument, NULL, O_FS },
		{ "dir", required_argument, NULL, O_DIR },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct listing l;
	const char *cmd, *arg, *dir = NULL;
	enum seq_set set;
	struct seq q;
	char err[200];
	int opt;

	memset(&l, 0, sizeof(l));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_FS:
			if (seq_fs_parse(optarg, &l.fs)) {
				fprintf(stderr, "ctseq: --fs is ext2, ext4 or xfs, not "
					"'%s'\n", optarg);
				return DX_EXIT_USAGE;
			}
			l.have_fs = 1;
			break;
		case O_DIR:
			dir = optarg;
			break;
		case O_HELP:
			usage(stdout);
			return DX_EXIT_OK;
		case O_VERSION:
			printf("ctseq %s\n", CT_VERSION);
			return DX_EXIT_OK;
		default:
			usage(stderr);
			return DX_EXIT_USAGE;
		}
	}
	if (dir) {
		if (argc - optind < 2 || strcmp(argv[optind], "emit")) {
			fprintf(stderr, "ctseq: --dir goes with emit NAME...\n");
			return DX_EXIT_USAGE;
		}
		return emit_dir(dir, argv + optind + 1, (size_t)(argc - optind - 1));
	}
	if (argc - optind != 2) {
		usage(stderr);
		return DX_EXIT_USAGE;
	}
	cmd = argv[optind];
	arg = argv[optind + 1];
	if (!strcmp(cmd, "list") || !strcmp(cmd, "count")) {
		if (seq_set_parse(arg, &set)) {
			fprintf(stderr, "ctseq: no set '%s' (seq-1 or seq-2)\n", arg);
			return DX_EXIT_USAGE;
		}
		l.count_only = !strcmp(cmd, "count");
		seq_enumerate(set, list_one, &l);
		if (l.count_only)
			printf("%zu\n", l.n);
		return fflush(stdout) ? DX_EXIT_FINDING : DX_EXIT_OK;
	}
	if (!strcmp(cmd, "show") || !strcmp(cmd, "emit")) {
		if (seq_lookup(arg, &q, err, sizeof(err))) {
			fprintf(stderr, "ctseq: %s\n", err);
			return DX_EXIT_USAGE;
		}
		if (!strcmp(cmd, "show"))
			return show(&q, l.have_fs, l.fs);
		return seq_write(stdout, &q) || fflush(stdout) ? DX_EXIT_FINDING
							       : DX_EXIT_OK;
	}
	if (!strcmp(cmd, "check"))
		return check_file(arg, l.have_fs, l.fs);
	fprintf(stderr, "ctseq: unknown command '%s' (list, count, show, emit, "
		"check)\n", cmd);
	return DX_EXIT_USAGE;
}
