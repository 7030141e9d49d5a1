/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * net mode: TX and RX, independent of each other. TX sends --tx test frames
 * (ethertype 0x88b5, magic, sequence number, a pattern derived from it) and
 * waits for their completions; RX keeps the receive queue full and counts
 * arriving frames: valid test frames, test frames with a broken pattern
 * (a failure), and anything else (ARP, IPv6 ND, ...; counted only). Done when
 * every frame is sent and --rx valid frames arrived; a timeout fails.
 * Also the "info" mode, which only brings the device up and down.
 */
#include "vdpa-dev.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#define RXQ 0
#define TXQ 1
#define BUF_SIZE 2048u
#define ETHERTYPE_TEST 0x88b5
#define ETH_HLEN 14
#define MAGIC "vhc1"
#define SEEN_MAX (1u << 20)

struct net {
	struct vdpa_dev *dev;
	const struct client_opts *o;
	size_t hdr_len;
	uint8_t src[6], dst[6];
	uint8_t *rx_buf, *tx_buf; /* queue_size slots of BUF_SIZE each */
	uint32_t *tx_free; /* stack of free TX slots */
	unsigned int tx_free_n;
	unsigned long tx_sent, tx_done, rx_ok, rx_bad, rx_other, rx_dup;
	uint8_t *seen; /* bitmap of sequence numbers received */
};

static uint8_t pattern(uint32_t seq, size_t i)
{
	return (uint8_t)(seq * 7u + i * 13u + 0x5au);
}

static size_t frame_build(const struct net *n, uint8_t *p, uint32_t seq)
{
	size_t len = n->o->frame_size;
	uint32_t be = htonl(seq);
	uint8_t *f = p + n->hdr_len;

	memset(p, 0, n->hdr_len); /* no offloads: flags 0, GSO_NONE, num_buffers 0 */
	memcpy(f, n->dst, 6);
	memcpy(f + 6, n->src, 6);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	memcpy(f + ETH_HLEN, MAGIC, 4);
	memcpy(f + ETH_HLEN + 4, &be, 4);
	for (size_t i = ETH_HLEN + 8; i < len; i++)
		f[i] = pattern(seq, i);
	return n->hdr_len + len;
}

static void frame_check(struct net *n, const uint8_t *p, uint32_t len)
{
	const uint8_t *f = p + n->hdr_len;
	uint32_t be, seq;

	if (len < n->hdr_len + ETH_HLEN || f[12] != (ETHERTYPE_TEST >> 8) ||
	    f[13] != (ETHERTYPE_TEST & 0xff)) {
		n->rx_other++;
		return;
	}
	len -= (uint32_t)n->hdr_len;
	if (n->o->rx_any) {
		n->rx_ok++;
		return;
	}
	if (len < ETH_HLEN + 8 || memcmp(f + ETH_HLEN, MAGIC, 4) != 0)
		goto bad;
	memcpy(&be, f + ETH_HLEN + 4, 4);
	seq = ntohl(be);
	/* A peer may pad short frames; the pattern covers what we would send. */
	for (size_t i = ETH_HLEN + 8; i < len && i < n->o->frame_size; i++)
		if (f[i] != pattern(seq, i))
			goto bad;
	n->rx_ok++;
	if (seq < SEEN_MAX) {
		if (n->seen[seq / 8] & (1u << (seq % 8)))
			n->rx_dup++;
		n->seen[seq / 8] |= (uint8_t)(1u << (seq % 8));
	}
	return;
bad:
	if (n->rx_bad++ == 0)
		complain("net: a frame of ethertype 0x%x and %u bytes has a broken payload\n",
			 ETHERTYPE_TEST, len);
}

static int rx_post(struct net *n, uint32_t slot)
{
	struct vbuf b = {
	    .iova = vdpa_iova_of(n->dev, n->rx_buf + (size_t)slot * BUF_SIZE),
	    .len = BUF_SIZE,
	    .device_writes = true,
	};

	return vq_add(&n->dev->vq[RXQ], &b, 1, slot);
}

