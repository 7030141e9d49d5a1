/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The vhost-vdpa bring-up and tear-down sequence (see vdpa-dev.h). Only the
 * standard UAPI is used; nothing here knows which driver serves the node.
 */
#include "vdpa-dev.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>
#include <linux/virtio_config.h>

#define PAGE 4096u

int vdpa_ioctl(struct vdpa_dev *d, unsigned long req, void *arg)
{
	return ioctl(d->fd, req, arg) < 0 ? -errno : 0;
}

/* A query a client of an older kernel must live without: ENOTTY is "absent". */
static int query(struct vdpa_dev *d, unsigned long req, void *arg, const char *name, bool *present)
{
	int r = vdpa_ioctl(d, req, arg);

	*present = r == 0;
	if (r == -ENOTTY) {
		say("info: %s: not supported (ENOTTY)\n", name);
		return 0;
	}
	if (r < 0)
		complain("%s: %s failed: %s\n", d->opts->path, name, errno_name(-r));
	return r;
}

int vdpa_open(struct vdpa_dev *d, const struct client_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->opts = o;
	d->fd = open(o->path, O_RDWR | O_CLOEXEC);
	for (unsigned int i = 0; i < VDPA_MAX_VQS; i++)
		d->vq[i].kick_fd = d->vq[i].call_fd = -1;
	return d->fd < 0 ? -errno : 0;
}

void vdpa_close(struct vdpa_dev *d)
{
	for (unsigned int i = 0; i < d->nvq; i++)
		vq_free(&d->vq[i]);
	d->nvq = 0;
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
	if (d->mem)
		munmap(d->mem, d->mem_size);
	d->mem = NULL;
}

int vdpa_get_status(struct vdpa_dev *d, uint8_t *ret)
{
	return vdpa_ioctl(d, VHOST_VDPA_GET_STATUS, ret);
}

int vdpa_set_status(struct vdpa_dev *d, uint8_t status)
{
	return vdpa_ioctl(d, VHOST_VDPA_SET_STATUS, &status);
}

static int probe_backend(struct vdpa_dev *d)
{
	const uint64_t v2 = 1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2;
	const uint64_t batch = 1ULL << VHOST_BACKEND_F_IOTLB_BATCH;
	uint64_t offered = 0, ack;
	int r;

	r = vdpa_ioctl(d, VHOST_GET_BACKEND_FEATURES, &offered);
	if (r < 0) {
		complain("%s: VHOST_GET_BACKEND_FEATURES failed: %s\n", d->opts->path,
			 errno_name(-r));
		return r;
	}
	if (!(offered & v2)) {
		complain("%s: backend features 0x%" PRIx64 " lack IOTLB_MSG_V2\n", d->opts->path,
			 offered);
		return -EPROTO;
	}
	/* SUSPEND, where offered, for net --suspend; acking it changes nothing else. */
	ack = offered & (v2 | batch | (1ULL << VHOST_BACKEND_F_SUSPEND));
	r = vdpa_ioctl(d, VHOST_SET_BACKEND_FEATURES, &ack);
	if (r < 0) {
		complain("%s: VHOST_SET_BACKEND_FEATURES 0x%" PRIx64 " failed: %s\n", d->opts->path,
			 ack, errno_name(-r));
		return r;
	}
	d->backend_features = ack;
	say("info: backend_features offered=0x%" PRIx64 " acked=0x%" PRIx64 "\n", offered, ack);
	return 0;
}

static int probe_config(struct vdpa_dev *d, bool have_size)
{
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[VDPA_CONFIG_MAX];
	} c = {0};
	uint32_t len = have_size ? d->config_size : 8;
	int r;

	if (len > VDPA_CONFIG_MAX)
		len = VDPA_CONFIG_MAX;
	if (len == 0)
		return 0;
	c.hdr.off = 0;
	c.hdr.len = len;
	r = vdpa_ioctl(d, VHOST_VDPA_GET_CONFIG, &c);
	if (r < 0) {
		complain("%s: VHOST_VDPA_GET_CONFIG len %u failed: %s\n", d->opts->path, len,
			 errno_name(-r));
		return r;
	}
	memcpy(d->config, c.buf, len);
	return 0;
}

