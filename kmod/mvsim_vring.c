// SPDX-License-Identifier: GPL-2.0-only
/*
 * mvsim_vring: the device side of a virtio 1.x split virtqueue
 * (virtio 1.x spec, "Split Virtqueues"), written for mvsim because
 * Debian's 6.1 kernel has no vringh.
 *
 * Everything in the ring is written by the driver, possibly while we read it,
 * so every shared field is fetched exactly once (READ_ONCE, or a descriptor
 * copied to the stack behind a compiler barrier) and validated before use.
 * A malformed chain is refused without consuming it: the caller is expected
 * to treat the queue as broken (e.g. set DEVICE_NEEDS_RESET).
 *
 * This file is also compiled in userspace by tests/unit/test-vring.c against
 * tests/unit/kshim/, so it only uses the small set of kernel headers the shim
 * provides.
 */
#include <linux/types.h>
#include <linux/errno.h>
#include <linux/string.h>
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <asm/byteorder.h>
#include <asm/barrier.h>

#include "mvsim_vring.h"

/* A virtio 1.x ring is little-endian whatever the CPU is. */
static inline u16 vr16_to_cpu(__virtio16 v)
{
	return le16_to_cpu((__force __le16)v);
}

static inline __virtio16 cpu_to_vr16(u16 v)
{
	return (__force __virtio16)cpu_to_le16(v);
}

static inline __virtio32 cpu_to_vr32(u32 v)
{
	return (__force __virtio32)cpu_to_le32(v);
}

/* A descriptor after it was fetched once and converted to CPU order. */
struct vring_desc_cpu {
	u64 addr;
	u32 len;
	u16 flags;
	u16 next;
};

/* State of one mvsim_vring_pop() walk, shared by direct and indirect tables. */
struct vring_walk {
	const struct mvsim_vring *vr;
	struct mvsim_vring_chain *chain;
	bool writable;	/* a device-writable descriptor was seen */
};

/* Map one whole ring area, which must be contiguous and suitably aligned. */
static void *vring_map_area(u64 addr, size_t size, size_t align, bool write,
			    mvsim_vring_translate_t translate, void *opaque)
{
	u32 mapped = 0;
	u64 end;
	void *p;

	if (!IS_ALIGNED(addr, align) || check_add_overflow(addr, (u64)size, &end))
		return NULL;
	p = translate(opaque, addr, size, write, &mapped);
	if (!p || mapped != size || !IS_ALIGNED((unsigned long)p, align))
		return NULL;
	return p;
}

/**
 * mvsim_vring_setup() - attach to a split virtqueue laid out by the driver
 * @vr: ring to initialise; left untouched on failure
 * @num: queue size, a power of two no larger than %MVSIM_VRING_MAX_NUM
 * @desc_area: driver address of the descriptor table (16-byte aligned)
 * @driver_area: driver address of the available ring (2-byte aligned)
 * @device_area: driver address of the used ring (4-byte aligned)
 * @event_idx: whether VIRTIO_RING_F_EVENT_IDX was negotiated
 * @translate: maps driver addresses to kernel pointers
 * @opaque: passed to @translate
 *
 * The three areas are translated once here, at their full virtio 1.x sizes
 * (including used_event/avail_event), so the datapath never has to translate
 * or bounds-check them again. The ring starts at index 0; to resume a queue
 * (vhost SET_VRING_BASE) call mvsim_vring_set_avail_state() afterwards.
 *
 * Return: 0, -EINVAL for a bad @num or missing @translate, -EFAULT when an
 * area is misaligned, unmapped or not contiguous.
 */
int mvsim_vring_setup(struct mvsim_vring *vr, u32 num, u64 desc_area, u64 driver_area,
		      u64 device_area, bool event_idx, mvsim_vring_translate_t translate,
		      void *opaque)
{
	struct mvsim_vring new = {
		.num = num,
		.event_idx = event_idx,
		.translate = translate,
		.opaque = opaque,
	};

	if (!translate || !num || num > MVSIM_VRING_MAX_NUM || !is_power_of_2(num))
		return -EINVAL;

	new.desc = vring_map_area(desc_area, sizeof(struct vring_desc) * num,
				  VRING_DESC_ALIGN_SIZE, false, translate, opaque);
	new.avail = vring_map_area(driver_area, sizeof(__virtio16) * (3 + num),
				   VRING_AVAIL_ALIGN_SIZE, false, translate,
				   opaque);
	new.used = vring_map_area(device_area, sizeof(__virtio16) * 3 +
				  sizeof(struct vring_used_elem) * num,
				  VRING_USED_ALIGN_SIZE, true, translate, opaque);
	if (!new.desc || !new.avail || !new.used)
		return -EFAULT;

	*vr = new;
	return 0;
}

