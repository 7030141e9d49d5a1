/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's lifetime: creating it with the real kernel operations (or
 * the tests' seam) and freeing everything it holds. See manager.h for the
 * contract, manager-internal.h for the model and how its files depend on
 * each other.
 */
#include <assert.h>

#include "log.h"
#include "manager-internal.h"
#include "mdev-device.h"

static int kernel_create(const char *parent, const char *type, const char *uuid,
			 const struct definition_attr *attrs, size_t n_attrs, char **ret_error)
{
	return mdev_device_create(parent, type, uuid, attrs, n_attrs, ret_error);
}

static int kernel_remove(const char *uuid, char **ret_error)
{
	return mdev_device_remove(uuid, ret_error);
}

int manager_new(sd_event *event, struct manager **ret)
{
	_cleanup_manager_free_ struct manager *m = NULL;
	int r;

	if (!event || !ret)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->event = sd_event_ref(event);
	m->kernel = (struct manager_kernel_ops){.create = kernel_create, .remove = kernel_remove};
	m->autostart_round_usec = MANAGER_AUTOSTART_ROUND_USEC;
	m->watchdog_feed_usec = MANAGER_WATCHDOG_FEED_USEC;
	m->virtio = manager_virtio_netlink_ops;
	r = definition_store_new(&m->store);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	notify_done(m); /* nobody listens while we tear down */
	uevent_monitor_free(m->uevents);
	manager_virtio_unwatch(m);
	definition_store_free(m->store);
	callout_cache_free(m->callouts);
	for (size_t i = 0; i < m->n_devices; i++)
		mdevice_free(m, m->devices[i]);
	free(m->devices);
	for (size_t i = 0; i < m->n_parents; i++)
		mparent_free(m->parents[i]);
	free(m->parents);
	/* Every name was held by a device, all freed above. */
	assert(m->n_interned == 0);
	free(m->interned);
	sd_event_unref(m->event);
	free(m);
	return NULL;
}

void manager_set_kernel_ops(struct manager *m, const struct manager_kernel_ops *ops)
{
	m->kernel = *ops;
}

void manager_set_virtio_ops(struct manager *m, const struct manager_virtio_ops *ops)
{
	m->virtio = *ops;
}
