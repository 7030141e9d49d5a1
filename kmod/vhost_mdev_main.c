// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_mdev_main.c: the module, the /dev/vhost-mdev-<N> nodes, and the
 * device-level vhost-vdpa ioctls (see vhost_mdev.h for the whole contract).
 *
 * One opener at a time: a second open() gets -EBUSY.  Opening resets the
 * device; closing resets it, gives it an empty map, unpins everything and
 * drops every eventfd, so nothing of one user survives into the next.
 * A node's device is released after its cdev, so after the last close, which
 * may be after unbinding: module exit waits for the last release.
 */
#include <linux/fs.h>
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>
#include <linux/virtio_config.h>

#include "compat.h"
#include "mdev_virtio_releases.h"
#include "vhost_mdev.h"

#define VHOST_MDEV_MINORS (1U << MINORBITS)

static dev_t vhost_mdev_devt;
static struct class *vhost_mdev_class;
static DEFINE_IDA(vhost_mdev_ida);
/* vhost-mdev devices not yet released (their release uses vhost_mdev_ida). */
static struct mdev_virtio_releases vhost_mdev_releases = MDEV_VIRTIO_RELEASES_INIT;

static irqreturn_t vhost_mdev_config_interrupt(void *private)
{
	struct vhost_mdev *v = private;
	unsigned long flags;

	spin_lock_irqsave(&v->config_lock, flags);
	if (v->config_call)
		eventfd_signal(v->config_call, 1);
	spin_unlock_irqrestore(&v->config_lock, flags);
	return IRQ_HANDLED;
}

static void vhost_mdev_swap_config_call(struct vhost_mdev *v, struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old;
	unsigned long flags;

	spin_lock_irqsave(&v->config_lock, flags);
	old = v->config_call;
	v->config_call = ctx;
	spin_unlock_irqrestore(&v->config_lock, flags);
	if (old)
		eventfd_ctx_put(old);
}

static void vhost_mdev_install_config_cb(struct vhost_mdev *v)
{
	const struct mdev_virtio_callback cb = {
		.callback = vhost_mdev_config_interrupt,
		.private = v,
	};

	v->mdev->ops->set_config_cb(v->mdev, &cb);
}

static int vhost_mdev_set_config_call(struct vhost_mdev *v, int __user *argp)
{
	struct eventfd_ctx *ctx = NULL;
	int fd;

	if (get_user(fd, argp))
		return -EFAULT;
	if (fd != VHOST_FILE_UNBIND) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	vhost_mdev_swap_config_call(v, ctx);
	vhost_mdev_install_config_cb(v);
	return 0;
}

/* A reset, through the op that may fail where the parent has it. */
static int vhost_mdev_reset(struct vhost_mdev *v)
{
	return mdev_virtio_reset_device(v->mdev);
}

static u64 vhost_mdev_backend_features(struct vhost_mdev *v)
{
	return VHOST_MDEV_BACKEND_FEATURES |
	       (v->mdev->ops->suspend ? BIT_ULL(VHOST_BACKEND_F_SUSPEND) : 0);
}

/* Status bits are only ever added, except by a reset to 0 (as vhost-vdpa). */
static int vhost_mdev_set_status(struct vhost_mdev *v, u8 __user *argp)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;
	u8 status, old;

	if (get_user(status, argp))
		return -EFAULT;
	old = ops->get_status(v->mdev);
	if (status && (old & ~status))
		return -EINVAL;
	if (!status)
		return vhost_mdev_reset(v);
	if ((status & VIRTIO_CONFIG_S_DRIVER_OK) && !(old & VIRTIO_CONFIG_S_DRIVER_OK)) {
		/* The device forgot its interrupts at its last reset. */
		vhost_mdev_vqs_install_cbs(v);
		vhost_mdev_install_config_cb(v);
	}
	mdev_virtio_set_status(v->mdev, status);
	return 0;
}

/* The config space window: [off, off + len) within the config size. */
static int vhost_mdev_config_window(struct vhost_mdev *v, struct vhost_vdpa_config __user *argp,
				    struct vhost_vdpa_config *c)
{
	size_t size = v->mdev->ops->get_config_size(v->mdev);

	if (copy_from_user(c, argp, sizeof(*c)))
		return -EFAULT;
	if (!c->len || c->off > size || c->len > size - c->off)
		return -EINVAL;
	return 0;
}

