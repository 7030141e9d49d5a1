/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The definition parser and writer: mdevctl's files round-trip byte for byte,
 * and every malformed, wrongly typed or oversized input is refused with an
 * errno and a message that names the bad key.
 */
#include "check-main.h"
#include "definition.h"
#include "name-check.h"

#define PARENT "mvsim"
#define UUID "9f579710-6ffc-4201-987a-4ffa0fb1f3a5"

/* mdevctl-and-libvirt.md §2.1, as mdevctl master writes it (no trailing newline). */
static const char golden_ap[] = "{\n"
				"  \"mdev_type\": \"vfio_ap-passthrough\",\n"
				"  \"start\": \"manual\",\n"
				"  \"attrs\": [\n"
				"    {\n"
				"      \"assign_adapter\": \"5\"\n"
				"    },\n"
				"    {\n"
				"      \"assign_domain\": \"0xab\"\n"
				"    }\n"
				"  ]\n"
				"}";
/* testdata/define/no-uuid.expected */
static const char golden_empty[] = "{\n"
				   "  \"mdev_type\": \"i915-GVTg_V5_4\",\n"
				   "  \"start\": \"auto\",\n"
				   "  \"attrs\": []\n"
				   "}";

static struct definition *parse_ok(const char *json)
{
	struct definition *d = NULL;
	_cleanup_free_ char *err = NULL;
	int r = definition_from_json(PARENT, UUID, json, strlen(json), &d, &err);

	ck_assert_msg(r == 0, "refused (%d: %s): %s", r, strempty(err), json);
	ck_assert_ptr_null(err);
	return d;
}

