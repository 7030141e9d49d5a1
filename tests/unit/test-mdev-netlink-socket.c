/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink client and listener against the running kernel, without our
 * module and without privileges: a family that is not registered (what the
 * daemon meets when the module is not loaded), and the kernel's own "nlctrl"
 * family, always there, for round trips, dumps, kernel errors with extack,
 * timeouts and lost events (ENOBUFS).
 */
#include <linux/genetlink.h>
#include <netlink/genl/genl.h>
#include <sys/socket.h>

#include "check-main.h"
#include "mdev-netlink-internal.h"

#define ABSENT "mdevvirtio_none" /* within GENL_NAMSIZ */

START_TEST(absent_family_is_enoent)
{
	struct mdev_nl_events *ev = NULL;
	struct mdev_nl *nl = NULL;
	int r;

	ck_assert_int_eq(mdev_nl_open_family(ABSENT, &nl), -ENOENT);
	ck_assert_ptr_null(nl);
	ck_assert_int_eq(mdev_nl_events_open_group(ABSENT, "events", &ev), -ENOENT);
	ck_assert_int_eq(mdev_nl_events_open_group("nlctrl", "no-such-group", &ev), -ENOENT);
	ck_assert_ptr_null(ev);
	/* The real family: there only if the module is loaded, and never worse than absent. */
	r = mdev_nl_open(&nl);
	ck_assert_msg(r == 0 || r == -ENOENT, "mdev_nl_open: %d", r);
	nl = mdev_nl_close(nl);
	r = mdev_nl_events_open(&ev);
	ck_assert_msg(r == 0 || r == -ENOENT, "mdev_nl_events_open: %d", r);
	ev = mdev_nl_events_close(ev);
}
END_TEST

struct replies {
	int n;
	int fail_with; /* returned by the callback when not 0 */
};

static int count_reply(struct nlmsghdr *nlh, void *userdata)
{
	struct replies *c = userdata;

	ck_assert_int_eq(nlh->nlmsg_type, GENL_ID_CTRL);
	ck_assert_int_eq(genlmsg_hdr(nlh)->cmd, CTRL_CMD_NEWFAMILY);
	c->n++;
	return c->fail_with;
}

static int get_family(struct mdev_nl *nl, const char *name, struct replies *c)
{
	struct nl_msg *msg;
	int r;

	ck_assert_int_eq(mdev_nl_message_new(nl, CTRL_CMD_GETFAMILY, 0, NULL, &msg), 0);
	ck_assert_int_eq(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, name), 0);
	r = mdev_nl_transact(nl, msg, count_reply, c, NULL);
	nlmsg_free(msg);
	return r;
}

static int dump_families(struct mdev_nl *nl, struct replies *c, bool *interrupted)
{
	struct nl_msg *msg;
	int r;

	ck_assert_int_eq(mdev_nl_message_new(nl, CTRL_CMD_GETFAMILY, NLM_F_DUMP, NULL, &msg), 0);
	r = mdev_nl_transact(nl, msg, count_reply, c, interrupted);
	nlmsg_free(msg);
	return r;
}

START_TEST(request_round_trip)
{
	struct replies c = {};
	struct mdev_nl *nl = NULL;

	ck_assert_int_eq(mdev_nl_open_family("nlctrl", &nl), 0);
	ck_assert_int_eq(mdev_nl_family(nl), GENL_ID_CTRL);
	ck_assert_int_eq(get_family(nl, "nlctrl", &c), 0);
	ck_assert_int_eq(c.n, 1);
	ck_assert_str_eq(mdev_nl_last_error(nl), "");
	/* The kernel's error, as an errno. */
	c.n = 0;
	ck_assert_int_eq(get_family(nl, ABSENT, &c), -ENOENT);
	ck_assert_int_eq(c.n, 0);
	/* A failing callback fails the request; the next one finds nothing left over. */
	c.fail_with = -ECANCELED;
	ck_assert_int_eq(get_family(nl, "nlctrl", &c), -ECANCELED);
	c = (struct replies){};
	ck_assert_int_eq(get_family(nl, "nlctrl", &c), 0);
	ck_assert_int_eq(c.n, 1);
	mdev_nl_close(nl);
}
END_TEST

/* A policy dump with an attribute of the wrong size: strict validation refuses it, saying why. */
START_TEST(kernel_extack_kept)
{
	struct mdev_nl *nl = NULL;
	struct nl_msg *msg;
	int r;

	ck_assert_int_eq(mdev_nl_open_family("nlctrl", &nl), 0);
	ck_assert_int_eq(mdev_nl_message_new(nl, CTRL_CMD_GETPOLICY, NLM_F_DUMP, NULL, &msg), 0);
	ck_assert_int_eq(nla_put_u8(msg, CTRL_ATTR_FAMILY_ID, 1), 0);
	r = mdev_nl_transact(nl, msg, NULL, NULL, NULL);
	nlmsg_free(msg);
	ck_assert_msg(r == -EINVAL || r == -ERANGE, "policy dump: %d", r);
	ck_assert_msg(strlen(mdev_nl_last_error(nl)) > 0, "no extack message kept");
	/* The next request starts with no message. */
	ck_assert_int_eq(get_family(nl, "nlctrl", &(struct replies){}), 0);
	ck_assert_str_eq(mdev_nl_last_error(nl), "");
	mdev_nl_close(nl);
}
END_TEST