static int vhost_mdev_get_config(struct vhost_mdev *v, struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	u8 *buf;
	int ret;

	ret = vhost_mdev_config_window(v, argp, &c);
	if (ret)
		return ret;
	buf = kzalloc(c.len, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	v->mdev->ops->get_config(v->mdev, c.off, buf, c.len);
	ret = copy_to_user(argp->buf, buf, c.len) ? -EFAULT : 0;
	kfree(buf);
	return ret;
}

static int vhost_mdev_set_config(struct vhost_mdev *v, struct vhost_vdpa_config __user *argp)
{
	struct vhost_vdpa_config c;
	u8 *buf;
	int ret;

	ret = vhost_mdev_config_window(v, argp, &c);
	if (ret)
		return ret;
	buf = memdup_user(argp->buf, c.len);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	v->mdev->ops->set_config(v->mdev, c.off, buf, c.len);
	kfree(buf);
	return 0;
}

static int vhost_mdev_set_features(struct vhost_mdev *v, u64 __user *argp)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;
	u64 features;

	if (copy_from_user(&features, argp, sizeof(features)))
		return -EFAULT;
	if (ops->get_status(v->mdev) & VIRTIO_CONFIG_S_FEATURES_OK)
		return -EBUSY;
	return ops->set_features(v->mdev, features) ? -EINVAL : 0;
}

static int vhost_mdev_set_owner(struct vhost_mdev *v)
{
	if (v->mm)
		return -EBUSY;
	v->mm = current->mm;
	mmgrab(v->mm);
	return 0;
}

static int vhost_mdev_set_backend_features(struct vhost_mdev *v, u64 __user *argp)
{
	u64 features;

	if (copy_from_user(&features, argp, sizeof(features)))
		return -EFAULT;
	if (features & ~vhost_mdev_backend_features(v))
		return -EOPNOTSUPP;
	v->backend_features = features;
	return 0;
}

static long vhost_mdev_device_ioctl(struct vhost_mdev *v, unsigned int cmd, void __user *argp)
{
	struct mdev_virtio_device *mdev = v->mdev;
	const struct mdev_virtio_ops *ops = mdev->ops;
	struct vhost_vdpa_iova_range range;
	u64 u64val;

	switch (cmd) {
	case VHOST_GET_FEATURES:
		u64val = ops->get_features(mdev);
		return copy_to_user(argp, &u64val, sizeof(u64val)) ? -EFAULT : 0;
	case VHOST_SET_FEATURES:
		return vhost_mdev_set_features(v, argp);
	case VHOST_SET_OWNER:
		return vhost_mdev_set_owner(v);
	case VHOST_GET_BACKEND_FEATURES:
		u64val = vhost_mdev_backend_features(v);
		return copy_to_user(argp, &u64val, sizeof(u64val)) ? -EFAULT : 0;
	case VHOST_SET_BACKEND_FEATURES:
		return vhost_mdev_set_backend_features(v, argp);
	case VHOST_VDPA_GET_DEVICE_ID:
		return put_user(ops->get_device_id(mdev), (u32 __user *)argp);
	case VHOST_VDPA_GET_STATUS:
		return put_user(ops->get_status(mdev), (u8 __user *)argp);
	case VHOST_VDPA_SET_STATUS:
		return vhost_mdev_set_status(v, argp);
	case VHOST_VDPA_GET_CONFIG:
		return vhost_mdev_get_config(v, argp);
	case VHOST_VDPA_SET_CONFIG:
		return vhost_mdev_set_config(v, argp);
	case VHOST_VDPA_GET_CONFIG_SIZE:
		return put_user((u32)ops->get_config_size(mdev), (u32 __user *)argp);
	case VHOST_VDPA_GET_VRING_NUM:
		return put_user(ops->get_vq_num_max(mdev), (u16 __user *)argp);
	case VHOST_VDPA_GET_VQS_COUNT:
		return put_user(v->nvqs, (u32 __user *)argp);
	case VHOST_VDPA_GET_IOVA_RANGE:
		vhost_mdev_iova_range(v, &range);
		return copy_to_user(argp, &range, sizeof(range)) ? -EFAULT : 0;
	case VHOST_VDPA_SET_CONFIG_CALL:
		return vhost_mdev_set_config_call(v, argp);
	case VHOST_VDPA_SUSPEND:
		if (!(v->backend_features & BIT_ULL(VHOST_BACKEND_F_SUSPEND)))
			return -EOPNOTSUPP;
		return ops->suspend(mdev);
	default:
		return vhost_mdev_vq_ioctl(v, cmd, argp);
	}
}

