/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The connection: connect, export the three kinds of objects and the
 * ObjectManager, forward manager changes as signals, open the private
 * socket (bus-private.c), take the name last (so nobody talks to a
 * half-exported daemon), and tear down in reverse. Errors
 * are returned with debug-level context only: the caller logs once.
 */
#include <errno.h>

#include "bus-api.h"
#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"

static void bus_api_on_change(struct manager *m, const struct manager_change_event *ev,
			      void *userdata)
{
	struct bus_api *api = userdata;

	switch (ev->object) {
	case MANAGER_OBJECT_DEVICE:
		bus_device_emit(api, ev);
		break;
	case MANAGER_OBJECT_PARENT:
		bus_parent_emit(api, ev);
		break;
	case MANAGER_OBJECT_MANAGER:
		bus_manager_emit(api, ev);
		break;
	}
}

static int bus_api_connect(const char *address, sd_bus **ret)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r;

	if (!address)
		return sd_bus_open_system_with_description(ret, "mdevvirtiod");

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_address(bus, address);
	if (r < 0)
		return r;
	r = sd_bus_set_bus_client(bus, true);
	if (r < 0)
		return r;
	r = sd_bus_set_trusted(bus, false);
	if (r < 0)
		return r;
	r = sd_bus_start(bus);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(bus);
	return 0;
}

int bus_api_new(sd_event *event, struct manager *m, const char *address,
		const char *private_socket, struct bus_api **ret)
{
	_cleanup_bus_api_free_ struct bus_api *api = NULL;
	int r;

	r = bus_error_register();
	if (r < 0)
		return log_debug_errno(r, "Failed to register D-Bus error names: %m");

	api = calloc(1, sizeof(*api));
	if (!api)
		return -ENOMEM;
	api->manager = m;
	api->event = sd_event_ref(event);
	r = bus_access_new(&api->access);
	if (r < 0)
		return r;

	r = bus_api_connect(address, &api->bus);
	if (r < 0)
		return log_debug_errno(r, "Failed to connect to the %s bus: %m",
				       address ? address : "system");

	r = bus_objects_add(api, api->bus);
	if (r < 0)
		return r;

	r = sd_bus_attach_event(api->bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return log_debug_errno(r, "Failed to attach the bus to the event loop: %m");
	/* Losing the bus means nobody can reach us: end the loop. */
	r = sd_bus_set_exit_on_disconnect(api->bus, true);
	if (r < 0)
		return log_debug_errno(r, "Failed to set exit on disconnect: %m");

	r = manager_add_listener(m, bus_api_on_change, api);
	if (r < 0)
		return log_debug_errno(r, "Failed to listen to the manager: %m");
	r = listing_cache_new(m, &api->listing);
	if (r < 0)
		return log_debug_errno(r, "Failed to set up the listing cache: %m");

	/* Before the name, so that whoever sees the name finds the socket too. */
	if (private_socket) {
		r = bus_private_new(api, private_socket, &api->private);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			log_warning("Not serving %s: calls come through the bus alone", private_socket);
	}

	r = sd_bus_request_name(api->bus, MDEVVIRTIO_DBUS_NAME, 0);
	if (r < 0)
		return log_debug_errno(r, "Failed to acquire the bus name %s: %m", MDEVVIRTIO_DBUS_NAME);

	*ret = TAKE_PTR(api);
	return 0;
}

struct bus_api *bus_api_free(struct bus_api *api)
{
	if (!api)
		return NULL;

	if (api->manager)
		manager_remove_listener(api->manager, bus_api_on_change, api);
	api->private = bus_private_free(api->private);
	if (api->bus) {
		/* Best effort: the name goes away with the connection anyway. */
		(void)sd_bus_release_name(api->bus, MDEVVIRTIO_DBUS_NAME);
		sd_bus_flush_close_unref(api->bus);
	}
	listing_cache_free(api->listing);
	bus_access_free(api->access);
	sd_event_unref(api->event);
	free(api);
	return NULL;
}
