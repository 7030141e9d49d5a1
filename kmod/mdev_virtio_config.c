// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_config.c: provisioning attributes of a device.
 *
 * net: mac, mtu, max_vqp; blk: capacity (512-byte sectors).  They live in
 * mdev->config and may change only while no driver is bound (-EBUSY
 * otherwise), under the device lock, which the driver core also holds while
 * binding: a bound driver therefore sees constant values.  The parent may
 * refuse a value (config_update), e.g. a capacity it cannot back.
 */
#include <linux/etherdevice.h>
#include <linux/kernel.h>
#include <linux/sysfs.h>
#include <uapi/linux/virtio_ids.h>

#include "mdev_virtio_private.h"

/* Store @cfg if no driver is bound and the parent agrees; device lock held. */
static int mdev_virtio_config_commit(struct mdev_virtio_device *mdev,
				     const struct mdev_virtio_dev_config *cfg)
{
	const struct mdev_virtio_parent_ops *ops = mdev->type->parent->ops;
	int ret;

	device_lock_assert(&mdev->dev);
	if (mdev->dev.driver)
		return -EBUSY;
	if (ops->config_update) {
		ret = ops->config_update(mdev, cfg);
		if (ret)
			return ret;
	}
	mdev->config = *cfg;
	return 0;
}

/* Change one field of a copy of the config under the device lock, then commit. */
#define MDEV_VIRTIO_CONFIG_SET(mdev, field, value) ({			\
	struct mdev_virtio_dev_config __cfg;				\
	int __ret;							\
									\
	device_lock(&(mdev)->dev);					\
	__cfg = (mdev)->config;						\
	__cfg.field = (value);						\
	__ret = mdev_virtio_config_commit(mdev, &__cfg);		\
	device_unlock(&(mdev)->dev);					\
	__ret;								\
})

static ssize_t mac_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	u8 mac[ETH_ALEN];

	device_lock(dev);
	ether_addr_copy(mac, mdev->config.mac);
	device_unlock(dev);
	return sysfs_emit(buf, "%pM\n", mac);
}

static ssize_t mac_store(struct device *dev, struct device_attribute *attr, const char *buf,
			 size_t count)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	struct mdev_virtio_dev_config cfg;
	size_t len = count;
	u8 mac[ETH_ALEN];
	int ret;

	if (len && buf[len - 1] == '\n')
		len--;
	if (len != 3 * ETH_ALEN - 1 || !mac_pton(buf, mac) || !is_valid_ether_addr(mac))
		return -EINVAL;

	device_lock(dev);
	cfg = mdev->config;
	ether_addr_copy(cfg.mac, mac);
	ret = mdev_virtio_config_commit(mdev, &cfg);
	device_unlock(dev);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(mac);

static ssize_t mtu_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_mdev_virtio_device(dev)->config.mtu));
}

static ssize_t mtu_store(struct device *dev, struct device_attribute *attr, const char *buf,
			 size_t count)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	u16 mtu;
	int ret;

	if (kstrtou16(buf, 10, &mtu) || mtu < MDEV_VIRTIO_MTU_MIN)
		return -EINVAL;
	ret = MDEV_VIRTIO_CONFIG_SET(mdev, mtu, mtu);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(mtu);

static ssize_t max_vqp_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", READ_ONCE(to_mdev_virtio_device(dev)->config.max_vqp));
}

static ssize_t max_vqp_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	u16 vqp;
	int ret;

	if (kstrtou16(buf, 10, &vqp) || !vqp || vqp > mdev->type->max_vqp)
		return -EINVAL;
	ret = MDEV_VIRTIO_CONFIG_SET(mdev, max_vqp, vqp);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(max_vqp);

static ssize_t capacity_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	u64 capacity;

	device_lock(dev);
	capacity = mdev->config.capacity;
	device_unlock(dev);
	return sysfs_emit(buf, "%llu\n", capacity);
}

static ssize_t capacity_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(dev);
	u64 capacity;
	int ret;

	if (kstrtou64(buf, 10, &capacity) || !capacity)
		return -EINVAL;
	ret = MDEV_VIRTIO_CONFIG_SET(mdev, capacity, capacity);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(capacity);

static struct attribute *mdev_virtio_config_attrs[] = {
	&dev_attr_mac.attr,
	&dev_attr_mtu.attr,
	&dev_attr_max_vqp.attr,
	&dev_attr_capacity.attr,
	NULL,
};

static umode_t mdev_virtio_config_visible(struct kobject *kobj, struct attribute *attr, int n)
{
	struct mdev_virtio_device *mdev = to_mdev_virtio_device(kobj_to_dev(kobj));

	switch (mdev->device_id) {
	case VIRTIO_ID_NET:
		if (attr == &dev_attr_mac.attr || attr == &dev_attr_mtu.attr ||
		    attr == &dev_attr_max_vqp.attr)
			return attr->mode;
		return 0;
	case VIRTIO_ID_BLOCK:
		return attr == &dev_attr_capacity.attr ? attr->mode : 0;
	default:
		return 0;
	}
}

const struct attribute_group mdev_virtio_config_group = {
	.attrs = mdev_virtio_config_attrs,
	.is_visible = mdev_virtio_config_visible,
};
