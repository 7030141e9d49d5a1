// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_events.c: where device events come from.
 *
 * The bus itself reports DEV_NEW (creator), DEV_DEL (remover), DEV_BIND and
 * DEV_UNBIND (probe/remove); this file holds what drivers and parents call:
 *  - the bound class driver changes the status byte through
 *    mdev_virtio_set_status() and mdev_virtio_reset_device(), which call the
 *    op and report DEV_STATUS if the byte changed;
 *  - the parent calls mdev_virtio_config_changed() from any context when
 *    its config space changed or it set NEEDS_RESET.  That queues the
 *    device's event work (holding a device reference), which reports
 *    DEV_CONFIG_CHANGED, and DEV_STATUS if the status byte differs from the
 *    one last reported, only while the device is ACTIVE: a device being
 *    removed is not touched.  The work runs on mdev_virtio_wq, which module
 *    exit destroys after draining it.
 */
#include <linux/workqueue.h>

#include "mdev_virtio_private.h"

static struct workqueue_struct *mdev_virtio_wq;

static void mdev_virtio_status_reported(struct mdev_virtio_device *mdev, u8 old)
{
	u8 status = mdev->ops->get_status(mdev);

	WRITE_ONCE(mdev->last_status, status);
	if (status != old)
		mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_STATUS);
}

/**
 * mdev_virtio_set_status() - set a device's status byte, for its driver
 * @mdev: a device the caller is bound to
 * @status: the new status byte; 0 resets
 *
 * Calls @mdev->ops->set_status and tells the events group if the byte
 * changed.
 *
 * Context: process context.
 */
void mdev_virtio_set_status(struct mdev_virtio_device *mdev, u8 status)
{
	u8 old = mdev->ops->get_status(mdev);

	mdev->ops->set_status(mdev, status);
	mdev_virtio_status_reported(mdev, old);
}
EXPORT_SYMBOL_GPL(mdev_virtio_set_status);

/**
 * mdev_virtio_reset_device() - reset a device, for its driver
 * @mdev: a device the caller is bound to
 *
 * Uses the parent's @reset op where it has one, else set_status(0), and
 * tells the events group if the status byte changed.
 *
 * Context: process context.
 * Return: 0, or the -errno of a reset that failed.
 */
int mdev_virtio_reset_device(struct mdev_virtio_device *mdev)
{
	u8 old = mdev->ops->get_status(mdev);
	int ret = 0;

	if (mdev->ops->reset)
		ret = mdev->ops->reset(mdev);
	else
		mdev->ops->set_status(mdev, 0);
	mdev_virtio_status_reported(mdev, old);
	return ret;
}
EXPORT_SYMBOL_GPL(mdev_virtio_reset_device);

/**
 * mdev_virtio_config_changed() - a parent's device changed its config or status
 * @mdev: a device of the caller's, between its create() and remove()
 *
 * The parent still raises the driver's config callback itself; this tells
 * management.  Changes close together may be reported once.
 *
 * Context: any context.
 */
void mdev_virtio_config_changed(struct mdev_virtio_device *mdev)
{
	/* The creation reference is ours until remove(): this is never the last. */
	get_device(&mdev->dev);
	if (!queue_work(mdev_virtio_wq, &mdev->event_work))
		put_device(&mdev->dev);
}
EXPORT_SYMBOL_GPL(mdev_virtio_config_changed);

void mdev_virtio_event_work(struct work_struct *work)
{
	struct mdev_virtio_device *mdev = container_of(work, struct mdev_virtio_device,
						       event_work);
	bool active;

	down_read(&mdev_virtio_query_sem);
	mutex_lock(&mdev_virtio_lock);
	active = mdev->state == MDEV_VIRTIO_ACTIVE;
	mutex_unlock(&mdev_virtio_lock);
	if (active) {
		device_lock(&mdev->dev);
		mdev_virtio_nl_notify(mdev, MDEV_VIRTIO_CMD_DEV_CONFIG_CHANGED);
		mdev_virtio_status_reported(mdev, READ_ONCE(mdev->last_status));
		device_unlock(&mdev->dev);
	}
	up_read(&mdev_virtio_query_sem);
	put_device(&mdev->dev);
}

int mdev_virtio_events_init(void)
{
	mdev_virtio_wq = alloc_workqueue("mdev_virtio", 0, 0);
	return mdev_virtio_wq ? 0 : -ENOMEM;
}

void mdev_virtio_events_exit(void)
{
	destroy_workqueue(mdev_virtio_wq);
}
