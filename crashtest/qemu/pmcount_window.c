// SPDX-License-Identifier: MIT
/*
 * Windows and records for pmcount: snapshot arithmetic, the marker
 * protocol, and the JSON line written for each closed window.
 */
#include "pmcount_window.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "daxlab/json.h"
#include "daxlab/symmap.h"

const char *const pmc_counter_names[PMC_NCOUNTERS] = {
	[PMC_INSNS] = "insns",
	[PMC_LOADS] = "loads",
	[PMC_STORES] = "stores",
	[PMC_CLWB] = "clwb",
	[PMC_CLFLUSHOPT] = "clflushopt",
	[PMC_CLFLUSH] = "clflush",
	[PMC_SFENCE] = "sfence",
	[PMC_MFENCE] = "mfence",
	[PMC_LFENCE] = "lfence",
	[PMC_LOCKED] = "locked",
	[PMC_NTSTORES] = "ntstores",
	[PMC_LOAD_BYTES_PMEM] = "load_bytes_pmem",
	[PMC_LOAD_BYTES_DRAM] = "load_bytes_dram",
	[PMC_STORE_BYTES_PMEM] = "store_bytes_pmem",
	[PMC_STORE_BYTES_DRAM] = "store_bytes_dram",
	[PMC_NT_BYTES_PMEM] = "nt_bytes_pmem",
	[PMC_NT_BYTES_DRAM] = "nt_bytes_dram",
};

void pmc_apply_tail(struct pmc_counts *c, uint64_t *funcs,
		    const struct pmc_tail *tail)
{
	for (int m = 0; m < PMC_NMODES; m++)
		c->c[m][PMC_INSNS] -= tail->insns[m];
	if (!funcs)
		return;
	for (uint32_t g = 0; g < tail->ngroups; g++)
		funcs[PMC_FUNC_INSNS(tail->group[g].func)] -=
			tail->group[g].insns;
}

void pmc_counts_diff(struct pmc_counts *d, const struct pmc_counts *end,
		     const struct pmc_counts *start)
{
	for (int m = 0; m < PMC_NMODES; m++)
		for (int k = 0; k < PMC_NCOUNTERS; k++)
			d->c[m][k] = end->c[m][k] - start->c[m][k];
}

void pmc_funcs_diff(uint64_t *d, const uint64_t *end, const uint64_t *start,
		    size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = end[i] - start[i];
}

const char *pmc_bytes_name(enum pmc_bytes b)
{
	switch (b) {
	case PMC_BYTES_EXACT: return "exact";
	case PMC_BYTES_PARTIAL: return "partial";
	case PMC_BYTES_OFF: return "off";
	}
	return "?";
}

/* "key": value for every counter; bytes are null when not counted. */
static void write_counters(struct dx_json *j, const uint64_t *v, bool bytes)
{
	for (int k = 0; k < PMC_NCOUNTERS; k++) {
		if (k >= PMC_FIRST_BYTES && !bytes)
			dx_json_null(j, pmc_counter_names[k]);
		else
			dx_json_u64(j, pmc_counter_names[k], v[k]);
	}
}

struct pmc_funcnames {
	const struct dx_symmap *syms;
	size_t nfuncs, nnames;
	uint32_t *name_of;	/* function -> name, numbered by first address */
	size_t *first;		/* name -> its lowest-address function */
};

struct by_name {
	const char *name;
	size_t func;
};

static int cmp_by_name(const void *a, const void *b)
{
	const struct by_name *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->func < y->func ? -1 : x->func > y->func;
}

struct pmc_funcnames *pmc_funcnames_new(const struct dx_symmap *syms)
{
	size_t n = dx_symmap_nfuncs(syms), groups = 0, next = 0;
	struct pmc_funcnames *fn = calloc(1, sizeof(*fn));
	struct by_name *sorted = calloc(n ? n : 1, sizeof(*sorted));
	uint32_t *group = calloc(n ? n : 1, sizeof(*group));
	uint32_t *renum = calloc(n ? n : 1, sizeof(*renum));

