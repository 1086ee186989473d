// SPDX-License-Identifier: MIT
/*
 * Checker server: one long-lived command judges every state (PMSIM.md,
 * "The checker-server protocol"). It is started at the first state, in a
 * process group of its own, with a socket as stdin and stdout and the
 * images as descriptor 3: a memfd of SLOTS images, each the regions back
 * to back, sealed against writes (F_SEAL_FUTURE_WRITE) after pmsim has
 * mapped it, so only pmsim's mapping can change it and the checker maps
 * it once. Per state pmsim copies the lines changed since that slot's
 * last state into the next slot and queues a request line; requests go
 * out in batches and the answers are read as the engine settles them
 * (PMSIM_LATER): a slot is reused only after its state was answered. A
 * round trip per state cost two wake-ups (about 10 us here, ten times
 * the model's work per state); a batch costs two per window. Anything
 * else the checker does (dies, hangs, answers out of protocol) is an
 * error that stops the run.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "checker_proto.h"
#include "daxlab/clock.h"
#include "daxlab/spawn.h"
#include "daxlab/vec.h"
#include "engine.h"
#include "image_file.h"
#include "image_slots.h"

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif

/* Images in flight: at most this many, and at most this much memory and
 * address space for all of them (a large image gets one slot). */
#define MAX_SLOTS 64u
#define SLOTS_MEMORY (64ull << 20)
#define SLOTS_SPACE (1ull << 40)
/* Requests queued before they are sent without waiting for answers:
 * the checker starts on a batch while the model builds the next. */
#define BATCH 16u

/* A state sent and not answered yet, for messages. */
struct sent {
	uint64_t state, event;
};

struct pmsim_server_checker {
	char *name;		/* CMD, for messages */
	uint64_t timeout_ns;
	pid_t pid;		/* 0: not running */
	int sock;		/* our end of its stdin and stdout */
	int memfd;
	struct pms_slots sl;	/* our writable mapping of the images */
	uint64_t nsent;		/* states queued so far; state k is in slot k % slots */
	uint64_t nread;		/* answers read */
	uint64_t nsettled;	/* verdicts given to the engine */
	signed char early[MAX_SLOTS];	/* verdicts read before settle asked */
	struct sent *wait;	/* per slot: the state waiting for its answer */
	char *out;		/* requests not sent yet */
	size_t nout, outcap;
	unsigned queued;
	char **ids, **labels;	/* per mark: "ID " and its escaped label */
	bool answered;		/* it answered a state once */
	struct pms_lines in;
};

int pmsim_server_checker_new(struct pmsim_server_checker **cp, const char *cmd,
			     double timeout_s)
{
	struct pmsim_server_checker *c = calloc(1, sizeof(*c));

	if (!c || !(c->name = strdup(cmd))) {
		free(c);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	c->timeout_ns = (uint64_t)((timeout_s > 0 ? timeout_s : 60) * 1e9);
	c->sock = c->memfd = c->in.fd = -1;
	*cp = c;
	return 0;
}

/* Bytes of the mapping of every slot (never 0: mmap refuses it). */
static uint64_t map_bytes(const struct pmsim_server_checker *c)
{
	return c->sl.size && c->sl.n ? c->sl.size * c->sl.n : 1;
}

/* Stop the command now: its whole group, then reap it. */
static void kill_server(struct pmsim_server_checker *c)
{
	struct dx_spawn_result res;
	char err[128];

	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		dx_spawn_wait(c->pid, c->name, 0, &res, err, sizeof(err));
		c->pid = 0;
	}
}

void pmsim_server_checker_free(struct pmsim_server_checker *c)
{
	size_t n = 0;

	if (!c)
		return;
	kill_server(c);
	if (c->sock >= 0)
		close(c->sock);
	if (c->memfd >= 0)
		close(c->memfd);
	if (c->sl.map)
		munmap(c->sl.map, map_bytes(c));
	for (; c->ids && c->ids[n]; n++) {
		free(c->ids[n]);
		free(c->labels[n]);
	}
	free(c->ids);
	free(c->labels);
	pms_slots_free(&c->sl);
	free(c->wait);
	free(c->out);
	free(c->sl.off);
	free(c->name);
	free(c);
}