/* Parse must fail with @errno and a message containing @needle; *ret stays untouched. */
static void parse_fails_n(const char *json, size_t n, int error, const char *needle)
{
	struct definition *d = (struct definition *)0x1;
	_cleanup_free_ char *err = NULL;
	int r = definition_from_json(PARENT, UUID, json, n, &d, &err);

	ck_assert_msg(r == error, "got %d, want %d for: %.200s", r, error, json);
	ck_assert_ptr_eq(d, (struct definition *)0x1);
	ck_assert_ptr_nonnull(err);
	ck_assert_msg(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
	for (const char *c = err; *c; c++)
		ck_assert_msg(*c >= 0x20 && *c < 0x7f, "non-printable in \"%s\"", err);
	/* Without ret_error it fails the same way. */
	ck_assert_int_eq(definition_from_json(PARENT, UUID, json, n, &d, NULL), error);
}

static void parse_fails(const char *json, int error, const char *needle)
{
	parse_fails_n(json, strlen(json), error, needle);
}

static void assert_roundtrip(const char *golden)
{
	_cleanup_definition_free_ struct definition *d = parse_ok(golden);
	_cleanup_free_ char *out = NULL;
	size_t n;

	ck_assert_int_eq(definition_to_json(d, &out, &n), 0);
	ck_assert_str_eq(out, golden);
	ck_assert_uint_eq(n, strlen(golden));
}

START_TEST(mdevctl_files_roundtrip_bytewise)
{
	_cleanup_definition_free_ struct definition *d = parse_ok(golden_ap);

	ck_assert_str_eq(d->parent, PARENT);
	ck_assert_str_eq(d->uuid, UUID);
	ck_assert_str_eq(d->mdev_type, "vfio_ap-passthrough");
	ck_assert_int_eq(d->start, DEFINITION_START_MANUAL);
	ck_assert_uint_eq(d->n_attrs, 2);
	ck_assert_str_eq(d->attrs[1].name, "assign_domain");
	ck_assert_str_eq(d->attrs[1].value, "0xab");
	assert_roundtrip(golden_ap);
	assert_roundtrip(golden_empty);
}
END_TEST

START_TEST(compact_input_is_written_pretty)
{
	_cleanup_definition_free_ struct definition *d =
	    parse_ok("{\"start\":\"manual\",\"attrs\":[{\"assign_adapter\":\"5\"},"
		     "{\"assign_domain\":\"0xab\"}],\"mdev_type\":\"vfio_ap-passthrough\"}\n");
	_cleanup_free_ char *out = NULL;

	ck_assert_int_eq(definition_to_json(d, &out, NULL), 0);
	ck_assert_str_eq(out, golden_ap);
}
END_TEST

START_TEST(attrs_absent_or_null_mean_none)
{
	_cleanup_definition_free_ struct definition *a =
	    parse_ok("{\"mdev_type\": \"i915-GVTg_V5_4\", \"start\": \"auto\"}");
	_cleanup_definition_free_ struct definition *b =
	    parse_ok("{\"mdev_type\": \"i915-GVTg_V5_4\", \"start\": \"auto\", \"attrs\": null}");
	_cleanup_free_ char *out = NULL;

	ck_assert_uint_eq(a->n_attrs, 0);
	ck_assert(definition_equal(a, b));
	ck_assert_int_eq(definition_to_json(a, &out, NULL), 0);
	ck_assert_str_eq(out, golden_empty);
}
END_TEST

START_TEST(duplicates_and_order_are_kept)
{
	_cleanup_definition_free_ struct definition *d =
	    parse_ok("{\"mdev_type\": \"t\", \"start\": \"manual\", \"attrs\": "
		     "[{\"b\": \"1\"}, {\"a\": \"2\"}, {\"b\": \"3\"}]}");

	ck_assert_uint_eq(d->n_attrs, 3);
	ck_assert_str_eq(d->attrs[0].name, "b");
	ck_assert_str_eq(d->attrs[1].name, "a");
	ck_assert_str_eq(d->attrs[2].name, "b");
	ck_assert_str_eq(d->attrs[2].value, "3");
}
END_TEST

/* serde_json escapes: short forms, \u00xx (lower-case hex) for other controls, '/' and UTF-8 raw.
 */
START_TEST(values_are_escaped_like_serde_json)
{
	static const char want[] =
	    "{\n"
	    "  \"mdev_type\": \"t\",\n"
	    "  \"start\": \"auto\",\n"
	    "  \"attrs\": [\n"
	    "    {\n"
	    "      \"v\": \"q\\\"b\\\\s/n\\nt\\tr\\rb\\bf\\fc\\u0001\\u001f\x7f\xc3\xa9\"\n"
	    "    }\n"
	    "  ]\n"
	    "}";
	_cleanup_definition_free_ struct definition *d = NULL, *back = NULL;
	_cleanup_free_ char *out = NULL;

	ck_assert_int_eq(definition_new(PARENT, UUID, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(
	    definition_attr_append(d, "v", "q\"b\\s/n\nt\tr\rb\bf\fc\x01\x1f\x7f\xc3\xa9", NULL),
	    0);
	ck_assert_int_eq(definition_to_json(d, &out, NULL), 0);
	ck_assert_str_eq(out, want);
	back = parse_ok(out);
	ck_assert(definition_equal(d, back));
}
END_TEST

START_TEST(malformed_json_refused)
{
	char truncated[sizeof(golden_ap)];

	parse_fails("", -EINVAL, "empty");
	parse_fails("   \n", -EINVAL, "end of JSON");
	parse_fails("{", -EINVAL, "end of JSON");
	memcpy(truncated, golden_ap, sizeof(golden_ap));
	truncated[sizeof(golden_ap) / 2] = '\0';
	parse_fails(truncated, -EINVAL, "truncated");
	parse_fails("mdev_type=foo", -EINVAL, "Invalid JSON");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\",}", -EINVAL, "Invalid JSON");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\"} x", -EINVAL, "Invalid JSON");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\"}{}", -EINVAL, "Invalid JSON");
	parse_fails("{\"mdev_type\": \"t\xff\", \"start\": \"auto\"}", -EINVAL, "Invalid JSON");
	parse_fails("[{\"mdev_type\": \"t\", \"start\": \"auto\"}]", -EINVAL,
		    "JSON object, got array");
	parse_fails("\"t\"", -EINVAL, "JSON object, got string");
	parse_fails("{\"attrs\": [[[[[[[[[[]]]]]]]]]]}", -EINVAL, "Invalid JSON");
	parse_fails_n("{\"mdev_type\": \"t\"\0, \"start\": \"auto\"}", 36, -EINVAL,
		      "NUL byte at offset 17");
}
END_TEST

START_TEST(oversized_document_refused)
{
	size_t n = DEFINITION_JSON_SIZE_MAX + 1;
	_cleanup_free_ char *big = malloc(n);
	static const char head[] = "{\"mdev_type\": \"t\", \"start\": \"auto\"}";

	ck_assert_ptr_nonnull(big);
	memset(big, ' ', n);
	memcpy(big, head, strlen(head));
	parse_fails_n(big, n, -EFBIG, "too large");
	/* At the limit it is fine (trailing whitespace). */
	{
		_cleanup_definition_free_ struct definition *d = NULL;

		ck_assert_int_eq(definition_from_json(PARENT, UUID, big, n - 1, &d, NULL), 0);
	}
}
END_TEST

