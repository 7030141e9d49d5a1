/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Which listings take the daemon's pre-rendered bytes (backend list_json,
 * Manager.ListJSON over D-Bus): the unfiltered `list [--defined] --dumpjson`
 * print them as they are; -u and -p, and a daemon that cannot
 * (-EOPNOTSUPP: UnknownMethod), load the model; a failed call is a failure.
 */
#include <check.h>
#include <stdarg.h>

#include "check-main.h"
#include "cli-verbs.h"

static struct {
	int list_json_result; /* what list_json returns */
	unsigned list_json_calls, load_calls;
	bool defined; /* list_json's last argument */
} fake;

static int fake_list_json(void *userdata, bool defined, char **ret_json, size_t *ret_size,
			  struct cli_model **ret_bad, sd_bus_error *error)
{
	_cleanup_cli_model_free_ struct cli_model *bad = cli_model_new();

	fake.list_json_calls++;
	fake.defined = defined;
	if (fake.list_json_result == -EIO)
		return sd_bus_error_set(error, MDEVVIRTIO_DBUS_ERROR_KERNEL, "the daemon broke");
	if (fake.list_json_result < 0)
		return fake.list_json_result;
	ck_assert_ptr_nonnull(bad);
	ck_assert_int_eq(cli_attrs_append(&bad->bad_definitions, &bad->n_bad_definitions,
					  "/etc/mdevvirtio.d/p/x", "not a UUID"),
			 0);
	*ret_json = strdup("[\"pre-rendered\"]");
	*ret_size = strlen(*ret_json);
	*ret_bad = TAKE_PTR(bad);
	return 0;
}

static int fake_load(void *userdata, enum cli_load_scope scope, const char *uuid,
		     struct cli_model **ret, sd_bus_error *error)
{
	fake.load_calls++;
	*ret = cli_model_new();
	return *ret ? 0 : -ENOMEM;
}

static int fake_connect(void *userdata, struct cli_backend *ret)
{
	*ret = (struct cli_backend){.load = fake_load, .list_json = fake_list_json};
	return 0;
}

/* Run mdevvirtioctl with @args (NULL-terminated), list_json answering @result; stdout in @out. */
static int run(int result, char out[static 256], ...)
{
	char *argv[16] = {(char *)"mdevvirtioctl"};
	int argc = 1, rc;
	va_list ap;
	FILE *f;

	fake = (typeof(fake)){.list_json_result = result};
	va_start(ap, out);
	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	va_end(ap);
	memset(out, 0, 256);
	f = fmemopen(out, 255, "w");
	ck_assert_ptr_nonnull(f);
	rc = cli_run(argc, argv, f, fake_connect, NULL);
	fclose(f);
	return rc;
}

START_TEST(unfiltered_listings_print_the_daemons_bytes)
{
	char out[256];

	ck_assert_int_eq(run(0, out, "list", "--defined", "--dumpjson", NULL), CLI_EXIT_OK);
	ck_assert_str_eq(out, "[\"pre-rendered\"]");
	ck_assert_uint_eq(fake.list_json_calls, 1);
	ck_assert(fake.defined);
	ck_assert_uint_eq(fake.load_calls, 0);

	ck_assert_int_eq(run(0, out, "list", "--dumpjson", NULL), CLI_EXIT_OK);
	ck_assert_str_eq(out, "[\"pre-rendered\"]");
	ck_assert(!fake.defined);
	ck_assert_uint_eq(fake.load_calls, 0);
}
END_TEST

START_TEST(filters_and_text_load_the_model)
{
	char out[256];

	ck_assert_int_eq(run(0, out, "list", "-d", "-p", "p", "--dumpjson", NULL), CLI_EXIT_OK);
	ck_assert_str_eq(out, "[]");
	ck_assert_int_eq(run(0, out, "list", "-d", "-u", "11111111-2222-3333-4444-555555555555",
			     "--dumpjson", NULL),
			 CLI_EXIT_OK);
	ck_assert_str_eq(out, "[]");
	ck_assert_int_eq(run(0, out, "list", "-d", NULL), CLI_EXIT_OK);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(fake.list_json_calls, 0);
	ck_assert_uint_eq(fake.load_calls, 1);
}
END_TEST

START_TEST(older_daemon_falls_back_to_the_model)
{
	char out[256];

	ck_assert_int_eq(run(-EOPNOTSUPP, out, "list", "-d", "--dumpjson", NULL), CLI_EXIT_OK);
	ck_assert_str_eq(out, "[]");
	ck_assert_uint_eq(fake.list_json_calls, 1);
	ck_assert_uint_eq(fake.load_calls, 1);
}
END_TEST

START_TEST(failed_call_is_a_failure)
{
	char out[256];

	ck_assert_int_eq(run(-EIO, out, "list", "-d", "--dumpjson", NULL), CLI_EXIT_FAILURE);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(fake.load_calls, 0);
}
END_TEST

static Suite *list_json_suite(void)
{
	Suite *s = suite_create("cli-list-json");
	TCase *tc = tcase_create("cli-list-json");

	tcase_add_test(tc, unfiltered_listings_print_the_daemons_bytes);
	tcase_add_test(tc, filters_and_text_load_the_model);
	tcase_add_test(tc, older_daemon_falls_back_to_the_model);
	tcase_add_test(tc, failed_call_is_a_failure);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(list_json_suite)
