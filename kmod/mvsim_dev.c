// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_dev.c: the device model every mvsim device shares, and its
 * struct mdev_virtio_ops.
 *
 * Every device follows the virtio 1.x device rules: features are offered
 * and negotiated before FEATURES_OK, queues are used only after DRIVER_OK,
 * writing status 0 resets synchronously (the work is cancelled, the rings
 * detached and the callbacks forgotten before it returns), and a malformed
 * ring sets DEVICE_NEEDS_RESET, raises the config interrupt and tells the bus
 * (mdev_virtio_config_changed()).  Every vq counts what it does
 * (get_vq_stats), whether a driver is bound or not.  What differs
 * between net and blk is a struct mvsim_kind.
 */
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vhost_iotlb.h>
#include <linux/virtio_config.h>

#include "mvsim.h"

/*
 * virtio class: virtio_ring hands us physical addresses of kernel memory, or
 * with ACCESS_PLATFORM what our DMA ops made of them (mvsim_dma.c).
 */
static void *mvsim_translate_phys(void *opaque, u64 addr, u32 len, bool write, u32 *mapped)
{
	struct mvsim_dev *dev = opaque;
	u32 done;

	if (mvsim_has_feature(dev, VIRTIO_F_ACCESS_PLATFORM)) {
		if (addr < MVSIM_DMA_BASE)
			return NULL;
		addr -= MVSIM_DMA_BASE;
	}
	if (!len || !pfn_valid(PHYS_PFN(addr)))
		return NULL;
	done = min_t(u64, len, PAGE_SIZE - offset_in_page(addr));
	while (done < len && pfn_valid(PHYS_PFN(addr + done)))
		done += min_t(u32, len - done, PAGE_SIZE);
	*mapped = done;
	return phys_to_virt(addr);
}

/*
 * vhost class: addresses are IOVAs of a userspace driver, translated through
 * the IOTLB vhost_mdev gave us: each entry maps an IOVA range onto
 * physically contiguous pinned pages.  Called under a vq lock of @opaque.
 */
static void *mvsim_translate_iotlb(void *opaque, u64 addr, u32 len, bool write, u32 *mapped)
{
	struct mvsim_dev *dev = opaque;
	struct vhost_iotlb *map = READ_ONCE(dev->map);
	struct vhost_iotlb_map *m;
	u64 pa;

	if (!map || !len)
		return NULL;
	m = vhost_iotlb_itree_first(map, addr, addr);
	if (!m || !(m->perm & (write ? VHOST_MAP_WO : VHOST_MAP_RO)))
		return NULL;
	pa = m->addr + (addr - m->start);
	if (!pfn_valid(PHYS_PFN(pa)))
		return NULL;
	/* m->last - addr + 1 overflows for an entry covering all 2^64 bytes. */
	*mapped = m->last - addr >= len - 1 ? len : (u32)(m->last - addr + 1);
	return phys_to_virt(pa);
}

bool mvsim_has_feature(const struct mvsim_dev *dev, unsigned int bit)
{
	return dev->features & BIT_ULL(bit);
}

/**
 * mvsim_vq_usable() - may the datapath use this vq now?
 * @dev: device
 * @vq: one of its vqs, whose lock the caller holds
 *
 * Return: true if @vq is enabled, sound, and the driver set DRIVER_OK.
 */
bool mvsim_vq_usable(struct mvsim_dev *dev, struct mvsim_vq *vq)
{
	lockdep_assert_held(&vq->lock);
	return vq->ready && !vq->broken && !READ_ONCE(dev->suspended) &&
	       (READ_ONCE(dev->status) & VIRTIO_CONFIG_S_DRIVER_OK);
}

/**
 * mvsim_vq_notify() - raise a vq's interrupt
 * @vq: the vq, whose lock the caller holds
 *
 * Softirqs the callback raises (NAPI, block completion) run when we
 * re-enable them, as they would on return from a hardware interrupt.
 */
