/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * blk mode: capacity from the config space; patterned data written in 64 KiB
 * requests at offsets spread over the disk (start, end, odd sectors between),
 * a FLUSH if offered, GET_ID, then everything read back and compared. Data
 * is cut into descriptors that respect SIZE_MAX and SEG_MAX when offered.
 */
#include "vdpa-dev.h"

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>

#define SECTOR 512u
#define CHUNK_MAX (64u << 10)
#define MAX_SEGS 128
#define MAX_REQS 64 /* in flight at once */

struct blk_req {
	struct virtio_blk_outhdr hdr;
	uint8_t status;
};

struct blk {
	struct vdpa_dev *dev;
	const struct client_opts *o;
	uint64_t capacity; /* sectors */
	uint32_t seg_len, chunk;
	uint32_t seed;
	struct blk_req *req; /* MAX_REQS + 2 headers, in the DMA region */
};

static uint32_t pattern_word(uint32_t seed, uint64_t byte_off)
{
	uint64_t x = (byte_off / 4) * 0x9e3779b97f4a7c15ULL ^ seed;

	x ^= x >> 29;
	return (uint32_t)(x * 0xbf58476d1ce4e5b9ULL >> 32);
}

static void pattern_fill(uint32_t seed, uint64_t byte_off, uint8_t *p, size_t len)
{
	for (size_t i = 0; i < len; i += 4) {
		uint32_t w = pattern_word(seed, byte_off + i);

		memcpy(p + i, &w, 4);
	}
}

/* Queues one request: header, data cut in seg_len pieces, status. */
static int blk_queue(struct blk *b, unsigned int slot, uint32_t type, uint64_t sector,
		     uint8_t *data, uint32_t len, bool device_writes)
{
	struct vbuf v[MAX_SEGS + 2];
	struct blk_req *rq = &b->req[slot];
	unsigned int n = 0;

	rq->hdr.type = htole32(type);
	rq->hdr.ioprio = 0;
	rq->hdr.sector = htole64(sector);
	rq->status = 0xff;
	v[n++] = (struct vbuf){vdpa_iova_of(b->dev, &rq->hdr), sizeof(rq->hdr), false};
	for (uint32_t off = 0; off < len && n < MAX_SEGS + 1; off += b->seg_len) {
		uint32_t l = len - off < b->seg_len ? len - off : b->seg_len;

		v[n++] = (struct vbuf){vdpa_iova_of(b->dev, data + off), l, device_writes};
	}
	v[n++] = (struct vbuf){vdpa_iova_of(b->dev, &rq->status), 1, true};
	return vq_add(&b->dev->vq[0], v, n, slot);
}

/* Kicks and waits until count requests completed (statuses: in b->req). */
static int blk_complete(struct blk *b, unsigned int count, const char *what)
{
	struct vring_q *vq = &b->dev->vq[0];
	long long deadline = now_ms() + b->o->timeout_ms;
	unsigned int got = 0;
	uint32_t tok, len;
	int r;

	if ((r = vq_kick(vq)) < 0)
		return r;
	while (got < count) {
		while ((r = vq_get_used(vq, &tok, &len)) > 0)
			got++;
		if (r < 0)
			return complain("blk: %s: %s\n", what, errno_name(-r)), r;
		if (got >= count)
			break;
		if (now_ms() >= deadline)
			return complain("blk: timeout after %d s: %u/%u %s requests completed\n",
					b->o->timeout_ms / 1000, got, count, what),
			       -ETIMEDOUT;
		if ((r = vdpa_wait(b->dev, 1000)) < 0)
			return r;
	}
	return 0;
}

static int blk_check_status(struct blk *b, unsigned int slot, const char *what)
{
	if (b->req[slot].status == VIRTIO_BLK_S_OK)
		return 0;
	complain("blk: %s request %u (sector %" PRIu64 "): status %u\n", what, slot,
		 le64toh(b->req[slot].hdr.sector), b->req[slot].status);
	return -EIO;
}

/* The sector of chunk i of n: spread over the disk, first at 0, last at the
 * end; the ones between on odd sectors. */
static uint64_t chunk_sector(const struct blk *b, unsigned int i, unsigned int n)
{
	uint64_t cs = b->chunk / SECTOR, span = b->capacity - cs;

	if (n == 1 || i == 0)
		return 0;
	if (i == n - 1)
		return span;
	return (span / (n - 1)) * i + (i % 2 ? 1 : 3);
}