/* A line of the checker, quoted for a message: at most 80 bytes,
 * control bytes as '?'. */
static const char *quoted(const char *s, char *buf, size_t n)
{
	size_t k = 0;

	for (; *s && k + 1 < n && k < 80; s++)
		buf[k++] = (unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s;
	buf[k] = '\0';
	return buf;
}

/*
 * The command ended its side (end of file, a write refused): wait for it
 * until the deadline and say how it ended. Exit 126 or 127 before any
 * answer is a command that could not be run.
 */
static int died(struct pmsim_server_checker *c, const struct pmsim_crash *cr)
{
	struct dx_spawn_result res;
	char err[256];
	pid_t pid = c->pid;

	c->pid = 0;
	if (dx_spawn_wait(pid, c->name, dx_now_ns() + c->timeout_ns, &res, err, sizeof(err)))
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\": %s",
					 c->name, err);
	if (res.how == DX_SPAWN_EXITED && !c->answered && (res.code == 126 || res.code == 127))
		return pmsim_seterr_kind(PMSIM_ERR_INPUT,
					 "checker server \"%s\" could not be run (exit %d)",
					 c->name, res.code);
	if (res.how == DX_SPAWN_SIGNALED)
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker server \"%s\" crashed (signal %d, %s) on the state at event %"
					 PRIu64 " (state %" PRIu64 ")", c->name, res.code,
					 strsignal(res.code), cr->event, cr->state);
	return pmsim_seterr_kind(PMSIM_ERR_FAILED,
				 "checker server \"%s\" %s%d before answering the state at event %"
				 PRIu64 " (state %" PRIu64 ")", c->name,
				 res.how == DX_SPAWN_TIMED_OUT ? "closed its output but ran on, killed, signal " :
				 "exited with status ", res.code, cr->event, cr->state);
}

/* v in decimal and a space (printf costs more than the model's work on
 * a state). */
static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	*p++ = ' ';
	return p;
}

/* Each mark's id and escaped label, made once: a request copies them. */
static int index_marks(struct pmsim_server_checker *c, const struct pmsim_trace *t)
{
	c->ids = calloc(t->nmarks + 1, sizeof(*c->ids));
	c->labels = calloc(t->nmarks + 1, sizeof(*c->labels));
	if (!c->ids || !c->labels)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	for (size_t i = 0; i < t->nmarks; i++) {
		char id[24];

		*put_u64(id, t->marks[i].id) = '\0';
		if (!(c->ids[i] = strdup(id)) ||
		    !(c->labels[i] = pms_proto_escape(t->marks[i].label)))
			return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	return 0;
}

/* The image: a memfd of the file's layout, mapped by us, then sealed so
 * that no one else can write to it, size or content. */
static int make_image(struct pmsim_server_checker *c, const struct sim *s)
{
	const unsigned seals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_FUTURE_WRITE | F_SEAL_SEAL;
	uint64_t need = pms_image_data_bytes(s), avail = pms_mem_available();

	c->sl.off = calloc(s->t->nreg ? s->t->nreg : 1, sizeof(*c->sl.off));
	if (!c->sl.off)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	c->sl.size = pms_image_layout(s->t, c->sl.off);
	c->sl.n = MAX_SLOTS;
	while (c->sl.n > 1 && (need * c->sl.n > SLOTS_MEMORY ||
				c->sl.size * c->sl.n > SLOTS_SPACE))
		c->sl.n /= 2;
	c->wait = calloc(c->sl.n, sizeof(*c->wait));
	if (!c->wait)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (pms_slots_init(&c->sl, c->sl.n))
		return -1;
	need *= c->sl.n;
	if (need > avail)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
					 "not enough memory for the checker server's images: they need up to %"
					 PRIu64 " bytes, %" PRIu64 " are available", need, avail);
	c->memfd = memfd_create("pmsim-image", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (c->memfd < 0)
		return pmsim_seterr_kind(PMSIM_ERR_UNSUPPORTED,
					 "checker server: memfd_create: %s", strerror(errno));
	if (ftruncate(c->memfd, (off_t)(c->sl.size * c->sl.n)))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
					 "checker server: %u images of %" PRIu64 " bytes: %s",
					 c->sl.n, c->sl.size, strerror(errno));
	c->sl.map = mmap(NULL, map_bytes(c), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_NORESERVE, c->memfd, 0);
	if (c->sl.map == MAP_FAILED) {
		c->sl.map = NULL;
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES,
					 "checker server: mapping a %" PRIu64 "-byte image: %s",
					 c->sl.size, strerror(errno));
	}
	if (fcntl(c->memfd, F_ADD_SEALS, seals))
		return pmsim_seterr_kind(PMSIM_ERR_UNSUPPORTED,
					 "checker server: cannot seal the image against writes "
					 "(F_SEAL_FUTURE_WRITE needs Linux 5.1): %s", strerror(errno));
	return 0;
}

