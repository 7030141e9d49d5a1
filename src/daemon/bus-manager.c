/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The org.mdevvirtio1.Manager interface at /org/mdevvirtio1: the methods of
 * DESIGN.md §3 addressed by UUID, the Version and BadDefinitions properties
 * (PropertiesChanged when the manager reports its bad files changed).
 *
 * Every changing method: read args, validate, authorize, call the manager
 * (which persists and reports changes through the change callback), reply.
 */
#include <errno.h>
#include <inttypes.h>
#include <unistd.h>

#include "bus-access.h"
#include "bus-error.h"
#include "bus-internal.h"
#include "log.h"

#ifndef MDEVVIRTIO_VERSION
#define MDEVVIRTIO_VERSION "unknown"
#endif

/* Define's reply: the object and the UUID, and with @e (the WithFlags forms) the warnings. */
static int reply_device(sd_bus_message *m, const char *uuid, const struct manager_error *e)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_device_path(uuid, &path);
	if (r >= 0)
		r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "os", path, uuid);
	if (r >= 0 && e)
		r = bus_append_warnings(reply, e);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

/* Define(ssssa(ss)), and with @with_flags DefineWithFlags(ssssa(ss)u). */
static int define_call(sd_bus_message *m, struct bus_api *api, bool with_flags,
		       sd_bus_error *error)
{
	_cleanup_(bus_attrs_done) struct bus_attrs attrs = {};
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *uuid_arg, *type, *start;
	uint32_t flags = 0;
	int r;

	r = sd_bus_message_read(m, "ssss", &parent, &uuid_arg, &type, &start);
	if (r < 0)
		return r;
	r = bus_read_attrs(m, &attrs, error);
	if (r < 0)
		return r;
	if (with_flags && (r = sd_bus_message_read(m, "u", &flags)) < 0)
		return r;
	r = bus_access_check(api->access, m, with_flags ? "DefineWithFlags" : "Define", error);
	if (r < 0)
		return r;

	r = manager_define_flags(api->manager, parent, uuid_arg, type, start, attrs.attrs,
				 attrs.n, flags, &uuid, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid, with_flags ? &e : NULL);
}

static int method_define(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return define_call(m, userdata, false, error);
}

static int method_define_with_flags(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return define_call(m, userdata, true, error);
}

/* DefineJSON(sss), and with @with_flags DefineJSONWithFlags(sssu). */
static int define_json_call(sd_bus_message *m, struct bus_api *api, bool with_flags,
			    sd_bus_error *error)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *uuid_arg, *json;
	uint32_t flags = 0;
	int r;

	r = sd_bus_message_read(m, "sss", &parent, &uuid_arg, &json);
	if (r < 0)
		return r;
	if (with_flags && (r = sd_bus_message_read(m, "u", &flags)) < 0)
		return r;
	r = bus_access_check(api->access, m, with_flags ? "DefineJSONWithFlags" : "DefineJSON", error);
	if (r < 0)
		return r;

	r = manager_define_json_flags(api->manager, parent, uuid_arg, json, flags, &uuid, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid, with_flags ? &e : NULL);
}

static int method_define_json(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return define_json_call(m, userdata, false, error);
}

static int method_define_json_with_flags(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return define_json_call(m, userdata, true, error);
}

