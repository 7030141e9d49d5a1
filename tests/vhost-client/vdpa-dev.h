/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One open vhost-vdpa character device, driven the way DPDK and QEMU drive
 * it (the UAPI of <linux/vhost.h> as drivers/vhost/vdpa.c serves it): owner,
 * feature and backend-feature negotiation, the status byte, one anonymous DMA
 * region mapped with IOTLB v2 messages, split rings laid out in that region.
 *
 * Ownership: a struct vdpa_dev owns the fd, the region and the vrings;
 * vdpa_close() releases all of them (and is safe on a half set-up device).
 * Functions return 0 or a negative errno and print what failed on stderr,
 * except vdpa_ioctl()/vdpa_iotlb() which are silent: the abuse mode calls
 * them expecting failures.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <linux/vhost.h>

#include "client.h"
#include "vring.h"

#define VDPA_MAX_VQS 8
#define VDPA_CONFIG_MAX 256

struct vdpa_dev {
	const struct client_opts *opts;
	int fd;
	uint32_t device_id;
	uint64_t device_features;
	uint64_t driver_features;
	uint64_t backend_features; /* acked */
	uint16_t vring_max;
	uint32_t vqs_count;
	uint32_t config_size;
	struct vhost_vdpa_iova_range range;
	uint8_t config[VDPA_CONFIG_MAX];

	uint8_t *mem;
	size_t mem_size, mem_used;
	uint64_t iova_base;
	bool mapped;

	struct vring_q vq[VDPA_MAX_VQS];
	unsigned int nvq;
	uint16_t queue_size;
};

/* open(2) only; -errno as open gives it (EBUSY when someone has it open). */
int vdpa_open(struct vdpa_dev *d, const struct client_opts *o);
void vdpa_close(struct vdpa_dev *d);

/* GET_DEVICE_ID, SET_OWNER, GET_FEATURES, backend features (IOTLB_MSG_V2
 * required, IOTLB_BATCH if offered), GET_VRING_NUM, GET_VQS_COUNT,
 * GET_CONFIG_SIZE, GET_IOVA_RANGE, GET_CONFIG. */
int vdpa_probe(struct vdpa_dev *d);
/* Status 0 -> ACKNOWLEDGE -> DRIVER, SET_FEATURES (VERSION_1, ACCESS_PLATFORM
 * if offered, and whatever of want the device offers), FEATURES_OK checked. */
int vdpa_negotiate(struct vdpa_dev *d, uint64_t want);
/* Creates (once) and maps the DMA region: one UPDATE in a batch. */
int vdpa_map(struct vdpa_dev *d);
/* Lays out and configures queues 0..n-1: NUM, BASE, ADDR, KICK, CALL. */
int vdpa_setup_vqs(struct vdpa_dev *d, unsigned int n);
/* SET_VRING_ENABLE on every set-up queue, then DRIVER_OK, checked. */
int vdpa_start(struct vdpa_dev *d);
/* negotiate + map + setup_vqs + start. */
int vdpa_bringup(struct vdpa_dev *d, uint64_t want, unsigned int nvq);
/* Disable, GET_VRING_BASE (into ret_bases if not NULL), reset to 0,
 * INVALIDATE the region; the device can then be brought up again. */
int vdpa_teardown(struct vdpa_dev *d, uint32_t *ret_bases);

/* A zeroed, aligned piece of the DMA region and its IOVA. NULL if full. */
void *vdpa_alloc(struct vdpa_dev *d, size_t size, size_t align, uint64_t *ret_iova);
uint64_t vdpa_iova_of(const struct vdpa_dev *d, const void *p);

/* ioctl(2): 0 or -errno, silently. */
int vdpa_ioctl(struct vdpa_dev *d, unsigned long req, void *arg);
/* Writes one struct vhost_msg_v2 (asid 0): 0 if the write returned its
 * length, -errno if it failed, -EMSGSIZE if it returned another length. */
int vdpa_iotlb(struct vdpa_dev *d, uint8_t type, uint64_t iova, uint64_t size, uint64_t uaddr,
	       uint8_t perm);
int vdpa_get_status(struct vdpa_dev *d, uint8_t *ret);
int vdpa_set_status(struct vdpa_dev *d, uint8_t status);

/* Pinned memory of this process (VmPin in /proc/self/status), KiB; -1 unknown. */
long vdpa_vmpin_kib(void);
/* Waits for a completion on any of the queues: 1, 0 on timeout, -errno. */
int vdpa_wait(struct vdpa_dev *d, int timeout_ms);
