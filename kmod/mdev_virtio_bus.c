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
 *
 * The module's exit waits until the driver core has released everything of
 * ours it may still release later: devices and types (mdev_virtio_releases),
 * and the bus itself (mdev_virtio_bus_unregister()).
 */
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/mutex.h>

#include "compat.h"
#include "mdev_virtio_private.h"

DEFINE_MUTEX(mdev_virtio_lock);
DECLARE_RWSEM(mdev_virtio_query_sem);
LIST_HEAD(mdev_virtio_devices);
unsigned int mdev_virtio_gen = 1;
struct mdev_virtio_releases mdev_virtio_releases = MDEV_VIRTIO_RELEASES_INIT;

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

/*
 * Linux before 6.3 keeps the bus's driver-core part in bus->p, and its
 * kobject release, bus_release(), ends with "bus->p = NULL": a store into our
 * static mdev_virtio_bus_type.  That release runs when the last reference
 * goes, which CONFIG_DEBUG_KOBJECT_RELEASE defers by 1-4 s; run after our
 * module is gone, it writes into freed module memory, or into the bus_type
 * of the mdev_virtio loaded next at the same address, whose bus->p it
 * clears under it (bus_unregister() then oopses).  So the bus may not go
 * with the module until that store has happened.  From 6.3 on the core no
 * longer writes into the bus_type.
 */
#ifdef MDEV_VIRTIO_BUS_TYPE_HAS_P
/* How often to look; only a deferred release (debug kernels) makes us look twice. */
#define MDEV_VIRTIO_BUS_POLL_MS 20

/*
 * The store is the release's last access to the bus_type: once it is seen,
 * nothing of the core uses our memory any more.  No one wakes us, hence the
 * polling; it ends with the release, however long a reference kept it.
 */
static void mdev_virtio_bus_wait_released(void)
{
	while (READ_ONCE(mdev_virtio_bus_type.p))
		msleep(MDEV_VIRTIO_BUS_POLL_MS);
}

/*
 * bus_register() failed.  If it had added the bus's kobject, its error path
 * put it, and cleared bus->p itself, before the deferred release that will
 * clear it again: there is no pointer left to wait on.  Put a marker there
 * instead, which that release overwrites with NULL.  The debug option defers
 * a release by at least HZ, against the few instructions from bus_register()'s
 * last store to ours, so the marker is in place before the release can run.
 * If the failure came before the kobject was added, no release is pending
 * and nothing overwrites the marker: the wait ends after the longest delay
 * the option applies (4 s) plus slack for the timer and the workqueue.
 * Without the option the release, if any, ran inside bus_register().
 */
#define MDEV_VIRTIO_BUS_REG_MARKER ((struct subsys_private *)ERR_PTR(-EINPROGRESS))
#define MDEV_VIRTIO_BUS_RELEASE_MAX (10 * HZ)

static void mdev_virtio_bus_wait_failed_register(void)
{
	unsigned long until = jiffies + MDEV_VIRTIO_BUS_RELEASE_MAX;

	if (!IS_ENABLED(CONFIG_DEBUG_KOBJECT_RELEASE))
		return;
	WRITE_ONCE(mdev_virtio_bus_type.p, MDEV_VIRTIO_BUS_REG_MARKER);
	while (READ_ONCE(mdev_virtio_bus_type.p) && time_before(jiffies, until))
		msleep(MDEV_VIRTIO_BUS_POLL_MS);
	WRITE_ONCE(mdev_virtio_bus_type.p, NULL);
}
#else
static void mdev_virtio_bus_wait_released(void) { }
static void mdev_virtio_bus_wait_failed_register(void) { }
#endif

static int mdev_virtio_bus_register(void)
{
	int ret = bus_register(&mdev_virtio_bus_type);

	if (ret)
		mdev_virtio_bus_wait_failed_register();
	return ret;
}

static void mdev_virtio_bus_unregister(void)
{
	bus_unregister(&mdev_virtio_bus_type);
	mdev_virtio_bus_wait_released();
}

static int __init mdev_virtio_init(void)
{
	int ret;

	ret = mdev_virtio_bus_register();
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
	mdev_virtio_bus_unregister();
	return ret;
}

/*
 * Every parent is gone (they depend on us); event work may still be queued.
 * Releases of devices and types may still be pending: they call our code.
 */
static void __exit mdev_virtio_exit(void)
{
	mdev_virtio_events_exit();
	mdev_virtio_nl_exit();
	mdev_virtio_parents_exit();
	mdev_virtio_releases_wait(&mdev_virtio_releases, "devices and types");
	mdev_virtio_bus_unregister();
}

module_init(mdev_virtio_init);
module_exit(mdev_virtio_exit);

MODULE_DESCRIPTION("Mediated virtio bus");
MODULE_LICENSE("GPL");