	if (!fn || !sorted || !group || !renum)
		goto fail;
	fn->syms = syms;
	fn->nfuncs = n;
	fn->name_of = calloc(n ? n : 1, sizeof(*fn->name_of));
	fn->first = calloc(n ? n : 1, sizeof(*fn->first));
	if (!fn->name_of || !fn->first)
		goto fail;
	/* Same name, same group; then number the groups in address order. */
	for (size_t f = 0; f < n; f++)
		sorted[f] = (struct by_name){ dx_symmap_func_name(syms, f), f };
	qsort(sorted, n, sizeof(*sorted), cmp_by_name);
	for (size_t i = 0; i < n; i++) {
		if (i && strcmp(sorted[i].name, sorted[i - 1].name))
			groups++;
		group[sorted[i].func] = (uint32_t)groups;
	}
	for (size_t g = 0; n && g <= groups; g++)
		renum[g] = UINT32_MAX;
	for (size_t f = 0; f < n; f++) {
		if (renum[group[f]] == UINT32_MAX) {
			renum[group[f]] = (uint32_t)next;
			fn->first[next++] = f;
		}
		fn->name_of[f] = renum[group[f]];
	}
	fn->nnames = next;
	free(sorted);
	free(group);
	free(renum);
	return fn;
fail:
	free(sorted);
	free(group);
	free(renum);
	pmc_funcnames_free(fn);
	return NULL;
}

void pmc_funcnames_free(struct pmc_funcnames *fn)
{
	if (!fn)
		return;
	free(fn->name_of);
	free(fn->first);
	free(fn);
}

size_t pmc_funcnames_count(const struct pmc_funcnames *fn)
{
	return fn ? fn->nnames : 0;
}

/* The record's function counters summed by name; NULL when out of memory. */
static uint64_t *sum_by_name(const struct pmc_record *r)
{
	const struct pmc_funcnames *fn = r->names;
	uint64_t *sum = calloc(2 * (fn->nnames ? fn->nnames : 1),
			       sizeof(*sum));

	for (size_t i = 0; sum && i < fn->nfuncs; i++) {
		sum[PMC_FUNC_INSNS(fn->name_of[i])] += r->funcs[PMC_FUNC_INSNS(i)];
		sum[PMC_FUNC_CALLS(fn->name_of[i])] += r->funcs[PMC_FUNC_CALLS(i)];
	}
	return sum;
}

/* Names with instructions in the window; returns the instructions. */
static uint64_t write_functions(struct dx_json *j,
				const struct pmc_funcnames *fn,
				const uint64_t *sum)
{
	uint64_t total = 0;

	dx_json_obj_begin(j, "functions");
	for (size_t i = 0; i < fn->nnames; i++) {
		if (!sum[PMC_FUNC_INSNS(i)])
			continue;
		total += sum[PMC_FUNC_INSNS(i)];
		dx_json_arr_begin(j, dx_symmap_func_name(fn->syms, fn->first[i]));
		dx_json_u64(j, NULL, sum[PMC_FUNC_INSNS(i)]);
		dx_json_u64(j, NULL, sum[PMC_FUNC_CALLS(i)]);
		dx_json_arr_end(j);
	}
	dx_json_obj_end(j);
	return total;
}