int vdpa_probe(struct vdpa_dev *d)
{
	bool have_num, have_vqs, have_size, have_range;
	int r;

	r = vdpa_ioctl(d, VHOST_VDPA_GET_DEVICE_ID, &d->device_id);
	if (r < 0) {
		complain("%s: VHOST_VDPA_GET_DEVICE_ID failed: %s\n", d->opts->path,
			 errno_name(-r));
		return r;
	}
	r = vdpa_ioctl(d, VHOST_SET_OWNER, NULL);
	if (r < 0) {
		complain("%s: VHOST_SET_OWNER failed: %s\n", d->opts->path, errno_name(-r));
		return r;
	}
	r = vdpa_ioctl(d, VHOST_GET_FEATURES, &d->device_features);
	if (r < 0) {
		complain("%s: VHOST_GET_FEATURES failed: %s\n", d->opts->path, errno_name(-r));
		return r;
	}
	r = probe_backend(d);
	if (r < 0)
		return r;

	d->vring_max = 256;
	d->range.first = 0;
	d->range.last = UINT64_MAX;
	if ((r = query(d, VHOST_VDPA_GET_VRING_NUM, &d->vring_max, "VHOST_VDPA_GET_VRING_NUM",
		       &have_num)) < 0 ||
	    (r = query(d, VHOST_VDPA_GET_VQS_COUNT, &d->vqs_count, "VHOST_VDPA_GET_VQS_COUNT",
		       &have_vqs)) < 0 ||
	    (r = query(d, VHOST_VDPA_GET_CONFIG_SIZE, &d->config_size, "VHOST_VDPA_GET_CONFIG_SIZE",
		       &have_size)) < 0 ||
	    (r = query(d, VHOST_VDPA_GET_IOVA_RANGE, &d->range, "VHOST_VDPA_GET_IOVA_RANGE",
		       &have_range)) < 0)
		return r;
	if (d->range.first > d->range.last) {
		complain("%s: IOVA range [0x%" PRIx64 ", 0x%" PRIx64 "] is empty\n", d->opts->path,
			 (uint64_t)d->range.first, (uint64_t)d->range.last);
		return -EPROTO;
	}
	r = probe_config(d, have_size);
	if (r < 0)
		return r;
	say("info: device_id=%u features=0x%" PRIx64 " vring_num=%u vqs_count=%u "
	    "config_size=%u iova_range=0x%" PRIx64 "-0x%" PRIx64 "\n",
	    d->device_id, d->device_features, d->vring_max, d->vqs_count, d->config_size,
	    (uint64_t)d->range.first, (uint64_t)d->range.last);
	return 0;
}

int vdpa_negotiate(struct vdpa_dev *d, uint64_t want)
{
	const uint64_t v1 = 1ULL << VIRTIO_F_VERSION_1;
	const uint64_t ap = 1ULL << VIRTIO_F_ACCESS_PLATFORM;
	uint8_t status = 0;
	int r;

	if (!(d->device_features & v1)) {
		complain("%s: device does not offer VIRTIO_F_VERSION_1\n", d->opts->path);
		return -EPROTO;
	}
	d->driver_features = v1 | (d->device_features & (ap | want));
	if ((r = vdpa_set_status(d, 0)) < 0 ||
	    (r = vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE)) < 0 ||
	    (r = vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER)) < 0) {
		complain("%s: VHOST_VDPA_SET_STATUS (reset/ACK/DRIVER) failed: %s\n", d->opts->path,
			 errno_name(-r));
		return r;
	}
	r = vdpa_ioctl(d, VHOST_SET_FEATURES, &d->driver_features);
	if (r < 0) {
		complain("%s: VHOST_SET_FEATURES 0x%" PRIx64 " failed: %s\n", d->opts->path,
			 d->driver_features, errno_name(-r));
		return r;
	}
	r = vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				   VIRTIO_CONFIG_S_FEATURES_OK);
	if (r == 0)
		r = vdpa_get_status(d, &status);
	if (r < 0) {
		complain("%s: FEATURES_OK: %s\n", d->opts->path, errno_name(-r));
		return r;
	}
	if (!(status & VIRTIO_CONFIG_S_FEATURES_OK)) {
		complain("%s: FEATURES_OK did not stick (status 0x%02x) for features 0x%" PRIx64
			 "\n",
			 d->opts->path, status, d->driver_features);
		return -EPROTO;
	}
	info("info: driver_features=0x%" PRIx64 " status=0x%02x\n", d->driver_features, status);
	return 0;
}

/* Pinned pages count against RLIMIT_MEMLOCK: make room for the region
 * (bounded, so a runaway mapping still fails with ENOMEM). */
