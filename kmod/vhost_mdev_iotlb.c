// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_mdev_iotlb.c: the IOTLB of a vhost-mdev node.
 *
 * The userspace driver write()s struct vhost_msg_v2 messages to the node:
 * UPDATE maps [iova, iova + size) onto its memory at uaddr, INVALIDATE
 * unmaps every mapping that overlaps a range, BATCH_BEGIN/END group them.
 * Mapped pages are pinned (FOLL_LONGTERM) and accounted to the owner's
 * pinned_vm against RLIMIT_MEMLOCK; each IOTLB entry covers physically
 * contiguous pages, so the device can use it as one range.
 *
 * The device learns the map through ops->set_map() after each message, or
 * once at BATCH_END; or, for a parent with incremental ops or on the
 * platform IOMMU, each entry as it is added and as it goes
 * (vhost_mdev_dev_map/unmap in vhost_mdev_iommu.c).
 * Invalidated entries move to v->retired and stay pinned until the device
 * no longer has them: until then it may still be using them.
 *
 * Called with vhost_mdev.lock held.
 */
#include <linux/capability.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>

#include "vhost_mdev.h"

/*
 * Entries of one IOTLB: one per physically contiguous run, so at worst one per
 * pinned page; this is 4 GiB of scattered 4 KiB pages.
 */
#define VHOST_MDEV_IOTLB_ENTRIES (1U << 20)

/* Pages pinned per pin_user_pages() call: one page of struct page pointers. */
#define VHOST_MDEV_PIN_BATCH (PAGE_SIZE / sizeof(struct page *))

static void vhost_mdev_unpin(struct vhost_mdev *v, unsigned long pfn, unsigned long n, bool dirty)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = pfn_to_page(pfn + i);

		unpin_user_pages_dirty_lock(&page, 1, dirty);
	}
	v->pinned -= n;
	atomic64_sub(n, &v->mm->pinned_vm);
}

/* Unpin the pages of @m and free it. */
static void vhost_mdev_map_free(struct vhost_mdev *v, struct vhost_iotlb *iotlb,
				struct vhost_iotlb_map *m)
{
	unsigned long first = PHYS_PFN(m->addr), last = PHYS_PFN(m->addr + m->size - 1);

	vhost_mdev_unpin(v, first, last - first + 1, m->perm & VHOST_MAP_WO);
	vhost_iotlb_map_free(iotlb, m);
}

static void vhost_mdev_free_range(struct vhost_mdev *v, struct vhost_iotlb *iotlb, u64 start,
				  u64 last)
{
	struct vhost_iotlb_map *m;

	while ((m = vhost_iotlb_itree_first(iotlb, start, last)))
		vhost_mdev_map_free(v, iotlb, m);
}

static bool vhost_mdev_incremental(struct vhost_mdev *v)
{
	return v->xlate != VHOST_MDEV_XLATE_MAP;
}

/* Incremental parents: take every entry of @iotlb out of the device. */
static void vhost_mdev_unmap_all(struct vhost_mdev *v, struct vhost_iotlb *iotlb)
{
	struct vhost_iotlb_map *m;

	for (m = vhost_iotlb_itree_first(iotlb, 0, U64_MAX); m;
	     m = vhost_iotlb_itree_next(m, 0, U64_MAX))
		vhost_mdev_dev_unmap(v, m);
}

/* Incremental parents: map the entries of [start, last], or none of them. */
static int vhost_mdev_map_range(struct vhost_mdev *v, u64 start, u64 last)
{
	struct vhost_iotlb_map *m, *done;
	int ret = 0;

	for (m = vhost_iotlb_itree_first(v->iotlb, start, last); m;
	     m = vhost_iotlb_itree_next(m, start, last)) {
		ret = vhost_mdev_dev_map(v, m);
		if (ret)
			break;
	}
	if (!ret)
		return 0;
	for (done = vhost_iotlb_itree_first(v->iotlb, start, last); done != m;
	     done = vhost_iotlb_itree_next(done, start, last))
		vhost_mdev_dev_unmap(v, done);
	return ret;
}

