/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's side of the request socket, for the netlink client's tests:
 * while started, sendmsg() and recvmsg() of this process are served here
 * (the test program's own definitions take the place of libc's, for libnl
 * too), so a test scripts what "the kernel" answers and counts what the
 * client costs in system calls.
 *
 * The socket itself stays real (socket, bind, setsockopt, close are the
 * kernel's): nothing sent reaches the kernel, and a receive with nothing
 * scripted waits on the real socket until its SO_RCVTIMEO, as a stuck
 * request does. The fake answers nlctrl's CTRL_CMD_GETFAMILY for
 * FAKE_GENL_NAME (id FAKE_GENL_ID) and -ENOENT for any other name; every
 * other request gets the script queued since the last one, each answer its
 * own datagram, with the request's sequence number, port and (for data)
 * family filled in, and sent @delay_usec after the request. Like the kernel,
 * a request with NLM_F_ACK gets an ack after its answers unless it is a
 * dump, the script has an ack or an error of its own, or ack_never is set.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <netlink/msg.h>

#define FAKE_GENL_NAME "mdev_virtio"
#define FAKE_GENL_ID 0x42

struct fake_genl {
	bool ack_never; /* never the kernel's own ack, asked or not */
	/* The last request answered from the script. */
	uint16_t last_flags;
	uint8_t last_cmd;
	int requests;
	/* Calls since fake_genl_count_reset(). */
	int sendmsgs, recvmsgs, peeks, rcvtimeo_sets, clock_reads;
};

extern struct fake_genl fake_genl;

void fake_genl_start(void);
/* Unanswered and undelivered answers are dropped; the counts kept. */
void fake_genl_stop(void);
void fake_genl_count_reset(void);
/* A data message @m (consumed) with netlink @flags (NLM_F_MULTI in a dump). */
void fake_genl_answer(struct nl_msg *m, uint16_t flags, uint64_t delay_usec);
/* A data message @m (consumed) answering the request before this one, as if late. */
void fake_genl_answer_late(struct nl_msg *m, uint64_t delay_usec);
/* An NLMSG_ERROR with errno @error (0: an ack), and @text as its extack message if not NULL. */
void fake_genl_answer_error(int error, const char *text, uint64_t delay_usec);
void fake_genl_answer_done(uint64_t delay_usec);
