/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The serde_json-compatible printer and mdevctl config parsing. */
#include "check-main.h"
#include "cli-json.h"

static char *dump(const char *json, bool pretty)
{
	_cleanup_json_put_ struct json_object *o = json_tokener_parse(json);
	char *s = NULL;

	ck_assert_ptr_nonnull(o);
	ck_assert_int_eq(cli_json_to_string(o, pretty, &s), 0);
	return s;
}

#define ck_dump(json, pretty, expected)                                                       \
	do {                                                                                  \
		_cleanup_free_ char *_s = dump(json, pretty);                                 \
		ck_assert_msg(streq(_s, expected), "expected:\n%s\nseen:\n%s", expected, _s); \
	} while (0)

START_TEST(test_pretty)
{
	ck_dump("[]", true, "[]");
	ck_dump("{}", true, "{}");
	ck_dump("{\"a\":[],\"b\":{}}", true, "{\n  \"a\": [],\n  \"b\": {}\n}");
	ck_dump(
	    "[{\"p\":[{\"u\":{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"k\":\"v\"}]}}]}"
	    "]",
	    true,
	    "[\n  {\n    \"p\": [\n      {\n        \"u\": {\n          \"mdev_type\": \"t\",\n"
	    "          \"start\": \"auto\",\n          \"attrs\": [\n            {\n"
	    "              \"k\": \"v\"\n            }\n          ]\n        }\n      }\n    ]\n"
	    "  }\n]");
	ck_dump("{\"n\":3,\"b\":true,\"z\":null}", true,
		"{\n  \"n\": 3,\n  \"b\": true,\n  \"z\": null\n}");
}
END_TEST

START_TEST(test_compact_and_escapes)
{
	ck_dump("{\"a\":[1,2],\"b\":\"x\"}", false, "{\"a\":[1,2],\"b\":\"x\"}");
	/* serde escapes only '"', '\\' and control characters; '/' and UTF-8 stay. */
	ck_dump("[\"q\\\"b\\\\s/\\u00e9\\t\\n\\r\\b\\f\\u0001\\u007f\"]", false,
		"[\"q\\\"b\\\\s/\xc3\xa9\\t\\n\\r\\b\\f\\u0001\x7f\"]");
}
END_TEST

START_TEST(test_config_new)
{
	struct cli_attr attrs[] = {{"mac", "02:00:00:00:00:01"}, {"mtu", "1500"}};
	_cleanup_json_put_ struct json_object *o = cli_json_config_new("t", "manual", attrs, 2);
	_cleanup_free_ char *s = NULL;

	ck_assert_int_eq(cli_json_to_string(o, false, &s), 0);
	ck_assert_str_eq(s, "{\"mdev_type\":\"t\",\"start\":\"manual\",\"attrs\":[{\"mac\":"
			    "\"02:00:00:00:00:01\"},{\"mtu\":\"1500\"}]}");
}
END_TEST

static void parse_ok(const char *text, const char *type, const char *start, size_t n_attrs)
{
	_cleanup_free_ char *error = NULL;
	struct cli_config c;

	ck_assert_msg(cli_config_parse(text, &c, &error) == 0, "'%s': %s", text, error);
	ck_assert_str_eq(c.type, type);
	ck_assert_str_eq(c.start, start);
	ck_assert_uint_eq(c.n_attrs, n_attrs);
	cli_config_done(&c);
}

static void parse_bad(const char *text, const char *needle)
{
	_cleanup_free_ char *error = NULL;
	struct cli_config c;

	ck_assert_int_eq(cli_config_parse(text, &c, &error), -EINVAL);
	ck_assert_msg(strstr(error, needle), "'%s': expected '%s' in '%s'", text, needle, error);
}

START_TEST(test_config_parse)
{
	parse_ok("{\"mdev_type\":\"t\",\"start\":\"auto\"}", "t", "auto", 0);
	parse_ok("{\"mdev_type\":\"t\",\"start\":\"whatever\",\"attrs\":null}", "t", "manual", 0);
	parse_ok(
	    "{\"mdev_type\":\"t\",\"start\":\"manual\",\"attrs\":[{\"a\":\"1\"},{\"a\":\"2\"}],"
	    "\"unknown\":1}",
	    "t", "manual", 2);
	parse_bad("", "invalid json");
	parse_bad("{\"mdev_type\":", "invalid json");
	parse_bad("[]", "expected an object");
	parse_bad("{\"start\":\"auto\"}", "'mdev_type' missing");
	parse_bad("{\"mdev_type\":null,\"start\":\"auto\"}", "'mdev_type' missing");
	parse_bad("{\"mdev_type\":1,\"start\":\"auto\"}", "not a string");
	parse_bad("{\"mdev_type\":\"t\"}", "'start' missing");
	parse_bad("{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":{}}", "not an array");
	parse_bad("{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[1]}", "not an object");
	parse_bad("{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{}]}", "exactly one");
	parse_bad("{\"mdev_type\":\"t\",\"start\":\"auto\",\"attrs\":[{\"a\":1}]}",
		  "must be a string");
}
END_TEST

static Suite *cli_json_suite(void)
{
	Suite *s = suite_create("cli-json");
	TCase *tc = tcase_create("json");

	tcase_add_test(tc, test_pretty);
	tcase_add_test(tc, test_compact_and_escapes);
	tcase_add_test(tc, test_config_new);
	tcase_add_test(tc, test_config_parse);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_json_suite)
