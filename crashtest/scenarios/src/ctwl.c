/* SPDX-License-Identifier: MIT */
/*
 * ctwl [options] --fs TYPE WORKLOAD DIR MANIFEST
 *
 * Run one crash-test workload in DIR (a DAX mount) and write its manifest
 * (ctmanifest.h): the header, then one line per promise, "ID KIND ARGS".
 * With --trace the tracer is started before the first operation and
 * stopped after the last, and every promise gets a trace mark with the
 * same id. Exit statuses: crashtest/README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ctcli.h"
#include "ctmanifest.h"
#include "ctwl.h"
#include "daxlab/exit.h"
#include "daxlab/files.h"
#include "pmmark.h"

extern const struct ctwl_workload ctwl_write_fsync, ctwl_osync_write,
	ctwl_dsync_write, ctwl_mmap_msync, ctwl_map_sync, ctwl_map_sync_new,
	ctwl_dir_ops, ctwl_trunc_falloc, ctwl_seq;

const struct ctwl_workload *const ctwl_workloads[] = {
	&ctwl_write_fsync, &ctwl_osync_write, &ctwl_dsync_write,
	&ctwl_mmap_msync, &ctwl_map_sync, &ctwl_map_sync_new, &ctwl_dir_ops,
	&ctwl_trunc_falloc, &ctwl_seq,
	NULL,
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ctwl [options] --fs TYPE WORKLOAD DIR MANIFEST\n"
		"       ctwl --list | --help | --version\n"
		"Run WORKLOAD in DIR (a DAX mount) and write its promises to MANIFEST.\n"
		"  --fs ext2|ext4|xfs   the file system of DIR (the manifest's fs line)\n"
		"  --scenario NAME  --kernel NAME  --device pmem|dm-linear  --dev-offset N\n"
		"                       the rest of the manifest header\n"
		"  --bytes N            data to write, 4096..1G, K/M/G suffixes (default 1M)\n"
		"  --first-id N         the start mark's id; promises follow it (default 100)\n"
		"  --trace              start the tracer and mark every promise\n"
		"  --force              overwrite an existing MANIFEST\n"
		"  --seq FILE           the sequence the seq workload runs (ctseq emit)\n"
		"exit: 0 done, 1 failed, 2 usage, 3 not supported here, 5 out of space\n"
		"workloads:\n");
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		fprintf(f, "  %-14s %s\n", ctwl_workloads[i]->name,
			ctwl_workloads[i]->promise);
}

static int set_name(char *dst, size_t cap, const char *opt, const char *v)
{
	if (strlen(v) >= cap) {
		fprintf(stderr, "ctwl: %s: '%s' is longer than %zu bytes\n", opt,
			v, cap - 1);
		return -1;
	}
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/* Is the manifest path inside dir (where the workload creates files)? */
static int manifest_inside(const char *dir, const char *manifest, int *inside)
{
	char d[PATH_MAX], m[PATH_MAX], parent[PATH_MAX];
	const char *slash = strrchr(manifest, '/');
	size_t n;

	if (!slash)
		snprintf(parent, sizeof(parent), ".");
	else if (slash == manifest)
		snprintf(parent, sizeof(parent), "/");
	else
		snprintf(parent, sizeof(parent), "%.*s",
			 (int)(slash - manifest), manifest);
	if (!realpath(dir, d)) {
		fprintf(stderr, "ctwl: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (!realpath(parent, m)) {
		fprintf(stderr, "ctwl: cannot create the manifest %s: %s: %s\n",
			manifest, parent, strerror(errno));
		return -1;
	}
	n = strlen(d);
	*inside = !strcmp(d, "/") || (!strncmp(m, d, n) && (!m[n] || m[n] == '/'));
	return 0;
}

/* The manifest's first lines, checked before anything is created. */
static char *header_text(const struct ctm_header *h)
{
	char *buf = NULL, err[512] = "";
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		perror("ctwl: open_memstream");
		return NULL;
	}
	if (ctm_write_header(f, h, err, sizeof(err))) {
		fprintf(stderr, "ctwl: %s\n", err);
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f)) {
		perror("ctwl: open_memstream");
		free(buf);
		return NULL;
	}
	return buf;
}

