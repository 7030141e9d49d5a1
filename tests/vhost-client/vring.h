/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The driver side of one split virtqueue (virtio 1.x, little endian), laid
 * out in memory the client owns and the device reaches through the IOTLB.
 *
 * Ownership: the rings and buffers live in the caller's DMA region (see
 * vdpa-dev.h); a vring only keeps pointers into it and the two eventfds,
 * which vq_close_fds() closes. A buffer is identified to the caller by a
 * 32-bit token given at vq_add() and handed back by vq_get_used().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/virtio_ring.h>

/* One piece of a descriptor chain: an IOVA the device sees, its length, and
 * whether the device writes it (device-writable, VRING_DESC_F_WRITE). */
struct vbuf {
	uint64_t iova;
	uint32_t len;
	bool device_writes;
};

struct vring_q {
	unsigned int index;
	uint16_t num;
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
	uint64_t desc_iova, avail_iova, used_iova;

	uint16_t free_head; /* free descriptors are chained through desc.next */
	uint16_t num_free;
	uint16_t avail_idx; /* next avail->idx to publish */
	uint16_t last_used; /* next used->ring entry to read */
	uint32_t *token; /* per head descriptor */
	uint16_t *chain; /* per head descriptor: chain length */

	int kick_fd;
	int call_fd;
};

/* Bytes needed for the rings of a queue of size num (each part page aligned). */
size_t vq_bytes(uint16_t num);

/* Lays the rings out at mem (page aligned, zeroed, vq_bytes(num) long)
 * whose IOVA is iova; creates the kick and call eventfds. */
int vq_init(struct vring_q *vq, unsigned int index, uint16_t num, void *mem, uint64_t iova);
void vq_close_fds(struct vring_q *vq);
void vq_free(struct vring_q *vq);

/* Makes a chain of n buffers available (not yet kicked); -ENOSPC if the ring
 * lacks n free descriptors. */
int vq_add(struct vring_q *vq, const struct vbuf *bufs, unsigned int n, uint32_t token);
/* Tells the device through the kick eventfd. */
int vq_kick(struct vring_q *vq);
/* 1 and the token and used length of the next completed chain, 0 if none. */
int vq_get_used(struct vring_q *vq, uint32_t *ret_token, uint32_t *ret_len);
/* Chains made available and not completed yet. */
unsigned int vq_in_flight(const struct vring_q *vq);

/* Waits until one of the queues' call eventfds fires (and drains it), or
 * timeout_ms passes. 1 if one fired, 0 on timeout, negative errno. */
int vq_wait(struct vring_q *const *vqs, unsigned int n, int timeout_ms);