int pmc_record_write(FILE *f, const struct pmc_record *r)
{
	bool bytes = r->bytes != PMC_BYTES_OFF;
	uint64_t total[PMC_NCOUNTERS], *sum = NULL;
	struct dx_json j;

	if (r->names && r->funcs && !(sum = sum_by_name(r)))
		return -1;
	for (int k = 0; k < PMC_NCOUNTERS; k++)
		total[k] = r->d.c[PMC_USER][k] + r->d.c[PMC_KERNEL][k];
	dx_json_init(&j, f);
	dx_json_obj_begin(&j, NULL);
	dx_json_u64(&j, "window", r->index);
	dx_json_str(&j, "label", r->label ? r->label : "");
	if (r->have_mark)
		dx_json_u64(&j, "mark_id", r->mark_id);
	else
		dx_json_null(&j, "mark_id");
	dx_json_u64(&j, "ops", r->ops);
	dx_json_str(&j, "unit", r->unit ? r->unit : "");
	dx_json_str(&j, "bytes", pmc_bytes_name(r->bytes));
	write_counters(&j, total, bytes);
	dx_json_obj_begin(&j, "user");
	write_counters(&j, r->d.c[PMC_USER], bytes);
	dx_json_obj_end(&j);
	dx_json_obj_begin(&j, "kernel");
	write_counters(&j, r->d.c[PMC_KERNEL], bytes);
	dx_json_obj_end(&j);
	if (sum) {
		uint64_t in_funcs = write_functions(&j, r->names, sum);
		uint64_t k = r->d.c[PMC_KERNEL][PMC_INSNS];

		/* Kernel code outside System.map: modules, BPF, trampolines. */
		dx_json_u64(&j, "kernel_other_insns", k > in_funcs ? k - in_funcs : 0);
		free(sum);
	} else {
		dx_json_null(&j, "functions");
		dx_json_null(&j, "kernel_other_insns");
	}
	dx_json_u64(&j, "protocol_errors", r->protocol_errors);
	dx_json_obj_end(&j);
	return dx_json_check(&j, NULL, 0);
}

static void fill_stats(struct dx_json *j, const void *arg)
{
	const struct pmc_stats *s = arg;

	dx_json_obj_begin(j, NULL);
	dx_json_str(j, "counts", s->counts_path);
	dx_json_u64(j, "windows", s->windows);
	dx_json_u64(j, "protocol_errors", s->protocol_errors);
	dx_json_bool(j, "window_open_at_exit", s->window_open_at_exit);
	dx_json_str(j, "mem", pmc_mem_mode_name(s->mem));
	dx_json_bool(j, "mem_toggling", s->mem == PMC_MEM_ON ||
				      s->mem == PMC_MEM_FIRST);
	dx_json_u64(j, "mem_resets", s->mem_resets);
	dx_json_u64(j, "bytes_partial_windows", s->bytes_partial_windows);
	dx_json_str(j, "system_map", s->system_map);
	dx_json_u64(j, "functions", s->functions);
	dx_json_u64(j, "insns_user", s->insns_user);
	dx_json_u64(j, "insns_kernel", s->insns_kernel);
	dx_json_arr_begin(j, "regions");
	for (unsigned i = 0; s->regions && i < s->regions->n; i++) {
		dx_json_obj_begin(j, NULL);
		dx_json_str(j, "name", s->regions->r[i].name);
		dx_json_u64(j, "base", s->regions->r[i].base);
		dx_json_u64(j, "size", s->regions->r[i].size);
		dx_json_obj_end(j);
	}
	dx_json_arr_end(j);
	dx_json_obj_end(j);
}

int pmc_stats_write(const char *path, const struct pmc_stats *s, char *err,
		    size_t errlen)
{
	char why[512];

	if (!dx_json_write_file(path, fill_stats, s, why, sizeof(why)))
		return 0;
	snprintf(err, errlen, "stats=%s", why);
	return -1;
}

struct pmc_session {
	FILE *out;
	struct pmc_funcnames *names;
	size_t nfuncs;
	enum pmc_mem_mode mem;
	uint64_t windows, errors, errors_unreported;
	/* The last MARK. */
	bool have_mark;
	uint64_t mark_id;
	char label[PMMARK_LABEL_MAX + 1];
	/* The open window. */
	bool open;
	bool win_have_mark;
	uint64_t win_mark_id;
	char win_label[PMMARK_LABEL_MAX + 1];
	struct pmc_counts start;
	uint64_t *start_funcs, *diff_funcs;
};

