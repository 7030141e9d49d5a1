// SPDX-License-Identifier: GPL-2.0-only
/*
 * virtio_mdev: the virtio transport for mediated virtio devices.
 *
 * Binds the devices of class "virtio" on the mdev_virtio bus and registers a
 * virtio_device for each, so the stock virtio drivers (virtio_net,
 * virtio_blk, ...) drive them.  virtio_config_ops map one to one onto
 * struct mdev_virtio_ops.  The device is not offered VIRTIO_F_ACCESS_PLATFORM
 * by mvsim, so virtio_ring hands it physical addresses.
 *
 * Ownership: the virtio_mdev_device is freed by its virtio_device's release;
 * the mdev_virtio_device outlives the binding.  That release may run after
 * the unbinding returned (a reference held elsewhere, or
 * CONFIG_DEBUG_KOBJECT_RELEASE): module exit waits for the last one.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <linux/mdev_virtio.h>

#include "mdev_virtio_releases.h"

/* virtio devices not yet released. */
static struct mdev_virtio_releases virtio_mdev_releases = MDEV_VIRTIO_RELEASES_INIT;

struct virtio_mdev_device {
	struct virtio_device vdev;
	struct mdev_virtio_device *mdev;
};

static struct virtio_mdev_device *to_virtio_mdev(struct virtio_device *vdev)
{
	return container_of(vdev, struct virtio_mdev_device, vdev);
}

static struct mdev_virtio_device *vdev_to_mdev(struct virtio_device *vdev)
{
	return to_virtio_mdev(vdev)->mdev;
}

static void virtio_mdev_get(struct virtio_device *vdev, unsigned int offset, void *buf,
			    unsigned int len)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	mdev->ops->get_config(mdev, offset, buf, len);
}

static void virtio_mdev_set(struct virtio_device *vdev, unsigned int offset, const void *buf,
			    unsigned int len)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	mdev->ops->set_config(mdev, offset, buf, len);
}

static u32 virtio_mdev_generation(struct virtio_device *vdev)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	return mdev->ops->get_generation ? mdev->ops->get_generation(mdev) : 0;
}

static u8 virtio_mdev_get_status(struct virtio_device *vdev)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	return mdev->ops->get_status(mdev);
}

static void virtio_mdev_set_status(struct virtio_device *vdev, u8 status)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	mdev_virtio_set_status(mdev, status);
}

static void virtio_mdev_reset(struct virtio_device *vdev)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);
	int ret;

	/* virtio's reset cannot fail: a device that did not come back says so. */
	ret = mdev_virtio_reset_device(mdev);
	if (ret)
		dev_err(&mdev->dev, "reset failed: %d\n", ret);
}

static bool virtio_mdev_notify(struct virtqueue *vq)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vq->vdev);

	mdev->ops->kick_vq(mdev, vq->index);
	return true;
}

static irqreturn_t virtio_mdev_vq_interrupt(void *private)
{
	return vring_interrupt(0, private);
}

static irqreturn_t virtio_mdev_config_interrupt(void *private)
{
	struct virtio_mdev_device *vm = private;

	virtio_config_changed(&vm->vdev);
	return IRQ_HANDLED;
}

static void virtio_mdev_del_vq(struct virtqueue *vq)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vq->vdev);
	const struct mdev_virtio_callback no_cb = {};

	mdev->ops->set_vq_ready(mdev, vq->index, false);
	WARN_ON(mdev->ops->get_vq_ready(mdev, vq->index));
	mdev->ops->set_vq_cb(mdev, vq->index, &no_cb);
	vring_del_virtqueue(vq);
}

static void virtio_mdev_del_vqs(struct virtio_device *vdev)
{
	struct virtqueue *vq, *n;

	list_for_each_entry_safe(vq, n, &vdev->vqs, list)
		virtio_mdev_del_vq(vq);
}

