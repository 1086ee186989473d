/* SPDX-License-Identifier: MIT */
/* Crash images as sparse files, and the space and memory they need. */
#ifndef PMSIM_IMAGE_FILE_H
#define PMSIM_IMAGE_FILE_H

#include "sim.h"

/* File offset of each region (regions back to back in base order);
 * returns the file size. */
uint64_t pms_image_layout(const struct pmsim_trace *t, uint64_t *off);
/* The next extent [*at, *end) of region i that may hold non-zero bytes,
 * from *at on: its memfd's data, or all of it without a memfd; false when
 * only zeros are left. */
bool pms_image_next_extent(const struct sim *s, size_t i, uint64_t *at,
			   uint64_t *end);
/* Bytes of the regions that may be non-zero (an upper bound of what a
 * sparse image file holds). */
uint64_t pms_image_data_bytes(const struct sim *s);
/*
 * Write the image whose region i is data[i] (s->img, or a view of it) to
 * fd, replacing what the file held: checks the free space first, refuses
 * with PMSIM_ERR_RESOURCES and the numbers, writes sparse.
 */
int pms_image_file_write(const struct sim *s, unsigned char *const *data,
			 int fd, const char *path);
/* The same into memory laid out as the file (off: pms_image_layout),
 * which already holds zeros or an older image: only the parts that may
 * be non-zero are compared, and only the pages that differ written. */
void pms_image_mem_write(const struct sim *s, unsigned char *const *data,
			 unsigned char *dst, const uint64_t *off);
/* MemAvailable in bytes, UINT64_MAX when unknown. */
uint64_t pms_mem_available(void);

#endif
