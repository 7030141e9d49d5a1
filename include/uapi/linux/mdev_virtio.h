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

#endif /* _UAPI_LINUX_MDEV_VIRTIO_H */
