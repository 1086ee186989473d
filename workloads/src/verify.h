/*
 * Verify pattern: every 8-byte word of a file holds a hash of (seed,
 * file offset). Any writer can produce the right bytes for any offset
 * without coordination, so a read anywhere can be checked.
 */
#ifndef DAXWL_VERIFY_H
#define DAXWL_VERIFY_H
#include <stddef.h>
#include <stdint.h>

uint64_t pattern_word(uint64_t seed, uint64_t off);
/* off and len are multiples of 8. */
void pattern_fill(void *buf, size_t len, uint64_t seed, uint64_t off);
/* Returns the number of bad words; *first_bad gets the first bad file offset. */
uint64_t pattern_check(const void *buf, size_t len, uint64_t seed, uint64_t off,
		       uint64_t *first_bad);
/*
 * Reads [off, off+len) of fd and checks it; -1 (errno set) on read error,
 * errno EINTR when a stop was requested.
 */
int64_t pattern_check_fd(int fd, uint64_t off, uint64_t len, uint64_t seed,
			 uint64_t *first_bad);
/*
 * Writes the pattern over [off, off+len) of fd; -1 (errno set) on error,
 * errno EINTR when a stop was requested. *done gets the bytes written.
 */
int pattern_write_fd(int fd, uint64_t off, uint64_t len, uint64_t seed, uint64_t *done);

#endif
