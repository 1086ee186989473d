#include "record.h"

#include <math.h>
#include <string.h>

#include "worker.h"

static const struct {
	const char *key;
	double p;
} percentiles[] = { { "p50", 50 }, { "p90", 90 }, { "p99", 99 }, { "p99_9", 99.9 } };

#define NPCT (sizeof(percentiles) / sizeof(percentiles[0]))

double record_ratio(double x, double y)
{
	return y > 0 ? x / y : NAN;
}

void record_hist(struct dx_json *j, const char *key, const struct hist *h)
{
	dx_json_obj_begin(j, key);
	dx_json_u64(j, "count", h->count);
	if (!h->count) {
		/* No sample: no statistic, rather than zeros that look measured. */
		dx_json_null(j, "min");
		dx_json_null(j, "mean");
		for (size_t i = 0; i < NPCT; i++)
			dx_json_null(j, percentiles[i].key);
		dx_json_null(j, "max");
	} else {
		dx_json_u64(j, "min", h->min);
		dx_json_f64(j, "mean", hist_mean(h));
		for (size_t i = 0; i < NPCT; i++)
			dx_json_u64(j, percentiles[i].key, hist_percentile(h, percentiles[i].p));
		dx_json_u64(j, "max", h->max);
	}
	dx_json_obj_end(j);
}

uint64_t record_sum(const struct daxwl_run *r, unsigned idx)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < r->nw; i++)
		s += r->w[i].cnt[idx];
	return s;
}

uint64_t record_ops(const struct daxwl_run *r)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < r->nw; i++)
		s += r->w[i].ops;
	return s;
}

static void totals(const struct daxwl_run *r, uint64_t *bytes, struct hist *lat)
{
	*bytes = 0;
	hist_init(lat);
	for (unsigned i = 0; i < r->nw; i++) {
		*bytes += r->w[i].bytes;
		hist_merge(lat, &r->w[i].lat);
	}
}

/* Opens the object key when there is something to say, else writes null; true if opened. */
static bool obj_or_null(struct dx_json *j, const char *key, bool present)
{
	if (present)
		dx_json_obj_begin(j, key);
	else
		dx_json_null(j, key);
	return present;
}

static void emit_target(const struct daxwl_run *r, struct dx_json *j)
{
	const struct target *t = &r->t;

	if (!obj_or_null(j, "target", r->need != TARGET_NONE && t->opened))
		return;
	dx_json_str(j, "path", t->path);
	dx_json_str(j, "type", t->bdev ? "block_device" : "file");
	dx_json_bool(j, "created", t->created);
	dx_json_bool(j, "removed", t->removed);
	dx_json_bool(j, "extended", t->extended);
	dx_json_bool(j, "refilled", t->refilled);
	dx_json_str(j, "fill", t->fill);
	dx_json_bool(j, "writable", t->writable);
	dx_json_u64(j, "size", t->size);
	dx_json_u64(j, "used", r->region * r->c.threads);
	dx_json_u64(j, "region", r->region);
	dx_json_obj_end(j);
}

static void emit_verify(const struct daxwl_run *r, struct dx_json *j)
{
	if (!obj_or_null(j, "verify", r->verified))
		return;
	dx_json_u64(j, "checked_bytes", r->verify_bytes);
	dx_json_u64(j, "bad_words", r->verify_bad);
	if (r->verify_bad)
		dx_json_u64(j, "first_bad_offset", r->verify_first_bad);
	else
		dx_json_null(j, "first_bad_offset");
	dx_json_obj_end(j);
}

static void emit_per_thread(const struct daxwl_run *r, struct dx_json *j)
{
	dx_json_arr_begin(j, "per_thread");
	for (unsigned i = 0; i < r->nw; i++) {
		const struct worker *w = &r->w[i];
		uint64_t ns = w->t_end > w->t_start ? w->t_end - w->t_start : 0;

		dx_json_obj_begin(j, NULL);
		dx_json_u64(j, "id", w->id);
		dx_json_i64(j, "cpu", w->cpu);
		dx_json_u64(j, "offset", w->off);
		dx_json_u64(j, "length", w->len);
		dx_json_u64(j, "ops", w->ops);
		dx_json_u64(j, "bytes", w->bytes);
		dx_json_u64(j, "elapsed_ns", ns);
		dx_json_f64(j, "gbps", w->ops ? record_ratio((double)w->bytes, (double)ns) : NAN);
		if (w->ops)
			dx_json_u64(j, "p50_ns", hist_percentile(&w->lat, 50));
		else
			dx_json_null(j, "p50_ns");
		dx_json_u64(j, "minflt", w->minflt);
		dx_json_obj_end(j);
	}
	dx_json_arr_end(j);
}