START_TEST(wrong_types_refused)
{
	parse_fails("{\"mdev_type\": 5, \"start\": \"auto\"}", -EINVAL,
		    "\"mdev_type\" must be a string, not int");
	parse_fails("{\"mdev_type\": [\"t\"], \"start\": \"auto\"}", -EINVAL,
		    "\"mdev_type\" must be a string, not array");
	parse_fails("{\"mdev_type\": \"t\", \"start\": true}", -EINVAL,
		    "\"start\" must be a string, not boolean");
	parse_fails("{\"mdev_type\": \"t\", \"start\": null}", -EINVAL,
		    "\"start\" must be a string, not null");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": {\"mac\": \"x\"}}",
		    -EINVAL, "\"attrs\" must be an array, not object");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": \"mac\"}", -EINVAL,
		    "\"attrs\" must be an array, not string");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [\"mac\"]}", -EINVAL,
		    "\"attrs[0]\" must be an object, not string");
	parse_fails(
	    "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"1\"}, null]}",
	    -EINVAL, "\"attrs[1]\" must be an object, not null");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": "
		    "[{\"a\": \"1\", \"b\": \"2\"}]}",
		    -EINVAL, "\"attrs[0]\" must have exactly one key, it has 2");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{}]}", -EINVAL,
		    "it has 0");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"mtu\": 1500}]}",
		    -EINVAL, "\"attrs[0].mtu\" must be a string, not int");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"mtu\": null}]}",
		    -EINVAL, "\"attrs[0].mtu\" must be a string, not null");
	parse_fails(
	    "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"m\": {\"x\": \"1\"}}]}",
	    -EINVAL, "\"attrs[0].m\" must be a string, not object");
}
END_TEST

START_TEST(keys_and_start_checked)
{
	parse_fails("{\"start\": \"auto\"}", -EINVAL, "Missing key \"mdev_type\"");
	parse_fails("{\"mdev_type\": \"t\"}", -EINVAL, "Missing key \"start\"");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"whatever\"}", -EINVAL,
		    "\"start\" must be \"auto\" or \"manual\", not \"whatever\"");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"AUTO\"}", -EINVAL, "not \"AUTO\"");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"uuid\": \"x\"}", -EINVAL,
		    "Unknown key \"uuid\"");
	parse_fails("{\"mdev_type\": \"t\\u0000x\", \"start\": \"auto\"}", -EINVAL,
		    "\"mdev_type\" contains a NUL character");
	parse_fails(
	    "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"x\\u0000\"}]}",
	    -EINVAL, "\"attrs[0].a\" contains a NUL character");
}
END_TEST

START_TEST(bad_names_refused)
{
	char long_type[NAME_MAX_TYPE + 2], long_attr[NAME_MAX_ATTR + 2];
	_cleanup_free_ char *j1 = NULL, *j2 = NULL;

	parse_fails("{\"mdev_type\": \"../x\", \"start\": \"auto\"}", -EINVAL,
		    "Invalid type name \"../x\"");
	parse_fails("{\"mdev_type\": \"a/b\", \"start\": \"auto\"}", -EINVAL,
		    "Invalid type name \"a/b\"");
	parse_fails("{\"mdev_type\": \"\", \"start\": \"auto\"}", -EINVAL,
		    "Invalid type name \"\"");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"../x\": \"1\"}]}",
		    -EINVAL, "Invalid attribute name \"../x\"");
	parse_fails("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a b\": \"1\"}]}",
		    -EINVAL, "Invalid attribute name \"a b\"");
	memset(long_type, 't', sizeof(long_type));
	long_type[NAME_MAX_TYPE + 1] = '\0';
	ck_assert_int_ge(asprintf(&j1, "{\"mdev_type\": \"%s\", \"start\": \"auto\"}", long_type),
			 0);
	parse_fails(j1, -ENAMETOOLONG, "is too long (limit 128 bytes)");
	memset(long_attr, 'a', sizeof(long_attr));
	long_attr[NAME_MAX_ATTR + 1] = '\0';
	ck_assert_int_ge(asprintf(&j2,
				  "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": "
				  "[{\"%s\": \"1\"}]}",
				  long_attr),
			 0);
	parse_fails(j2, -ENAMETOOLONG, "...\" is too long (limit 64 bytes)");
}
END_TEST

