/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Mediated virtio devices: the ABI shared by the kernel modules and userspace.
 *
 * Devices on the "mdev_virtio" bus carry a class id, which decides the driver
 * that binds them; it appears in their uevent as MODALIAS=mdev_virtio:cXX
 * (two upper-case hex digits) and in sysfs as <device>/class.
 */
#ifndef _UAPI_LINUX_MDEV_VIRTIO_H
#define _UAPI_LINUX_MDEV_VIRTIO_H

/* Class ids: the kernel virtio stack, or a vhost character device. */
#define MDEV_VIRTIO_CLASS_ID_VIRTIO	1
#define MDEV_VIRTIO_CLASS_ID_VHOST	2

/* Names of the class ids, as shown in <type>/device_api and <device>/class. */
#define MDEV_VIRTIO_CLASS_NAME_VIRTIO	"virtio"
#define MDEV_VIRTIO_CLASS_NAME_VHOST	"vhost"

/* sysfs names */
#define MDEV_VIRTIO_BUS_NAME		"mdev_virtio"
#define MDEV_VIRTIO_CLASS_COMPAT_NAME	"mdev_virtio_bus"
#define MDEV_VIRTIO_MODALIAS_PREFIX	"mdev_virtio:c"

/* Limits of the config attributes (net: mtu, max_vqp; blk: capacity). */
#define MDEV_VIRTIO_MTU_MIN		68
#define MDEV_VIRTIO_MTU_MAX		65535
#define MDEV_VIRTIO_MAX_VQP_MAX		32768

/*
 * Generic netlink family "mdev_virtio": structured snapshots of parents and
 * devices, and a multicast group of device events.  The GUID lifecycle stays
 * in sysfs; nothing here creates or removes a device.
 *
 * Requests (all but the first are for one device, named by
 * MDEV_VIRTIO_ATTR_DEV_UUID):
 *  PARENT_GET       dump only: one message per parent: PARENT_NAME, then one
 *                   nested TYPE per type (TYPE_ID, TYPE_DESCRIPTION,
 *                   CLASS_ID, VIRTIO_DEVICE_ID, TYPE_MAX_INSTANCES,
 *                   TYPE_AVAILABLE)
 *  DEV_GET          do (by DEV_UUID) or dump: DEV_UUID, PARENT_NAME, TYPE_ID,
 *                   CLASS_ID, VIRTIO_DEVICE_ID, DRIVER (absent while
 *                   unbound), STATUS, DEVICE_FEATURES, DRIVER_FEATURES,
 *                   NUM_VQS, VQ_NUM_MAX
 *  DEV_CONFIG_GET   do: DEV_UUID, VIRTIO_DEVICE_ID, CONFIG_GENERATION and,
 *                   net: NET_MAC, NET_MTU, NET_MAX_VQP, NET_STATUS;
 *                   blk: BLK_CAPACITY, BLK_SIZE
 *  DEV_STATS_GET    do: DEV_UUID, then one nested VQ_STATS per virtqueue
 *                   (VQ_INDEX and the STATS_* counters since creation or the
 *                   last DEV_STATS_CLEAR); -EOPNOTSUPP where the parent keeps
 *                   no statistics
 *  DEV_STATS_CLEAR  do, needs CAP_NET_ADMIN: zero the counters
 * Events, multicast to MDEV_VIRTIO_GENL_MCGRP_EVENTS, each carrying the
 * attributes of a DEV_GET reply as they are after the event:
 *  DEV_NEW (before any driver binds it), DEV_DEL (after its driver was
 *  unbound, before its UUID can be used again), DEV_BIND (as the driver
 *  starts binding, so before the driver's DEV_STATUS; a failed bind is
 *  followed by DEV_UNBIND), DEV_UNBIND (after the driver's last
 *  DEV_STATUS), DEV_STATUS (the driver wrote the status byte: DRIVER_OK,
 *  FAILED, a reset to 0, ... or the device set NEEDS_RESET),
 *  DEV_CONFIG_CHANGED.  Events of one device come in that order; one may
 *  be lost if the listener's socket is full (ENOBUFS on it).
 *
 * Attributes are validated strictly (unknown ones refused, with an extack
 * message); replies may grow new attributes, which readers must skip.
 * Integers are in host byte order.
 */
#define MDEV_VIRTIO_GENL_NAME		"mdev_virtio"
#define MDEV_VIRTIO_GENL_VERSION	1
#define MDEV_VIRTIO_GENL_MCGRP_EVENTS	"events"