/**
 * mvsim_vring_remap() - translate a ring's areas again, keeping its state
 * @vr: ring, set up
 * @desc_area: as given to mvsim_vring_setup()
 * @driver_area: likewise
 * @device_area: likewise
 *
 * For a translation that changed (a vhost IOTLB update): the areas are
 * looked up again with the ring's own callback; indices and the
 * notification state are kept.
 *
 * Return: 0, or as mvsim_vring_setup(), in which case @vr is detached (as
 * after mvsim_vring_reset()), since its old pointers may be gone.
 */
int mvsim_vring_remap(struct mvsim_vring *vr, u64 desc_area, u64 driver_area, u64 device_area)
{
	struct mvsim_vring old = *vr;
	int ret;

	ret = mvsim_vring_setup(vr, old.num, desc_area, driver_area, device_area, old.event_idx,
				old.translate, old.opaque);
	if (ret) {
		mvsim_vring_reset(vr);
		return ret;
	}
	vr->last_avail_idx = old.last_avail_idx;
	vr->used_idx = old.used_idx;
	vr->signalled_used = old.signalled_used;
	vr->signalled_used_valid = old.signalled_used_valid;
	return 0;
}

/**
 * mvsim_vring_reset() - detach from the ring
 * @vr: ring to reset
 *
 * Afterwards pop finds nothing, push is ignored and no notification is due,
 * until the next mvsim_vring_setup().
 */
void mvsim_vring_reset(struct mvsim_vring *vr)
{
	memset(vr, 0, sizeof(*vr));
}

/* Append [addr, addr + len) to the chain, split at mapping boundaries. */
static int vring_add_buf(struct vring_walk *w, const struct vring_desc_cpu *d)
{
	struct mvsim_vring_chain *c = w->chain;
	bool write = d->flags & VRING_DESC_F_WRITE;
	u32 *total = write ? &c->in_len : &c->out_len;
	u64 addr = d->addr, end;
	u32 left = d->len;

	/* The device-readable part must come first (spec: "Message Framing"). */
	if (!write && w->writable)
		return -EINVAL;
	w->writable |= write;
	c->ndesc++;
	/* A chain is at most 4 GiB in total: that keeps the u32 totals exact. */
	if (check_add_overflow(*total, left, total))
		return -EINVAL;
	if (check_add_overflow(addr, (u64)left, &end))
		return -EFAULT;

	while (left) {
		unsigned int n = c->nout + c->nin;
		u32 mapped = 0;
		void *p;

		if (n >= MVSIM_VRING_MAX_SEGS)
			return -EINVAL;
		p = w->vr->translate(w->vr->opaque, addr, left, write, &mapped);
		if (!p || !mapped || mapped > left)
			return -EFAULT;
		c->seg[n].addr = p;
		c->seg[n].len = mapped;
		if (write)
			c->nin++;
		else
			c->nout++;
		addr += mapped;
		left -= mapped;
	}
	return 0;
}

/* Fetch descriptor @i of @table once; the driver may be rewriting it. */
static void vring_read_desc(const struct vring_desc *table, u16 i, struct vring_desc_cpu *d)
{
	struct vring_desc raw;

	/* memcpy: an indirect table has no alignment guarantee. */
	memcpy(&raw, &table[i], sizeof(raw));
	/* Make the compiler use the copy instead of re-reading the table. */
	barrier();
	d->addr = le64_to_cpu((__force __le64)raw.addr);
	d->len = le32_to_cpu((__force __le32)raw.len);
	d->flags = vr16_to_cpu(raw.flags);
	d->next = vr16_to_cpu(raw.next);
}

static int vring_walk_table(struct vring_walk *w, const struct vring_desc *table, u32 size,
			    u16 i, bool indirect);

