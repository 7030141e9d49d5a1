// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_net.c: the simulated virtio-net device.
 *
 * One queue pair (0 = receiveq, 1 = transmitq), no control queue, no
 * offloads: every frame the driver transmits is copied, as it is, into a
 * receive buffer of the device at the other end of the cable, which is the
 * device itself unless its "peer" attribute names another mvsim net device.
 * Like a real link, a frame finding no receive buffer (or one too small) is
 * dropped.  The receiver's interrupt is raised once per batch of frames the
 * transmitting work delivered (at most MVSIM_BUDGET), as a NIC coalesces
 * them, not once per frame.
 *
 * Counters: a transmitted frame counts on the TX queue (bytes without the
 * virtio-net header), and as a TX drop if it is too short to be a frame or
 * the receiving queue is not running; a received one on the RX queue, or as
 * an RX drop when there is no buffer for it, or none big enough.
 *
 * The peer pointer is read by the transmitting work inside an SRCU read
 * section (it sleeps on the peer's RX lock), so a device that was ever
 * cross-connected waits for an SRCU grace period before it is freed.
 */
#include <linux/etherdevice.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/sysfs.h>
#include <uapi/linux/virtio_ids.h>

#include "mvsim.h"

enum {
	MVSIM_NET_RX,
	MVSIM_NET_TX,
	MVSIM_NET_NVQS,
};

struct mvsim_net {
	struct mvsim_dev dev;
	struct mvsim_net __rcu *peer;	/* written under mvsim_lock */
	bool was_peered;		/* under mvsim_lock */
};

DEFINE_STATIC_SRCU(mvsim_net_srcu);

static struct mvsim_net *to_mvsim_net(struct mvsim_dev *dev)
{
	return container_of(dev, struct mvsim_net, dev);
}

static void mvsim_net_build_config(struct mvsim_dev *dev)
{
	struct virtio_net_config *c = &dev->config.net;
	const struct mdev_virtio_dev_config *cfg = &dev->mdev->config;

	memset(c, 0, sizeof(*c));
	ether_addr_copy(c->mac, cfg->mac);
	/* virtio 1.x: the config space is little-endian. */
	c->status = (__force __virtio16)cpu_to_le16(VIRTIO_NET_S_LINK_UP);
	c->max_virtqueue_pairs = (__force __virtio16)cpu_to_le16(1);
	c->mtu = (__force __virtio16)cpu_to_le16(cfg->mtu);
}

/* Copy the frame after the virtio-net header of @txc into @rxc at @hdr_len. */
static void mvsim_net_copy_frame(const struct mvsim_vring_chain *rxc,
				 const struct mvsim_vring_chain *txc, size_t hdr_len)
{
	size_t skip = hdr_len, off = hdr_len;
	unsigned int i;

	for (i = 0; i < txc->nout; i++) {
		const struct mvsim_vring_seg *s = &txc->seg[i];

		if (skip >= s->len) {
			skip -= s->len;
			continue;
		}
		mvsim_vring_chain_write(rxc, off, (u8 *)s->addr + skip, s->len - skip);
		off += s->len - skip;
		skip = 0;
	}
}

/*
 * Put one transmitted frame into a receive buffer of @dst; caller holds its
 * RX lock.  False if @dst's RX queue is not running: the sender's drop.
 */
static bool mvsim_net_receive(struct mvsim_net *dst, const struct mvsim_vring_chain *txc)
{
	const size_t hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	struct virtio_net_hdr_mrg_rxbuf hdr = {
		.num_buffers = (__force __virtio16)cpu_to_le16(1),
	};
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];
	u32 written = 0;
	int ret;

	if (!mvsim_vq_usable(&dst->dev, rx))
		return false;
	ret = mvsim_vring_pop(&rx->vring, &rx->chain);
	if (ret < 0)
		mvsim_vq_fail(&dst->dev, rx);
	if (ret <= 0) {
		rx->stats.drops++;
		return true;
	}

	/* A buffer too small for the frame is returned empty: the frame is dropped. */
	if (rx->chain.in_len >= txc->out_len) {
		mvsim_vring_chain_write(&rx->chain, 0, &hdr, hdr_len);
		mvsim_net_copy_frame(&rx->chain, txc, hdr_len);
		written = txc->out_len;
		mvsim_vq_count(rx, &rx->chain, txc->out_len - hdr_len);
	} else {
		rx->stats.drops++;
	}
	mvsim_vring_push(&rx->vring, rx->chain.head, written);
	return true;
}

