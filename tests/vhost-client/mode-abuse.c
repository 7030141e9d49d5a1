/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * abuse mode: bad input, each sub-check printing what it tried and the errno
 * it got next to the errno upstream vhost_vdpa (Linux 6.1) gives, which is
 * the expectation. Where vhost_mdev deliberately answers differently (a
 * specific errno where vhost flattens every IOTLB error to EFAULT, a ring
 * size above the maximum refused), either answer passes and both are
 * printed; a test that knows which driver it runs checks the line. Two checks are behaviours, not
 * errnos: a descriptor at an unmapped IOVA (what the device does is printed; the device must
 * survive a reset and work again) and an owner killed without tear-down (the node must open again).
 */
#include "vdpa-dev.h"

#include <endian.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_net.h>

#define PAGE 4096u

struct abuse {
	const struct client_opts *o;
	unsigned int checks, failed;
};

static void expect(struct abuse *a, const char *what, int want, int got)
{
	bool ok = want == got;

	a->checks++;
	if (!ok)
		a->failed++;
	printf("abuse: %-58s %-10s (upstream %s) %s\n", what, errno_name(got), errno_name(want),
	       ok ? "ok" : "FAIL");
}

/* @want is upstream's answer, @ours vhost_mdev's: either passes. */
static void expect_either(struct abuse *a, const char *what, int want, int ours, int got)
{
	bool ok = got == want || got == ours;

	a->checks++;
	if (!ok)
		a->failed++;
	printf("abuse: %-58s %-10s (upstream %s, vhost_mdev %s) %s\n", what, errno_name(got),
	       errno_name(want), errno_name(ours), ok ? "ok" : "FAIL");
}

static void expect_true(struct abuse *a, const char *what, bool ok, const char *detail)
{
	a->checks++;
	if (!ok)
		a->failed++;
	printf("abuse: %-58s %s %s\n", what, detail, ok ? "ok" : "FAIL");
}

static int neg(int r)
{
	return r < 0 ? -r : 0;
}

/* Before SET_OWNER: the queries QEMU issues work, the rest is refused. */
static void before_owner(struct abuse *a, struct vdpa_dev *d)
{
	struct vhost_vring_state num = {.index = 0, .num = 256};
	uint64_t features;
	uint8_t status;
	struct vdpa_dev second;

	expect(a, "GET_FEATURES before SET_OWNER", 0,
	       neg(vdpa_ioctl(d, VHOST_GET_FEATURES, &features)));
	expect(a, "GET_STATUS before SET_OWNER", 0, neg(vdpa_get_status(d, &status)));
	expect(a, "SET_VRING_NUM before SET_OWNER", EPERM,
	       neg(vdpa_ioctl(d, VHOST_SET_VRING_NUM, &num)));
	expect_either(
	    a, "IOTLB UPDATE before SET_OWNER", EFAULT, EPERM,
	    neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, 0x100000, PAGE, 0x100000, VHOST_ACCESS_RW)));
	expect(a, "second open while open", EBUSY, neg(vdpa_open(&second, a->o)));
	vdpa_close(&second);
}

static int get_config(struct vdpa_dev *d, uint32_t off, uint32_t len)
{
	struct {
		struct vhost_vdpa_config hdr;
		uint8_t buf[VDPA_CONFIG_MAX + 16];
	} c = {.hdr = {.off = off, .len = len}};

	return vdpa_ioctl(d, VHOST_VDPA_GET_CONFIG, &c);
}

static void bad_ioctls(struct abuse *a, struct vdpa_dev *d)
{
	uint64_t bit40 = 1ULL << 40, zero64[8] = {0}, base = 0;

	expect(a, "SET_OWNER a second time", EBUSY, neg(vdpa_ioctl(d, VHOST_SET_OWNER, NULL)));
	expect(a, "SET_BACKEND_FEATURES with unknown bit 40", EOPNOTSUPP,
	       neg(vdpa_ioctl(d, VHOST_SET_BACKEND_FEATURES, &bit40)));
	if (d->config_size && d->config_size < VDPA_CONFIG_MAX) {
		expect(a, "GET_CONFIG len = config size + 1", EINVAL,
		       neg(get_config(d, 0, d->config_size + 1)));
		expect(a, "GET_CONFIG off = config size + 1, len 1", EINVAL,
		       neg(get_config(d, d->config_size + 1, 1)));
	}
	expect(a, "GET_CONFIG len 0", EINVAL, neg(get_config(d, 0, 0)));
	expect(a, "unknown ioctl _IOWR(0xAF, 0xEE, 64 bytes), zeroed", ENOTTY,
	       neg(vdpa_ioctl(d, _IOWR(VHOST_VIRTIO, 0xEE, uint64_t[8]), zero64)));
	expect(a, "GET_DEVICE_ID encoded with an 8-byte size", ENOTTY,
	       neg(vdpa_ioctl(d, _IOR(VHOST_VIRTIO, 0x70, uint64_t), zero64)));
	expect(a, "SET_LOG_BASE (no dirty logging in vhost-vdpa)", ENOTTY,
	       neg(vdpa_ioctl(d, VHOST_SET_LOG_BASE, &base)));
}

