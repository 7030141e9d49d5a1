/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * offload mode: the transmit offloads of a virtio-net device whose frames
 * come back to it (a device in loopback). The client negotiates
 * VIRTIO_NET_F_CSUM and HOST_TSO4/6 if offered, and none of the GUEST ones,
 * so the device must finish what each header asks for itself:
 *  - a TCPv4 GSO frame (TCP options, sequence numbers wrapping, CWR, PSH and
 *    FIN set) and a TCPv6 one behind a VLAN tag come back as gso_size
 *    segments, each with its own IP and TCP headers and valid checksums;
 *  - a NEEDS_CSUM frame comes back with its checksum completed;
 *  - a frame whose header is malformed (checksum field outside the frame, an
 *    unknown or ECN GSO type, GSO without NEEDS_CSUM or with gso_size 0,
 *    hdr_len past the frame, a frame that is not the TCP it claims) does not
 *    come back at all.
 * Without CSUM or TSO negotiated, every frame asking for them is dropped.
 * Each case is followed by a plain marker frame: what arrives before the
 * marker is the case's. Frames go out as three descriptors (the header, 37
 * bytes, the rest), so the device reads them across descriptors.
 */
#include "vdpa-dev.h"

#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#define RXQ 0
#define TXQ 1
#define SLOT 4096u
#define MAX_SEGS 8
#define ETH_HLEN 14
#define VLAN_HLEN 4
#define ETHERTYPE_MARKER 0x88b5
#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_CWR 0x80

/* One frame to send and what must come back. */
struct ocase {
	const char *name;
	struct virtio_net_hdr_v1 hdr;
	uint8_t frame[SLOT];
	uint32_t len;
	uint32_t l3, l4, hlen; /* where its headers are (checks of segments) */
	bool v6;
	unsigned int want; /* frames back: 0 dropped, 1 whole, n segments */
};

struct off {
	struct vdpa_dev *dev;
	uint8_t mac[6];
	uint8_t *rx_buf, *tx_buf;
	unsigned int checks, failed;
	uint8_t got[MAX_SEGS + 1][SLOT];
	uint32_t got_len[MAX_SEGS + 1];
	unsigned int ngot;
};

static uint16_t le16(uint16_t v)
{
	return htole16(v);
}

/* The one's complement sum of @len bytes, folded, not complemented. */
static uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return sum;
}