enum mdev_virtio_command {
	MDEV_VIRTIO_CMD_UNSPEC,
	MDEV_VIRTIO_CMD_PARENT_GET,
	MDEV_VIRTIO_CMD_DEV_GET,
	MDEV_VIRTIO_CMD_DEV_CONFIG_GET,
	MDEV_VIRTIO_CMD_DEV_STATS_GET,
	MDEV_VIRTIO_CMD_DEV_STATS_CLEAR,
	MDEV_VIRTIO_CMD_DEV_NEW,
	MDEV_VIRTIO_CMD_DEV_DEL,
	MDEV_VIRTIO_CMD_DEV_BIND,
	MDEV_VIRTIO_CMD_DEV_UNBIND,
	MDEV_VIRTIO_CMD_DEV_STATUS,
	MDEV_VIRTIO_CMD_DEV_CONFIG_CHANGED,

	__MDEV_VIRTIO_CMD_MAX,
	MDEV_VIRTIO_CMD_MAX = __MDEV_VIRTIO_CMD_MAX - 1,
};

enum mdev_virtio_attr {
	MDEV_VIRTIO_ATTR_UNSPEC,
	MDEV_VIRTIO_ATTR_PAD,
	MDEV_VIRTIO_ATTR_PARENT_NAME,		/* string: the parent's device name */
	MDEV_VIRTIO_ATTR_TYPE,			/* nested: one type of a parent */
	MDEV_VIRTIO_ATTR_TYPE_ID,		/* string: "<parent driver>-<name>" */
	MDEV_VIRTIO_ATTR_TYPE_DESCRIPTION,	/* string */
	MDEV_VIRTIO_ATTR_TYPE_MAX_INSTANCES,	/* u32 */
	MDEV_VIRTIO_ATTR_TYPE_AVAILABLE,	/* u32: instances left */
	MDEV_VIRTIO_ATTR_CLASS_ID,		/* u16: MDEV_VIRTIO_CLASS_ID_* */
	MDEV_VIRTIO_ATTR_VIRTIO_DEVICE_ID,	/* u32: 1 net, 2 blk */
	MDEV_VIRTIO_ATTR_DEV_UUID,		/* binary, 16 bytes (RFC 4122 order) */
	MDEV_VIRTIO_ATTR_DRIVER,		/* string: the bound class driver */
	MDEV_VIRTIO_ATTR_STATUS,		/* u8: the virtio status byte */
	MDEV_VIRTIO_ATTR_DEVICE_FEATURES,	/* u64: offered by the device */
	MDEV_VIRTIO_ATTR_DRIVER_FEATURES,	/* u64: accepted by the driver */
	MDEV_VIRTIO_ATTR_NUM_VQS,		/* u32 */
	MDEV_VIRTIO_ATTR_VQ_NUM_MAX,		/* u16: largest virtqueue size */
	MDEV_VIRTIO_ATTR_CONFIG_GENERATION,	/* u32 */
	MDEV_VIRTIO_ATTR_NET_MAC,		/* binary, 6 bytes */
	MDEV_VIRTIO_ATTR_NET_MTU,		/* u16 */
	MDEV_VIRTIO_ATTR_NET_MAX_VQP,		/* u16 */
	MDEV_VIRTIO_ATTR_NET_STATUS,		/* u16: VIRTIO_NET_S_* */
	MDEV_VIRTIO_ATTR_BLK_CAPACITY,		/* u64: 512-byte sectors */
	MDEV_VIRTIO_ATTR_BLK_SIZE,		/* u32: logical block size */
	MDEV_VIRTIO_ATTR_VQ_STATS,		/* nested: one virtqueue's counters */
	MDEV_VIRTIO_ATTR_VQ_INDEX,		/* u32 */
	MDEV_VIRTIO_ATTR_STATS_KICKS,		/* u64: notifications from the driver */
	MDEV_VIRTIO_ATTR_STATS_COMPLETED,	/* u64: buffers used (packets, requests) */
	MDEV_VIRTIO_ATTR_STATS_DESCRIPTORS,	/* u64: descriptors consumed */
	MDEV_VIRTIO_ATTR_STATS_BYTES,		/* u64: payload bytes moved */
	MDEV_VIRTIO_ATTR_STATS_ERRORS,		/* u64: malformed or failed buffers */
	MDEV_VIRTIO_ATTR_STATS_DROPS,		/* u64: packets dropped (no buffer, no peer) */

	__MDEV_VIRTIO_ATTR_MAX,
	MDEV_VIRTIO_ATTR_MAX = __MDEV_VIRTIO_ATTR_MAX - 1,
};

#endif /* _UAPI_LINUX_MDEV_VIRTIO_H */