struct pmc_session *pmc_session_open(const char *path,
				     const struct dx_symmap *syms,
				     enum pmc_mem_mode mem, char *err,
				     size_t errlen)
{
	struct pmc_session *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->nfuncs = dx_symmap_nfuncs(syms);
	s->mem = mem;
	if (s->nfuncs) {
		s->names = pmc_funcnames_new(syms);
		s->start_funcs = calloc(2 * s->nfuncs, sizeof(uint64_t));
		s->diff_funcs = calloc(2 * s->nfuncs, sizeof(uint64_t));
		if (!s->names || !s->start_funcs || !s->diff_funcs) {
			snprintf(err, errlen, "out of memory for %zu functions",
				 s->nfuncs);
			goto fail;
		}
	}
	s->out = fopen(path, "w");
	if (!s->out) {
		snprintf(err, errlen, "counts=%s: %s", path, strerror(errno));
		goto fail;
	}
	return s;
fail:
	pmc_funcnames_free(s->names);
	free(s->start_funcs);
	free(s->diff_funcs);
	free(s);
	return NULL;
}

static enum pmc_result protocol_error(struct pmc_session *s)
{
	s->errors++;
	s->errors_unreported++;
	return PMC_PROTOCOL_ERROR;
}

enum pmc_result pmc_session_start(struct pmc_session *s,
				  const struct pmc_counts *now,
				  const uint64_t *funcs_now)
{
	if (s->open || !s->out)
		return protocol_error(s);
	s->open = true;
	s->start = *now;
	if (s->nfuncs && funcs_now)
		memcpy(s->start_funcs, funcs_now,
		       2 * s->nfuncs * sizeof(uint64_t));
	s->win_have_mark = s->have_mark;
	s->win_mark_id = s->mark_id;
	memcpy(s->win_label, s->label, sizeof(s->label));
	return PMC_OK;
}

enum pmc_result pmc_session_stop(struct pmc_session *s,
				 const struct pmc_counts *now,
				 const uint64_t *funcs_now, uint64_t ops,
				 const char *unit, enum pmc_bytes bytes)
{
	char u[PMMARK_UNIT_MAX + 1];
	struct pmc_record r = {
		.index = s->windows,
		.label = s->win_label,
		.have_mark = s->win_have_mark,
		.mark_id = s->win_mark_id,
		.ops = ops,
		.unit = u,
		.bytes = s->mem == PMC_MEM_OFF ? PMC_BYTES_OFF : bytes,
	};

	if (!s->open || !s->out)
		return protocol_error(s);
	s->open = false;
	snprintf(u, sizeof(u), "%s", unit ? unit : "");
	pmc_counts_diff(&r.d, now, &s->start);
	if (s->nfuncs && funcs_now) {
		pmc_funcs_diff(s->diff_funcs, funcs_now, s->start_funcs,
			       2 * s->nfuncs);
		r.names = s->names;
		r.funcs = s->diff_funcs;
	}
	r.protocol_errors = s->errors_unreported;
	s->errors_unreported = 0;
	s->windows++;
	/* Flushed now: a guest that dies later keeps this window. */
	if (pmc_record_write(s->out, &r) || fflush(s->out))
		return PMC_WRITE_ERROR;
	return PMC_OK;
}

void pmc_session_mark(struct pmc_session *s, uint64_t id, const char *label)
{
	s->have_mark = true;
	s->mark_id = id;
	snprintf(s->label, sizeof(s->label), "%s", label ? label : "");
}

void pmc_session_error(struct pmc_session *s)
{
	protocol_error(s);
}

bool pmc_session_open_window(const struct pmc_session *s)
{
	return s->open;
}

uint64_t pmc_session_windows(const struct pmc_session *s)
{
	return s->windows;
}

uint64_t pmc_session_errors(const struct pmc_session *s)
{
	return s->errors;
}

int pmc_session_close(struct pmc_session *s)
{
	int rc;

	if (!s->out)
		return 0;
	if (s->open) {
		protocol_error(s);
		s->open = false;
	}
	rc = fclose(s->out) ? -1 : 0;
	s->out = NULL;
	return rc;
}

void pmc_session_free(struct pmc_session *s)
{
	if (!s)
		return;
	pmc_session_close(s);
	pmc_funcnames_free(s->names);
	free(s->start_funcs);
	free(s->diff_funcs);
	free(s);
}
