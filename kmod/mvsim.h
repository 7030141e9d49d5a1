/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mvsim: a simulated parent of mediated virtio devices.
 *
 * mvsim_main.c registers the parent and creates devices; mvsim_dma.c gives
 * virtio-class devices DMA ops; mvsim_iommu.c puts vhost-class devices on
 * the platform IOMMU (iotlb=platform); mvsim_dev.c
 * implements what every device shares (status, features, virtqueues, config
 * space, reset); mvsim_net.c and mvsim_blk.c implement the net
 * loopback/cable and the blk ramdisk as a struct mvsim_kind.  Rings are walked with mvsim_vring.c.
 *
 * Locking of one device, outermost first:
 *  - mvsim_vq.lock (mutex): the vq's ring, addresses, ready flag,
 *    callback and counters (but kicks, an atomic).  Held by the datapath
 *    while it uses the ring and raises the callback, and by the ops that
 *    change the vq or read its counters.  A net device's TX lock may
 *    be held while taking a (possibly other device's) RX lock, never the
 *    reverse (mvsim_net.c nests them with SINGLE_DEPTH_NESTING).
 *  - mvsim_dev.map_lock (mutex): taken by set_map, dma_map and dma_unmap
 *    only, outside every vq lock (see struct mvsim_dev).  dma_map and
 *    dma_unmap then take every vq lock of the device, the highest index
 *    (a net device's TX) first.
 *  - mvsim_dev.lock (spinlock, irqsave: config space reads may come from any
 *    context): status, negotiated features, config space, config callback,
 *    which is raised with it held.
 * mvsim_lock (mvsim_main.c) guards the list of devices and net peer links.
 */
#ifndef MVSIM_H
#define MVSIM_H

#include <linux/mdev_virtio.h>
#include <linux/mutex.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_net.h>
#include <linux/workqueue.h>

#include "mvsim_vring.h"

/* Translation relies on the direct map (phys_to_virt), which highmem lacks. */
#ifdef CONFIG_HIGHMEM
#error "mvsim needs every page in the kernel's direct map: build it for a kernel without CONFIG_HIGHMEM"
#endif

#define MVSIM_VQ_NUM_MAX	256
#define MVSIM_BUDGET		64	/* chains per work run before yielding */

struct mvsim_vq {
	struct mutex lock;
	struct mvsim_vring vring;	/* set up while ready */
	u64 desc_area, driver_area, device_area;
	u32 num;
	u16 avail_state;		/* next avail index while not ready */
	bool ready;
	bool broken;			/* malformed ring: stop until reset */
	struct mdev_virtio_callback cb;
	struct mvsim_vring_chain chain;	/* scratch for the lock holder */
	atomic64_t kicks;		/* kick_vq may be called in atomic context */
	struct mdev_virtio_vq_stats stats; /* the rest; kept across resets */
};

struct mvsim_dev;

/* What differs between device kinds. */
struct mvsim_kind {
	u32 device_id;
	unsigned int nvqs;
	u64 features;
	size_t config_size;
	/* Fill the config space from mdev->config; under mvsim_dev.lock, must not sleep. */
	void (*build_config)(struct mvsim_dev *dev);
	/* Process the queues; runs from the device's work. */
	void (*work)(struct mvsim_dev *dev);
	void (*kick)(struct mvsim_dev *dev, u16 idx);
};

struct mvsim_dev {
	struct mdev_virtio_device *mdev;
	const struct mvsim_kind *kind;
	struct list_head node;		/* in mvsim_devices, under mvsim_lock */
	struct work_struct work;
	mvsim_vring_translate_t translate;
	u64 features_offered;		/* the kind's, plus ACCESS_PLATFORM */
	bool suspended;			/* under lock: queues stopped until reset */
	/*
	 * vhost class: the IOTLB given by set_map.  Replaced under map_lock
	 * by writers; read by translation, which always runs under one of the
	 * device's vq locks, so a writer that has taken and dropped every vq
	 * lock after publishing knows the old map is no longer in use.  The
	 * incremental ops (dma_map/dma_unmap) change it in place, under
	 * map_lock and every vq lock at once.
	 */
	struct mutex map_lock;
	struct vhost_iotlb *map;
	/*
	 * iotlb=platform: @map holds the ranges vhost_mdev mapped in the IOMMU
	 * domain and their permissions, changed in place under this lock
	 * (mvsim_iommu.c); map_lock is not used.
	 */
	spinlock_t shadow_lock;

	spinlock_t lock;
	u8 status;
	u64 features;			/* negotiated */
	u32 generation;
	struct mdev_virtio_callback config_cb;
	union {
		struct virtio_net_config net;
		struct virtio_blk_config blk;
	} config;

	unsigned int nvqs;
	struct mvsim_vq *vqs;
};

/* mvsim_dma.c: a DMA address is the physical one plus this (above any RAM). */
#define MVSIM_DMA_BASE		(1ULL << 56)
extern const struct dma_map_ops mvsim_dma_ops;
void mvsim_dma_setup(struct mdev_virtio_device *mdev, struct device *parent);

/* mvsim_main.c */
extern struct workqueue_struct *mvsim_wq;
extern struct mutex mvsim_lock;
extern struct list_head mvsim_devices;

/* mvsim_dev.c */
extern const struct mdev_virtio_ops mvsim_ops;
extern const struct mdev_virtio_ops mvsim_ops_incremental;
extern const struct mdev_virtio_ops mvsim_ops_platform;

bool mvsim_vq_usable(struct mvsim_dev *dev, struct mvsim_vq *vq);
void mvsim_vq_notify(struct mvsim_vq *vq);
void mvsim_vq_fail(struct mvsim_dev *dev, struct mvsim_vq *vq);
void mvsim_vq_count(struct mvsim_vq *vq, const struct mvsim_vring_chain *c, u64 bytes);
bool mvsim_has_feature(const struct mvsim_dev *dev, unsigned int bit);
int mvsim_dev_init(struct mvsim_dev *dev, struct mdev_virtio_device *mdev,
		   const struct mvsim_kind *kind);
void mvsim_dev_reset(struct mvsim_dev *dev);
void mvsim_dev_destroy(struct mvsim_dev *dev);
void mvsim_vqs_retranslate(struct mvsim_dev *dev);

/* mvsim_iommu.c */
int mvsim_iommu_init(const char *bdf);
void mvsim_iommu_exit(void);
int mvsim_iommu_setup(struct mvsim_dev *dev);
void mvsim_iommu_notify(struct mdev_virtio_device *mdev, u64 iova, u64 size, u32 perm);

static inline struct mvsim_dev *mdev_to_mvsim(struct mdev_virtio_device *mdev)
{
	return mdev_virtio_get_parent_data(mdev);
}

/* mvsim_net.c */
extern const struct mvsim_kind mvsim_net_kind;
extern const struct attribute_group *mvsim_net_groups[];
struct mvsim_dev *mvsim_net_create(struct mdev_virtio_device *mdev);
void mvsim_net_remove(struct mvsim_dev *dev);

/* mvsim_blk.c */
extern const struct mvsim_kind mvsim_blk_kind;
extern unsigned long long mvsim_blk_max_capacity;
struct mvsim_dev *mvsim_blk_create(struct mdev_virtio_device *mdev);
void mvsim_blk_remove(struct mvsim_dev *dev);
int mvsim_blk_config_update(struct mvsim_dev *dev, const struct mdev_virtio_dev_config *cfg);

#endif /* MVSIM_H */
