/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device properties as the monitor shows them (cli_dbus_read_properties_json):
 * Status (as) is an array of flag names, Config (a{sv}) an object of its
 * values, the integer types numbers, so that a change of any of them is
 * seen as one. Messages are built and sealed on one end of a socketpair.
 */
#include "bus-pair.h"
#include "check-main.h"
#include "cli-dbus.h"
#include "cli-json.h"


START_TEST(virtio_properties_as_json)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_json_put_ struct json_object *o = NULL;

	ck_assert_int_ge(sd_bus_message_new_signal(bus, &m, "/x", "x.y", "Z"), 0);
	ck_assert_int_ge(sd_bus_message_append(
			     m, "a{sv}", 5, "Status", "as", 2, "driver", "driver-ok", "DriverFeatures",
			     "t", UINT64_C(0x130000000), "Config", "a{sv}", 4, "mac", "s",
			     "02:00:00:00:00:01", "mtu", "q", 9000, "capacity", "t", UINT64_C(262144),
			     "nested", "a{sv}", 0, "Attrs", "a(ss)", 1, "mac", "02:00:00:00:00:01",
			     "Odd", "a(ii)", 1, 1, 2),
			 0);
	ck_assert_int_ge(sd_bus_message_seal(m, 1, 0), 0);
	ck_assert_int_ge(sd_bus_message_rewind(m, true), 0);
	o = cli_dbus_read_properties_json(m);
	ck_assert_ptr_nonnull(o);
	/* A nested a{sv} is not ours: the whole Config would be refused, so it
	 * must come out as its signature without losing the rest. */
	ck_assert_str_eq(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN),
			 "{\"Status\":[\"driver\",\"driver-ok\"],\"DriverFeatures\":5100273664,"
			 "\"Config\":{\"mac\":\"02:00:00:00:00:01\",\"mtu\":9000,\"capacity\":262144,"
			 "\"nested\":\"a{sv}\"},\"Attrs\":[{\"mac\":\"02:00:00:00:00:01\"}],"
			 "\"Odd\":\"a(ii)\"}");
}
END_TEST

static Suite *cli_dbus_json_suite(void)
{
	Suite *s = suite_create("cli-dbus-json");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, bus_pair_setup, bus_pair_teardown);
	tcase_add_test(tc, virtio_properties_as_json);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_dbus_json_suite)
