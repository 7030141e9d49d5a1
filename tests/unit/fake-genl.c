/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fake kernel side of the request socket (fake-genl.h): libc's
 * sendmsg, recvmsg, setsockopt and clock_gettime replaced for this
 * program, the real ones reached through dlsym(RTLD_NEXT).
 */
#include <dlfcn.h>
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <check.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>

#include "fake-genl.h"

#define ANSWERS_MAX 64

enum kind { DATA, ERROR, DONE };

struct answer {
	enum kind kind;
	struct nl_msg *m; /* DATA */
	uint16_t flags;
	bool late; /* DATA: the answer to the request before */
	int error; /* ERROR */
	const char *text;
	uint64_t delay_usec;
};

/* A datagram on its way to the client. */
struct datagram {
	int fd;
	uint64_t due_usec;
	size_t len;
	uint8_t *buf;
};

struct fake_genl fake_genl;

static bool started;
static struct answer script[ANSWERS_MAX];
static size_t n_script;
static struct datagram queue[ANSWERS_MAX + 2];
static size_t n_queue;

static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
static ssize_t (*real_recvmsg)(int, struct msghdr *, int);
static int (*real_setsockopt)(int, int, int, const void *, socklen_t);
static int (*real_clock_gettime)(clockid_t, struct timespec *);

static void *real(const char *name)
{
	void *f = dlsym(RTLD_NEXT, name);

	if (!f)
		abort();
	return f;
}

static void resolve_real(void)
{
	if (real_sendmsg)
		return;
	real_sendmsg = real("sendmsg");
	real_recvmsg = real("recvmsg");
	real_setsockopt = real("setsockopt");
	real_clock_gettime = real("clock_gettime");
}

static uint64_t now_usec(void)
{
	struct timespec ts;

	resolve_real();
	real_clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ULL + (uint64_t)ts.tv_nsec / 1000;
}

