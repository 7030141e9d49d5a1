/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The mdev_virtio family's messages as C structs: pure functions, no socket,
 * so every byte the kernel can send is unit-tested and fuzzed.
 *
 * Input: a netlink message whose nlmsg_len bytes are all readable, as libnl's
 * receive loop hands them over or as mdev_nl_message_check() vouches for a
 * buffer. Nothing is read past nlmsg_len. The reply's genl command and the
 * message type (the family id) are the caller's to check, except where a
 * parser says otherwise. Attributes of types this code does not know (a newer
 * kernel) are skipped; everything else the header promises is checked:
 * -EBADMSG for a malformed message (see mdev-netlink.h), -EPROTO for a
 * netlink control message where a family message was expected. Outputs are
 * written only on success.
 *
 * Mandatory attributes: DEV_UUID everywhere; PARENT_NAME, TYPE_ID, CLASS_ID
 * and VIRTIO_DEVICE_ID in a device and in each type, TYPE_MAX_INSTANCES and
 * TYPE_AVAILABLE in each type; VQ_INDEX in each VQ_STATS. Others read as 0
 * (or "", or has_* false) when absent.
 */
#pragma once

#include <linux/netlink.h>

#include "mdev-netlink.h"

/* The kernel's answer in an NLMSG_ERROR message. */
struct mdev_nl_error {
	int error; /* negative errno; 0 for an acknowledgement */
	char msg[MDEV_NL_ERROR_SIZE]; /* extack message, "" if none; printable ASCII */
};

/* 0 if @buf holds a netlink message whose nlmsg_len is within 16..@size, else -EBADMSG. */
int mdev_nl_message_check(const void *buf, size_t size);

/* PARENT_GET reply; *ret is freed with free(). */
int mdev_nl_parse_parent(struct nlmsghdr *nlh, struct mdev_nl_parent **ret);
/* DEV_GET reply. */
int mdev_nl_parse_device(struct nlmsghdr *nlh, struct mdev_nl_device *ret);
/* DEV_CONFIG_GET reply. */
int mdev_nl_parse_config(struct nlmsghdr *nlh, struct mdev_nl_config *ret);
/* DEV_STATS_GET reply; *ret is freed with free(). -EBADMSG for a VQ_INDEX
 * >= MDEV_NL_VQS_MAX or seen twice, or more than MDEV_NL_VQS_MAX entries. */
int mdev_nl_parse_stats(struct nlmsghdr *nlh, struct mdev_nl_stats **ret);
/* A multicast event: its kind from the genl command, its device as in a
 * DEV_GET reply. -EOPNOTSUPP for a command that is not an event this code
 * knows (the caller skips it). */
int mdev_nl_parse_event(struct nlmsghdr *nlh, enum mdev_nl_event_kind *ret_kind,
			struct mdev_nl_device *ret_dev);
/* The end of a request: an NLMSG_ERROR (request echoed or not: NLM_F_CAPPED)
 * or the NLMSG_DONE of a dump, with the extack message if it carries one
 * (NLM_F_ACK_TLVS). -EPROTO for any other type. */
int mdev_nl_parse_error(struct nlmsghdr *nlh, struct mdev_nl_error *ret);

/* What nlctrl's "notify" group says about one family. */
struct mdev_nl_family_note {
	bool added; /* CTRL_CMD_NEWFAMILY; false for CTRL_CMD_DELFAMILY */
	uint16_t id; /* the family id */
	int group_id; /* in a NEWFAMILY, the id of the group asked for; -1 if it has none */
};
/*
 * An nlctrl notification (message type GENL_ID_CTRL) about family @family,
 * with the id of its multicast group @group. -EOPNOTSUPP for any other
 * message: another family, another nlctrl command, not nlctrl at all (the
 * caller skips it).
 */
int mdev_nl_parse_family_note(struct nlmsghdr *nlh, const char *family, const char *group,
			      struct mdev_nl_family_note *ret);

/* libnl's -NLE_* (or 0) as a negative errno (or 0). */
int mdev_nl_errno_from_nle(int nle);
