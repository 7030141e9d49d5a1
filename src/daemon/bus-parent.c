/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * org.mdevvirtio1.Parent: one read-only object per parent the manager knows
 * (present in sysfs, or named by a definition) at
 * /org/mdevvirtio1/parents/<sd_bus_path_encode(name)>, served like devices:
 * a fallback vtable, a node enumerator, lookups by path on every call.
 */
#include <errno.h>

#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"

int bus_parent_path(const char *name, char **ret)
{
	return sd_bus_path_encode(MDEVVIRTIO_DBUS_PARENTS_PATH, name, ret);
}

static const struct managed_parent *parent_from_path(struct bus_api *api, const char *path)
{
	_cleanup_free_ char *name = NULL;

	if (sd_bus_path_decode(path, MDEVVIRTIO_DBUS_PARENTS_PATH, &name) <= 0)
		return NULL;
	return manager_get_parent(api->manager, name);
}

static int parent_get(struct bus_api *api, const char *path, const struct managed_parent **ret,
		      sd_bus_error *error)
{
	*ret = parent_from_path(api, path);
	if (!*ret)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_NOT_FOUND, "No parent at %s", path);
	return 0;
}

static int parent_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		       void **found, sd_bus_error *error)
{
	if (!parent_from_path(userdata, path))
		return 0;
	*found = userdata;
	return 1;
}

static int parent_enumerate(sd_bus *bus, const char *path, void *userdata, char ***nodes,
			    sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_strv_free_ char **l = NULL;
	size_t n = manager_n_parents(api->manager);
	int r;

	l = calloc(n + 1, sizeof(char *));
	if (!l)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		r = bus_parent_path(manager_parent_at(api->manager, i)->name, &l[i]);
		if (r < 0)
			return r;
	}
	*nodes = TAKE_PTR(l);
	return 1;
}

/*
 * Name, Bus and Present. Bus is "mdev_virtio", "mdev", or "" while the parent
 * is only known from definitions.
 */
static int property_get_scalar(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	const struct managed_parent *p;
	int r;

	r = parent_get(userdata, path, &p, error);
	if (r < 0)
		return r;
	if (streq(property, "Present"))
		return sd_bus_message_append(reply, "b", (int)p->present);
	if (streq(property, "Bus"))
		return sd_bus_message_append(reply, "s", p->bus ? p->bus->name : "");
	return sd_bus_message_append(reply, "s", p->name);
}

/* (id, name, description, available instances, device api); unreadable: "" and 0. */
static int append_types(sd_bus_message *reply, const struct managed_parent *p)
{
	int r;

	r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_PARENT_TYPE);
	if (r < 0)
		return r;
	for (size_t i = 0; i < p->n_types; i++) {
		const struct mdev_type *t = &p->types[i];

		r = sd_bus_message_append(
		    reply, MDEVVIRTIO_DBUS_PARENT_TYPE, t->id, strempty(t->name),
		    strempty(t->description),
		    (uint32_t)(t->available_instances > 0 ? t->available_instances : 0),
		    strempty(t->device_api));
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int property_get_types(sd_bus *bus, const char *path, const char *interface,
			      const char *property, sd_bus_message *reply, void *userdata,
			      sd_bus_error *error)
{
	const struct managed_parent *p;
	int r;

	r = parent_get(userdata, path, &p, error);
	if (r < 0)
		return r;
	return append_types(reply, p);
}

int bus_parent_append_record(sd_bus_message *reply, const struct managed_parent *p)
{
	int r;

	r = sd_bus_message_open_container(reply, 'r', "ssba" MDEVVIRTIO_DBUS_PARENT_TYPE);
	if (r >= 0)
		r = sd_bus_message_append(reply, "ssb", p->name, p->bus ? p->bus->name : "",
					  (int)p->present);
	if (r >= 0)
		r = append_types(reply, p);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* One entry per line group, as systemd lays out vtables. */
/* clang-format off */
static const sd_bus_vtable parent_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", property_get_scalar, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Bus", "s", property_get_scalar, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Present", "b", property_get_scalar, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Types", "a(sssus)", property_get_types, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_VTABLE_END,
};
/* clang-format on */

int bus_parent_add(struct bus_api *api, sd_bus *bus)
{
	int r;

	r = sd_bus_add_fallback_vtable(bus, NULL, MDEVVIRTIO_DBUS_PARENTS_PATH, MDEVVIRTIO_DBUS_PARENT_INTERFACE,
				       parent_vtable, parent_find, api);
	if (r < 0)
		return r;
	return sd_bus_add_node_enumerator(bus, NULL, MDEVVIRTIO_DBUS_PARENTS_PATH, parent_enumerate, api);
}

void bus_parent_emit(struct bus_api *api, const struct manager_change_event *ev)
{
	/* In the order of enum parent_property's bits. */
	static const char *const names[] = {"Bus", "Present", "Types"};
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_parent_path(ev->id, &path);
	if (r < 0) {
		log_warning_errno(r, "Failed to build the object path of parent %s, ignoring: %m",
				  ev->id);
		return;
	}
	bus_emit_change(api, path, MDEVVIRTIO_DBUS_PARENT_INTERFACE, ev, names, ELEMENTSOF(names));
}