static void sleep_usec(uint64_t usec)
{
	struct timespec ts = {.tv_sec = usec / 1000000, .tv_nsec = (usec % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void fake_genl_start(void)
{
	resolve_real();
	fake_genl = (struct fake_genl){};
	started = true;
}

void fake_genl_stop(void)
{
	for (size_t i = 0; i < n_script; i++)
		nlmsg_free(script[i].m);
	for (size_t i = 0; i < n_queue; i++)
		free(queue[i].buf);
	n_script = n_queue = 0;
	started = false;
}

void fake_genl_count_reset(void)
{
	fake_genl.sendmsgs = fake_genl.recvmsgs = fake_genl.peeks = 0;
	fake_genl.rcvtimeo_sets = fake_genl.clock_reads = 0;
}

static void script_add(struct answer a)
{
	ck_assert_uint_lt(n_script, ANSWERS_MAX);
	script[n_script++] = a;
}

void fake_genl_answer(struct nl_msg *m, uint16_t flags, uint64_t delay_usec)
{
	ck_assert_ptr_nonnull(m);
	script_add((struct answer){.kind = DATA, .m = m, .flags = flags, .delay_usec = delay_usec});
}

void fake_genl_answer_late(struct nl_msg *m, uint64_t delay_usec)
{
	ck_assert_ptr_nonnull(m);
	script_add((struct answer){.kind = DATA, .m = m, .late = true, .delay_usec = delay_usec});
}

void fake_genl_answer_error(int error, const char *text, uint64_t delay_usec)
{
	script_add(
	    (struct answer){.kind = ERROR, .error = error, .text = text, .delay_usec = delay_usec});
}

void fake_genl_answer_done(uint64_t delay_usec)
{
	script_add((struct answer){.kind = DONE, .delay_usec = delay_usec});
}

static uint8_t *datagram_new(int fd, uint64_t due, size_t len)
{
	struct datagram *d;

	ck_assert_uint_lt(n_queue, sizeof(queue) / sizeof(queue[0]));
	d = &queue[n_queue++];
	*d = (struct datagram){.fd = fd, .due_usec = due, .len = len, .buf = calloc(1, len)};
	ck_assert_ptr_nonnull(d->buf);
	return d->buf;
}

/* Queue @nlh's copy as the answer to @req: its seq and port, @type unless 0. */
static void send_message(int fd, const struct nlmsghdr *req, uint64_t due,
			 const struct nlmsghdr *nlh, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *out = (struct nlmsghdr *)datagram_new(fd, due, nlh->nlmsg_len);

	memcpy(out, nlh, nlh->nlmsg_len);
	if (type)
		out->nlmsg_type = type;
	out->nlmsg_flags = flags;
	out->nlmsg_seq = req->nlmsg_seq;
	out->nlmsg_pid = req->nlmsg_pid;
}

/* An NLMSG_ERROR as netlink_ack() builds it on a socket with CAP_ACK and EXT_ACK. */
static void send_error(int fd, const struct nlmsghdr *req, uint64_t due, int error,
		       const char *text)
{
	size_t len = NLMSG_HDRLEN + sizeof(struct nlmsgerr);
	size_t tlv = text ? NLA_HDRLEN + strlen(text) + 1 : 0;
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;

	nlh = (struct nlmsghdr *)datagram_new(fd, due, len + NLA_ALIGN(tlv));
	nlh->nlmsg_len = (uint32_t)(len + NLA_ALIGN(tlv));
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (text ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = req->nlmsg_pid;
	err = nlmsg_data(nlh);
	err->error = error;
	err->msg = *req;
	if (text) {
		struct nlattr *nla = (struct nlattr *)((uint8_t *)nlh + len);

		nla->nla_type = NLMSGERR_ATTR_MSG;
		nla->nla_len = (uint16_t)tlv;
		memcpy((uint8_t *)nla + NLA_HDRLEN, text, strlen(text) + 1);
	}
}

static void send_done(int fd, const struct nlmsghdr *req, uint64_t due)
{
	struct nlmsghdr *nlh;

	nlh = (struct nlmsghdr *)datagram_new(fd, due, NLMSG_HDRLEN + sizeof(int));
	nlh->nlmsg_len = NLMSG_HDRLEN + sizeof(int);
	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = req->nlmsg_seq;
	nlh->nlmsg_pid = req->nlmsg_pid;
}

/* nlctrl: the family's id for its name, -ENOENT for any other. */
static void answer_resolve(int fd, const struct nlmsghdr *req)
{
	struct nlattr *name =
	    nlmsg_find_attr((struct nlmsghdr *)req, GENL_HDRLEN, CTRL_ATTR_FAMILY_NAME);
	uint64_t now = now_usec();
	struct nl_msg *m;

	if (!name || strcmp(nla_data(name), FAKE_GENL_NAME) != 0) {
		send_error(fd, req, now, -ENOENT, NULL);
		return;
	}
	m = nlmsg_alloc();
	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 0, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2));
	ck_assert_int_eq(nla_put_string(m, CTRL_ATTR_FAMILY_NAME, FAKE_GENL_NAME), 0);
	ck_assert_int_eq(nla_put_u16(m, CTRL_ATTR_FAMILY_ID, FAKE_GENL_ID), 0);
	send_message(fd, req, now, nlmsg_hdr(m), 0, 0);
	nlmsg_free(m);
	if (req->nlmsg_flags & NLM_F_ACK)
		send_error(fd, req, now, 0, NULL);
}

static void answer_request(int fd, const struct nlmsghdr *req)
{
	uint64_t now = now_usec();
	bool acked = false;

	fake_genl.requests++;
	fake_genl.last_flags = req->nlmsg_flags;
	fake_genl.last_cmd = ((const struct genlmsghdr *)nlmsg_data(req))->cmd;
	for (size_t i = 0; i < n_script; i++) {
		struct answer *a = &script[i];
		uint64_t due = now + a->delay_usec;

		if (a->kind == DATA) {
			struct nlmsghdr earlier = *req;

			earlier.nlmsg_seq -= a->late;
			send_message(fd, &earlier, due, nlmsg_hdr(a->m), req->nlmsg_type, a->flags);
			nlmsg_free(a->m);
		} else if (a->kind == ERROR) {
			send_error(fd, req, due, a->error, a->text);
			acked = true;
		} else {
			send_done(fd, req, due);
		}
	}
	n_script = 0;
	/* A dump's start is never acked: its NLMSG_DONE ends it. */
	if ((req->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		acked = true;
	if ((req->nlmsg_flags & NLM_F_ACK) && !acked && !fake_genl.ack_never)
		send_error(fd, req, now, 0, NULL);
}

/* What a socket closed since held is gone with it. */
static void drop_other_sockets(int fd)
{
	size_t j = 0;

	for (size_t i = 0; i < n_queue; i++) {
		if (queue[i].fd == fd)
			queue[j++] = queue[i];
		else
			free(queue[i].buf);
	}
	n_queue = j;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	const struct nlmsghdr *req;
	const struct genlmsghdr *ghdr;

	resolve_real();
	if (!started)
		return real_sendmsg(fd, msg, flags);
	fake_genl.sendmsgs++;
	/* libnl sends one message in one iovec. */
	ck_assert_int_eq(msg->msg_iovlen, 1);
	req = msg->msg_iov[0].iov_base;
	ck_assert_uint_ge(msg->msg_iov[0].iov_len, NLMSG_HDRLEN + GENL_HDRLEN);
	ck_assert_uint_eq(req->nlmsg_len, msg->msg_iov[0].iov_len);
	ghdr = nlmsg_data(req);
	drop_other_sockets(fd);
	if (req->nlmsg_type == GENL_ID_CTRL && ghdr->cmd == CTRL_CMD_GETFAMILY)
		answer_resolve(fd, req);
	else
		answer_request(fd, req);
	return (ssize_t)req->nlmsg_len;
}

static uint64_t socket_timeout_usec(int fd)
{
	struct timeval tv;
	socklen_t len = sizeof(tv);

	ck_assert_int_eq(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
	return (uint64_t)tv.tv_sec * 1000000ULL + (uint64_t)tv.tv_usec;
}

/* As netlink_recvmsg(): one datagram, cut to the buffer with MSG_TRUNC said. */
ssize_t recvmsg(int fd, struct msghdr *msg, int flags)
{
	struct datagram *d = NULL;
	struct sockaddr_nl *sa = msg->msg_name;
	size_t copied;
	size_t len;

	resolve_real();
	if (!started)
		return real_recvmsg(fd, msg, flags);
	fake_genl.recvmsgs++;
	if (flags & MSG_PEEK)
		fake_genl.peeks++;
	for (size_t i = 0; i < n_queue && !d; i++)
		if (queue[i].fd == fd)
			d = &queue[i];
	if (!d)
		return real_recvmsg(fd, msg, flags); /* nothing comes: the socket's timeout */
	if (d->due_usec > now_usec()) {
		uint64_t wait = d->due_usec - now_usec(), timeout = socket_timeout_usec(fd);

		if (timeout && timeout < wait) {
			sleep_usec(timeout);
			errno = EAGAIN;
			return -1;
		}
		sleep_usec(wait);
	}
	ck_assert_int_eq(msg->msg_iovlen, 1);
	len = d->len;
	copied = len < msg->msg_iov[0].iov_len ? len : msg->msg_iov[0].iov_len;
	memcpy(msg->msg_iov[0].iov_base, d->buf, copied);
	msg->msg_flags = copied < len ? MSG_TRUNC : 0;
	msg->msg_controllen = 0;
	if (sa && msg->msg_namelen >= sizeof(*sa)) {
		*sa = (struct sockaddr_nl){.nl_family = AF_NETLINK};
		msg->msg_namelen = sizeof(*sa);
	}
	if (!(flags & MSG_PEEK)) {
		free(d->buf);
		memmove(d, d + 1, (size_t)(&queue[n_queue] - (d + 1)) * sizeof(*d));
		n_queue--;
	}
	return (ssize_t)(flags & MSG_TRUNC ? len : copied);
}

int setsockopt(int fd, int level, int name, const void *value, socklen_t len)
{
	resolve_real();
	if (started && level == SOL_SOCKET && name == SO_RCVTIMEO)
		fake_genl.rcvtimeo_sets++;
	return real_setsockopt(fd, level, name, value, len);
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	resolve_real();
	if (started)
		fake_genl.clock_reads++;
	return real_clock_gettime(clock, ts);
}