static long vhost_mdev_ioctl(struct file *filp, unsigned int cmd, unsigned long arg)
{
	struct vhost_mdev *v = filp->private_data;
	long ret;

	mutex_lock(&v->lock);
	ret = v->mdev ? vhost_mdev_device_ioctl(v, cmd, (void __user *)arg) : -ENODEV;
	mutex_unlock(&v->lock);
	return ret;
}

static ssize_t vhost_mdev_write(struct file *filp, const char __user *buf, size_t len,
				loff_t *ppos)
{
	struct vhost_mdev *v = filp->private_data;
	ssize_t ret;

	mutex_lock(&v->lock);
	ret = v->mdev ? vhost_mdev_iotlb_write(v, buf, len) : -ENODEV;
	mutex_unlock(&v->lock);
	return ret;
}

/* Let go of the device: reset, empty map, nothing pinned, no eventfd. */
static void vhost_mdev_detach_user(struct vhost_mdev *v)
{
	lockdep_assert_held(&v->lock);
	if (v->mdev) {
		if (vhost_mdev_reset(v))
			dev_warn(&v->dev, "reset failed as its user let go\n");
		vhost_mdev_iotlb_release(v);
		vhost_mdev_iommu_detach(v);
	}
	vhost_mdev_vqs_release(v);
	vhost_mdev_swap_config_call(v, NULL);
	if (v->mm) {
		mmdrop(v->mm);
		v->mm = NULL;
	}
	v->backend_features = 0;
}

static int vhost_mdev_open(struct inode *inode, struct file *filp)
{
	struct vhost_mdev *v = container_of(inode->i_cdev, struct vhost_mdev, cdev);
	int ret = 0;

	mutex_lock(&v->lock);
	if (!v->mdev)
		ret = -ENODEV;
	else if (v->opened)
		ret = -EBUSY;
	else
		ret = vhost_mdev_reset(v);
	if (!ret)
		ret = vhost_mdev_iotlb_open(v);
	if (!ret) {
		ret = vhost_mdev_iommu_attach(v);
		if (ret)
			vhost_mdev_iotlb_release(v);
	}
	if (!ret) {
		vhost_mdev_vqs_init(v);
		v->opened = true;
		filp->private_data = v;
	}
	mutex_unlock(&v->lock);
	return ret ? ret : nonseekable_open(inode, filp);
}

static int vhost_mdev_release(struct inode *inode, struct file *filp)
{
	struct vhost_mdev *v = filp->private_data;

	mutex_lock(&v->lock);
	vhost_mdev_detach_user(v);
	v->opened = false;
	mutex_unlock(&v->lock);
	return 0;
}

static const struct file_operations vhost_mdev_fops = {
	.owner = THIS_MODULE,
	.open = vhost_mdev_open,
	.release = vhost_mdev_release,
	.write = vhost_mdev_write,
	.unlocked_ioctl = vhost_mdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* translation: how the device learns the IOTLB ("set_map", "dma_map", "platform"). */
static ssize_t translation_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vhost_mdev *v = container_of(dev, struct vhost_mdev, dev);

	return sysfs_emit(buf, "%s\n", vhost_mdev_translation_name(v->xlate));
}
static DEVICE_ATTR_RO(translation);

/* iommu_domain: platform mode: "attached" while a user has the node open, else "detached". */
static ssize_t iommu_domain_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vhost_mdev *v = container_of(dev, struct vhost_mdev, dev);
	bool attached;

	if (v->xlate != VHOST_MDEV_XLATE_PLATFORM)
		return sysfs_emit(buf, "none\n");
	mutex_lock(&v->lock);
	attached = v->domain;
	mutex_unlock(&v->lock);
	return sysfs_emit(buf, "%s\n", attached ? "attached" : "detached");
}
static DEVICE_ATTR_RO(iommu_domain);

static struct attribute *vhost_mdev_attrs[] = {
	&dev_attr_translation.attr,
	&dev_attr_iommu_domain.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vhost_mdev);

static void vhost_mdev_release_dev(struct device *dev)
{
	struct vhost_mdev *v = container_of(dev, struct vhost_mdev, dev);

	ida_free(&vhost_mdev_ida, v->minor);
	mutex_destroy(&v->lock);
	kfree(v->vqs);
	kfree(v);
	mdev_virtio_releases_done(&vhost_mdev_releases);
}

