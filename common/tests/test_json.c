// SPDX-License-Identifier: MIT
/* The JSON writer: exact output, escaping, nulls, doubles, misuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <unistd.h>
#include <cmocka.h>

#include "daxlab/json.h"

struct out {
	char *buf;
	size_t len;
	FILE *f;
	struct dx_json j;
};

static void out_open(struct out *o)
{
	o->buf = NULL;
	o->f = open_memstream(&o->buf, &o->len);
	assert_non_null(o->f);
	dx_json_init(&o->j, o->f);
}

/* Close the stream and compare what was written. */
static void out_is(struct out *o, const char *want)
{
	assert_int_equal(fclose(o->f), 0);
	assert_string_equal(o->buf, want);
	free(o->buf);
}

static void test_record(void **state)
{
	struct out o;
	char err[128];

	(void)state;
	out_open(&o);
	dx_json_obj_begin(&o.j, NULL);
	dx_json_str(&o.j, "tool", "daxwl");
	dx_json_u64(&o.j, "big", UINT64_MAX);
	dx_json_i64(&o.j, "neg", INT64_MIN);
	dx_json_bool(&o.j, "yes", true);
	dx_json_null(&o.j, "nothing");
	dx_json_arr_begin(&o.j, "list");
	dx_json_u64(&o.j, NULL, 1);
	dx_json_obj_begin(&o.j, NULL);
	dx_json_obj_end(&o.j);
	dx_json_arr_begin(&o.j, NULL);
	dx_json_arr_end(&o.j);
	dx_json_arr_end(&o.j);
	dx_json_obj_end(&o.j);
	dx_json_u64(&o.j, NULL, 7);	/* a second line */
	assert_int_equal(dx_json_check(&o.j, err, sizeof(err)), 0);
	out_is(&o, "{\"tool\":\"daxwl\",\"big\":18446744073709551615,"
		   "\"neg\":-9223372036854775808,\"yes\":true,\"nothing\":null,"
		   "\"list\":[1,{},[]]}\n7\n");
}

static void test_null_string(void **state)
{
	struct out o;

	(void)state;
	out_open(&o);
	dx_json_obj_begin(&o.j, NULL);
	dx_json_str(&o.j, "label", NULL);
	dx_json_str(&o.j, "empty", "");
	dx_json_strn(&o.j, "cut", "abcdef", 3);
	dx_json_obj_end(&o.j);
	out_is(&o, "{\"label\":null,\"empty\":\"\",\"cut\":\"abc\"}\n");
}

static void test_escaping(void **state)
{
	static const char in[] = "q\" b\\ n\n r\r t\t \b \f \x01 \x1f \x7f "
				 "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
				 "bad:\xff \xc3 \xc0\xaf \xed\xa0\x80 end";
	struct out o;

	(void)state;
	out_open(&o);
	dx_json_str(&o.j, NULL, in);
	/* Invalid bytes: a lone 0xff, a cut sequence, an overlong '/', a
	 * UTF-16 surrogate: each byte becomes U+FFFD. */
	out_is(&o, "\"q\\\" b\\\\ n\\n r\\r t\\t \\b \\f \\u0001 \\u001f \x7f "
		   "\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 "
		   "bad:\\ufffd \\ufffd \\ufffd\\ufffd \\ufffd\\ufffd\\ufffd end\"\n");
}

static void test_keys_escaped(void **state)
{
	struct out o;

	(void)state;
	out_open(&o);
	dx_json_obj_begin(&o.j, NULL);
	dx_json_u64(&o.j, "a\"b", 1);
	dx_json_obj_end(&o.j);
	out_is(&o, "{\"a\\\"b\":1}\n");
}

static void test_doubles(void **state)
{
	struct out o;

	(void)state;
	out_open(&o);
	dx_json_arr_begin(&o.j, NULL);
	dx_json_f64(&o.j, NULL, 0.1);
	dx_json_f64(&o.j, NULL, 1.0 / 3);
	dx_json_f64(&o.j, NULL, 2.5e-12);
	dx_json_f64(&o.j, NULL, 1e300);
	dx_json_f64(&o.j, NULL, 0);
	dx_json_f64(&o.j, NULL, NAN);
	dx_json_f64(&o.j, NULL, INFINITY);
	dx_json_f64(&o.j, NULL, -INFINITY);
	dx_json_f64(&o.j, NULL, 123456789.0);
	dx_json_arr_end(&o.j);
	out_is(&o, "[0.1,0.3333333333333333,2.5e-12,1e+300,0,null,null,null,"
		   "123456789]\n");
}

