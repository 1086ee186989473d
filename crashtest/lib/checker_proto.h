/* SPDX-License-Identifier: MIT */
/*
 * The checker-server protocol's plumbing, shared by both ends (pmsim's
 * checker_server.c and the checker's pmsim_serve in checker_serve.c):
 * reading and writing whole lines with a deadline, and the escaping of
 * labels and names. The protocol itself is specified in PMSIM.md.
 */
#ifndef PMSIM_CHECKER_PROTO_H
#define PMSIM_CHECKER_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define PMS_PROTO_VERSION 1
/* Longest line either end accepts, newline included. */
#define PMS_PROTO_LINE 4096
/* Bytes of a label or name a line carries (escaped, at most 4 times as
 * many): every line then fits PMS_PROTO_LINE. */
#define PMS_PROTO_FIELD 960

struct pms_lines {
	int fd;
	bool timed;		/* fd is a socket whose SO_RCVTIMEO ends a
				 * blocking read by the deadline */
	size_t len, used;	/* bytes in buf; of them, the last line's */
	char buf[PMS_PROTO_LINE + 1];
};

/*
 * The next line of l->fd, its newline replaced by NUL, by deadline
 * (dx_now_ns() time; UINT64_MAX: none). Returns 1 with *line, 0 at end
 * of file (nothing pending), -1 with errno: ETIMEDOUT, EMSGSIZE (a line
 * longer than PMS_PROTO_LINE, or end of file inside a line), or the
 * read's error.
 */
int pms_line_read(struct pms_lines *l, uint64_t deadline, char **line);
/* Bytes received after the line pms_line_read returned last. */
static inline bool pms_line_pending(const struct pms_lines *l)
{
	return l->len > l->used;
}
/* Is a whole line received after the one returned last? */
static inline bool pms_line_ready(const struct pms_lines *l)
{
	return memchr(l->buf + l->used, '\n', l->len - l->used) != NULL;
}
/* Write all of p, never raising SIGPIPE on a socket; 0 or -1 with errno
 * (EPIPE, ...). fd blocks: only a socket's SO_SNDTIMEO ends a write that
 * the peer does not read (ETIMEDOUT once deadline has passed). */
int pms_line_write(int fd, const char *p, size_t n, uint64_t deadline);

/* Escape s for a line's last field: its first PMS_PROTO_FIELD bytes,
 * backslash, control bytes, DEL and a leading space as \xHH. Returns a
 * malloc'ed string or NULL. */
char *pms_proto_escape(const char *s);
/* Undo pms_proto_escape in place; -1 on a malformed escape. */
int pms_proto_unescape(char *s);

/* The environment of a checker command: ours without PMSIM_* variables,
 * plus add (NULL-terminated "NAME=VALUE" strings); NULL when out of
 * memory. checker_exec.c. */
char **pms_checker_env(char *const *add);
void pms_checker_env_free(char **env);

#endif
