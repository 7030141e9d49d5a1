// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_device.c: the GUID lifecycle of mediated virtio devices.
 *
 * create:  reserve the UUID and an instance (mdev_virtio_lock), let the
 *          parent set up, device_add() with the KOBJ_ADD uevent held back
 *          until the mdev_type and devices/ links exist, report DEV_NEW, then
 *          mark the device ACTIVE and carry out any probe the driver core
 *          asked for meanwhile.
 * remove:  exactly one remover (the "remove" file's writer, whom
 *          device_remove_file_self() elects, or parent unregistration) moves
 *          the device to REMOVING and tears it down: links, device_del()
 *          (unbinding the driver), DEV_DEL, a wait for netlink readers, the
 *          parent's remove(), the UUID and the instance are released, and
 *          the creation reference is put.
 *          A remove that arrives while the device is still being created is
 *          recorded and carried out by the creator.
 * release: frees the memory once the last reference is gone, which may be
 *          long after the remover's put; module exit waits for it.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "mdev_virtio_private.h"

static void mdev_virtio_device_unreserve(struct mdev_virtio_device *mdev)
{
	mutex_lock(&mdev_virtio_lock);
	if (!list_empty(&mdev->node)) {
		list_del_init(&mdev->node);
		mdev->type->instances--;
		mdev_virtio_lists_changed();
	}
	mutex_unlock(&mdev_virtio_lock);
}

static void mdev_virtio_device_release(struct device *dev)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);

	/* Whoever reserved the UUID released it already: no lock taken here. */
	WARN_ON_ONCE(mdev->state == MDEV_VIRTIO_ACTIVE);
	/* Queued event work holds a reference. */
	WARN_ON_ONCE(work_pending(&mdev->event_work));
	kobject_put(&mdev->type->kobj);
	kfree(mdev);
	mdev_virtio_releases_done(&mdev_virtio_releases);
}

/* -EEXIST if the UUID is in use (on any parent), -EUSERS if the type is full. */
static int mdev_virtio_device_reserve(struct mdev_virtio_device *mdev)
{
	struct mdev_virtio_type *type = mdev->type;
	struct mdev_virtio_device *tmp;
	int ret = 0;

	mutex_lock(&mdev_virtio_lock);
	list_for_each_entry(tmp, &mdev_virtio_devices, node) {
		if (guid_equal(&tmp->uuid, &mdev->uuid)) {
			ret = -EEXIST;
			goto out;
		}
	}
	if (type->instances >= type->max_instances) {
		ret = -EUSERS;
		goto out;
	}
	type->instances++;
	mdev->state = MDEV_VIRTIO_CREATING;
	list_add_tail(&mdev->node, &mdev_virtio_devices);
	mdev_virtio_lists_changed();
out:
	mutex_unlock(&mdev_virtio_lock);
	return ret;
}

static void mdev_virtio_default_config(struct mdev_virtio_device *mdev)
{
	eth_random_addr(mdev->config.mac);
	mdev->config.mtu = ETH_DATA_LEN;
	mdev->config.max_vqp = 1;
	mdev->config.capacity = 0;
}

/* Returns a device holding one reference (put_device() frees it) or an ERR_PTR. */
static struct mdev_virtio_device *mdev_virtio_device_alloc(struct mdev_virtio_type *type,
							   const guid_t *uuid)
{
	struct mdev_virtio_device *mdev;
	int ret;

	mdev = kzalloc(sizeof(*mdev), GFP_KERNEL);
	if (!mdev)
		return ERR_PTR(-ENOMEM);

	INIT_LIST_HEAD(&mdev->node);
	INIT_WORK(&mdev->event_work, mdev_virtio_event_work);
	guid_copy(&mdev->uuid, uuid);
	kobject_get(&type->kobj);
	mdev->type = type;
	mdev->class_id = type->class_id;
	mdev->device_id = type->device_id;
	mdev->ops = type->info->ops;
	mdev->type_info = type->info;
	mdev_virtio_default_config(mdev);

	/* From here on only the release frees it, maybe after we are gone. */
	mdev_virtio_releases_add(&mdev_virtio_releases);
	device_initialize(&mdev->dev);
	mdev->dev.bus = &mdev_virtio_bus_type;
	mdev->dev.parent = type->parent->dev;
	mdev->dev.groups = type->dev_groups;
	mdev->dev.release = mdev_virtio_device_release;
	mdev_virtio_dma_init(mdev);
	ret = dev_set_name(&mdev->dev, "%pUl", uuid);
	if (ret) {
		put_device(&mdev->dev);
		return ERR_PTR(ret);
	}
	return mdev;
}

