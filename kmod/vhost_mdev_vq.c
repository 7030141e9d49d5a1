// SPDX-License-Identifier: GPL-2.0-only
/*
 * vhost_mdev_vq.c: the virtqueue ioctls of a vhost-mdev node (VHOST_SET_VRING_*,
 * VHOST_GET_VRING_BASE, VHOST_VDPA_SET_VRING_ENABLE), forwarded to the
 * device as they come, and the eventfds: a write to a vq's kick eventfd kicks
 * the vq; the device's vq interrupt signals its call eventfd.
 *
 * Called with vhost_mdev.lock held and the device bound.
 */
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vhost.h>

#include "vhost_mdev.h"

/* The eventfd was written: kick the vq.  Atomic context (the eventfd's wakeup). */
static int vhost_mdev_kick_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
				  void *key)
{
	struct vhost_mdev_vq *vq = container_of(wait, struct vhost_mdev_vq, kick_wait);
	struct mdev_virtio_device *mdev = vq->v->mdev;

	if (key_to_poll(key) & EPOLLIN)
		mdev->ops->kick_vq(mdev, vq->index);
	return 0;
}

static void vhost_mdev_kick_queue_proc(struct file *file, wait_queue_head_t *wqh,
				       poll_table *pt)
{
	struct vhost_mdev_vq *vq = container_of(pt, struct vhost_mdev_vq, kick_pt);

	vq->kick_wqh = wqh;
	add_wait_queue(wqh, &vq->kick_wait);
}

static void vhost_mdev_kick_detach(struct vhost_mdev_vq *vq)
{
	if (vq->kick_wqh)
		remove_wait_queue(vq->kick_wqh, &vq->kick_wait);
	vq->kick_wqh = NULL;
	if (vq->kick)
		fput(vq->kick);
	vq->kick = NULL;
}

static int vhost_mdev_set_kick(struct vhost_mdev_vq *vq, int fd)
{
	struct file *file = NULL;
	__poll_t mask;

	if (fd != VHOST_FILE_UNBIND) {
		file = eventfd_fget(fd);
		if (IS_ERR(file))
			return PTR_ERR(file);
	}
	vhost_mdev_kick_detach(vq);
	if (!file)
		return 0;

	vq->kick = file;
	init_waitqueue_func_entry(&vq->kick_wait, vhost_mdev_kick_wakeup);
	init_poll_funcptr(&vq->kick_pt, vhost_mdev_kick_queue_proc);
	mask = vfs_poll(file, &vq->kick_pt);
	/* A kick written before we listened is not lost. */
	if (mask & EPOLLIN)
		vq->v->mdev->ops->kick_vq(vq->v->mdev, vq->index);
	return 0;
}

/* The device raised the vq's interrupt: like a hardware interrupt handler. */
static irqreturn_t vhost_mdev_vq_interrupt(void *private)
{
	struct vhost_mdev_vq *vq = private;
	unsigned long flags;

	spin_lock_irqsave(&vq->lock, flags);
	if (vq->call)
		eventfd_signal(vq->call, 1);
	spin_unlock_irqrestore(&vq->lock, flags);
	return IRQ_HANDLED;
}

static void vhost_mdev_swap_call(struct vhost_mdev_vq *vq, struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old;
	unsigned long flags;

	spin_lock_irqsave(&vq->lock, flags);
	old = vq->call;
	vq->call = ctx;
	spin_unlock_irqrestore(&vq->lock, flags);
	if (old)
		eventfd_ctx_put(old);
}

/*
 * (Re)install the vq's interrupt: a device forgets its callbacks when it is
 * reset, and the call eventfd may be set before or after that.
 */
static void vhost_mdev_vq_install_cb(struct vhost_mdev_vq *vq)
{
	const struct mdev_virtio_callback cb = {
		.callback = vhost_mdev_vq_interrupt,
		.private = vq,
	};

	vq->v->mdev->ops->set_vq_cb(vq->v->mdev, vq->index, &cb);
}

static int vhost_mdev_set_call(struct vhost_mdev_vq *vq, int fd)
{
	struct eventfd_ctx *ctx = NULL;

	if (fd != VHOST_FILE_UNBIND) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	vhost_mdev_swap_call(vq, ctx);
	vhost_mdev_vq_install_cb(vq);
	return 0;
}

/* Ring sizes: a power of two, at most what the device supports. */
static int vhost_mdev_set_num(struct vhost_mdev *v, u16 idx, u32 num)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;

	if (!num || num > ops->get_vq_num_max(v->mdev) || (num & (num - 1)) ||
	    (ops->get_vq_num_min && num < ops->get_vq_num_min(v->mdev)))
		return -EINVAL;
	if (ops->get_vq_ready(v->mdev, idx))
		return -EBUSY;
	ops->set_vq_num(v->mdev, idx, num);
	return 0;
}

