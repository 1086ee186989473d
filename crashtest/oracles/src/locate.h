/* SPDX-License-Identifier: MIT */
/*
 * Where the file system starts inside an image of the NVDIMM region. The
 * region holds the namespace (with labels, a namespace starts at the
 * region start); an fsdax namespace begins with a pfn info block at 4 KiB
 * whose dataoff (plus start_pad) gives where the block device's first
 * sector lies. A dm-linear table adds its own offset (dev_offset).
 */
#ifndef LOCATE_H
#define LOCATE_H

#include <stddef.h>
#include <stdint.h>

enum fs_type { FS_EXT2, FS_EXT4, FS_XFS };

struct fs_location {
	uint64_t dev_start;	/* byte offset of the pmem block device */
	uint64_t fs_start;	/* byte offset of the file system */
	uint64_t fs_size;	/* bytes, from the superblock */
	uint32_t block_size;	/* file-system block size */
};

/*
 * Find the file system of type fs in region[0, size), dev_offset bytes
 * into the pmem block device. Returns 0, or -1 with a message in err.
 */
int fs_locate(const unsigned char *region, uint64_t size, enum fs_type fs,
	      uint64_t dev_offset, struct fs_location *loc, char *err,
	      size_t errlen);

int fs_type_parse(const char *s, enum fs_type *fs);
const char *fs_type_name(enum fs_type fs);

#endif /* LOCATE_H */
