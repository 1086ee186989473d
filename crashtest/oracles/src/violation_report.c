/* SPDX-License-Identifier: MIT */
/* Violation reports with reproducers (violation_report.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "violation_report.h"
#include "torn.h"


static const char *mark_label(const struct pmsim_trace *t, uint64_t id)
{
	for (size_t i = 0; i < pmsim_trace_nmarks(t); i++)
		if (pmsim_trace_mark(t, i)->id == id)
			return pmsim_trace_mark(t, i)->label;
	return "";
}

static void print_pieces(FILE *f, const struct run_info *ri,
			 const struct pmsim_piece *p, size_t n, size_t max)
{
	char sym[256];

	for (size_t i = 0; i < n && i < max; i++) {
		const struct pmsim_event *e = pmsim_trace_event(ri->t, p[i].event);

		fprintf(f, "    0x%" PRIx64 " +%u  (event %" PRIu64 ", %s at %s)\n",
			p[i].addr, p[i].len, p[i].event,
			e->type == PMTRACE_NTSTORE ? "ntstore" : "store",
			dx_symmap_describe(ri->syms, e->pc, sym, sizeof(sym)));
	}
	if (n > max)
		fprintf(f, "    ... %zu more\n", n - max);
}

/* "N in FUNCTION, ..." for the pieces, so the kernel's part of a long list
 * shows beside the program's stores. */
static void print_writers(FILE *f, const struct run_info *ri,
			  const struct pmsim_piece *p, size_t n)
{
	struct { char name[256]; size_t n; } w[16];
	size_t nw = 0, other = 0;
	char sym[256];

	for (size_t i = 0; i < n; i++) {
		const struct pmsim_event *e = pmsim_trace_event(ri->t, p[i].event);
		size_t k;

		if (e->pc < 0xffff800000000000ull)
			snprintf(sym, sizeof(sym), "user space");
		else
			dx_symmap_describe(ri->syms, e->pc, sym, sizeof(sym));
		sym[strcspn(sym, "+")] = '\0';
		for (k = 0; k < nw && strcmp(w[k].name, sym); k++)
			;
		if (k == nw) {
			if (nw == 16) {
				other++;
				continue;
			}
			snprintf(w[nw].name, sizeof(w[nw].name), "%s", sym);
			w[nw++].n = 0;
		}
		w[k].n++;
	}
	if (!nw)
		return;
	fprintf(f, "lost by:     ");
	for (size_t k = 0; k < nw; k++)
		fprintf(f, " %zu in %s%s", w[k].n, w[k].name, k + 1 < nw ? "," : "");
	if (other)
		fprintf(f, ", %zu elsewhere", other);
	fprintf(f, "\n");
}

/* The file-system pages the lost pieces belong to: where a finding is
 * when no sector is torn (whole blocks lost), and the first of them names
 * it in the signature. Pieces before the file system (the namespace's
 * info block) are left out. */
static void print_lost_pages(FILE *f, const struct run_info *ri,
			     const struct pmsim_piece *p, size_t n)
{
	uint64_t page[4];
	size_t np = 0;
	int more = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t pg;
		size_t k, hi = 0;

		if (p[i].addr < ri->fs_addr)
			continue;
		pg = (p[i].addr - ri->fs_addr) & ~(uint64_t)0xfff;
		for (k = 0; k < np && page[k] != pg; k++)
			;
		if (k < np)
			continue;
		if (np < 4) {
			page[np++] = pg;
			continue;
		}
		/* Keep the four lowest: the report reads in address order. */
		more = 1;
		for (k = 1; k < np; k++)
			if (page[k] > page[hi])
				hi = k;
		if (pg < page[hi])
			page[hi] = pg;
	}
	if (!np)
		return;
	for (size_t i = 1; i < np; i++)		/* at most four: insertion sort */
		for (size_t k = i; k > 0 && page[k - 1] > page[k]; k--) {
			uint64_t t = page[k];

			page[k] = page[k - 1];
			page[k - 1] = t;
		}
	fprintf(f, "lost at:      file-system page");
	for (size_t i = 0; i < np; i++)
		fprintf(f, "%s 0x%" PRIx64, i ? "," : "", page[i]);
	fprintf(f, "%s\n", more ? ", ..." : "");
}

/* Sectors of the file system the crash state holds half written. */
static void print_torn(FILE *f, const struct run_info *ri,
		       const struct pmsim_violation *pv)
{
	struct torn_sector ts[4];
	size_t n = torn_sectors(ri->t, pv, ri->fs_addr, ts, 4);

	if (!n)
		return;
	fprintf(f, "torn sectors: %zu, at file-system offset", n);
	for (size_t i = 0; i < n && i < 4; i++)
		fprintf(f, "%s 0x%" PRIx64 " (%u of %u new pieces lost)",
			i ? "," : "", ts[i].offset, ts[i].lost,
			ts[i].lost + ts[i].persisted);
	fprintf(f, "%s\n              a kernel write caught half done: fsdax pmem "
		"is atomic in 8 bytes, not in sectors\n", n > 4 ? ", ..." : "");
}

/* Write violation n's reproducer and open its report; NULL on error.
 * path and repro get the two file names (4096 bytes each). */
static FILE *report_open(const struct run_info *ri,
			 const struct pmsim_violation *pv, unsigned n,
			 char *path, char *repro)
{
	FILE *f;

	snprintf(repro, 4096, "%s/violations/%03u.repro", ri->outdir, n);
	snprintf(path, 4096, "%s/violations/%03u.txt", ri->outdir, n);
	if (pmsim_repro_write(ri->t, ri->o, pv, repro)) {
		fprintf(stderr, "ctoracle: writing %s: %s\n", repro, pmsim_errmsg());
		return NULL;
	}
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "ctoracle: cannot create %s: %s\n", path,
			strerror(errno));
	return f;
}