void mvsim_vq_notify(struct mvsim_vq *vq)
{
	lockdep_assert_held(&vq->lock);
	if (!vq->cb.callback)
		return;
	local_bh_disable();
	vq->cb.callback(vq->cb.private);
	local_bh_enable();
}

/**
 * mvsim_vq_fail() - the driver broke a vq's ring: stop it and say so
 * @dev: device
 * @vq: the vq, whose lock the caller holds
 */
void mvsim_vq_fail(struct mvsim_dev *dev, struct mvsim_vq *vq)
{
	unsigned long flags;

	lockdep_assert_held(&vq->lock);
	vq->broken = true;
	vq->stats.errors++;
	dev_warn_ratelimited(&dev->mdev->dev, "malformed virtqueue %td, needs reset\n",
			     vq - dev->vqs);
	spin_lock_irqsave(&dev->lock, flags);
	dev->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
	/* Called like a hardware interrupt handler would be. */
	if (dev->config_cb.callback)
		dev->config_cb.callback(dev->config_cb.private);
	spin_unlock_irqrestore(&dev->lock, flags);
	mdev_virtio_config_changed(dev->mdev);
}

/**
 * mvsim_vq_count() - count a buffer the device used
 * @vq: the vq, whose lock the caller holds
 * @c: the buffer's chain
 * @bytes: payload it carried
 */
void mvsim_vq_count(struct mvsim_vq *vq, const struct mvsim_vring_chain *c, u64 bytes)
{
	lockdep_assert_held(&vq->lock);
	vq->stats.completed++;
	vq->stats.descriptors += c->ndesc;
	vq->stats.bytes += bytes;
}

static void mvsim_work(struct work_struct *work)
{
	struct mvsim_dev *dev = container_of(work, struct mvsim_dev, work);

	dev->kind->work(dev);
}

/**
 * mvsim_dev_reset() - reset a device to its initial state
 * @dev: device
 *
 * On return no work runs, no ring is touched and no callback is raised until
 * the driver sets the device up again.
 */
void mvsim_dev_reset(struct mvsim_dev *dev)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&dev->lock, flags);
	WRITE_ONCE(dev->status, 0);
	WRITE_ONCE(dev->suspended, false);
	dev->features = 0;
	dev->config_cb = (struct mdev_virtio_callback){};
	dev->generation++;
	dev->kind->build_config(dev);
	spin_unlock_irqrestore(&dev->lock, flags);

	cancel_work_sync(&dev->work);

	for (i = 0; i < dev->nvqs; i++) {
		struct mvsim_vq *vq = &dev->vqs[i];

		mutex_lock(&vq->lock);
		mvsim_vring_reset(&vq->vring);
		vq->ready = false;
		vq->broken = false;
		vq->cb = (struct mdev_virtio_callback){};
		vq->desc_area = 0;
		vq->driver_area = 0;
		vq->device_area = 0;
		vq->num = 0;
		vq->avail_state = 0;
		mutex_unlock(&vq->lock);
	}
}

/**
 * mvsim_dev_init() - initialise the shared part of a new device
 * @dev: zeroed device state, embedded by the kind
 * @mdev: its mediated device
 * @kind: net or blk
 *
 * Return: 0 or -ENOMEM.
 */
int mvsim_dev_init(struct mvsim_dev *dev, struct mdev_virtio_device *mdev,
		   const struct mvsim_kind *kind)
{
	unsigned int i;

	dev->vqs = kcalloc(kind->nvqs, sizeof(*dev->vqs), GFP_KERNEL);
	if (!dev->vqs)
		return -ENOMEM;
	dev->nvqs = kind->nvqs;
	for (i = 0; i < dev->nvqs; i++)
		mutex_init(&dev->vqs[i].lock);
	dev->mdev = mdev;
	dev->kind = kind;
	dev->translate = mdev->class_id == MDEV_VIRTIO_CLASS_ID_VIRTIO ? mvsim_translate_phys :
									 mvsim_translate_iotlb;
	dev->features_offered = kind->features | BIT_ULL(VIRTIO_F_ACCESS_PLATFORM);
	mutex_init(&dev->map_lock);
	mdev->nvqs = kind->nvqs;
	spin_lock_init(&dev->lock);
	INIT_WORK(&dev->work, mvsim_work);
	INIT_LIST_HEAD(&dev->node);
	mvsim_dev_reset(dev);
	return 0;
}

