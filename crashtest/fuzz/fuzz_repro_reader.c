// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the reproducer reader: arbitrary bytes as a
 * reproducer. One that parses must write back (pmsim_repro_write) to a
 * file that parses to the same crash point and pieces, and its persisted
 * set is replayed against a small built-in trace, which must either build
 * the image or refuse it with a message: never crash, hang or read out of
 * bounds.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pmsim.h"
#include "repro.h"

/* Two lines: wide, NT and cached stores, a clflush, a drain mark; sfences
 * (pieces at events 1..9). */
static const char trace_text[] =
	"region 0x1000 0x1000 pmem0\n"
	"store 0x1000 16 00112233445566778899aabbccddeeff\n"
	"store 0x1010 8 0102030405060708\n"
	"ntstore 0x1040 8 1112131415161718\n"
	"store 0x1048 8 2122232425262728\n"
	"flush clflush 0x1000\n"
	"store 0x1018 8 3132333435363738\n"
	"mark 1 \"one\"\n"
	"fence sfence\n"
	"store 0x1000 24 414243444546474849505152535455565758595a5b5c5d5e\n"
	"mark 2 \"drain: x\"\n";

static struct pmsim_trace *trace;

static void same(const struct pms_repro *a, const struct pms_repro *b)
{
	if (a->event != b->event || a->window != b->window || a->eadr != b->eadr ||
	    a->per_word != b->per_word || a->n != b->n)
		abort();
	for (size_t i = 0; i < a->n; i++)
		if (a->p[i].event != b->p[i].event || a->p[i].off != b->p[i].off)
			abort();
}

/* Write rp back as a reproducer and read it again. */
static void roundtrip(const struct pms_repro *rp, const struct pmsim_opts *o)
{
	struct pmsim_violation v = { 0 };
	struct pms_repro back;
	char path[64];
	int fd = memfd_create("repro", MFD_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	v.crash.event = rp->event;
	v.window = rp->window;
	v.persisted = rp->p;
	v.npersisted = rp->n;
	if (pmsim_repro_write(trace, o, &v, path))
		abort();
	if (pms_repro_load(path, &back)) {
		fprintf(stderr, "written reproducer does not parse back: %s\n",
			pmsim_errmsg());
		abort();
	}
	same(rp, &back);
	pms_repro_free(&back);
	close(fd);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pms_repro rp;
	struct pmsim_opts o;
	unsigned char **img;

	if (!trace && pmsim_trace_from_mem(&trace, trace_text, sizeof(trace_text) - 1,
					   NULL, PMSIM_TRACE_NO_FILES))
		abort();
	if (pms_repro_parse((const char *)data, size, "fuzz", &rp)) {
		if (!pmsim_errmsg()[0])
			abort();
		pms_repro_free(&rp);
		return 0;
	}
	pmsim_opts_default(&o);
	o.eadr = rp.eadr;
	o.per_word = rp.per_word;
	roundtrip(&rp, &o);
	/* replay the set on the built-in trace: an image, or a refusal */
	if (!pmsim_build_image(trace, &o, rp.event, rp.p, rp.n, &img))
		pmsim_image_data_free(trace, img);
	pms_repro_free(&rp);
	return 0;
}