/* Requests of one kind for chunks [0, n), as many in flight as the ring
 * holds; each must complete with VIRTIO_BLK_S_OK. */
static int blk_waves(struct blk *b, unsigned int n, uint32_t type, uint8_t *buf)
{
	unsigned int per_req = b->chunk / b->seg_len + 2;
	unsigned int wave = b->dev->queue_size / per_req;
	bool in = type == VIRTIO_BLK_T_IN;
	const char *what = in ? "read" : "write";
	int r;

	if (wave > MAX_REQS)
		wave = MAX_REQS;
	if (wave == 0)
		return complain("blk: a %u-descriptor request does not fit a queue of %u\n",
				per_req, b->dev->queue_size),
		       -EINVAL;
	for (unsigned int first = 0; first < n; first += wave) {
		unsigned int count = n - first < wave ? n - first : wave;

		for (unsigned int k = 0; k < count; k++) {
			unsigned int i = first + k;
			uint64_t s = chunk_sector(b, i, n);
			uint8_t *p = buf + (size_t)i * b->chunk;

			if (!in)
				pattern_fill(b->seed, s * SECTOR, p, b->chunk);
			if ((r = blk_queue(b, k, type, s, p, b->chunk, in)) < 0)
				return complain("blk: queueing a %s: %s\n", what, errno_name(-r)),
				       r;
		}
		if ((r = blk_complete(b, count, what)) < 0)
			return r;
		for (unsigned int k = 0; k < count; k++)
			if ((r = blk_check_status(b, k, what)) < 0)
				return r;
	}
	return 0;
}

static int blk_rw(struct blk *b, unsigned int n, uint8_t *wbuf, uint8_t *rbuf)
{
	int r;

	if ((r = blk_waves(b, n, VIRTIO_BLK_T_OUT, wbuf)) < 0)
		return r;
	if (b->dev->driver_features & (1ULL << VIRTIO_BLK_F_FLUSH)) {
		if ((r = blk_queue(b, 0, VIRTIO_BLK_T_FLUSH, 0, NULL, 0, false)) < 0 ||
		    (r = blk_complete(b, 1, "flush")) < 0 ||
		    (r = blk_check_status(b, 0, "flush")) < 0)
			return r;
		say("blk: flush ok\n");
	}
	if ((r = blk_waves(b, n, VIRTIO_BLK_T_IN, rbuf)) < 0)
		return r;
	for (unsigned int i = 0; i < n; i++) {
		size_t off = (size_t)i * b->chunk;

		for (size_t k = 0; k < b->chunk; k++)
			if (rbuf[off + k] != wbuf[off + k])
				return complain("blk: read back differs at sector %" PRIu64
						" + byte %zu: 0x%02x, wrote 0x%02x\n",
						chunk_sector(b, i, n), k, rbuf[off + k],
						wbuf[off + k]),
				       -EIO;
	}
	return 0;
}

static int blk_get_id(struct blk *b, char id[VIRTIO_BLK_ID_BYTES + 1])
{
	uint8_t *buf = vdpa_alloc(b->dev, VIRTIO_BLK_ID_BYTES, 64, NULL);
	int r;

	if (!buf)
		return -ENOMEM;
	if ((r = blk_queue(b, 0, VIRTIO_BLK_T_GET_ID, 0, buf, VIRTIO_BLK_ID_BYTES, true)) < 0 ||
	    (r = blk_complete(b, 1, "GET_ID")) < 0)
		return r;
	if (b->req[0].status == VIRTIO_BLK_S_UNSUPP) {
		strcpy(id, "(unsupported)");
		return 0;
	}
	if ((r = blk_check_status(b, 0, "GET_ID")) < 0)
		return r;
	memcpy(id, buf, VIRTIO_BLK_ID_BYTES);
	id[VIRTIO_BLK_ID_BYTES] = 0;
	for (char *c = id; *c; c++)
		if (*c < 0x20 || *c > 0x7e)
			*c = '?';
	return 0;
}