/**
 * mvsim_dev_destroy() - quiesce a device and free the shared part
 * @dev: device; no driver is bound any more
 */
void mvsim_dev_destroy(struct mvsim_dev *dev)
{
	unsigned int i;

	mvsim_dev_reset(dev);
	for (i = 0; i < dev->nvqs; i++)
		mutex_destroy(&dev->vqs[i].lock);
	kfree(dev->vqs);
	if (dev->map)
		vhost_iotlb_free(dev->map);
	mutex_destroy(&dev->map_lock);
}

static struct mvsim_vq *mvsim_get_vq(struct mdev_virtio_device *mdev, u16 idx)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);

	return idx < dev->nvqs ? &dev->vqs[idx] : NULL;
}

static int mvsim_set_vq_address(struct mdev_virtio_device *mdev, u16 idx, u64 desc_area,
				u64 driver_area, u64 device_area)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);
	int ret = 0;

	if (!vq)
		return -EINVAL;
	mutex_lock(&vq->lock);
	if (vq->ready) {
		ret = -EBUSY;
	} else {
		vq->desc_area = desc_area;
		vq->driver_area = driver_area;
		vq->device_area = device_area;
	}
	mutex_unlock(&vq->lock);
	return ret;
}

static void mvsim_set_vq_num(struct mdev_virtio_device *mdev, u16 idx, u32 num)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);

	if (!vq)
		return;
	mutex_lock(&vq->lock);
	if (!vq->ready)
		vq->num = num;
	mutex_unlock(&vq->lock);
}

/* May be called in atomic context (virtqueue_kick). */
static void mvsim_kick_vq(struct mdev_virtio_device *mdev, u16 idx)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);

	if (idx < dev->nvqs) {
		atomic64_inc(&dev->vqs[idx].kicks);
		dev->kind->kick(dev, idx);
	}
}

static void mvsim_set_vq_cb(struct mdev_virtio_device *mdev, u16 idx,
			    const struct mdev_virtio_callback *cb)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);

	if (!vq)
		return;
	mutex_lock(&vq->lock);
	vq->cb = *cb;
	mutex_unlock(&vq->lock);
}

/* Attach a vq's ring at its areas and avail index; under its lock. */
static int mvsim_vq_attach(struct mvsim_dev *dev, struct mvsim_vq *vq)
{
	bool event_idx = mvsim_has_feature(dev, VIRTIO_RING_F_EVENT_IDX);
	int ret;

	lockdep_assert_held(&vq->lock);
	if (!vq->num || vq->num > MVSIM_VQ_NUM_MAX)
		return -EINVAL;
	ret = mvsim_vring_setup(&vq->vring, vq->num, vq->desc_area, vq->driver_area,
				vq->device_area, event_idx, dev->translate, dev);
	if (!ret)
		mvsim_vring_set_avail_state(&vq->vring, vq->avail_state);
	return ret;
}

/*
 * A vhost-class queue may be enabled before the IOTLB maps its ring (QEMU
 * does so): it is ready, with its ring detached until set_map attaches it.
 */
