/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's netlink view of running devices (a leaf of the manager, see
 * manager-internal.h): the requests the model makes of the mdev_virtio
 * family (one device's status and config when it starts running, counters
 * on demand) and how their answers become struct managed_virtio facts. The
 * family may be absent (module not loaded, or too old): then every device
 * reads as unknown, and the counters say so with NOT_SUPPORTED. Requests are
 * answered by the kernel at once; the client's timeout bounds a stuck one.
 */
#include "log.h"
#include "manager-internal.h"
#include "root-path.h"

/* How long one request may take before the loop goes on without it. */
#define VIRTIO_REQUEST_TIMEOUT_USEC (2 * 1000 * 1000ULL)

int virtio_connect(struct manager *m)
{
	int r;

	if (m->nl)
		return 0;
	/* The family speaks of the real kernel; under a fake root it would mislead. */
	if (!isempty(root_get()))
		return -ENOENT;
	r = mdev_nl_open(&m->nl);
	if (r < 0)
		return r;
	mdev_nl_set_timeout(m->nl, VIRTIO_REQUEST_TIMEOUT_USEC);
	return 0;
}

void virtio_disconnect(struct manager *m)
{
	m->nl = mdev_nl_close(m->nl);
}

/* Each request connects first if it must: the family may have come back. */
static int nl_get_device(struct manager *m, const char *uuid, struct mdev_nl_device *ret)
{
	int r = virtio_connect(m);

	return r < 0 ? r : mdev_nl_get_device(m->nl, uuid, ret);
}

static int nl_get_config(struct manager *m, const char *uuid, struct mdev_nl_config *ret)
{
	int r = virtio_connect(m);

	return r < 0 ? r : mdev_nl_get_config(m->nl, uuid, ret);
}

static int nl_dump_devices(struct manager *m, mdev_nl_device_fn fn, void *userdata)
{
	int r = virtio_connect(m);

	return r < 0 ? r : mdev_nl_dump_devices(m->nl, fn, userdata);
}

static int nl_get_stats(struct manager *m, const char *uuid, struct mdev_nl_stats **ret)
{
	int r = virtio_connect(m);

	return r < 0 ? r : mdev_nl_get_stats(m->nl, uuid, ret);
}

static int nl_clear_stats(struct manager *m, const char *uuid)
{
	int r = virtio_connect(m);

	return r < 0 ? r : mdev_nl_clear_stats(m->nl, uuid);
}

static const char *nl_last_error(struct manager *m)
{
	return m->nl ? mdev_nl_last_error(m->nl) : "";
}

const struct manager_virtio_ops manager_virtio_netlink_ops = {
    .get_device = nl_get_device,
    .get_config = nl_get_config,
    .dump_devices = nl_dump_devices,
    .get_stats = nl_get_stats,
    .clear_stats = nl_clear_stats,
    .last_error = nl_last_error,
};

void virtio_take_device(struct managed_virtio *v, const struct mdev_nl_device *dev)
{
	v->known = true;
	v->status = dev->status;
	v->device_features = dev->device_features;
	v->driver_features = dev->driver_features;
	v->num_vqs = dev->num_vqs;
}

void virtio_read_config(struct manager *m, const char *uuid, struct managed_virtio *v)
{
	struct mdev_nl_config c;
	int r = m->virtio.get_config(m, uuid, &c);

	if (r < 0) {
		if (r != -ENOENT && r != -ENODEV)
			log_device_debug(uuid, "Failed to read the config of device %s: %s", uuid,
					 strerror(-r));
		v->has_config = false;
		v->config = (struct mdev_nl_config){};
		return;
	}
	v->has_config = true;
	v->config = c;
}

void virtio_read(struct manager *m, const char *uuid, struct managed_virtio *v)
{
	struct mdev_nl_device dev;
	int r;

	*v = (struct managed_virtio){};
	r = m->virtio.get_device(m, uuid, &dev);
	if (r < 0) {
		/* ENOENT: no family; ENODEV: not ours (vfio) or already gone. */
		if (r != -ENOENT && r != -ENODEV)
			log_device_debug(uuid, "Failed to read the status of device %s: %s", uuid,
					 strerror(-r));
		return;
	}
	virtio_take_device(v, &dev);
	virtio_read_config(m, uuid, v);
}

