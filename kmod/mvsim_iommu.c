// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_iommu.c: mvsim's vhost-class devices on the platform IOMMU
 * (iotlb=platform).
 *
 * Here mvsim plays a parent without a translation of its own: its types
 * offer neither set_map nor dma_map, and each vhost-class device names as
 * its DMA device the spare PCI device given by dma_pci=<BDF>, so
 * vhost_mdev attaches that device to an IOMMU domain and maps the IOTLB
 * into it.  The device then translates an IOVA as hardware behind that
 * IOMMU would: through the domain attached to the PCI device
 * (iommu_iova_to_phys()).  Without dma_pci the devices have no DMA device
 * with an IOMMU, and vhost_mdev refuses to bind them.
 *
 * The PCI device must exist, be bound to no driver and sit in an IOMMU
 * group; mvsim holds a reference to it and claims its group's DMA
 * ownership (as VFIO does), so no driver binds it while mvsim is loaded.
 *
 * What the IOMMU cannot do for a device that reads memory through the CPU
 * is check its permissions and stop it at an unmap; for that the device
 * keeps, in mvsim_dev.map, the IOVA ranges vhost_mdev mapped and their
 * permissions (ops->dma_notify), under mvsim_dev.shadow_lock.  A range is
 * in there only while the domain maps it, so translation never walks the
 * domain for an IOVA being unmapped, nor a domain being freed.
 */
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/vhost_iotlb.h>

#include "mvsim.h"

/* Ranges tracked per device: as many as vhost_mdev's IOTLB holds entries. */
#define MVSIM_IOMMU_RANGES	(1U << 20)

static struct pci_dev *mvsim_dma_pci;
static struct iommu_group *mvsim_dma_group;
static int mvsim_dma_owner;	/* its address is our DMA-ownership cookie */

static int mvsim_iommu_find(const char *bdf, struct pci_dev **ret_pdev)
{
	unsigned int domain = 0, bus, slot, fn;
	struct pci_dev *pdev;
	char end;

	if (sscanf(bdf, "%x:%x:%x.%x%c", &domain, &bus, &slot, &fn, &end) != 4 &&
	    sscanf(bdf, "%x:%x.%x%c", &bus, &slot, &fn, &end) != 3) {
		pr_err("mvsim: dma_pci=%s: expected a PCI address [domain:]bus:slot.fn\n", bdf);
		return -EINVAL;
	}
	if (bus > 0xff || slot > 0x1f || fn > 7) {
		pr_err("mvsim: dma_pci=%s: not a PCI address\n", bdf);
		return -EINVAL;
	}
	pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!pdev) {
		pr_err("mvsim: dma_pci=%s: no such PCI device\n", bdf);
		return -ENODEV;
	}
	*ret_pdev = pdev;
	return 0;
}

/**
 * mvsim_iommu_init() - take the spare PCI device of dma_pci=
 * @bdf: its address, or NULL or "" for none
 *
 * Return: 0, or -errno with the reason in the log.
 */
int mvsim_iommu_init(const char *bdf)
{
	struct iommu_group *group;
	struct pci_dev *pdev;
	int ret;

	if (!bdf || !*bdf)
		return 0;
	ret = mvsim_iommu_find(bdf, &pdev);
	if (ret)
		return ret;
	group = iommu_group_get(&pdev->dev);
	if (!group) {
		pr_err("mvsim: dma_pci=%s: %s has no IOMMU group (is the IOMMU on?)\n", bdf,
		       pci_name(pdev));
		ret = -ENODEV;
		goto err_put_pdev;
	}
	device_lock(&pdev->dev);
	if (pdev->dev.driver) {
		pr_err("mvsim: dma_pci=%s: %s is bound to driver %s\n", bdf, pci_name(pdev),
		       pdev->dev.driver->name);
		ret = -EBUSY;
	} else {
		ret = iommu_group_claim_dma_owner(group, &mvsim_dma_owner);
		if (ret)
			pr_err("mvsim: dma_pci=%s: cannot claim the IOMMU group of %s: %d\n", bdf,
			       pci_name(pdev), ret);
	}
	device_unlock(&pdev->dev);
	if (ret)
		goto err_put_group;
	mvsim_dma_pci = pdev;
	mvsim_dma_group = group;
	return 0;

err_put_group:
	iommu_group_put(group);
err_put_pdev:
	pci_dev_put(pdev);
	return ret;
}