static void mvsim_set_vq_ready(struct mdev_virtio_device *mdev, u16 idx, bool ready)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);
	bool kick = false;

	if (!vq)
		return;
	mutex_lock(&vq->lock);
	if (ready && !vq->ready) {
		int ret = mvsim_vq_attach(dev, vq);

		if (!ret || (ret == -EFAULT && dev->translate != mvsim_translate_phys)) {
			vq->ready = true;
			vq->broken = false;
			kick = !ret;
		}
	} else if (!ready && vq->ready) {
		if (vq->vring.num)
			vq->avail_state = mvsim_vring_get_avail_state(&vq->vring);
		mvsim_vring_reset(&vq->vring);
		vq->ready = false;
	}
	mutex_unlock(&vq->lock);
	if (kick)
		dev->kind->kick(dev, idx);
}

static bool mvsim_get_vq_ready(struct mdev_virtio_device *mdev, u16 idx)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);
	bool ready;

	if (!vq)
		return false;
	mutex_lock(&vq->lock);
	ready = vq->ready;
	mutex_unlock(&vq->lock);
	return ready;
}

static int mvsim_set_vq_state(struct mdev_virtio_device *mdev, u16 idx, u64 state)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);
	int ret = 0;

	if (!vq || state > U16_MAX)
		return -EINVAL;
	mutex_lock(&vq->lock);
	if (vq->ready)
		ret = -EBUSY;
	else
		vq->avail_state = state;
	mutex_unlock(&vq->lock);
	return ret;
}

static u64 mvsim_get_vq_state(struct mdev_virtio_device *mdev, u16 idx)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);
	u16 state;

	if (!vq)
		return 0;
	mutex_lock(&vq->lock);
	state = vq->ready && vq->vring.num ? mvsim_vring_get_avail_state(&vq->vring) :
					     vq->avail_state;
	mutex_unlock(&vq->lock);
	return state;
}

static u32 mvsim_get_vq_align(struct mdev_virtio_device *mdev)
{
	return PAGE_SIZE;
}

static u64 mvsim_get_features(struct mdev_virtio_device *mdev)
{
	return mdev_to_mvsim(mdev)->features_offered;
}

static int mvsim_set_features(struct mdev_virtio_device *mdev, u64 features)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	int ret = 0;

	/* Only virtio 1.x drivers, and only features we offered. */
	if ((features & ~dev->features_offered) || !(features & BIT_ULL(VIRTIO_F_VERSION_1)))
		return -EINVAL;
	spin_lock_irqsave(&dev->lock, flags);
	if (dev->status & VIRTIO_CONFIG_S_FEATURES_OK)
		ret = -EBUSY;
	else
		dev->features = features;
	spin_unlock_irqrestore(&dev->lock, flags);
	return ret;
}

static void mvsim_set_config_cb(struct mdev_virtio_device *mdev,
				const struct mdev_virtio_callback *cb)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;

	spin_lock_irqsave(&dev->lock, flags);
	dev->config_cb = *cb;
	spin_unlock_irqrestore(&dev->lock, flags);
}

static u16 mvsim_get_vq_num_max(struct mdev_virtio_device *mdev)
{
	return MVSIM_VQ_NUM_MAX;
}

static u32 mvsim_get_device_id(struct mdev_virtio_device *mdev)
{
	return mdev_to_mvsim(mdev)->kind->device_id;
}

static u32 mvsim_get_vendor_id(struct mdev_virtio_device *mdev)
{
	return 0;
}

static u8 mvsim_get_status(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	u8 status;

	spin_lock_irqsave(&dev->lock, flags);
	status = dev->status;
	spin_unlock_irqrestore(&dev->lock, flags);
	return status;
}

static void mvsim_set_status(struct mdev_virtio_device *mdev, u8 status)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	bool start;

	if (!status) {
		mvsim_dev_reset(dev);
		return;
	}
	spin_lock_irqsave(&dev->lock, flags);
	start = (status & ~dev->status) & VIRTIO_CONFIG_S_DRIVER_OK;
	WRITE_ONCE(dev->status, status | (dev->status & VIRTIO_CONFIG_S_NEEDS_RESET));
	spin_unlock_irqrestore(&dev->lock, flags);
	/* Buffers made available before DRIVER_OK are ours now. */
	if (start)
		queue_work(mvsim_wq, &dev->work);
}

