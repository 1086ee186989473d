/* SPDX-License-Identifier: MIT */
/*
 * The initial image of a pmem region, saved next to the trace when tracing
 * starts. QEMU maps an NVDIMM's memory-backend-file with share=on, so the
 * file holds the guest's live pmem content; the vCPU is inside a plugin
 * callback while it is copied, so nothing changes under the copy. Without a
 * backing file the region is read through the guest's direct map.
 */
#ifndef REGION_IMAGE_H
#define REGION_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copy the first size bytes of src to dst (created or truncated). */
int image_copy_file(const char *src, uint64_t size, const char *dst,
		    char *err, size_t errlen);

/* Read len bytes of guest-physical memory at pa into buf. */
typedef bool (*image_read_fn)(void *ctx, uint64_t pa, void *buf, size_t len);

/* Write size bytes of guest memory at base, read with read(), to dst. */
int image_from_guest(image_read_fn read, void *ctx, uint64_t base,
		     uint64_t size, const char *dst, char *err, size_t errlen);

#endif /* REGION_IMAGE_H */