static int set_num(struct vdpa_dev *d, unsigned int index, unsigned int num)
{
	struct vhost_vring_state s = {.index = index, .num = num};

	return neg(vdpa_ioctl(d, VHOST_SET_VRING_NUM, &s));
}

/* After FEATURES_OK, before the rings are set up. */
static void bad_vring_and_status(struct abuse *a, struct vdpa_dev *d)
{
	struct vhost_vring_addr addr = {
	    .index = 0,
	    .desc_user_addr = 0x10000,
	    .avail_user_addr = 0x20000,
	    .used_user_addr = 0x30001,
	};
	struct vhost_vring_file kick = {.index = 0, .fd = d->fd};
	uint64_t features = d->driver_features;
	unsigned int max = d->vring_max ? d->vring_max : 256;
	char what[80];

	if (max * 2 <= 0x8000) {
		snprintf(what, sizeof(what), "SET_VRING_NUM %u (twice GET_VRING_NUM)", max * 2);
		expect_either(a, what, 0, EINVAL, set_num(d, 0, max * 2));
	}
	expect(a, "SET_VRING_NUM 0", EINVAL, set_num(d, 0, 0));
	snprintf(what, sizeof(what), "SET_VRING_NUM %u (not a power of two)", max - 1);
	expect(a, what, EINVAL, set_num(d, 0, max - 1));
	expect(a, "SET_VRING_NUM 65536", EINVAL, set_num(d, 0, 0x10000));
	snprintf(what, sizeof(what), "SET_VRING_NUM on vq %u (GET_VQS_COUNT)", d->vqs_count);
	expect(a, what, ENOBUFS, set_num(d, d->vqs_count ? d->vqs_count : 64, 256));
	expect(a, "SET_VRING_ADDR with a misaligned used ring", EINVAL,
	       neg(vdpa_ioctl(d, VHOST_SET_VRING_ADDR, &addr)));
	expect(a, "SET_VRING_KICK with a non-eventfd fd", EINVAL,
	       neg(vdpa_ioctl(d, VHOST_SET_VRING_KICK, &kick)));
	kick.fd = -5;
	expect(a, "SET_VRING_KICK with fd -5", EBADF,
	       neg(vdpa_ioctl(d, VHOST_SET_VRING_KICK, &kick)));
	expect(a, "SET_STATUS dropping DRIVER and FEATURES_OK", EINVAL,
	       neg(vdpa_set_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE)));
	expect(a, "SET_FEATURES after FEATURES_OK", EBUSY,
	       neg(vdpa_ioctl(d, VHOST_SET_FEATURES, &features)));
}

/* After the region is mapped. free_iova: an unmapped IOVA with 1 TiB of
 * room after it (if the range allows). */
static void bad_iotlb(struct abuse *a, struct vdpa_dev *d, uint64_t free_iova)
{
	uint64_t va = (uint64_t)(uintptr_t)d->mem;
	long pin_before = vdpa_vmpin_kib(), pin_after;
	struct vhost_msg_v2 m = {.type = VHOST_IOTLB_MSG_V2};
	void *hole;
	char detail[64];
	ssize_t n;

	expect_either(a, "IOTLB UPDATE overlapping the mapped region", EFAULT, EEXIST,
		      neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, d->iova_base + PAGE, PAGE, va + PAGE,
				     VHOST_ACCESS_RW)));
	expect(a, "IOTLB UPDATE of size 0", EINVAL,
	       neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, free_iova, 0, va, VHOST_ACCESS_RW)));
	expect_either(a, "IOTLB UPDATE wrapping past 2^64", EFAULT, EINVAL,
		      neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, UINT64_MAX - PAGE + 1, 2 * PAGE, va,
				     VHOST_ACCESS_RW)));
	hole = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (hole != MAP_FAILED) {
		munmap(hole, PAGE);
		expect(a, "IOTLB UPDATE of unmapped user memory", EFAULT,
		       neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, free_iova, PAGE,
				      (uint64_t)(uintptr_t)hole, VHOST_ACCESS_RW)));
	}
	expect(a, "IOTLB UPDATE of 1 TiB (beyond RLIMIT_MEMLOCK)", EFAULT,
	       neg(vdpa_iotlb(d, VHOST_IOTLB_UPDATE, free_iova, 1ULL << 40, va, VHOST_ACCESS_RW)));
	n = write(d->fd, &m, 16);
	expect(a, "IOTLB message of 16 bytes", EINVAL, n < 0 ? errno : 0);
	m.type = 7;
	n = write(d->fd, &m, sizeof(m));
	expect(a, "IOTLB message of unknown type 7", EINVAL, n < 0 ? errno : 0);
	expect_either(a, "IOTLB v2 message with unknown iotlb.type 99", EFAULT, EINVAL,
		      neg(vdpa_iotlb(d, 99, free_iova, PAGE, va, VHOST_ACCESS_RW)));
	expect(a, "IOTLB INVALIDATE of a range never mapped", 0,
	       neg(vdpa_iotlb(d, VHOST_IOTLB_INVALIDATE, free_iova, PAGE, 0, 0)));
	pin_after = vdpa_vmpin_kib();
	snprintf(detail, sizeof(detail), "VmPin %ld -> %ld kB", pin_before, pin_after);
	expect_true(a, "failed UPDATEs left no pages pinned", pin_before == pin_after, detail);
}

