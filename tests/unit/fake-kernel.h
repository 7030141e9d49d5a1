/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's side of create and remove over a fake sysfs (fake-sysfs.h),
 * around the real sysfs layer: a create makes the device directory the
 * kernel would make (with the attribute files the call writes), lets
 * mdev_device_create() do its real stores, then links the device into the
 * bus as a running one; a remove lets mdev_device_remove() write "1" and then
 * takes the device away. A test can make the next call fail with an errno.
 *
 * Devices of a type whose device_api is "virtio" come up bound to
 * "virtio_mdev" with virtio0/net/eth<N> (net types) or virtio0/block/vd<x>
 * (blk types), as virtio_net/virtio_blk would make them.
 */
#pragma once

#include "mdev-device.h"

struct fake_kernel {
	int create_calls, remove_calls;
	int create_fail; /* errno the next create fails with, 0 for none */
	int remove_fail;
	char last_created[UUID_STRING_LEN + 1];
};

extern struct fake_kernel fake_kernel;

int fake_kernel_create(const char *parent, const char *type, const char *uuid,
		       const struct definition_attr *attrs, size_t n_attrs, char **ret_error);
int fake_kernel_remove(const char *uuid, char **ret_error);

/* The running device @uuid of @parent on @bus disappears (links and directory). */
void fake_device_remove(const char *bus, const char *parent, const char *uuid);
/* rm -rf of a sysfs path under the fake root. */
void fake_rm_rf(const char *path);
