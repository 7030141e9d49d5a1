// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_net.c: the simulated virtio-net device.
 *
 * One queue pair (0 = receiveq, 1 = transmitq), no control queue: every
 * frame the driver transmits is copied into a receive buffer of the device
 * at the other end of the cable, which is the device itself unless its
 * "peer" attribute names another mvsim net device.  Like a real link, a
 * frame finding no receive buffer (or one too small) is dropped.  The
 * receiver's interrupt is raised once per batch of frames the transmitting
 * work delivered (at most MVSIM_BUDGET), as a NIC coalesces them, not once
 * per frame.
 *
 * Offloads (unless the module parameter net_offloads was 0 when the device
 * was created): VIRTIO_NET_F_CSUM, GUEST_CSUM, HOST_TSO4/6 and GUEST_TSO4/6;
 * no ECN, UFO or MRG_RXBUF, so a frame always takes one receive buffer (a
 * GUEST_TSO driver posts 64 KiB ones).  The transmit header is read once and
 * validated against what the sender negotiated: NEEDS_CSUM only with CSUM
 * and csum_start + csum_offset + 2 within the frame; gso_type NONE, or
 * TCPV4/TCPV6 with the matching HOST_TSO, NEEDS_CSUM, gso_size > 0 and
 * hdr_len within the frame.  Other flags are ignored (the driver may set
 * none).  Per frame, the cable then
 *  - passes the header on when the receiver's driver negotiated what it
 *    asks for (GUEST_CSUM for NEEDS_CSUM, GUEST_TSO4/6 for GSO);
 *  - else completes the partial checksum, or segments a GSO frame into
 *    gso_size frames with their own IPv4 (total length, id + n, header
 *    checksum) or IPv6 (payload length) and TCP headers (sequence number;
 *    CWR on the first, FIN and PSH on the last only; checksum).  Only
 *    Ethernet (one VLAN tag at most), IPv4 or IPv6 without extension
 *    headers, then TCP with csum_start at its header is segmented.  These
 *    frames are complete: DATA_VALID is set if the receiver has GUEST_CSUM.
 *    The frame is copied into the sender's bounce buffer (64 KiB and a VLAN
 *    Ethernet header at most) before it is parsed, so a driver rewriting it
 *    meanwhile changes nothing we rely on.
 *
 * Counters: a transmitted frame counts on the TX queue (bytes without the
 * virtio-net header), and as a TX drop if it is too short to be a frame, its
 * header is malformed (above), a frame to complete or segment is longer than
 * the bounce buffer or (to segment) not TCP as described, or the receiving
 * queue is not running; a received one (each segment) on
 * the RX queue, or as an RX drop when there is no buffer for it, or none
 * big enough.
 *
 * The peer pointer is read by the transmitting work inside an SRCU read
 * section (it sleeps on the peer's RX lock), so a device that was ever
 * cross-connected waits for an SRCU grace period before it is freed.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/srcu.h>
#include <linux/sysfs.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>
#include <asm/unaligned.h>
#include <uapi/linux/virtio_ids.h>

#include "mvsim.h"

static bool net_offloads = true;
module_param(net_offloads, bool, 0644);
MODULE_PARM_DESC(net_offloads,
		 "Net devices created from now on offer checksum and TSO offloads (default 1)");

#define MVSIM_NET_HDR_LEN	sizeof(struct virtio_net_hdr_mrg_rxbuf)
/* The largest frame the cable completes or segments itself. */
#define MVSIM_NET_FRAME_MAX	(GSO_LEGACY_MAX_SIZE + VLAN_ETH_HLEN)
/* Ethernet with a VLAN tag, IPv4 with options (or IPv6), TCP with options. */
#define MVSIM_NET_HDRS_MAX	(VLAN_ETH_HLEN + 60 + 60)

#define MVSIM_NET_OFFLOADS						\
	(BIT_ULL(VIRTIO_NET_F_CSUM) | BIT_ULL(VIRTIO_NET_F_GUEST_CSUM) |	\
	 BIT_ULL(VIRTIO_NET_F_HOST_TSO4) | BIT_ULL(VIRTIO_NET_F_HOST_TSO6) |	\
	 BIT_ULL(VIRTIO_NET_F_GUEST_TSO4) | BIT_ULL(VIRTIO_NET_F_GUEST_TSO6))

enum {
	MVSIM_NET_RX,
	MVSIM_NET_TX,
	MVSIM_NET_NVQS,
};

struct mvsim_net {
	struct mvsim_dev dev;
	struct mvsim_net __rcu *peer;	/* written under mvsim_lock */
	bool was_peered;		/* under mvsim_lock */
	u8 *bounce;			/* MVSIM_NET_FRAME_MAX bytes, under the TX lock */
};

/* A transmitted frame whose virtio-net header was read once and validated. */
struct mvsim_net_frame {
	const struct mvsim_vring_chain *txc;
	u32 len;			/* bytes after the virtio-net header */
	u8 flags;			/* 0 or VIRTIO_NET_HDR_F_NEEDS_CSUM */
	u8 gso_type;			/* VIRTIO_NET_HDR_GSO_NONE, _TCPV4 or _TCPV6 */
	u16 hdr_len, gso_size, csum_start, csum_offset;
};

/* Where the headers of a TCP frame to segment are. */
struct mvsim_net_tcp {
	u32 l3, l4, hlen;		/* IP and TCP header offsets, all headers' length */
	bool v6;
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

static u16 mvsim_net_le16(__virtio16 v)
{
	return le16_to_cpu((__force __le16)v);
}

/* Read and validate the header of @txc, sent by @src; false: drop the frame. */
static bool mvsim_net_frame_parse(const struct mvsim_dev *src,
				  const struct mvsim_vring_chain *txc,
				  struct mvsim_net_frame *f)
{
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int tso;

	if (txc->out_len < MVSIM_NET_HDR_LEN + ETH_HLEN)
		return false;
	mvsim_vring_chain_read(txc, 0, &h, sizeof(h));
	f->txc = txc;
	f->len = txc->out_len - MVSIM_NET_HDR_LEN;
	f->flags = h.hdr.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM;
	f->gso_type = h.hdr.gso_type;
	f->hdr_len = mvsim_net_le16(h.hdr.hdr_len);
	f->gso_size = mvsim_net_le16(h.hdr.gso_size);
	f->csum_start = mvsim_net_le16(h.hdr.csum_start);
	f->csum_offset = mvsim_net_le16(h.hdr.csum_offset);

	if (f->flags && (!mvsim_has_feature(src, VIRTIO_NET_F_CSUM) ||
			 (u32)f->csum_start + f->csum_offset + sizeof(__sum16) > f->len))
		return false;
	switch (f->gso_type) {
	case VIRTIO_NET_HDR_GSO_NONE:
		return true;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		tso = VIRTIO_NET_F_HOST_TSO4;
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		tso = VIRTIO_NET_F_HOST_TSO6;
		break;
	default:		/* ECN, UDP: never offered */
		return false;
	}
	return mvsim_has_feature(src, tso) && f->flags && f->gso_size && f->hdr_len <= f->len;
}

/* May @f go to a driver that negotiated @features with its header as it is? */
static bool mvsim_net_frame_passes(const struct mvsim_net_frame *f, u64 features)
{
	if (f->flags && !(features & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM)))
		return false;
	switch (f->gso_type) {
	case VIRTIO_NET_HDR_GSO_TCPV4:
		return features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO4);
	case VIRTIO_NET_HDR_GSO_TCPV6:
		return features & BIT_ULL(VIRTIO_NET_F_GUEST_TSO6);
	}
	return true;
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
 * Take a receive buffer of @dst for a frame of @len bytes into @dst's RX
 * chain; caller holds its RX lock and has checked that the queue is usable.
 * 0 if taken; else an RX drop: -ENOSPC if the buffer is too small (it goes
 * back empty), -ENOBUFS if there is none or the ring is broken.
 */
static int mvsim_net_rx_get(struct mvsim_net *dst, u32 len)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];
	int ret;

	ret = mvsim_vring_pop(&rx->vring, &rx->chain);
	if (ret < 0)
		mvsim_vq_fail(&dst->dev, rx);
	if (ret <= 0) {
		rx->stats.drops++;
		return -ENOBUFS;
	}
	if (rx->chain.in_len < MVSIM_NET_HDR_LEN + len) {
		rx->stats.drops++;
		mvsim_vring_push(&rx->vring, rx->chain.head, 0);
		return -ENOSPC;
	}
	return 0;
}

