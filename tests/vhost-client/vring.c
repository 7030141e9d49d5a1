/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Split virtqueue, driver side. The device runs on another CPU (in the
 * kernel), so what it reads is published with release stores and what it
 * wrote is read after an acquire load of used->idx.
 */
#include "vring.h"

#include <endian.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define PAGE 4096u

static size_t page_up(size_t n)
{
	return (n + PAGE - 1) & ~(size_t)(PAGE - 1);
}

static size_t desc_bytes(uint16_t num)
{
	return page_up(sizeof(struct vring_desc) * num);
}

static size_t avail_bytes(uint16_t num)
{
	return page_up(4 + 2u * num + 2);
}

size_t vq_bytes(uint16_t num)
{
	return desc_bytes(num) + avail_bytes(num) + page_up(4 + 8u * num + 2);
}

int vq_init(struct vring_q *vq, unsigned int index, uint16_t num, void *mem, uint64_t iova)
{
	uint8_t *p = mem;

	memset(vq, 0, sizeof(*vq));
	vq->index = index;
	vq->num = num;
	vq->desc = (struct vring_desc *)p;
	vq->avail = (struct vring_avail *)(p + desc_bytes(num));
	vq->used = (struct vring_used *)(p + desc_bytes(num) + avail_bytes(num));
	vq->desc_iova = iova;
	vq->avail_iova = iova + desc_bytes(num);
	vq->used_iova = iova + desc_bytes(num) + avail_bytes(num);
	vq->token = calloc(num, sizeof(*vq->token));
	vq->chain = calloc(num, sizeof(*vq->chain));
	vq->kick_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vq->call_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!vq->token || !vq->chain || vq->kick_fd < 0 || vq->call_fd < 0) {
		int r = (vq->kick_fd < 0 || vq->call_fd < 0) ? -errno : -ENOMEM;

		vq_free(vq);
		return r;
	}
	for (uint16_t i = 0; i < num; i++)
		vq->desc[i].next = htole16((uint16_t)(i + 1));
	vq->free_head = 0;
	vq->num_free = num;
	return 0;
}

void vq_close_fds(struct vring_q *vq)
{
	if (vq->kick_fd >= 0)
		close(vq->kick_fd);
	if (vq->call_fd >= 0)
		close(vq->call_fd);
	vq->kick_fd = vq->call_fd = -1;
}

void vq_free(struct vring_q *vq)
{
	vq_close_fds(vq);
	free(vq->token);
	free(vq->chain);
	vq->token = NULL;
	vq->chain = NULL;
}

int vq_add(struct vring_q *vq, const struct vbuf *bufs, unsigned int n, uint32_t token)
{
	uint16_t head = vq->free_head, i = head;

	if (n == 0 || n > vq->num_free)
		return -ENOSPC;
	for (unsigned int k = 0; k < n; k++) {
		struct vring_desc *d = &vq->desc[i];
		uint16_t flags = bufs[k].device_writes ? VRING_DESC_F_WRITE : 0;

		if (k + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		d->addr = htole64(bufs[k].iova);
		d->len = htole32(bufs[k].len);
		d->flags = htole16(flags);
		i = le16toh(d->next);
	}
	vq->free_head = i;
	vq->num_free -= n;
	vq->token[head] = token;
	vq->chain[head] = (uint16_t)n;

	vq->avail->ring[vq->avail_idx % vq->num] = htole16(head);
	vq->avail_idx++;
	/* The descriptors and the ring entry must be visible before the index. */
	__atomic_store_n(&vq->avail->idx, htole16(vq->avail_idx), __ATOMIC_RELEASE);
	return 0;
}

int vq_kick(struct vring_q *vq)
{
	uint64_t one = 1;

	/* The index store above must not pass the doorbell. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (write(vq->kick_fd, &one, sizeof(one)) != sizeof(one))
		return -errno;
	return 0;
}

int vq_get_used(struct vring_q *vq, uint32_t *ret_token, uint32_t *ret_len)
{
	uint16_t used_idx = le16toh(__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE));
	struct vring_used_elem *e;
	uint16_t head, tail;

	if (used_idx == vq->last_used)
		return 0;
	e = &vq->used->ring[vq->last_used % vq->num];
	head = (uint16_t)le32toh(e->id);
	if (head >= vq->num || vq->chain[head] == 0)
		return -EPROTO; /* the device completed something we never made available */
	*ret_token = vq->token[head];
	*ret_len = le32toh(e->len);
	vq->last_used++;

	/* Give the chain back to the free list. */
	tail = head;
	for (uint16_t k = 1; k < vq->chain[head]; k++)
		tail = le16toh(vq->desc[tail].next);
	vq->desc[tail].next = htole16(vq->free_head);
	vq->free_head = head;
	vq->num_free += vq->chain[head];
	vq->chain[head] = 0;
	return 1;
}

unsigned int vq_in_flight(const struct vring_q *vq)
{
	return (uint16_t)(vq->avail_idx - vq->last_used);
}

int vq_wait(struct vring_q *const *vqs, unsigned int n, int timeout_ms)
{
	struct pollfd pfd[8];
	uint64_t v;
	int r;

	if (n > 8)
		return -EINVAL;
	for (unsigned int i = 0; i < n; i++)
		pfd[i] = (struct pollfd){.fd = vqs[i]->call_fd, .events = POLLIN};
	r = poll(pfd, n, timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	for (unsigned int i = 0; i < n; i++)
		if (pfd[i].revents & POLLIN)
			(void)!read(pfd[i].fd, &v, sizeof(v));
	return r > 0;
}