static void memlock_make_room(size_t bytes)
{
	struct rlimit rl;
	rlim_t want = bytes + (64u << 20);

	if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	rl.rlim_cur = want;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		if (geteuid() == 0)
			rl.rlim_max = want;
		else
			rl.rlim_cur = rl.rlim_max;
	}
	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		info("info: cannot raise RLIMIT_MEMLOCK to %zu bytes: %s\n", (size_t)want,
		     errno_name(errno));
}

static int choose_iova(struct vdpa_dev *d)
{
	uint64_t first = d->range.first, last = d->range.last, base;
	const uint64_t two_mib = 2u << 20, one_gib = 1u << 30;

	if (d->opts->iova_va) {
		base = (uint64_t)(uintptr_t)d->mem;
	} else {
		/* Away from both 0 and the region's VA, so that a device that
		 * uses one as the other reads the wrong memory or faults. */
		base = ((first + two_mib - 1) & ~(two_mib - 1)) + one_gib;
		if (base < first || base - 1 + d->mem_size > last)
			base = (first + PAGE - 1) & ~(uint64_t)(PAGE - 1);
		if (base == (uint64_t)(uintptr_t)d->mem)
			base += two_mib;
	}
	if (base < first || base + (d->mem_size - 1) < base || base + (d->mem_size - 1) > last) {
		complain("%s: no room for %zu bytes at IOVA 0x%" PRIx64 " in 0x%" PRIx64
			 "-0x%" PRIx64 "\n",
			 d->opts->path, d->mem_size, base, first, last);
		return -ERANGE;
	}
	d->iova_base = base;
	return 0;
}

int vdpa_iotlb(struct vdpa_dev *d, uint8_t type, uint64_t iova, uint64_t size, uint64_t uaddr,
	       uint8_t perm)
{
	struct vhost_msg_v2 m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.type = VHOST_IOTLB_MSG_V2;
	m.asid = 0;
	m.iotlb.iova = iova;
	m.iotlb.size = size;
	m.iotlb.uaddr = uaddr;
	m.iotlb.perm = perm;
	m.iotlb.type = type;
	n = write(d->fd, &m, sizeof(m));
	if (n < 0)
		return -errno;
	return n == (ssize_t)sizeof(m) ? 0 : -EMSGSIZE;
}

static bool batching(const struct vdpa_dev *d)
{
	return d->backend_features & (1ULL << VHOST_BACKEND_F_IOTLB_BATCH);
}

/* One IOTLB change, inside BATCH_BEGIN/END when the backend takes batches. */
static int iotlb_batched(struct vdpa_dev *d, uint8_t type, uint64_t iova, uint64_t size,
			 uint64_t uaddr, uint8_t perm)
{
	int r, r2;

	if (batching(d) && (r = vdpa_iotlb(d, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0)) < 0)
		return r;
	r = vdpa_iotlb(d, type, iova, size, uaddr, perm);
	if (batching(d)) {
		r2 = vdpa_iotlb(d, VHOST_IOTLB_BATCH_END, 0, 0, 0, 0);
		if (r == 0)
			r = r2;
	}
	return r;
}

/* The region one page per UPDATE, in one batch where the backend takes
 * batches: the device gets an IOTLB entry per page. */
static int map_pages(struct vdpa_dev *d)
{
	uint64_t va = (uint64_t)(uintptr_t)d->mem;
	size_t off;
	int r = 0, r2;

	if (batching(d) && (r = vdpa_iotlb(d, VHOST_IOTLB_BATCH_BEGIN, 0, 0, 0, 0)) < 0)
		return r;
	for (off = 0; off < d->mem_size && r == 0; off += PAGE)
		r = vdpa_iotlb(d, VHOST_IOTLB_UPDATE, d->iova_base + off, PAGE, va + off,
			       VHOST_ACCESS_RW);
	if (r < 0)
		complain("%s: IOTLB UPDATE of page %zu/%zu, iova 0x%" PRIx64 ", failed: %s\n",
			 d->opts->path, off / PAGE, d->mem_size / PAGE, d->iova_base + off - PAGE,
			 errno_name(-r));
	if (batching(d)) {
		r2 = vdpa_iotlb(d, VHOST_IOTLB_BATCH_END, 0, 0, 0, 0);
		if (r == 0 && r2 < 0) {
			complain("%s: IOTLB BATCH_END after %zu pages: %s\n", d->opts->path,
				 d->mem_size / PAGE, errno_name(-r2));
			r = r2;
		}
	}
	/* Pages mapped before a failure go with the INVALIDATE of the tear-down. */
	d->mapped = true;
	if (r == 0)
		info("info: mapped %zu KiB at IOVA 0x%" PRIx64
		     " (VA %p) in %zu UPDATEs, VmPin %ld kB\n",
		     d->mem_size >> 10, d->iova_base, (void *)d->mem, d->mem_size / PAGE,
		     vdpa_vmpin_kib());
	return r;
}