/*
 * False if the frame was dropped on the sender's side.  The receiver is
 * notified by mvsim_net_rx_notify() once the batch is delivered.
 */
static bool mvsim_net_deliver(struct mvsim_net *dst, const struct mvsim_vring_chain *txc)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];
	bool received;

	if (txc->out_len < sizeof(struct virtio_net_hdr_mrg_rxbuf) + ETH_HLEN)
		return false;
	/* TX before RX, whichever device the RX queue belongs to. */
	mutex_lock_nested(&rx->lock, SINGLE_DEPTH_NESTING);
	received = mvsim_net_receive(dst, txc);
	mutex_unlock(&rx->lock);
	return received;
}

/*
 * Raise @dst's RX interrupt for what a batch put in its used ring, if its
 * driver wants one: once per batch, as a NIC coalesces, so that its NAPI
 * poll takes the whole batch (and GRO merges it) rather than a frame per
 * interrupt.
 */
static void mvsim_net_rx_notify(struct mvsim_net *dst)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];

	mutex_lock_nested(&rx->lock, SINGLE_DEPTH_NESTING);
	if (mvsim_vq_usable(&dst->dev, rx) && mvsim_vring_should_notify(&rx->vring))
		mvsim_vq_notify(rx);
	mutex_unlock(&rx->lock);
}

static void mvsim_net_work(struct mvsim_dev *dev)
{
	struct mvsim_net *n = to_mvsim_net(dev);
	const u32 hdr_len = sizeof(struct virtio_net_hdr_mrg_rxbuf);
	struct mvsim_vq *tx = &dev->vqs[MVSIM_NET_TX];
	unsigned int done = 0, delivered = 0;
	struct mvsim_net *dst;
	bool more = false;
	int ret, idx;

	/* One receiver per batch: a cable plugged meanwhile counts from the next. */
	idx = srcu_read_lock(&mvsim_net_srcu);
	dst = srcu_dereference(n->peer, &mvsim_net_srcu) ?: n;
	mutex_lock(&tx->lock);
	while (mvsim_vq_usable(dev, tx)) {
		if (done == MVSIM_BUDGET) {
			more = true;
			break;
		}
		ret = mvsim_vring_pop(&tx->vring, &tx->chain);
		if (ret < 0)
			mvsim_vq_fail(dev, tx);
		if (ret <= 0)
			break;
		mvsim_vq_count(tx, &tx->chain,
			       tx->chain.out_len - min_t(u32, tx->chain.out_len, hdr_len));
		if (mvsim_net_deliver(dst, &tx->chain))
			delivered++;
		else
			tx->stats.drops++;
		mvsim_vring_push(&tx->vring, tx->chain.head, 0);
		done++;
	}
	if (delivered)
		mvsim_net_rx_notify(dst);
	if (done && mvsim_vring_should_notify(&tx->vring))
		mvsim_vq_notify(tx);
	mutex_unlock(&tx->lock);
	srcu_read_unlock(&mvsim_net_srcu, idx);

	/* Not waiting for a kick: mvsim_vring_pop() asks for one only when empty. */
	if (more)
		queue_work(mvsim_wq, &dev->work);
}

/* Receive buffers are only used when a frame arrives; transmits need the work. */
static void mvsim_net_kick(struct mvsim_dev *dev, u16 idx)
{
	if (idx == MVSIM_NET_TX)
		queue_work(mvsim_wq, &dev->work);
}

const struct mvsim_kind mvsim_net_kind = {
	.device_id = VIRTIO_ID_NET,
	.nvqs = MVSIM_NET_NVQS,
	.features = BIT_ULL(VIRTIO_F_VERSION_1) | BIT_ULL(VIRTIO_NET_F_MAC) |
		    BIT_ULL(VIRTIO_NET_F_MTU) | BIT_ULL(VIRTIO_NET_F_STATUS) |
		    BIT_ULL(VIRTIO_RING_F_EVENT_IDX) | BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC),
	.config_size = sizeof(struct virtio_net_config),
	.build_config = mvsim_net_build_config,
	.work = mvsim_net_work,
	.kick = mvsim_net_kick,
};

static struct mvsim_net *mvsim_net_find(const guid_t *uuid)
{
	struct mvsim_dev *dev;

	lockdep_assert_held(&mvsim_lock);
	list_for_each_entry(dev, &mvsim_devices, node) {
		if (dev->kind == &mvsim_net_kind && guid_equal(&dev->mdev->uuid, uuid))
			return to_mvsim_net(dev);
	}
	return NULL;
}

static struct mvsim_net *mvsim_net_peer(struct mvsim_net *n)
{
	return rcu_dereference_protected(n->peer, lockdep_is_held(&mvsim_lock));
}

