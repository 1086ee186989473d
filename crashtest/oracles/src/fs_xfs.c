/* SPDX-License-Identifier: MIT */
/*
 * xfs through xfsprogs, on an image file: "xfs_repair -n" judges, xfs_db
 * finds a file's size and extents, and the data is read from the image.
 * xfsprogs cannot replay the log; a crash image whose log holds changes is
 * judged as xfs_repair -n sees it, and "xfs_repair -n" says so in its
 * output ("valuable metadata changes in a log"), which the report keeps.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daxlab/vec.h"
#include "fsops.h"
#include "fstool.h"
#include "ondisk.h"

static int xfs_check(const char *scratch, const char *workdir, char *msg,
		     size_t len)
{
	char out[4096], err[256] = "", ex[400];
	char *argv[] = { FSOPS_XFS_REPAIR_ARGV, (char *)scratch, NULL };
	int rc;

	fsops_wpath(workdir, "xfs_repair.out", out, sizeof(out));
	rc = fstool_run(argv, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc == 0)
		return 0;
	fstool_excerpt(out, ex, sizeof(ex), 360);
	snprintf(msg, len, "xfs_repair -n exited with %d%s%s: %s", rc,
		 err[0] ? ": " : "", err, ex);
	return rc < 0 || rc >= 256 || rc == 127 ? -1 : 1;
}

struct xfs_geo {
	uint32_t blocksize, agblocks;
	uint8_t agblklog;
};

static int xfs_geometry(int fd, struct xfs_geo *g)
{
	unsigned char sb[512];

	if (pread(fd, sb, sizeof(sb), 0) != (ssize_t)sizeof(sb) ||
	    memcmp(sb, "XFSB", 4))
		return -1;
	g->blocksize = be32(sb + 4);
	g->agblocks = be32(sb + 84);
	g->agblklog = sb[124];
	return g->blocksize ? 0 : -1;
}

struct extent {
	uint64_t off, start, count;	/* file block, fs block, blocks */
	int unwritten;
};

/* Run xfs_db on path: size and extents. Returns 1 found, 0 absent, -1. */
static int xfs_map(const char *scratch, const char *workdir, const char *path,
		   uint64_t *size, struct extent **ext, size_t *n, char *msg,
		   size_t len)
{
	char pathcmd[300], out[4096], err[256] = "", line[512];
	char *argv[] = { "xfs_db", "-r", "-c", pathcmd, "-c", "print core.size",
			 "-c", "bmap", (char *)scratch, NULL };
	size_t cap = 0;
	int found = 0, rc;
	FILE *f;

	snprintf(pathcmd, sizeof(pathcmd), "path /%s", path);
	fsops_wpath(workdir, "xfs_db.out", out, sizeof(out));
	*ext = NULL;
	*n = 0;
	rc = fstool_run(argv, out, FSOPS_TIMEOUT_S, err, sizeof(err));
	if (rc != 0) {
		char ex[300];

		/* "path" fails with exit 1 when the name does not exist. */
		fstool_excerpt(out, ex, sizeof(ex), 260);
		if (rc == 1 && strstr(ex, "No such file"))
			return 0;
		snprintf(msg, len, "xfs_db exited with %d %s: %s", rc, err, ex);
		return -1;
	}
	f = fopen(out, "r");
	if (!f) {
		snprintf(msg, len, "reading %s: %s", out, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b, c, ag, agb;
		int flag;

		if (sscanf(line, "core.size = %llu", &a) == 1) {
			*size = a;
			found = 1;
		} else if (sscanf(line, "data offset %llu startblock %llu (%llu/%llu) count %llu flag %d",
				  &a, &b, &ag, &agb, &c, &flag) == 6) {
			if (DX_RESERVE(*ext, cap, *n + 1)) {
				fclose(f);
				snprintf(msg, len, "out of memory");
				return -1;
			}
			(*ext)[(*n)++] = (struct extent){ a, b, c, flag };
		} else if (strstr(line, "not found") || strstr(line, "No such")) {
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static uint64_t fsb_to_byte(const struct xfs_geo *g, uint64_t fsb)
{
	uint64_t ag = fsb >> g->agblklog, agb = fsb & ((1ull << g->agblklog) - 1);

	return (ag * g->agblocks + agb) * g->blocksize;
}

static int xfs_read(const char *scratch, const char *workdir, int sound,
		    struct file_read *fr, size_t n, char *msg, size_t len)
{
	struct xfs_geo g;
	int fd = open(scratch, O_RDONLY);

	(void)sound;	/* xfs_db reads the metadata in its own process */
	if (fd < 0 || xfs_geometry(fd, &g)) {
		snprintf(msg, len, "%s: no xfs superblock", scratch);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		struct extent *ext = NULL;
		size_t ne = 0;
		uint64_t size = 0;
		int r = xfs_map(scratch, workdir, fr[i].path, &size, &ext, &ne,
				msg, len);

		fr[i].exists = r == 1;
		fr[i].size = 0;
		fr[i].data = NULL;
		if (r < 0) {
			close(fd);
			return -1;
		}
		if (r == 0)
			continue;
		fr[i].size = size;
		fr[i].data = calloc(1, size ? size : 1);
		if (!fr[i].data) {
			free(ext);
			close(fd);
			snprintf(msg, len, "out of memory");
			return -1;
		}
		for (size_t k = 0; k < ne; k++) {
			uint64_t foff = ext[k].off * g.blocksize;
			uint64_t bytes = ext[k].count * g.blocksize;

			if (ext[k].unwritten || foff >= size)
				continue;
			if (foff + bytes > size)
				bytes = size - foff;
			if (pread(fd, fr[i].data + foff, bytes,
				  (off_t)fsb_to_byte(&g, ext[k].start)) !=
			    (ssize_t)bytes) {
				snprintf(msg, len, "reading extent of %s: %s",
					 fr[i].path, strerror(errno));
				free(ext);
				close(fd);
				return -1;
			}
		}
		free(ext);
	}
	close(fd);
	return 0;
}

static int xfs_extents(const char *scratch, const char *workdir, int sound,
		       const char *path, struct fs_extent **out, size_t *n,
		       char *msg, size_t len)
{
	struct extent *ext = NULL;
	size_t ne = 0, cap = 0;
	uint64_t size = 0;
	struct xfs_geo g;
	int fd = open(scratch, O_RDONLY), r;

	(void)sound;
	*out = NULL;
	*n = 0;
	if (fd < 0 || xfs_geometry(fd, &g)) {
		snprintf(msg, len, "%s: no xfs superblock", scratch);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	r = xfs_map(scratch, workdir, path, &size, &ext, &ne, msg, len);
	if (r < 0)
		return -1;
	/* Device blocks are linear: AG-relative numbers are converted. */
	for (size_t k = 0; k < ne; k++)
		if (fs_extent_push(out, n, &cap, ext[k].off,
				   fsb_to_byte(&g, ext[k].start) / g.blocksize,
				   ext[k].count)) {
			free(ext);
			snprintf(msg, len, "out of memory");
			return -1;
		}
	free(ext);
	return 0;
}

static const char *const xfs_tools[] = { "xfs_repair", "xfs_db", NULL };

const struct fsops fsops_xfs = {
	.type = FS_XFS,
	.tools = xfs_tools,
	.check = xfs_check,
	.read = xfs_read,
	.extents = xfs_extents,
};