/* The header: version, image size, the regions and the marks. */
static int send_header(struct pmsim_server_checker *c, const struct pmsim_trace *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	uint64_t deadline = dx_now_ns() + c->timeout_ns;
	int r;

	if (!m)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	fprintf(m, "pmsim-checker %d %" PRIu64 " %u %zu %zu\n", PMS_PROTO_VERSION, c->sl.size,
		c->sl.n, t->nreg, t->nmarks);
	for (size_t i = 0; i < t->nreg; i++) {
		char *name = pms_proto_escape(t->reg[i].name ? t->reg[i].name : "");

		fprintf(m, "region %" PRIu64 " 0x%" PRIx64 " %" PRIu64 " %s\n", c->sl.off[i],
			t->reg[i].base, t->reg[i].size, name ? name : "");
		free(name);
	}
	for (size_t i = 0; i < t->nmarks; i++)
		fprintf(m, "mark %" PRIu64 " %" PRIu64 " %s\n", t->marks[i].id,
			t->marks[i].event, c->labels[i]);
	if (fclose(m)) {
		free(buf);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	}
	r = pms_line_write(c->sock, buf, len, deadline);
	free(buf);
	return r;
}

/* First state: the image, the marks, the command and its header. */
static int start(struct pmsim_server_checker *c, const struct sim *s,
		 const struct pmsim_crash *cr)
{
	char *argv[] = { "/bin/sh", "-c", c->name, NULL };
	struct dx_spawn sp = { .argv = argv, .flags = DX_SPAWN_FDS, .fd3 = 3 };
	const struct pmsim_region *r0 = s->t->nreg ? &s->t->reg[0] : NULL;
	char base[40], *add[] = { "PMSIM_IMAGE=/dev/fd/3", "PMSIM_IMAGE_FD=3", base, NULL };
	char err[256], **env;
	int sv[2], r;

	if (make_image(c, s) || index_marks(c, s->t))
		return -1;
	snprintf(base, sizeof(base), "PMSIM_BASE=0x%" PRIx64, r0 ? r0->base : 0);
	env = pms_checker_env(add);
	if (!env)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		pms_checker_env_free(env);
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "checker server: socketpair: %s",
					 strerror(errno));
	}
	sp.stdin_fd = sp.stdout_fd = sv[1];
	sp.fd3 = c->memfd;
	sp.envp = env;
	r = dx_spawn_start(&sp, &c->pid, err, sizeof(err));
	pms_checker_env_free(env);
	if (r) {
		close(sv[0]);
		close(sv[1]);
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "checker server \"%s\": %s", c->name, err);
	}
	close(sv[1]);
	c->sock = c->in.fd = sv[0];
	/* blocking reads and writes that end at the timeout: one system
	 * call each way per state */
	struct timeval tv = { .tv_sec = (time_t)(c->timeout_ns / 1000000000u),
			      .tv_usec = (suseconds_t)(c->timeout_ns % 1000000000u / 1000) };
	c->in.timed = !setsockopt(c->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) &&
		      !setsockopt(c->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (send_header(c, s->t))
		return errno == ETIMEDOUT ?
		       pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\" did not read "
					 "the header within the timeout", c->name) : died(c, cr);
	return 0;
}