static void emit_results(struct daxwl_run *r, struct dx_json *j)
{
	uint64_t ops = record_ops(r), bytes, minflt = 0, majflt = 0;
	static struct hist lat;	/* large; one record at a time */

	totals(r, &bytes, &lat);
	for (unsigned i = 0; i < r->nw; i++) {
		minflt += r->w[i].minflt;
		majflt += r->w[i].majflt;
	}
	/* Rates over no operation are unknown, not zero. */
	double span = ops ? (double)r->wall_ns : 0;

	dx_json_obj_begin(j, "results");
	dx_json_str(j, "note", r->note[0] ? r->note : NULL);
	dx_json_u64(j, "threads", r->nw);
	dx_json_u64(j, "ops", ops);
	dx_json_u64(j, "bytes", bytes);
	dx_json_u64(j, "elapsed_ns", r->wall_ns);
	dx_json_f64(j, "iops", record_ratio((double)ops * 1e9, span));
	dx_json_f64(j, "gbps", record_ratio((double)bytes, span));
	record_hist(j, "lat_ns", &lat);
	dx_json_u64(j, "minflt", minflt);
	dx_json_u64(j, "majflt", majflt);
	if (r->cmd->report)
		r->cmd->report(r, j);
	emit_verify(r, j);
	emit_per_thread(r, j);
	dx_json_obj_end(j);
}

static void emit_error(const struct daxwl_err *e, struct dx_json *j)
{
	if (!obj_or_null(j, "error", e->code))
		return;
	dx_json_str(j, "class", err_class(e->code));
	dx_json_u64(j, "exit_code", (uint64_t)e->code);
	dx_json_str(j, "errno", e->errnum ? strerrorname_np(e->errnum) : NULL);
	dx_json_str(j, "message", e->msg);
	dx_json_obj_end(j);
}

void record_emit(struct daxwl_run *r, const struct opt_set *sets, int nsets,
		 struct dx_json *j, bool results)
{
	dx_json_obj_begin(j, NULL);
	dx_json_str(j, "tool", "daxwl");
	dx_json_str(j, "version", DAXWL_VERSION);
	dx_json_u64(j, "schema", DAXWL_SCHEMA);
	dx_json_str(j, "subcommand", r->cmd ? r->cmd->name : NULL);
	dx_json_u64(j, "repeat_index", r->rep);
	if (sets) {
		dx_json_obj_begin(j, "params");
		opt_emit_json(sets, nsets, j);
		dx_json_obj_end(j);
	} else {
		dx_json_null(j, "params");
	}
	emit_target(r, j);
	if (r->env.release[0])
		env_emit_json(&r->env, j);
	else
		dx_json_null(j, "env");
	if (results && (!r->err.code || r->partial))
		emit_results(r, j);
	else
		dx_json_null(j, "results");
	emit_error(&r->err, j);
	dx_json_obj_end(j);
}

void record_table(const struct daxwl_run *r, const struct opt_set *sets, FILE *f)
{
	uint64_t ops = record_ops(r), bytes;
	static struct hist lat;

	totals(r, &bytes, &lat);
	const struct env *e = &r->env;
	double s = (double)r->wall_ns / 1e9;

	fprintf(f, "daxwl %s", r->cmd->name);
	if (r->cmd->sweep) {
		void *base;
		const struct opt *o = opt_find(sets, 2, r->cmd->sweep, &base);

		if (o)
			fprintf(f, " %s", o->choices[*(const int *)((const char *)base + o->off)]);
	}
	if (e->has_target)
		fprintf(f, "  %s on %s (%s)  dax=%s  map_sync=%s", r->t.path,
			e->mount_point[0] ? e->mount_point : "?",
			e->fs_type[0] ? e->fs_type : e->fs_statfs_name,
			e->dax < 0 ? "?" : e->dax ? "yes" : "no",
			e->map_sync < 0 ? "n/a" : e->map_sync ? "yes" : "no");
	fprintf(f, "  repeat %u\n", r->rep);
	fprintf(f, "  %7s %10s %9s %10s %8s | %8s %8s %8s %8s %9s ns\n", "threads", "ops",
		"seconds", "IOPS", "GB/s", "p50", "p90", "p99", "p99.9", "max");
	fprintf(f, "  %7u %10llu %9.3f %10.0f %8.3f |", r->nw, (unsigned long long)ops, s,
		record_ratio((double)ops, s), record_ratio((double)bytes, (double)r->wall_ns));
	for (size_t i = 0; i < NPCT; i++)
		fprintf(f, " %8llu", (unsigned long long)hist_percentile(&lat, percentiles[i].p));
	fprintf(f, " %9llu\n", (unsigned long long)lat.max);
}
