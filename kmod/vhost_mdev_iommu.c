// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_mdev_iommu.c: how a vhost-mdev node's IOTLB reaches the device, and
 * the platform IOMMU for parents without a translation of their own.
 *
 * A parent translates itself (ops->set_map: the whole IOTLB; or
 * ops->dma_map/dma_unmap: one entry at a time), or relies on the IOMMU
 * of its DMA device, mdev->dma_dev.  In that last, platform, mode
 * vhost_mdev allocates an unmanaged IOMMU domain when the node is opened,
 * attaches the DMA device to it, maps each IOTLB entry into it (IOMMU_READ
 * and/or IOMMU_WRITE from its VHOST_MAP_* permissions) as it is added,
 * unmaps it before its pages are unpinned, and detaches and frees the domain
 * when the user lets go.  The DMA device must be alone in its IOMMU group
 * (iommu_attach_device() refuses otherwise), and one domain can be attached
 * at a time: two nodes sharing a DMA device are opened one at a time.
 *
 * A parent whose device reaches memory through the CPU rather than by DMA
 * (a simulator) cannot be stopped by an IOTLB flush; it gets
 * ops->dma_notify() after each mapping and before each unmapping.
 *
 * Called with vhost_mdev.lock held.
 */
#include <linux/iommu.h>
#include <linux/vhost.h>

#include "vhost_mdev.h"

/**
 * vhost_mdev_translation_of() - pick how a parent's device translates
 * @mdev: the device being bound
 *
 * Return: the translation, or -EOPNOTSUPP if the parent has no translation
 * of its own and its DMA device has no usable IOMMU (said in the log).
 */
int vhost_mdev_translation_of(struct mdev_virtio_device *mdev)
{
	const struct mdev_virtio_ops *ops = mdev->ops;
	struct device *dma_dev = mdev->dma_dev;
	struct iommu_group *group;

	if (ops->set_map)
		return VHOST_MDEV_XLATE_MAP;
	if (ops->dma_map && ops->dma_unmap)
		return VHOST_MDEV_XLATE_DMA;
	if (ops->dma_map || ops->dma_unmap) {
		dev_err(&mdev->dev, "parent has dma_map without dma_unmap or the reverse\n");
		return -EOPNOTSUPP;
	}
	group = dma_dev ? iommu_group_get(dma_dev) : NULL;
	if (!group) {
		dev_err(&mdev->dev,
			"no translation: the parent has neither set_map nor dma_map, and its DMA device %s has no IOMMU group\n",
			dma_dev ? dev_name(dma_dev) : "(none)");
		return -EOPNOTSUPP;
	}
	iommu_group_put(group);
	if (!dma_dev->bus || !device_iommu_capable(dma_dev, IOMMU_CAP_CACHE_COHERENCY)) {
		dev_err(&mdev->dev, "the IOMMU of DMA device %s does not keep DMA cache-coherent\n",
			dev_name(dma_dev));
		return -EOPNOTSUPP;
	}
	return VHOST_MDEV_XLATE_PLATFORM;
}

const char *vhost_mdev_translation_name(enum vhost_mdev_xlate xlate)
{
	switch (xlate) {
	case VHOST_MDEV_XLATE_MAP:
		return "set_map";
	case VHOST_MDEV_XLATE_DMA:
		return "dma_map";
	case VHOST_MDEV_XLATE_PLATFORM:
		return "platform";
	}
	return "unknown";
}

/**
 * vhost_mdev_iommu_attach() - platform mode: a domain for a new user
 * @v: the node, locked and bound
 *
 * Return: 0 (also when the parent translates itself), or -errno with
 * nothing allocated.
 */
int vhost_mdev_iommu_attach(struct vhost_mdev *v)
{
	struct device *dma_dev = v->mdev->dma_dev;
	struct iommu_domain *domain;
	int ret;

	if (v->xlate != VHOST_MDEV_XLATE_PLATFORM)
		return 0;
	domain = iommu_domain_alloc(dma_dev->bus);
	if (!domain)
		return -EIO;
	ret = iommu_attach_device(domain, dma_dev);
	if (ret) {
		dev_warn(&v->dev, "cannot attach DMA device %s to an IOMMU domain: %d\n",
			 dev_name(dma_dev), ret);
		iommu_domain_free(domain);
		return ret;
	}
	v->domain = domain;
	return 0;
}