/* Queue "state STATE SLOT EVENT NMARKS LASTID LABEL". */
static int request(struct pmsim_server_checker *c, const struct pmsim_crash *cr,
		   unsigned slot)
{
	const char *label = cr->nmarks ? c->labels[cr->nmarks - 1] : "";
	const char *id = cr->nmarks ? c->ids[cr->nmarks - 1] : "- ";
	size_t ids = strlen(id), need = c->nout + 100 + ids + strlen(label);
	char *line;

	if (DX_RESERVE(c->out, c->outcap, need))
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	line = c->out + c->nout;
	memcpy(line, "state ", 6);
	line = put_u64(line + 6, cr->state);
	line = put_u64(line, slot);
	line = put_u64(line, cr->event);
	line = put_u64(line, cr->nmarks);
	memcpy(line, id, ids);
	line += ids;
	memcpy(line, label, strlen(label));
	line += strlen(label);
	*line++ = '\n';
	c->nout = (size_t)(line - c->out);
	c->queued++;
	return 0;
}

/* Send the queued requests; an error names the oldest of them. */
static int flush(struct pmsim_server_checker *c, const struct pmsim_crash *cr)
{
	int r = pms_line_write(c->sock, c->out, c->nout, dx_now_ns() + c->timeout_ns);

	c->nout = 0;
	c->queued = 0;
	if (!r)
		return 0;
	if (errno == ETIMEDOUT) {
		kill_server(c);
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker server \"%s\" did not read the state at event %" PRIu64
					 " (state %" PRIu64 ") within %.1f s", c->name, cr->event,
					 cr->state, (double)c->timeout_ns / 1e9);
	}
	return died(c, cr);
}

/* ok, violation [MESSAGE], error [MESSAGE]: 0, 1, or an error */
static int verdict(struct pmsim_server_checker *c, const struct sent *cr,
		   const char *a)
{
	char q[96];

	if (!strcmp(a, "ok"))
		return 0;
	if (!strcmp(a, "violation"))
		return 1;
	if (!strncmp(a, "violation ", 10)) {
		pmsim_seterr("%s", a + 10);	/* the report's reason */
		return 1;
	}
	if (!strcmp(a, "error") || !strncmp(a, "error ", 6))
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker server \"%s\" failed on the state at event %" PRIu64
					 " (state %" PRIu64 "): %s", c->name, cr->event, cr->state,
					 a[5] ? quoted(a + 6, q, sizeof(q)) : "no message");
	return pmsim_seterr_kind(PMSIM_ERR_FAILED,
				 "checker server \"%s\" answered \"%s\" to the state at event %" PRIu64
				 " (state %" PRIu64 "): not ok, violation or error", c->name,
				 quoted(a, q, sizeof(q)), cr->event, cr->state);
}

