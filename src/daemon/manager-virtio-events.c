/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's netlink events as facts of the model: a device created,
 * bound, unbound, its status set by its driver (DRIVER_OK, FAILED,
 * NEEDS_RESET, a reset), its config changed, or it removed. Each updates
 * the running record it names and ends in device_sync(), so listeners hear
 * exactly Status, DeviceFeatures, DriverFeatures or Config changing.
 *
 * Nothing is silently lost: an overrun (the kernel dropped events) and the
 * family coming back (mdev_virtio.ko loaded again, under new ids) queue one
 * full re-read, a dump, as does start-up (after Ready: the model is usable
 * without it). While it is queued, devices that start running are not read
 * one by one. The family going away makes every device unknown. Events about
 * devices the model does not hold as running (udev has not told yet) are
 * left to the read that follows when udev does.
 */
#include "log.h"
#include "manager-internal.h"
#include "root-path.h"

static void device_virtio_set(struct manager *m, struct mdevice *d, const struct managed_virtio *v)
{
	device_set_virtio(d, v);
	device_sync(m, d);
}

static void device_event(struct manager *m, enum mdev_nl_event_kind kind,
			 const struct mdev_nl_device *dev)
{
	struct managed_virtio v;
	struct mdevice *d;

	d = manager_find_device(m, dev->uuid_str);
	if (!d || !d->run || m->virtio_resync_queued)
		return;
	v = device_virtio(d);
	switch (kind) {
	case MDEV_NL_EVENT_NEW:
		virtio_take_device(&v, dev);
		virtio_read_config(m, dev->uuid_str, &v);
		break;
	case MDEV_NL_EVENT_BIND:
	case MDEV_NL_EVENT_UNBIND:
	case MDEV_NL_EVENT_STATUS:
		virtio_take_device(&v, dev);
		break;
	case MDEV_NL_EVENT_CONFIG_CHANGED:
		virtio_take_device(&v, dev);
		virtio_read_config(m, dev->uuid_str, &v);
		break;
	case MDEV_NL_EVENT_DEL:
		v = (struct managed_virtio){};
		break;
	default:
		return;
	}
	log_device_debug(dev->uuid_str, "Device %s: kernel event %s, status 0x%02x", dev->uuid_str,
			 mdev_nl_event_kind_to_string(kind), dev->status);
	device_virtio_set(m, d, &v);
}

struct resync {
	struct manager *m;
	char (*seen)[UUID_STRING_LEN + 1]; /* the UUIDs the dump listed, in its order */
	size_t n_seen, size;
};

static int resync_one(const struct mdev_nl_device *dev, void *userdata)
{
	struct resync *rs = userdata;
	struct mdevice *d = manager_find_device(rs->m, dev->uuid_str);
	struct managed_virtio v;

	if (rs->n_seen == rs->size) {
		size_t size = rs->size ? 2 * rs->size : 64;
		void *p = reallocarray(rs->seen, size, sizeof(*rs->seen));

		if (!p)
			return -ENOMEM;
		rs->seen = p;
		rs->size = size;
	}
	memcpy(rs->seen[rs->n_seen++], dev->uuid_str, UUID_STRING_LEN + 1);
	if (!d || !d->run)
		return 0;
	v = device_virtio(d);
	virtio_take_device(&v, dev);
	virtio_read_config(rs->m, dev->uuid_str, &v);
	device_virtio_set(rs->m, d, &v);
	return 0;
}

static int uuid_compare(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* After qsort() of rs->seen. */
static bool resync_listed(const struct resync *rs, const char *uuid)
{
	return rs->n_seen > 0 &&
	       bsearch(uuid, rs->seen, rs->n_seen, sizeof(*rs->seen), uuid_compare) != NULL;
}

/* Every device unknown, except those listed in @rs (NULL: none). */
static void forget_unlisted(struct manager *m, const struct resync *rs)
{
	/* Only running records are known, and syncing never unpublishes those. */
	for (size_t i = 0; i < m->n_devices; i++) {
		struct mdevice *d = m->devices[i];

		if (d->virtio && (!rs || !resync_listed(rs, d->pub.uuid))) {
			device_set_virtio(d, &managed_virtio_unknown);
			device_sync(m, d);
		}
	}
}

/* One dump: every running device as the kernel has it now; the rest unknown. */
static void react_virtio_resync(struct manager *m, const char *parent, bool narrow)
{
	struct resync rs = {.m = m};
	int r;

	m->virtio_resync_queued = false;
	r = m->virtio.dump_devices(m, resync_one, &rs);
	if (r < 0 && r != -ENOENT)
		log_warning_errno(r, "Failed to read the devices' virtio status from the kernel: %m");
	if (rs.n_seen > 0)
		qsort(rs.seen, rs.n_seen, sizeof(*rs.seen), uuid_compare);
	forget_unlisted(m, r < 0 ? NULL : &rs);
	free(rs.seen);
}

static void queue_resync(struct manager *m)
{
	m->virtio_resync_queued = true;
	manager_react(m, react_virtio_resync, NULL, false);
}

void manager_handle_virtio_event(struct manager *m, enum mdev_nl_event_kind kind,
				 const struct mdev_nl_device *dev)
{
	switch (kind) {
	case MDEV_NL_EVENT_OVERRUN:
		log_warning("Lost kernel netlink events, re-reading the devices' virtio status");
		queue_resync(m);
		break;
	case MDEV_NL_EVENT_FAMILY_NEW:
		log_info("The kernel's mdev_virtio netlink family is back");
		virtio_disconnect(m); /* its id may have changed */
		queue_resync(m);
		break;
	case MDEV_NL_EVENT_FAMILY_DEL:
		log_info("The kernel's mdev_virtio netlink family went away");
		virtio_disconnect(m);
		forget_unlisted(m, NULL);
		break;
	default:
		if (dev)
			device_event(m, kind, dev);
		break;
	}
}

static int on_event(enum mdev_nl_event_kind kind, const struct mdev_nl_device *dev,
		    void *userdata)
{
	manager_handle_virtio_event(userdata, kind, dev);
	return 0;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct manager *m = userdata;
	int r = mdev_nl_events_process(m->nl_events, on_event, m);

	if (r < 0) {
		log_warning_errno(r, "Failed to read kernel netlink events: %m");
		queue_resync(m);
	}
	return 0;
}

void manager_virtio_watch(struct manager *m)
{
	bool present = false;
	int r;

	if (!isempty(root_get())) {
		log_debug("Running under root %s: not following the kernel's netlink events",
			  root_get());
		return;
	}
	r = mdev_nl_events_open_follow(&m->nl_events, &present);
	if (r >= 0)
		r = sd_event_add_io(m->event, &m->nl_source, mdev_nl_events_fd(m->nl_events),
				    EPOLLIN, on_io, m);
	/* Facts from the kernel, as uevents are: after method calls, beside uevents. */
	if (r >= 0)
		r = sd_event_source_set_priority(m->nl_source, UEVENT_PRIORITY);
	if (r < 0) {
		log_warning_errno(r, "Cannot follow the kernel's netlink events, devices' virtio "
				     "status is not shown: %m");
		manager_virtio_unwatch(m);
		return;
	}
	(void)sd_event_source_set_description(m->nl_source, "netlink-events");
	log_debug("The kernel's mdev_virtio netlink family is %s",
		  present ? "registered" : "not registered (yet)");
	if (present)
		queue_resync(m);
}

void manager_virtio_unwatch(struct manager *m)
{
	m->nl_source = sd_event_source_disable_unref(m->nl_source);
	m->nl_events = mdev_nl_events_close(m->nl_events);
	virtio_disconnect(m);
}
