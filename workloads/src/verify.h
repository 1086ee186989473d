/*
 * The verify pattern of --verify files is common's DX_PATTERN_DAXWL
 * (daxlab/pattern.h). What daxwl adds are the whole-file loops of its
 * fill and read-back, which a stop request (SIGINT, SIGTERM) ends between
 * two chunks.
 */
#ifndef DAXWL_VERIFY_H
#define DAXWL_VERIFY_H
#include <stdint.h>

#include "daxlab/pattern.h"

/*
 * Writes the pattern over [off, off+len) of fd; -1 (errno set) on error,
 * errno EINTR when a stop was requested. *done gets the bytes written
 * (whole chunks: a chunk that failed counts as not written).
 */
int verify_write_fd(int fd, uint64_t off, uint64_t len, uint64_t seed, uint64_t *done);
/*
 * Reads [off, off+len) of fd and counts the bad words (*first_bad: the
 * first one's offset); -1 (errno set) on a read error, errno EINTR when a
 * stop was requested.
 */
int64_t verify_check_fd(int fd, uint64_t off, uint64_t len, uint64_t seed,
			uint64_t *first_bad);

#endif
