// SPDX-License-Identifier: MIT
/*
 * Crash images as files (the external checker's image, pmsim replay's
 * output): the regions back to back in base-address order, written
 * sparse. Only the parts of a region that can be non-zero are read (the
 * data extents of its memfd: the initial image and the lines stored to),
 * and of those only the pages that are not all zero are written; the
 * rest is a hole made by ftruncate. Before writing, the space those parts
 * need is checked against what the file system has free.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daxlab/files.h"
#include "daxlab/mem.h"
#include "image_file.h"

#define PAGE 4096u

uint64_t pms_image_layout(const struct pmsim_trace *t, uint64_t *off)
{
	uint64_t at = 0;

	for (size_t placed = 0; placed < t->nreg; placed++) {
		size_t pick = 0;
		bool found = false;

		/* the placed-th smallest base (bases are distinct) */
		for (size_t i = 0; i < t->nreg; i++) {
			size_t below = 0;

			for (size_t j = 0; j < t->nreg; j++)
				below += t->reg[j].base < t->reg[i].base;
			if (below == placed) {
				pick = i;
				found = true;
			}
		}
		if (!found)
			break;
		off[pick] = at;
		at += t->reg[pick].size;
	}
	return at;
}

bool pms_image_next_extent(const struct sim *s, size_t i, uint64_t *at,
			uint64_t *end)
{
	uint64_t size = s->t->reg[i].size;
	off_t d, h;

	if (*at >= size)
		return false;
	if (s->memfd[i] < 0) {
		*end = size;
		return true;
	}
	d = lseek(s->memfd[i], (off_t)*at, SEEK_DATA);
	if (d < 0)
		return false;	/* ENXIO: only a hole is left */
	h = lseek(s->memfd[i], d, SEEK_HOLE);
	*at = (uint64_t)d;
	*end = h < 0 || (uint64_t)h > size ? size : (uint64_t)h;
	return true;
}

uint64_t pms_image_data_bytes(const struct sim *s)
{
	uint64_t n = 0;

	for (size_t i = 0; i < s->t->nreg; i++)
		for (uint64_t at = 0, end; pms_image_next_extent(s, i, &at, &end); at = end)
			n += end - at;
	return n;
}

static int write_out(int fd, const unsigned char *p, size_t n, uint64_t off,
		     const char *path, uint64_t need)
{
	while (n) {
		ssize_t w = pwrite(fd, p, n, (off_t)off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == ENOSPC || errno == EDQUOT)) {
			int64_t free_now = dx_free_bytes_fd(fd);
			uint64_t avail = free_now < 0 ? 0 : (uint64_t)free_now;

			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
						 "%s: no space left writing the crash image: it needs up to %"
						 PRIu64 " bytes, %" PRIu64 " are free now", path, need, avail);
		}
		if (w <= 0)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED, "%s: %s", path,
						 w < 0 ? strerror(errno) : "short write");
		p += w;
		n -= (size_t)w;
		off += (uint64_t)w;
	}
	return 0;
}

int pms_image_file_write(const struct sim *s, unsigned char *const *data,
			 int fd, const char *path)
{
	const struct pmsim_trace *t = s->t;
	uint64_t *off = calloc(t->nreg ? t->nreg : 1, sizeof(*off));
	uint64_t total, need, avail, have = 0;
	int64_t free_now;
	struct stat st;
	int r = 0;

	if (!off)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	total = pms_image_layout(t, off);
	need = pms_image_data_bytes(s);
	if (!fstat(fd, &st))
		have = (uint64_t)st.st_blocks * 512;	/* freed by the truncation */
	free_now = dx_free_bytes_fd(fd);
	if (free_now >= 0) {
		avail = (uint64_t)free_now + have;
		if (need > avail) {
			free(off);
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
						 "%s: not enough disk space for the crash image: it needs up to %"
						 PRIu64 " bytes (of %" PRIu64 "), %" PRIu64 " are free",
						 path, need, total, avail);
		}
	}
	if (ftruncate(fd, 0) || ftruncate(fd, (off_t)total)) {
		int e = errno;

		free(off);
		return pmsim_seterr_kind(e == EFBIG || e == ENOSPC || e == EDQUOT ?
					 PMSIM_ERR_RESOURCES : PMSIM_ERR_FAILED,
					 "%s: cannot make a %" PRIu64 "-byte crash image: %s",
					 path, total, strerror(e));
	}
	for (size_t i = 0; i < t->nreg && !r; i++) {
		for (uint64_t at = 0, end; !r && pms_image_next_extent(s, i, &at, &end); at = end) {
			/* runs of pages that are not all zero, one write each */
			uint64_t run = at;

			for (uint64_t p = at; p < end && !r;) {
				uint64_t n = end - p < PAGE ? end - p : PAGE;

				if (dx_is_zero(data[i] + p, (size_t)n)) {
					if (p > run)
						r = write_out(fd, data[i] + run, (size_t)(p - run),
							      off[i] + run, path, need);
					run = p + n;
				}
				p += n;
				if (p == end && p > run && !r)
					r = write_out(fd, data[i] + run, (size_t)(p - run),
						      off[i] + run, path, need);
			}
		}
	}
	free(off);
	return r;
}

void pms_image_mem_write(const struct sim *s, unsigned char *const *data,
			 unsigned char *dst, const uint64_t *off)
{
	for (size_t i = 0; i < s->t->nreg; i++)
		for (uint64_t at = 0, end; pms_image_next_extent(s, i, &at, &end); at = end)
			for (uint64_t p = at; p < end; p += PAGE) {
				size_t n = (size_t)(end - p < PAGE ? end - p : PAGE);

				/* a page already equal is not touched: a hole
				 * read as zeros stays a hole */
				if (memcmp(dst + off[i] + p, data[i] + p, n))
					memcpy(dst + off[i] + p, data[i] + p, n);
			}
}

uint64_t pms_mem_available(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	uint64_t kib = 0;
	bool found = false;

	if (!f)
		return UINT64_MAX;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "MemAvailable: %" SCNu64 " kB", &kib) == 1;
	fclose(f);
	return found ? kib * 1024 : UINT64_MAX;
}
