// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_bus.c: the "mdev_virtio" bus and its class drivers.
 *
 * Devices match drivers by class id (struct mdev_virtio_class_id), and carry
 * MODALIAS=mdev_virtio:cXX so udev loads the class driver on demand.  A device
 * only matches once its creator has put its sysfs links in place (F_READY);
 * a probe asked for earlier is remembered (F_PROBE_WANTED) and carried out by
 * the creator, so drivers_autoprobe keeps its meaning and udev never sees a
 * half-built device.
 */
#include <linux/module.h>
#include <linux/mutex.h>

#include "compat.h"
#include "mdev_virtio_private.h"

DEFINE_MUTEX(mdev_virtio_lock);
DECLARE_RWSEM(mdev_virtio_query_sem);
LIST_HEAD(mdev_virtio_devices);
unsigned int mdev_virtio_gen = 1;

/**
 * mdev_virtio_class_name() - name of a class id, as shown in sysfs
 * @class_id: %MDEV_VIRTIO_CLASS_ID_*
 *
 * Return: "virtio", "vhost", or "unknown".
 */
const char *mdev_virtio_class_name(u16 class_id)
{
	switch (class_id) {
	case MDEV_VIRTIO_CLASS_ID_VIRTIO:
		return MDEV_VIRTIO_CLASS_NAME_VIRTIO;
	case MDEV_VIRTIO_CLASS_ID_VHOST:
		return MDEV_VIRTIO_CLASS_NAME_VHOST;
	default:
		return "unknown";
	}
}
EXPORT_SYMBOL_GPL(mdev_virtio_class_name);

static bool mdev_virtio_ready_to_match(struct mdev_virtio_device *mdev)
{
	if (test_bit(MDEV_VIRTIO_F_READY, &mdev->flags))
		return true;
	/* Pairs with the barrier in mdev_virtio_device_activate(). */
	set_bit(MDEV_VIRTIO_F_PROBE_WANTED, &mdev->flags);
	smp_mb__after_atomic();
	return test_bit(MDEV_VIRTIO_F_READY, &mdev->flags);
}

static int mdev_virtio_match(struct device *dev, MDEV_VIRTIO_MATCH_CONST struct device_driver *drv)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	const struct mdev_virtio_driver *mdrv = to_mdev_virtio_driver(drv);
	const struct mdev_virtio_class_id *id;

	if (!mdev_virtio_ready_to_match(mdev))
		return 0;
	for (id = mdrv->id_table; id && id->id; id++) {
		if (id->id == mdev->class_id)
			return 1;
	}
	return 0;
}

static int mdev_virtio_uevent(MDEV_VIRTIO_UEVENT_CONST struct device *dev,
			      struct kobj_uevent_env *env)
{
	const struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	int ret;

	ret = add_uevent_var(env, "MODALIAS=" MDEV_VIRTIO_MODALIAS_PREFIX "%02X",
			     mdev->class_id);
	if (ret)
		return ret;
	return add_uevent_var(env, "MDEV_TYPE=%s", kobject_name(&mdev->type->kobj));
}

/*
 * DEV_BIND is reported before the driver's probe, so that listeners hear of
 * the binding before the status changes the driver makes; a failed probe
 * is reported as DEV_UNBIND.
 */
static int mdev_virtio_probe(struct device *dev)
{
	struct mdev_virtio_driver *drv = to_mdev_virtio_driver(dev->driver);
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	int ret;

	mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_BIND);
	ret = drv->probe ? drv->probe(mdev) : 0;
	if (ret)
		mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_UNBIND);
	return ret;
}

static void mdev_virtio_remove(struct device *dev)
{
	struct mdev_virtio_driver *drv = to_mdev_virtio_driver(dev->driver);
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);

	if (drv->remove)
		drv->remove(mdev);
	mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_UNBIND);
}

static const struct attribute_group *mdev_virtio_bus_dev_groups[] = {
	&mdev_virtio_dev_group,
	NULL,
};

struct bus_type mdev_virtio_bus_type = {
	.name = MDEV_VIRTIO_BUS_NAME,
	.dev_groups = mdev_virtio_bus_dev_groups,
	.match = mdev_virtio_match,
	.uevent = mdev_virtio_uevent,
	.probe = mdev_virtio_probe,
	.remove = mdev_virtio_remove,
};

/**
 * __mdev_virtio_register_driver() - register a class driver
 * @drv: the driver, with .driver.name, .id_table and .probe set
 * @owner: the module that implements it
 *
 * Use mdev_virtio_register_driver() or module_mdev_virtio_driver().
 *
 * Return: 0 or -errno.
 */
int __mdev_virtio_register_driver(struct mdev_virtio_driver *drv, struct module *owner)
{
	if (!drv->driver.name || !drv->id_table || !drv->probe)
		return -EINVAL;
	drv->driver.bus = &mdev_virtio_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__mdev_virtio_register_driver);

/**
 * mdev_virtio_unregister_driver() - unregister a class driver
 * @drv: a driver registered with mdev_virtio_register_driver()
 *
 * Unbinds it from every device first.
 */
void mdev_virtio_unregister_driver(struct mdev_virtio_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(mdev_virtio_unregister_driver);

static int __init mdev_virtio_init(void)
{
	int ret;

	ret = bus_register(&mdev_virtio_bus_type);
	if (ret)
		return ret;
	ret = mdev_virtio_parents_init();
	if (ret)
		goto err_bus;
	ret = mdev_virtio_events_init();
	if (ret)
		goto err_parents;
	ret = mdev_virtio_nl_init();
	if (ret)
		goto err_events;
	return 0;

err_events:
	mdev_virtio_events_exit();
err_parents:
	mdev_virtio_parents_exit();
err_bus:
	bus_unregister(&mdev_virtio_bus_type);
	return ret;
}

/* Every parent is gone (they depend on us); event work may still be queued. */
static void __exit mdev_virtio_exit(void)
{
	mdev_virtio_events_exit();
	mdev_virtio_nl_exit();
	mdev_virtio_parents_exit();
	bus_unregister(&mdev_virtio_bus_type);
}

module_init(mdev_virtio_init);
module_exit(mdev_virtio_exit);

MODULE_DESCRIPTION("Mediated virtio bus");
MODULE_LICENSE("GPL");