/* Complete the buffer of mvsim_net_rx_get(): @hdr, then the @len bytes written. */
static void mvsim_net_rx_put(struct mvsim_net *dst, struct virtio_net_hdr_mrg_rxbuf *hdr, u32 len)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];

	hdr->num_buffers = (__force __virtio16)cpu_to_le16(1);
	mvsim_vring_chain_write(&rx->chain, 0, hdr, MVSIM_NET_HDR_LEN);
	mvsim_vq_count(rx, &rx->chain, len);
	mvsim_vring_push(&rx->vring, rx->chain.head, MVSIM_NET_HDR_LEN + len);
}

/* The receiver takes @f as it was sent, header and all. */
static void mvsim_net_rx_pass(struct mvsim_net *dst, const struct mvsim_net_frame *f)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = {
		.hdr.flags = f->flags,
		.hdr.gso_type = f->gso_type,
		.hdr.hdr_len = (__force __virtio16)cpu_to_le16(f->hdr_len),
		.hdr.gso_size = (__force __virtio16)cpu_to_le16(f->gso_size),
		.hdr.csum_start = (__force __virtio16)cpu_to_le16(f->csum_start),
		.hdr.csum_offset = (__force __virtio16)cpu_to_le16(f->csum_offset),
	};
	if (mvsim_net_rx_get(dst, f->len))
		return;
	mvsim_net_copy_frame(&dst->dev.vqs[MVSIM_NET_RX].chain, f->txc, MVSIM_NET_HDR_LEN);
	mvsim_net_rx_put(dst, &hdr, f->len);
}