int vdpa_map(struct vdpa_dev *d)
{
	int r;

	if (!d->mem) {
		d->mem_size = (d->opts->mem_size + PAGE - 1) & ~(size_t)(PAGE - 1);
		d->mem = mmap(NULL, d->mem_size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (d->mem == MAP_FAILED) {
			d->mem = NULL;
			r = -errno;
			complain("mmap of %zu bytes failed: %s\n", d->mem_size, errno_name(-r));
			return r;
		}
		/* Pinned pages and fork's copy-on-write do not mix. */
		(void)madvise(d->mem, d->mem_size, MADV_DONTFORK);
	}
	memset(d->mem, 0, d->mem_size);
	d->mem_used = 0;
	r = choose_iova(d);
	if (r < 0)
		return r;
	memlock_make_room(d->mem_size);
	if (d->opts->map_pages)
		return map_pages(d);
	r = iotlb_batched(d, VHOST_IOTLB_UPDATE, d->iova_base, d->mem_size,
			  (uint64_t)(uintptr_t)d->mem, VHOST_ACCESS_RW);
	if (r < 0) {
		complain("%s: IOTLB UPDATE iova 0x%" PRIx64 " size 0x%zx va %p failed: %s\n",
			 d->opts->path, d->iova_base, d->mem_size, (void *)d->mem, errno_name(-r));
		return r;
	}
	d->mapped = true;
	info("info: mapped %zu KiB at IOVA 0x%" PRIx64 " (VA %p)%s, VmPin %ld kB\n",
	     d->mem_size >> 10, d->iova_base, (void *)d->mem, batching(d) ? " in a batch" : "",
	     vdpa_vmpin_kib());
	return 0;
}

void *vdpa_alloc(struct vdpa_dev *d, size_t size, size_t align, uint64_t *ret_iova)
{
	size_t off = (d->mem_used + align - 1) & ~(align - 1);

	if (off > d->mem_size || size > d->mem_size - off)
		return NULL;
	d->mem_used = off + size;
	if (ret_iova)
		*ret_iova = d->iova_base + off;
	return d->mem + off;
}

uint64_t vdpa_iova_of(const struct vdpa_dev *d, const void *p)
{
	return d->iova_base + (uint64_t)((const uint8_t *)p - d->mem);
}

static int setup_vq(struct vdpa_dev *d, unsigned int i)
{
	struct vring_q *vq = &d->vq[i];
	struct vhost_vring_state num = {.index = i, .num = d->queue_size};
	struct vhost_vring_state base = {.index = i, .num = 0};
	struct vhost_vring_addr addr = {.index = i};
	struct vhost_vring_file kick = {.index = i}, call = {.index = i};
	uint64_t iova;
	void *mem;
	int r;

	mem = vdpa_alloc(d, vq_bytes(d->queue_size), PAGE, &iova);
	if (!mem) {
		complain("DMA region of %zu bytes too small for the rings\n", d->mem_size);
		return -ENOMEM;
	}
	r = vq_init(vq, i, d->queue_size, mem, iova);
	if (r < 0)
		return r;
	addr.desc_user_addr = vq->desc_iova;
	addr.avail_user_addr = vq->avail_iova;
	addr.used_user_addr = vq->used_iova;
	kick.fd = vq->kick_fd;
	call.fd = vq->call_fd;
	if ((r = vdpa_ioctl(d, VHOST_SET_VRING_NUM, &num)) < 0 ||
	    (r = vdpa_ioctl(d, VHOST_SET_VRING_BASE, &base)) < 0 ||
	    (r = vdpa_ioctl(d, VHOST_SET_VRING_ADDR, &addr)) < 0 ||
	    (r = vdpa_ioctl(d, VHOST_SET_VRING_KICK, &kick)) < 0 ||
	    (r = vdpa_ioctl(d, VHOST_SET_VRING_CALL, &call)) < 0) {
		complain("%s: setting up vq %u (size %u): %s\n", d->opts->path, i, d->queue_size,
			 errno_name(-r));
		return r;
	}
	return 0;
}

int vdpa_setup_vqs(struct vdpa_dev *d, unsigned int n)
{
	unsigned int qs = d->opts->queue_size ? d->opts->queue_size : 256;
	int r;

	if (!d->opts->queue_size && qs > d->vring_max)
		qs = d->vring_max;
	if (n > VDPA_MAX_VQS || (d->vqs_count && n > d->vqs_count)) {
		complain("%s: %u queues wanted, device has %u\n", d->opts->path, n, d->vqs_count);
		return -EINVAL;
	}
	d->queue_size = (uint16_t)qs;
	for (unsigned int i = 0; i < d->nvq; i++)
		vq_free(&d->vq[i]);
	d->nvq = 0;
	for (unsigned int i = 0; i < n; i++) {
		d->nvq = i + 1;
		r = setup_vq(d, i);
		if (r < 0)
			return r;
	}
	return 0;
}

int vdpa_start(struct vdpa_dev *d)
{
	uint8_t status = 0;
	int r;

	for (unsigned int i = 0; i < d->nvq; i++) {
		struct vhost_vring_state en = {.index = i, .num = 1};

		r = vdpa_ioctl(d, VHOST_VDPA_SET_VRING_ENABLE, &en);
		if (r < 0) {
			complain("%s: VHOST_VDPA_SET_VRING_ENABLE vq %u: %s\n", d->opts->path, i,
				 errno_name(-r));
			return r;
		}
	}
	r = vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
				   VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
	if (r == 0)
		r = vdpa_get_status(d, &status);
	if (r < 0) {
		complain("%s: DRIVER_OK: %s\n", d->opts->path, errno_name(-r));
		return r;
	}
	if (!(status & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    (status & (VIRTIO_CONFIG_S_NEEDS_RESET | VIRTIO_CONFIG_S_FAILED))) {
		complain("%s: status after DRIVER_OK is 0x%02x\n", d->opts->path, status);
		return -EPROTO;
	}
	info("info: %u vq(s) of size %u enabled, status 0x%02x\n", d->nvq, d->queue_size, status);
	return 0;
}

int vdpa_bringup(struct vdpa_dev *d, uint64_t want, unsigned int nvq)
{
	int r;

	if ((r = vdpa_negotiate(d, want)) < 0 || (r = vdpa_map(d)) < 0 ||
	    (r = vdpa_setup_vqs(d, nvq)) < 0 || (r = vdpa_start(d)) < 0)
		return r;
	return 0;
}

int vdpa_teardown(struct vdpa_dev *d, uint32_t *ret_bases)
{
	int r, ret = 0;

	for (unsigned int i = 0; i < d->nvq; i++) {
		struct vhost_vring_state s = {.index = i, .num = 0};

		r = vdpa_ioctl(d, VHOST_VDPA_SET_VRING_ENABLE, &s);
		if (r == 0)
			r = vdpa_ioctl(d, VHOST_GET_VRING_BASE, &s);
		if (r < 0) {
			complain("%s: disabling vq %u: %s\n", d->opts->path, i, errno_name(-r));
			ret = r;
			continue;
		}
		info("info: vq %u: last_avail_idx %u, driver made %u available\n", i, s.num,
		     d->vq[i].avail_idx);
		if (ret_bases)
			ret_bases[i] = s.num;
	}
	r = vdpa_set_status(d, 0);
	if (r < 0) {
		complain("%s: reset (status 0): %s\n", d->opts->path, errno_name(-r));
		ret = r;
	}
	if (d->mapped) {
		r = iotlb_batched(d, VHOST_IOTLB_INVALIDATE, d->iova_base, d->mem_size, 0, 0);
		if (r < 0) {
			complain("%s: IOTLB INVALIDATE: %s\n", d->opts->path, errno_name(-r));
			ret = r;
		}
		d->mapped = false;
	}
	for (unsigned int i = 0; i < d->nvq; i++)
		vq_free(&d->vq[i]);
	d->nvq = 0;
	return ret;
}

long vdpa_vmpin_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

int vdpa_wait(struct vdpa_dev *d, int timeout_ms)
{
	struct vring_q *vqs[VDPA_MAX_VQS];

	for (unsigned int i = 0; i < d->nvq; i++)
		vqs[i] = &d->vq[i];
	return vq_wait(vqs, d->nvq, timeout_ms);
}