/* Fills the TX ring with as many frames as it takes; kicks once. */
static int tx_fill(struct net *n)
{
	struct vring_q *vq = &n->dev->vq[TXQ];
	bool added = false;

	while (n->tx_sent < n->o->tx && n->tx_free_n > 0) {
		uint32_t slot = n->tx_free[--n->tx_free_n];
		uint8_t *p = n->tx_buf + (size_t)slot * BUF_SIZE;
		struct vbuf b = {.iova = vdpa_iova_of(n->dev, p), .device_writes = false};
		int r;

		b.len = (uint32_t)frame_build(n, p, (uint32_t)n->tx_sent);
		r = vq_add(vq, &b, 1, slot);
		if (r < 0) {
			n->tx_free[n->tx_free_n++] = slot;
			break;
		}
		n->tx_sent++;
		added = true;
	}
	return added ? vq_kick(vq) : 0;
}

/* Takes every completion of both queues; reposts RX buffers. */
static int reap(struct net *n)
{
	struct vring_q *rx = &n->dev->vq[RXQ], *tx = &n->dev->vq[TXQ];
	uint32_t tok, len;
	bool reposted = false;
	int r;

	while ((r = vq_get_used(tx, &tok, &len)) > 0) {
		n->tx_done++;
		n->tx_free[n->tx_free_n++] = tok;
	}
	if (r < 0)
		return complain("net: TX queue: %s\n", errno_name(-r)), r;
	while ((r = vq_get_used(rx, &tok, &len)) > 0) {
		if (len > BUF_SIZE)
			return complain("net: RX used length %u > buffer %u\n", len, BUF_SIZE),
			       -EPROTO;
		frame_check(n, n->rx_buf + (size_t)tok * BUF_SIZE, len);
		memset(n->rx_buf + (size_t)tok * BUF_SIZE, 0, BUF_SIZE);
		r = rx_post(n, tok);
		if (r < 0)
			return r;
		reposted = true;
	}
	if (r < 0)
		return complain("net: RX queue: %s\n", errno_name(-r)), r;
	return reposted ? vq_kick(rx) : 0;
}

static bool done(const struct net *n)
{
	return n->tx_done >= n->o->tx && n->rx_ok >= n->o->rx;
}

static int traffic(struct net *n)
{
	long long deadline = now_ms() + n->o->timeout_ms;
	uint16_t qs = n->dev->queue_size;
	int r;

	for (uint32_t i = 0; i < qs; i++) {
		n->tx_free[n->tx_free_n++] = i;
		if ((r = rx_post(n, i)) < 0)
			return r;
	}
	if ((r = vq_kick(&n->dev->vq[RXQ])) < 0)
		return r;
	for (;;) {
		long long left;

		if ((r = reap(n)) < 0 || (r = tx_fill(n)) < 0)
			return r;
		if (done(n))
			return 0;
		left = deadline - now_ms();
		if (left <= 0) {
			complain("net: timeout after %d s: %lu/%lu frames sent and completed, "
				 "%lu/%lu valid frames received (%lu other, %lu bad)\n",
				 n->o->timeout_ms / 1000, n->tx_done, n->o->tx, n->rx_ok, n->o->rx,
				 n->rx_other, n->rx_bad);
			return -ETIMEDOUT;
		}
		r = vdpa_wait(n->dev, (int)(left < 1000 ? left : 1000));
		if (r < 0)
			return r;
	}
}

static void macs_choose(struct net *n)
{
	static const uint8_t fallback[6] = {0x02, 0, 0, 0, 0, 0x01};
	bool have_mac = n->dev->driver_features & (1ULL << VIRTIO_NET_F_MAC);

	if (n->o->src_set)
		memcpy(n->src, n->o->src_mac, 6);
	else if (have_mac)
		memcpy(n->src, n->dev->config, 6); /* virtio_net_config.mac */
	else
		memcpy(n->src, fallback, 6);
	if (n->o->dst_set)
		memcpy(n->dst, n->o->dst_mac, 6);
	else
		memset(n->dst, 0xff, 6);
}

/*
 * --suspend: VHOST_VDPA_SUSPEND, then 8 more frames kicked: none may be
 * consumed in a second. Returns the TX base the device must report.
 */
