/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Seams of the netlink client for its tests: the same client and listener
 * on another generic netlink family (the kernel's own "nlctrl" is always
 * there, a made-up name never is), and one raw request. Product code uses
 * mdev-netlink.h only.
 */
#pragma once

#include <netlink/msg.h>

#include "mdev-netlink.h"

int mdev_nl_open_family(const char *family, struct mdev_nl **ret);
int mdev_nl_events_open_group(const char *family, const char *group, struct mdev_nl_events **ret);
/* The family id the client resolved. */
int mdev_nl_family(const struct mdev_nl *nl);

/* Called per reply of a request; a negative errno fails the request. */
typedef int (*mdev_nl_reply_fn)(struct nlmsghdr *nlh, void *userdata);
/*
 * A new request for the client's family: genl command @cmd, netlink @flags
 * (NLM_F_DUMP, or 0 for a "do") and the UUID attribute if @uuid is not NULL.
 */
int mdev_nl_message_new(struct mdev_nl *nl, uint8_t cmd, int flags, const uint8_t *uuid,
			struct nl_msg **ret);
/*
 * Send @msg (not consumed) and wait for all of its answer; *ret_interrupted
 * tells whether a dump was marked NLM_F_DUMP_INTR. The answer ends with
 * NLMSG_DONE for a dump; for a "do" with @fn, with its one reply (the kernel's
 * genlmsg_reply(): the request goes without NLM_F_ACK); for one without @fn,
 * with the ack. The kernel's NLMSG_ERROR ends any of them.
 */
int mdev_nl_transact(struct mdev_nl *nl, struct nl_msg *msg, mdev_nl_reply_fn fn, void *userdata,
		     bool *ret_interrupted);