/* The receiver takes the @len bytes at @p, which need no offload. */
static void mvsim_net_rx_linear(struct mvsim_net *dst, struct virtio_net_hdr_mrg_rxbuf *hdr,
				const u8 *p, u32 len)
{
	if (mvsim_net_rx_get(dst, len))
		return;
	mvsim_vring_chain_write(&dst->dev.vqs[MVSIM_NET_RX].chain, MVSIM_NET_HDR_LEN, p, len);
	mvsim_net_rx_put(dst, hdr, len);
}

/* Find the headers of a GSO frame @f at @p; false if it is not one we segment. */
static bool mvsim_net_tcp_parse(const u8 *p, const struct mvsim_net_frame *f,
				struct mvsim_net_tcp *t)
{
	u16 proto = get_unaligned_be16(p + 2 * ETH_ALEN);
	const struct tcphdr *th;

	t->l3 = ETH_HLEN;
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD) {
		if (f->len < VLAN_ETH_HLEN)
			return false;
		proto = get_unaligned_be16(p + ETH_HLEN + VLAN_HLEN - 2);
		t->l3 = VLAN_ETH_HLEN;
	}
	t->v6 = f->gso_type == VIRTIO_NET_HDR_GSO_TCPV6;
	if (!t->v6) {
		const struct iphdr *iph = (const void *)(p + t->l3);

		if (proto != ETH_P_IP || f->len < t->l3 + sizeof(*iph) || iph->version != 4 ||
		    iph->ihl < 5 || iph->protocol != IPPROTO_TCP ||
		    (iph->frag_off & htons(IP_MF | IP_OFFSET)))
			return false;
		t->l4 = t->l3 + iph->ihl * 4;
	} else {
		const struct ipv6hdr *ip6 = (const void *)(p + t->l3);

		if (proto != ETH_P_IPV6 || f->len < t->l3 + sizeof(*ip6) || ip6->version != 6 ||
		    ip6->nexthdr != IPPROTO_TCP)
			return false;
		t->l4 = t->l3 + sizeof(*ip6);
	}
	/* The partial checksum must be TCP's: it is recomputed per segment. */
	if (f->csum_start != t->l4 || f->csum_offset != offsetof(struct tcphdr, check) ||
	    f->len < t->l4 + sizeof(*th))
		return false;
	th = (const void *)(p + t->l4);
	t->hlen = t->l4 + th->doff * 4;
	return th->doff >= 5 && t->hlen <= f->len;
}

/*
 * Make the headers @h (a copy of the frame's) those of segment @i, which
 * starts @off bytes into the payload and carries the @len bytes at @payload.
 */
static void mvsim_net_tcp_headers(u8 *h, const struct mvsim_net_tcp *t, unsigned int i,
				  bool last, u32 off, const u8 *payload, u32 len)
{
	struct tcphdr *th = (void *)(h + t->l4);
	u32 tcp_len = t->hlen - t->l4 + len;
	__wsum csum;

	th->seq = htonl(ntohl(th->seq) + off);
	if (i)
		th->cwr = 0;
	if (!last) {
		th->fin = 0;
		th->psh = 0;
	}
	th->check = 0;
	csum = csum_partial(th, t->hlen - t->l4, csum_partial(payload, len, 0));
	if (!t->v6) {
		struct iphdr *iph = (void *)(h + t->l3);

		iph->tot_len = htons(t->l4 - t->l3 + tcp_len);
		iph->id = htons(ntohs(iph->id) + i);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		th->check = csum_tcpudp_magic(iph->saddr, iph->daddr, tcp_len, IPPROTO_TCP, csum);
	} else {
		struct ipv6hdr *ip6 = (void *)(h + t->l3);

		ip6->payload_len = htons(tcp_len);
		th->check = csum_ipv6_magic(&ip6->saddr, &ip6->daddr, tcp_len, IPPROTO_TCP, csum);
	}
}

