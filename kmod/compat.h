/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Differences between the kernel versions mdevvirtio builds for.  The target
 * is Debian 12's 6.1; newer driver cores made some callbacks take const
 * pointers, which is an error, not a warning, when it does not match.
 */
#ifndef MDEV_VIRTIO_COMPAT_H
#define MDEV_VIRTIO_COMPAT_H

#include <linux/version.h>

/* 6.3: bus_type.uevent() takes a const struct device *. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
#define MDEV_VIRTIO_UEVENT_CONST const
#else
#define MDEV_VIRTIO_UEVENT_CONST
#endif

/* 6.11: bus_type.match() takes a const struct device_driver *. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
#define MDEV_VIRTIO_MATCH_CONST const
#else
#define MDEV_VIRTIO_MATCH_CONST
#endif

/* Before 6.3 the driver core's part of a bus hangs off bus_type.p. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#define MDEV_VIRTIO_BUS_TYPE_HAS_P
#endif

/* 6.4: class_create() lost its owner argument. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define mdev_virtio_class_create(name) class_create(name)
#else
#define mdev_virtio_class_create(name) class_create(THIS_MODULE, name)
#endif

#endif /* MDEV_VIRTIO_COMPAT_H */
