#include "verify.h"

#include <errno.h>

#include "stop.h"

/* Between two stop checks (and the progress a failed fill reports); a multiple of 8. */
#define STEP (1ull << 20)

int verify_write_fd(int fd, uint64_t off, uint64_t len, uint64_t seed, uint64_t *done)
{
	*done = 0;
	while (*done < len) {
		uint64_t n = STEP < len - *done ? STEP : len - *done;

		if (dx_stop_signal()) {
			errno = EINTR;
			return -1;
		}
		if (dx_pattern_write_fd(fd, DX_PATTERN_DAXWL, seed, off + *done, n, 0))
			return -1;
		*done += n;
	}
	return 0;
}

int64_t verify_check_fd(int fd, uint64_t off, uint64_t len, uint64_t seed,
			uint64_t *first_bad)
{
	int64_t bad = 0;

	for (uint64_t done = 0; done < len; done += STEP) {
		uint64_t n = STEP < len - done ? STEP : len - done, fb = 0;

		if (dx_stop_signal()) {
			errno = EINTR;
			return -1;
		}
		int64_t b = dx_pattern_check_fd(fd, DX_PATTERN_DAXWL, seed, off + done, n, &fb);

		if (b < 0)
			return -1;
		if (b && !bad && first_bad)
			*first_bad = fb;
		bad += b;
	}
	return bad;
}
