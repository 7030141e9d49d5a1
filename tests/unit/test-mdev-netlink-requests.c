/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The family's requests against a fake kernel (fake-genl.h): what each kind
 * of request waits for, and what it costs in system calls. A get ends with
 * its one reply (sent without NLM_F_ACK, so none comes), read once however
 * large; the kernel's error is reported with its message; an ack-only
 * request waits for its ack and a dump for its NLMSG_DONE; a stuck request
 * times out, overrunning its deadline by an eighth of its timeout at most;
 * the socket's receive timeout is set again only when it is far off.
 */
#include <linux/netlink.h>
#include <time.h>

#include "check-main.h"
#include "fake-genl.h"
#include "mdev-netlink-internal.h"
#include "netlink-build.h"

#define MSEC 1000ULL

static struct mdev_nl *nl;

static void setup(void)
{
	fake_genl_start();
	ck_assert_int_eq(mdev_nl_open(&nl), 0);
	ck_assert_int_eq(mdev_nl_family(nl), FAKE_GENL_ID);
	fake_genl_count_reset();
}

static void teardown(void)
{
	nl = mdev_nl_close(nl);
	fake_genl_stop();
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

/* The kernel's reply to DEV_GET, and no ack after it even if one was asked for. */
START_TEST(get_ends_with_its_reply)
{
	struct mdev_nl_device d;

	mdev_nl_set_timeout(nl, 500 * MSEC); /* a client waiting for an ack fails fast */
	fake_genl.ack_never = true;
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_str_eq(d.uuid_str, NLB_UUID_STR);
	ck_assert_str_eq(d.driver, "virtio_mdev");
	ck_assert_int_eq(fake_genl.last_cmd, MDEV_VIRTIO_CMD_DEV_GET);
	ck_assert(!(fake_genl.last_flags & NLM_F_ACK));
	/* Each get kind, back to back on the same socket. */
	fake_genl_answer(nlb_config_net(false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_config(nl, NLB_UUID_STR, &(struct mdev_nl_config){}), 0);
	ck_assert(!(fake_genl.last_flags & NLM_F_ACK));
	ck_assert_int_eq(fake_genl.requests, 2);
	ck_assert_int_eq(fake_genl.rcvtimeo_sets, 1); /* to the new timeout, once */
}
END_TEST

/* clock_gettime, sendmsg, clock_gettime, recvmsg: nothing else. */
START_TEST(get_costs_four_calls)
{
	struct mdev_nl_stats *s = NULL;

	for (int i = 0; i < 3; i++) {
		fake_genl_count_reset();
		fake_genl_answer(nlb_stats(false), 0, 0);
		ck_assert_int_eq(mdev_nl_get_stats(nl, NLB_UUID_STR, &s), 0);
		ck_assert_uint_eq(s->n_vqs, 3);
		free(s);
		ck_assert_int_eq(fake_genl.sendmsgs, 1);
		ck_assert_int_eq(fake_genl.recvmsgs, 1);
		ck_assert_int_eq(fake_genl.peeks, 0);
		ck_assert_int_eq(fake_genl.rcvtimeo_sets, 0);
		ck_assert_int_le(fake_genl.clock_reads, 2);
	}
}
END_TEST

/* A failed get: the kernel's NLMSG_ERROR (unasked for) ends it, its message kept. */
START_TEST(get_error_reported)
{
	struct mdev_nl_device d;

	fake_genl_answer_error(-ENODEV, "no device with this UUID", 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), -ENODEV);
	ck_assert_str_eq(mdev_nl_last_error(nl), "no device with this UUID");
	ck_assert_int_eq(fake_genl.recvmsgs, 1);
	fake_genl_answer_error(-EPERM, NULL, 0);
	ck_assert_int_eq(mdev_nl_get_config(nl, NLB_UUID_STR, &(struct mdev_nl_config){}), -EPERM);
	ck_assert_str_eq(mdev_nl_last_error(nl), "");
	/* Nothing was left over: the next get gets its own reply. */
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, false, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_str_eq(d.driver, "");
	ck_assert_int_eq(fake_genl.requests, 3);
	ck_assert_int_eq(fake_genl.sendmsgs, 3); /* no reconnect */
	/* A reply about another device, or of another kind, is not what was asked for. */
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, false, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, "00000000-0000-0000-0000-000000000001", &d),
			 -EPROTO);
	fake_genl_answer(nlb_config_net(false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), -EBADMSG);
	ck_assert_int_eq(fake_genl.sendmsgs, 5);
}
END_TEST