/* StartTransient(sssa(ss)), and with @with_flags StartTransientWithFlags(sssa(ss)u). */
static int start_transient_call(sd_bus_message *m, struct bus_api *api, bool with_flags,
				sd_bus_error *error)
{
	_cleanup_(bus_attrs_done) struct bus_attrs attrs = {};
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL;
	const char *parent, *type, *uuid_arg;
	uint32_t flags = 0;
	int r;

	r = sd_bus_message_read(m, "sss", &parent, &type, &uuid_arg);
	if (r < 0)
		return r;
	r = bus_read_attrs(m, &attrs, error);
	if (r < 0)
		return r;
	if (with_flags && (r = sd_bus_message_read(m, "u", &flags)) < 0)
		return r;
	r = bus_access_check(api->access, m,
			     with_flags ? "StartTransientWithFlags" : "StartTransient", error);
	if (r < 0)
		return r;

	r = manager_start_transient_flags(api->manager, parent, type, uuid_arg, attrs.attrs,
					  attrs.n, flags, &uuid, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_device(m, uuid, with_flags ? &e : NULL);
}

static int method_start_transient(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return start_transient_call(m, userdata, false, error);
}

static int method_start_transient_with_flags(sd_bus_message *m, void *userdata,
					     sd_bus_error *error)
{
	return start_transient_call(m, userdata, true, error);
}

/* Undefine, Start, Stop and Modify: the UUID is the first argument. A NULL
 * @op is Modify, whose changes follow. */
static int manager_device_method(sd_bus_message *m, struct bus_api *api, const char *method,
				 bus_device_op_fn op, sd_bus_error *error)
{
	const char *uuid;
	int r;

	r = sd_bus_message_read(m, "s", &uuid);
	if (r < 0)
		return r;
	if (!op)
		return bus_device_modify(m, api, NULL, uuid, method, false, error);
	return bus_device_op(m, api, uuid, method, op, error);
}

/* StartOnParent, UndefineOnParent (parent, UUID, flags) and ModifyOnParent
 * (parent and UUID first; a NULL @op): the reply is the warnings. */
static int manager_definition_method(sd_bus_message *m, struct bus_api *api, const char *method,
				     bus_device_op_on_fn op, sd_bus_error *error)
{
	const char *parent, *uuid;
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "ss", &parent, &uuid);
	if (r < 0)
		return r;
	if (!op)
		return bus_device_modify(m, api, parent, uuid, method, true, error);
	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	return bus_device_op_on(m, api, parent, uuid, flags, method, op, error);
}

/* StopWithFlags as a bus_device_op_on_fn: only one device of a UUID runs, there is no parent. */
static int stop_with_flags(struct manager *manager, const char *parent, const char *uuid,
			   unsigned flags, struct manager_error *e)
{
	return manager_stop_flags(manager, uuid, flags, e);
}

static int method_stop_with_flags(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	const char *uuid;
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "su", &uuid, &flags);
	if (r < 0)
		return r;
	return bus_device_op_on(m, userdata, NULL, uuid, flags, "StopWithFlags", stop_with_flags,
				error);
}

static int method_undefine_on_parent(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_definition_method(m, userdata, "UndefineOnParent", manager_undefine_on,
					 error);
}

static int method_start_on_parent(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_definition_method(m, userdata, "StartOnParent", manager_start_on, error);
}

static int method_modify_on_parent(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return manager_definition_method(m, userdata, "ModifyOnParent", NULL, error);
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

	r = bus_access_check(api->access, m, "Reload", error);
	if (r < 0)
		return r;
	r = manager_reload(api->manager, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return sd_bus_reply_method_return(m, NULL);
}

/* One ListDevices record: the Device properties in the order of MDEVVIRTIO_DBUS_DEVICE_RECORD. */
static int append_device_record(sd_bus_message *reply, const struct managed_device *d)
{
	int r;

	r = sd_bus_message_open_container(reply, 'r', "sssssbbssa(ss)sa(ss)ta" MDEVVIRTIO_DBUS_DEFINITION);
	if (r < 0)
		return r;
	r = sd_bus_message_append(reply, "sssssbbss", d->uuid, strempty(d->parent),
				  strempty(d->type), strempty(d->class),
				  definition_start_to_string(d->start), (int)d->defined,
				  (int)d->active, device_state_to_string(d->state),
				  strempty(d->last_error));
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "(ss)");
	for (size_t i = 0; r >= 0 && i < d->n_attrs; i++)
		r = sd_bus_message_append(reply, "(ss)", d->attrs[i].name, d->attrs[i].value);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "s", strempty(d->driver));
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(ss)");
	for (size_t i = 0; r >= 0 && i < d->n_nodes; i++)
		r = sd_bus_message_append(reply, "(ss)", d->nodes[i].kind, d->nodes[i].name);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "t", d->generation);
	if (r >= 0)
		r = bus_append_definitions(reply, d);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

