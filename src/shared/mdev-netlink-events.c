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
 *
 * The socket is also on nlctrl's "notify" group. When the module is
 * unloaded the kernel drops every subscription to the family's group and
 * announces DELFAMILY; when it is loaded again NEWFAMILY carries the new
 * family and group ids, and the socket subscribes to the group again before
 * reporting FAMILY_NEW (events sent before that are the owner's dump).
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
	const char *family_name, *group_name; /* static strings */
	int family; /* 0 while the family is not registered */
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

/* nlctrl's word on our family: follow it to its new ids, or out. */
static int on_family_note(struct mdev_nl_events *ev, struct nlmsghdr *nlh)
{
	struct mdev_nl_family_note note;
	int r;

	r = mdev_nl_parse_family_note(nlh, ev->family_name, ev->group_name, &note);
	if (r == -EOPNOTSUPP)
		return NL_SKIP;
	if (r < 0)
		return events_emit(ev, MDEV_NL_EVENT_OVERRUN, NULL);
	if (!note.added) {
		ev->family = 0;
		return events_emit(ev, MDEV_NL_EVENT_FAMILY_DEL, NULL);
	}
	ev->family = note.id;
	if (note.group_id >= 0 && nl_socket_add_membership(ev->sk, note.group_id) < 0)
		return events_emit(ev, MDEV_NL_EVENT_OVERRUN, NULL);
	return events_emit(ev, MDEV_NL_EVENT_FAMILY_NEW, NULL);
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct mdev_nl_events *ev = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	enum mdev_nl_event_kind kind;
	struct mdev_nl_device dev;
	int r;

	/* (The tests' seam listens to nlctrl itself: its messages are its events.) */
	if (nlh->nlmsg_type == GENL_ID_CTRL && ev->family != GENL_ID_CTRL)
		return on_family_note(ev, nlh);
	if (ev->family == 0 || nlh->nlmsg_type != ev->family)
		return NL_SKIP;
	r = mdev_nl_parse_event(nlh, &kind, &dev);
	if (r == -EOPNOTSUPP)
		return NL_SKIP; /* an event a newer kernel knows */
	if (r < 0)
		return events_emit(ev, MDEV_NL_EVENT_OVERRUN, NULL);
	return events_emit(ev, kind, &dev);
}

/*
 * Connect, subscribe to nlctrl's notifications first (so a family
 * registered from now on is heard of), then resolve the family and its
 * group: -NLE_OBJ_NOTFOUND without them, unless @optional.
 */
static int events_setup(struct mdev_nl_events *ev, bool optional)
{
	/* Resolving the family and group is the only blocking exchange. */
	struct timeval tv = {.tv_sec = MDEV_NL_TIMEOUT_USEC / 1000000};
	int r, grp, notify;

	r = genl_connect(ev->sk);
	if (r < 0)
		return r;
	if (setsockopt(nl_socket_get_fd(ev->sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -NLE_FAILURE;
	notify = genl_ctrl_resolve_grp(ev->sk, "nlctrl", "notify");
	if (notify < 0)
		return notify;
	r = nl_socket_add_membership(ev->sk, notify);
	if (r < 0)
		return r;
	r = genl_ctrl_resolve(ev->sk, ev->family_name);
	grp = r < 0 ? r : genl_ctrl_resolve_grp(ev->sk, ev->family_name, ev->group_name);
	if (grp >= 0)
		ev->family = r;
	else if (!optional || grp != -NLE_OBJ_NOTFOUND)
		return grp;
	nl_socket_disable_seq_check(ev->sk);
	r = nl_socket_modify_cb(ev->sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, ev);
	if (r < 0)
		return r;
	r = nl_socket_modify_cb(ev->sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, ev);
	if (r < 0)
		return r;
	(void)nl_socket_set_buffer_size(ev->sk, EVENTS_RCVBUF, 0);
	if (ev->family != 0) {
		r = nl_socket_add_membership(ev->sk, grp);
		if (r < 0)
			return r;
	}
	return nl_socket_set_nonblocking(ev->sk);
}

static int events_open(const char *family, const char *group, bool optional,
		       struct mdev_nl_events **ret)
{
	struct mdev_nl_events *ev;
	int r;

	ev = calloc(1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	ev->family_name = family;
	ev->group_name = group;
	ev->sk = nl_socket_alloc();
	if (!ev->sk) {
		free(ev);
		return -ENOMEM;
	}
	r = events_setup(ev, optional);
	if (r < 0) {
		mdev_nl_events_close(ev);
		return r == -NLE_AGAIN ? -ETIMEDOUT : mdev_nl_errno_from_nle(r);
	}
	*ret = ev;
	return 0;
}

int mdev_nl_events_open_group(const char *family, const char *group, struct mdev_nl_events **ret)
{
	return events_open(family, group, false, ret);
}

int mdev_nl_events_open(struct mdev_nl_events **ret)
{
	return events_open(MDEV_VIRTIO_GENL_NAME, MDEV_VIRTIO_GENL_MCGRP_EVENTS, false, ret);
}

int mdev_nl_events_open_follow(struct mdev_nl_events **ret, bool *ret_present)
{
	int r = events_open(MDEV_VIRTIO_GENL_NAME, MDEV_VIRTIO_GENL_MCGRP_EVENTS, true, ret);

	if (r == 0)
		*ret_present = (*ret)->family != 0;
	return r;
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
