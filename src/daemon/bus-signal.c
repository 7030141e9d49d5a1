/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The signals of one manager change (bus-internal.h, bus_emit_change()):
 * what bus-device.c, bus-parent.c and bus-manager.c send for their objects.
 * A leaf of the bus layer.
 */
#include <assert.h>

#include "bus-internal.h"
#include "log.h"

void bus_emit_change(struct bus_api *api, const char *path, const char *interface,
		     const struct manager_change_event *ev, const char *const *names,
		     size_t n_names)
{
	/* One name per bit of ev->properties, at most. */
	const char *changed[sizeof(ev->properties) * 8 + 1];
	size_t k = 0;
	int r;

	assert(n_names < ELEMENTSOF(changed));

	switch (ev->change) {
	case MANAGER_CHANGE_ADDED:
		r = sd_bus_emit_interfaces_added(api->bus, path, interface, NULL);
		break;
	case MANAGER_CHANGE_REMOVED:
		r = sd_bus_emit_interfaces_removed(api->bus, path, interface, NULL);
		break;
	case MANAGER_CHANGE_CHANGED:
		for (size_t i = 0; i < n_names; i++)
			if (ev->properties & (1u << i))
				changed[k++] = names[i];
		changed[k] = NULL;
		if (k == 0)
			return;
		r = sd_bus_emit_properties_changed_strv(api->bus, path, interface,
							(char **)changed);
		break;
	default:
		return;
	}
	if (r < 0)
		log_warning_errno(r, "Failed to signal a change of %s, ignoring: %m", path);
}
