/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * org.mdevvirtio1.Device: one object per known UUID at
 * /org/mdevvirtio1/devices/<sd_bus_path_encode(uuid)>, served by a fallback
 * vtable whose find callback accepts only normalised UUIDs the manager knows
 * (so one device has exactly one path), plus a node enumerator for
 * introspection and GetManagedObjects.
 *
 * The objects' userdata is the bus_api; each call looks the device up by its
 * path (bus-device-path.c), so no pointer into the manager outlives a call.
 * The properties and methods from the kernel's netlink family are in
 * bus-device-virtio.c.
 */
#include <errno.h>

#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"

static int device_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		       void **found, sd_bus_error *error)
{
	if (!bus_device_from_path(userdata, path))
		return 0;
	*found = userdata;
	return 1;
}

static int device_enumerate(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			    sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_strv_free_ char **l = NULL;
	size_t n = manager_n_devices(api->manager);
	int r;

	l = calloc(n + 1, sizeof(char *));
	if (!l)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = bus_device_path(manager_device_at(api->manager, i)->uuid, &l[i]);
		if (r < 0)
			return r;
	}
	*nodes = TAKE_PTR(l);
	return 1;
}

static const char *device_string(const struct managed_device *d, const char *property)
{
	if (streq(property, "Uuid"))
		return d->uuid;
	if (streq(property, "Parent"))
		return d->parent;
	if (streq(property, "Type"))
		return d->type;
	if (streq(property, "Class"))
		return d->class;
	if (streq(property, "Start"))
		return definition_start_to_string(d->start);
	if (streq(property, "State"))
		return device_state_to_string(d->state);
	if (streq(property, "LastError"))
		return d->last_error;
	if (streq(property, "Driver"))
		return d->driver;
	return NULL;
}

/* The string properties; an unknown value (NULL) is "". */
static int property_get_string(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	return sd_bus_message_append(reply, "s", strempty(device_string(d, property)));
}

static int property_get_bool(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	return sd_bus_message_append(reply, "b",
				     (int)(streq(property, "Defined") ? d->defined : d->active));
}

