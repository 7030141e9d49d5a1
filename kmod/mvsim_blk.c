// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_blk.c: the simulated virtio-blk device, a RAM disk.
 *
 * One request queue serving read, write, flush and get-id.  The disk is
 * `capacity` 512-byte sectors (the device's config attribute), backed by
 * pages allocated on first write, so an untouched disk costs nothing and
 * reads of never-written sectors return zeroes.  Only the device's work
 * touches the pages while a driver is bound; config_update and remove run
 * while none is.
 */
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include <uapi/linux/virtio_ids.h>

#include "mvsim.h"

#define MVSIM_SECTOR_SHIFT	9
#define MVSIM_SECTOR_SIZE	(1U << MVSIM_SECTOR_SHIFT)
#define MVSIM_BLK_SIZE_MAX	(1U << 20)	/* largest segment we accept */

static unsigned long long blk_capacity = 262144;
module_param(blk_capacity, ullong, 0444);
MODULE_PARM_DESC(blk_capacity, "Default capacity of a blk device, in 512-byte sectors (128 MiB)");

unsigned long long mvsim_blk_max_capacity = 1ULL << 32;
module_param_named(blk_max_capacity, mvsim_blk_max_capacity, ullong, 0444);
MODULE_PARM_DESC(blk_max_capacity, "Largest capacity accepted, in sectors (2 TiB; RAM is used as written)");

struct mvsim_blk {
	struct mvsim_dev dev;
	struct xarray pages;		/* page index -> struct page */
	char id[VIRTIO_BLK_ID_BYTES + 1];
};

static struct mvsim_blk *to_mvsim_blk(struct mvsim_dev *dev)
{
	return container_of(dev, struct mvsim_blk, dev);
}

static void mvsim_blk_build_config(struct mvsim_dev *dev)
{
	struct virtio_blk_config *c = &dev->config.blk;

	memset(c, 0, sizeof(*c));
	/* virtio 1.x: the config space is little-endian. */
	c->capacity = (__force __virtio64)cpu_to_le64(dev->mdev->config.capacity);
	c->size_max = (__force __virtio32)cpu_to_le32(MVSIM_BLK_SIZE_MAX);
	/* Room for the request header and the status byte. */
	c->seg_max = (__force __virtio32)cpu_to_le32(MVSIM_VRING_MAX_SEGS - 2);
	c->blk_size = (__force __virtio32)cpu_to_le32(MVSIM_SECTOR_SIZE);
}

static struct page *mvsim_blk_page(struct mvsim_blk *b, pgoff_t idx, bool alloc)
{
	struct page *page = xa_load(&b->pages, idx);

	if (page || !alloc)
		return page;
	/* NOIO: reclaim must not wait for I/O, which may be ours. */
	page = alloc_page(GFP_NOIO | __GFP_ZERO);
	if (!page)
		return NULL;
	if (xa_is_err(xa_store(&b->pages, idx, page, GFP_NOIO))) {
		__free_page(page);
		return NULL;
	}
	return page;
}

/* Copy @len bytes at disk offset @pos from/to the chain at @chain_off. */
static int mvsim_blk_copy(struct mvsim_blk *b, const struct mvsim_vring_chain *c,
			  size_t chain_off, u64 pos, size_t len, bool write)
{
	while (len) {
		unsigned int off = offset_in_page(pos);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);
		struct page *page = mvsim_blk_page(b, pos >> PAGE_SHIFT, write);

		if (write) {
			if (!page)
				return -ENOMEM;
			if (mvsim_vring_chain_read(c, chain_off, page_address(page) + off, n) != n)
				return -EIO;
		} else {
			const void *src = page ? page_address(page) + off : page_address(ZERO_PAGE(0));

			if (mvsim_vring_chain_write(c, chain_off, src, n) != n)
				return -EIO;
		}
		pos += n;
		chain_off += n;
		len -= n;
	}
	return 0;
}

