/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every object of the API on one connection (bus-internal.h,
 * bus_objects_add()): what the bus connection (bus-api.c) and each of the
 * private socket's connections (bus-private.c) serve alike. A leaf of the
 * bus layer above the object files.
 */
#include "bus-internal.h"
#include "log.h"

int bus_objects_add(struct bus_api *api, sd_bus *bus)
{
	int r;

	r = bus_manager_add(api, bus);
	if (r < 0)
		return log_debug_errno(r, "Failed to export the manager object: %m");
	r = bus_device_add(api, bus);
	if (r < 0)
		return log_debug_errno(r, "Failed to export device objects: %m");
	r = bus_parent_add(api, bus);
	if (r < 0)
		return log_debug_errno(r, "Failed to export parent objects: %m");
	r = sd_bus_add_object_manager(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH);
	if (r < 0)
		return log_debug_errno(r, "Failed to add the object manager: %m");
	return 0;
}
