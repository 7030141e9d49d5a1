/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mvsim_vring: the device side of a virtio 1.x split virtqueue.
 *
 * Contract: the caller owns struct mvsim_vring and serialises all calls on one
 * ring (one datapath context per queue).  The ring areas are translated once
 * in mvsim_vring_setup(); descriptor buffers are translated on every pop and
 * the resulting segments stay valid only as long as the translate callback's
 * mappings do (e.g. until the IOTLB changes).  Everything read from the ring
 * is driver-controlled and validated here; the driver may rewrite the ring
 * concurrently, so each shared field is read exactly once.
 */
#ifndef MVSIM_VRING_H
#define MVSIM_VRING_H

#include <linux/types.h>
#include <linux/virtio_ring.h>

#define MVSIM_VRING_MAX_NUM 32768
#define MVSIM_VRING_MAX_SEGS 64

/*
 * Translate a driver address to a kernel pointer: returns NULL if unmapped
 * (or, with @write, not writable by the device), else sets *mapped to the
 * number of contiguous bytes available (<= len).
 */
typedef void *(*mvsim_vring_translate_t)(void *opaque, u64 addr, u32 len, bool write,
					 u32 *mapped);

struct mvsim_vring_seg {
	void *addr;
	u32 len;
};

struct mvsim_vring_chain {
	u16 head;		/* id to give back to mvsim_vring_push() */
	unsigned int nout, nin;	/* device-readable segs first, then device-writable */
	unsigned int ndesc;	/* data descriptors (not indirect tables) they came from */
	u32 out_len, in_len;	/* total bytes of each */
	struct mvsim_vring_seg seg[MVSIM_VRING_MAX_SEGS];
};

struct mvsim_vring {
	u32 num;			/* 0 until set up */
	bool event_idx;			/* VIRTIO_RING_F_EVENT_IDX negotiated */
	struct vring_desc *desc;
	struct vring_avail *avail;	/* ring[num] is used_event */
	struct vring_used *used;	/* ring[num] is avail_event */
	u16 last_avail_idx;		/* next avail entry to consume */
	u16 used_idx;			/* our copy of used->idx */
	u16 signalled_used;		/* used_idx when we last decided on a notify */
	bool signalled_used_valid;
	mvsim_vring_translate_t translate;
	void *opaque;
};

int mvsim_vring_setup(struct mvsim_vring *vr, u32 num, u64 desc_area, u64 driver_area,
		      u64 device_area, bool event_idx, mvsim_vring_translate_t translate,
		      void *opaque);
int mvsim_vring_remap(struct mvsim_vring *vr, u64 desc_area, u64 driver_area, u64 device_area);
void mvsim_vring_reset(struct mvsim_vring *vr);
int mvsim_vring_pop(struct mvsim_vring *vr, struct mvsim_vring_chain *chain);
void mvsim_vring_push(struct mvsim_vring *vr, u16 head, u32 written);
bool mvsim_vring_should_notify(struct mvsim_vring *vr);
u16 mvsim_vring_get_avail_state(const struct mvsim_vring *vr);
void mvsim_vring_set_avail_state(struct mvsim_vring *vr, u16 last_avail_idx);
size_t mvsim_vring_chain_read(const struct mvsim_vring_chain *c, size_t off, void *buf,
			      size_t len);
size_t mvsim_vring_chain_write(const struct mvsim_vring_chain *c, size_t off, const void *buf,
			       size_t len);

#endif /* MVSIM_VRING_H */