static int suspend_check(struct net *n, unsigned long *ret_tx_base)
{
	struct client_opts more = *n->o;
	unsigned long sent = n->tx_sent, done_before;
	const struct client_opts *o = n->o;
	int r;

	if (!(n->dev->backend_features & (1ULL << VHOST_BACKEND_F_SUSPEND)))
		return complain("net: --suspend: the device does not offer VHOST_BACKEND_F_SUSPEND\n"),
		       -EOPNOTSUPP;
	r = vdpa_ioctl(n->dev, VHOST_VDPA_SUSPEND, NULL);
	if (r < 0)
		return complain("net: VHOST_VDPA_SUSPEND: %s\n", errno_name(-r)), r;
	more.tx = sent + 8;
	n->o = &more;
	r = tx_fill(n);
	n->o = o;
	if (r < 0)
		return r;
	done_before = n->tx_done;
	if ((r = vdpa_wait(n->dev, 1000)) < 0 || (r = reap(n)) < 0)
		return r;
	if (n->tx_done != done_before)
		return complain("net: %lu frames consumed while suspended\n",
				n->tx_done - done_before),
		       -EPROTO;
	say("net: suspended: %lu frames kicked, none consumed\n", n->tx_sent - sent);
	*ret_tx_base = sent;
	return 0;
}

static int net_run(struct vdpa_dev *d, const struct client_opts *o, struct net *n)
{
	uint32_t bases[VDPA_MAX_VQS] = {0};
	size_t bufs;
	int r;

	if ((r = vdpa_open(d, o)) < 0)
		return complain("%s: open: %s\n", o->path, errno_name(-r)), r;
	if ((r = vdpa_probe(d)) < 0)
		return r;
	if (d->device_id != VIRTIO_ID_NET)
		return complain("%s: device id %u is not net (%u)\n", o->path, d->device_id,
				VIRTIO_ID_NET),
		       -EPROTO;
	if ((r = vdpa_bringup(d, 1ULL << VIRTIO_NET_F_MAC, 2)) < 0)
		return r;
	n->hdr_len = sizeof(struct virtio_net_hdr_v1);
	macs_choose(n);
	bufs = (size_t)d->queue_size * BUF_SIZE;
	n->rx_buf = vdpa_alloc(d, bufs, 4096, NULL);
	n->tx_buf = vdpa_alloc(d, bufs, 4096, NULL);
	n->tx_free = calloc(d->queue_size, sizeof(*n->tx_free));
	n->seen = calloc(SEEN_MAX / 8, 1);
	if (!n->rx_buf || !n->tx_buf)
		return complain("net: DMA region of %zu bytes too small for 2 x %zu bytes of "
				"buffers (--mem)\n",
				d->mem_size, bufs),
		       -ENOMEM;
	if (!n->tx_free || !n->seen)
		return -ENOMEM;
	info("info: src %02x:%02x:%02x:%02x:%02x:%02x, dst %02x:%02x:%02x:%02x:%02x:%02x\n",
	     n->src[0], n->src[1], n->src[2], n->src[3], n->src[4], n->src[5], n->dst[0], n->dst[1],
	     n->dst[2], n->dst[3], n->dst[4], n->dst[5]);
	unsigned long tx_base;

	r = traffic(n);
	tx_base = n->tx_sent;
	if (r == 0 && o->suspend)
		r = suspend_check(n, &tx_base);
	if (r < 0) {
		(void)vdpa_teardown(d, NULL);
		return r;
	}
	if ((r = vdpa_teardown(d, bases)) < 0)
		return r;
	if (bases[TXQ] != (uint16_t)tx_base)
		return complain("net: TX vq base %u after %lu frames\n", bases[TXQ], tx_base),
		       -EPROTO;
	if (n->rx_bad)
		return -EPROTO;
	return 0;
}

int mode_net(const struct client_opts *o)
{
	struct vdpa_dev d;
	struct net n = {.dev = &d, .o = o};
	int r;

	r = net_run(&d, o, &n);
	vdpa_close(&d);
	free(n.tx_free);
	free(n.seen);
	say("net: tx=%lu rx=%lu other=%lu bad=%lu dup=%lu %s\n", n.tx_done, n.rx_ok, n.rx_other,
	    n.rx_bad, n.rx_dup, r == 0 ? "ok" : "FAILED");
	return r;
}

int mode_info(const struct client_opts *o)
{
	struct vdpa_dev d;
	int r;

	if ((r = vdpa_open(&d, o)) < 0)
		complain("%s: open: %s\n", o->path, errno_name(-r));
	else if ((r = vdpa_probe(&d)) == 0 && (r = vdpa_bringup(&d, 0, 1)) == 0)
		r = vdpa_teardown(&d, NULL);
	vdpa_close(&d);
	say("info: %s\n", r == 0 ? "ok" : "FAILED");
	return r;
}