/* device_add() and the links, then the KOBJ_ADD uevent udev waits for. */
static int mdev_virtio_device_add(struct mdev_virtio_device *mdev)
{
	struct mdev_virtio_type *type = mdev->type;
	struct device *dev = &mdev->dev;
	int ret;

	dev_set_uevent_suppress(dev, 1);
	ret = device_add(dev);
	if (ret)
		return ret;
	ret = sysfs_create_link(type->devices_kobj, &dev->kobj, dev_name(dev));
	if (ret)
		goto err_del;
	ret = sysfs_create_link(&dev->kobj, &type->kobj, "mdev_type");
	if (ret)
		goto err_unlink;

	dev_set_uevent_suppress(dev, 0);
	kobject_uevent(&dev->kobj, KOBJ_ADD);
	return 0;

err_unlink:
	sysfs_remove_link(type->devices_kobj, dev_name(dev));
err_del:
	device_del(dev);
	return ret;
}

static void mdev_virtio_device_teardown(struct mdev_virtio_device *mdev)
{
	struct mdev_virtio_type *type = mdev->type;
	struct device *dev = &mdev->dev;

	sysfs_remove_link(&dev->kobj, "mdev_type");
	sysfs_remove_link(type->devices_kobj, dev_name(dev));
	device_del(dev);
	/* Unbound now, and still whole: listeners get its last state. */
	mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_DEL);
	/* Wait for readers that found it ACTIVE; later ones skip it. */
	down_write(&mdev_virtio_query_sem);
	up_write(&mdev_virtio_query_sem);
	type->parent->ops->remove(mdev);
	/* Free the UUID now: a release delayed by some reference must not block re-creation. */
	mdev_virtio_device_unreserve(mdev);
	put_device(dev);
}

/*
 * The last step of creation: make the device removable and matchable, unless a
 * remove came in meanwhile.  Called with the creation reference, which a
 * concurrent remove may drop as soon as the device is ACTIVE.
 */
static void mdev_virtio_device_activate(struct mdev_virtio_device *mdev)
{
	struct device *dev = &mdev->dev;

	/* From ACTIVE on a remover may tear it down: hold it while we probe. */
	mutex_lock(&mdev_virtio_lock);
	mdev->state = MDEV_VIRTIO_ACTIVE;
	mdev_virtio_lists_changed();
	get_device(dev);
	mutex_unlock(&mdev_virtio_lock);

	set_bit(MDEV_VIRTIO_F_READY, &mdev->flags);
	/* Pairs with the barrier in mdev_virtio_ready_to_match(). */
	smp_mb__after_atomic();
	if (test_and_clear_bit(MDEV_VIRTIO_F_PROBE_WANTED, &mdev->flags) && device_attach(dev) < 0)
		dev_warn(dev, "probe failed\n");
	put_device(dev);
}

/**
 * mdev_virtio_device_create() - create a device of a type
 * @type: the type; its parent must be registered (the caller is the type's
 *        "create" attribute, whose removal unregistration waits for)
 * @uuid: the new device's UUID
 *
 * Return: 0, -ENODEV if the parent is being unregistered, -EEXIST if the UUID
 * is in use, -EUSERS if no instance of the type is left, or what the parent
 * or the driver core returned.
 */
