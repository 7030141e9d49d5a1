/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device.GetStatistics on the wire: what the daemon marshals
 * (bus_append_statistics) is what mdevvirtioctl reads back
 * (cli_dbus_read_statistics), every counter of every queue and the totals,
 * for no queues, one, and many. Messages are built and sealed on one end of
 * a socketpair; no bus daemon is needed.
 */
#include "bus-internal.h"
#include "bus-pair.h"
#include "check-main.h"
#include "cli-dbus.h"


static struct mdev_nl_stats *stats_new(size_t n)
{
	struct mdev_nl_stats *s = calloc(1, sizeof(*s) + n * sizeof(s->vqs[0]));

	ck_assert_ptr_nonnull(s);
	s->n_vqs = n;
	for (size_t i = 0; i < n; i++) {
		s->vqs[i] = (struct mdev_nl_vq_stats){.index = (uint32_t)(n - 1 - i),
						      .kicks = 10 * i + 1,
						      .completed = 10 * i + 2,
						      .descriptors = 10 * i + 3,
						      .bytes = UINT64_MAX - i,
						      .errors = 10 * i + 5,
						      .drops = 10 * i + 6};
		s->total.kicks += s->vqs[i].kicks;
	}
	s->total.bytes = UINT64_MAX;
	return s;
}

static void round_trip(size_t n)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(cli_stats_freep) struct cli_stats *got = NULL;
	_cleanup_free_ struct mdev_nl_stats *s = stats_new(n);

	ck_assert_int_ge(sd_bus_message_new_signal(bus, &m, "/x", "x.y", "Z"), 0);
	ck_assert_int_ge(bus_append_statistics(m, s), 0);
	ck_assert_int_ge(sd_bus_message_seal(m, 1, 0), 0);
	ck_assert_int_ge(sd_bus_message_rewind(m, true), 0);
	ck_assert_int_eq(cli_dbus_read_statistics(m, &got), 0);
	ck_assert_uint_eq(got->n_queues, n);
	ck_assert_uint_eq(got->total.kicks, s->total.kicks);
	ck_assert_uint_eq(got->total.bytes, UINT64_MAX);
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_eq(got->queues[i].index, s->vqs[i].index);
		ck_assert_uint_eq(got->queues[i].kicks, s->vqs[i].kicks);
		ck_assert_uint_eq(got->queues[i].completed, s->vqs[i].completed);
		ck_assert_uint_eq(got->queues[i].descriptors, s->vqs[i].descriptors);
		ck_assert_uint_eq(got->queues[i].bytes, s->vqs[i].bytes);
		ck_assert_uint_eq(got->queues[i].errors, s->vqs[i].errors);
		ck_assert_uint_eq(got->queues[i].drops, s->vqs[i].drops);
	}
	/* Nothing left over in the message. */
	ck_assert_int_eq(sd_bus_message_at_end(m, true), 1);
}

START_TEST(statistics_round_trip)
{
	round_trip(0);
	round_trip(1);
	round_trip(3);
	round_trip(512);
}
END_TEST

static Suite *bus_statistics_suite(void)
{
	Suite *s = suite_create("bus-statistics");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, bus_pair_setup, bus_pair_teardown);
	tcase_add_test(tc, statistics_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(bus_statistics_suite)
