// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_dma.c: the DMA ops of mvsim's virtio-class devices.
 *
 * A DMA address is the physical address plus MVSIM_DMA_BASE, which no RAM
 * has: a driver that negotiated VIRTIO_F_ACCESS_PLATFORM but handed the
 * device raw physical addresses (not going through the DMA API) is caught,
 * since the device refuses those (mvsim_dev.c translates back).  Rings come
 * from dma_alloc_coherent(), buffers from dma_map_page(); nothing bounces.
 *
 * By default the ops sit on each mediated device.  With dma_via_parent=1
 * they sit on the parent device "mvsim" instead, which every device names
 * as its DMA device, so the bus's forwarding to a parent's DMA device (what
 * a hardware parent relies on) is what the stock drivers go through.
 */
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>

#include "mvsim.h"

static dma_addr_t mvsim_dma_map_page(struct device *dev, struct page *page, unsigned long offset,
				     size_t size, enum dma_data_direction dir, unsigned long attrs)
{
	return page_to_phys(page) + offset + MVSIM_DMA_BASE;
}

static void mvsim_dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
				 enum dma_data_direction dir, unsigned long attrs)
{
}

static int mvsim_dma_map_sg(struct device *dev, struct scatterlist *sgl, int nents,
			    enum dma_data_direction dir, unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i) {
		sg->dma_address = sg_phys(sg) + MVSIM_DMA_BASE;
		sg_dma_len(sg) = sg->length;
	}
	return nents;
}

static void mvsim_dma_unmap_sg(struct device *dev, struct scatterlist *sg, int nents,
			       enum dma_data_direction dir, unsigned long attrs)
{
}

static void *mvsim_dma_alloc(struct device *dev, size_t size, dma_addr_t *handle, gfp_t gfp,
			     unsigned long attrs)
{
	void *p = alloc_pages_exact(size, gfp | __GFP_ZERO);

	if (p)
		*handle = virt_to_phys(p) + MVSIM_DMA_BASE;
	return p;
}

static void mvsim_dma_free(struct device *dev, size_t size, void *vaddr, dma_addr_t handle,
			   unsigned long attrs)
{
	free_pages_exact(vaddr, size);
}

const struct dma_map_ops mvsim_dma_ops = {
	.map_page = mvsim_dma_map_page,
	.unmap_page = mvsim_dma_unmap_page,
	.map_sg = mvsim_dma_map_sg,
	.unmap_sg = mvsim_dma_unmap_sg,
	.alloc = mvsim_dma_alloc,
	.free = mvsim_dma_free,
};

/**
 * mvsim_dma_setup() - give a new virtio-class device its DMA device
 * @mdev: the device being created
 * @parent: mvsim's parent device, if it carries the DMA ops, else NULL
 */
void mvsim_dma_setup(struct mdev_virtio_device *mdev, struct device *parent)
{
	if (parent)
		mdev->dma_dev = parent;
	else
		set_dma_ops(&mdev->dev, &mvsim_dma_ops);
}