static void mvsim_get_config(struct mdev_virtio_device *mdev, unsigned int offset, void *buf,
			     unsigned int len)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	size_t size = dev->kind->config_size;
	unsigned int n = 0;

	spin_lock_irqsave(&dev->lock, flags);
	if (offset < size) {
		n = min_t(size_t, len, size - offset);
		memcpy(buf, (u8 *)&dev->config + offset, n);
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	memset((u8 *)buf + n, 0, len - n);
}

/* Nothing in our config space is writable by the driver. */
static void mvsim_set_config(struct mdev_virtio_device *mdev, unsigned int offset,
			     const void *buf, unsigned int len)
{
}

static u32 mvsim_get_generation(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	u32 gen;

	spin_lock_irqsave(&dev->lock, flags);
	gen = dev->generation;
	spin_unlock_irqrestore(&dev->lock, flags);
	return gen;
}

static u64 mvsim_get_driver_features(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	unsigned long flags;
	u64 features;

	spin_lock_irqsave(&dev->lock, flags);
	features = dev->features;
	spin_unlock_irqrestore(&dev->lock, flags);
	return features;
}

/* A simulator's reset cannot fail; the op exists for parents whose can. */
static int mvsim_reset(struct mdev_virtio_device *mdev)
{
	mvsim_dev_reset(mdev_to_mvsim(mdev));
	return 0;
}

/* Stop the queues where they are; on return no work runs until a reset. */
static int mvsim_suspend(struct mdev_virtio_device *mdev)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);

	WRITE_ONCE(dev->suspended, true);
	cancel_work_sync(&dev->work);
	return 0;
}

/* Bound or not: the counters outlive resets and are read under the vq lock. */
static int mvsim_get_vq_stats(struct mdev_virtio_device *mdev, u16 idx,
			      struct mdev_virtio_vq_stats *stats)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);

	if (!vq)
		return -EINVAL;
	mutex_lock(&vq->lock);
	*stats = vq->stats;
	stats->kicks = atomic64_read(&vq->kicks);
	mutex_unlock(&vq->lock);
	return 0;
}

static void mvsim_clear_vq_stats(struct mdev_virtio_device *mdev, u16 idx)
{
	struct mvsim_vq *vq = mvsim_get_vq(mdev, idx);

	if (!vq)
		return;
	mutex_lock(&vq->lock);
	memset(&vq->stats, 0, sizeof(vq->stats));
	atomic64_set(&vq->kicks, 0);
	mutex_unlock(&vq->lock);
}

static size_t mvsim_get_config_size(struct mdev_virtio_device *mdev)
{
	return mdev_to_mvsim(mdev)->kind->config_size;
}

/*
 * A copy of @iotlb (the caller may change or free its own afterwards), or
 * ERR_PTR(-ENOMEM).  An empty map is NULL: letting go never fails.
 */
static struct vhost_iotlb *mvsim_map_copy(struct vhost_iotlb *iotlb)
{
	struct vhost_iotlb_map *m;
	struct vhost_iotlb *copy;

	if (!vhost_iotlb_itree_first(iotlb, 0, U64_MAX))
		return NULL;
	copy = vhost_iotlb_alloc(iotlb->nmaps, 0);
	if (!copy)
		return ERR_PTR(-ENOMEM);
	for (m = vhost_iotlb_itree_first(iotlb, 0, U64_MAX); m;
	     m = vhost_iotlb_itree_next(m, 0, U64_MAX)) {
		if (vhost_iotlb_add_range(copy, m->start, m->last, m->addr, m->perm)) {
			vhost_iotlb_free(copy);
			return ERR_PTR(-ENOMEM);
		}
	}
	return copy;
}