/* Unplug @n's cable, if any; under mvsim_lock. */
static void mvsim_net_unplug(struct mvsim_net *n)
{
	struct mvsim_net *old = mvsim_net_peer(n);

	if (old) {
		RCU_INIT_POINTER(old->peer, NULL);
		RCU_INIT_POINTER(n->peer, NULL);
	}
}

/* Connect @n and @to (NULL: just unplug @n); under mvsim_lock. */
static int mvsim_net_plug(struct mvsim_net *n, struct mvsim_net *to)
{
	struct mvsim_net *to_peer;

	if (to == n)
		return -EINVAL;
	if (to && mvsim_net_peer(n) == to)
		return 0;
	to_peer = to ? mvsim_net_peer(to) : NULL;
	if (to_peer)
		return -EBUSY;

	mvsim_net_unplug(n);
	if (to) {
		n->was_peered = true;
		to->was_peered = true;
		rcu_assign_pointer(n->peer, to);
		rcu_assign_pointer(to->peer, n);
	}
	return 0;
}

static struct mvsim_net *dev_to_mvsim_net(struct device *dev)
{
	return to_mvsim_net(mdev_to_mvsim(to_mdev_virtio_device(dev)));
}

static ssize_t peer_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct mvsim_net *n = dev_to_mvsim_net(dev);
	struct mvsim_net *peer;
	ssize_t ret;

	mutex_lock(&mvsim_lock);
	peer = mvsim_net_peer(n);
	ret = peer ? sysfs_emit(buf, "%pUl\n", &peer->dev.mdev->uuid) : sysfs_emit(buf, "\n");
	mutex_unlock(&mvsim_lock);
	return ret;
}

/* "<uuid>" connects to that mvsim net device; "" or "none" unplugs. */
static ssize_t peer_store(struct device *dev, struct device_attribute *attr, const char *buf,
			  size_t count)
{
	struct mvsim_net *n = dev_to_mvsim_net(dev);
	char str[UUID_STRING_LEN + 1];
	struct mvsim_net *to = NULL;
	size_t len = count;
	bool unplug;
	guid_t uuid;
	int ret;

	if (len && buf[len - 1] == '\n')
		len--;
	unplug = !len || (len == 4 && !strncmp(buf, "none", 4));
	if (!unplug) {
		if (len != UUID_STRING_LEN)
			return -EINVAL;
		memcpy(str, buf, UUID_STRING_LEN);
		str[UUID_STRING_LEN] = '\0';
		if (guid_parse(str, &uuid))
			return -EINVAL;
	}

	mutex_lock(&mvsim_lock);
	if (!unplug) {
		to = mvsim_net_find(&uuid);
		if (!to) {
			ret = -ENODEV;
			goto out;
		}
	}
	ret = mvsim_net_plug(n, to);
out:
	mutex_unlock(&mvsim_lock);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(peer);

static struct attribute *mvsim_net_attrs[] = {
	&dev_attr_peer.attr,
	NULL,
};

static const struct attribute_group mvsim_net_group = {
	.attrs = mvsim_net_attrs,
};

const struct attribute_group *mvsim_net_groups[] = {
	&mvsim_net_group,
	NULL,
};

/**
 * mvsim_net_create() - allocate the state of a new net device
 * @mdev: its mediated device
 *
 * Return: the device, or an ERR_PTR.
 */
struct mvsim_dev *mvsim_net_create(struct mdev_virtio_device *mdev)
{
	struct mvsim_net *n;
	int ret;

	n = kzalloc(sizeof(*n), GFP_KERNEL);
	if (!n)
		return ERR_PTR(-ENOMEM);
	ret = mvsim_dev_init(&n->dev, mdev, &mvsim_net_kind);
	if (ret) {
		kfree(n);
		return ERR_PTR(ret);
	}
	return &n->dev;
}

/**
 * mvsim_net_remove() - free a net device, already off mvsim_devices
 * @dev: the device; no driver is bound any more
 */
void mvsim_net_remove(struct mvsim_dev *dev)
{
	struct mvsim_net *n = to_mvsim_net(dev);
	bool was_peered;

	mutex_lock(&mvsim_lock);
	mvsim_net_unplug(n);
	was_peered = n->was_peered;
	mutex_unlock(&mvsim_lock);

	/* A former peer's work may still be delivering into our RX queue. */
	if (was_peered)
		synchronize_srcu(&mvsim_net_srcu);
	mvsim_dev_destroy(dev);
	kfree(n);
}
