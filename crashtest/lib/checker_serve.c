// SPDX-License-Identifier: MIT
/*
 * pmsim_serve: the checker's end of the checker-server protocol, so that
 * an in-process checker (struct pmsim_checker) judges the states of
 * `pmsim check --checker-server` unchanged. The header's regions and
 * marks become a trace of regions and marks only; the image descriptor
 * is mapped once, read-only and shared, so every state pmsim writes into
 * it is seen without a system call; pmsim_image_ptr() and the other
 * accessors work on it as they do in process.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "checker_proto.h"
#include "engine.h"

struct served {
	struct pmsim_trace t;	/* regions and marks only */
	struct sim s;
	unsigned char *map;
	uint64_t size;		/* of one image */
	unsigned slots;
	uint64_t *off;		/* of each region in an image */
	struct pms_lines in;
	char out[PMS_PROTO_LINE];	/* answers not written yet */
	size_t nout;
};

static int bad(const char *what, const char *line)
{
	return pmsim_seterr_kind(PMSIM_ERR_INPUT, "pmsim_serve: %s: \"%.80s\"", what, line);
}

/* One header line into *line; -1 with a message at the end or an error. */
static int header_line(struct served *v, char **line)
{
	int r = pms_line_read(&v->in, UINT64_MAX, line);

	if (r > 0)
		return 0;
	return pmsim_seterr_kind(PMSIM_ERR_INPUT, "pmsim_serve: %s in the header",
				 r ? strerror(errno) : "end of input");
}

/* The last field of a line (a name, a label), unescaped and copied. */
static char *rest(char *s)
{
	return pms_proto_unescape(s) ? NULL : strdup(s);
}

static int read_header(struct served *v)
{
	size_t nreg, nmarks;
	int ver, n = 0;
	char *line;

	if (header_line(v, &line))
		return -1;
	if (sscanf(line, "pmsim-checker %d %" SCNu64 " %u %zu %zu%n", &ver, &v->size, &v->slots,
		   &nreg, &nmarks, &n) != 5 || line[n] || !v->slots ||
	    (v->size && v->slots > UINT64_MAX / v->size))
		return bad("not a pmsim checker-server header", line);
	if (ver != PMS_PROTO_VERSION)
		return bad("protocol version not supported", line);
	v->t.reg = calloc(nreg ? nreg : 1, sizeof(*v->t.reg));
	v->t.marks = calloc(nmarks ? nmarks : 1, sizeof(*v->t.marks));
	v->s.view = calloc(nreg ? nreg : 1, sizeof(*v->s.view));
	v->off = calloc(nreg ? nreg : 1, sizeof(*v->off));
	if (!v->t.reg || !v->t.marks || !v->s.view || !v->off)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	for (; v->t.nreg < nreg; v->t.nreg++) {
		struct pmsim_region *r = &v->t.reg[v->t.nreg];
		uint64_t off;

		if (header_line(v, &line))
			return -1;
		n = 0;
		if (sscanf(line, "region %" SCNu64 " 0x%" SCNx64 " %" SCNu64 " %n", &off,
			   &r->base, &r->size, &n) != 3 || !n || off > v->size ||
		    r->size > v->size - off || !(r->name = rest(line + n)))
			return bad("bad region line", line);
		v->off[v->t.nreg] = off;
	}
	for (; v->t.nmarks < nmarks; v->t.nmarks++) {
		struct pmsim_mark *m = &v->t.marks[v->t.nmarks];

		if (header_line(v, &line))
			return -1;
		n = 0;
		if (sscanf(line, "mark %" SCNu64 " %" SCNu64 " %n", &m->id, &m->event, &n) != 2 ||
		    !n || !(m->label = rest(line + n)))
			return bad("bad mark line", line);
	}
	return 0;
}

static uint64_t map_bytes(const struct served *v)
{
	return v->size ? v->size * v->slots : 1;
}

/* The images' descriptor (PMSIM_IMAGE_FD, else 3), mapped read-only. */
static int map_image(struct served *v)
{
	const char *e = getenv("PMSIM_IMAGE_FD");
	int fd = e && *e ? atoi(e) : 3;

	v->map = mmap(NULL, map_bytes(v), PROT_READ, MAP_SHARED, fd, 0);
	if (v->map == MAP_FAILED) {
		v->map = NULL;
		return pmsim_seterr_kind(PMSIM_ERR_INPUT, "pmsim_serve: mapping the image (fd %d): %s",
					 fd, strerror(errno));
	}
	v->s.t = &v->t;
	return 0;
}