/* End a report with pmsim's own account of the violation and close it. */
static int report_close(FILE *f, const struct run_info *ri,
			const struct pmsim_violation *pv, const char *path,
			const char *what)
{
	fprintf(f, "\n--- pmsim's account %s\n", what);
	fflush(f);
	pmsim_violation_print(ri->t, pv, fileno(f));
	if (fclose(f)) {
		fprintf(stderr, "ctoracle: writing %s failed\n", path);
		return -1;
	}
	return 0;
}

int report_violation(const struct run_info *ri, const struct pmsim_violation *pv,
		     const struct verdict *v, unsigned n, FILE *summary)
{
	char path[4096], repro[4096], sym[256], ids[1024] = "";
	const struct pmsim_crash *c = &pv->crash;
	const struct pmsim_event *last = NULL;
	size_t used = 0;
	FILE *f = report_open(ri, pv, n, path, repro);

	if (!f)
		return -1;
	for (uint64_t i = c->event; i > 0; i--) {
		const struct pmsim_event *e = pmsim_trace_event(ri->t, i - 1);

		if (e->pc) {
			last = e;
			break;
		}
	}
	/* The program's marks: drain marks promise nothing to the judge. */
	for (size_t i = 0; i < c->nmarks && used + 24 < sizeof(ids); i++)
		if (!pmtrace_is_drain_label(c->marks[i].label))
			used += (size_t)snprintf(ids + used, sizeof(ids) - used,
						 "%s%" PRIu64, used ? " " : "",
						 c->marks[i].id);
	fprintf(f, "scenario:     %s\nkernel:       %s\nfile system:  %s\n",
		ri->scenario, ri->kernel, ri->m->h.fs);
	fprintf(f, "verdict:      %s%s\n",
		v->durability_bad ? "DURABILITY" : "FSCK",
		v->durability_bad && v->fsck_bad ? " + FSCK" : "");
	fprintf(f, "what failed:  %s\n", v->msg);
	if (v->durability_bad)
		fprintf(f, "promised by:  mark %" PRIu64 " \"%s\"\n", v->mark,
			mark_label(ri->t, v->mark));
	fprintf(f, "last mark:    %" PRIu64 " \"%s\"\n", v->last_mark,
		mark_label(ri->t, v->last_mark));
	fprintf(f, "crash point:  after event %" PRIu64 " (trace offset %" PRIu64 "), state %" PRIu64 "\n",
		c->event, c->offset, c->state);
	if (last)
		fprintf(f, "last event:   %s at %s\n",
			last->type == PMTRACE_FENCE ? "fence" :
			last->type == PMTRACE_FLUSH ? "flush" :
			last->type == PMTRACE_NTSTORE ? "ntstore" : "store",
			dx_symmap_describe(ri->syms, last->pc, sym, sizeof(sym)));
	fprintf(f, "stores lost:  %zu pieces\n", pv->nlost);
	print_writers(f, ri, pv->lost, pv->nlost);
	print_lost_pages(f, ri, pv->lost, pv->nlost);
	print_torn(f, ri, pv);
	print_pieces(f, ri, pv->lost, pv->nlost, 12);
	fprintf(f, "persisted:    %zu pieces of pending stores\n", pv->npersisted);
	fprintf(f, "reproducer:   %s\n", repro);
	fprintf(f, "  pmsim replay %s image.raw\n", repro);
	fprintf(f, "  ctoracle judge --manifest %s --marks '%s' image.raw\n",
		ri->manifest_path, ids);
	if (report_close(f, ri, pv, path, "of the crash state"))
		return -1;
	if (summary)
		fprintf(summary, "%03u %s mark=%" PRIu64 " event=%" PRIu64 " %s\n", n,
			v->durability_bad ? "durability" : "fsck", v->mark, c->event,
			v->msg);
	return 0;
}

int report_drain(const struct run_info *ri, const struct pmsim_violation *pv,
		 unsigned n, FILE *summary)
{
	char path[4096], repro[4096], sym[256];
	const struct pmsim_crash *c = &pv->crash;
	const struct pmsim_mark *m = &c->marks[c->nmarks - 1];
	FILE *f = report_open(ri, pv, n, path, repro);

	if (!f)
		return -1;
	dx_symmap_describe(ri->syms, pmsim_trace_event(ri->t, m->event)->pc, sym,
		    sizeof(sym));
	fprintf(f, "scenario:     %s\nkernel:       %s\nfile system:  %s\n",
		ri->scenario, ri->kernel, ri->m->h.fs);
	fprintf(f, "verdict:      FLUSH CONTRACT\n");
	fprintf(f, "what failed:  the driver completes a flush (\"%s\" at %s) "
		"while %zu written-back pieces still wait for a fence: a crash "
		"there loses data whose REQ_FUA/REQ_PREFLUSH bio already "
		"completed\n", m->label, sym, pv->nlost);
	fprintf(f, "crash point:  after event %" PRIu64 " (trace offset %" PRIu64
		"), nothing beyond the durable state persisted\n",
		c->event, c->offset);
	fprintf(f, "stores lost:  %zu pieces\n", pv->nlost);
	print_writers(f, ri, pv->lost, pv->nlost);
	print_pieces(f, ri, pv->lost, pv->nlost, 12);
	fprintf(f, "reproducer:   %s\n", repro);
	fprintf(f, "  pmsim replay %s image.raw\n", repro);
	if (report_close(f, ri, pv, path, "of the drain mark"))
		return -1;
	if (summary)
		fprintf(summary, "%03u flush-contract mark=drain event=%" PRIu64
			" %s at %s: %zu written-back pieces not durable\n", n,
			c->event, m->label, sym, pv->nlost);
	return 0;
}
