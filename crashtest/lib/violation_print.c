// SPDX-License-Identifier: MIT
/* Human-readable violation reports. */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "internal.h"

#define LIST_MAX 40

static void where(const struct pmsim_trace *t, uint64_t event, FILE *f)
{
	char buf[200];

	if (event >= t->nev) {
		fprintf(f, "at the end of the trace (after %" PRIu64 " events)", event);
		return;
	}
	pmsim_event_format(&t->ev[event], buf, sizeof(buf));
	fprintf(f, "before event %" PRIu64 " (%s %" PRIu64 ": %s)", event,
		t->text ? "line" : "offset", t->ev[event].offset, buf);
}

static void list(const struct pmsim_trace *t, const char *what,
		 const struct pmsim_piece *p, size_t n, FILE *f)
{
	fprintf(f, "  %s: %zu piece%s\n", what, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < LIST_MAX; i++) {
		const struct pmsim_event *e = &t->ev[p[i].event];

		fprintf(f, "    event %" PRIu64 " %s 0x%" PRIx64 " (%u bytes): bytes %u..%u at 0x%" PRIx64 "\n",
			p[i].event, e->type == PMTRACE_NTSTORE ? "ntstore" : "store",
			e->addr, e->len, p[i].off,
			p[i].off + p[i].len - 1, p[i].addr);
	}
	if (n > LIST_MAX)
		fprintf(f, "    ... %zu more\n", n - LIST_MAX);
}

int pmsim_violation_print(const struct pmsim_trace *t,
			  const struct pmsim_violation *v, int fd)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const struct pmsim_crash *c = &v->crash;
	int r = 0;

	if (!f)
		return pmsim_seterr_kind(PMSIM_ERR_RESOURCES, "out of memory");
	if (v->drain) {
		const struct pmsim_mark *m = &c->marks[c->nmarks - 1];

		fprintf(f, "violation: drain mark \"%s\" (event %" PRIu64 ") claims "
			"every write-back durable, but %zu written-back piece%s "
			"wait for a fence; crash ", m->label, m->event, v->nlost,
			v->nlost == 1 ? "" : "s");
		where(t, c->event, f);
		fprintf(f, "\n");
	} else {
		fprintf(f, "violation: crash ");
		where(t, c->event, f);
		fprintf(f, ", state %" PRIu64 ", image hash %016" PRIx64 "%016" PRIx64 "\n",
			c->state, v->key[0], v->key[1]);
	}
	if (c->nmarks) {
		const struct pmsim_mark *m = &c->marks[c->nmarks - 1];

		fprintf(f, "  marks reached: %zu, last: %" PRIu64 " \"%s\" (event %" PRIu64 ")\n",
			c->nmarks, m->id, m->label, m->event);
	} else {
		fprintf(f, "  marks reached: none\n");
	}
	if (v->reason)
		fprintf(f, "  checker: %s\n", v->reason);
	if (v->window)
		fprintf(f, "  eADR: every store before event %" PRIu64 " persisted\n", v->window);
	list(t, "persisted", v->persisted, v->npersisted, f);
	list(t, "lost", v->lost, v->nlost, f);
	fclose(f);
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, buf + done, len - done);

		if (w <= 0) {
			r = pmsim_seterr("writing the report failed");
			break;
		}
		done += (size_t)w;
	}
	free(buf);
	return r;
}
