/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of mdev_virtio.ko shared by its files: the bus (mdev_virtio_bus.c),
 * parents and their types (mdev_virtio_parent.c), the GUID lifecycle of
 * devices (mdev_virtio_device.c), their config attributes
 * (mdev_virtio_config.c), their events (mdev_virtio_events.c) and the
 * netlink family (mdev_virtio_netlink.c).
 *
 * Locking, outermost first:
 *  - parent->unreg_sem (rwsem): read-trylocked by create and remove, so that
 *    they fail with -ENODEV once unregistration has begun; write-locked by
 *    unregistration, which then removes every device of the parent;
 *  - mdev_virtio_query_sem (rwsem): read-held by whoever calls the ops of a
 *    device without being its creator, remover or bound driver (netlink
 *    requests, event work), from finding it ACTIVE until done with it;
 *    teardown write-locks it once after the device left ACTIVE and before
 *    the parent's remove(), so none of them still uses the device;
 *  - the device lock (driver core): config attribute writes, to exclude
 *    binding while they check that no driver is bound; netlink readers, so
 *    the driver they report stays bound meanwhile;
 *  - mdev_virtio_lock (mutex): the list of devices (UUID uniqueness), type
 *    instance counts, device states, the list of parents, and
 *    mdev_virtio_gen.  Never held across calls into the driver core or the
 *    parent.
 */
#ifndef MDEV_VIRTIO_PRIVATE_H
#define MDEV_VIRTIO_PRIVATE_H

#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/mdev_virtio.h>

#include "mdev_virtio_releases.h"

/* A type of a registered parent: mdev_supported_types/<type-id>/ */
struct mdev_virtio_type {
	struct kobject kobj;
	struct kobject *devices_kobj;	/* <type-id>/devices/ */
	struct mdev_virtio_parent *parent; /* valid while its kobject is in sysfs */
	const struct mdev_virtio_type_info *info; /* likewise */
	u16 class_id;
	u32 device_id;
	u16 max_vqp;
	unsigned int max_instances;
	unsigned int instances;		/* under mdev_virtio_lock */
	const struct attribute_group **dev_groups; /* owned, NULL-terminated */
};

#define to_mdev_virtio_type(k) container_of(k, struct mdev_virtio_type, kobj)

/* mdev_virtio_device.state, under mdev_virtio_lock */
enum mdev_virtio_state {
	MDEV_VIRTIO_CREATING,	/* being added; remove fails with -EBUSY */
	MDEV_VIRTIO_ACTIVE,	/* fully created, removable */
	MDEV_VIRTIO_REMOVING,	/* one remover owns the teardown */
};

/* mdev_virtio_device.flags bits */
enum {
	MDEV_VIRTIO_F_READY,		/* links in place: match() may succeed */
	MDEV_VIRTIO_F_PROBE_WANTED,	/* match() was called before READY */
};

extern struct mutex mdev_virtio_lock;
extern struct rw_semaphore mdev_virtio_query_sem;
extern struct list_head mdev_virtio_devices;
extern struct list_head mdev_virtio_parents;
/* Bumped on every change of either list or of a device's state: dumps check it. */
extern unsigned int mdev_virtio_gen;

static inline void mdev_virtio_lists_changed(void)
{
	lockdep_assert_held(&mdev_virtio_lock);
	/* Never 0, which netlink takes for "no generation yet". */
	if (!++mdev_virtio_gen)
		mdev_virtio_gen = 1;
}
extern struct bus_type mdev_virtio_bus_type;
/* Devices and types not yet released: module exit waits for them. */
extern struct mdev_virtio_releases mdev_virtio_releases;
extern const struct attribute_group mdev_virtio_dev_group;
extern const struct attribute_group mdev_virtio_config_group;

int mdev_virtio_device_create(struct mdev_virtio_type *type, const guid_t *uuid);
void mdev_virtio_dma_init(struct mdev_virtio_device *mdev);
int mdev_virtio_dma_setup(struct mdev_virtio_device *mdev);
void mdev_virtio_remove_parent_devices(struct mdev_virtio_parent *parent);
int mdev_virtio_parents_init(void);
void mdev_virtio_parents_exit(void);

/* mdev_virtio_events.c */
void mdev_virtio_event_work(struct work_struct *work);
int mdev_virtio_events_init(void);
void mdev_virtio_events_exit(void);

/* mdev_virtio_netlink.c */
void mdev_virtio_nl_notify(struct mdev_virtio_device *mdev, u8 cmd);
int mdev_virtio_nl_init(void);
void mdev_virtio_nl_exit(void);

#endif /* MDEV_VIRTIO_PRIVATE_H */