static FILE *create_manifest(const char *path, int force)
{
	int fd = open(path, O_WRONLY | O_CREAT | (force ? O_TRUNC : O_EXCL), 0644);
	FILE *f;

	if (fd < 0) {
		if (errno == EEXIST)
			fprintf(stderr, "ctwl: %s exists; --force overwrites it\n",
				path);
		else
			fprintf(stderr, "ctwl: cannot create the manifest %s: %s\n",
				path, strerror(errno));
		return NULL;
	}
	f = fdopen(fd, "w");
	if (!f) {
		perror("ctwl: fdopen");
		close(fd);
	}
	return f;
}

static int out_of_space(const struct ctwl *c)
{
	int64_t avail = dx_free_bytes(c->dir);

	if (avail < 0)
		fprintf(stderr, "ctwl: %s is full: the workload writes about %zu "
			"bytes\n", c->dir, c->bytes);
	else
		fprintf(stderr, "ctwl: %s is full: the workload writes about %zu "
			"bytes, %" PRId64 " bytes are free now\n", c->dir, c->bytes,
			avail);
	return DX_EXIT_RESOURCES;
}

int main(int argc, char **argv)
{
	enum { O_BYTES = 256, O_FIRST, O_TRACE, O_LIST, O_HELP, O_VERSION,
	       O_FS, O_SCENARIO, O_KERNEL, O_DEVICE, O_DEV_OFFSET, O_FORCE,
	       O_SEQ };
	static const struct option opts[] = {
		{ "bytes", required_argument, NULL, O_BYTES },
		{ "first-id", required_argument, NULL, O_FIRST },
		{ "trace", no_argument, NULL, O_TRACE },
		{ "list", no_argument, NULL, O_LIST },
		{ "help", no_argument, NULL, O_HELP },
		{ "version", no_argument, NULL, O_VERSION },
		{ "fs", required_argument, NULL, O_FS },
		{ "scenario", required_argument, NULL, O_SCENARIO },
		{ "kernel", required_argument, NULL, O_KERNEL },
		{ "device", required_argument, NULL, O_DEVICE },
		{ "dev-offset", required_argument, NULL, O_DEV_OFFSET },
		{ "force", no_argument, NULL, O_FORCE },
		{ "seq", required_argument, NULL, O_SEQ },
		{ NULL, 0, NULL, 0 },
	};
	struct ctwl c = { .next_id = 100, .next_seed = 1, .bytes = 1 << 20 };
	const struct ctwl_workload *wl = NULL;
	struct ctm_header h;
	struct stat st;
	char *header, err[256];
	uint64_t v;
	int opt, rc, force = 0, inside;

	memset(&h, 0, sizeof(h));
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case O_BYTES:
			if (dx_parse_size(optarg, 4096, 1ull << 30, &v, "--bytes",
					  err, sizeof(err))) {
				fprintf(stderr, "ctwl: %s\n", err);
				return DX_EXIT_USAGE;
			}
			c.bytes = v;
			break;
		case O_FIRST:
			if (ct_opt_u64("ctwl", "--first-id", optarg, 1, 1ull << 62, &v))
				return DX_EXIT_USAGE;
			c.next_id = v;
			break;
		case O_DEV_OFFSET:
			if (ct_opt_u64("ctwl", "--dev-offset", optarg, 0,
				       CTM_OFF_LIMIT, &h.dev_offset))
				return DX_EXIT_USAGE;
			break;
		case O_FS:
			if (set_name(h.fs, sizeof(h.fs), "--fs", optarg))
				return DX_EXIT_USAGE;
			break;
		case O_SCENARIO:
			if (set_name(h.scenario, sizeof(h.scenario), "--scenario", optarg))
				return DX_EXIT_USAGE;
			break;
		case O_KERNEL:
			if (set_name(h.kernel, sizeof(h.kernel), "--kernel", optarg))
				return DX_EXIT_USAGE;
			break;
		case O_DEVICE:
			if (set_name(h.device, sizeof(h.device), "--device", optarg))
				return DX_EXIT_USAGE;
			break;
		case O_TRACE:
			c.traced = 1;
			break;
		case O_FORCE:
			force = 1;
			break;
		case O_SEQ:
			c.seq_file = optarg;
			break;
		case O_LIST:
		case O_HELP:
			usage(stdout);
			return DX_EXIT_OK;
		case O_VERSION:
			printf("ctwl %s\n", CT_VERSION);
			return DX_EXIT_OK;
		default:
			usage(stderr);
			return DX_EXIT_USAGE;
		}
	}
	if (argc - optind != 3) {
		usage(stderr);
		return DX_EXIT_USAGE;
	}
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		if (!strcmp(ctwl_workloads[i]->name, argv[optind]))
			wl = ctwl_workloads[i];
	if (!wl) {
		fprintf(stderr, "ctwl: unknown workload '%s' (ctwl --list names "
			"them)\n", argv[optind]);
		return DX_EXIT_USAGE;
	}
	if (!h.fs[0]) {
		fprintf(stderr, "ctwl: --fs is required (the manifest names the "
			"file system)\n");
		return DX_EXIT_USAGE;
	}
	c.dir = argv[optind + 1];
	c.fs = h.fs;
	if (stat(c.dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "ctwl: %s is not a directory\n", c.dir);
		return DX_EXIT_USAGE;
	}
	if (manifest_inside(c.dir, argv[optind + 2], &inside))
		return DX_EXIT_USAGE;
	if (inside) {
		fprintf(stderr, "ctwl: the manifest %s lies in %s, where the "
			"workload writes: put it elsewhere\n", argv[optind + 2],
			c.dir);
		return DX_EXIT_USAGE;
	}
	if (c.seq_file && !wl->prepare) {
		fprintf(stderr, "ctwl: --seq is for the seq workload, not %s\n",
			wl->name);
		return DX_EXIT_USAGE;
	}
	/* Seeds differ between workloads so stale content never matches. */
	for (unsigned i = 0; ctwl_workloads[i]; i++)
		if (ctwl_workloads[i] == wl)
			c.next_seed = (uint64_t)i * 1000003u + 17u;
	if (wl->prepare && (rc = wl->prepare(&c)))
		return rc;
	memcpy(h.workload, wl->name, strlen(wl->name) + 1);
	h.start_mark = c.next_id;
	header = header_text(&h);
	if (!header)
		return DX_EXIT_USAGE;
	c.manifest = create_manifest(argv[optind + 2], force);
	if (!c.manifest) {
		free(header);
		return DX_EXIT_USAGE;
	}
	rc = fputs(header, c.manifest) < 0 || fflush(c.manifest);
	free(header);
	if (rc) {
		ctwl_err("writing the manifest %s", argv[optind + 2]);
		fclose(c.manifest);
		return ctwl_out_of_space() ? out_of_space(&c) : DX_EXIT_FINDING;
	}
	/* The baseline, made durable before the start mark: crash states
	 * from here on start from it. */
	if (wl->setup && wl->setup(&c)) {
		fclose(c.manifest);
		return ctwl_out_of_space() ? out_of_space(&c) : DX_EXIT_FINDING;
	}
	if (c.traced) {
		pmmark_start();
		pmmark_mark(c.next_id, wl->name);
	}
	c.next_id++;
	rc = wl->run(&c);
	if (c.traced)
		pmmark_stop();
	if (fclose(c.manifest) && !rc) {
		ctwl_err("closing the manifest");
		rc = -1;
	}
	if (rc == DX_EXIT_UNSUPPORTED)
		return rc;
	if (rc && ctwl_out_of_space())
		return out_of_space(&c);
	return rc ? DX_EXIT_FINDING : DX_EXIT_OK;
}
