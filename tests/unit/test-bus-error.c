/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "bus-error.h"
#include "check-main.h"

START_TEST(every_kind_has_a_name_and_errno)
{
	for (int k = MANAGER_ERROR_NONE + 1; k < _MANAGER_ERROR_MAX; k++) {
		ck_assert_ptr_nonnull(bus_error_name(k));
		ck_assert(strncmp(bus_error_name(k), "org.mdevvirtio1.Error.", 22) == 0);
		ck_assert_int_gt(bus_error_errno(k), 0);
	}
	ck_assert_ptr_null(bus_error_name(MANAGER_ERROR_NONE));
	ck_assert_ptr_null(bus_error_name(_MANAGER_ERROR_MAX));
	ck_assert_ptr_null(bus_error_name((enum manager_error_kind) - 1));
	ck_assert_int_eq(bus_error_errno(MANAGER_ERROR_NONE), 0);
	ck_assert_str_eq(bus_error_name(MANAGER_ERROR_NOT_FOUND), MDEVVIRTIO_DBUS_ERROR_NOT_FOUND);
	ck_assert_str_eq(bus_error_name(MANAGER_ERROR_NO_INSTANCES), MDEVVIRTIO_DBUS_ERROR_NO_INSTANCES);
	ck_assert_str_eq(bus_error_name(MANAGER_ERROR_ACCESS_DENIED), MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED);
}
END_TEST

START_TEST(registered_map_works_both_ways)
{
	ck_assert_int_eq(bus_error_register(), 0);
	ck_assert_int_eq(bus_error_register(), 0); /* idempotent */

	for (int k = MANAGER_ERROR_NONE + 1; k < _MANAGER_ERROR_MAX; k++) {
		sd_bus_error e = SD_BUS_ERROR_NULL;

		ck_assert_int_eq(sd_bus_error_set(&e, bus_error_name(k), "x"), -bus_error_errno(k));
		ck_assert_int_eq(sd_bus_error_get_errno(&e), bus_error_errno(k));
		sd_bus_error_free(&e);
	}
}
END_TEST

START_TEST(manager_errors_become_named_replies)
{
	struct manager_error me = {.kind = MANAGER_ERROR_PARENT_NOT_FOUND,
				   .message = (char *)"parent 'x' not found"};
	sd_bus_error e = SD_BUS_ERROR_NULL;

	ck_assert_int_eq(bus_error_register(), 0);
	ck_assert_int_eq(bus_error_from_manager(&e, -ENODEV, &me), -ENODEV);
	ck_assert_str_eq(e.name, MDEVVIRTIO_DBUS_ERROR_PARENT_NOT_FOUND);
	ck_assert_str_eq(e.message, "parent 'x' not found");
	sd_bus_error_free(&e);

	/* No kind: the errno decides; ENOMEM stays a plain error. */
	me = (struct manager_error){};
	ck_assert_int_eq(bus_error_from_manager(&e, -EPERM, &me), -EPERM);
	ck_assert_str_eq(e.name, MDEVVIRTIO_DBUS_ERROR_KERNEL);
	ck_assert_ptr_nonnull(e.message);
	sd_bus_error_free(&e);
	ck_assert_int_eq(bus_error_from_manager(&e, -ENOMEM, NULL), -ENOMEM);
	ck_assert_str_eq(e.name, SD_BUS_ERROR_NO_MEMORY);
	sd_bus_error_free(&e);
	/* A bogus 0 still fails. */
	ck_assert_int_lt(bus_error_from_manager(&e, 0, NULL), 0);
	sd_bus_error_free(&e);
}
END_TEST

START_TEST(quote_truncates_and_masks)
{
	char big[1000];

	ck_assert_str_eq(BUS_QUOTE("mvsim"), "mvsim");
	ck_assert_str_eq(BUS_QUOTE(NULL), "");
	ck_assert_str_eq(BUS_QUOTE("a\nb\x01\xc3\xa9"), "a?b???");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_uint_eq(strlen(BUS_QUOTE(big)), BUS_ERROR_QUOTE_MAX + 3);
	ck_assert(strstr(BUS_QUOTE(big), "...") != NULL);
	big[BUS_ERROR_QUOTE_MAX] = '\0';
	ck_assert_str_eq(BUS_QUOTE(big), big); /* exactly the limit: no cut */
}
END_TEST

static Suite *bus_error_suite(void)
{
	Suite *s = suite_create("bus-error");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, every_kind_has_a_name_and_errno);
	tcase_add_test(tc, registered_map_works_both_ways);
	tcase_add_test(tc, manager_errors_become_named_replies);
	tcase_add_test(tc, quote_truncates_and_masks);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(bus_error_suite)