/*
 * Every device in one reply (with LIST_ACTIVE the running ones): what a
 * listing needs, without one object per device.
 */
static int method_list_devices(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	size_t n = manager_n_devices(api->manager);
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	if (flags & ~MDEVVIRTIO_DBUS_LIST_ACTIVE)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Unknown ListDevices flags 0x%" PRIx32 " (known: 0x%x)",
					 flags & ~MDEVVIRTIO_DBUS_LIST_ACTIVE,
					 MDEVVIRTIO_DBUS_LIST_ACTIVE);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_DEVICE_RECORD);
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct managed_device *d = manager_device_at(api->manager, i);

		if (!(flags & MDEVVIRTIO_DBUS_LIST_ACTIVE) || d->active)
			r = append_device_record(reply, d);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

/* Every parent with its types in one reply: what `types` needs, without an object each. */
static int method_list_parents(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	size_t n = manager_n_parents(api->manager);
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	if (flags != 0)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Unknown ListParents flags 0x%" PRIx32 " (known: none)",
					 flags);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_PARENT_RECORD);
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = bus_parent_append_record(reply, manager_parent_at(api->manager, i));
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
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

/*
 * Up to this size a listing is copied into the reply's body (one pread from
 * the cache's memfd): cheaper than a memfd of the reply's own, and the copy
 * is small next to the model. Above it the copy would be what the daemon's
 * peak memory is made of (2 MB at 10,000 devices), so the reply gets a memfd.
 */
#define LIST_JSON_COPY_MAX (1024 * 1024)

static int append_listing(sd_bus_message *reply, struct listing_cache *cache,
			  enum listing_kind kind)
{
	_cleanup_close_ int own = -1;
	size_t size, done = 0;
	uint8_t *p;
	int fd, r;

	r = listing_cache_get(cache, kind, &fd, &size);
	if (r < 0)
		return r;
	if (size > LIST_JSON_COPY_MAX) {
		r = listing_cache_open(cache, kind, &own, &size);
		if (r < 0)
			return r;
		return sd_bus_message_append_array_memfd(reply, 'y', own, 0, size);
	}
	r = sd_bus_message_append_array_space(reply, 'y', size, (void **)&p);
	if (r < 0)
		return r;
	while (done < size) {
		ssize_t n = pread(fd, p + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		done += (size_t)n;
	}
	return 0;
}

/* ListJSON's and ListJSONByFileDescriptor's flags as a listing; -EINVAL
 * (InvalidArgument, naming @method and the bits) for an unknown bit. */
static int read_listing_kind(sd_bus_message *m, const char *method, enum listing_kind *ret,
			     sd_bus_error *error)
{
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	if (flags & ~MDEVVIRTIO_DBUS_LIST_DEFINED)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Unknown %s flags 0x%" PRIx32 " (known: 0x%x)", method,
					 flags & ~MDEVVIRTIO_DBUS_LIST_DEFINED,
					 MDEVVIRTIO_DBUS_LIST_DEFINED);
	*ret = flags & MDEVVIRTIO_DBUS_LIST_DEFINED ? LISTING_DEFINED : LISTING_RUNNING;
	return 0;
}

/*
 * A listing pre-rendered as mdevctl prints it (listing-cache.h), with the bad
 * files a listing warns about, whatever the number of devices: the bytes are
 * copied from the cache, or for a large listing go in a memfd the kernel
 * fills from the cache's, which sd-bus maps only while it writes the reply
 * to the socket (no copy in the daemon's heap).
 */