/* Descend into the indirect table @d points at; it ends the chain. */
static int vring_walk_indirect(struct vring_walk *w, const struct vring_desc_cpu *d)
{
	const struct vring_desc *table;
	u32 mapped = 0, size;

	/* Spec: INDIRECT and NEXT are exclusive. The WRITE flag is ignored. */
	if (d->flags & VRING_DESC_F_NEXT)
		return -EINVAL;
	if (!d->len || d->len % sizeof(struct vring_desc))
		return -EINVAL;
	size = d->len / sizeof(struct vring_desc);
	/* Bound the walk even for a table of zero-length descriptors. */
	if (size > MVSIM_VRING_MAX_NUM)
		return -EINVAL;
	/*
	 * Unlike data buffers, the table is read in place, so it must be
	 * contiguous in our address space (a kmalloc'd or guest-RAM table is).
	 */
	table = w->vr->translate(w->vr->opaque, d->addr, d->len, false, &mapped);
	if (!table || mapped != d->len)
		return -EFAULT;
	return vring_walk_table(w, table, size, 0, true);
}

/*
 * Follow a chain from descriptor @i of @table (@size entries). Visiting more
 * than @size descriptors means a loop or an over-long chain, so counting
 * visits is enough to terminate on any driver input.
 */
static int vring_walk_table(struct vring_walk *w, const struct vring_desc *table, u32 size,
			    u16 i, bool indirect)
{
	struct vring_desc_cpu d;
	u32 visited = 0;
	int err;

	for (;;) {
		if (i >= size || ++visited > size)
			return -EINVAL;
		vring_read_desc(table, i, &d);
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* Spec: only one level of indirection. */
			if (indirect)
				return -EINVAL;
			return vring_walk_indirect(w, &d);
		}
		err = vring_add_buf(w, &d);
		if (err)
			return err;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		i = d.next;
	}
}

/* Entries the driver made available and we have not consumed yet, or -EINVAL. */
static int vring_pending(const struct mvsim_vring *vr)
{
	u16 n = vr16_to_cpu(READ_ONCE(vr->avail->idx)) - vr->last_avail_idx;

	/* A driver can never be more than a full ring ahead of us. */
	return n > vr->num ? -EINVAL : n;
}

/**
 * mvsim_vring_pop() - take the next available descriptor chain
 * @vr: ring
 * @chain: filled with the chain's segments on success (contents undefined
 *         otherwise)
 *
 * With VIRTIO_RING_F_EVENT_IDX, finding the ring empty also publishes
 * avail_event so the driver kicks for its next buffer; a caller that stops
 * popping before the ring is empty must therefore reschedule itself rather
 * than wait for a kick.
 *
 * Return: 1 with a chain (to be returned by mvsim_vring_push()), 0 if the
 * ring is empty or not set up, -EINVAL for a malformed ring or chain,
 * -EFAULT for an address the translate callback refused. On error the
 * chain is not consumed.
 */
int mvsim_vring_pop(struct mvsim_vring *vr, struct mvsim_vring_chain *chain)
{
	struct vring_walk w = { .vr = vr, .chain = chain };
	__virtio16 *avail_event;
	int pending, err;
	u16 head;

	if (!vr->num)
		return 0;
	pending = vring_pending(vr);
	if (!pending && vr->event_idx) {
		/*
		 * Ask for a kick at the next entry, then look again: the
		 * driver may have added one before it could see our request.
		 */
		avail_event = (__virtio16 *)&vr->used->ring[vr->num];
		WRITE_ONCE(*avail_event, cpu_to_vr16(vr->last_avail_idx));
		virt_mb();
		pending = vring_pending(vr);
	}
	if (pending <= 0)
		return pending;

	/* Read the ring entry (and descriptors) only after seeing avail->idx. */
	virt_rmb();
	head = vr16_to_cpu(READ_ONCE(vr->avail->ring[vr->last_avail_idx & (vr->num - 1)]));
	/* The walk refuses a head >= num like any other out-of-table index. */
	chain->head = head;
	chain->nout = 0;
	chain->nin = 0;
	chain->ndesc = 0;
	chain->out_len = 0;
	chain->in_len = 0;
	err = vring_walk_table(&w, vr->desc, vr->num, head, false);
	if (err)
		return err;
	vr->last_avail_idx++;
	return 1;
}

/**
 * mvsim_vring_push() - return a chain to the driver through the used ring
 * @vr: ring
 * @head: &mvsim_vring_chain.head of a chain popped from @vr
 * @written: bytes the device wrote into the chain's writable part
 *
 * The used entry and all data written into the buffers are visible to the
 * driver before the new used->idx is. Call mvsim_vring_should_notify()
 * afterwards (after a batch of pushes) to decide on an interrupt.
 */
