/* SPDX-License-Identifier: MIT */
/* Find the pmem block device and the file system inside a region image. */
#include <stdio.h>
#include <string.h>

#include "locate.h"
#include "ondisk.h"

#define PFN_SB_OFFSET	4096u
#define PFN_SIG_LEN	16u
#define SCAN_LIMIT	(64ull << 20)	/* namespaces start near the region start */

int fs_type_parse(const char *s, enum fs_type *fs)
{
	if (!strcmp(s, "ext2"))
		*fs = FS_EXT2;
	else if (!strcmp(s, "ext4"))
		*fs = FS_EXT4;
	else if (!strcmp(s, "xfs"))
		*fs = FS_XFS;
	else
		return -1;
	return 0;
}

const char *fs_type_name(enum fs_type fs)
{
	return fs == FS_EXT2 ? "ext2" : fs == FS_EXT4 ? "ext4" : "xfs";
}

/* Superblock at off? Fills size and block size. */
static int probe_fs(const unsigned char *r, uint64_t size, uint64_t off,
		    enum fs_type fs, struct fs_location *loc)
{
	if (fs == FS_XFS) {
		const unsigned char *sb = r + off;

		if (off + 512 > size || memcmp(sb, "XFSB", 4))
			return 0;
		loc->block_size = be32(sb + 4);
		loc->fs_size = be64(sb + 8) * loc->block_size;
	} else {
		const unsigned char *sb = r + off + 1024;

		if (off + 2048 > size || sb[56] != 0x53 || sb[57] != 0xef)
			return 0;
		loc->block_size = 1024u << le32(sb + 24);
		loc->fs_size = (uint64_t)le32(sb + 4) * loc->block_size;
	}
	if (!loc->block_size || loc->block_size > 65536 || !loc->fs_size ||
	    off + loc->fs_size > size)
		return 0;
	loc->fs_start = off;
	return 1;
}

int fs_locate(const unsigned char *region, uint64_t size, enum fs_type fs,
	      uint64_t dev_offset, struct fs_location *loc, char *err,
	      size_t errlen)
{
	uint64_t limit = size < SCAN_LIMIT ? size : SCAN_LIMIT;

	memset(loc, 0, sizeof(*loc));
	/* An fsdax namespace: pfn info block 4 KiB into the namespace. */
	for (uint64_t ns = 0; ns + PFN_SB_OFFSET + 128 <= limit; ns += 4096) {
		const unsigned char *sb = region + ns + PFN_SB_OFFSET;

		if (memcmp(sb, "NVDIMM_PFN_INFO", PFN_SIG_LEN))
			continue;
		loc->dev_start = ns + le32(sb + 76) + le64(sb + 56);
		if (probe_fs(region, size, loc->dev_start + dev_offset, fs, loc))
			return 0;
		snprintf(err, errlen,
			 "no %s superblock at 0x%llx (pfn info block at 0x%llx, "
			 "data offset 0x%llx, device offset 0x%llx)",
			 fs_type_name(fs),
			 (unsigned long long)(loc->dev_start + dev_offset),
			 (unsigned long long)(ns + PFN_SB_OFFSET),
			 (unsigned long long)le64(sb + 56),
			 (unsigned long long)dev_offset);
		return -1;
	}
	/* A raw namespace or a bare file-system image. */
	if (probe_fs(region, size, dev_offset, fs, loc))
		return 0;
	snprintf(err, errlen, "no pfn info block in the first %llu MiB and no "
		 "%s superblock at offset 0x%llx",
		 (unsigned long long)(limit >> 20), fs_type_name(fs),
		 (unsigned long long)dev_offset);
	return -1;
}