/* A stats reply of 600 virtqueues, over 48 KiB: one datagram, read once. */
START_TEST(large_reply_read_whole)
{
	struct nl_msg *m = nlmsg_alloc_size(64 * 1024);
	struct mdev_nl_stats *s = NULL;

	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 1, NLB_FAMILY, 0, 0, MDEV_VIRTIO_CMD_DEV_STATS_GET,
					  MDEV_VIRTIO_GENL_VERSION));
	ck_assert_int_eq(nla_put(m, A(DEV_UUID), 16, nlb_uuid), 0);
	for (uint32_t i = 0; i < 600; i++)
		nlb_vq(m, i, i);
	ck_assert_uint_gt(nlmsg_hdr(m)->nlmsg_len, 48 * 1024);
	fake_genl_answer(m, 0, 0);
	ck_assert_int_eq(mdev_nl_get_stats(nl, NLB_UUID_STR, &s), 0);
	ck_assert_uint_eq(s->n_vqs, 600);
	ck_assert_uint_eq(s->vqs[599].index, 599);
	ck_assert_uint_eq(s->vqs[599].drops, 599 + 6);
	ck_assert_uint_eq(s->total.kicks, 600 * 599 / 2 + 600);
	free(s);
	ck_assert_int_eq(fake_genl.recvmsgs, 1);
	ck_assert_int_eq(fake_genl.peeks, 0);
}
END_TEST

/* A datagram over the client's 64 KiB: a clear error, then a clean start. */
START_TEST(oversize_datagram_refused)
{
	struct nl_msg *m = nlmsg_alloc_size(80 * 1024);
	static const uint8_t filler[36 * 1024];
	struct mdev_nl_device d;

	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 1, NLB_FAMILY, 0, 0, MDEV_VIRTIO_CMD_DEV_GET,
					  MDEV_VIRTIO_GENL_VERSION));
	nlb_device_mandatory(m);
	ck_assert_int_eq(nla_put(m, 200, sizeof(filler), filler), 0);
	ck_assert_int_eq(nla_put(m, 201, sizeof(filler), filler), 0);
	ck_assert_uint_gt(nlmsg_hdr(m)->nlmsg_len, 64 * 1024);
	fake_genl_answer(m, 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), -EBADMSG);
	ck_assert_int_eq(fake_genl.peeks, 0);
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
}
END_TEST

/* STATS_CLEAR is answered by an ack only: it is asked for, and waited for. */
START_TEST(ack_only_waits_for_ack)
{
	uint64_t start;

	fake_genl_answer_error(0, NULL, 100 * MSEC);
	start = now_usec();
	ck_assert_int_eq(mdev_nl_clear_stats(nl, NLB_UUID_STR), 0);
	ck_assert_uint_ge(now_usec() - start, 100 * MSEC);
	ck_assert(fake_genl.last_flags & NLM_F_ACK);
	ck_assert_int_eq(fake_genl.last_cmd, MDEV_VIRTIO_CMD_DEV_STATS_CLEAR);
	/* The kernel's own ack. */
	ck_assert_int_eq(mdev_nl_clear_stats(nl, NLB_UUID_STR), 0);
	fake_genl_answer_error(-EOPNOTSUPP, "the device's parent keeps no statistics", 0);
	ck_assert_int_eq(mdev_nl_clear_stats(nl, NLB_UUID_STR), -EOPNOTSUPP);
	ck_assert_str_eq(mdev_nl_last_error(nl), "the device's parent keeps no statistics");
	/* No ack, no end. */
	mdev_nl_set_timeout(nl, 200 * MSEC);
	fake_genl.ack_never = true;
	ck_assert_int_eq(mdev_nl_clear_stats(nl, NLB_UUID_STR), -ETIMEDOUT);
}
END_TEST

struct devices {
	int n;
};