static int property_get_attrs(sd_bus *bus, const char *path, const char *interface,
			      const char *property, sd_bus_message *reply, void *userdata,
			      sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "(ss)");
	if (r < 0)
		return r;
	for (size_t i = 0; i < d->n_attrs; i++) {
		r = sd_bus_message_append(reply, "(ss)", d->attrs[i].name, d->attrs[i].value);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int property_get_nodes(sd_bus *bus, const char *path, const char *interface,
			      const char *property, sd_bus_message *reply, void *userdata,
			      sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "(ss)");
	if (r < 0)
		return r;
	for (size_t i = 0; i < d->n_nodes; i++) {
		r = sd_bus_message_append(reply, "(ss)", d->nodes[i].kind, d->nodes[i].name);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int property_get_generation(sd_bus *bus, const char *path, const char *interface,
				   const char *property, sd_bus_message *reply, void *userdata,
				   sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	return sd_bus_message_append(reply, "t", d->generation);
}

int bus_append_definitions(sd_bus_message *reply, const struct managed_device *d)
{
	int r;

	r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_DEFINITION);
	for (size_t i = 0; r >= 0 && i < d->n_definitions; i++) {
		const struct managed_definition *def = &d->definitions[i];

		r = sd_bus_message_open_container(reply, 'r', "sssa(ss)");
		if (r >= 0)
			r = sd_bus_message_append(reply, "sss", def->parent, def->type,
						  definition_start_to_string(def->start));
		if (r >= 0)
			r = sd_bus_message_open_container(reply, 'a', "(ss)");
		for (size_t j = 0; r >= 0 && j < def->n_attrs; j++)
			r = sd_bus_message_append(reply, "(ss)", def->attrs[j].name,
						  def->attrs[j].value);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
		if (r >= 0)
			r = sd_bus_message_close_container(reply);
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int property_get_definitions(sd_bus *bus, const char *path, const char *interface,
				    const char *property, sd_bus_message *reply, void *userdata,
				    sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(userdata, path, &d, error);
	if (r < 0)
		return r;
	return bus_append_definitions(reply, d);
}

/* Start, Stop, Undefine and Modify on the called object. */
static int device_method(sd_bus_message *m, struct bus_api *api, const char *method,
			 bus_device_op_fn op, sd_bus_error *error)
{
	char uuid[UUID_STRING_LEN + 1];
	int r;

	r = bus_device_called_uuid(m, api, uuid, error);
	if (r < 0)
		return r;
	if (!op)
		return bus_device_modify(m, api, NULL, uuid, method, false, error);
	return bus_device_op(m, api, uuid, method, op, error);
}

static int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return device_method(m, userdata, "Start", manager_start, error);
}

static int method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return device_method(m, userdata, "Stop", manager_stop, error);
}

static int method_undefine(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return device_method(m, userdata, "Undefine", manager_undefine, error);
}

static int method_modify(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return device_method(m, userdata, "Modify", NULL, error);
}

#define EMITS SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE

/* One entry per line group, as systemd lays out vtables. */
/* clang-format off */
static const sd_bus_vtable device_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Uuid", "s", property_get_string, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Parent", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Type", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Class", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Start", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Defined", "b", property_get_bool, 0, EMITS),
	SD_BUS_PROPERTY("Active", "b", property_get_bool, 0, EMITS),
	SD_BUS_PROPERTY("State", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("LastError", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Attrs", "a(ss)", property_get_attrs, 0, EMITS),
	SD_BUS_PROPERTY("Driver", "s", property_get_string, 0, EMITS),
	SD_BUS_PROPERTY("Nodes", "a(ss)", property_get_nodes, 0, EMITS),
	SD_BUS_PROPERTY("Generation", "t", property_get_generation, 0, EMITS),
	SD_BUS_PROPERTY("Status", "as", bus_device_get_status, 0, EMITS),
	SD_BUS_PROPERTY("DeviceFeatures", "t", bus_device_get_features, 0, EMITS),
	SD_BUS_PROPERTY("DriverFeatures", "t", bus_device_get_features, 0, EMITS),
	SD_BUS_PROPERTY("Config", "a{sv}", bus_device_get_config, 0, EMITS),
	SD_BUS_PROPERTY("Definitions", "a" MDEVVIRTIO_DBUS_DEFINITION, property_get_definitions, 0, EMITS),
	SD_BUS_METHOD_WITH_ARGS("Start",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				method_start, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Stop",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Undefine",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				method_undefine, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Modify",
				SD_BUS_ARGS("a{sv}", changes, "u", flags),
				SD_BUS_NO_RESULT,
				method_modify, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("GetStatistics",
				SD_BUS_NO_ARGS,
				SD_BUS_RESULT("a{sv}", statistics),
				bus_device_method_get_statistics, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ClearStatistics",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				bus_device_method_clear_statistics, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};
/* clang-format on */

int bus_device_add(struct bus_api *api, sd_bus *bus)
{
	int r;

	r = sd_bus_add_fallback_vtable(bus, NULL, MDEVVIRTIO_DBUS_DEVICES_PATH, MDEVVIRTIO_DBUS_DEVICE_INTERFACE,
				       device_vtable, device_find, api);
	if (r < 0)
		return r;
	return sd_bus_add_node_enumerator(bus, NULL, MDEVVIRTIO_DBUS_DEVICES_PATH, device_enumerate, api);
}

void bus_device_emit(struct bus_api *api, const struct manager_change_event *ev)
{
	/* In the order of enum device_property's bits. */
	static const char *const names[] = {
	    "Parent", "Type",  "Class", "Start", "Defined", "Active",
	    "State",  "LastError", "Attrs", "Driver", "Nodes", "Generation",
	    "Status", "DeviceFeatures", "DriverFeatures", "Config", "Definitions",
	};
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_device_path(ev->id, &path);
	if (r < 0) {
		log_warning_errno(r, "Failed to build the object path of %s, ignoring: %m", ev->id);
		return;
	}
	bus_emit_change(api, path, MDEVVIRTIO_DBUS_DEVICE_INTERFACE, ev, names, ELEMENTSOF(names));
}
