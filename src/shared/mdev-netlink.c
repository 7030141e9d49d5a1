/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The request socket of the netlink client (API in mdev-netlink.h, seams in
 * mdev-netlink-internal.h): connecting, resolving the family, and one
 * request's round trip under a deadline.
 *
 * A request's answer is what carries its sequence number and comes from the
 * kernel (port 0); anything else on the socket (a late answer to a request
 * that timed out, a message another process sent to our port) is dropped.
 * A request that ends early (timeout, socket error) leaves the socket in an
 * unknown state, perhaps holding the kernel's one dump slot: the client then
 * reconnects before its next request, resolving the family id again.
 *
 * A "do" with a reply callback is sent without NLM_F_ACK and ends with its
 * one reply (the kernel answers a failure with an NLMSG_ERROR, asked or
 * not): one sendmsg and one recvmsg. Every datagram is read once, without
 * MSG_PEEK, into a buffer of MSG_BUF_SIZE; one that does not fit fails the
 * request with -EBADMSG.
 *
 * The socket's receive timeout is set again only when it is off the time
 * left by more than an eighth of the request's timeout, so a request may
 * overrun its deadline by that much (and the kernel's timer granularity);
 * a stuck one still ends with -ETIMEDOUT. (libnl reads the datagrams of a
 * multi-part answer in one call, each under that same timeout.)
 */
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>
#include <time.h>

#include "mdev-netlink-internal.h"
#include "mdev-netlink-parse.h"
#include "uapi/linux/mdev_virtio.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/*
 * Larger than any datagram the kernel sends us: a dump's are at most 32 KiB
 * (netlink_dump() caps its buffer at SKB_WITH_OVERHEAD(32768)), a
 * DEV_STATS_GET reply less than 64 KiB (the module's
 * MDEV_VIRTIO_NL_STATS_MAX_SIZE bounds it, slack included).
 */
#define MSG_BUF_SIZE (64 * 1024)

/* What the current request has seen so far. */
struct request {
	uint32_t seq;
	bool one_reply; /* sent without NLM_F_ACK: its one reply ends it */
	bool done;
	bool interrupted;
	int error;
	mdev_nl_reply_fn fn;
	void *userdata;
};

struct mdev_nl {
	struct nl_sock *sk;
	char *family_name;
	int family;
	bool stale; /* reconnect before the next request */
	uint64_t timeout_usec;
	uint64_t rcvtimeo_usec; /* SO_RCVTIMEO as set on sk */
	struct request req;
	char error_msg[MDEV_NL_ERROR_SIZE];
};

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static int socket_set_timeout(struct nl_sock *sk, uint64_t usec)
{
	struct timeval tv = {.tv_sec = usec / 1000000, .tv_usec = usec % 1000000};

	if (usec == 0)
		tv.tv_usec = 1; /* 0 would mean "block forever" */
	if (setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -errno;
	return 0;
}

/* The ack options are best effort: a kernel without them still answers. */
static void socket_set_ack_options(struct nl_sock *sk)
{
	int one = 1, fd = nl_socket_get_fd(sk);

	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

/* A control message ends the request: an ack, the kernel's error, the end of a dump. */
static int request_control(struct mdev_nl *nl, struct nlmsghdr *nlh)
{
	struct request *req = &nl->req;
	struct mdev_nl_error e;
	int r;

	req->done = true;
	r = mdev_nl_parse_error(nlh, &e);
	if (r < 0)
		e = (struct mdev_nl_error){.error = r};
	/* A reply that failed to parse is the first error, and stays the one reported. */
	if (e.error < 0 && req->error == 0) {
		req->error = e.error;
		memcpy(nl->error_msg, e.msg, sizeof(e.msg));
	}
	return NL_STOP;
}

static int on_msg_in(struct nl_msg *msg, void *arg)
{
	struct mdev_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);

	if (nlmsg_get_src(msg)->nl_pid != 0 || nlh->nlmsg_seq != nl->req.seq)
		return NL_SKIP;
	if (nlh->nlmsg_flags & NLM_F_DUMP_INTR)
		nl->req.interrupted = true;
	if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR)
		return request_control(nl, nlh);
	/* The one reply ends its request once on_valid() has handled it. */
	if (nl->req.one_reply && nlh->nlmsg_type >= NLMSG_MIN_TYPE &&
	    !(nlh->nlmsg_flags & NLM_F_MULTI)) {
		nl->req.done = true;
		if (nlh->nlmsg_type != nl->family && nl->req.error == 0)
			nl->req.error = -EPROTO;
	}
	return NL_OK;
}

/* After a failed reply the rest of the answer is still read, so a dump ends cleanly. */
static int on_valid(struct nl_msg *msg, void *arg)
{
	struct mdev_nl *nl = arg;
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	int r;

	if (nlh->nlmsg_type != nl->family || nl->req.error < 0)
		return NL_SKIP;
	r = nl->req.fn ? nl->req.fn(nlh, nl->req.userdata) : 0;
	if (r < 0)
		nl->req.error = r;
	return NL_OK;
}

static int client_connect(struct mdev_nl *nl)
{
	struct nl_sock *sk;
	int r;

	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	r = genl_connect(sk);
	if (r < 0)
		goto fail;
	/* Explicitly no peek: with a buffer set libnl reads each datagram once. */
	nl_socket_disable_msg_peek(sk);
	nl_socket_set_msg_buf_size(sk, MSG_BUF_SIZE);
	r = socket_set_timeout(sk, nl->timeout_usec);
	if (r < 0)
		goto fail_errno;
	socket_set_ack_options(sk);
	r = genl_ctrl_resolve(sk, nl->family_name);
	if (r < 0)
		goto fail;
	nl->family = r;
	nl_socket_disable_seq_check(sk);
	/* Set once: the callbacks find the current request in nl->req. */
	r = nl_socket_modify_cb(sk, NL_CB_MSG_IN, NL_CB_CUSTOM, on_msg_in, nl);
	if (r >= 0)
		r = nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	if (r < 0)
		goto fail;
	nl_socket_free(nl->sk);
	nl->sk = sk;
	nl->rcvtimeo_usec = nl->timeout_usec;
	nl->stale = false;
	return 0;
fail:
	r = r == -NLE_AGAIN ? -ETIMEDOUT : mdev_nl_errno_from_nle(r);
fail_errno:
	nl_socket_free(sk);
	return r;
}

int mdev_nl_open_family(const char *family, struct mdev_nl **ret)
{
	struct mdev_nl *nl;
	int r;

	nl = calloc(1, sizeof(*nl));
	if (!nl)
		return -ENOMEM;
	nl->timeout_usec = MDEV_NL_TIMEOUT_USEC;
	nl->family_name = strdup(family);
	if (!nl->family_name) {
		mdev_nl_close(nl);
		return -ENOMEM;
	}
	r = client_connect(nl);
	if (r < 0) {
		mdev_nl_close(nl);
		return r;
	}
	*ret = nl;
	return 0;
}

int mdev_nl_open(struct mdev_nl **ret)
{
	return mdev_nl_open_family(MDEV_VIRTIO_GENL_NAME, ret);
}

struct mdev_nl *mdev_nl_close(struct mdev_nl *nl)
{
	if (nl) {
		nl_socket_free(nl->sk);
		free(nl->family_name);
		free(nl);
	}
	return NULL;
}

void mdev_nl_set_timeout(struct mdev_nl *nl, uint64_t usec)
{
	nl->timeout_usec = usec ? usec : MDEV_NL_TIMEOUT_USEC;
}

const char *mdev_nl_last_error(const struct mdev_nl *nl)
{
	return nl->error_msg;
}

int mdev_nl_family(const struct mdev_nl *nl)
{
	return nl->family;
}

int mdev_nl_message_new(struct mdev_nl *nl, uint8_t cmd, int flags, const uint8_t *uuid,
			struct nl_msg **ret)
{
	struct nl_msg *msg;

	msg = nlmsg_alloc();
	if (!msg)
		return -ENOMEM;
	if (!genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags, cmd,
			 MDEV_VIRTIO_GENL_VERSION) ||
	    (uuid && nla_put(msg, MDEV_VIRTIO_ATTR_DEV_UUID, MDEV_NL_UUID_SIZE, uuid) < 0)) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	*ret = msg;
	return 0;
}

