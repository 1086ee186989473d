/* SPDX-License-Identifier: MIT */
/*
 * Streaming JSON writer: JSON Lines, one top-level value per line (so
 * `jq -s` reads a whole file), written compactly with no spaces. Commas
 * and nesting are tracked here; callers name keys and give values.
 *
 *  - A key is given inside an object and must be NULL inside an array
 *    and at the top level; anything else is a misuse.
 *  - Strings are escaped as JSON requires (quote, backslash, controls as
 *    \n \t \r \b \f or \u00XX); bytes that are not valid UTF-8 become
 *    U+FFFD, so the output is always valid UTF-8 JSON.
 *  - A NULL string is null, never "". A double that is NaN or infinite
 *    is null; finite doubles are written with the fewest digits that
 *    read back as the same double.
 *  - When a top-level value is complete the line ends with '\n' and the
 *    stream is flushed: a reader never sees half a record.
 *
 * Misuse (a close that does not match the open, a missing or extra key,
 * nesting deeper than DX_JSON_MAX_DEPTH) and write errors are sticky:
 * dx_json_check() reports the first one. Output goes on after a misuse,
 * so the fault shows in the file as well.
 */
#ifndef DAXLAB_JSON_H
#define DAXLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DX_JSON_MAX_DEPTH 32

struct dx_json {
	FILE *f;
	int depth;			/* open containers */
	char open[DX_JSON_MAX_DEPTH];	/* '{' or '[' of each */
	bool need_comma[DX_JSON_MAX_DEPTH + 1];
	const char *misuse;		/* first misuse, NULL if none */
};

void dx_json_init(struct dx_json *j, FILE *f);

void dx_json_obj_begin(struct dx_json *j, const char *key);
void dx_json_obj_end(struct dx_json *j);
void dx_json_arr_begin(struct dx_json *j, const char *key);
void dx_json_arr_end(struct dx_json *j);

void dx_json_str(struct dx_json *j, const char *key, const char *v);
/* The first n bytes of v (which need no NUL). */
void dx_json_strn(struct dx_json *j, const char *key, const char *v, size_t n);
void dx_json_u64(struct dx_json *j, const char *key, uint64_t v);
void dx_json_i64(struct dx_json *j, const char *key, int64_t v);
void dx_json_f64(struct dx_json *j, const char *key, double v);
void dx_json_bool(struct dx_json *j, const char *key, bool v);
void dx_json_null(struct dx_json *j, const char *key);

/*
 * After the last value: 0 when everything was well formed, closed and
 * written; -1 after a misuse, with a container still open or after a
 * write error, with a message in err (may be NULL).
 */
int dx_json_check(const struct dx_json *j, char *err, size_t errlen);

/*
 * Create or truncate path and write one JSON line into it: fill(j, arg)
 * writes the value. Returns 0, or -1 with "PATH: why" in err: it cannot
 * be created, fill misused the writer, or a write or the close failed.
 */
int dx_json_write_file(const char *path,
		       void (*fill)(struct dx_json *j, const void *arg),
		       const void *arg, char *err, size_t errlen);

/* s as one quoted, escaped JSON string on f; NULL writes null. */
void dx_json_write_string(FILE *f, const char *s);
/* The same for the first n bytes of s. */
void dx_json_write_stringn(FILE *f, const char *s, size_t n);
/* v as JSON: the shortest form that reads back the same; null if not finite. */
void dx_json_write_double(FILE *f, double v);

#endif /* DAXLAB_JSON_H */