int mdev_virtio_device_create(struct mdev_virtio_type *type, const guid_t *uuid)
{
	struct mdev_virtio_parent *parent = type->parent;
	struct mdev_virtio_device *mdev;
	int ret;

	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;

	mdev = mdev_virtio_device_alloc(type, uuid);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out;
	}
	ret = mdev_virtio_device_reserve(mdev);
	if (ret)
		goto err_put;
	ret = parent->ops->create(mdev);
	if (ret)
		goto err_unreserve;
	ret = mdev_virtio_dma_setup(mdev);
	if (ret)
		goto err_parent;
	ret = mdev_virtio_device_add(mdev);
	if (ret)
		goto err_parent;

	/* Still ours alone: reported before any driver can bind it. */
	mdev->last_status = mdev->ops->get_status(mdev);
	mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_NEW);
	mdev_virtio_device_activate(mdev);
	goto out;

err_parent:
	parent->ops->remove(mdev);
err_unreserve:
	mdev_virtio_device_unreserve(mdev);
err_put:
	put_device(&mdev->dev);
out:
	up_read(&parent->unreg_sem);
	return ret;
}

/*
 * Elect the remover: 0 if the caller must tear the device down, -EBUSY while
 * it is still being created (its creator may yet fail and free it: the
 * writer retries), -ENODEV if another remover already has it.
 */
static int mdev_virtio_device_claim_removal(struct mdev_virtio_device *mdev)
{
	int ret;

	mutex_lock(&mdev_virtio_lock);
	switch (mdev->state) {
	case MDEV_VIRTIO_CREATING:
		ret = -EBUSY;
		break;
	case MDEV_VIRTIO_ACTIVE:
		mdev->state = MDEV_VIRTIO_REMOVING;
		mdev_virtio_lists_changed();
		ret = 0;
		break;
	default:
		ret = -ENODEV;
		break;
	}
	mutex_unlock(&mdev_virtio_lock);
	return ret;
}

/* Called by unregistration, with parent->unreg_sem held for writing. */
void mdev_virtio_remove_parent_devices(struct mdev_virtio_parent *parent)
{
	struct mdev_virtio_device *mdev;

	lockdep_assert_held_write(&parent->unreg_sem);
	for (;;) {
		struct mdev_virtio_device *victim = NULL;

		/* Creators and removers are excluded: every device left is ACTIVE. */
		mutex_lock(&mdev_virtio_lock);
		list_for_each_entry(mdev, &mdev_virtio_devices, node) {
			if (mdev->type->parent == parent && mdev->state == MDEV_VIRTIO_ACTIVE) {
				mdev->state = MDEV_VIRTIO_REMOVING;
				mdev_virtio_lists_changed();
				victim = mdev;
				break;
			}
		}
		mutex_unlock(&mdev_virtio_lock);
		if (!victim)
			break;
		mdev_virtio_device_teardown(victim);
	}
}

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	/* Valid while this file is active or unreg_sem is held. */
	struct mdev_virtio_parent *parent = mdev->type->parent;
	unsigned long val;
	ssize_t ret;

	if (kstrtoul(buf, 10, &val))
		return -EINVAL;
	if (!val)
		return count;

	/*
	 * unreg_sem keeps the parent, and our reference the device, for as
	 * long as we use them: once device_remove_file_self() returns, the
	 * file no longer does.  The writer returns when the device is gone.
	 */
	if (!down_read_trylock(&parent->unreg_sem))
		return -ENODEV;
	get_device(dev);
	ret = mdev_virtio_device_claim_removal(mdev);
	if (!ret) {
		device_remove_file_self(dev, attr);
		mdev_virtio_device_teardown(mdev);
		ret = count;
	}
	put_device(dev);
	up_read(&parent->unreg_sem);
	return ret;
}
static DEVICE_ATTR_WO(remove);

static ssize_t class_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", mdev_virtio_class_name(to_mdev_virtio_device(dev)->class_id));
}
static DEVICE_ATTR_RO(class);

static struct attribute *mdev_virtio_dev_attrs[] = {
	&dev_attr_remove.attr,
	&dev_attr_class.attr,
	NULL,
};

const struct attribute_group mdev_virtio_dev_group = {
	.attrs = mdev_virtio_dev_attrs,
};
