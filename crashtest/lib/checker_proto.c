// SPDX-License-Identifier: MIT
/*
 * Lines over the checker server's socket. A round trip is one request
 * and one answer, and what it costs is the two wake-ups: so each is one
 * blocking system call, its timeout the socket's own (SO_RCVTIMEO,
 * SO_SNDTIMEO) rather than a poll() before it. Polling without sleeping
 * was tried and lost: on two shared CPUs the spinning end keeps its
 * peer from running (1.6 s without, 5.4 s with 20 us of spinning, for
 * the 144533 states of the 40-append log).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checker_proto.h"
#include "daxlab/clock.h"
#include "daxlab/num.h"

/* Wait until fd has events or deadline; 0 ready, -1 ETIMEDOUT/error. */
static int wait_fd(int fd, short events, uint64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		uint64_t now = dx_now_ns();
		int ms, r;

		if (now >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
		ms = deadline - now > 60000000000ull ? 60000 :
		     (int)((deadline - now) / 1000000 + 1);
		r = poll(&p, 1, ms);
		if (r > 0)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

int pms_line_read(struct pms_lines *l, uint64_t deadline, char **line)
{
	/* drop the line returned last */
	memmove(l->buf, l->buf + l->used, l->len - l->used);
	l->len -= l->used;
	l->used = 0;
	for (;;) {
		char *nl = memchr(l->buf, '\n', l->len);
		ssize_t r;

		if (nl) {
			*nl = '\0';
			l->used = (size_t)(nl - l->buf) + 1;
			*line = l->buf;
			return 1;
		}
		if (l->len == PMS_PROTO_LINE) {
			errno = EMSGSIZE;
			return -1;
		}
		/* a blocking read where it cannot outlive the deadline: none,
		 * or the socket's own timeout (timed); else poll first */
		if (deadline != UINT64_MAX && !l->timed && wait_fd(l->fd, POLLIN, deadline))
			return -1;
		r = read(l->fd, l->buf + l->len, PMS_PROTO_LINE - l->len);
		if (r > 0) {
			l->len += (size_t)r;
			continue;
		}
		if (r == 0) {
			if (!l->len)
				return 0;
			errno = EMSGSIZE;	/* a last line without its newline */
			return -1;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		/* the socket's timeout: ours, unless a slow trickle of bytes
		 * has restarted it */
		if (dx_now_ns() >= deadline) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
}

int pms_line_write(int fd, const char *p, size_t n, uint64_t deadline)
{
	bool sock = true;

	while (n) {
		ssize_t w = sock ? send(fd, p, n, MSG_NOSIGNAL) : -1;

		if (sock && w < 0 && errno == ENOTSOCK)
			sock = false;
		if (!sock)
			w = write(fd, p, n);
		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		/* a socket's send timeout (SO_SNDTIMEO) */
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			if (dx_now_ns() >= deadline) {
				errno = ETIMEDOUT;
				return -1;
			}
			continue;
		}
		return -1;
	}
	return 0;
}

char *pms_proto_escape(const char *s)
{
	char *out, *o;
	size_t n = strlen(s);

	n = n > PMS_PROTO_FIELD ? PMS_PROTO_FIELD : n;
	out = o = malloc(4 * n + 1);	/* every byte escaped at worst */
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		/* a leading space too: readers skip the spaces before a field */
		if (c < 0x20 || c == 0x7f || c == '\\' || (c == ' ' && !i))
			o += sprintf(o, "\\x%02x", c);
		else
			*o++ = (char)c;
	}
	*o = '\0';
	return out;
}

int pms_proto_unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		int hi, lo;

		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		if (s[1] != 'x' || (hi = dx_hex_digit(s[2])) < 0 || (lo = dx_hex_digit(s[3])) < 0 ||
		    (hi << 4 | lo) == 0)
			return -1;
		*o++ = (char)(hi << 4 | lo);
		s += 3;
	}
	*o = '\0';
	return 0;
}