/**
 * mvsim_iommu_exit() - give the spare PCI device back
 *
 * After every device is gone: no domain of vhost_mdev is attached to it.
 */
void mvsim_iommu_exit(void)
{
	if (!mvsim_dma_pci)
		return;
	iommu_group_release_dma_owner(mvsim_dma_group);
	iommu_group_put(mvsim_dma_group);
	pci_dev_put(mvsim_dma_pci);
	mvsim_dma_pci = NULL;
	mvsim_dma_group = NULL;
}

/*
 * An IOVA of the device, through the IOMMU domain its DMA device is attached
 * to; the range must be one vhost_mdev mapped, with the permission asked
 * for.  Called under a vq lock of @opaque.
 */
static void *mvsim_translate_platform(void *opaque, u64 addr, u32 len, bool write, u32 *mapped)
{
	struct mvsim_dev *dev = opaque;
	struct iommu_domain *domain;
	struct vhost_iotlb_map *m;
	u32 avail, done;
	u64 last = 0;
	phys_addr_t pa;
	bool ok;

	if (!len)
		return NULL;
	spin_lock(&dev->shadow_lock);
	m = vhost_iotlb_itree_first(dev->map, addr, addr);
	ok = m && (m->perm & (write ? VHOST_MAP_WO : VHOST_MAP_RO));
	if (ok)
		last = m->last;
	spin_unlock(&dev->shadow_lock);
	if (!ok)
		return NULL;
	avail = last - addr >= len - 1 ? len : (u32)(last - addr + 1);

	domain = iommu_get_domain_for_dev(dev->mdev->dma_dev);
	if (!domain || domain->type != IOMMU_DOMAIN_UNMANAGED)
		return NULL;
	pa = iommu_iova_to_phys(domain, addr);
	if (!pa || !pfn_valid(PHYS_PFN(pa)))
		return NULL;
	/* Only as far as the IOMMU maps it physically contiguous. */
	done = min_t(u64, avail, PAGE_SIZE - offset_in_page(addr));
	while (done < avail && iommu_iova_to_phys(domain, addr + done) == pa + done)
		done += min_t(u32, avail - done, PAGE_SIZE);
	*mapped = done;
	return phys_to_virt(pa);
}

/**
 * mvsim_iommu_setup() - a new vhost-class device goes on the platform IOMMU
 * @dev: the device, initialised, not yet added
 *
 * Return: 0 or -ENOMEM.
 */
int mvsim_iommu_setup(struct mvsim_dev *dev)
{
	dev->map = vhost_iotlb_alloc(MVSIM_IOMMU_RANGES, 0);
	if (!dev->map)
		return -ENOMEM;
	spin_lock_init(&dev->shadow_lock);
	dev->translate = mvsim_translate_platform;
	if (mvsim_dma_pci)
		dev->mdev->dma_dev = &mvsim_dma_pci->dev;
	return 0;
}

/* ops->dma_notify: vhost_mdev mapped [iova, iova + size) (@perm), or is about to unmap it (0). */
void mvsim_iommu_notify(struct mdev_virtio_device *mdev, u64 iova, u64 size, u32 perm)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	u64 last = iova + size - 1 < iova ? U64_MAX : iova + size - 1;
	int ret = 0;

	if (!size)
		return;
	spin_lock(&dev->shadow_lock);
	if (perm)
		ret = vhost_iotlb_add_range(dev->map, iova, last, 0, perm);
	else
		vhost_iotlb_del_range(dev->map, iova, last);
	spin_unlock(&dev->shadow_lock);
	/* Not knowing a mapping, the device takes it for unmapped: safe. */
	if (ret)
		dev_warn_ratelimited(&mdev->dev, "cannot track IOVA 0x%llx+0x%llx: %d\n", iova,
				     size, ret);
	/* Whoever used what was unmapped did so under a vq lock. */
	mvsim_vqs_retranslate(dev);
}