/* Hand the device a fresh ring (at avail index 0) and enable it. */
static int virtio_mdev_enable_vq(struct virtqueue *vq)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vq->vdev);
	const struct mdev_virtio_ops *ops = mdev->ops;
	int ret;

	ops->set_vq_num(mdev, vq->index, virtqueue_get_vring_size(vq));
	ret = ops->set_vq_address(mdev, vq->index, virtqueue_get_desc_addr(vq),
				  virtqueue_get_avail_addr(vq), virtqueue_get_used_addr(vq));
	if (ret)
		return ret;
	ret = ops->set_vq_state(mdev, vq->index, 0);
	if (ret)
		return ret;
	ops->set_vq_ready(mdev, vq->index, true);
	return ops->get_vq_ready(mdev, vq->index) ? 0 : -EIO;
}

/*
 * Per-queue reset, for virtqueue_resize() (ethtool -G): a disabled queue is
 * one the device no longer touches, whose interrupt it no longer raises.
 */
static int virtio_mdev_disable_vq_and_reset(struct virtqueue *vq)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vq->vdev);

	mdev->ops->set_vq_ready(mdev, vq->index, false);
	return mdev->ops->get_vq_ready(mdev, vq->index) ? -EBUSY : 0;
}

static int virtio_mdev_enable_vq_after_reset(struct virtqueue *vq)
{
	return virtio_mdev_enable_vq(vq);
}

static struct virtqueue *virtio_mdev_setup_vq(struct virtio_device *vdev, unsigned int idx,
					      vq_callback_t *callback, const char *name,
					      bool ctx)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);
	const struct mdev_virtio_ops *ops = mdev->ops;
	struct mdev_virtio_callback cb;
	struct virtqueue *vq;
	u16 num;
	int ret;

	/* A queue left enabled means the device was not reset. */
	if (ops->get_vq_ready(mdev, idx))
		return ERR_PTR(-ENOENT);
	num = ops->get_vq_num_max(mdev);
	if (!num || (ops->get_vq_num_min && num < ops->get_vq_num_min(mdev)))
		return ERR_PTR(-ENOENT);

	vq = vring_create_virtqueue(idx, num, ops->get_vq_align(mdev), vdev, true, true, ctx,
				    virtio_mdev_notify, callback, name);
	if (!vq)
		return ERR_PTR(-ENOMEM);
	/* What ethtool -g reports as the maximum, and -G may resize up to. */
	vq->num_max = num;

	cb.callback = callback ? virtio_mdev_vq_interrupt : NULL;
	cb.private = vq;
	ops->set_vq_cb(mdev, idx, &cb);
	ret = virtio_mdev_enable_vq(vq);
	if (ret)
		goto err;
	return vq;

err:
	virtio_mdev_del_vq(vq);
	return ERR_PTR(ret);
}

static int virtio_mdev_find_vqs(struct virtio_device *vdev, unsigned int nvqs,
				struct virtqueue *vqs[], vq_callback_t *callbacks[],
				const char * const names[], const bool *ctx,
				struct irq_affinity *desc)
{
	struct virtio_mdev_device *vm = to_virtio_mdev(vdev);
	struct mdev_virtio_device *mdev = vm->mdev;
	struct mdev_virtio_callback cb = {
		.callback = virtio_mdev_config_interrupt,
		.private = vm,
	};
	unsigned int i, idx = 0;

	for (i = 0; i < nvqs; i++) {
		if (!names[i]) {
			vqs[i] = NULL;
			continue;
		}
		vqs[i] = virtio_mdev_setup_vq(vdev, idx++, callbacks[i], names[i],
					      ctx ? ctx[i] : false);
		if (IS_ERR(vqs[i])) {
			int ret = PTR_ERR(vqs[i]);

			virtio_mdev_del_vqs(vdev);
			return ret;
		}
	}
	mdev->ops->set_config_cb(mdev, &cb);
	return 0;
}

static u64 virtio_mdev_get_features(struct virtio_device *vdev)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	return mdev->ops->get_features(mdev);
}

