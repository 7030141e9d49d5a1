/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vhost_mdev: the vhost class driver of the mediated virtio bus.
 *
 * Each bound device of class "vhost" gets a character device
 * /dev/vhost-mdev-<N> (class "vhost-mdev", a child of the mediated device in
 * sysfs) that speaks the vhost-vdpa ioctl set of <uapi/linux/vhost.h>, so
 * QEMU's vhost-vdpa netdev, libvirt's <interface type='vdpa'> and DPDK's
 * virtio_user drive it unchanged.  The char device region is named
 * "vhost-vdpa-mdev" in /proc/devices because DPDK recognises a vhost-vdpa
 * node by a region whose name starts with "vhost-vdpa".
 *
 * vhost_mdev_main.c: module, node, open/release, device-level ioctls;
 * vhost_mdev_vq.c: virtqueue ioctls, kick and call eventfds;
 * vhost_mdev_iotlb.c: IOTLB messages written to the fd, page pinning, and
 *                     the map handed to the parent (ops->set_map);
 * vhost_mdev_iommu.c: which translation the device gets (set_map, dma_map,
 *                     or the platform IOMMU of its DMA device, which
 *                     vhost_mdev programs through an unmanaged domain).
 *
 * Lifetime: struct vhost_mdev is freed by the release of its class device
 * (@dev); the cdev is embedded and keeps @dev alive while a file is open.
 * Unbinding with the node open tears the device side down at once (reset,
 * empty map, nothing pinned, eventfds dropped) and sets @mdev to NULL; the
 * open file then gets -ENODEV for everything until it is closed.
 *
 * Locking: @lock (mutex) serialises every ioctl, write, open, release and
 * the unbind; it is held across calls into the parent.  vhost_mdev_vq.lock
 * (spinlock) guards a vq's call eventfd, which the device signals from
 * atomic context.  The kick wakeup runs in the eventfd's wakeup (atomic); it
 * is detached, under @lock, before anything it uses goes away.
 */
#ifndef VHOST_MDEV_H
#define VHOST_MDEV_H

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/eventfd.h>
#include <linux/mdev_virtio.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/vhost_iotlb.h>
#include <linux/vhost_types.h>
#include <linux/wait.h>

#define VHOST_MDEV_BACKEND_FEATURES \
	(BIT_ULL(VHOST_BACKEND_F_IOTLB_MSG_V2) | BIT_ULL(VHOST_BACKEND_F_IOTLB_BATCH))

struct iommu_domain;
struct vhost_mdev;

/* How the device learns the IOTLB, chosen at probe (vhost_mdev_iommu.c). */
enum vhost_mdev_xlate {
	VHOST_MDEV_XLATE_MAP,		/* ops->set_map, the whole IOTLB */
	VHOST_MDEV_XLATE_DMA,		/* ops->dma_map/dma_unmap, entry by entry */
	VHOST_MDEV_XLATE_PLATFORM,	/* an IOMMU domain on mdev->dma_dev, entry by entry */
};

struct vhost_mdev_vq {
	struct vhost_mdev *v;
	u16 index;

	/* The kick eventfd we wait on. */
	struct file *kick;
	wait_queue_head_t *kick_wqh;
	wait_queue_entry_t kick_wait;
	poll_table kick_pt;

	spinlock_t lock;		/* guards @call */
	struct eventfd_ctx *call;
};

struct vhost_mdev {
	struct device dev;		/* vhost-mdev-<minor>, class vhost-mdev */
	struct cdev cdev;
	int minor;

	struct mutex lock;
	struct mdev_virtio_device *mdev; /* NULL once unbound */
	bool opened;
	struct mm_struct *mm;		/* of VHOST_SET_OWNER; pinned pages are accounted here */
	u64 backend_features;
	enum vhost_mdev_xlate xlate;
	struct iommu_domain *domain;	/* platform: attached while opened */

	/* Mappings in force, and those invalidated but maybe still in the device's map. */
	struct vhost_iotlb *iotlb;
	struct vhost_iotlb *retired;
	struct vhost_iotlb empty;	/* what the device gets when we let go */
	bool in_batch;
	u64 pinned;			/* pages, accounted to @mm->pinned_vm */

	spinlock_t config_lock;		/* guards @config_call */
	struct eventfd_ctx *config_call;

	unsigned int nvqs;
	struct vhost_mdev_vq *vqs;
};

/* vhost_mdev_vq.c */
long vhost_mdev_vq_ioctl(struct vhost_mdev *v, unsigned int cmd, void __user *argp);
void vhost_mdev_vqs_init(struct vhost_mdev *v);
void vhost_mdev_vqs_install_cbs(struct vhost_mdev *v);
void vhost_mdev_vqs_release(struct vhost_mdev *v);

/* vhost_mdev_iotlb.c */
ssize_t vhost_mdev_iotlb_write(struct vhost_mdev *v, const void __user *buf, size_t len);
int vhost_mdev_iotlb_open(struct vhost_mdev *v);
void vhost_mdev_iotlb_release(struct vhost_mdev *v);

/* vhost_mdev_iommu.c */
int vhost_mdev_translation_of(struct mdev_virtio_device *mdev);
const char *vhost_mdev_translation_name(enum vhost_mdev_xlate xlate);
int vhost_mdev_iommu_attach(struct vhost_mdev *v);
void vhost_mdev_iommu_detach(struct vhost_mdev *v);
void vhost_mdev_iova_range(struct vhost_mdev *v, struct vhost_vdpa_iova_range *range);
int vhost_mdev_iommu_check(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg);
int vhost_mdev_dev_map(struct vhost_mdev *v, const struct vhost_iotlb_map *m);
void vhost_mdev_dev_unmap(struct vhost_mdev *v, const struct vhost_iotlb_map *m);

#endif /* VHOST_MDEV_H */