/* "state STATE SLOT EVENT NMARKS MARKS LABEL" into *cr (marks: the
 * header's), and the image seen through the slot's regions. */
/* A decimal field and the space after it (sscanf costs as much as a
 * simple checker's whole judgement). */
static bool field(const char **p, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*v > (UINT64_MAX - 9) / 10)
			return false;
		*v = *v * 10 + (uint64_t)(*s - '0');
	}
	*p = s + 1;
	return *s == ' ';
}

static int parse_request(struct served *v, char *line, struct pmsim_crash *cr)
{
	const char *p = line + 6;
	uint64_t slot, nmarks;

	if (strncmp(line, "state ", 6) || !field(&p, &cr->state) || !field(&p, &slot) ||
	    !field(&p, &cr->event) || !field(&p, &nmarks) || nmarks > v->t.nmarks ||
	    slot >= v->slots)
		return bad("not a request", line);
	cr->nmarks = (size_t)nmarks;
	cr->marks = v->t.marks;
	cr->offset = 0;
	for (size_t i = 0; i < v->t.nreg; i++)
		v->s.view[i] = v->map + (uint64_t)slot * v->size + v->off[i];
	return 0;
}

/* Write the answers queued. */
static int flush(struct served *v)
{
	int r = pms_line_write(1, v->out, v->nout, UINT64_MAX);

	v->nout = 0;
	return r;
}

/* Queue the answer to one state (the checker's message, pmsim_errmsg,
 * after violation and error, on one line at most 1024 bytes long); write
 * them when no other request is waiting, or the queue is full. */
static int answer(struct served *v, int r)
{
	const char *msg = r && pms_errset() ? pmsim_errmsg() : "";
	char *line;
	int n;

	if (v->nout + 1100 > sizeof(v->out) && flush(v))
		return -1;
	line = v->out + v->nout;
	if (!r) {
		memcpy(line, "ok\n", 3);
		v->nout += 3;
		return pms_line_ready(&v->in) ? 0 : flush(v);
	}
	n = snprintf(line, 1040, "%s%s%.1024s", r > 0 ? "violation" : r ? "error" : "ok",
		     *msg ? " " : "", msg);
	for (int i = 0; i < n; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[n++] = '\n';
	v->nout += (size_t)n;
	return pms_line_ready(&v->in) ? 0 : flush(v);
}

static void served_free(struct served *v)
{
	for (size_t i = 0; i < v->t.nreg; i++)
		free((char *)v->t.reg[i].name);
	for (size_t i = 0; i < v->t.nmarks; i++)
		free((char *)v->t.marks[i].label);
	free(v->t.reg);
	free(v->t.marks);
	free(v->s.view);
	free(v->off);
	if (v->map)
		munmap(v->map, map_bytes(v));
}

int pmsim_serve(const struct pmsim_checker *chk)
{
	struct served v = { .in = { .fd = 0 } };
	struct pmsim_image img = { .s = &v.s };
	struct pmsim_crash cr;
	char *line;
	int r = read_header(&v);

	if (!r)
		r = map_image(&v);
	while (!r) {
		int got = pms_line_read(&v.in, UINT64_MAX, &line);

		if (got == 0)
			break;		/* end of file: the run is over */
		if (got < 0) {
			r = pmsim_seterr_kind(PMSIM_ERR_INPUT, "pmsim_serve: reading a request: %s",
					      errno == EMSGSIZE ? "not a line of at most 4096 bytes" :
					      strerror(errno));
			break;
		}
		if ((r = parse_request(&v, line, &cr)))
			break;
		pms_errclear();	/* the checker's message, if it leaves one */
		/* an error stops the run: pmsim's end of file follows */
		if (answer(&v, chk->check(chk->arg, &img, &cr, NULL, SIZE_MAX)))
			r = pmsim_seterr_kind(PMSIM_ERR_FAILED, "pmsim_serve: writing an answer: %s",
					      strerror(errno));
	}
	served_free(&v);
	return r < 0 ? -1 : 0;
}