/**
 * vhost_mdev_iommu_detach() - platform mode: give the domain up
 * @v: the node, locked and bound; nothing mapped in the domain any more
 */
void vhost_mdev_iommu_detach(struct vhost_mdev *v)
{
	if (!v->domain)
		return;
	iommu_detach_device(v->domain, v->mdev->dma_dev);
	iommu_domain_free(v->domain);
	v->domain = NULL;
}

/**
 * vhost_mdev_iova_range() - the IOVAs a user may map
 * @v: the node, locked and bound
 * @range: filled in: the domain's aperture, or all of them
 */
void vhost_mdev_iova_range(struct vhost_mdev *v, struct vhost_vdpa_iova_range *range)
{
	range->first = 0;
	range->last = U64_MAX;
	if (v->domain && v->domain->geometry.force_aperture) {
		range->first = v->domain->geometry.aperture_start;
		range->last = v->domain->geometry.aperture_end;
	}
}

/**
 * vhost_mdev_iommu_check() - platform mode: may this update go in the domain?
 * @v: the node, locked and bound
 * @msg: an IOTLB update, its size and wrap-around already checked
 *
 * The IOMMU maps whole pages: IOVA, address and size must be page-aligned
 * (so no page is ever mapped twice), and the range inside the aperture.
 *
 * Return: 0 or -EINVAL.
 */
int vhost_mdev_iommu_check(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg)
{
	struct vhost_vdpa_iova_range range;

	if (v->xlate != VHOST_MDEV_XLATE_PLATFORM)
		return 0;
	if (!v->domain)
		return -ENODEV;
	if (!PAGE_ALIGNED(msg->iova) || !PAGE_ALIGNED(msg->uaddr) || !PAGE_ALIGNED(msg->size))
		return -EINVAL;
	vhost_mdev_iova_range(v, &range);
	if (msg->iova < range.first || msg->iova + msg->size - 1 > range.last)
		return -EINVAL;
	return 0;
}

static int vhost_mdev_iommu_prot(u32 perm)
{
	return IOMMU_CACHE | (perm & VHOST_MAP_RO ? IOMMU_READ : 0) |
	       (perm & VHOST_MAP_WO ? IOMMU_WRITE : 0);
}

/**
 * vhost_mdev_dev_map() - hand one new IOTLB entry to the device
 * @v: the node, locked and bound; the parent maps incrementally
 * @m: the entry
 *
 * Return: 0 or -errno, with nothing of @m mapped.
 */
int vhost_mdev_dev_map(struct vhost_mdev *v, const struct vhost_iotlb_map *m)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;
	int ret;

	if (v->xlate == VHOST_MDEV_XLATE_DMA)
		return ops->dma_map(v->mdev, m->start, m->size, m->addr, m->perm);
	ret = iommu_map(v->domain, m->start, m->addr, m->size, vhost_mdev_iommu_prot(m->perm));
	if (ret)
		return ret;
	if (ops->dma_notify)
		ops->dma_notify(v->mdev, m->start, m->size, m->perm);
	return 0;
}

/**
 * vhost_mdev_dev_unmap() - take one IOTLB entry out of the device
 * @v: the node, locked and bound; the parent maps incrementally
 * @m: the entry, mapped by vhost_mdev_dev_map()
 *
 * When it returns the device no longer uses @m: its pages may be unpinned.
 */
void vhost_mdev_dev_unmap(struct vhost_mdev *v, const struct vhost_iotlb_map *m)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;
	size_t done;

	if (v->xlate == VHOST_MDEV_XLATE_DMA) {
		ops->dma_unmap(v->mdev, m->start, m->size);
		return;
	}
	if (ops->dma_notify)
		ops->dma_notify(v->mdev, m->start, m->size, 0);
	done = iommu_unmap(v->domain, m->start, m->size);
	WARN_ONCE(done != m->size, "vhost_mdev: unmapped %zu of %llu bytes at IOVA 0x%llx\n",
		  done, m->size, m->start);
}
