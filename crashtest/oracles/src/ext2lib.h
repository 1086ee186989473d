/* SPDX-License-Identifier: MIT */
/*
 * Files and block maps of an ext2/ext4 image, read in process with
 * libext2fs instead of a debugfs run per image. The same library calls
 * debugfs makes ("dump" and "stat"), so the answers are debugfs's: an
 * image debugfs cannot open has no files, a name that does not resolve
 * does not exist, a read error ends the file where it happened.
 */
#ifndef EXT2LIB_H
#define EXT2LIB_H

#include <stddef.h>

#include "fsops.h"

/* Read f[0..n) out of the image file. 0, or -1 with msg (out of memory). */
int ext2lib_read(const char *image, struct file_read *f, size_t n, char *msg,
		 size_t len);

/* The data blocks of path as debugfs "stat" lists them: initialized leaf
 * extents (ext4) or data blocks (ext2), no index or indirect blocks. A
 * path that does not resolve has none. 0, or -1 with msg. */
int ext2lib_extents(const char *image, const char *path,
		    struct fs_extent **ext, size_t *n, char *msg, size_t len);

/*
 * Mark in skip[] (a byte per block, nunits blocks) the journal's blocks
 * but its superblock, when the image has an internal journal mapped by
 * one level of extents and that journal is empty (s_start 0, as replay
 * leaves it): e2fsck -fn then reads the journal superblock only. Nothing
 * is marked when any of that does not hold.
 */
void ext2lib_journal_log(const char *image, uint8_t *skip, uint64_t nunits);

#endif /* EXT2LIB_H */