/* The sum of the TCP pseudo-header of the frame's IP header at @ip. */
static uint32_t pseudo_sum(const uint8_t *ip, bool v6, uint32_t tcp_len)
{
	uint32_t sum = v6 ? sum16(ip + 8, 32, 0) : sum16(ip + 12, 8, 0);

	return sum16((const uint8_t[]){0, 6, (uint8_t)(tcp_len >> 8), (uint8_t)tcp_len}, 4, sum);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * A TCP frame from us to us with @payload bytes and TCP @flags, as a driver
 * hands it over for offload: the TCP checksum field holds the pseudo-header
 * sum, IP lengths and checksum as the stack left them.
 */
static void tcp_build(struct off *o, struct ocase *c, bool v6, bool vlan, uint32_t payload,
		      uint8_t flags)
{
	uint8_t *f = c->frame, *ip, *th;
	uint32_t tcp_len = 32 + payload;

	memcpy(f, o->mac, 6);
	memcpy(f + 6, o->mac, 6);
	c->l3 = ETH_HLEN;
	if (vlan) {
		put16(f + 12, 0x8100);
		put16(f + 14, 42);
		c->l3 += VLAN_HLEN;
	}
	put16(f + c->l3 - 2, v6 ? 0x86dd : 0x0800);
	ip = f + c->l3;
	c->v6 = v6;
	if (v6) {
		ip[0] = 0x60;
		put16(ip + 4, (uint16_t)tcp_len);
		ip[6] = 6;
		ip[7] = 64;
		for (int i = 0; i < 16; i++) {
			ip[8 + i] = (uint8_t)(0xfd + i);
			ip[24 + i] = (uint8_t)(0xfd + 2 * i);
		}
		c->l4 = c->l3 + 40;
	} else {
		ip[0] = 0x45;
		put16(ip + 2, (uint16_t)(20 + tcp_len));
		put16(ip + 4, 0xfffe); /* the id wraps too */
		put16(ip + 6, 0x4000); /* DF */
		ip[8] = 64;
		ip[9] = 6;
		memcpy(ip + 12, (const uint8_t[]){10, 0, 0, 1, 10, 0, 0, 2}, 8);
		c->l4 = c->l3 + 20;
	}
	th = f + c->l4;
	put16(th, 40000);
	put16(th + 2, 5201);
	memcpy(th + 4, (const uint8_t[]){0xff, 0xff, 0xfc, 0x00}, 4); /* seq wraps */
	memcpy(th + 8, (const uint8_t[]){0, 0, 0, 1}, 4);
	th[12] = 8 << 4; /* doff 8: NOP, NOP, timestamps */
	th[13] = flags;
	put16(th + 14, 512);
	memcpy(th + 20, (const uint8_t[]){1, 1, 8, 10, 1, 2, 3, 4, 5, 6, 7, 8}, 12);
	c->hlen = c->l4 + 32;
	for (uint32_t i = 0; i < payload; i++)
		f[c->hlen + i] = (uint8_t)(i * 31u + i / 251u);
	c->len = c->hlen + payload;
	put16(th + 16, (uint16_t)pseudo_sum(ip, v6, tcp_len));
	c->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	c->hdr.csum_start = le16((uint16_t)c->l4);
	c->hdr.csum_offset = le16(16);
}

static void gso(struct ocase *c, uint8_t type, uint16_t mss)
{
	c->hdr.gso_type = type;
	c->hdr.gso_size = le16(mss);
	c->hdr.hdr_len = le16((uint16_t)c->hlen);
}

static void marker_build(struct off *o, uint8_t *f)
{
	memcpy(f, o->mac, 6);
	memcpy(f + 6, o->mac, 6);
	put16(f + 12, ETHERTYPE_MARKER);
	memcpy(f + ETH_HLEN, "mark", 4);
}

static bool is_marker(const uint8_t *f, uint32_t len)
{
	return len >= ETH_HLEN + 4 && get16(f + 12) == ETHERTYPE_MARKER &&
	       memcmp(f + ETH_HLEN, "mark", 4) == 0;
}

static int rx_post(struct off *o, uint32_t slot)
{
	struct vbuf b = {.iova = vdpa_iova_of(o->dev, o->rx_buf + (size_t)slot * SLOT),
			 .len = SLOT,
			 .device_writes = true};

	return vq_add(&o->dev->vq[RXQ], &b, 1, slot);
}

/* Queues the virtio-net header and @len bytes at @f in TX slot @slot. */
static int tx_add(struct off *o, uint32_t slot, const struct virtio_net_hdr_v1 *hdr,
		  const uint8_t *f, uint32_t len)
{
	const size_t hl = sizeof(*hdr);
	uint8_t *p = o->tx_buf + (size_t)slot * SLOT;
	uint64_t iova = vdpa_iova_of(o->dev, p);
	uint32_t split = len < 37 ? len : 37;
	struct vbuf b[3] = {
	    {.iova = iova, .len = (uint32_t)hl},
	    {.iova = iova + hl, .len = split},
	    {.iova = iova + hl + split, .len = len - split},
	};

	memcpy(p, hdr, hl);
	memcpy(p + hl, f, len);
	return vq_add(&o->dev->vq[TXQ], b, len > split ? 3 : 2, slot);
}

/* Sends @c and a marker; collects what arrives up to the marker. */
static int exchange(struct off *o, const struct ocase *c)
{
	static const struct virtio_net_hdr_v1 plain;
	uint8_t marker[64] = {0};
	long long deadline = now_ms() + o->dev->opts->timeout_ms;
	uint32_t tok, len;
	unsigned int tx_left = 2;
	int r;

	marker_build(o, marker);
	o->ngot = 0;
	if ((r = tx_add(o, 0, &c->hdr, c->frame, c->len)) < 0 ||
	    (r = tx_add(o, 1, &plain, marker, sizeof(marker))) < 0 ||
	    (r = vq_kick(&o->dev->vq[TXQ])) < 0)
		return r;
	for (;;) {
		bool marked = false;

		while ((r = vq_get_used(&o->dev->vq[TXQ], &tok, &len)) > 0)
			tx_left--;
		if (r < 0)
			return r;
		while ((r = vq_get_used(&o->dev->vq[RXQ], &tok, &len)) > 0) {
			const uint8_t *p = o->rx_buf + (size_t)tok * SLOT;
			const size_t hl = sizeof(struct virtio_net_hdr_v1);

			if (len < hl || len > SLOT)
				return complain("offload: %s: RX used length %u\n", c->name, len),
				       -EPROTO;
			if (is_marker(p + hl, len - (uint32_t)hl)) {
				marked = true;
			} else if (o->ngot <= MAX_SEGS) {
				memcpy(o->got[o->ngot], p, len);
				o->got_len[o->ngot++] = len;
			}
			if ((r = rx_post(o, tok)) < 0 || (r = vq_kick(&o->dev->vq[RXQ])) < 0)
				return r;
		}
		if (r < 0)
			return r;
		if (marked && tx_left == 0)
			return 0;
		if (now_ms() > deadline)
			return complain("offload: %s: no marker back within %d s\n", c->name,
					o->dev->opts->timeout_ms / 1000),
			       -ETIMEDOUT;
		if ((r = vdpa_wait(o->dev, 1000)) < 0)
			return r;
	}
}

static void check(struct off *o, const struct ocase *c, bool ok, const char *what, unsigned int seg)
{
	o->checks++;
	if (ok)
		return;
	o->failed++;
	complain("offload: %s: segment %u: %s\n", c->name, seg, what);
}

/* Segment @i of the @n that @c must come back as (n = 1: the frame itself). */
static void segment_check(struct off *o, const struct ocase *c, unsigned int i, unsigned int n)
{
	const size_t hl = sizeof(struct virtio_net_hdr_v1);
	const struct virtio_net_hdr_v1 *h = (const void *)o->got[i];
	const uint8_t *f = o->got[i] + hl, *ip = f + c->l3, *th = f + c->l4;
	uint32_t mss = n > 1 ? le16toh(c->hdr.gso_size) : c->len - c->hlen;
	uint32_t off = i * mss, payload = c->len - c->hlen;
	uint32_t seg = payload - off < mss ? payload - off : mss;
	uint32_t tcp_len = c->hlen - c->l4 + seg;
	uint8_t flags = c->frame[c->l4 + 13];

	check(o, c, o->got_len[i] == hl + c->hlen + seg, "length", i);
	if (o->got_len[i] != hl + c->hlen + seg)
		return;
	check(o, c, h->flags == 0 && h->gso_type == 0, "RX header asks for an offload", i);
	check(o, c, memcmp(f, c->frame, c->l3) == 0, "Ethernet header changed", i);
	if (c->v6) {
		check(o, c, get16(ip + 4) == tcp_len, "IPv6 payload length", i);
		check(o, c,
		      memcmp(ip, c->frame + c->l3, 4) == 0 &&
			  memcmp(ip + 6, c->frame + c->l3 + 6, 34) == 0,
		      "IPv6 header changed", i);
	} else {
		check(o, c, get16(ip + 2) == 20 + tcp_len, "IPv4 total length", i);
		check(o, c, get16(ip + 4) == (uint16_t)(get16(c->frame + c->l3 + 4) + i), "IPv4 id",
		      i);
		check(o, c, sum16(ip, 20, 0) == 0xffff, "IPv4 header checksum", i);
		check(o, c,
		      memcmp(ip + 6, c->frame + c->l3 + 6, 4) == 0 &&
			  memcmp(ip + 12, c->frame + c->l3 + 12, 8) == 0,
		      "IPv4 header changed", i);
	}
	check(o, c, get32(th + 4) == get32(c->frame + c->l4 + 4) + off, "TCP sequence number", i);
	if (i > 0)
		flags &= (uint8_t)~TCP_CWR;
	if (i + 1 < n)
		flags &= (uint8_t) ~(TCP_FIN | TCP_PSH);
	check(o, c, th[13] == flags, "TCP flags", i);
	check(o, c,
	      memcmp(th + 8, c->frame + c->l4 + 8, 5) == 0 &&
		  memcmp(th + 14, c->frame + c->l4 + 14, 2) == 0 &&
		  memcmp(th + 18, c->frame + c->l4 + 18, c->hlen - c->l4 - 18) == 0,
	      "TCP header changed", i);
	check(o, c, sum16(th, tcp_len, pseudo_sum(ip, c->v6, tcp_len)) == 0xffff, "TCP checksum",
	      i);
	check(o, c, memcmp(f + c->hlen, c->frame + c->hlen + off, seg) == 0, "payload", i);
}

static void run_case(struct off *o, const struct ocase *c)
{
	int r = exchange(o, c);

	o->checks++;
	if (r < 0) {
		o->failed++;
		return;
	}
	if (o->ngot != c->want) {
		o->failed++;
		complain("offload: %s: %u frame(s) came back, not %u\n", c->name, o->ngot, c->want);
		return;
	}
	for (unsigned int i = 0; i < o->ngot; i++)
		segment_check(o, c, i, c->want);
	info("offload: %s: %u frame(s) back\n", c->name, o->ngot);
}

/* The malformed headers: a good TCPv4 GSO frame, then one thing wrong. */
static void malformed(struct off *o, struct ocase *c, int which)
{
	static const char *const names[] = {
	    "checksum field past the frame",
	    "csum_start 0xffff",
	    "GSO type UDP",
	    "GSO type TCPV4 with ECN",
	    "GSO without NEEDS_CSUM",
	    "gso_size 0",
	    "hdr_len past the frame",
	    "TCPV4 on an IPv6 frame",
	    "csum_start not at the TCP header",
	    "TCP header past the frame",
	    "IPv4 ihl 4",
	    "IPv4 fragment",
	};
	uint8_t *ip, *th;

	memset(c, 0, sizeof(*c));
	tcp_build(o, c, which == 7, false, 2000, TCP_ACK);
	gso(c, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
	ip = c->frame + c->l3;
	th = c->frame + c->l4;
	c->name = names[which];
	switch (which) {
	case 0:
		c->hdr.csum_start = le16((uint16_t)(c->len - 1));
		c->hdr.csum_offset = 0;
		break;
	case 1:
		c->hdr.csum_start = c->hdr.csum_offset = 0xffff;
		break;
	case 2:
		c->hdr.gso_type = VIRTIO_NET_HDR_GSO_UDP;
		break;
	case 3:
		c->hdr.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
		break;
	case 4:
		c->hdr.flags = 0;
		break;
	case 5:
		c->hdr.gso_size = 0;
		break;
	case 6:
		c->hdr.hdr_len = le16((uint16_t)(c->len + 1));
		break;
	case 8:
		c->hdr.csum_start = le16((uint16_t)c->l3);
		break;
	case 9:
		th[12] = 15 << 4;
		c->len = c->l4 + 40; /* doff 15 says 60 */
		break;
	case 10:
		ip[0] = 0x44;
		break;
	case 11:
		put16(ip + 6, 0x2000); /* MF */
		break;
	}
	c->want = 0;
}

static int offload_run(struct vdpa_dev *d, const struct client_opts *opts, struct off *o)
{
	const uint64_t want = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_CSUM |
			      1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6;
	struct ocase *c;
	bool csum, tso4, tso6;
	int r;

	if ((r = vdpa_open(d, opts)) < 0)
		return complain("%s: open: %s\n", opts->path, errno_name(-r)), r;
	if ((r = vdpa_probe(d)) < 0)
		return r;
	if (d->device_id != VIRTIO_ID_NET)
		return complain("%s: device id %u is not net\n", opts->path, d->device_id), -EPROTO;
	if ((r = vdpa_bringup(d, want, 2)) < 0)
		return r;
	csum = d->driver_features & (1ULL << VIRTIO_NET_F_CSUM);
	tso4 = csum && (d->driver_features & (1ULL << VIRTIO_NET_F_HOST_TSO4));
	tso6 = csum && (d->driver_features & (1ULL << VIRTIO_NET_F_HOST_TSO6));
	say("offload: negotiated%s%s%s\n", csum ? " csum" : " no-csum", tso4 ? " tso4" : "",
	    tso6 ? " tso6" : "");
	if (d->driver_features & (1ULL << VIRTIO_NET_F_MAC))
		memcpy(o->mac, d->config, 6);
	else
		memcpy(o->mac, (const uint8_t[]){2, 0, 0, 0, 0, 1}, 6);
	o->rx_buf = vdpa_alloc(d, (size_t)d->queue_size * SLOT, 4096, NULL);
	o->tx_buf = vdpa_alloc(d, 2 * SLOT, 4096, NULL);
	c = calloc(1, sizeof(*c));
	if (!o->rx_buf || !o->tx_buf)
		return complain("offload: DMA region too small (--mem)\n"), -ENOMEM;
	if (!c)
		return -ENOMEM;
	for (uint32_t i = 0; i < d->queue_size; i++)
		if ((r = rx_post(o, i)) < 0)
			goto out;
	if ((r = vq_kick(&d->vq[RXQ])) < 0)
		goto out;

	/* A frame asking for nothing comes back as it is, whatever was negotiated. */
	memset(c, 0, sizeof(*c));
	tcp_build(o, c, false, false, 700, TCP_ACK | TCP_PSH);
	c->hdr.flags = 0;
	put16(c->frame + c->l4 + 16, 0);
	put16(c->frame + c->l4 + 16,
	      (uint16_t)~sum16(c->frame + c->l4, c->len - c->l4,
			       pseudo_sum(c->frame + c->l3, false, c->len - c->l4)));
	put16(c->frame + c->l3 + 10, (uint16_t)~sum16(c->frame + c->l3, 20, 0));
	c->name = "no offload";
	c->want = 1;
	run_case(o, c);

	memset(c, 0, sizeof(*c));
	tcp_build(o, c, false, false, 700, TCP_ACK | TCP_PSH);
	put16(c->frame + c->l3 + 10, (uint16_t)~sum16(c->frame + c->l3, 20, 0));
	c->name = "NEEDS_CSUM, TCPv4";
	c->want = csum ? 1 : 0;
	run_case(o, c);

	memset(c, 0, sizeof(*c));
	tcp_build(o, c, false, false, 3000, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR);
	gso(c, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
	c->name = "GSO TCPv4, 3000 bytes by 1000";
	c->want = tso4 ? 3 : 0;
	run_case(o, c);

	memset(c, 0, sizeof(*c));
	tcp_build(o, c, true, true, 2500, TCP_ACK | TCP_PSH | TCP_FIN | TCP_CWR);
	gso(c, VIRTIO_NET_HDR_GSO_TCPV6, 1200);
	c->name = "GSO TCPv6 behind a VLAN tag, 2500 bytes by 1200";
	c->want = tso6 ? 3 : 0;
	run_case(o, c);

	memset(c, 0, sizeof(*c));
	tcp_build(o, c, false, false, 900, TCP_ACK | TCP_FIN);
	gso(c, VIRTIO_NET_HDR_GSO_TCPV4, 1000);
	c->name = "GSO TCPv4 shorter than gso_size";
	c->want = tso4 ? 1 : 0;
	run_case(o, c);

	for (int i = 0; tso4 && i < 12; i++) {
		malformed(o, c, i);
		run_case(o, c);
	}
	r = 0;
out:
	free(c);
	if (r < 0) {
		(void)vdpa_teardown(d, NULL);
		return r;
	}
	if ((r = vdpa_teardown(d, NULL)) < 0)
		return r;
	return o->failed ? -EPROTO : 0;
}

int mode_offload(const struct client_opts *opts)
{
	struct vdpa_dev d;
	struct off *o = calloc(1, sizeof(*o));
	int r;

	if (!o)
		return -ENOMEM;
	o->dev = &d;
	r = offload_run(&d, opts, o);
	vdpa_close(&d);
	say("offload: checks=%u failed=%u %s\n", o->checks, o->failed, r == 0 ? "ok" : "FAILED");
	free(o);
	return r;
}
