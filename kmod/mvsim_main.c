// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_main.c: the mvsim module and its parent.
 *
 * The parent is the device "mvsim" of a class of the same name
 * (/sys/devices/virtual/mvsim/mvsim): a class gives it a driver string for
 * the type ids and lets its MDEV_STATE uevents through. Four types:
 * mvsim-virtio_net, mvsim-vhost_net, mvsim-virtio_blk, mvsim-vhost_blk.
 * Their devices are created and removed here; the device model is in
 * mvsim_dev.c, the kinds in mvsim_net.c and mvsim_blk.c.  iotlb= says how
 * vhost devices learn their translation (the three ways of struct
 * mdev_virtio_ops); with iotlb=platform their DMA device is dma_pci's.
 */
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <uapi/linux/virtio_ids.h>

#include "compat.h"
#include "mvsim.h"

static unsigned int max_virtio_net = 16;
module_param(max_virtio_net, uint, 0444);
MODULE_PARM_DESC(max_virtio_net, "Instances of mvsim-virtio_net (default 16)");
static unsigned int max_vhost_net = 16;
module_param(max_vhost_net, uint, 0444);
MODULE_PARM_DESC(max_vhost_net, "Instances of mvsim-vhost_net (default 16)");
static unsigned int max_virtio_blk = 16;
module_param(max_virtio_blk, uint, 0444);
MODULE_PARM_DESC(max_virtio_blk, "Instances of mvsim-virtio_blk (default 16)");
static unsigned int max_vhost_blk = 16;
module_param(max_vhost_blk, uint, 0444);
MODULE_PARM_DESC(max_vhost_blk, "Instances of mvsim-vhost_blk (default 16)");

static char *iotlb = "whole";
module_param(iotlb, charp, 0444);
MODULE_PARM_DESC(iotlb,
		 "How vhost devices learn their translation: whole (set_map, default), incremental (dma_map/dma_unmap) or platform (none: the IOMMU of dma_pci)");

static char *dma_pci;
module_param(dma_pci, charp, 0444);
MODULE_PARM_DESC(dma_pci,
		 "iotlb=platform: [domain:]bus:slot.fn of an unbound PCI device in an IOMMU group, the DMA device of every vhost device (default: none, so vhost_mdev refuses them)");

static bool dma_via_parent;
module_param(dma_via_parent, bool, 0444);
MODULE_PARM_DESC(dma_via_parent,
		 "virtio-class devices name the parent as their DMA device, through which the bus forwards (default: their own DMA ops)");

struct workqueue_struct *mvsim_wq;
DEFINE_MUTEX(mvsim_lock);
LIST_HEAD(mvsim_devices);

static struct class *mvsim_class;
static struct device *mvsim_root;
static struct mdev_virtio_parent mvsim_parent;

static void mvsim_kind_remove(struct mvsim_dev *dev)
{
	if (dev->kind == &mvsim_net_kind)
		mvsim_net_remove(dev);
	else
		mvsim_blk_remove(dev);
}

static int mvsim_create(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev;

	switch (mdev->type_info->device_id) {
	case VIRTIO_ID_NET:
		dev = mvsim_net_create(mdev);
		break;
	case VIRTIO_ID_BLOCK:
		dev = mvsim_blk_create(mdev);
		break;
	default:
		return -EINVAL;
	}
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	if (mdev->class_id == MDEV_VIRTIO_CLASS_ID_VIRTIO)
		mvsim_dma_setup(mdev, dma_via_parent ? mvsim_root : NULL);
	else if (mdev->ops == &mvsim_ops_platform && mvsim_iommu_setup(dev))
		goto err_remove;

	mdev_virtio_set_parent_data(mdev, dev);
	mutex_lock(&mvsim_lock);
	list_add_tail(&dev->node, &mvsim_devices);
	mutex_unlock(&mvsim_lock);
	return 0;

err_remove:
	mvsim_kind_remove(dev);
	return -ENOMEM;
}

static void mvsim_remove(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);

	mutex_lock(&mvsim_lock);
	list_del_init(&dev->node);
	mutex_unlock(&mvsim_lock);

	mvsim_kind_remove(dev);
	mdev_virtio_set_parent_data(mdev, NULL);
}

static int mvsim_config_update(struct mdev_virtio_device *mdev,
			       const struct mdev_virtio_dev_config *cfg)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);

	if (dev->kind == &mvsim_blk_kind)
		return mvsim_blk_config_update(dev, cfg);
	return 0;
}

static const struct mdev_virtio_parent_ops mvsim_parent_ops = {
	.create = mvsim_create,
	.remove = mvsim_remove,
	.config_update = mvsim_config_update,
};

