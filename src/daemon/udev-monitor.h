/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A libudev monitor on the sd-event loop that hands every processed uevent
 * ("udev" source, so udev rules have run and device nodes exist) to one
 * callback as a plain struct, so whoever interprets the events can be tested
 * without udev. No subsystem filter: parents of mediated devices can be on
 * any subsystem (pci, mvsim, ...) and announce themselves with an
 * MDEV_STATE property; the callback filters cheaply.
 *
 * Its source runs at UEVENT_PRIORITY, after the loop's normal sources, and
 * hands on at most a few events per dispatch: a burst of uevents (a dozen
 * per device created or removed) never keeps a method call waiting behind it.
 *
 * The monitor owns its udev context and event source; freeing it detaches it.
 */
#pragma once

#include <systemd/sd-event.h>

/* Below SD_EVENT_PRIORITY_NORMAL (the bus, the manager's deferred reactions). */
#define UEVENT_PRIORITY (SD_EVENT_PRIORITY_NORMAL + 10)

struct uevent {
	const char *action; /* "add", "remove", "change", "bind", "unbind", "move" */
	const char *subsystem; /* NULL if the device has none */
	const char *devpath; /* "/devices/..." without "/sys" */
	const char *sysname; /* last component of devpath */
	const char *mdev_state; /* MDEV_STATE property, or NULL */
	unsigned long long seqnum; /* the kernel's SEQNUM; 0 if unknown */
};

/* @ev is NULL when events were lost (receive buffer overrun): rescan everything. */
typedef void (*uevent_fn)(const struct uevent *ev, void *userdata);

struct uevent_monitor;

/* Connect to udev's netlink group and dispatch on @e. Fails if udev is unavailable. */
int uevent_monitor_new(sd_event *e, uevent_fn fn, void *userdata, struct uevent_monitor **ret);
struct uevent_monitor *uevent_monitor_free(struct uevent_monitor *u);
