/* SPDX-License-Identifier: MIT */
/* result.json of ctoracle check (result_json.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "daxlab/json.h"
#include "result_json.h"
#include "daxlab/stop.h"

static void passes(struct dx_json *js, const struct check_summary *s)
{
	dx_json_arr_begin(js, "passes");
	for (int p = 0; p < s->npass; p++) {
		const struct pmsim_result *r = &s->pass[p];
		const struct pmsim_opts *o = &s->plan->pass[p].o;

		dx_json_obj_begin(js, NULL);
		dx_json_str(js, "what", s->plan->pass[p].what);
		dx_json_str(js, "crash_points_kind", o->points == PMSIM_AT_MARK ? "mark" :
			    o->points == PMSIM_AT_EVENT ? "event" : "fence");
		dx_json_u64(js, "states_per_point", o->mode_arg);
		dx_json_u64(js, "points_total", r->points_total);
		dx_json_u64(js, "points_visited", r->crash_points);
		dx_json_u64(js, "points_checked", r->points_checked);
		dx_json_u64(js, "states_explored", r->explored);
		dx_json_bool(js, "bounded", r->bounded);
		dx_json_str(js, "bound_reason", r->bounded ? r->bound_reason : "");
		dx_json_obj_end(js);
	}
	dx_json_arr_end(js);
}

int result_json_write(const struct run_info *ri, const struct check_summary *s,
		      const struct judge *j, const struct trace_scan *sc)
{
	static const struct judge_stats none;
	static const struct fs_location nowhere;
	const struct judge_stats *st = j ? judge_stats(j) : &none;
	const struct fs_location *loc = j ? judge_location(j) : &nowhere;
	const struct pmsim_result *res = &s->total;
	uint64_t all = sc->stores + sc->ntstores, visited = 0, total = 0;
	char path[4096], err[256] = "";
	struct dx_json js;
	FILE *f;

	snprintf(path, sizeof(path), "%s/result.json", ri->outdir);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "ctoracle: cannot create %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	/* Coverage of the trace: the crash points the last pass (every
	 * point of the chosen kind) visited, of all it has. */
	if (s->npass) {
		visited = s->pass[s->npass - 1].crash_points;
		total = s->pass[s->npass - 1].points_total;
	}
	dx_json_init(&js, f);
	dx_json_obj_begin(&js, NULL);
	dx_json_str(&js, "scenario", ri->scenario);
	dx_json_str(&js, "kernel", ri->kernel);
	dx_json_str(&js, "fs", ri->m->h.fs);
	dx_json_str(&js, "mode", ri->mode);
	dx_json_str(&js, "crash_points_kind", ri->points);
	dx_json_bool(&js, "partial", s->partial || s->signal);
	dx_json_str(&js, "partial_reason", s->why ? s->why : "");
	dx_json_str(&js, "interrupted", s->signal ? dx_stop_name(s->signal) : "");
	dx_json_u64(&js, "crash_points", res->crash_points);
	dx_json_u64(&js, "crash_points_in_trace", total);
	dx_json_u64(&js, "crash_points_not_sampled", total - visited);
	dx_json_f64(&js, "coverage", total ? (double)visited / (double)total : 1.0);
	passes(&js, s);
	dx_json_u64(&js, "states_explored", res->explored);
	dx_json_u64(&js, "distinct_images", res->distinct);
	dx_json_u64(&js, "judged_with_tools", st->judged);
	dx_json_u64(&js, "verdict_cache_hits", st->cache_hits);
	dx_json_u64(&js, "fsck_answers_reused", st->fsck_reused);
	dx_json_u64(&js, "fsck_checks_reused_after_recovery", st->verify_reused);
	dx_json_u64(&js, "exported_for_guest", st->exported);
	dx_json_u64(&js, "violations", res->violations);
	dx_json_u64(&js, "durability_violations", s->dur_states);
	dx_json_u64(&js, "fsck_violations", s->fsck_states);
	dx_json_u64(&js, "judge_errors", s->err_states);
	dx_json_u64(&js, "drain_marks", res->drains);
	dx_json_u64(&js, "flush_contract_violations", res->drain_violations);
	dx_json_bool(&js, "bounded", res->bounded);
	dx_json_str(&js, "bound_reason", res->bounded ? res->bound_reason : "");
	dx_json_f64(&js, "seconds_scan", s->scan_s);
	dx_json_f64(&js, "seconds_judge", s->judge_s);
	dx_json_f64(&js, "seconds_in_checkers", st->tool_seconds);
	dx_json_f64(&js, "images_per_second",
		    s->judge_s > 0 ? (double)res->distinct / s->judge_s : 0.0);
	dx_json_u64(&js, "trace_bytes", s->trace_bytes);
	dx_json_u64(&js, "trace_events", pmsim_trace_nevents(ri->t));
	dx_json_u64(&js, "stores", sc->stores);
	dx_json_u64(&js, "ntstores", sc->ntstores);
	dx_json_u64(&js, "store_bytes", sc->store_bytes);
	dx_json_u64(&js, "ntstore_bytes", sc->ntstore_bytes);
	dx_json_u64(&js, "flushes", sc->flushes);
	dx_json_u64(&js, "fences", sc->fences);
	dx_json_u64(&js, "marks", sc->marks);
	dx_json_u64(&js, "noise_stores", sc->noise_stores);
	dx_json_f64(&js, "noise_share", all ? (double)sc->noise_stores / (double)all : 0.0);
	dx_json_u64(&js, "stores_outside_fs", sc->outside_stores);
	dx_json_u64(&js, "fs_offset", loc->fs_start);
	dx_json_u64(&js, "fs_bytes", loc->fs_size);
	dx_json_u64(&js, "scratch_blocks", j ? judge_candidate_blocks(j) : 0);
	dx_json_u64(&js, "data_blocks_keyed_when_promised",
		    j ? judge_data_blocks(j) : 0);
	dx_json_u64(&js, "promises", ri->m->n);
	dx_json_obj_end(&js);
	if (dx_json_check(&js, err, sizeof(err)) | fclose(f)) {
		fprintf(stderr, "ctoracle: writing %s failed%s%s\n", path,
			err[0] ? ": " : "", err);
		return -1;
	}
	return 0;
}