static int vhost_mdev_set_addr(struct vhost_mdev *v, const struct vhost_vring_addr *a)
{
	/* The virtio 1.x split ring alignments. */
	if ((a->desc_user_addr & 15) || (a->avail_user_addr & 1) || (a->used_user_addr & 3))
		return -EINVAL;
	if (v->mdev->ops->get_vq_ready(v->mdev, a->index))
		return -EBUSY;
	return v->mdev->ops->set_vq_address(v->mdev, a->index, a->desc_user_addr,
					    a->avail_user_addr, a->used_user_addr);
}

/**
 * vhost_mdev_vq_ioctl() - one virtqueue ioctl
 * @v: the node, locked and bound
 * @cmd: the ioctl
 * @argp: its argument
 *
 * Return: 0 or -errno; -ENOIOCTLCMD if @cmd is not a virtqueue ioctl.
 */
long vhost_mdev_vq_ioctl(struct vhost_mdev *v, unsigned int cmd, void __user *argp)
{
	const struct mdev_virtio_ops *ops = v->mdev->ops;
	struct vhost_vring_state s;
	struct vhost_vring_file f;
	struct vhost_vring_addr a;
	u32 idx;

	switch (cmd) {
	case VHOST_SET_VRING_NUM:
	case VHOST_SET_VRING_BASE:
	case VHOST_GET_VRING_BASE:
	case VHOST_VDPA_SET_VRING_ENABLE:
		if (copy_from_user(&s, argp, sizeof(s)))
			return -EFAULT;
		idx = s.index;
		break;
	case VHOST_SET_VRING_KICK:
	case VHOST_SET_VRING_CALL:
		if (copy_from_user(&f, argp, sizeof(f)))
			return -EFAULT;
		idx = f.index;
		break;
	case VHOST_SET_VRING_ADDR:
		if (copy_from_user(&a, argp, sizeof(a)))
			return -EFAULT;
		idx = a.index;
		break;
	default:
		return -ENOIOCTLCMD;
	}
	/* As in vhost: the virtqueue ioctls belong to the owner. */
	if (!v->mm)
		return -EPERM;
	if (idx >= v->nvqs)
		return -ENOBUFS;

	switch (cmd) {
	case VHOST_SET_VRING_NUM:
		return vhost_mdev_set_num(v, idx, s.num);
	case VHOST_SET_VRING_BASE:
		if (s.num > U16_MAX)
			return -EINVAL;
		return ops->set_vq_state(v->mdev, idx, s.num);
	case VHOST_GET_VRING_BASE:
		s.num = ops->get_vq_state(v->mdev, idx);
		return copy_to_user(argp, &s, sizeof(s)) ? -EFAULT : 0;
	case VHOST_VDPA_SET_VRING_ENABLE:
		ops->set_vq_ready(v->mdev, idx, s.num != 0);
		return 0;
	case VHOST_SET_VRING_KICK:
		return vhost_mdev_set_kick(&v->vqs[idx], f.fd);
	case VHOST_SET_VRING_CALL:
		return vhost_mdev_set_call(&v->vqs[idx], f.fd);
	default: /* VHOST_SET_VRING_ADDR */
		return vhost_mdev_set_addr(v, &a);
	}
}

/**
 * vhost_mdev_vqs_install_cbs() - install every vq interrupt
 * @v: the node, locked and bound
 *
 * Done before DRIVER_OK reaches the device, which forgot them at its reset.
 */
void vhost_mdev_vqs_install_cbs(struct vhost_mdev *v)
{
	unsigned int i;

	for (i = 0; i < v->nvqs; i++)
		vhost_mdev_vq_install_cb(&v->vqs[i]);
}

/**
 * vhost_mdev_vqs_init() - fresh vq state for a new opener
 * @v: the node, locked
 */
void vhost_mdev_vqs_init(struct vhost_mdev *v)
{
	unsigned int i;

	for (i = 0; i < v->nvqs; i++) {
		struct vhost_mdev_vq *vq = &v->vqs[i];

		memset(vq, 0, sizeof(*vq));
		vq->v = v;
		vq->index = i;
		spin_lock_init(&vq->lock);
	}
}

/**
 * vhost_mdev_vqs_release() - drop every eventfd
 * @v: the node, locked; its device reset (it raises no more interrupts)
 */
void vhost_mdev_vqs_release(struct vhost_mdev *v)
{
	unsigned int i;

	for (i = 0; i < v->nvqs; i++) {
		vhost_mdev_kick_detach(&v->vqs[i]);
		vhost_mdev_swap_call(&v->vqs[i], NULL);
	}
}
