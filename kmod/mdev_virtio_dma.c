// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_dma.c: the DMA device of a mediated virtio device.
 *
 * virtio_ring (6.1) maps buffers with the DMA API on the virtio device's
 * parent, which is the mediated device itself.  A parent names the device
 * that really does DMA in mdev->dma_dev (a hardware parent: its PCI
 * function); the mediated device then gets DMA ops that forward every call
 * to that device, so addresses come out of its IOMMU domain or bounce
 * buffers exactly as the parent's own driver would get them.  A parent
 * that leaves dma_dev at the mediated device installs its own ops on it (or
 * none: direct mapping).  Masks are the DMA device's business: the mediated
 * device takes any, and the DMA device's own mask applies when it maps.
 */
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/scatterlist.h>

#include "mdev_virtio_private.h"

static struct device *dma_target(struct device *dev)
{
	return to_mdev_virtio_device(dev)->dma_dev;
}

static dma_addr_t mdev_virtio_dma_map_page(struct device *dev, struct page *page,
					   unsigned long offset, size_t size,
					   enum dma_data_direction dir, unsigned long attrs)
{
	return dma_map_page_attrs(dma_target(dev), page, offset, size, dir, attrs);
}

static void mdev_virtio_dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
				       enum dma_data_direction dir, unsigned long attrs)
{
	dma_unmap_page_attrs(dma_target(dev), addr, size, dir, attrs);
}

static int mdev_virtio_dma_map_sg(struct device *dev, struct scatterlist *sg, int nents,
				  enum dma_data_direction dir, unsigned long attrs)
{
	return dma_map_sg_attrs(dma_target(dev), sg, nents, dir, attrs);
}

static void mdev_virtio_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
				     enum dma_data_direction dir, unsigned long attrs)
{
	dma_unmap_sg_attrs(dma_target(dev), sg, nents, dir, attrs);
}

static void *mdev_virtio_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle,
				   gfp_t gfp, unsigned long attrs)
{
	return dma_alloc_attrs(dma_target(dev), size, handle, gfp, attrs);
}

static void mdev_virtio_dma_free(struct device *dev, size_t size, void *vaddr,
				 dma_addr_t handle, unsigned long attrs)
{
	dma_free_attrs(dma_target(dev), size, vaddr, handle, attrs);
}

static void mdev_virtio_dma_sync_for_cpu(struct device *dev, dma_addr_t addr, size_t size,
					 enum dma_data_direction dir)
{
	dma_sync_single_for_cpu(dma_target(dev), addr, size, dir);
}

static void mdev_virtio_dma_sync_for_device(struct device *dev, dma_addr_t addr, size_t size,
					    enum dma_data_direction dir)
{
	dma_sync_single_for_device(dma_target(dev), addr, size, dir);
}

static size_t mdev_virtio_dma_max_mapping_size(struct device *dev)
{
	return dma_max_mapping_size(dma_target(dev));
}

static const struct dma_map_ops mdev_virtio_forward_dma_ops = {
	.map_page = mdev_virtio_dma_map_page,
	.unmap_page = mdev_virtio_dma_unmap_page,
	.map_sg = mdev_virtio_dma_map_sg,
	.unmap_sg = mdev_virtio_dma_unmap_sg,
	.alloc = mdev_virtio_dma_alloc,
	.free = mdev_virtio_dma_free,
	.sync_single_for_cpu = mdev_virtio_dma_sync_for_cpu,
	.sync_single_for_device = mdev_virtio_dma_sync_for_device,
	.max_mapping_size = mdev_virtio_dma_max_mapping_size,
};

/**
 * mdev_virtio_dma_init() - give a new device a DMA mask and its own DMA device
 * @mdev: device being allocated, before the parent's create()
 */
void mdev_virtio_dma_init(struct mdev_virtio_device *mdev)
{
	mdev->dev.coherent_dma_mask = DMA_BIT_MASK(64);
	mdev->dev.dma_mask = &mdev->dev.coherent_dma_mask;
	mdev->dma_dev = &mdev->dev;
}

/**
 * mdev_virtio_dma_setup() - after create(): forward to the parent's DMA device
 * @mdev: device the parent created
 *
 * Return: 0, or -EINVAL if the parent named a DMA device and also installed
 * DMA ops on the mediated device (one of the two, not both).
 */
int mdev_virtio_dma_setup(struct mdev_virtio_device *mdev)
{
	if (!mdev->dma_dev)
		mdev->dma_dev = &mdev->dev;
	if (mdev->dma_dev == &mdev->dev)
		return 0;
	if (get_dma_ops(&mdev->dev))
		return -EINVAL;
	set_dma_ops(&mdev->dev, &mdev_virtio_forward_dma_ops);
	return 0;
}
