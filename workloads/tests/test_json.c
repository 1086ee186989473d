/* JSON emitter: exact output, commas, nesting, escaping, non-finite numbers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "json.h"

static char *buf;
static size_t len;

static struct json *open_json(void)
{
	static struct json j;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	json_init(&j, f);
	return &j;
}

static void close_json(struct json *j)
{
	fclose(j->f);
}

static void test_nested(void **state)
{
	(void)state;
	struct json *j = open_json();

	json_obj_begin(j, NULL);
	json_str(j, "a", "x");
	json_u64(j, "b", 18446744073709551615ull);
	json_i64(j, "c", -5);
	json_obj_begin(j, "d");
	json_bool(j, "t", true);
	json_null(j, "n");
	json_obj_end(j);
	json_arr_begin(j, "e");
	json_u64(j, NULL, 1);
	json_obj_begin(j, NULL);
	json_obj_end(j);
	json_arr_begin(j, NULL);
	json_arr_end(j);
	json_arr_end(j);
	json_f64(j, "f", 0.5);
	json_str(j, "g", NULL);
	json_obj_end(j);
	close_json(j);
	assert_string_equal(buf, "{\"a\":\"x\",\"b\":18446744073709551615,\"c\":-5,"
				 "\"d\":{\"t\":true,\"n\":null},\"e\":[1,{},[]],\"f\":0.5,\"g\":null}\n");
	free(buf);
}

static void test_escapes_and_nonfinite(void **state)
{
	(void)state;
	struct json *j = open_json();

	json_obj_begin(j, NULL);
	json_str(j, "s", "q\"b\\n\nt\t\x01z");
	json_f64(j, "nan", NAN);
	json_f64(j, "inf", INFINITY);
	json_obj_end(j);
	/* A second object is a second line. */
	json_obj_begin(j, NULL);
	json_obj_end(j);
	close_json(j);
	assert_string_equal(buf, "{\"s\":\"q\\\"b\\\\n\\nt\\t\\u0001z\",\"nan\":null,\"inf\":null}\n{}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_escapes_and_nonfinite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
