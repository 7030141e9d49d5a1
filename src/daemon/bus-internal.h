/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the bus-*.c files share: the bus_api context, object paths, the
 * per-object registration functions and the argument readers that validate
 * user input at the boundary (explicit limits, named InvalidArgument errors).
 *
 * Ownership: struct bus_api owns the connection and the event sources it
 * adds; the vtable slots are floating (they live as long as the connection).
 * Pointers into the manager handed to property getters are only valid for
 * the call: a method handler that calls into the manager copies what it needs
 * first.
 */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "bus-access.h"
#include "bus-api.h"
#include "definition.h"
#include "listing-cache.h"
#include "manager.h"


struct bus_api {
	sd_bus *bus;
	sd_event *event;
	struct manager *manager;
	struct listing_cache *listing; /* Manager.ListJSON's answers */
	struct bus_access *access; /* the callers' credentials, by unique name */
	struct bus_private *private; /* the private socket's server, or NULL */
};

/*
 * bus-objects.c: export every object of the API (the Manager, the Device and
 * Parent fallbacks, the ObjectManager) on @bus: the bus connection, or one
 * connection of the private socket. The slots live as long as @bus.
 */
int bus_objects_add(struct bus_api *api, sd_bus *bus);

/*
 * bus-private.c: the private socket, the API served directly (no bus daemon
 * between) to root alone, as systemd's /run/systemd/private is. Listens on
 * @path (made 0600, root's, in a directory made 0755 if missing; a stale
 * socket there is replaced), admits a connection only from UID 0 by its
 * SO_PEERCRED, at most BUS_PRIVATE_CONNECTIONS_MAX at once, and serves the
 * same objects on each, with no signals. Unlinked again by free(). A
 * socket that cannot be set up is logged (warning) and fails the call.
 */
#define BUS_PRIVATE_CONNECTIONS_MAX 256
struct bus_private;
int bus_private_new(struct bus_api *api, const char *path, struct bus_private **ret);
struct bus_private *bus_private_free(struct bus_private *p);

/* bus-manager.c: the Manager object. */
int bus_manager_add(struct bus_api *api, sd_bus *bus);
void bus_manager_emit(struct bus_api *api, const struct manager_change_event *ev);

/* bus-device-path.c: a device's object path, and the device at a path. */
int bus_device_path(const char *uuid, char **ret);
/* The device at @path, NULL unless it is exactly the path of a known device. */
const struct managed_device *bus_device_from_path(struct bus_api *api, const char *path);
/* The same, or a NotFound error; valid for the call only. */
int bus_device_get(struct bus_api *api, const char *path, const struct managed_device **ret,
		   sd_bus_error *error);
/* The UUID of the object @m calls, copied: the manager may change under the call. */
int bus_device_called_uuid(sd_bus_message *m, struct bus_api *api,
			   char ret[static UUID_STRING_LEN + 1], sd_bus_error *error);

/* bus-device.c / bus-parent.c: fallback vtables and node enumerators. */
int bus_device_add(struct bus_api *api, sd_bus *bus);
void bus_device_emit(struct bus_api *api, const struct manager_change_event *ev);
int bus_parent_add(struct bus_api *api, sd_bus *bus);
int bus_parent_path(const char *name, char **ret);
/* One Manager.ListParents record (MDEVVIRTIO_DBUS_PARENT_RECORD): the Parent properties. */
int bus_parent_append_record(sd_bus_message *reply, const struct managed_parent *p);
void bus_parent_emit(struct bus_api *api, const struct manager_change_event *ev);
/*
 * Emit @ev for the object at @path: InterfacesAdded/Removed, or
 * PropertiesChanged naming the properties of @names (one per bit of
 * ev->properties, in bit order) that changed.
 */
void bus_emit_change(struct bus_api *api, const char *path, const char *interface,
		     const struct manager_change_event *ev, const char *const *names,
		     size_t n_names);

/* bus-args.c: reading arguments (the manager validates them). What cannot be
 * decoded fills @error with org.mdevvirtio1.Error.InvalidArgument. */

/* An attribute list a(ss); the strings point into @m (valid while @m is). */
struct bus_attrs {
	struct definition_attr *attrs;
	size_t n;
};
void bus_attrs_done(struct bus_attrs *a);
int bus_read_attrs(sd_bus_message *m, struct bus_attrs *ret, sd_bus_error *error);


/* Modify's a{sv}u: the changes (strings point into @m) and the flags. */
struct bus_changes {
	struct manager_changes changes;
	struct bus_attrs attrs;
};
void bus_changes_done(struct bus_changes *c);
int bus_read_changes(sd_bus_message *m, struct bus_changes *ret, unsigned *ret_flags,
		     sd_bus_error *error);

/* bus-device-virtio.c: the Device properties and methods from the kernel's
 * netlink family (Status, DeviceFeatures, DriverFeatures, Config,
 * GetStatistics, ClearStatistics), for bus-device.c's vtable. */
#define BUS_PROPERTY_GETTER(name)                                                            \
	int name(sd_bus *bus, const char *path, const char *interface, const char *property, \
		 sd_bus_message *reply, void *userdata, sd_bus_error *error)
BUS_PROPERTY_GETTER(bus_device_get_status);
BUS_PROPERTY_GETTER(bus_device_get_features);
BUS_PROPERTY_GETTER(bus_device_get_config);
int bus_device_method_get_statistics(sd_bus_message *m, void *userdata, sd_bus_error *error);
/* Device.Definitions (MDEVVIRTIO_DBUS_DEFINITION array) of @d, appended to @reply. */
int bus_append_definitions(sd_bus_message *reply, const struct managed_device *d);
/* GetStatistics' a{sv} for @s, appended to @reply. */
int bus_append_statistics(sd_bus_message *reply, const struct mdev_nl_stats *s);
int bus_device_method_clear_statistics(sd_bus_message *m, void *userdata, sd_bus_error *error);

/* bus-device-ops.c: Start, Stop, Undefine and Modify on a known, normalised
 * @uuid, for the Manager and the Device objects alike. @method names the
 * call in the access check's message. */
typedef int (*bus_device_op_fn)(struct manager *m, const char *uuid, struct manager_error *error);
int bus_device_op(sd_bus_message *m, struct bus_api *api, const char *uuid, const char *method,
		  bus_device_op_fn op, sd_bus_error *error);
/* The same with the call's @flags, for the calls that may name the
 * definition's @parent (NULL or "": the only one); the reply is the
 * warnings ("as", see bus_append_warnings). */
typedef int (*bus_device_op_on_fn)(struct manager *m, const char *parent, const char *uuid,
				   unsigned flags, struct manager_error *error);
int bus_device_op_on(sd_bus_message *m, struct bus_api *api, const char *parent,
		     const char *uuid, unsigned flags, const char *method, bus_device_op_on_fn op,
		     sd_bus_error *error);
/* Reads Modify's a{sv}u from @m, then changes the device (its definition on
 * @parent); with @warnings the reply is bus_append_warnings()'s "as". */
int bus_device_modify(sd_bus_message *m, struct bus_api *api, const char *parent,
		      const char *uuid, const char *method, bool warnings, sd_bus_error *error);
/* What a call that went ahead must tell its caller (@e's warning: a forced
 * pre callout refusal), as "as": empty, or one message. */
int bus_append_warnings(sd_bus_message *reply, const struct manager_error *e);
