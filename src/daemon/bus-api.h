/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The org.mdevvirtio1 D-Bus API over a struct manager: the Manager object at
 * /org/mdevvirtio1 (with org.freedesktop.DBus.ObjectManager), one Device
 * object per known UUID under /org/mdevvirtio1/devices/<encoded uuid>, one
 * Parent object per parent under /org/mdevvirtio1/parents/<encoded name>,
 * PropertiesChanged and InterfacesAdded/Removed on every manager change,
 * named errors, and the privilege check (root or CAP_SYS_ADMIN) on every
 * method that changes anything. See man/org.mdevvirtio1.5.
 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "mdevvirtio/dbus-api.h"
#include "manager.h"


struct bus_api;

/*
 * Connect to the system bus (or to @address if not NULL, e.g. a private
 * dbus-daemon in host tests), attach to @event, export the objects, register
 * as the change callback of @m, request MDEVVIRTIO_DBUS_NAME, and then, with
 * @private_socket not NULL, serve the same objects to root on that Unix
 * socket (MDEVVIRTIO_PRIVATE_SOCKET under the root: no bus daemon between,
 * no signals; mdevvirtiod(8)).
 */
int bus_api_new(sd_event *event, struct manager *m, const char *address,
		const char *private_socket, struct bus_api **ret);
/* Release the name, flush, close; returns NULL. */
struct bus_api *bus_api_free(struct bus_api *api);
static inline void bus_api_freep(struct bus_api **api)
{
	if (*api)
		bus_api_free(*api);
}
#define _cleanup_bus_api_free_ _cleanup_(bus_api_freep)