START_TEST(dump_read_whole)
{
	struct replies c = {};
	struct mdev_nl *nl = NULL;
	bool interrupted = true;
	int n;

	ck_assert_int_eq(mdev_nl_open_family("nlctrl", &nl), 0);
	ck_assert_int_eq(dump_families(nl, &c, &interrupted), 0);
	ck_assert(!interrupted);
	ck_assert_int_ge(c.n, 1);
	n = c.n;
	/* Failing on the first reply still drains the dump: the next one is not EBUSY. */
	c = (struct replies){.fail_with = -ECANCELED};
	ck_assert_int_eq(dump_families(nl, &c, NULL), -ECANCELED);
	ck_assert_int_eq(c.n, 1);
	c = (struct replies){};
	ck_assert_int_eq(dump_families(nl, &c, NULL), 0);
	ck_assert_int_eq(c.n, n);
	mdev_nl_close(nl);
}
END_TEST

/* A deadline that has passed on arrival; the client reconnects and answers again. */
START_TEST(timeout_then_recovery)
{
	struct replies c = {};
	struct mdev_nl *nl = NULL;

	ck_assert_int_eq(mdev_nl_open_family("nlctrl", &nl), 0);
	mdev_nl_set_timeout(nl, 1);
	ck_assert_int_eq(dump_families(nl, &c, NULL), -ETIMEDOUT);
	mdev_nl_set_timeout(nl, 0);
	c = (struct replies){};
	ck_assert_int_eq(get_family(nl, "nlctrl", &c), 0);
	ck_assert_int_eq(c.n, 1);
	c = (struct replies){};
	ck_assert_int_eq(dump_families(nl, &c, NULL), 0);
	ck_assert_int_ge(c.n, 1);
	mdev_nl_close(nl);
}
END_TEST

START_TEST(bad_uuid_arguments)
{
	struct mdev_nl_stats *s = NULL;
	struct mdev_nl_device d;
	struct mdev_nl_config cfg;
	struct mdev_nl *nl = NULL;

	ck_assert_int_eq(mdev_nl_open_family("nlctrl", &nl), 0);
	ck_assert_int_eq(mdev_nl_get_device(nl, "not-a-uuid", &d), -EINVAL);
	ck_assert_int_eq(mdev_nl_get_config(nl, "", &cfg), -EINVAL);
	ck_assert_int_eq(mdev_nl_get_stats(nl, NULL, &s), -EINVAL);
	ck_assert_ptr_null(s);
	ck_assert_int_eq(mdev_nl_clear_stats(nl, "12345678-9abc-def0-1122-33445566778"), -EINVAL);
	mdev_nl_close(nl);
}
END_TEST

struct seen {
	int overruns;
	int others;
};

static int record_event(enum mdev_nl_event_kind kind, const struct mdev_nl_device *dev,
			void *userdata)
{
	struct seen *s = userdata;

	if (kind == MDEV_NL_EVENT_OVERRUN) {
		ck_assert_ptr_null(dev);
		s->overruns++;
	} else {
		s->others++;
	}
	return 0;
}

static int refuse_event(enum mdev_nl_event_kind kind, const struct mdev_nl_device *dev,
			void *userdata)
{
	return -ECANCELED;
}

/*
 * Fill the listener's socket past its receive buffer: requests sent on it
 * make the kernel answer there, and answers that do not fit are dropped and
 * reported as ENOBUFS, exactly as multicast events would be. The answers
 * themselves are no events (skipped); the loss must come out as an overrun.
 */
static void flood(int fd)
{
	int small = 1; /* the kernel rounds up to its minimum */
	struct nl_msg *msg = nlmsg_alloc();

	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	ck_assert_ptr_nonnull(
	    genlmsg_put(msg, 0, 1, GENL_ID_CTRL, 0, NLM_F_REQUEST, CTRL_CMD_GETFAMILY, 1));
	ck_assert_int_eq(nla_put_string(msg, CTRL_ATTR_FAMILY_NAME, "nlctrl"), 0);
	for (int i = 0; i < 64; i++)
		ck_assert_int_eq(send(fd, nlmsg_hdr(msg), nlmsg_hdr(msg)->nlmsg_len, 0),
				 (ssize_t)nlmsg_hdr(msg)->nlmsg_len);
	nlmsg_free(msg);
}

START_TEST(lost_events_are_an_overrun)
{
	struct mdev_nl_events *ev = NULL;
	struct seen s = {};
	int r;

	ck_assert_int_eq(mdev_nl_events_open_group("nlctrl", "notify", &ev), 0);
	ck_assert_int_ge(mdev_nl_events_fd(ev), 0);
	/* Nothing pending: no callback, no blocking. */
	ck_assert_int_eq(mdev_nl_events_process(ev, record_event, &s), 0);
	flood(mdev_nl_events_fd(ev));
	do {
		r = mdev_nl_events_process(ev, record_event, &s);
		ck_assert_int_ge(r, 0);
	} while (r > 0);
	ck_assert_int_ge(s.overruns, 1);
	ck_assert_int_eq(s.others, 0);
	/* A callback's error stops processing and is returned. */
	flood(mdev_nl_events_fd(ev));
	ck_assert_int_eq(mdev_nl_events_process(ev, refuse_event, NULL), -ECANCELED);
	mdev_nl_events_close(ev);
}
END_TEST

static Suite *netlink_socket_suite(void)
{
	Suite *s = suite_create("mdev-netlink-socket");
	TCase *tc = tcase_create("socket");

	tcase_add_test(tc, absent_family_is_enoent);
	tcase_add_test(tc, request_round_trip);
	tcase_add_test(tc, kernel_extack_kept);
	tcase_add_test(tc, dump_read_whole);
	tcase_add_test(tc, timeout_then_recovery);
	tcase_add_test(tc, bad_uuid_arguments);
	tcase_add_test(tc, lost_events_are_an_overrun);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(netlink_socket_suite)
