// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the trace reader: binary and text traces from
 * arbitrary bytes. A trace that parses must print as text and parse back
 * to the same events, and must replay through the model without error
 * other than a clean message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmsim.h"

static int accept_all(void *arg, const struct pmsim_image *img,
		      const struct pmsim_crash *c, const uint64_t *ch, size_t n)
{
	(void)arg;
	(void)img;
	(void)c;
	(void)ch;
	(void)n;
	return 0;
}

static void same_events(const struct pmsim_trace *a, const struct pmsim_trace *b)
{
	if (pmsim_trace_nevents(a) != pmsim_trace_nevents(b))
		abort();
	for (size_t i = 0; i < pmsim_trace_nevents(a); i++) {
		const struct pmsim_event *x = pmsim_trace_event(a, i);
		const struct pmsim_event *y = pmsim_trace_event(b, i);

		if (x->type != y->type || x->kind != y->kind || x->len != y->len ||
		    x->addr != y->addr || x->pc != y->pc ||
		    (x->len && memcmp(x->payload, y->payload, x->len)))
			abort();
	}
}

static void roundtrip(const struct pmsim_trace *t)
{
	int fd = memfd_create("dump", MFD_CLOEXEC);
	struct pmsim_trace *back;
	off_t len;
	void *m;

	if (fd < 0)
		return;
	if (pmsim_trace_dump(t, fd, SIZE_MAX))
		abort();
	len = lseek(fd, 0, SEEK_END);
	m = len > 0 ? mmap(NULL, (size_t)len, PROT_READ, MAP_SHARED, fd, 0) : NULL;
	if (len > 0 && m == MAP_FAILED)
		abort();
	if (pmsim_trace_from_mem(&back, len > 0 ? m : "", (size_t)len, NULL,
				 PMSIM_TRACE_NO_FILES)) {
		fprintf(stderr, "text form does not parse back: %s\n", pmsim_errmsg());
		abort();
	}
	same_events(t, back);
	pmsim_trace_free(back);
	if (len > 0)
		munmap(m, (size_t)len);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmsim_checker chk = { .check = accept_all, .name = "accept" };
	struct pmsim_trace *t;
	struct pmsim_result res;
	struct pmsim_opts o;
	uint64_t total = 0;

	if (pmsim_trace_from_mem(&t, data, size, NULL, PMSIM_TRACE_NO_FILES))
		return 0;
	roundtrip(t);
	for (size_t i = 0; i < pmsim_trace_nregions(t); i++)
		total += pmsim_trace_region(t, i)->size;
	/* The model maps every region: keep what a fuzz run maps modest. */
	if (total <= (64u << 20)) {
		pmsim_opts_default(&o);
		o.points = PMSIM_AT_EVENT;
		o.max_states = 2000;
		o.per_word = size & 1;
		o.eadr = (size & 6) == 2;
		if (pmsim_run(t, &o, &chk, &res) == 0)
			pmsim_result_free(&res);
	}
	pmsim_trace_free(t);
	return 0;
}