START_TEST(bad_parent_and_uuid_refused)
{
	static const char json[] = "{\"mdev_type\": \"t\", \"start\": \"auto\"}";
	struct definition *d = NULL;
	_cleanup_free_ char *e1 = NULL, *e2 = NULL;

	ck_assert_int_eq(definition_from_json("../x", UUID, json, strlen(json), &d, &e1), -EINVAL);
	ck_assert_ptr_nonnull(strstr(e1, "Invalid parent name \"../x\""));
	ck_assert_int_eq(definition_from_json(PARENT, "nope", json, strlen(json), &d, &e2),
			 -EINVAL);
	ck_assert_str_eq(e2, "Invalid UUID \"nope\"");
	ck_assert_ptr_null(d);
	/* Any mdevctl spelling is accepted and stored normalised. */
	ck_assert_int_eq(definition_from_json(PARENT, "{9F579710-6FFC-4201-987A-4FFA0FB1F3A5}",
					      json, strlen(json), &d, NULL),
			 0);
	ck_assert_str_eq(d->uuid, UUID);
	definition_free(d);
}
END_TEST

START_TEST(limits_are_exact)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	_cleanup_free_ char *value = malloc(DEFINITION_VALUE_MAX + 2), *err = NULL, *err2 = NULL;

	ck_assert_int_eq(definition_new(PARENT, UUID, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	memset(value, 'v', DEFINITION_VALUE_MAX + 1);
	value[DEFINITION_VALUE_MAX + 1] = '\0';
	ck_assert_int_eq(definition_attr_append(d, "a", value, &err), -E2BIG);
	ck_assert_str_eq(err, "Value of attribute \"a\" is too long (limit 4096 bytes)");
	value[DEFINITION_VALUE_MAX] = '\0';
	ck_assert_int_eq(definition_attr_append(d, "a", value, NULL), 0);
	for (size_t i = 1; i < DEFINITION_ATTRS_MAX; i++)
		ck_assert_int_eq(definition_attr_append(d, "a", "1", NULL), 0);
	ck_assert_int_eq(definition_attr_append(d, "a", "1", &err2), -E2BIG);
	ck_assert_str_eq(err2, "Too many attributes (limit 128)");
	ck_assert_uint_eq(d->n_attrs, DEFINITION_ATTRS_MAX);
}
END_TEST

/* Every field within its limit can still outgrow the file: refused, and what stays loads. */
START_TEST(definition_always_fits_its_file)
{
	_cleanup_definition_free_ struct definition *d = NULL, *back = NULL;
	_cleanup_free_ char *value = malloc(DEFINITION_VALUE_MAX + 1), *err = NULL, *json = NULL;
	size_t i, size;
	int r = 0;

	ck_assert_int_eq(definition_new(PARENT, UUID, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	memset(value, 'v', DEFINITION_VALUE_MAX);
	value[DEFINITION_VALUE_MAX] = '\0';
	for (i = 0; i < DEFINITION_ATTRS_MAX && r == 0; i++)
		r = definition_attr_append(d, "a", value, &err);
	ck_assert_int_eq(r, -E2BIG);
	ck_assert_msg(strstr(err, "as a file (limit 65536)"), "message: %s", err);
	/* 15 values of 4 KiB fit in 64 KiB with their quotes and indentation; the 16th does not. */
	ck_assert_uint_eq(d->n_attrs, i - 1);
	ck_assert_uint_eq(d->n_attrs, 15);
	ck_assert_int_eq(definition_to_json(d, &json, &size), 0);
	ck_assert_uint_le(size, DEFINITION_JSON_SIZE_MAX);
	ck_assert_int_eq(definition_from_json(PARENT, UUID, json, size, &back, NULL), 0);
	ck_assert_uint_eq(back->n_attrs, d->n_attrs);
}
END_TEST

START_TEST(too_many_attrs_in_json_refused)
{
	_cleanup_free_ char *json = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&json, &size);

	fputs("{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [", f);
	for (int i = 0; i <= DEFINITION_ATTRS_MAX; i++)
		fprintf(f, "%s{\"a\": \"%d\"}", i ? ", " : "", i);
	fputs("]}", f);
	ck_assert_int_eq(fclose(f), 0);
	parse_fails(json, -E2BIG, "Too many attributes (129, limit 128)");
}
END_TEST

START_TEST(invalid_utf8_value_refused)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	static const char *const bad[] = {"\xff", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
					  "\xe2\x82"};

	ck_assert_int_eq(definition_new(PARENT, UUID, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_int_eq(definition_attr_append(d, "a", bad[i], NULL), -EINVAL);
	ck_assert_int_eq(definition_attr_append(d, "a", "\xe2\x82\xac \xf0\x9f\x98\x80", NULL), 0);
}
END_TEST

/* json-c decodes a lone surrogate escape to U+FFFD, so a parsed value is always UTF-8. */
START_TEST(lone_surrogate_becomes_replacement_character)
{
	_cleanup_definition_free_ struct definition *d = parse_ok(
	    "{\"mdev_type\": \"t\", \"start\": \"auto\", \"attrs\": [{\"a\": \"\\ud800\"}]}");

	ck_assert_str_eq(d->attrs[0].value, "\xef\xbf\xbd");
}
END_TEST

START_TEST(messages_quote_safely)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	_cleanup_free_ char *err = NULL, *name = malloc(300);

	memset(name, 'x', 299);
	name[0] = '\n';
	name[299] = '\0';
	ck_assert_int_eq(definition_new(PARENT, UUID, name, DEFINITION_START_AUTO, &d, &err),
			 -ENAMETOOLONG);
	ck_assert_ptr_nonnull(strstr(err, "\"?xxx"));
	ck_assert_ptr_nonnull(strstr(err, "xxx...\""));
	ck_assert_uint_lt(strlen(err), 200);
}
END_TEST

START_TEST(attrs_insert_remove_like_modify)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	_cleanup_free_ char *err = NULL;

	ck_assert_int_eq(definition_new(PARENT, UUID, "t", DEFINITION_START_AUTO, &d, NULL), 0);
	ck_assert_int_eq(definition_attr_append(d, "b", "2", NULL), 0);
	ck_assert_int_eq(definition_attr_insert(d, 0, "a", "1", NULL), 0);
	ck_assert_int_eq(definition_attr_insert(d, 2, "c", "3", NULL), 0);
	ck_assert_int_eq(definition_attr_insert(d, 4, "d", "4", &err), -ERANGE);
	ck_assert_str_eq(d->attrs[0].name, "a");
	ck_assert_str_eq(d->attrs[1].name, "b");
	ck_assert_str_eq(d->attrs[2].name, "c");
	ck_assert_int_eq(definition_attr_remove(d, 1, NULL), 0);
	ck_assert_str_eq(d->attrs[1].name, "c");
	ck_assert_int_eq(definition_attr_remove(d, 2, NULL), -ERANGE);
	ck_assert_uint_eq(d->n_attrs, 2);
}
END_TEST

START_TEST(dup_equal_and_start_strings)
{
	_cleanup_definition_free_ struct definition *d = parse_ok(golden_ap), *c = NULL;
	enum definition_start s = DEFINITION_START_AUTO;

	ck_assert_int_eq(definition_dup(d, &c), 0);
	ck_assert(definition_equal(d, c));
	ck_assert_int_eq(definition_attr_remove(c, 0, NULL), 0);
	ck_assert(!definition_equal(d, c));
	ck_assert(definition_equal(NULL, NULL));
	ck_assert(!definition_equal(d, NULL));
	ck_assert_int_eq(definition_set_type(c, "x/y", NULL), -EINVAL);
	ck_assert_str_eq(c->mdev_type, "vfio_ap-passthrough");

	ck_assert_int_eq(definition_start_from_string("manual", &s), 0);
	ck_assert_int_eq(s, DEFINITION_START_MANUAL);
	ck_assert_int_eq(definition_start_from_string("Auto", &s), -EINVAL);
	ck_assert_int_eq(definition_start_from_string(NULL, &s), -EINVAL);
	ck_assert_int_eq(s, DEFINITION_START_MANUAL);
	ck_assert_str_eq(definition_start_to_string(DEFINITION_START_AUTO), "auto");
}
END_TEST

static Suite *definition_suite(void)
{
	Suite *s = suite_create("definition");
	TCase *good = tcase_create("format"), *bad = tcase_create("errors");

	tcase_add_test(good, mdevctl_files_roundtrip_bytewise);
	tcase_add_test(good, compact_input_is_written_pretty);
	tcase_add_test(good, attrs_absent_or_null_mean_none);
	tcase_add_test(good, duplicates_and_order_are_kept);
	tcase_add_test(good, values_are_escaped_like_serde_json);
	tcase_add_test(good, attrs_insert_remove_like_modify);
	tcase_add_test(good, dup_equal_and_start_strings);
	tcase_add_test(bad, malformed_json_refused);
	tcase_add_test(bad, oversized_document_refused);
	tcase_add_test(bad, wrong_types_refused);
	tcase_add_test(bad, keys_and_start_checked);
	tcase_add_test(bad, bad_names_refused);
	tcase_add_test(bad, bad_parent_and_uuid_refused);
	tcase_add_test(bad, limits_are_exact);
	tcase_add_test(bad, too_many_attrs_in_json_refused);
	tcase_add_test(bad, invalid_utf8_value_refused);
	tcase_add_test(bad, lone_surrogate_becomes_replacement_character);
	tcase_add_test(bad, messages_quote_safely);
	tcase_add_test(bad, definition_always_fits_its_file);
	suite_add_tcase(s, good);
	suite_add_tcase(s, bad);
	return s;
}

CHECK_MAIN(definition_suite)