static int vhost_mdev_probe(struct mdev_virtio_device *mdev)
{
	const struct mdev_virtio_ops *ops = mdev->ops;
	struct vhost_mdev *v;
	int minor, ret, xlate;

	if (!ops->get_config_size || !mdev->nvqs)
		return -EOPNOTSUPP;
	xlate = vhost_mdev_translation_of(mdev);
	if (xlate < 0)
		return xlate;

	minor = ida_alloc_max(&vhost_mdev_ida, VHOST_MDEV_MINORS - 1, GFP_KERNEL);
	if (minor < 0)
		return minor;
	v = kzalloc(sizeof(*v), GFP_KERNEL);
	if (!v) {
		ida_free(&vhost_mdev_ida, minor);
		return -ENOMEM;
	}
	v->minor = minor;
	v->mdev = mdev;
	v->xlate = xlate;
	v->nvqs = mdev->nvqs;
	mutex_init(&v->lock);
	spin_lock_init(&v->config_lock);
	vhost_iotlb_init(&v->empty, 0, 0);

	/* From here on only the release frees it, maybe after the last close. */
	mdev_virtio_releases_add(&vhost_mdev_releases);
	device_initialize(&v->dev);
	v->dev.release = vhost_mdev_release_dev;
	v->dev.class = vhost_mdev_class;
	v->dev.groups = vhost_mdev_groups;
	v->dev.parent = &mdev->dev;
	v->dev.devt = MKDEV(MAJOR(vhost_mdev_devt), minor);
	v->vqs = kcalloc(v->nvqs, sizeof(*v->vqs), GFP_KERNEL);
	if (!v->vqs) {
		ret = -ENOMEM;
		goto err_put;
	}
	vhost_mdev_vqs_init(v);
	ret = dev_set_name(&v->dev, "vhost-mdev-%d", minor);
	if (ret)
		goto err_put;

	cdev_init(&v->cdev, &vhost_mdev_fops);
	v->cdev.owner = THIS_MODULE;
	ret = cdev_device_add(&v->cdev, &v->dev);
	if (ret)
		goto err_put;
	dev_set_drvdata(&mdev->dev, v);
	return 0;

err_put:
	put_device(&v->dev);
	return ret;
}

static void vhost_mdev_remove(struct mdev_virtio_device *mdev)
{
	struct vhost_mdev *v = dev_get_drvdata(&mdev->dev);

	/* No new opener; one already in gets -ENODEV from now on. */
	cdev_device_del(&v->cdev, &v->dev);
	mutex_lock(&v->lock);
	vhost_mdev_detach_user(v);
	v->mdev = NULL;
	mutex_unlock(&v->lock);
	dev_set_drvdata(&mdev->dev, NULL);
	put_device(&v->dev);
}

static const struct mdev_virtio_class_id vhost_mdev_id_table[] = {
	{ MDEV_VIRTIO_CLASS_ID_VHOST },
	{ 0 },
};

static struct mdev_virtio_driver vhost_mdev_driver = {
	.driver = {
		.name = "vhost_mdev",
	},
	.id_table = vhost_mdev_id_table,
	.probe = vhost_mdev_probe,
	.remove = vhost_mdev_remove,
};

static int __init vhost_mdev_init(void)
{
	int ret;

	/* DPDK takes a node for vhost-vdpa by a region name starting "vhost-vdpa". */
	ret = alloc_chrdev_region(&vhost_mdev_devt, 0, VHOST_MDEV_MINORS, "vhost-vdpa-mdev");
	if (ret)
		return ret;
	vhost_mdev_class = mdev_virtio_class_create("vhost-mdev");
	if (IS_ERR(vhost_mdev_class)) {
		ret = PTR_ERR(vhost_mdev_class);
		goto err_region;
	}
	ret = mdev_virtio_register_driver(&vhost_mdev_driver);
	if (ret)
		goto err_class;
	return 0;

err_class:
	class_destroy(vhost_mdev_class);
err_region:
	unregister_chrdev_region(vhost_mdev_devt, VHOST_MDEV_MINORS);
	return ret;
}

static void __exit vhost_mdev_exit(void)
{
	mdev_virtio_unregister_driver(&vhost_mdev_driver);
	/* Unbound devices go when their cdev does, after the last close. */
	mdev_virtio_releases_wait(&vhost_mdev_releases, "vhost-mdev devices");
	class_destroy(vhost_mdev_class);
	unregister_chrdev_region(vhost_mdev_devt, VHOST_MDEV_MINORS);
}

module_init(vhost_mdev_init);
module_exit(vhost_mdev_exit);

/* Out-of-tree modpost cannot turn a device table of ours into an alias. */
MODULE_ALIAS("mdev_virtio:c02");
MODULE_DESCRIPTION("vhost-vdpa character devices for mediated virtio devices");
MODULE_LICENSE("GPL");
