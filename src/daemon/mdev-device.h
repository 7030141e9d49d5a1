/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Running mediated devices on every bus of the table: list and read them
 * (what mdevctl reads: canonical parent, mdev_type link, plus class and bound
 * driver), create them through the type's "create" file, configure them with
 * attributes, remove them through "remove".
 *
 * Snapshots as in mdev-parent.h; nothing is cached. Calls are synchronous and
 * may block as long as the kernel's store does (a vfio remove waits for the
 * device to be released). UUIDs are accepted in any spelling uuid_normalize()
 * takes and always reported normalised.
 *
 * Failures return a negative errno and, through @ret_error (NULL or a
 * NULL-initialised pointer the caller frees), a message naming the operation,
 * the type, the device, the parent and the errno, e.g.
 *   "Failed to create mvsim-virtio_net device 1234... on parent mvsim:
 *    No instances left (EUSERS)";
 * except that a create on a parent or type that is not there gets mdevctl's
 * sentence for it (mdev-parent.h), e.g. "Unable to find parent device
 * 'MVSIM'. Did you mean 'mvsim'?".
 * The errnos callers map to named errors: -EINVAL bad input, -ENODEV parent
 * (create) or device (read, remove) not found, -EOPNOTSUPP type not offered,
 * -EUSERS no instances left, -EEXIST UUID already running, -EBUSY device in use
 * or already bound; anything else is the kernel's own answer.
 */
#pragma once

#include "attr.h"
#include "mdev-bus.h"
#include "uuid-util.h"

struct mdev_device {
	char uuid[UUID_STRING_LEN + 1];
	const struct mdev_bus *bus;
	char *parent; /* basename of the device's canonical parent directory */
	char *type; /* basename of the target of its mdev_type link */
	char *class; /* content of "class" ("virtio", "vhost"); NULL if absent (vfio) */
	char *driver; /* bound driver; NULL while unbound */
};

/* Most attributes one create writes: as many as a definition may hold
 * (DEFINITION_ATTRS_MAX), so every loadable definition can start. */
#define MDEV_ATTRS_MAX 128

/* Every running device, sorted by bus (table order) then UUID. */
int mdev_device_list(struct mdev_device **ret, size_t *ret_n, char **ret_error);
/* The running device @uuid on @bus, or on any bus if @bus is NULL. -ENODEV if none. */
int mdev_device_read(const struct mdev_bus *bus, const char *uuid, struct mdev_device *ret,
		     char **ret_error);
/* Free what @d owns (not @d itself); @d is left zeroed. */
void mdev_device_done(struct mdev_device *d);

/*
 * Call @fn(kind, name) for every node running device @d shows the host:
 * ("net", "eth1"), ("block", "vda"), ("chardev", "/dev/vhost-mdev-0"), in
 * sysfs order. What vanishes meanwhile is skipped; @fn's negative errno or
 * -ENOMEM stops the walk and is returned. (mdev-nodes.c)
 */
typedef int (*mdev_node_fn)(const char *kind, const char *name, void *userdata);
int mdev_device_nodes(const struct mdev_device *d, mdev_node_fn fn, void *userdata);
/* Free an array from mdev_device_list(); returns NULL. */
struct mdev_device *mdev_device_array_free(struct mdev_device *a, size_t n);

/*
 * Whether an attribute may be written: @name passes name_is_valid() (so it
 * stays inside the device directory) and is not a driver-core control file
 * ("remove", "uevent"); @value is 1..MDEV_SYSFS_VALUE_MAX bytes with no
 * newline except one trailing. -EINVAL with a static *@ret_reason otherwise.
 */
int mdev_attr_validate(const char *name, const char *value, const char **ret_reason);

/*
 * Create device @uuid of @type on @parent and write @attrs (at most
 * MDEV_ATTRS_MAX, each checked with mdev_attr_validate()) in order. On a bus
 * with configure-before-bind and at least one attribute, the device is kept
 * unbound until its attributes are written (see mdev-device.c for how that
 * interacts with other writers of drivers_autoprobe). All or nothing: if any
 * step after the create store fails, the device is removed again.
 */
int mdev_device_create(const char *parent, const char *type, const char *uuid,
		       const struct definition_attr *attrs, size_t n_attrs, char **ret_error);
/*
 * Set attribute @name of running device @d to @value (checked with
 * mdev_attr_validate()), unless it reads back as @value already: a client's
 * list holds attributes the kernel refuses to rewrite while a driver is bound
 * (mac next to a new peer). 0 written, 1 unchanged, -ENOENT if the device has
 * no such attribute, else the write's negative errno.
 */
int mdev_device_attr_set(const struct mdev_device *d, const char *name, const char *value);
/* Remove the running device @uuid (write "1" to its "remove"). */
int mdev_device_remove(const char *uuid, char **ret_error);
