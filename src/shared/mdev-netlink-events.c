/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The event listener (API in mdev-netlink.h): a non-blocking socket of its
 * own, subscribed to the family's "events" group, that sends nothing.
 *
 * Losing events is never silent. The kernel reports a full receive buffer
 * as ENOBUFS on the next read, which libnl turns into -NLE_NOMEM (as it does
 * its own allocation failures: either way events are gone), and an event
 * that does not parse says something changed without saying what. Both are
 * an MDEV_NL_EVENT_OVERRUN, after which the owner dumps again; the socket
 * stays usable. Only messages from the kernel (port 0) are read.
 */
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

#include "mdev-netlink-internal.h"
#include "mdev-netlink-parse.h"
#include "uapi/linux/mdev_virtio.h"

/* Datagrams read per process() call: the fd stays readable for the rest. */
#define EVENTS_BATCH 256
/* Room for bursts (capped by net.core.rmem_max for unprivileged callers). */
#define EVENTS_RCVBUF (1024 * 1024)

struct mdev_nl_events {
	struct nl_sock *sk;
	int family;
	/* During mdev_nl_events_process(): */
	mdev_nl_event_fn fn;
	void *userdata;
	int calls;
	int error;
};

static int events_emit(struct mdev_nl_events *ev, enum mdev_nl_event_kind kind,
		       const struct mdev_nl_device *dev)
{
	int r = ev->fn(kind, dev, ev->userdata);

	ev->calls++;
	if (r < 0) {
		ev->error = r;
		return NL_STOP;
	}
	return NL_OK;
}

static int on_msg_in(struct nl_msg *msg, void *arg)
{
	return nlmsg_get_src(msg)->nl_pid == 0 ? NL_OK : NL_SKIP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct mdev_nl_events *ev = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	enum mdev_nl_event_kind kind;
	struct mdev_nl_device dev;
	int r;

	if (nlh->nlmsg_type != ev->family)
		return NL_SKIP;
	r = mdev_nl_parse_event(nlh, &kind, &dev);
	if (r == -EOPNOTSUPP)
		return NL_SKIP; /* an event a newer kernel knows */
	if (r < 0)
		return events_emit(ev, MDEV_NL_EVENT_OVERRUN, NULL);
	return events_emit(ev, kind, &dev);
}

static int events_setup(struct mdev_nl_events *ev, const char *family, const char *group)
{
	/* Resolving the family and group is the only blocking exchange. */
	struct timeval tv = {.tv_sec = MDEV_NL_TIMEOUT_USEC / 1000000};
	int r, grp;

	r = genl_connect(ev->sk);
	if (r < 0)
		return r;
	if (setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -NLE_FAILURE;
	r = genl_ctrl_resolve(ev->sk, family);
	if (r < 0)
		return r;
	ev->family = r;
	grp = genl_ctrl_resolve_grp(ev->sk, family, group);
	if (grp < 0)
		return grp;
	nl_socket_disable_seq_check(ev->sk);
	r = nl_socket_modify_cb(ev->sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, ev);
	if (r < 0)
		return r;
	r = nl_socket_modify_cb(ev->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ev);
	if (r < 0)
		return r;
	(void)nl_socket_set_buffer_size(ev->sk, EVENTS_RCVBUF, 0);
	r = nl_socket_add_membership(ev->sk, grp);
	if (r < 0)
		return r;
	return nl_socket_set_nonblocking(ev->sk);
}

int mdev_nl_events_open_group(const char *family, const char *group, struct mdev_nl_events **ret)
{
	struct mdev_nl_events *ev;
	int r;

	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->sk = nl_socket_alloc();
	if (!ev->sk) {
		free(ev);
		return -ENOMEM;
	}
	r = events_setup(ev, family, group);
	if (r < 0) {
		mdev_nl_events_close(ev);
		return r == -NLE_AGAIN ? -ETIMEDOUT : mdev_nl_errno_from_nle(r);
	}
	*ret = ev;
	return 0;
}

int mdev_nl_events_open(struct mdev_nl_events **ret)
{
	return mdev_nl_events_open_group(MDEV_VIRTIO_GENL_NAME, MDEV_VIRTIO_GENL_MCGRP_EVENTS, ret);
}

struct mdev_nl_events *mdev_nl_events_close(struct mdev_nl_events *ev)
{
	if (ev) {
		nl_socket_free(ev->sk);
		free(ev);
	}
	return NULL;
}

int mdev_nl_events_fd(const struct mdev_nl_events *ev)
{
	return nl_socket_get_fd(ev->sk);
}

int mdev_nl_events_process(struct mdev_nl_events *ev, mdev_nl_event_fn fn, void *userdata)
{
	int r = 0;

	ev->fn = fn;
	ev->userdata = userdata;
	ev->calls = 0;
	ev->error = 0;
	for (int i = 0; i < EVENTS_BATCH && ev->error == 0; i++) {
		r = nl_recvmsgs_default(ev->sk);
		if (r == -NLE_AGAIN || r == 0) {
			r = 0;
			break;
		}
		if (r == -NLE_NOMEM || r == -NLE_MSG_OVERFLOW)
			(void)events_emit(ev, MDEV_NL_EVENT_OVERRUN, NULL);
		else if (r < 0)
			break;
	}
	ev->fn = NULL;
	if (ev->error < 0)
		return ev->error;
	if (r < 0)
		return mdev_nl_errno_from_nle(r);
	return ev->calls;
}