/* Good RX buffers (net) so that only the bad descriptor can stall the device. */
static int post_rx(struct vdpa_dev *d, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		uint64_t iova;
		struct vbuf b = {.len = 2048, .device_writes = true};

		if (!vdpa_alloc(d, 2048, 64, &iova))
			return -ENOMEM;
		b.iova = iova;
		if (vq_add(&d->vq[0], &b, 1, i) < 0)
			return -ENOSPC;
	}
	return vq_kick(&d->vq[0]);
}

static bool is_net(const struct vdpa_dev *d)
{
	return d->device_id == VIRTIO_ID_NET;
}

/* The queue and the chain a request of this device type is made of, with
 * its first (device-readable) buffer at iova. */
static int queue_request(struct vdpa_dev *d, uint64_t iova, uint32_t len, uint32_t token)
{
	unsigned int q = is_net(d) ? 1 : 0;
	struct vbuf b[2] = {{iova, len, false}};
	uint64_t st;

	if (d->device_id == VIRTIO_ID_BLOCK) {
		if (!vdpa_alloc(d, 64, 64, &st))
			return -ENOMEM;
		b[1] = (struct vbuf){st, 1, true};
		return vq_add(&d->vq[q], b, 2, token);
	}
	return vq_add(&d->vq[q], b, 1, token);
}

static int nvqs_for(const struct vdpa_dev *d)
{
	return is_net(d) ? 2 : 1;
}

/* A descriptor at an unmapped IOVA; prints what the device did. */
static void unmapped_descriptor(struct abuse *a, struct vdpa_dev *d, uint64_t free_iova)
{
	unsigned int q = is_net(d) ? 1 : 0;
	long long end = now_ms() + 2000;
	uint32_t tok, len;
	uint8_t status = 0;
	int r, got = 0;

	if ((r = vdpa_setup_vqs(d, nvqs_for(d))) < 0 || (r = vdpa_start(d)) < 0 ||
	    (is_net(d) && (r = post_rx(d, 16)) < 0) ||
	    (r = queue_request(d, free_iova, 256, 0)) < 0 || (r = vq_kick(&d->vq[q])) < 0) {
		expect(a, "set up and queue a descriptor at an unmapped IOVA", 0, neg(r));
		return;
	}
	while (!got && now_ms() < end) {
		if ((got = vq_get_used(&d->vq[q], &tok, &len)) != 0)
			break;
		(void)vdpa_wait(d, 200);
	}
	(void)vdpa_get_status(d, &status);
	if (got > 0)
		printf("abuse: descriptor at unmapped IOVA 0x%" PRIx64 " on vq %u: completed, "
		       "used len %u; status 0x%02x%s (recorded)\n",
		       free_iova, q, len, status,
		       status & VIRTIO_CONFIG_S_NEEDS_RESET ? " NEEDS_RESET" : "");
	else
		printf("abuse: descriptor at unmapped IOVA 0x%" PRIx64 " on vq %u: nothing "
		       "completed in 2 s; status 0x%02x%s (recorded)\n",
		       free_iova, q, status,
		       status & VIRTIO_CONFIG_S_NEEDS_RESET ? " NEEDS_RESET" : "");
}