void mvsim_vring_push(struct mvsim_vring *vr, u16 head, u32 written)
{
	struct vring_used_elem *e;

	if (!vr->num)
		return;
	e = &vr->used->ring[vr->used_idx & (vr->num - 1)];
	WRITE_ONCE(e->id, cpu_to_vr32(head));
	WRITE_ONCE(e->len, cpu_to_vr32(written));
	virt_wmb();
	vr->used_idx++;
	WRITE_ONCE(vr->used->idx, cpu_to_vr16(vr->used_idx));
}

/**
 * mvsim_vring_should_notify() - does the driver want an interrupt now?
 * @vr: ring
 *
 * Without event_idx, honours VRING_AVAIL_F_NO_INTERRUPT. With event_idx,
 * the flag is ignored (as the spec requires) and the answer is whether
 * used->idx moved past used_event since the last call; the first call after
 * setup or set_avail_state always says yes.
 *
 * Return: true if the driver should be notified.
 */
bool mvsim_vring_should_notify(struct mvsim_vring *vr)
{
	u16 old, event;
	bool valid;

	if (!vr->num)
		return false;
	/* Our used->idx store must be ordered before reading what the driver wants. */
	virt_mb();
	if (!vr->event_idx)
		return !(vr16_to_cpu(READ_ONCE(vr->avail->flags)) & VRING_AVAIL_F_NO_INTERRUPT);

	old = vr->signalled_used;
	valid = vr->signalled_used_valid;
	vr->signalled_used = vr->used_idx;
	vr->signalled_used_valid = true;
	if (!valid)
		return true;
	event = vr16_to_cpu(READ_ONCE(vr->avail->ring[vr->num]));
	return vring_need_event(event, vr->used_idx, old);
}

/**
 * mvsim_vring_get_avail_state() - index of the next avail entry to consume
 * @vr: ring
 *
 * Return: last_avail_idx, as reported by get_vq_state/GET_VRING_BASE.
 */
u16 mvsim_vring_get_avail_state(const struct mvsim_vring *vr)
{
	return vr->last_avail_idx;
}

/**
 * mvsim_vring_set_avail_state() - resume a ring at a given avail index
 * @vr: ring, already set up
 * @last_avail_idx: next avail entry to consume
 *
 * Like set_vq_state/SET_VRING_BASE: everything before @last_avail_idx is
 * taken as completed, so the used index restarts at the same value.
 */
void mvsim_vring_set_avail_state(struct mvsim_vring *vr, u16 last_avail_idx)
{
	vr->last_avail_idx = last_avail_idx;
	vr->used_idx = last_avail_idx;
	vr->signalled_used_valid = false;
}

/*
 * Copy @len bytes between @seg[0..@nseg), starting @off bytes in, and a flat
 * buffer: into the segs from @src, or out of them into @dst.
 */
static size_t vring_chain_copy(const struct mvsim_vring_seg *seg, unsigned int nseg,
			       size_t off, void *dst, const void *src, size_t len)
{
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < nseg && done < len; i++) {
		size_t n;

		if (off >= seg[i].len) {
			off -= seg[i].len;
			continue;
		}
		n = min_t(size_t, seg[i].len - off, len - done);
		if (src)
			memcpy((u8 *)seg[i].addr + off, (const u8 *)src + done, n);
		else
			memcpy((u8 *)dst + done, (const u8 *)seg[i].addr + off, n);
		done += n;
		off = 0;
	}
	return done;
}

/**
 * mvsim_vring_chain_read() - copy from the chain's device-readable part
 * @c: popped chain
 * @off: offset into the readable part
 * @buf: destination
 * @len: bytes wanted
 *
 * Return: bytes copied, less than @len if the readable part ends first.
 */
size_t mvsim_vring_chain_read(const struct mvsim_vring_chain *c, size_t off, void *buf,
			      size_t len)
{
	return vring_chain_copy(c->seg, c->nout, off, buf, NULL, len);
}

/**
 * mvsim_vring_chain_write() - copy into the chain's device-writable part
 * @c: popped chain
 * @off: offset into the writable part
 * @buf: source
 * @len: bytes to write
 *
 * Return: bytes copied, less than @len if the writable part ends first.
 */
size_t mvsim_vring_chain_write(const struct mvsim_vring_chain *c, size_t off, const void *buf,
			       size_t len)
{
	return vring_chain_copy(c->seg + c->nout, c->nin, off, NULL, buf, len);
}
