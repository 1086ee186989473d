#include "report.h"

#include <string.h>

#include "worker.h"

void report_hist(struct json *j, const char *key, const struct hist *h)
{
	json_obj_begin(j, key);
	json_u64(j, "count", h->count);
	json_u64(j, "min", h->count ? h->min : 0);
	json_f64(j, "mean", hist_mean(h));
	json_u64(j, "p50", hist_percentile(h, 50));
	json_u64(j, "p90", hist_percentile(h, 90));
	json_u64(j, "p99", hist_percentile(h, 99));
	json_u64(j, "p99_9", hist_percentile(h, 99.9));
	json_u64(j, "max", h->max);
	json_obj_end(j);
}

uint64_t report_sum(const struct daxwl_run *r, unsigned idx)
{
	uint64_t s = 0;

	for (unsigned i = 0; i < r->nw; i++)
		s += r->w[i].cnt[idx];
	return s;
}

static void totals(const struct daxwl_run *r, uint64_t *ops, uint64_t *bytes,
		   struct hist *lat)
{
	*ops = *bytes = 0;
	hist_init(lat);
	for (unsigned i = 0; i < r->nw; i++) {
		*ops += r->w[i].ops;
		*bytes += r->w[i].bytes;
		hist_merge(lat, &r->w[i].lat);
	}
}

static void emit_target(const struct daxwl_run *r, struct json *j)
{
	const struct target *t = &r->t;

	if (r->need == TARGET_NONE || t->fd < 0) {
		json_null(j, "target");
		return;
	}
	json_obj_begin(j, "target");
	json_str(j, "path", t->path);
	json_str(j, "type", t->bdev ? "block_device" : "file");
	json_bool(j, "created", t->created);
	json_bool(j, "extended", t->extended);
	json_bool(j, "refilled", t->refilled);
	json_str(j, "fill", t->fill);
	json_bool(j, "writable", t->writable);
	json_u64(j, "size", t->size);
	json_u64(j, "used", r->region * r->c.threads);
	json_u64(j, "region", r->region);
	json_obj_end(j);
}

static void emit_results(struct daxwl_run *r, struct json *j)
{
	uint64_t ops, bytes, minflt = 0, majflt = 0;
	static struct hist lat;	/* large; one report at a time */

	totals(r, &ops, &bytes, &lat);
	for (unsigned i = 0; i < r->nw; i++) {
		minflt += r->w[i].minflt;
		majflt += r->w[i].majflt;
	}
	double s = (double)r->wall_ns / 1e9;

	json_obj_begin(j, "results");
	json_u64(j, "threads", r->nw);
	json_u64(j, "ops", ops);
	json_u64(j, "bytes", bytes);
	json_u64(j, "elapsed_ns", r->wall_ns);
	json_f64(j, "iops", s > 0 ? (double)ops / s : 0);
	json_f64(j, "gbps", r->wall_ns ? (double)bytes / (double)r->wall_ns : 0);
	report_hist(j, "lat_ns", &lat);
	json_u64(j, "minflt", minflt);
	json_u64(j, "majflt", majflt);
	if (r->cmd->report)
		r->cmd->report(r, j);
	if (r->verified) {
		json_obj_begin(j, "verify");
		json_u64(j, "checked_bytes", r->verify_bytes);
		json_u64(j, "bad_words", r->verify_bad);
		if (r->verify_bad)
			json_u64(j, "first_bad_offset", r->verify_first_bad);
		else
			json_null(j, "first_bad_offset");
		json_obj_end(j);
	} else {
		json_null(j, "verify");
	}
	json_arr_begin(j, "per_thread");
	for (unsigned i = 0; i < r->nw; i++) {
		const struct worker *w = &r->w[i];
		uint64_t ns = w->t_end > w->t_start ? w->t_end - w->t_start : 0;

		json_obj_begin(j, NULL);
		json_u64(j, "id", w->id);
		json_i64(j, "cpu", w->cpu);
		json_u64(j, "offset", w->off);
		json_u64(j, "length", w->len);
		json_u64(j, "ops", w->ops);
		json_u64(j, "bytes", w->bytes);
		json_u64(j, "elapsed_ns", ns);
		json_f64(j, "gbps", ns ? (double)w->bytes / (double)ns : 0);
		json_u64(j, "p50_ns", hist_percentile(&w->lat, 50));
		json_u64(j, "minflt", w->minflt);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

void report_emit(struct daxwl_run *r, const struct opt_set *sets, int nsets,
		 struct json *j, bool results)
{
	json_obj_begin(j, NULL);
	json_str(j, "tool", "daxwl");
	json_str(j, "version", DAXWL_VERSION);
	json_u64(j, "schema", DAXWL_SCHEMA);
	json_str(j, "subcommand", r->cmd ? r->cmd->name : NULL);
	json_u64(j, "repeat_index", r->rep);
	if (sets) {
		json_obj_begin(j, "params");
		opt_emit_json(sets, nsets, j);
		json_obj_end(j);
	} else {
		json_null(j, "params");
	}
	emit_target(r, j);
	if (r->env.release[0])
		env_emit_json(&r->env, j);
	else
		json_null(j, "env");
	if (results && !r->err.code)
		emit_results(r, j);
	else
		json_null(j, "results");
	if (r->err.code) {
		json_obj_begin(j, "error");
		json_str(j, "class", err_class(r->err.code));
		json_u64(j, "exit_code", (uint64_t)r->err.code);
		if (r->err.errnum)
			json_str(j, "errno", strerrorname_np(r->err.errnum));
		else
			json_null(j, "errno");
		json_str(j, "message", r->err.msg);
		json_obj_end(j);
	} else {
		json_null(j, "error");
	}
	json_obj_end(j);
}

void report_table(const struct daxwl_run *r, const struct opt_set *sets, FILE *f)
{
	uint64_t ops, bytes;
	static struct hist lat;

	totals(r, &ops, &bytes, &lat);
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
	fprintf(f, "  %7u %10llu %9.3f %10.0f %8.3f | %8llu %8llu %8llu %8llu %9llu\n", r->nw,
		(unsigned long long)ops, s, s > 0 ? (double)ops / s : 0,
		r->wall_ns ? (double)bytes / (double)r->wall_ns : 0,
		(unsigned long long)hist_percentile(&lat, 50),
		(unsigned long long)hist_percentile(&lat, 90),
		(unsigned long long)hist_percentile(&lat, 99),
		(unsigned long long)hist_percentile(&lat, 99.9),
		(unsigned long long)lat.max);
}