static int virtio_mdev_finalize_features(struct virtio_device *vdev)
{
	struct mdev_virtio_device *mdev = vdev_to_mdev(vdev);

	/* Give virtio_ring a chance to accept features. */
	vring_transport_features(vdev);
	return mdev->ops->set_features(mdev, vdev->features);
}

static const char *virtio_mdev_bus_name(struct virtio_device *vdev)
{
	return dev_name(&vdev_to_mdev(vdev)->dev);
}

static const struct virtio_config_ops virtio_mdev_config_ops = {
	.get = virtio_mdev_get,
	.set = virtio_mdev_set,
	.generation = virtio_mdev_generation,
	.get_status = virtio_mdev_get_status,
	.set_status = virtio_mdev_set_status,
	.reset = virtio_mdev_reset,
	.find_vqs = virtio_mdev_find_vqs,
	.del_vqs = virtio_mdev_del_vqs,
	.get_features = virtio_mdev_get_features,
	.finalize_features = virtio_mdev_finalize_features,
	.bus_name = virtio_mdev_bus_name,
	.disable_vq_and_reset = virtio_mdev_disable_vq_and_reset,
	.enable_vq_after_reset = virtio_mdev_enable_vq_after_reset,
};

static void virtio_mdev_release(struct device *dev)
{
	struct virtio_device *vdev = container_of(dev, struct virtio_device, dev);

	kfree(to_virtio_mdev(vdev));
	mdev_virtio_releases_done(&virtio_mdev_releases);
}

static int virtio_mdev_probe(struct mdev_virtio_device *mdev)
{
	struct virtio_mdev_device *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return -ENOMEM;
	vm->mdev = mdev;
	vm->vdev.dev.parent = &mdev->dev;
	vm->vdev.dev.release = virtio_mdev_release;
	vm->vdev.config = &virtio_mdev_config_ops;
	vm->vdev.id.device = mdev->ops->get_device_id(mdev);
	vm->vdev.id.vendor = mdev->ops->get_vendor_id(mdev);
	if (!vm->vdev.id.device) {
		kfree(vm);
		return -ENODEV;
	}

	/* It initialises the device: from here on only the release frees it. */
	mdev_virtio_releases_add(&virtio_mdev_releases);
	ret = register_virtio_device(&vm->vdev);
	if (ret) {
		/* register_virtio_device() initialised the device: put, not kfree. */
		put_device(&vm->vdev.dev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, vm);
	return 0;
}

static void virtio_mdev_remove(struct mdev_virtio_device *mdev)
{
	struct virtio_mdev_device *vm = dev_get_drvdata(&mdev->dev);

	unregister_virtio_device(&vm->vdev);
	/* Whatever the driver left: unbound devices are at status 0. */
	mdev_virtio_set_status(mdev, 0);
	dev_set_drvdata(&mdev->dev, NULL);
}

static const struct mdev_virtio_class_id virtio_mdev_id_table[] = {
	{ MDEV_VIRTIO_CLASS_ID_VIRTIO },
	{ 0 },
};

static struct mdev_virtio_driver virtio_mdev_driver = {
	.driver = {
		.name = "virtio_mdev",
	},
	.id_table = virtio_mdev_id_table,
	.probe = virtio_mdev_probe,
	.remove = virtio_mdev_remove,
};

static int __init virtio_mdev_init(void)
{
	return mdev_virtio_register_driver(&virtio_mdev_driver);
}

/* Unbinding put every virtio device; their releases may still be pending. */
static void __exit virtio_mdev_exit(void)
{
	mdev_virtio_unregister_driver(&virtio_mdev_driver);
	mdev_virtio_releases_wait(&virtio_mdev_releases, "virtio devices");
}

module_init(virtio_mdev_init);
module_exit(virtio_mdev_exit);

/* Out-of-tree modpost cannot turn a device table of ours into an alias. */
MODULE_ALIAS("mdev_virtio:c01");
MODULE_DESCRIPTION("virtio transport for mediated virtio devices");
MODULE_LICENSE("GPL");
