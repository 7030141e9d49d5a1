/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The D-Bus argument readers (bus-args.c) on messages built locally: a bus
 * on one end of a socketpair is enough to create and seal messages, no bus
 * daemon is needed.
 */
#include <errno.h>
#include <sys/socket.h>

#include "bus-error.h"
#include "bus-internal.h"
#include "bus-pair.h"
#include "check-main.h"

static void setup(void)
{
	ck_assert_int_eq(bus_error_register(), 0);
	bus_pair_setup();
}

/* A sealed, rewound Modify-shaped call: the caller appends, we seal. */
static sd_bus_message *new_call(void)
{
	sd_bus_message *m = NULL;

	ck_assert_int_ge(sd_bus_message_new_method_call(bus, &m, "org.mdevvirtio1",
							"/org/mdevvirtio1",
							"org.mdevvirtio1.Manager", "Modify"),
			 0);
	return m;
}

static void seal(sd_bus_message *m)
{
	ck_assert_int_ge(sd_bus_message_seal(m, 1, 0), 0);
	ck_assert_int_ge(sd_bus_message_rewind(m, true), 0);
}

START_TEST(attrs_read_in_order)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = new_call();
	_cleanup_(bus_attrs_done) struct bus_attrs a = {};
	sd_bus_error e = SD_BUS_ERROR_NULL;

	ck_assert_int_ge(
	    sd_bus_message_append(m, "a(ss)", 2, "mac", "02:00:00:00:00:01", "mtu", "1500"), 0);
	seal(m);
	ck_assert_int_eq(bus_read_attrs(m, &a, &e), 0);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_str_eq(a.attrs[0].name, "mac");
	ck_assert_str_eq(a.attrs[1].value, "1500");
}
END_TEST

/*
 * Reading validates nothing (the manager does, once, for every caller): a
 * bad name, an oversized value and more attributes than a definition may
 * hold come through as they were sent.
 */
START_TEST(attrs_read_as_sent)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = new_call();
	_cleanup_(bus_attrs_done) struct bus_attrs a = {};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	static char big[DEFINITION_VALUE_MAX + 2];
	const size_t n = DEFINITION_ATTRS_MAX + 10;

	memset(big, 'v', sizeof(big) - 1);
	ck_assert_int_ge(sd_bus_message_open_container(m, 'a', "(ss)"), 0);
	ck_assert_int_ge(sd_bus_message_append(m, "(ss)", "../mac", big), 0);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_ge(sd_bus_message_append(m, "(ss)", "", "v"), 0);
	ck_assert_int_ge(sd_bus_message_close_container(m), 0);
	seal(m);
	ck_assert_int_eq(bus_read_attrs(m, &a, &e), 0);
	ck_assert_uint_eq(a.n, n);
	ck_assert_str_eq(a.attrs[0].name, "../mac");
	ck_assert_uint_eq(strlen(a.attrs[0].value), sizeof(big) - 1);
	ck_assert_str_eq(a.attrs[n - 1].name, "");
	ck_assert(!sd_bus_error_is_set(&e));
}
END_TEST

START_TEST(changes_read)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = new_call();
	_cleanup_(bus_changes_done) struct bus_changes c = {};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	unsigned flags = 99;

	ck_assert_int_ge(sd_bus_message_append(m, "a{sv}u", 3, "type", "s", "mvsim-virtio_blk",
					       "start", "s", "auto", "attrs", "a(ss)", 1,
					       "capacity", "2048", 3),
			 0);
	seal(m);
	ck_assert_int_eq(bus_read_changes(m, &c, &flags, &e), 0);
	ck_assert_uint_eq(flags, 3);
	ck_assert_str_eq(c.changes.type, "mvsim-virtio_blk");
	ck_assert_int_eq(c.changes.start, DEFINITION_START_AUTO);
	ck_assert(c.changes.set_attrs);
	ck_assert_uint_eq(c.changes.n_attrs, 1);
	ck_assert_str_eq(c.changes.attrs[0].name, "capacity");
}
END_TEST

START_TEST(empty_attrs_clear)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = new_call();
	_cleanup_(bus_changes_done) struct bus_changes c = {};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	unsigned flags;

	ck_assert_int_ge(sd_bus_message_append(m, "a{sv}u", 1, "attrs", "a(ss)", 0, 0), 0);
	seal(m);
	ck_assert_int_eq(bus_read_changes(m, &c, &flags, &e), 0);
	ck_assert(c.changes.set_attrs);
	ck_assert_uint_eq(c.changes.n_attrs, 0);
	ck_assert_ptr_null(c.changes.type);
	ck_assert_int_eq(c.changes.start, -1);
}
END_TEST

/* Each case: one a{sv} entry built by the callback, flags, and the expected words. */
static void expect_changes_refused(int n, const char *k1, const char *sig1, const char *v1,
				   unsigned flags, const char *needle)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = new_call();
	_cleanup_(bus_changes_done) struct bus_changes c = {};
	sd_bus_error e = SD_BUS_ERROR_NULL;
	unsigned f;

	ck_assert_int_ge(sd_bus_message_open_container(m, 'a', "{sv}"), 0);
	for (int i = 0; i < n; i++) {
		ck_assert_int_ge(sd_bus_message_open_container(m, 'e', "sv"), 0);
		ck_assert_int_ge(sd_bus_message_append(m, "s", k1), 0);
		if (streq(sig1, "u"))
			ck_assert_int_ge(sd_bus_message_append(m, "v", "u", 7), 0);
		else
			ck_assert_int_ge(sd_bus_message_append(m, "v", sig1, v1), 0);
		ck_assert_int_ge(sd_bus_message_close_container(m), 0);
	}
	ck_assert_int_ge(sd_bus_message_close_container(m), 0);
	ck_assert_int_ge(sd_bus_message_append(m, "u", flags), 0);
	seal(m);
	ck_assert_int_eq(bus_read_changes(m, &c, &f, &e), -EINVAL);
	ck_assert_str_eq(e.name, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT);
	ck_assert_msg(strstr(e.message, needle), "message '%s' lacks '%s'", e.message, needle);
	sd_bus_error_free(&e);
}

START_TEST(bad_changes_refused)
{
	expect_changes_refused(1, "colour", "s", "red", 2, "Unknown Modify key 'colour'");
	expect_changes_refused(1, "type", "u", NULL, 2, "'type' must be of type 's'");
	expect_changes_refused(1, "start", "u", NULL, 2, "'start'");
	expect_changes_refused(1, "attrs", "s", "x", 2, "'attrs' must be of type 'a(ss)'");
	expect_changes_refused(1, "start", "s", "sometimes", 2, "sometimes");
	expect_changes_refused(2, "type", "s", "t", 2, "more than once");
	expect_changes_refused(1, "type", "s", "t", 8, "flags 0x8");
	expect_changes_refused(0, NULL, NULL, NULL, 1, "Nothing to modify");
}
END_TEST

static Suite *bus_args_suite(void)
{
	Suite *s = suite_create("bus-args");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, bus_pair_teardown);
	tcase_add_test(tc, attrs_read_in_order);
	tcase_add_test(tc, attrs_read_as_sent);
	tcase_add_test(tc, changes_read);
	tcase_add_test(tc, empty_attrs_clear);
	tcase_add_test(tc, bad_changes_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(bus_args_suite)