/* The translation changed: look @vq's ring up again.  Under its lock. */
static void mvsim_vq_retranslate(struct mvsim_dev *dev, struct mvsim_vq *vq)
{
	lockdep_assert_held(&vq->lock);
	if (vq->ready && vq->vring.num) {
		if (mvsim_vring_remap(&vq->vring, vq->desc_area, vq->driver_area,
				      vq->device_area))
			mvsim_vq_fail(dev, vq);
	} else if (vq->ready) {
		/* Enabled before its ring was mapped: maybe it is now. */
		mvsim_vq_attach(dev, vq);
	}
}

/**
 * mvsim_vqs_retranslate() - the translation changed: look the rings up again
 * @dev: a vhost-class device
 *
 * Takes every vq lock once: whoever translated with the old translation did
 * so under one of them and is done when we get it.  Rings are looked up
 * again on the way; one no longer mapped breaks its queue, one enabled
 * before it was mapped is attached.
 */
void mvsim_vqs_retranslate(struct mvsim_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nvqs; i++) {
		struct mvsim_vq *vq = &dev->vqs[i];

		mutex_lock(&vq->lock);
		mvsim_vq_retranslate(dev, vq);
		mutex_unlock(&vq->lock);
	}
	/* Buffers that were unmapped may be mapped now. */
	queue_work(mvsim_wq, &dev->work);
}

/* Publish @new (NULL: no map), then wait for the old one's users.  Under map_lock. */
static void mvsim_map_replace(struct mvsim_dev *dev, struct vhost_iotlb *new)
{
	struct vhost_iotlb *old = dev->map;

	lockdep_assert_held(&dev->map_lock);
	WRITE_ONCE(dev->map, new);
	mvsim_vqs_retranslate(dev);
	if (old)
		vhost_iotlb_free(old);
}

static int mvsim_set_map(struct mdev_virtio_device *mdev, struct vhost_iotlb *iotlb)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	struct vhost_iotlb *new;

	if (dev->translate != mvsim_translate_iotlb)
		return -EOPNOTSUPP;
	new = mvsim_map_copy(iotlb);
	if (IS_ERR(new))
		return PTR_ERR(new);
	mutex_lock(&dev->map_lock);
	mvsim_map_replace(dev, new);
	mutex_unlock(&dev->map_lock);
	return 0;
}

/* Entries of an incremental map: as many as vhost_mdev's IOTLB holds. */
#define MVSIM_MAP_ENTRIES	(1U << 20)

/*
 * Every vq lock of @dev, the highest index first: a net device's TX lock
 * before its RX lock, as its datapath nests them (mvsim.h), with the same
 * lockdep subclasses.  With them all held nobody translates through dev->map.
 */
static void mvsim_vqs_lock(struct mvsim_dev *dev)
{
	unsigned int i;

	for (i = dev->nvqs; i--;)
		mutex_lock_nested(&dev->vqs[i].lock, dev->nvqs - 1 - i);
}

static void mvsim_vqs_unlock(struct mvsim_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nvqs; i++)
		mutex_unlock(&dev->vqs[i].lock);
}

/* Every vq lock held: the rings after a change of the map. */
static void mvsim_vqs_retranslate_locked(struct mvsim_dev *dev)
{
	unsigned int i;

	for (i = 0; i < dev->nvqs; i++)
		mvsim_vq_retranslate(dev, &dev->vqs[i]);
}

/*
 * The incremental interface (mvsim_ops_incremental, iotlb=incremental): the
 * map is changed in place with every vq lock held, so translation never sees
 * it half-changed and a change costs a lookup in the interval tree, whatever
 * the number of entries (vhost_mdev maps one per physically contiguous run:
 * a copy per change would make mapping N scattered pages cost N^2).
 */
