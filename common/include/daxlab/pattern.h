/* SPDX-License-Identifier: MIT */
/*
 * Seeded content patterns: the byte at file offset off written under seed
 * s is a pure function of (s, off), so any writer produces the right
 * bytes for any offset without coordination, and a check anywhere needs
 * only (offset, length, seed), never the bytes.
 *
 * Two kinds, both on disk and so both kept bit-exact:
 *   DX_PATTERN_DAXWL  daxwl's verify pattern (--verify files): the 8
 *                     bytes at offset 8i are
 *                     splitmix64_at(seed ^ (8i * 0xd6e8feb86659fd93));
 *   DX_PATTERN_CTWL   the crash-test pattern ctwl writes and ctoracle
 *                     expects: the 8 bytes at offset 8i are
 *                     splitmix64_at(seed * 0x100000001b3 ^ i).
 * The 8 bytes of a word are stored little-endian; offsets and lengths
 * need not be multiples of 8.
 */
#ifndef DAXLAB_PATTERN_H
#define DAXLAB_PATTERN_H

#include <stddef.h>
#include <stdint.h>

#include "daxlab/mix.h"

enum dx_pattern {
	DX_PATTERN_DAXWL,
	DX_PATTERN_CTWL,
};

/* The 8 bytes at file offset 8 * index, as a little-endian word. */
static inline uint64_t dx_pattern_word(enum dx_pattern kind, uint64_t seed,
				       uint64_t index)
{
	if (kind == DX_PATTERN_CTWL)
		return dx_splitmix64_at(seed * 0x100000001b3ull ^ index);
	return dx_splitmix64_at(seed ^ (index * 8 * 0xd6e8feb86659fd93ull));
}

/* buf[0..len) = the pattern at file offsets [off, off + len). */
void dx_pattern_fill(enum dx_pattern kind, uint64_t seed, uint64_t off,
		     void *buf, size_t len);

/* Offset in buf of the first byte that differs from the pattern, or len. */
size_t dx_pattern_mismatch(enum dx_pattern kind, uint64_t seed, uint64_t off,
			   const void *buf, size_t len);

/*
 * The number of pattern words (8-byte units at multiples of 8 in the
 * file) that hold a wrong byte in [off, off + len); *first_bad (may be
 * NULL) gets the file offset of the first such word, or off if that word
 * starts before the range.
 */
uint64_t dx_pattern_check(enum dx_pattern kind, uint64_t seed, uint64_t off,
			  const void *buf, size_t len, uint64_t *first_bad);

/*
 * Write the pattern over [off, off + len) of fd, all of it (short writes
 * and EINTR are retried). rwf_flags (RWF_DSYNC, ...) go to pwritev2; 0
 * is a plain pwrite. Returns 0, or -1 with errno set (ENOSPC for a write
 * that makes no progress).
 */
int dx_pattern_write_fd(int fd, enum dx_pattern kind, uint64_t seed,
			uint64_t off, uint64_t len, int rwf_flags);

/*
 * Read [off, off + len) of fd and check it as dx_pattern_check does.
 * Returns the number of bad words, or -1 with errno set on a read error
 * (EIO for a file that ends early).
 */
int64_t dx_pattern_check_fd(int fd, enum dx_pattern kind, uint64_t seed,
			    uint64_t off, uint64_t len, uint64_t *first_bad);

#endif /* DAXLAB_PATTERN_H */