/* Give the device the current map; then what it no longer has may go. */
static int vhost_mdev_publish(struct vhost_mdev *v)
{
	int ret;

	if (vhost_mdev_incremental(v)) {
		/* Updates were mapped as they came; invalidations go now. */
		vhost_mdev_unmap_all(v, v->retired);
		vhost_mdev_free_range(v, v->retired, 0, U64_MAX);
		return 0;
	}
	if (v->in_batch)
		return 0;
	ret = v->mdev->ops->set_map(v->mdev, v->iotlb);
	if (ret)
		return ret;
	vhost_mdev_free_range(v, v->retired, 0, U64_MAX);
	return 0;
}

/*
 * Add the entries for pages[0..n) (the n pages starting at user page
 * @page_index of the request) to the IOTLB, one per physically contiguous
 * run.  On failure the pages not yet in an entry are unpinned.
 */
static int vhost_mdev_add_runs(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg,
			       struct page **pages, unsigned long n, unsigned long page_index,
			       unsigned long npages)
{
	const u64 head = offset_in_page(msg->uaddr);
	unsigned long i = 0;

	while (i < n) {
		unsigned long j = i + 1, pfn = page_to_pfn(pages[i]);
		u64 first_byte, last_byte;
		int ret;

		while (j < n && page_to_pfn(pages[j]) == pfn + (j - i))
			j++;
		/* Byte offsets into the request of the run's first and last byte. */
		first_byte = page_index + i == 0 ? 0 : (u64)(page_index + i) * PAGE_SIZE - head;
		last_byte = page_index + j == npages ? msg->size - 1 :
						       (u64)(page_index + j) * PAGE_SIZE - head - 1;
		ret = vhost_iotlb_add_range(v->iotlb, msg->iova + first_byte, msg->iova + last_byte,
					    PFN_PHYS(pfn) + (page_index + i == 0 ? head : 0),
					    msg->perm);
		if (ret) {
			unsigned long left = n - i;

			for (; i < n; i++)
				unpin_user_pages_dirty_lock(&pages[i], 1, false);
			v->pinned -= left;
			atomic64_sub(left, &v->mm->pinned_vm);
			return ret;
		}
		i = j;
	}
	return 0;
}

static int vhost_mdev_pin_and_add(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg,
				  unsigned long npages)
{
	unsigned int gup_flags = FOLL_LONGTERM | (msg->perm & VHOST_ACCESS_WO ? FOLL_WRITE : 0);
	unsigned long start = msg->uaddr & PAGE_MASK, done = 0;
	struct page **pages;
	int ret = 0;

	pages = (struct page **)__get_free_page(GFP_KERNEL);
	if (!pages)
		return -ENOMEM;
	mmap_read_lock(v->mm);
	while (done < npages) {
		long n = min_t(unsigned long, npages - done, VHOST_MDEV_PIN_BATCH);

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		n = pin_user_pages(start + done * PAGE_SIZE, n, gup_flags, pages, NULL);
		if (n <= 0) {
			ret = n ? n : -EFAULT;
			break;
		}
		v->pinned += n;
		atomic64_add(n, &v->mm->pinned_vm);
		ret = vhost_mdev_add_runs(v, msg, pages, n, done, npages);
		if (ret)
			break;
		done += n;
	}
	mmap_read_unlock(v->mm);
	free_page((unsigned long)pages);
	return ret;
}

static int vhost_mdev_update(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg)
{
	unsigned long npages, lock_limit;
	u64 last, ulast;
	int ret;

	if (!msg->size || check_add_overflow(msg->iova, msg->size - 1, &last) ||
	    check_add_overflow(msg->uaddr, msg->size - 1, &ulast))
		return -EINVAL;
	if (!msg->perm || (msg->perm & ~VHOST_ACCESS_RW))
		return -EINVAL;
	if (!access_ok((void __user *)(uintptr_t)msg->uaddr, msg->size))
		return -EFAULT;
	if (!v->mm)
		return -EPERM;
	if (current->mm != v->mm)
		return -EPERM;
	if (vhost_iotlb_itree_first(v->iotlb, msg->iova, last))
		return -EEXIST;
	ret = vhost_mdev_iommu_check(v, msg);
	if (ret)
		return ret;

	npages = PHYS_PFN(ulast) - PHYS_PFN(msg->uaddr) + 1;
	lock_limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	if (npages + atomic64_read(&v->mm->pinned_vm) > lock_limit && !capable(CAP_IPC_LOCK))
		return -ENOMEM;

	ret = vhost_mdev_pin_and_add(v, msg, npages);
	if (!ret)
		ret = vhost_mdev_incremental(v) ? vhost_mdev_map_range(v, msg->iova, last) :
						 vhost_mdev_publish(v);
	if (ret)
		vhost_mdev_free_range(v, v->iotlb, msg->iova, last);
	return ret;
}