static int count_device(const struct mdev_nl_device *dev, void *userdata)
{
	ck_assert_str_eq(dev->uuid_str, NLB_UUID_STR);
	((struct devices *)userdata)->n++;
	return 0;
}

/* Replies flagged NLM_F_MULTI, then NLMSG_DONE a while later. */
START_TEST(dump_ends_at_done)
{
	struct devices c = {};

	for (int i = 0; i < 3; i++)
		fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, i & 1, false), NLM_F_MULTI, 0);
	fake_genl_answer_done(100 * MSEC);
	ck_assert_int_eq(mdev_nl_dump_devices(nl, count_device, &c), 3);
	ck_assert_int_eq(c.n, 3);
	ck_assert_int_eq(fake_genl.last_flags & NLM_F_DUMP, NLM_F_DUMP);
	ck_assert_int_eq(fake_genl.recvmsgs, 4);
	/* The kernel's error in the DONE of a dump, with its message. */
	fake_genl_answer_error(-EINVAL, "bad dump", 0);
	ck_assert_int_eq(mdev_nl_dump_devices(nl, count_device, &c), -EINVAL);
	ck_assert_str_eq(mdev_nl_last_error(nl), "bad dump");
	/* No DONE, no end. */
	mdev_nl_set_timeout(nl, 200 * MSEC);
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), NLM_F_MULTI, 0);
	ck_assert_int_eq(mdev_nl_dump_devices(nl, count_device, &c), -ETIMEDOUT);
}
END_TEST

/* No answer at all: -ETIMEDOUT within the timeout and its eighth, then a fresh socket. */
START_TEST(stuck_request_times_out)
{
	const uint64_t timeout = 400 * MSEC;
	struct mdev_nl_device d;
	uint64_t start, took;

	mdev_nl_set_timeout(nl, timeout);
	fake_genl.ack_never = true; /* not even to a client that asks for one */
	start = now_usec();
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), -ETIMEDOUT);
	took = now_usec() - start;
	ck_assert_uint_ge(took, timeout);
	/* The eighth, and room for a slow machine (valgrind). */
	ck_assert_uint_lt(took, timeout + timeout / 8 + 150 * MSEC);
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_int_eq(fake_genl.sendmsgs, 3); /* the get, the resolve, the get */
}
END_TEST

/*
 * A late answer to an earlier request, dropped, leaves the loop with 300 ms
 * left: the socket's timeout goes down to that, and on the next request back
 * up, once, so that a reply 500 ms away is waited for in one receive.
 */
START_TEST(receive_timeout_follows_time_left)
{
	const uint64_t timeout = 1000 * MSEC;
	struct mdev_nl_device d;

	mdev_nl_set_timeout(nl, timeout);
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_int_eq(fake_genl.rcvtimeo_sets, 1); /* the default's 10 s down to 1 s */
	fake_genl_count_reset();
	fake_genl_answer_late(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, false, false), 700 * MSEC);
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 700 * MSEC);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_str_eq(d.driver, "virtio_mdev"); /* not the late one's */
	ck_assert_int_eq(fake_genl.recvmsgs, 2);
	ck_assert_int_eq(fake_genl.rcvtimeo_sets, 1);
	fake_genl_count_reset();
	fake_genl_answer(nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false), 0, 500 * MSEC);
	ck_assert_int_eq(mdev_nl_get_device(nl, NLB_UUID_STR, &d), 0);
	ck_assert_int_eq(fake_genl.rcvtimeo_sets, 1);
	ck_assert_int_eq(fake_genl.recvmsgs, 1);
}
END_TEST

static Suite *netlink_requests_suite(void)
{
	Suite *s = suite_create("mdev-netlink-requests");
	TCase *tc = tcase_create("requests");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, get_ends_with_its_reply);
	tcase_add_test(tc, get_costs_four_calls);
	tcase_add_test(tc, get_error_reported);
	tcase_add_test(tc, large_reply_read_whole);
	tcase_add_test(tc, oversize_datagram_refused);
	tcase_add_test(tc, ack_only_waits_for_ack);
	tcase_add_test(tc, dump_ends_at_done);
	tcase_add_test(tc, stuck_request_times_out);
	tcase_add_test(tc, receive_timeout_follows_time_left);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(netlink_requests_suite)