/* Read the answer to the oldest state sent and not answered. */
static int read_answer(struct pmsim_server_checker *c)
{
	const struct sent *w = &c->wait[c->nread++ % c->sl.n];
	struct pmsim_crash cr = { .event = w->event, .state = w->state };
	char *answer;
	int r;

	/* the checker cannot answer what it has not been sent */
	if (!pms_line_ready(&c->in) && c->nout && flush(c, &cr))
		return -1;
	r = pms_line_read(&c->in, dx_now_ns() + c->timeout_ns, &answer);
	/* gone: end of file, or a reset when it left requests unread */
	if (r == 0 || (r < 0 && errno == ECONNRESET))
		return died(c, &cr);
	if (r < 0) {
		int e = errno;

		kill_server(c);
		if (e == ETIMEDOUT)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED,
						 "checker server \"%s\" timed out after %.1f s on the state at event %"
						 PRIu64 " (state %" PRIu64 ")", c->name,
						 (double)c->timeout_ns / 1e9, cr.event, cr.state);
		return pmsim_seterr_kind(PMSIM_ERR_FAILED,
					 "checker server \"%s\": reading its answer to the state at event %"
					 PRIu64 ": %s", c->name, cr.event,
					 e == EMSGSIZE ? "not a line of at most 4096 bytes" : strerror(e));
	}
	c->answered = true;
	r = verdict(c, w, answer);
	if (r < 0)
		kill_server(c);
	return r;
}

static int check(void *arg, const struct pmsim_image *img,
		 const struct pmsim_crash *cr, const uint64_t *changed,
		 size_t nchanged)
{
	struct pmsim_server_checker *c = arg;
	unsigned slot;

	if (!c->pid && c->sock >= 0)
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\" is gone",
					 c->name);
	if (!c->pid && start(c, img->s, cr))
		return -1;
	/* fewer slots than the engine's window (a large image): the slot's
	 * last state is answered first, its verdict kept for settle */
	if (c->nsent - c->nread == c->sl.n) {
		int v = read_answer(c);

		if (v < 0)
			return -1;
		c->early[(c->nread - 1) % MAX_SLOTS] = (signed char)v;
	}
	slot = (unsigned)(c->nsent++ % c->sl.n);
	c->wait[slot] = (struct sent){ cr->state, cr->event };
	if (pms_slots_note(&c->sl, changed, nchanged) || request(c, cr, slot))
		return -1;
	pms_slots_write(&c->sl, img->s, slot);
	if (c->queued >= BATCH && flush(c, cr))
		return -1;
	return PMSIM_LATER;
}

/* The verdict on the oldest state the engine has not settled. */
static int settle(void *arg)
{
	struct pmsim_server_checker *c = arg;
	uint64_t k = c->nsettled++;

	return k < c->nread ? c->early[k % MAX_SLOTS] : read_answer(c);
}

int pmsim_server_checker_finish(struct pmsim_server_checker *c)
{
	struct dx_spawn_result res;
	uint64_t deadline = dx_now_ns() + c->timeout_ns;
	char *line, q[96], err[256];
	pid_t pid = c->pid;
	int r;

	if (!pid)
		return 0;	/* never started (no state), or stopped already */
	shutdown(c->sock, SHUT_WR);	/* end of file: the checker exits */
	r = pms_line_read(&c->in, deadline, &line);
	if (r != 0) {
		kill_server(c);
		if (r > 0)
			return pmsim_seterr_kind(PMSIM_ERR_FAILED,
						 "checker server \"%s\" wrote \"%s\" after its last answer",
						 c->name, quoted(line, q, sizeof(q)));
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\" %s at the end",
					 c->name, errno == ETIMEDOUT ?
					 "did not close its output within the timeout" :
					 "wrote a partial line");
	}
	c->pid = 0;
	if (dx_spawn_wait(pid, c->name, deadline, &res, err, sizeof(err)))
		return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\": %s",
					 c->name, err);
	if (res.how == DX_SPAWN_EXITED && res.code == 0)
		return 0;
	return pmsim_seterr_kind(PMSIM_ERR_FAILED, "checker server \"%s\" %s at the end of the run",
				 c->name, dx_spawn_describe(&res, err, sizeof(err)));
}

struct pmsim_checker pmsim_server_checker_ops(struct pmsim_server_checker *c)
{
	return (struct pmsim_checker){ .check = check, .settle = settle, .window = MAX_SLOTS,
				       .arg = c, .name = c->name };
}
