/*
 * Streaming JSON writer. One object per line (JSON Lines) so that
 * `jq -s` reads a whole run. Commas and nesting are tracked here;
 * callers only name keys and values. Key is NULL inside arrays.
 */
#ifndef DAXWL_JSON_H
#define DAXWL_JSON_H
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	bool need_comma[JSON_MAX_DEPTH];
};

void json_init(struct json *j, FILE *f);
void json_obj_begin(struct json *j, const char *key);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j, const char *key);
void json_arr_end(struct json *j);
void json_str(struct json *j, const char *key, const char *v);	/* NULL -> null */
void json_u64(struct json *j, const char *key, uint64_t v);
void json_i64(struct json *j, const char *key, int64_t v);
void json_f64(struct json *j, const char *key, double v);	/* NaN/inf -> null */
void json_bool(struct json *j, const char *key, bool v);
void json_null(struct json *j, const char *key);
/* Writes s as a quoted, escaped JSON string. */
void json_write_string(FILE *f, const char *s);

#endif