static void test_roundtrip(void **state)
{
	/* Whatever the value, the text reads back as the same double. */
	double v = 1.0;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		char buf[64] = "";
		FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

		v = v * 1.37 + 1e-7 * i;
		if (v > 1e200)
			v = 1.0 / v;
		assert_non_null(f);
		dx_json_write_double(f, v);
		fclose(f);
		if (strtod(buf, NULL) != v)
			fail_msg("%.17g written as %s", v, buf);
	}
}

static void misuse_is(void (*fn)(struct dx_json *), const char *needle)
{
	struct out o;
	char err[128];

	out_open(&o);
	fn(&o.j);
	assert_int_equal(dx_json_check(&o.j, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("message '%s' lacks '%s'", err, needle);
	fclose(o.f);
	free(o.buf);
}

static void no_key_in_object(struct dx_json *j)
{
	dx_json_obj_begin(j, NULL);
	dx_json_u64(j, NULL, 1);
	dx_json_obj_end(j);
}

static void key_in_array(struct dx_json *j)
{
	dx_json_arr_begin(j, NULL);
	dx_json_u64(j, "k", 1);
	dx_json_arr_end(j);
}

static void key_at_top(struct dx_json *j)
{
	dx_json_u64(j, "k", 1);
}

static void wrong_close(struct dx_json *j)
{
	dx_json_obj_begin(j, NULL);
	dx_json_arr_end(j);
}

static void close_nothing(struct dx_json *j)
{
	dx_json_obj_end(j);
}

static void left_open(struct dx_json *j)
{
	dx_json_obj_begin(j, NULL);
}

static void too_deep(struct dx_json *j)
{
	for (int i = 0; i <= DX_JSON_MAX_DEPTH; i++)
		dx_json_arr_begin(j, NULL);
}

static void test_misuse(void **state)
{
	(void)state;
	misuse_is(no_key_in_object, "without a key");
	misuse_is(key_in_array, "key inside an array");
	misuse_is(key_at_top, "top-level");
	misuse_is(wrong_close, "array end closing an object");
	misuse_is(close_nothing, "nothing open");
	misuse_is(left_open, "still open");
	misuse_is(too_deep, "deeper");
}

static void test_write_error(void **state)
{
	struct dx_json j;
	char err[128];
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	if (!f) {
		print_message("# /dev/full is missing\n");
		skip();
	}
	dx_json_init(&j, f);
	dx_json_obj_begin(&j, NULL);
	dx_json_str(&j, "k", "v");
	dx_json_obj_end(&j);	/* flushes: ENOSPC */
	assert_int_equal(dx_json_check(&j, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "write error"));
	fclose(f);
}

static void fill_obj(struct dx_json *j, const void *arg)
{
	dx_json_obj_begin(j, NULL);
	dx_json_str(j, "k", arg);
	dx_json_obj_end(j);
}

static void fill_bad(struct dx_json *j, const void *arg)
{
	(void)arg;
	dx_json_obj_begin(j, NULL);	/* never closed */
}

static void test_write_file(void **state)
{
	char path[] = "/tmp/test_json.XXXXXX", err[256], buf[64] = "";
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(dx_json_write_file(path, fill_obj, "v", err,
					    sizeof(err)), 0);
	f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(buf, sizeof(buf), f));
	fclose(f);
	assert_string_equal(buf, "{\"k\":\"v\"}\n");
	assert_int_equal(dx_json_write_file(path, fill_bad, NULL, err,
					    sizeof(err)), -1);
	assert_non_null(strstr(err, "still open"));
	assert_non_null(strstr(err, path));
	unlink(path);
	assert_int_equal(dx_json_write_file("/nonexistent/x.json", fill_obj, "v",
					    err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/x.json: No such file or directory");
	if (access("/dev/full", W_OK) == 0) {
		assert_int_equal(dx_json_write_file("/dev/full", fill_obj, "v",
						    err, sizeof(err)), -1);
		assert_non_null(strstr(err, "/dev/full: "));
	}
}

static void test_write_string(void **state)
{
	char *buf = NULL;
	size_t len;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	dx_json_write_string(f, "a\"b");
	fputc(' ', f);
	dx_json_write_string(f, NULL);
	fclose(f);
	assert_string_equal(buf, "\"a\\\"b\" null");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record),
		cmocka_unit_test(test_null_string),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_keys_escaped),
		cmocka_unit_test(test_doubles),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_misuse),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_write_file),
		cmocka_unit_test(test_write_string),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
