/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Messages of the mdev_virtio family as the kernel builds them, for the
 * parser's tests: libnl's nla_put family into an nl_msg, one helper per
 * reply kind. @mandatory_last puts the mandatory attributes after all the
 * others, so that every proper prefix of the message lacks one of them.
 * Messages are freed with nlmsg_free().
 */
#pragma once

#include <stdbool.h>

#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "uapi/linux/mdev_virtio.h"

#define NLB_FAMILY 0x42
#define NLB_UUID_STR "12345678-9abc-def0-1122-334455667788"
static const uint8_t nlb_uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0,
				     0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
static const uint8_t nlb_mac[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

#define A(name) MDEV_VIRTIO_ATTR_##name

static inline struct nl_msg *nlb_new(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, 0, 1, NLB_FAMILY, 0, 0, cmd, MDEV_VIRTIO_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static inline void nlb_device_mandatory(struct nl_msg *m)
{
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nla_put_string(m, A(PARENT_NAME), "mvsim");
	nla_put_string(m, A(TYPE_ID), "mvsim-virtio_net");
	nla_put_u16(m, A(CLASS_ID), MDEV_VIRTIO_CLASS_ID_VIRTIO);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
}

static inline void nlb_device_optional(struct nl_msg *m, bool bound)
{
	if (bound)
		nla_put_string(m, A(DRIVER), "virtio_mdev");
	nla_put_u8(m, A(STATUS), 0x0f);
	nla_put_u64(m, A(DEVICE_FEATURES), 0x130000000ULL);
	nla_put_u64(m, A(DRIVER_FEATURES), 0x100000000ULL);
	nla_put_u32(m, A(NUM_VQS), 3);
	nla_put_u16(m, A(VQ_NUM_MAX), 256);
}

/* A DEV_GET reply, or an event when @cmd is one. */
static inline struct nl_msg *nlb_device(uint8_t cmd, bool bound, bool mandatory_last)
{
	struct nl_msg *m = nlb_new(cmd);

	if (!mandatory_last)
		nlb_device_mandatory(m);
	nlb_device_optional(m, bound);
	if (mandatory_last)
		nlb_device_mandatory(m);
	return m;
}

static inline struct nl_msg *nlb_config_net(bool mandatory_last)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_CONFIG_GET);

	if (!mandatory_last)
		nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
	nla_put_u32(m, A(CONFIG_GENERATION), 7);
	nla_put(m, A(NET_MAC), 6, nlb_mac);
	nla_put_u16(m, A(NET_MTU), 1500);
	nla_put_u16(m, A(NET_MAX_VQP), 4);
	nla_put_u16(m, A(NET_STATUS), 1);
	if (mandatory_last)
		nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	return m;
}

static inline struct nl_msg *nlb_config_blk(void)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_CONFIG_GET);

	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 2);
	nla_put_u32(m, A(CONFIG_GENERATION), 0);
	nla_put_u64(m, A(BLK_CAPACITY), 2097152);
	nla_put_u32(m, A(BLK_SIZE), 512);
	return m;
}

static inline void nlb_type(struct nl_msg *m, const char *id, uint16_t class_id, uint32_t device_id,
			    uint32_t max, uint32_t available)
{
	struct nlattr *nest = nla_nest_start(m, A(TYPE));

	nla_put_string(m, A(TYPE_ID), id);
	nla_put_string(m, A(TYPE_DESCRIPTION), "simulated device");
	nla_put_u16(m, A(CLASS_ID), class_id);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), device_id);
	nla_put_u32(m, A(TYPE_MAX_INSTANCES), max);
	nla_put_u32(m, A(TYPE_AVAILABLE), available);
	nla_nest_end(m, nest);
}

static inline struct nl_msg *nlb_parent(bool mandatory_last)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);

	if (!mandatory_last)
		nla_put_string(m, A(PARENT_NAME), "mvsim");
	nlb_type(m, "mvsim-virtio_net", MDEV_VIRTIO_CLASS_ID_VIRTIO, 1, 16, 15);
	nlb_type(m, "mvsim-vhost_blk", MDEV_VIRTIO_CLASS_ID_VHOST, 2, 8, 8);
	if (mandatory_last)
		nla_put_string(m, A(PARENT_NAME), "mvsim");
	return m;
}

static inline void nlb_vq(struct nl_msg *m, uint32_t index, uint64_t base)
{
	struct nlattr *nest = nla_nest_start(m, A(VQ_STATS));

	nla_put_u32(m, A(VQ_INDEX), index);
	nla_put_u64(m, A(STATS_KICKS), base + 1);
	nla_put_u64(m, A(STATS_COMPLETED), base + 2);
	nla_put_u64(m, A(STATS_DESCRIPTORS), base + 3);
	nla_put_u64(m, A(STATS_BYTES), base + 4);
	nla_put_u64(m, A(STATS_ERRORS), base + 5);
	nla_put_u64(m, A(STATS_DROPS), base + 6);
	nla_nest_end(m, nest);
}

/* Three virtqueues, 0..2, counters 10*i + 1..6. */
static inline struct nl_msg *nlb_stats(bool mandatory_last)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);

	if (!mandatory_last)
		nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	for (uint32_t i = 0; i < 3; i++)
		nlb_vq(m, i, 10 * i);
	if (mandatory_last)
		nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	return m;
}