static int mvsim_dma_map(struct mdev_virtio_device *mdev, u64 iova, u64 size, u64 pa, u32 perm)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	struct vhost_iotlb *map;
	u64 last;
	int ret;

	if (dev->translate != mvsim_translate_iotlb)
		return -EOPNOTSUPP;
	if (!size || check_add_overflow(iova, size - 1, &last))
		return -EINVAL;
	mutex_lock(&dev->map_lock);
	map = dev->map ?: vhost_iotlb_alloc(MVSIM_MAP_ENTRIES, 0);
	if (!map) {
		mutex_unlock(&dev->map_lock);
		return -ENOMEM;
	}
	mvsim_vqs_lock(dev);
	WRITE_ONCE(dev->map, map);
	ret = vhost_iotlb_itree_first(map, iova, last) ? -EEXIST :
		vhost_iotlb_add_range(map, iova, last, pa, perm);
	if (!ret)
		mvsim_vqs_retranslate_locked(dev);
	mvsim_vqs_unlock(dev);
	mutex_unlock(&dev->map_lock);
	/* Buffers that were unmapped may be mapped now. */
	if (!ret)
		queue_work(mvsim_wq, &dev->work);
	return ret;
}

/* On return nobody uses what was mapped in [iova, iova + size). */
static void mvsim_dma_unmap(struct mdev_virtio_device *mdev, u64 iova, u64 size)
{
	struct mvsim_dev *dev = mdev_to_mvsim(mdev);
	u64 last = iova + size - 1 < iova ? U64_MAX : iova + size - 1;

	mutex_lock(&dev->map_lock);
	mvsim_vqs_lock(dev);
	if (dev->map)
		vhost_iotlb_del_range(dev->map, iova, last);
	mvsim_vqs_retranslate_locked(dev);
	mvsim_vqs_unlock(dev);
	mutex_unlock(&dev->map_lock);
}

/* What both ways of learning the translation share. */
#define MVSIM_OPS_COMMON						\
	.set_vq_address = mvsim_set_vq_address,				\
	.set_vq_num = mvsim_set_vq_num,					\
	.kick_vq = mvsim_kick_vq,					\
	.set_vq_cb = mvsim_set_vq_cb,					\
	.set_vq_ready = mvsim_set_vq_ready,				\
	.get_vq_ready = mvsim_get_vq_ready,				\
	.set_vq_state = mvsim_set_vq_state,				\
	.get_vq_state = mvsim_get_vq_state,				\
	.get_vq_align = mvsim_get_vq_align,				\
	.get_features = mvsim_get_features,				\
	.set_features = mvsim_set_features,				\
	.set_config_cb = mvsim_set_config_cb,				\
	.get_vq_num_max = mvsim_get_vq_num_max,				\
	.get_device_id = mvsim_get_device_id,				\
	.get_vendor_id = mvsim_get_vendor_id,				\
	.get_status = mvsim_get_status,					\
	.set_status = mvsim_set_status,					\
	.get_config = mvsim_get_config,					\
	.set_config = mvsim_set_config,					\
	.get_generation = mvsim_get_generation,				\
	.get_config_size = mvsim_get_config_size,			\
	.get_driver_features = mvsim_get_driver_features,		\
	.reset = mvsim_reset,						\
	.suspend = mvsim_suspend,					\
	.get_vq_stats = mvsim_get_vq_stats,				\
	.clear_vq_stats = mvsim_clear_vq_stats

/* The whole IOTLB at once (set_map): what the types use by default. */
const struct mdev_virtio_ops mvsim_ops = {
	MVSIM_OPS_COMMON,
	.set_map = mvsim_set_map,
};

/* The same device, told its translation one mapping at a time. */
const struct mdev_virtio_ops mvsim_ops_incremental = {
	MVSIM_OPS_COMMON,
	.dma_map = mvsim_dma_map,
	.dma_unmap = mvsim_dma_unmap,
};

/* No translation of its own: the platform IOMMU of its DMA device (mvsim_iommu.c). */
const struct mdev_virtio_ops mvsim_ops_platform = {
	MVSIM_OPS_COMMON,
	.dma_notify = mvsim_iommu_notify,
};
