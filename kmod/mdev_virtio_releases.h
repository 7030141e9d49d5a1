/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mdev_virtio_releases.h: count the objects whose release function, or whose
 * kobj_type, lives in a module, so that the module's exit can wait until the
 * last of them has been released.
 *
 * A release runs when the last reference goes, which need not be when its
 * owner dropped its own: a reference held elsewhere defers it, and
 * CONFIG_DEBUG_KOBJECT_RELEASE defers every final put by 1-4 s on purpose.
 * A release that runs after its module's memory was freed executes freed
 * code (and reads a freed kobj_type).
 *
 * Rules: mdev_virtio_releases_add() before the object's kobject is
 * initialised (device_initialize(), kobject_init_and_add()), so that every
 * path that can call the release is counted; mdev_virtio_releases_done() as
 * the release's last statement, after which it touches nothing of the
 * module's but its own return; mdev_virtio_releases_wait() in module exit,
 * after everything that drops such references (driver and parent
 * unregistration, workqueue teardown) and before what the releases use.
 * The wake-up is keyed by address (wake_up_var()): the releaser does not
 * touch the waiter's memory after the count reached zero.
 */
#ifndef MDEV_VIRTIO_RELEASES_H
#define MDEV_VIRTIO_RELEASES_H

#include <linux/atomic.h>
#include <linux/printk.h>
#include <linux/wait_bit.h>

struct mdev_virtio_releases {
	atomic_t pending;	/* objects initialised and not yet released */
};

#define MDEV_VIRTIO_RELEASES_INIT { .pending = ATOMIC_INIT(0) }

static inline void mdev_virtio_releases_add(struct mdev_virtio_releases *r)
{
	atomic_inc(&r->pending);
}

/* The last statement of a counted release. */
static inline void mdev_virtio_releases_done(struct mdev_virtio_releases *r)
{
	/* atomic_dec_and_test() is fully ordered: the waiter sees our stores. */
	if (atomic_dec_and_test(&r->pending))
		wake_up_var(&r->pending);
}

/*
 * Waits without a bound: a reference that is never put is a leak, and
 * waiting is what keeps it from becoming a use-after-free.  Says so every
 * 10 s meanwhile, so such a hang names its cause.
 */
static inline void mdev_virtio_releases_wait(struct mdev_virtio_releases *r, const char *what)
{
	while (!wait_var_event_timeout(&r->pending, !atomic_read(&r->pending), 10 * HZ))
		pr_warn("%s: still waiting for %d %s to be released\n", KBUILD_MODNAME,
			atomic_read(&r->pending), what);
}

#endif /* MDEV_VIRTIO_RELEASES_H */