/* Reads the geometry the negotiated features make valid. */
static int blk_geometry(struct blk *b)
{
	struct virtio_blk_config c;
	uint64_t f = b->dev->driver_features;
	uint32_t seg_max = MAX_SEGS;

	memcpy(&c, b->dev->config, sizeof(c) < VDPA_CONFIG_MAX ? sizeof(c) : VDPA_CONFIG_MAX);
	b->capacity = le64toh(c.capacity);
	b->seg_len = CHUNK_MAX;
	if ((f & (1ULL << VIRTIO_BLK_F_SIZE_MAX)) && le32toh(c.size_max) &&
	    le32toh(c.size_max) < b->seg_len)
		b->seg_len = le32toh(c.size_max) & ~(SECTOR - 1);
	if ((f & (1ULL << VIRTIO_BLK_F_SEG_MAX)) && le32toh(c.seg_max) &&
	    le32toh(c.seg_max) < seg_max)
		seg_max = le32toh(c.seg_max);
	if (b->seg_len < SECTOR)
		return complain("blk: size_max %u is below a sector\n", le32toh(c.size_max)),
		       -EPROTO;
	b->chunk = b->seg_len * seg_max < CHUNK_MAX ? b->seg_len * seg_max : CHUNK_MAX;
	b->chunk &= ~(SECTOR - 1);
	say("blk: capacity=%" PRIu64 " sectors, size_max=%u seg_max=%u%s -> %u-byte requests\n",
	    b->capacity, b->seg_len, seg_max, (f & (1ULL << VIRTIO_BLK_F_FLUSH)) ? ", flush" : "",
	    b->chunk);
	return 0;
}

static int blk_run(struct vdpa_dev *d, const struct client_opts *o, struct blk *b,
		   unsigned int *ret_n, char *id)
{
	const uint64_t want = (1ULL << VIRTIO_BLK_F_FLUSH) | (1ULL << VIRTIO_BLK_F_SIZE_MAX) |
			      (1ULL << VIRTIO_BLK_F_SEG_MAX) | (1ULL << VIRTIO_BLK_F_BLK_SIZE);
	uint8_t *wbuf, *rbuf;
	unsigned int n;
	int r;

	if ((r = vdpa_open(d, o)) < 0)
		return complain("%s: open: %s\n", o->path, errno_name(-r)), r;
	if ((r = vdpa_probe(d)) < 0)
		return r;
	if (d->device_id != VIRTIO_ID_BLOCK)
		return complain("%s: device id %u is not blk (%u)\n", o->path, d->device_id,
				VIRTIO_ID_BLOCK),
		       -EPROTO;
	if ((r = vdpa_bringup(d, want, 1)) < 0 || (r = blk_geometry(b)) < 0)
		return r;
	n = (unsigned int)(((uint64_t)o->blk_kib << 10) / b->chunk);
	if (n == 0)
		n = 1;
	if (b->capacity < (uint64_t)n * 2 * (b->chunk / SECTOR))
		return complain("blk: capacity %" PRIu64 " sectors too small\n", b->capacity),
		       -EPROTO;
	b->req = vdpa_alloc(d, sizeof(*b->req) * MAX_REQS, 64, NULL);
	wbuf = vdpa_alloc(d, (size_t)n * b->chunk, 4096, NULL);
	rbuf = vdpa_alloc(d, (size_t)n * b->chunk, 4096, NULL);
	if (!b->req || !wbuf || !rbuf)
		return complain("blk: DMA region of %zu bytes too small (--mem)\n", d->mem_size),
		       -ENOMEM;
	*ret_n = n;
	if ((r = blk_rw(b, n, wbuf, rbuf)) < 0 || (r = blk_get_id(b, id)) < 0) {
		(void)vdpa_teardown(d, NULL);
		return r;
	}
	return vdpa_teardown(d, NULL);
}

int mode_blk(const struct client_opts *o)
{
	struct vdpa_dev d;
	struct blk b = {.dev = &d, .o = o};
	char id[VIRTIO_BLK_ID_BYTES + 1] = "";
	unsigned int n = 0;
	int r;

	b.seed = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	r = blk_run(&d, o, &b, &n, id);
	vdpa_close(&d);
	say("blk: capacity=%" PRIu64 " written=%uKiB read=%uKiB id=\"%s\" seed=0x%08x %s\n",
	    b.capacity, r == 0 ? n * (b.chunk >> 10) : 0, r == 0 ? n * (b.chunk >> 10) : 0, id,
	    b.seed, r == 0 ? "ok" : "FAILED");
	return r;
}
