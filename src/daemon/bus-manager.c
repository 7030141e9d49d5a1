/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The org.mdevvirtio1.Manager interface at /org/mdevvirtio1: the methods of
 * DESIGN.md §3 addressed by UUID, the Version and BadDefinitions properties,
 * and the watcher that emits PropertiesChanged for BadDefinitions (the
 * manager reports device and parent changes, not bad files, so the list is
 * compared after every event loop iteration instead).
 *
 * Every changing method: read args, validate, authorize, call the manager
 * (which persists and reports changes through the change callback), reply.
 */
#include <errno.h>

#include "bus-access.h"
#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"
#include "name-check.h"

#ifndef MDEVVIRTIO_VERSION
#define MDEVVIRTIO_VERSION "unknown"
#endif

static int reply_device(sd_bus_message *m, const char *uuid)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_device_path(uuid, &path);
	if (r < 0)
		return r;
	return sd_bus_reply_method_return(m, "os", path, uuid);
}

static int method_define(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(bus_attrs_done) struct bus_attrs attrs = {};
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *uuid_arg, *type, *start;
	char norm[UUID_STRING_LEN + 1];
	int r;

	r = sd_bus_message_read(m, "ssss", &parent, &uuid_arg, &type, &start);
	if (r < 0)
		return r;
	r = bus_read_attrs(m, &attrs, error);
	if (r < 0)
		return r;
	if ((r = bus_check_name(parent, NAME_MAX_PARENT, "parent", error)) < 0 ||
	    (r = bus_check_uuid(uuid_arg, true, norm, error)) < 0 ||
	    (r = bus_check_name(type, NAME_MAX_TYPE, "type", error)) < 0 ||
	    (r = bus_check_start(start, error)) < 0)
		return r;
	r = bus_access_check(m, "Define", error);
	if (r < 0)
		return r;

	r = manager_define(api->manager, parent, norm, type, start, attrs.attrs, attrs.n, &uuid,
			   &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid ? uuid : norm);
}

static int method_define_json(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *uuid_arg, *json;
	char norm[UUID_STRING_LEN + 1];
	int r;

	r = sd_bus_message_read(m, "sss", &parent, &uuid_arg, &json);
	if (r < 0)
		return r;
	if ((r = bus_check_name(parent, NAME_MAX_PARENT, "parent", error)) < 0 ||
	    (r = bus_check_uuid(uuid_arg, true, norm, error)) < 0)
		return r;
	if (strlen(json) > DEFINITION_JSON_SIZE_MAX)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "JSON definition is larger than %d bytes",
					 DEFINITION_JSON_SIZE_MAX);
	r = bus_access_check(m, "DefineJSON", error);
	if (r < 0)
		return r;

	r = manager_define_json(api->manager, parent, norm, json, &uuid, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid ? uuid : norm);
}

static int method_start_transient(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(bus_attrs_done) struct bus_attrs attrs = {};
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *type, *uuid_arg;
	char norm[UUID_STRING_LEN + 1];
	int r;

	r = sd_bus_message_read(m, "sss", &parent, &type, &uuid_arg);
	if (r < 0)
		return r;
	r = bus_read_attrs(m, &attrs, error);
	if (r < 0)
		return r;
	if ((r = bus_check_name(parent, NAME_MAX_PARENT, "parent", error)) < 0 ||
	    (r = bus_check_name(type, NAME_MAX_TYPE, "type", error)) < 0 ||
	    (r = bus_check_uuid(uuid_arg, true, norm, error)) < 0)
		return r;
	r = bus_access_check(m, "StartTransient", error);
	if (r < 0)
		return r;

	r = manager_start_transient(api->manager, parent, type, norm, attrs.attrs, attrs.n, &uuid,
				    &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid ? uuid : norm);
}

/* Undefine, Start, Stop and Modify: the UUID is the first argument. A NULL
 * @op is Modify, whose changes follow. */
static int manager_device_method(sd_bus_message *m, struct bus_api *api, const char *method,
				 bus_device_op_fn op, sd_bus_error *error)
{
	char norm[UUID_STRING_LEN + 1];
	const char *uuid;
	int r;

	r = sd_bus_message_read(m, "s", &uuid);
	if (r < 0)
		return r;
	r = bus_check_uuid(uuid, false, norm, error);
	if (r < 0)
		return r;
	if (!op)
		return bus_device_modify(m, api, norm, error);
	return bus_device_op(m, api, norm, method, op, error);
}

static int method_undefine(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_device_method(m, userdata, "Undefine", manager_undefine, error);
}

static int method_start(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_device_method(m, userdata, "Start", manager_start, error);
}

static int method_stop(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_device_method(m, userdata, "Stop", manager_stop, error);
}