static u8 mvsim_blk_rw(struct mvsim_blk *b, const struct mvsim_vring_chain *c, u64 sector,
		       size_t chain_off, size_t len, bool write)
{
	u64 capacity = b->dev.mdev->config.capacity;

	if (len % MVSIM_SECTOR_SIZE || sector > capacity ||
	    (len >> MVSIM_SECTOR_SHIFT) > capacity - sector)
		return VIRTIO_BLK_S_IOERR;
	if (mvsim_blk_copy(b, c, chain_off, sector << MVSIM_SECTOR_SHIFT, len, write))
		return VIRTIO_BLK_S_IOERR;
	return VIRTIO_BLK_S_OK;
}

/*
 * Serve one request and count it on @vq (bytes: the data read or written;
 * a failed or unsupported request is an error); returns the bytes written
 * into the chain.
 */
static u32 mvsim_blk_handle(struct mvsim_blk *b, struct mvsim_vq *vq,
			    const struct mvsim_vring_chain *c, const struct virtio_blk_outhdr *hdr)
{
	u64 sector = le64_to_cpu((__force __le64)hdr->sector);
	size_t data_in = c->in_len - 1;	/* the last byte is the status */
	u32 written = 0;
	u64 bytes = 0;
	u8 status;

	switch (le32_to_cpu((__force __le32)hdr->type)) {
	case VIRTIO_BLK_T_IN:
		status = mvsim_blk_rw(b, c, sector, 0, data_in, false);
		if (status == VIRTIO_BLK_S_OK)
			written = data_in;
		bytes = written;
		break;
	case VIRTIO_BLK_T_OUT:
		status = mvsim_blk_rw(b, c, sector, sizeof(*hdr), c->out_len - sizeof(*hdr), true);
		if (status == VIRTIO_BLK_S_OK)
			bytes = c->out_len - sizeof(*hdr);
		break;
	case VIRTIO_BLK_T_FLUSH:
		status = VIRTIO_BLK_S_OK;	/* RAM: nothing is ever cached */
		break;
	case VIRTIO_BLK_T_GET_ID:
		written = min_t(size_t, data_in, VIRTIO_BLK_ID_BYTES);
		mvsim_vring_chain_write(c, 0, b->id, written);
		status = VIRTIO_BLK_S_OK;
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	mvsim_vring_chain_write(c, data_in, &status, 1);
	mvsim_vq_count(vq, c, bytes);
	if (status != VIRTIO_BLK_S_OK)
		vq->stats.errors++;
	return written + 1;
}

static void mvsim_blk_work(struct mvsim_dev *dev)
{
	struct mvsim_blk *b = to_mvsim_blk(dev);
	struct mvsim_vq *vq = &dev->vqs[0];
	struct mvsim_vring_chain *c = &vq->chain;
	struct virtio_blk_outhdr hdr;
	unsigned int done = 0;
	bool more = false;
	int ret;

	mutex_lock(&vq->lock);
	while (mvsim_vq_usable(dev, vq)) {
		if (done == MVSIM_BUDGET) {
			more = true;
			break;
		}
		ret = mvsim_vring_pop(&vq->vring, c);
		if (ret <= 0) {
			if (ret < 0)
				mvsim_vq_fail(dev, vq);
			break;
		}
		/* Without a header or a status byte there is no way to answer. */
		if (c->in_len < 1 ||
		    mvsim_vring_chain_read(c, 0, &hdr, sizeof(hdr)) != sizeof(hdr)) {
			mvsim_vq_fail(dev, vq);
			break;
		}
		mvsim_vring_push(&vq->vring, c->head, mvsim_blk_handle(b, vq, c, &hdr));
		done++;
	}
	if (done && mvsim_vring_should_notify(&vq->vring))
		mvsim_vq_notify(vq);
	mutex_unlock(&vq->lock);

	if (more)
		queue_work(mvsim_wq, &dev->work);
}

static void mvsim_blk_kick(struct mvsim_dev *dev, u16 idx)
{
	queue_work(mvsim_wq, &dev->work);
}

const struct mvsim_kind mvsim_blk_kind = {
	.device_id = VIRTIO_ID_BLOCK,
	.nvqs = 1,
	.features = BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_BLK_F_SIZE_MAX) |
		    BIT_ULL(VIRTIO_BLK_F_SEG_MAX) | BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) |
		    BIT_ULL(VIRTIO_BLK_F_FLUSH) | BIT_ULL(VIRTIO_RING_F_EVENT_IDX) |
		    BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC),
	.config_size = sizeof(struct virtio_blk_config),
	.build_config = mvsim_blk_build_config,
	.work = mvsim_blk_work,
	.kick = mvsim_blk_kick,
};