static int vhost_mdev_invalidate(struct vhost_mdev *v, const struct vhost_iotlb_msg *msg)
{
	struct vhost_iotlb_map *m;
	u64 last;

	if (!msg->size)
		return -EINVAL;
	/* iova + size past 2^64 means "to the end" (DPDK invalidates everything so). */
	if (check_add_overflow(msg->iova, msg->size - 1, &last))
		last = U64_MAX;
	while ((m = vhost_iotlb_itree_first(v->iotlb, msg->iova, last))) {
		int ret = vhost_iotlb_add_range(v->retired, m->start, m->last, m->addr, m->perm);

		if (ret)
			return ret;
		vhost_iotlb_map_free(v->iotlb, m);
	}
	return vhost_mdev_publish(v);
}

/**
 * vhost_mdev_iotlb_write() - one IOTLB message
 * @v: the node, locked and bound
 * @buf: the message, a struct vhost_msg_v2
 * @len: its length
 *
 * Return: the length of the message consumed, or -errno.
 */
ssize_t vhost_mdev_iotlb_write(struct vhost_mdev *v, const void __user *buf, size_t len)
{
	struct vhost_msg_v2 msg;
	int ret;

	if (len < sizeof(msg))
		return -EINVAL;
	if (copy_from_user(&msg, buf, sizeof(msg)))
		return -EFAULT;
	if (msg.type != VHOST_IOTLB_MSG_V2 || msg.asid != 0)
		return -EINVAL;

	switch (msg.iotlb.type) {
	case VHOST_IOTLB_UPDATE:
		ret = vhost_mdev_update(v, &msg.iotlb);
		break;
	case VHOST_IOTLB_INVALIDATE:
		ret = vhost_mdev_invalidate(v, &msg.iotlb);
		break;
	case VHOST_IOTLB_BATCH_BEGIN:
		v->in_batch = true;
		ret = 0;
		break;
	case VHOST_IOTLB_BATCH_END:
		v->in_batch = false;
		ret = vhost_mdev_publish(v);
		break;
	default:
		ret = -EINVAL;
	}
	return ret ? ret : sizeof(msg);
}

/**
 * vhost_mdev_iotlb_open() - an empty IOTLB for a new opener
 * @v: the node, locked
 *
 * Return: 0 or -ENOMEM.
 */
int vhost_mdev_iotlb_open(struct vhost_mdev *v)
{
	v->iotlb = vhost_iotlb_alloc(VHOST_MDEV_IOTLB_ENTRIES, 0);
	v->retired = vhost_iotlb_alloc(VHOST_MDEV_IOTLB_ENTRIES, 0);
	if (!v->iotlb || !v->retired) {
		vhost_iotlb_free(v->iotlb);
		vhost_iotlb_free(v->retired);
		v->iotlb = v->retired = NULL;
		return -ENOMEM;
	}
	v->in_batch = false;
	return 0;
}

/**
 * vhost_mdev_iotlb_release() - forget every mapping and unpin everything
 * @v: the node, locked and bound; its device reset
 *
 * The device is given an empty map first, so nothing is unpinned under it.
 */
void vhost_mdev_iotlb_release(struct vhost_mdev *v)
{
	if (!v->iotlb)
		return;
	v->in_batch = false;
	if (vhost_mdev_incremental(v)) {
		vhost_mdev_unmap_all(v, v->iotlb);
		vhost_mdev_unmap_all(v, v->retired);
	} else if (WARN_ON(v->mdev->ops->set_map(v->mdev, &v->empty))) {
		return; /* pages stay pinned rather than under a live device */
	}
	vhost_mdev_free_range(v, v->retired, 0, U64_MAX);
	vhost_mdev_free_range(v, v->iotlb, 0, U64_MAX);
	vhost_iotlb_free(v->iotlb);
	vhost_iotlb_free(v->retired);
	v->iotlb = v->retired = NULL;
}