static int method_modify(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_device_method(m, userdata, "Modify", NULL, error);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(manager_error_done) struct manager_error e = {};
	int r;

	r = bus_access_check(m, "Reload", error);
	if (r < 0)
		return r;
	r = manager_reload(api->manager, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return sd_bus_reply_method_return(m, NULL);
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", MDEVVIRTIO_VERSION);
}

/* Paths are raw file system bytes and D-Bus strings must be UTF-8: anything
 * but printable ASCII becomes '?'. */
static char *printable_copy(const char *s)
{
	char *c = strdup(strempty(s));

	for (char *p = c; p && *p; p++)
		if (*p < 0x20 || *p >= 0x7f)
			*p = '?';
	return c;
}

static int property_get_bad_definitions(sd_bus *bus, const char *path, const char *interface,
					const char *property, sd_bus_message *reply, void *userdata,
					sd_bus_error *error)
{
	struct bus_api *api = userdata;
	const struct definition_bad_file *bad;
	size_t n;
	int r;

	bad = manager_bad_files(api->manager, &n);
	r = sd_bus_message_open_container(reply, 'a', "(ss)");
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *file = printable_copy(bad[i].path);

		if (!file)
			return -ENOMEM;
		r = sd_bus_message_append(reply, "(ss)", file, strempty(bad[i].reason));
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

/* One entry per line group, as systemd lays out vtables. */
/* clang-format off */
static const sd_bus_vtable manager_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("BadDefinitions", "a(ss)", property_get_bad_definitions, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD_WITH_ARGS("Define",
				SD_BUS_ARGS("s", parent, "s", uuid, "s", type, "s", start,
					    "a(ss)", attrs),
				SD_BUS_RESULT("o", device, "s", uuid),
				method_define, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DefineJSON",
				SD_BUS_ARGS("s", parent, "s", uuid, "s", json),
				SD_BUS_RESULT("o", device, "s", uuid),
				method_define_json, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Undefine",
				SD_BUS_ARGS("s", uuid),
				SD_BUS_NO_RESULT,
				method_undefine, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Start",
				SD_BUS_ARGS("s", uuid),
				SD_BUS_NO_RESULT,
				method_start, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("StartTransient",
				SD_BUS_ARGS("s", parent, "s", type, "s", uuid, "a(ss)", attrs),
				SD_BUS_RESULT("o", device, "s", uuid),
				method_start_transient, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Stop",
				SD_BUS_ARGS("s", uuid),
				SD_BUS_NO_RESULT,
				method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Modify",
				SD_BUS_ARGS("s", uuid, "a{sv}", changes, "u", flags),
				SD_BUS_NO_RESULT,
				method_modify, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};
/* clang-format on */

/* The bad files as a strv of path, reason, path, reason, ... */
static int bad_files_snapshot(struct manager *m, char ***ret)
{
	_cleanup_strv_free_ char **l = NULL;
	const struct definition_bad_file *bad;
	size_t n;

	bad = manager_bad_files(m, &n);
	l = calloc(2 * n + 1, sizeof(char *));
	if (!l)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		l[2 * i] = strdup(strempty(bad[i].path));
		if (!l[2 * i])
			return -ENOMEM;
		l[2 * i + 1] = strdup(strempty(bad[i].reason));
		if (!l[2 * i + 1])
			return -ENOMEM;
	}
	*ret = TAKE_PTR(l);
	return 0;
}

static bool strv_equal(char **a, char **b)
{
	for (; *a && *b; a++, b++)
		if (!streq(*a, *b))
			return false;
	return !*a && !*b;
}

static int on_post_check_bad_files(sd_event_source *s, void *userdata)
{
	struct bus_api *api = userdata;
	_cleanup_strv_free_ char **now = NULL;
	int r;

	r = bad_files_snapshot(api->manager, &now);
	if (r < 0)
		return log_debug_errno(r, "Failed to snapshot bad definitions, ignoring: %m");
	if (api->bad_files_seen && strv_equal(api->bad_files_seen, now))
		return 0;

	strv_free(api->bad_files_seen);
	api->bad_files_seen = TAKE_PTR(now);
	r = sd_bus_emit_properties_changed(api->bus, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE,
					   "BadDefinitions", NULL);
	if (r < 0)
		log_debug_errno(r, "Failed to emit BadDefinitions change, ignoring: %m");
	return 0;
}

int bus_manager_add(struct bus_api *api)
{
	int r;

	r = sd_bus_add_object_vtable(api->bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE,
				     manager_vtable, api);
	if (r < 0)
		return r;

	r = bad_files_snapshot(api->manager, &api->bad_files_seen);
	if (r < 0)
		return r;
	/* Post sources run after every iteration in which anything else ran. */
	return sd_event_add_post(api->event, &api->bad_files_source, on_post_check_bad_files, api);
}

void bus_manager_done(struct bus_api *api)
{
	api->bad_files_source = sd_event_source_disable_unref(api->bad_files_source);
	api->bad_files_seen = strv_free(api->bad_files_seen);
}