/* After a reset: bring up again and see requests complete. */
static void works_again(struct abuse *a, struct vdpa_dev *d)
{
	unsigned int q = is_net(d) ? 1 : 0, want = 4, got = 0;
	long long start = now_ms(), end = start + a->o->timeout_ms, up_ms;
	uint32_t tok, len, bad_status = 0;
	uint8_t *req[4];
	char detail[64];
	int r;

	r = vdpa_bringup(d, 0, nvqs_for(d));
	up_ms = now_ms() - start;
	expect(a, "bring-up again after the reset", 0, neg(r));
	if (r < 0)
		return;
	if (is_net(d) && post_rx(d, 16) < 0)
		return;
	for (unsigned int i = 0; i < want; i++) {
		uint64_t iova;
		uint8_t *p = req[i] = vdpa_alloc(d, 256, 64, &iova);

		if (!p)
			return;
		if (d->device_id == VIRTIO_ID_BLOCK) {
			/* GET_ID: header, 20 bytes of id, status; needs no feature. */
			struct virtio_blk_outhdr *h = (void *)p;
			struct vbuf b[3] = {
			    {iova, sizeof(*h), false},
			    {iova + 64, VIRTIO_BLK_ID_BYTES, true},
			    {iova + 128, 1, true},
			};

			h->type = htole32(VIRTIO_BLK_T_GET_ID);
			p[128] = 0xff;
			r = vq_add(&d->vq[q], b, 3, i);
		} else {
			memset(p, 0, 12); /* virtio_net_hdr_v1: no offloads */
			memset(p + 12, 0xff, 12); /* broadcast, from ff:ff:.. */
			r = queue_request(d, iova, 12 + 64, i);
		}
		if (r < 0)
			return;
	}
	(void)vq_kick(&d->vq[q]);
	while (got < want && now_ms() < end) {
		while (vq_get_used(&d->vq[q], &tok, &len) > 0) {
			got++;
			if (d->device_id == VIRTIO_ID_BLOCK && tok < want &&
			    req[tok][128] != VIRTIO_BLK_S_OK)
				bad_status++;
		}
		if (got < want)
			(void)vdpa_wait(d, 200);
	}
	snprintf(detail, sizeof(detail), "%u/%u completed, %u not OK, bring-up %lld ms", got, want,
		 bad_status, up_ms);
	expect_true(a, "requests complete after the reset", got == want && !bad_status, detail);
}

/* The owner dies with everything set up and mapped; the node opens again. */
static void killed_owner(struct abuse *a)
{
	struct vdpa_dev d;
	int status = 0, r;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (vdpa_open(&d, a->o) < 0 || vdpa_probe(&d) < 0 ||
		    vdpa_bringup(&d, 0, nvqs_for(&d)) < 0 || (is_net(&d) && post_rx(&d, 16) < 0))
			_exit(3);
		raise(SIGKILL);
		_exit(4);
	}
	if (pid < 0) {
		expect(a, "fork", 0, errno);
		return;
	}
	(void)waitpid(pid, &status, 0);
	expect_true(a, "owner set up, mapped, then killed by SIGKILL",
		    WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
		    WIFSIGNALED(status) ? "signalled" : "exited");
	r = vdpa_open(&d, a->o);
	expect(a, "open after the owner was killed", 0, neg(r));
	if (r == 0) {
		r = vdpa_probe(&d);
		if (r == 0)
			r = vdpa_bringup(&d, 0, nvqs_for(&d));
		if (r == 0)
			r = vdpa_teardown(&d, NULL);
		expect(a, "full bring-up and tear-down after that", 0, neg(r));
	}
	vdpa_close(&d);
}

static int abuse_run(struct abuse *a, struct vdpa_dev *d)
{
	uint64_t free_iova;
	long pin0 = vdpa_vmpin_kib(), pin1;
	char detail[64];
	int r;

	if ((r = vdpa_open(d, a->o)) < 0)
		return complain("%s: open: %s\n", a->o->path, errno_name(-r)), r;
	before_owner(a, d);
	if ((r = vdpa_probe(d)) < 0)
		return r;
	bad_ioctls(a, d);
	if ((r = vdpa_negotiate(d, 0)) < 0)
		return r;
	bad_vring_and_status(a, d);
	if ((r = vdpa_map(d)) < 0)
		return r;
	free_iova = (d->iova_base + d->mem_size + (2u << 20)) & ~(uint64_t)((1u << 20) - 1);
	bad_iotlb(a, d, free_iova);
	unmapped_descriptor(a, d, free_iova);
	expect(a, "tear-down (disable, GET_VRING_BASE, reset, INVALIDATE)", 0,
	       neg(vdpa_teardown(d, NULL)));
	works_again(a, d);
	expect(a, "tear-down again", 0, neg(vdpa_teardown(d, NULL)));
	pin1 = vdpa_vmpin_kib();
	snprintf(detail, sizeof(detail), "VmPin %ld -> %ld kB", pin0, pin1);
	expect_true(a, "INVALIDATE unpinned everything", pin0 == pin1, detail);
	vdpa_close(d);
	killed_owner(a);
	return 0;
}

int mode_abuse(const struct client_opts *o)
{
	struct abuse a = {.o = o};
	struct vdpa_dev d;
	int r;

	r = abuse_run(&a, &d);
	vdpa_close(&d);
	say("abuse: checks=%u failed=%u %s\n", a.checks, a.failed,
	    r == 0 && a.failed == 0 ? "ok" : "FAILED");
	return r < 0 ? r : (a.failed ? -EPROTO : 0);
}