/*
 * Read until the request's answer is complete or the deadline passes. The
 * socket's receive timeout is left alone while it is within @slack of the
 * time left: a longer one lets the last receive overrun the deadline by at
 * most @slack, a shorter one wakes the loop early to check the deadline.
 */
static int request_wait(struct mdev_nl *nl, uint64_t deadline)
{
	uint64_t slack = nl->timeout_usec / 8;

	while (!nl->req.done) {
		uint64_t now = now_usec(), left;
		int r;

		if (now >= deadline)
			return -ETIMEDOUT;
		left = deadline - now;
		if (nl->rcvtimeo_usec > left + slack || nl->rcvtimeo_usec + slack < left) {
			r = socket_set_timeout(nl->sk, left);
			if (r < 0)
				return r;
			nl->rcvtimeo_usec = left;
		}
		r = nl_recvmsgs_default(nl->sk);
		if (r == -NLE_DUMP_INTR)
			nl->req.interrupted = true;
		else if (r == -NLE_AGAIN)
			continue; /* the socket's timeout: the deadline decides */
		else if (r < 0)
			return mdev_nl_errno_from_nle(r); /* -NLE_MSG_TRUNC: -EBADMSG */
	}
	return 0;
}

int mdev_nl_transact(struct mdev_nl *nl, struct nl_msg *msg, mdev_nl_reply_fn fn, void *userdata,
		     bool *ret_interrupted)
{
	uint64_t deadline = now_usec() + nl->timeout_usec;
	struct nlmsghdr *nlh;
	bool one_reply;
	int r;

	nl->error_msg[0] = '\0';
	if (nl->stale) {
		r = client_connect(nl);
		if (r < 0)
			return r;
		nlmsg_hdr(msg)->nlmsg_type = nl->family;
	}
	nlh = nlmsg_hdr(msg);
	one_reply = fn && (nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP;
	/* A fresh number and our current port on every send. */
	nlh->nlmsg_seq = NL_AUTO_SEQ;
	nlh->nlmsg_pid = NL_AUTO_PORT;
	nl_complete_msg(nl->sk, msg);
	if (one_reply)
		nlh->nlmsg_flags &= ~NLM_F_ACK;
	r = nl_send(nl->sk, msg);
	if (r < 0) {
		nl->stale = true;
		return mdev_nl_errno_from_nle(r);
	}
	nl->req = (struct request){
	    .seq = nlh->nlmsg_seq,
	    .one_reply = one_reply,
	    .fn = fn,
	    .userdata = userdata,
	};
	r = request_wait(nl, deadline);
	if (r < 0) {
		nl->stale = true;
		return r;
	}
	if (ret_interrupted)
		*ret_interrupted = nl->req.interrupted;
	return nl->req.error;
}