static struct mdev_virtio_type_info mvsim_types[] = {
	{
		.name = "virtio_net",
		.description = "simulated virtio-net: loopback, or a cable to its peer",
		.class_id = MDEV_VIRTIO_CLASS_ID_VIRTIO,
		.device_id = VIRTIO_ID_NET,
		.ops = &mvsim_ops,
		.dev_groups = mvsim_net_groups,
	}, {
		.name = "vhost_net",
		.description = "simulated virtio-net for vhost: loopback, or a cable to its peer",
		.class_id = MDEV_VIRTIO_CLASS_ID_VHOST,
		.device_id = VIRTIO_ID_NET,
		.ops = &mvsim_ops,
		.dev_groups = mvsim_net_groups,
	}, {
		.name = "virtio_blk",
		.description = "simulated virtio-blk: a RAM disk",
		.class_id = MDEV_VIRTIO_CLASS_ID_VIRTIO,
		.device_id = VIRTIO_ID_BLOCK,
		.ops = &mvsim_ops,
	}, {
		.name = "vhost_blk",
		.description = "simulated virtio-blk for vhost: a RAM disk",
		.class_id = MDEV_VIRTIO_CLASS_ID_VHOST,
		.device_id = VIRTIO_ID_BLOCK,
		.ops = &mvsim_ops,
	},
};

static int __init mvsim_init(void)
{
	int ret;

	if (!strcmp(iotlb, "incremental")) {
		mvsim_types[1].ops = &mvsim_ops_incremental;
		mvsim_types[3].ops = &mvsim_ops_incremental;
	} else if (!strcmp(iotlb, "platform")) {
		mvsim_types[1].ops = &mvsim_ops_platform;
		mvsim_types[3].ops = &mvsim_ops_platform;
	} else if (strcmp(iotlb, "whole")) {
		pr_err("mvsim: iotlb=%s: expected whole, incremental or platform\n", iotlb);
		return -EINVAL;
	}
	if (dma_pci && *dma_pci && strcmp(iotlb, "platform")) {
		pr_err("mvsim: dma_pci=%s needs iotlb=platform (iotlb=%s)\n", dma_pci, iotlb);
		return -EINVAL;
	}
	mvsim_types[0].max_instances = max_virtio_net;
	mvsim_types[1].max_instances = max_vhost_net;
	mvsim_types[2].max_instances = max_virtio_blk;
	mvsim_types[3].max_instances = max_vhost_blk;

	/* Capacities are turned into byte offsets: sector << 9 must fit in 64 bits. */
	if (mvsim_blk_max_capacity > U64_MAX >> SECTOR_SHIFT) {
		pr_err("mvsim: blk_max_capacity=%llu is above %llu sectors\n",
		       mvsim_blk_max_capacity, U64_MAX >> SECTOR_SHIFT);
		return -EINVAL;
	}
	ret = mvsim_iommu_init(dma_pci);
	if (ret)
		return ret;
	/* It serves block devices: it must make progress under memory pressure. */
	mvsim_wq = alloc_workqueue("mvsim", WQ_MEM_RECLAIM, 0);
	if (!mvsim_wq) {
		ret = -ENOMEM;
		goto err_iommu;
	}

	mvsim_class = mdev_virtio_class_create("mvsim");
	if (IS_ERR(mvsim_class)) {
		ret = PTR_ERR(mvsim_class);
		goto err_wq;
	}
	mvsim_root = device_create(mvsim_class, NULL, MKDEV(0, 0), NULL, "mvsim");
	if (IS_ERR(mvsim_root)) {
		ret = PTR_ERR(mvsim_root);
		goto err_class;
	}
	if (dma_via_parent) {
		mvsim_root->coherent_dma_mask = DMA_BIT_MASK(64);
		mvsim_root->dma_mask = &mvsim_root->coherent_dma_mask;
		set_dma_ops(mvsim_root, &mvsim_dma_ops);
	}

	ret = mdev_virtio_register_parent(&mvsim_parent, mvsim_root, &mvsim_parent_ops,
					  mvsim_types, ARRAY_SIZE(mvsim_types));
	if (ret)
		goto err_root;
	return 0;

err_root:
	device_unregister(mvsim_root);
err_class:
	class_destroy(mvsim_class);
err_wq:
	destroy_workqueue(mvsim_wq);
err_iommu:
	mvsim_iommu_exit();
	return ret;
}

static void __exit mvsim_exit(void)
{
	mdev_virtio_unregister_parent(&mvsim_parent);
	device_unregister(mvsim_root);
	class_destroy(mvsim_class);
	destroy_workqueue(mvsim_wq);
	mvsim_iommu_exit();
}

module_init(mvsim_init);
module_exit(mvsim_exit);

MODULE_DESCRIPTION("Simulated parent of mediated virtio devices (net loopback, blk ramdisk)");
MODULE_LICENSE("GPL");