/* Forget what lies beyond @capacity sectors, so a later growth reads zeroes. */
static void mvsim_blk_truncate(struct mvsim_blk *b, u64 capacity)
{
	u64 end = capacity << MVSIM_SECTOR_SHIFT;
	unsigned long idx;
	struct page *page;

	page = xa_load(&b->pages, end >> PAGE_SHIFT);
	if (page && offset_in_page(end))
		memset(page_address(page) + offset_in_page(end), 0,
		       PAGE_SIZE - offset_in_page(end));
	xa_for_each_start(&b->pages, idx, page, DIV_ROUND_UP_ULL(end, PAGE_SIZE)) {
		xa_erase(&b->pages, idx);
		__free_page(page);
	}
}

/**
 * mvsim_blk_config_update() - accept a new capacity (no driver bound)
 * @dev: a blk device
 * @cfg: the proposed provisioning attributes
 *
 * Return: 0, or -EINVAL beyond the blk_max_capacity module parameter.
 */
int mvsim_blk_config_update(struct mvsim_dev *dev, const struct mdev_virtio_dev_config *cfg)
{
	if (!cfg->capacity || cfg->capacity > mvsim_blk_max_capacity)
		return -EINVAL;
	if (cfg->capacity < dev->mdev->config.capacity)
		mvsim_blk_truncate(to_mvsim_blk(dev), cfg->capacity);
	return 0;
}

/* The serial number: the first 20 hex digits of the UUID as written. */
static void mvsim_blk_make_id(char id[VIRTIO_BLK_ID_BYTES + 1], const guid_t *uuid)
{
	char str[UUID_STRING_LEN + 1];
	unsigned int i, n = 0;

	snprintf(str, sizeof(str), "%pUl", uuid);
	for (i = 0; str[i] && n < VIRTIO_BLK_ID_BYTES; i++) {
		if (str[i] != '-')
			id[n++] = str[i];
	}
	id[n] = '\0';
}

/**
 * mvsim_blk_create() - allocate the state of a new blk device
 * @mdev: its mediated device; its capacity is set to the default here
 *
 * Return: the device, or an ERR_PTR.
 */
struct mvsim_dev *mvsim_blk_create(struct mdev_virtio_device *mdev)
{
	struct mvsim_blk *b;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return ERR_PTR(-ENOMEM);
	xa_init(&b->pages);
	mvsim_blk_make_id(b->id, &mdev->uuid);
	mdev->config.capacity = clamp_t(u64, blk_capacity, 1, mvsim_blk_max_capacity);

	ret = mvsim_dev_init(&b->dev, mdev, &mvsim_blk_kind);
	if (ret) {
		kfree(b);
		return ERR_PTR(ret);
	}
	return &b->dev;
}

/**
 * mvsim_blk_remove() - free a blk device and its data
 * @dev: the device; no driver is bound any more
 */
void mvsim_blk_remove(struct mvsim_dev *dev)
{
	struct mvsim_blk *b = to_mvsim_blk(dev);

	mvsim_dev_destroy(dev);
	mvsim_blk_truncate(b, 0);
	xa_destroy(&b->pages);
	kfree(b);
}
