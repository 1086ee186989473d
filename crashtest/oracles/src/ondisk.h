/* SPDX-License-Identifier: MIT */
/*
 * Fields of on-disk structures, whatever the host's byte order: ext2/ext4
 * and the pmem pfn info block are little-endian, jbd2 and xfs big-endian.
 * One home for the readers of locate.c, ext2lib.c and xfs_reuse.c.
 */
#ifndef ONDISK_H
#define ONDISK_H

#include <stdint.h>

static inline uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t le64(const unsigned char *p)
{
	return (uint64_t)le32(p + 4) << 32 | le32(p);
}

static inline uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
	       (uint32_t)p[3];
}

static inline uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

#endif /* ONDISK_H */
