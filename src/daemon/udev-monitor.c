/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <libudev.h>
#include <sys/epoll.h>

#include "log.h"
#include "macro.h"
#include "udev-monitor.h"

/* Room for a burst (a parent unload removes every device at once). */
#define UEVENT_RCVBUF (4 * 1024 * 1024)
/* Events handed on per dispatch, so that the loop's other sources get turns in a burst. */
#define UEVENT_BATCH 8

struct uevent_monitor {
	struct udev *udev;
	struct udev_monitor *monitor;
	sd_event_source *source;
	uevent_fn fn;
	void *userdata;
};

struct uevent_monitor *uevent_monitor_free(struct uevent_monitor *u)
{
	if (!u)
		return NULL;
	sd_event_source_disable_unref(u->source);
	udev_monitor_unref(u->monitor);
	udev_unref(u->udev);
	free(u);
	return NULL;
}

static int uevent_dispatch(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct uevent_monitor *u = userdata;
	struct udev_device *d;

	/*
	 * Up to a batch of what is queued; each receive returns one device or
	 * NULL when empty. The rest waits for the next round of the loop, which
	 * serves the sources of higher priority (method calls) first.
	 */
	for (unsigned i = 0; i < UEVENT_BATCH; i++) {
		errno = 0;
		d = udev_monitor_receive_device(u->monitor);
		if (!d)
			break;
		struct uevent ev = {
		    .action = udev_device_get_action(d),
		    .subsystem = udev_device_get_subsystem(d),
		    .devpath = udev_device_get_devpath(d),
		    .sysname = udev_device_get_sysname(d),
		    .mdev_state = udev_device_get_property_value(d, "MDEV_STATE"),
		    .seqnum = udev_device_get_seqnum(d),
		};

		if (ev.action && ev.devpath && ev.sysname)
			u->fn(&ev, u->userdata);
		udev_device_unref(d);
		errno = 0;
	}
	if (errno == ENOBUFS)
		u->fn(NULL, u->userdata); /* the kernel dropped some: the consumer must rescan */
	return 0;
}

int uevent_monitor_new(sd_event *e, uevent_fn fn, void *userdata, struct uevent_monitor **ret)
{
	struct uevent_monitor *u;
	int r;

	u = calloc(1, sizeof(*u));
	if (!u)
		return -ENOMEM;
	u->fn = fn;
	u->userdata = userdata;
	u->udev = udev_new();
	if (!u->udev) {
		r = errno > 0 ? -errno : -ENOMEM;
		goto fail;
	}
	u->monitor = udev_monitor_new_from_netlink(u->udev, "udev");
	if (!u->monitor) {
		r = errno > 0 ? -errno : -EIO;
		goto fail;
	}
	(void)udev_monitor_set_receive_buffer_size(u->monitor, UEVENT_RCVBUF);
	r = udev_monitor_enable_receiving(u->monitor);
	if (r < 0)
		goto fail;
	r = sd_event_add_io(e, &u->source, udev_monitor_get_fd(u->monitor), EPOLLIN,
			    uevent_dispatch, u);
	if (r < 0)
		goto fail;
	(void)sd_event_source_set_description(u->source, "udev-monitor");
	r = sd_event_source_set_priority(u->source, UEVENT_PRIORITY);
	if (r < 0)
		goto fail;
	*ret = u;
	return 0;
fail:
	uevent_monitor_free(u);
	return r;
}