/* Segment the GSO frame @f, copied at @p, into @dst's receive buffers. */
static bool mvsim_net_rx_segment(struct mvsim_net *dst, const struct mvsim_net_frame *f,
				 const u8 *p, struct virtio_net_hdr_mrg_rxbuf *hdr)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];
	u8 h[MVSIM_NET_HDRS_MAX] __aligned(4);
	struct mvsim_net_tcp t;
	u32 payload, nseg, off, len;
	unsigned int i;
	int ret;

	if (!mvsim_net_tcp_parse(p, f, &t))
		return false;
	payload = f->len - t.hlen;
	nseg = max_t(u32, 1, DIV_ROUND_UP(payload, f->gso_size));
	for (i = 0, off = 0; i < nseg; i++, off += len) {
		len = min_t(u32, f->gso_size, payload - off);
		ret = mvsim_net_rx_get(dst, t.hlen + len);
		if (ret == -ENOBUFS) {
			/* None now, none for the rest of the frame either. */
			rx->stats.drops += nseg - i - 1;
			break;
		}
		if (ret)
			continue;
		memcpy(h, p, t.hlen);
		mvsim_net_tcp_headers(h, &t, i, i == nseg - 1, off, p + t.hlen + off, len);
		mvsim_vring_chain_write(&rx->chain, MVSIM_NET_HDR_LEN, h, t.hlen);
		mvsim_vring_chain_write(&rx->chain, MVSIM_NET_HDR_LEN + t.hlen, p + t.hlen + off,
					len);
		mvsim_net_rx_put(dst, hdr, t.hlen + len);
	}
	return true;
}

/*
 * The receiver did not negotiate what @f asks for: copy it into @src's
 * bounce buffer, then complete its checksum or segment it.  False (a TX
 * drop) if it is too long for that or not a TCP frame we can segment.
 */
static bool mvsim_net_rx_fixup(struct mvsim_net *src, struct mvsim_net *dst,
			       const struct mvsim_net_frame *f, u64 features)
{
	struct virtio_net_hdr_mrg_rxbuf hdr = {};
	u8 *p = src->bounce;
	__wsum csum;

	if (f->len > MVSIM_NET_FRAME_MAX)
		return false;
	mvsim_vring_chain_read(f->txc, MVSIM_NET_HDR_LEN, p, f->len);
	if (f->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		if (features & BIT_ULL(VIRTIO_NET_F_GUEST_CSUM))
			hdr.hdr.flags = VIRTIO_NET_HDR_F_DATA_VALID;
		return mvsim_net_rx_segment(dst, f, p, &hdr);
	}
	/* As skb_checksum_help(): the field holds the pseudo-header's sum. */
	csum = csum_partial(p + f->csum_start, f->len - f->csum_start, 0);
	put_unaligned(csum_fold(csum) ?: CSUM_MANGLED_0,
		      (__sum16 *)(p + f->csum_start + f->csum_offset));
	mvsim_net_rx_linear(dst, &hdr, p, f->len);
	return true;
}

/*
 * Deliver one frame @src transmitted to @dst; caller holds @src's TX lock.
 * False if it was dropped on the sender's side.  The receiver is notified
 * by mvsim_net_rx_notify() once the batch is delivered.
 */
static bool mvsim_net_deliver(struct mvsim_net *src, struct mvsim_net *dst,
			      const struct mvsim_vring_chain *txc)
{
	struct mvsim_vq *rx = &dst->dev.vqs[MVSIM_NET_RX];
	struct mvsim_net_frame f;
	bool delivered = true;
	u64 features;

	if (!mvsim_net_frame_parse(&src->dev, txc, &f))
		return false;
	/* TX before RX, whichever device the RX queue belongs to. */
	mutex_lock_nested(&rx->lock, SINGLE_DEPTH_NESTING);
	/* Stable while the queue is usable: a reset stops it first. */
	features = READ_ONCE(dst->dev.features);
	if (!mvsim_vq_usable(&dst->dev, rx))
		delivered = false;
	else if (mvsim_net_frame_passes(&f, features))
		mvsim_net_rx_pass(dst, &f);
	else
		delivered = mvsim_net_rx_fixup(src, dst, &f, features);
	mutex_unlock(&rx->lock);
	return delivered;
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
	const u32 hdr_len = MVSIM_NET_HDR_LEN;
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
		if (mvsim_net_deliver(n, dst, &tx->chain))
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
		    BIT_ULL(VIRTIO_RING_F_EVENT_IDX) | BIT_ULL(VIRTIO_RING_F_INDIRECT_DESC) |
		    MVSIM_NET_OFFLOADS,
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
	n->bounce = kvmalloc(MVSIM_NET_FRAME_MAX, GFP_KERNEL);
	if (!n->bounce) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = mvsim_dev_init(&n->dev, mdev, &mvsim_net_kind);
	if (ret)
		goto err_bounce;
	if (!READ_ONCE(net_offloads))
		n->dev.features_offered &= ~MVSIM_NET_OFFLOADS;
	return &n->dev;

err_bounce:
	kvfree(n->bounce);
err_free:
	kfree(n);
	return ERR_PTR(ret);
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
	kvfree(n->bounce);
	kfree(n);
}