static bool config_equal(const struct mdev_nl_config *a, const struct mdev_nl_config *b)
{
	return a->has_device_id == b->has_device_id && a->device_id == b->device_id &&
	       a->has_generation == b->has_generation && a->generation == b->generation &&
	       a->has_mac == b->has_mac && memcmp(a->mac, b->mac, sizeof(a->mac)) == 0 &&
	       a->has_mtu == b->has_mtu && a->mtu == b->mtu && a->has_max_vqp == b->has_max_vqp &&
	       a->max_vqp == b->max_vqp && a->has_net_status == b->has_net_status &&
	       a->net_status == b->net_status && a->has_capacity == b->has_capacity &&
	       a->capacity == b->capacity && a->has_blk_size == b->has_blk_size &&
	       a->blk_size == b->blk_size;
}

unsigned virtio_diff(const struct managed_virtio *a, const struct managed_virtio *b)
{
	unsigned diff = 0;

	if (a->known != b->known || a->status != b->status || a->num_vqs != b->num_vqs)
		diff |= DEVICE_PROPERTY_STATUS;
	if (a->device_features != b->device_features)
		diff |= DEVICE_PROPERTY_DEVICE_FEATURES;
	if (a->driver_features != b->driver_features)
		diff |= DEVICE_PROPERTY_DRIVER_FEATURES;
	if (a->has_config != b->has_config || (a->has_config && !config_equal(&a->config, &b->config)))
		diff |= DEVICE_PROPERTY_CONFIG;
	return diff;
}

/* The running device on our bus @uuid names (@norm), or an error saying why there is none. */
static int stats_target(struct manager *m, const char *uuid, char norm[static UUID_STRING_LEN + 1],
			struct manager_error *e)
{
	struct mdevice *d;
	int r;

	r = manager_validate_uuid(uuid, false, norm, e);
	if (r < 0)
		return r;
	d = manager_find_device(m, norm);
	if (!d)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT, "device %s not found",
					 norm);
	if (!d->run)
		return manager_error_set(e, MANAGER_ERROR_NOT_RUNNING, ESRCH,
					 "device %s is not running", norm);
	if (!d->run->class)
		return manager_error_set(e, MANAGER_ERROR_NOT_SUPPORTED, EOPNOTSUPP,
					 "device %s is a vfio mdev device on parent %s: the kernel "
					 "keeps no virtqueue counters for it",
					 norm, d->run->parent);
	return 0;
}

static int stats_error(struct manager *m, const char *uuid, const char *what, int r,
		       struct manager_error *e)
{
	const char *why = m->virtio.last_error(m);

	if (r == -ENOENT)
		return manager_error_set(e, MANAGER_ERROR_NOT_SUPPORTED, ENOPROTOOPT,
					 "device %s: the kernel's mdev_virtio netlink family is not "
					 "registered (module not loaded, or too old)",
					 uuid);
	if (r == -ENODEV)
		return manager_error_set(e, MANAGER_ERROR_NOT_RUNNING, ESRCH,
					 "device %s is not running", uuid);
	if (r == -EOPNOTSUPP)
		return manager_error_set(e, MANAGER_ERROR_NOT_SUPPORTED, EOPNOTSUPP,
					 "device %s: its parent keeps no virtqueue counters%s%s", uuid,
					 *why ? ": " : "", why);
	return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "device %s: failed to %s: %s%s%s",
				 uuid, what, strerror(-negative_errno(r)), *why ? ": " : "", why);
}

/* Read the counters into *@ret, or clear them when @ret is NULL. */
static int stats_call(struct manager *m, const char *uuid, struct mdev_nl_stats **ret,
		      struct manager_error *error)
{
	char norm[UUID_STRING_LEN + 1];
	int r;

	r = stats_target(m, uuid, norm, error);
	if (r < 0)
		return r;
	r = ret ? m->virtio.get_stats(m, norm, ret) : m->virtio.clear_stats(m, norm);
	if (r < 0)
		return stats_error(m, norm, ret ? "read its counters" : "clear its counters", r,
				   error);
	return 0;
}

int manager_device_statistics(struct manager *m, const char *uuid, struct mdev_nl_stats **ret,
			      struct manager_error *error)
{
	return stats_call(m, uuid, ret, error);
}

int manager_device_clear_statistics(struct manager *m, const char *uuid,
				    struct manager_error *error)
{
	return stats_call(m, uuid, NULL, error);
}