static int method_list_json(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	enum listing_kind kind = LISTING_RUNNING;
	int r;

	r = read_listing_kind(m, "ListJSON", &kind, error);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = append_listing(reply, api->listing, kind);
	if (r >= 0)
		r = property_get_bad_definitions(NULL, NULL, NULL, NULL, reply, api, error);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

/*
 * The same listing as a read-only descriptor of the cached memfd itself (as
 * systemd's DumpByFileDescriptor): no byte of it crosses the bus, which
 * carries the descriptor only; the caller maps or reads it.
 */
static int method_list_json_by_fd(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct bus_api *api = userdata;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_close_ int fd = -1;
	enum listing_kind kind = LISTING_RUNNING;
	size_t size;
	int r;

	r = read_listing_kind(m, "ListJSONByFileDescriptor", &kind, error);
	if (r < 0)
		return r;
	r = listing_cache_open_read_only(api->listing, kind, &fd, &size);
	if (r >= 0)
		r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "h", fd);
	if (r >= 0)
		r = property_get_bad_definitions(NULL, NULL, NULL, NULL, reply, api, error);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
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
	SD_BUS_METHOD_WITH_ARGS("DefineWithFlags",
				SD_BUS_ARGS("s", parent, "s", uuid, "s", type, "s", start,
					    "a(ss)", attrs, "u", flags),
				SD_BUS_RESULT("o", device, "s", uuid, "as", warnings),
				method_define_with_flags, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("DefineJSONWithFlags",
				SD_BUS_ARGS("s", parent, "s", uuid, "s", json, "u", flags),
				SD_BUS_RESULT("o", device, "s", uuid, "as", warnings),
				method_define_json_with_flags, SD_BUS_VTABLE_UNPRIVILEGED),
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
	SD_BUS_METHOD_WITH_ARGS("StartTransientWithFlags",
				SD_BUS_ARGS("s", parent, "s", type, "s", uuid, "a(ss)", attrs,
					    "u", flags),
				SD_BUS_RESULT("o", device, "s", uuid, "as", warnings),
				method_start_transient_with_flags, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Stop",
				SD_BUS_ARGS("s", uuid),
				SD_BUS_NO_RESULT,
				method_stop, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("StopWithFlags",
				SD_BUS_ARGS("s", uuid, "u", flags),
				SD_BUS_RESULT("as", warnings),
				method_stop_with_flags, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Modify",
				SD_BUS_ARGS("s", uuid, "a{sv}", changes, "u", flags),
				SD_BUS_NO_RESULT,
				method_modify, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("UndefineOnParent",
				SD_BUS_ARGS("s", parent, "s", uuid, "u", flags),
				SD_BUS_RESULT("as", warnings),
				method_undefine_on_parent, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("StartOnParent",
				SD_BUS_ARGS("s", parent, "s", uuid, "u", flags),
				SD_BUS_RESULT("as", warnings),
				method_start_on_parent, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ModifyOnParent",
				SD_BUS_ARGS("s", parent, "s", uuid, "a{sv}", changes, "u", flags),
				SD_BUS_RESULT("as", warnings),
				method_modify_on_parent, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListDevices",
				SD_BUS_ARGS("u", flags),
				SD_BUS_RESULT("a" MDEVVIRTIO_DBUS_DEVICE_RECORD, devices),
				method_list_devices, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListParents",
				SD_BUS_ARGS("u", flags),
				SD_BUS_RESULT("a" MDEVVIRTIO_DBUS_PARENT_RECORD, parents),
				method_list_parents, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListJSON",
				SD_BUS_ARGS("u", flags),
				SD_BUS_RESULT("ay", json, "a(ss)", bad_definitions),
				method_list_json, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("ListJSONByFileDescriptor",
				SD_BUS_ARGS("u", flags),
				SD_BUS_RESULT("h", json, "a(ss)", bad_definitions),
				method_list_json_by_fd, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("Reload",
				SD_BUS_NO_ARGS,
				SD_BUS_NO_RESULT,
				method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END,
};
/* clang-format on */

int bus_manager_add(struct bus_api *api, sd_bus *bus)
{
	return sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH,
					MDEVVIRTIO_DBUS_MANAGER_INTERFACE, manager_vtable, api);
}

void bus_manager_emit(struct bus_api *api, const struct manager_change_event *ev)
{
	/* In the order of enum manager_property's bits. */
	static const char *const names[] = {"BadDefinitions"};

	bus_emit_change(api, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE, ev,
			names, ELEMENTSOF(names));
}
