/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * struct cli_backend over D-Bus: each operation is one method call on
 * org.mdevvirtio1.Manager, "list" is one ListDevices (of the running
 * devices only without --defined; the unfiltered --dumpjson listings one
 * ListJSON, the daemon's pre-rendered bytes), "types" one ListParents. The
 * connection is the backend's userdata and is closed by free(): for root,
 * the daemon's private socket when it serves one, else the system bus
 * (monitor, which needs signals, always the bus).
 */
#include <stdarg.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli-dbus.h"
#include "log.h"
#include "root-path.h"

static int call(sd_bus *bus, sd_bus_message *req, sd_bus_error *error, sd_bus_message **reply)
{
	/* Starting a device may wait for the kernel and a driver to bind. */
	return cli_dbus_call(bus, req, 120 * 1000000ULL, error, reply);
}

static int new_call(sd_bus *bus, const char *method, sd_bus_message **ret)
{
	return sd_bus_message_new_method_call(bus, ret, MDEVVIRTIO_DBUS_NAME, MDEVVIRTIO_DBUS_ROOT_PATH,
					      MDEVVIRTIO_DBUS_MANAGER_INTERFACE, method);
}

/* sd_bus_call_method() without its wait for Hello (cli-dbus-call.c), with
 * sd-bus's default timeout: @member of @interface on @path, @types (NULL:
 * no arguments) and the arguments. */
static int call_method(sd_bus *bus, const char *path, const char *interface, const char *member,
		       sd_bus_error *error, sd_bus_message **reply, const char *types, ...)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	va_list ap;
	int r;

	r = sd_bus_message_new_method_call(bus, &req, MDEVVIRTIO_DBUS_NAME, path, interface,
					   member);
	if (r < 0)
		return r;
	if (types) {
		va_start(ap, types);
		r = sd_bus_message_appendv(req, types, ap);
		va_end(ap);
		if (r < 0)
			return r;
	}
	return cli_dbus_call(bus, req, 0, error, reply);
}

static int append_attrs(sd_bus_message *m, const struct cli_attr *attrs, size_t n)
{
	int r = sd_bus_message_open_container(m, 'a', "(ss)");

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = sd_bus_message_append(m, "(ss)", attrs[i].name, attrs[i].value);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* The "as" of warnings a call with flags returns (a forced refusal), printed as warnings. */
static int print_warnings(sd_bus_message *reply)
{
	const char *w;
	int r;

	r = sd_bus_message_enter_container(reply, 'a', "s");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(reply, "s", &w)) > 0)
		log_warning("%s", w);
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(reply);
}

/* Send @req and read the (o device, s uuid[, as warnings]) reply's UUID. */
static int call_returning_uuid(sd_bus *bus, sd_bus_message *req, bool warnings,
			       char **ret_uuid, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *path, *uuid;
	int r;

	r = call(bus, req, error, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "os", &path, &uuid);
	if (r >= 0 && warnings)
		r = print_warnings(reply);
	if (r < 0)
		return r;
	*ret_uuid = strdup(uuid);
	return *ret_uuid ? 0 : -ENOMEM;
}

/* Send @req, whose reply is nothing, or with @warnings the "as" of warnings. */
static int call_returning_warnings(sd_bus *bus, sd_bus_message *req, bool warnings,
				   sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = call(bus, req, error, &reply);
	if (r < 0 || !warnings)
		return r;
	return print_warnings(reply);
}

/*
 * Every device, or with MDEVVIRTIO_DBUS_LIST_ACTIVE in @flags the running
 * ones: one ListDevices call. A daemon that refuses the flag gets the call
 * without it, one without ListDevices GetManagedObjects (which also brings
 * the parents; nothing that loads everything needs them): the verbs select
 * the running devices themselves.
 */
static int load_all(sd_bus *bus, uint32_t flags, struct cli_model **ret, sd_bus_error *error)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	int r;

	r = call_method(bus, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE,
			"ListDevices", &e, &reply, "u", flags);
	if (r < 0 && flags && sd_bus_error_has_name(&e, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT))
		return load_all(bus, 0, ret, error);
	if (r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
		r = call_method(bus, MDEVVIRTIO_DBUS_ROOT_PATH,
				"org.freedesktop.DBus.ObjectManager", "GetManagedObjects", error,
				&reply, NULL);
		if (r < 0)
			return r;
		return cli_dbus_read_managed_objects(reply, ret);
	}
	if (r < 0) {
		sd_bus_error_move(error, &e);
		return r;
	}
	m = cli_model_new();
	if (!m)
		return -ENOMEM;
	r = cli_dbus_read_device_list(reply, m);
	if (r >= 0)
		r = cli_model_finish(m);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

static const char *iface_name(enum cli_dbus_iface iface)
{
	switch (iface) {
	case CLI_DBUS_MANAGER:
		return MDEVVIRTIO_DBUS_MANAGER_INTERFACE;
	case CLI_DBUS_DEVICE:
		return MDEVVIRTIO_DBUS_DEVICE_INTERFACE;
	default:
		return MDEVVIRTIO_DBUS_PARENT_INTERFACE;
	}
}

/* A Properties.GetAll of @iface on @path, sent (not waited for) into @p. */
static int send_get_all(sd_bus *bus, const char *path, enum cli_dbus_iface iface,
			struct cli_dbus_pending *p)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &req, MDEVVIRTIO_DBUS_NAME, path,
					   "org.freedesktop.DBus.Properties", "GetAll");
	if (r >= 0)
		r = sd_bus_message_append(req, "s", iface_name(iface));
	if (r < 0)
		return r;
	return cli_dbus_send(bus, req, 0, p);
}

/*
 * The reply of send_get_all(): the properties into a new device or parent of
 * @m. An object that is not there (gone since it was listed, or never was)
 * adds nothing and is no error.
 */
static int read_object(sd_bus *bus, struct cli_dbus_pending *p, enum cli_dbus_iface iface,
		       struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	void *target;
	int r;

	r = cli_dbus_wait(bus, p, &e, &reply);
	if (r < 0) {
		if (sd_bus_error_has_names(&e, SD_BUS_ERROR_UNKNOWN_OBJECT,
					   SD_BUS_ERROR_UNKNOWN_INTERFACE))
			return 0;
		sd_bus_error_move(error, &e);
		return r;
	}
	target = iface == CLI_DBUS_DEVICE ? (void *)cli_model_add_device(m)
					  : (void *)cli_model_add_parent(m);
	if (!target)
		return -ENOMEM;
	return cli_dbus_read_properties(reply, iface, target);
}

/* One object's properties of @iface into a new device or parent of @m. */
static int load_object(sd_bus *bus, const char *path, enum cli_dbus_iface iface,
		       struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(cli_dbus_pending_done) struct cli_dbus_pending p = {0};
	int r;

	r = send_get_all(bus, path, iface, &p);
	if (r < 0)
		return r;
	return read_object(bus, &p, iface, m, error);
}

/* The reply of send_get_all() of the manager: its properties into @m. */
static int read_manager(sd_bus *bus, struct cli_dbus_pending *p, struct cli_model *m,
			sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = cli_dbus_wait(bus, p, error, &reply);
	if (r < 0)
		return r;
	return cli_dbus_read_properties(reply, CLI_DBUS_MANAGER, m);
}

/*
 * GetManagedObjects lists the objects below the manager, not the manager
 * itself: its properties (BadDefinitions) take a GetAll of their own.
 */
static int dbus_load_manager(sd_bus *bus, struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(cli_dbus_pending_done) struct cli_dbus_pending p = {0};
	int r;

	r = send_get_all(bus, MDEVVIRTIO_DBUS_ROOT_PATH, CLI_DBUS_MANAGER, &p);
	if (r < 0)
		return r;
	return read_manager(bus, &p, m, error);
}

/*
 * One device and the manager's properties (BadDefinitions), both asked before
 * either reply is read: with the connection's Hello, one round trip.
 */
static int load_device(sd_bus *bus, const char *uuid, struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(cli_dbus_pending_done) struct cli_dbus_pending dev = {0}, mgr = {0};
	_cleanup_free_ char *path = NULL;
	int r;

	r = sd_bus_path_encode(MDEVVIRTIO_DBUS_DEVICES_PATH, uuid, &path);
	if (r >= 0)
		r = send_get_all(bus, path, CLI_DBUS_DEVICE, &dev);
	if (r >= 0)
		r = send_get_all(bus, MDEVVIRTIO_DBUS_ROOT_PATH, CLI_DBUS_MANAGER, &mgr);
	if (r >= 0)
		r = read_object(bus, &dev, CLI_DBUS_DEVICE, m, error);
	if (r < 0)
		return r;
	return read_manager(bus, &mgr, m, error);
}

/*
 * The parents without every device, from a daemon without ListParents: their
 * object paths from introspecting /org/mdevvirtio1/parents
 * (sd_bus_path_encode'd names are [A-Za-z0-9_] only, so the <node name="..."/>
 * elements need no XML parser), then one GetAll each.
 */
static int load_parent_objects(sd_bus *bus, struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	static const char tag[] = "<node name=\"";
	const char *xml;
	int r;

	r = call_method(bus, MDEVVIRTIO_DBUS_PARENTS_PATH, "org.freedesktop.DBus.Introspectable",
			"Introspect", error, &reply, NULL);
	if (r < 0)
		return r;
	r = sd_bus_message_read(reply, "s", &xml);
	if (r < 0)
		return r;
	for (const char *p = strstr(xml, tag); p; p = strstr(p, tag)) {
		_cleanup_free_ char *path = NULL;
		size_t n;

		p += sizeof(tag) - 1;
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");
		if (n == 0 || p[n] != '"')
			continue;
		if (asprintf(&path, MDEVVIRTIO_DBUS_PARENTS_PATH "/%.*s", (int)n, p) < 0)
			return -ENOMEM;
		r = load_object(bus, path, CLI_DBUS_PARENT, m, error);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The parents and their types: one ListParents call. */
static int load_parents(sd_bus *bus, struct cli_model *m, sd_bus_error *error)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = call_method(bus, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE,
			"ListParents", &e, &reply, "u", UINT32_C(0));
	if (r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD))
		return load_parent_objects(bus, m, error);
	if (r < 0) {
		sd_bus_error_move(error, &e);
		return r;
	}
	return cli_dbus_read_parent_list(reply, m);
}

static int dbus_load(void *userdata, enum cli_load_scope scope, const char *uuid,
		     struct cli_model **ret, sd_bus_error *error)
{
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	sd_bus *bus = userdata;
	int r;

	if (scope == CLI_LOAD_ALL) {
		r = load_all(bus, 0, &m, error);
		if (r < 0)
			return r;
		r = dbus_load_manager(bus, m, error);
	} else if (scope == CLI_LOAD_ACTIVE) {
		r = load_all(bus, MDEVVIRTIO_DBUS_LIST_ACTIVE, &m, error);
	} else {
		m = cli_model_new();
		if (!m)
			return -ENOMEM;
		if (scope == CLI_LOAD_PARENTS)
			r = load_parents(bus, m, error);
		else
			r = load_device(bus, uuid, m, error);
		if (r >= 0)
			r = cli_model_finish(m);
	}
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

/*
 * Whether the bus passes descriptors, without waiting for the handshake that
 * tells (calls go out with the connection's Hello): dbus-daemon on a Unix
 * socket does, and a reply with one could not reach a client that declined
 * them (the bus daemon refuses it to the sender, the daemon). Once the
 * handshake is done, what it said.
 */
static bool bus_passes_fds(sd_bus *bus)
{
	const char *address;

	/* The daemon's private socket, whose server accepts them (sd-bus's default). */
	if (sd_bus_is_bus_client(bus) <= 0)
		return true;
	if (sd_bus_is_ready(bus) > 0)
		return sd_bus_can_send(bus, SD_BUS_TYPE_UNIX_FD) > 0;
	return sd_bus_get_address(bus, &address) >= 0 && strncmp(address, "unix:", 5) == 0;
}

/*
 * Manager.ListJSONByFileDescriptor, where the bus passes descriptors (the
 * document read from it, not relayed by the bus daemon); Manager.ListJSON
 * from a daemon without it or a bus without descriptors; -EOPNOTSUPP from a
 * daemon without either.
 */
static int dbus_list_json(void *userdata, bool defined, char **ret_json, size_t *ret_size,
			  struct cli_model **ret_bad, sd_bus_error *error)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	uint32_t flags = defined ? MDEVVIRTIO_DBUS_LIST_DEFINED : UINT32_C(0);
	int r;

	if (bus_passes_fds(userdata)) {
		r = call_method(userdata, MDEVVIRTIO_DBUS_ROOT_PATH,
				MDEVVIRTIO_DBUS_MANAGER_INTERFACE, "ListJSONByFileDescriptor", &e,
				&reply, "u", flags);
		if (r >= 0)
			return cli_dbus_read_list_json_fd(reply, ret_json, ret_size, ret_bad);
		if (!sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
			sd_bus_error_move(error, &e);
			return r;
		}
		sd_bus_error_free(&e);
	}
	r = call_method(userdata, MDEVVIRTIO_DBUS_ROOT_PATH, MDEVVIRTIO_DBUS_MANAGER_INTERFACE,
			"ListJSON", &e, &reply, "u", flags);
	if (r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD))
		return -EOPNOTSUPP;
	if (r < 0) {
		sd_bus_error_move(error, &e);
		return r;
	}
	return cli_dbus_read_list_json(reply, ret_json, ret_size, ret_bad);
}

/* Without flags the short forms (Define, ...), with them the WithFlags forms. */
static int dbus_define(void *userdata, const char *parent, const char *uuid, const char *type,
		       const char *start, const struct cli_attr *attrs, size_t n_attrs,
		       unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	int r;

	r = new_call(userdata, flags ? "DefineWithFlags" : "Define", &req);
	if (r >= 0)
		r = sd_bus_message_append(req, "ssss", parent, uuid, type, start);
	if (r >= 0)
		r = append_attrs(req, attrs, n_attrs);
	if (r >= 0 && flags)
		r = sd_bus_message_append(req, "u", (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_uuid(userdata, req, flags, ret_uuid, error);
}

static int dbus_define_json(void *userdata, const char *parent, const char *uuid, const char *json,
			    unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	int r;

	r = new_call(userdata, flags ? "DefineJSONWithFlags" : "DefineJSON", &req);
	if (r >= 0)
		r = sd_bus_message_append(req, "sss", parent, uuid, json);
	if (r >= 0 && flags)
		r = sd_bus_message_append(req, "u", (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_uuid(userdata, req, flags, ret_uuid, error);
}

static int dbus_start_transient(void *userdata, const char *parent, const char *type,
				const char *uuid, const struct cli_attr *attrs, size_t n_attrs,
				unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	int r;

	r = new_call(userdata, flags ? "StartTransientWithFlags" : "StartTransient", &req);
	if (r >= 0)
		r = sd_bus_message_append(req, "sss", parent, type, uuid);
	if (r >= 0)
		r = append_attrs(req, attrs, n_attrs);
	if (r >= 0 && flags)
		r = sd_bus_message_append(req, "u", (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_uuid(userdata, req, flags, ret_uuid, error);
}

/*
 * @method("uuid"), or with a @parent or @flags its OnParent form,
 * @method + "OnParent"("parent" or "", "uuid", flags), which returns warnings.
 */
static int call_uuid(sd_bus *bus, const char *method, const char *parent, const char *uuid,
		     unsigned flags, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	bool on_parent = parent || flags;
	char name[32];
	int r;

	snprintf(name, sizeof(name), "%s%s", method, on_parent ? "OnParent" : "");
	r = new_call(bus, name, &req);
	if (r >= 0 && on_parent)
		r = sd_bus_message_append(req, "s", strempty(parent));
	if (r >= 0)
		r = sd_bus_message_append(req, "s", uuid);
	if (r >= 0 && on_parent)
		r = sd_bus_message_append(req, "u", (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_warnings(bus, req, on_parent, error);
}

static int dbus_undefine(void *userdata, const char *parent, const char *uuid, unsigned flags,
			 sd_bus_error *error)
{
	return call_uuid(userdata, "Undefine", parent, uuid, flags, error);
}

static int dbus_start(void *userdata, const char *parent, const char *uuid, unsigned flags,
		      sd_bus_error *error)
{
	return call_uuid(userdata, "Start", parent, uuid, flags, error);
}

static int dbus_stop(void *userdata, const char *uuid, unsigned flags, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	int r;

	if (!flags)
		return call_uuid(userdata, "Stop", NULL, uuid, 0, error);
	r = new_call(userdata, "StopWithFlags", &req);
	if (r >= 0)
		r = sd_bus_message_append(req, "su", uuid, (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_warnings(userdata, req, true, error);
}

static int dbus_statistics(void *userdata, const char *uuid, struct cli_stats **ret,
			   sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	r = sd_bus_path_encode(MDEVVIRTIO_DBUS_DEVICES_PATH, uuid, &path);
	if (r < 0)
		return r;
	r = call_method(userdata, path, MDEVVIRTIO_DBUS_DEVICE_INTERFACE, "GetStatistics", error,
			&reply, NULL);
	if (r < 0)
		return r;
	return cli_dbus_read_statistics(reply, ret);
}

static int append_changes(sd_bus_message *m, const struct cli_changes *ch)
{
	int r = sd_bus_message_open_container(m, 'a', "{sv}");

	if (r >= 0 && ch->type)
		r = sd_bus_message_append(m, "{sv}", "type", "s", ch->type);
	if (r >= 0 && ch->start)
		r = sd_bus_message_append(m, "{sv}", "start", "s", ch->start);
	if (r >= 0 && ch->set_attrs) {
		r = sd_bus_message_open_container(m, 'e', "sv");
		if (r >= 0)
			r = sd_bus_message_append(m, "s", "attrs");
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'v', "a(ss)");
		if (r >= 0)
			r = append_attrs(m, ch->attrs, ch->n_attrs);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	}
	if (r >= 0 && ch->insert_attr)
		r = sd_bus_message_append(m, "{sv}", MDEVVIRTIO_DBUS_CHANGE_ATTR_INSERT, "(iss)",
					  (int32_t)ch->insert_index, ch->insert.name,
					  ch->insert.value);
	if (r >= 0 && ch->delete_attr)
		r = sd_bus_message_append(m, "{sv}", MDEVVIRTIO_DBUS_CHANGE_ATTR_DELETE, "i",
					  (int32_t)ch->delete_index);
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* Modify, or ModifyOnParent ("" for the only one), which returns the warnings --force may bring. */
static int dbus_modify(void *userdata, const char *parent, const char *uuid,
		       const struct cli_changes *changes, unsigned flags, sd_bus_error *error)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *req = NULL;
	bool on_parent = parent || (flags & MDEVVIRTIO_DBUS_FLAG_FORCE);
	int r;

	r = new_call(userdata, on_parent ? "ModifyOnParent" : "Modify", &req);
	if (r >= 0 && on_parent)
		r = sd_bus_message_append(req, "s", strempty(parent));
	if (r >= 0)
		r = sd_bus_message_append(req, "s", uuid);
	if (r >= 0)
		r = append_changes(req, changes);
	if (r >= 0)
		r = sd_bus_message_append(req, "u", (uint32_t)flags);
	if (r < 0)
		return r;
	return call_returning_warnings(userdata, req, on_parent, error);
}

static int dbus_monitor(void *userdata, bool json, FILE *out)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	int r;

	if (sd_bus_is_bus_client(userdata) > 0)
		return cli_dbus_monitor(userdata, json, out);
	/* The private socket carries no signals: they come on the bus. */
	r = sd_bus_open_system(&bus);
	if (r < 0)
		return log_error_errno(r, "Failed to connect to the system bus: %m");
	return cli_dbus_monitor(bus, json, out);
}

static void dbus_free(void *userdata)
{
	sd_bus_flush_close_unref(userdata);
}

/*
 * Where the daemon's private socket is: $MDEVVIRTIO_PRIVATE_SOCKET when set
 * ("" for none); none when $DBUS_SYSTEM_BUS_ADDRESS names a bus (the daemon
 * there need not be the one listening in /run); else
 * MDEVVIRTIO_PRIVATE_SOCKET under the root. NULL in *ret for none.
 */
static int private_socket_path(char **ret)
{
	const char *env = secure_getenv(CLI_PRIVATE_SOCKET_ENV);

	*ret = NULL;
	if (env) {
		if (env[0] != '/')
			return 0;
		*ret = strdup(env);
		return *ret ? 0 : -ENOMEM;
	}
	if (secure_getenv("DBUS_SYSTEM_BUS_ADDRESS"))
		return 0;
	return root_path(MDEVVIRTIO_PRIVATE_SOCKET, ret);
}

/*
 * The daemon's private socket as a direct sd-bus connection, for root, when
 * it is a socket of root's in a directory that only root can write
 * (anything else could be someone else's); NULL in *ret when there is none
 * to use: not root (the socket is root's alone), no daemon listening, or a
 * daemon that does not serve one. The bus is used then.
 */
static int private_connect(sd_bus **ret)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_free_ char *path = NULL;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	char *slash;
	int fd, r;

	*ret = NULL;
	if (geteuid() != 0)
		return 0;
	r = private_socket_path(&path);
	if (r < 0 || !path)
		return r;
	if (strlen(path) >= sizeof(sa.sun_path))
		return 0;
	if (lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode) || st.st_uid != 0)
		return 0;
	strcpy(sa.sun_path, path);
	slash = strrchr(path, '/');
	*slash = '\0';
	if (lstat(slash == path ? "/" : path, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != 0 ||
	    (st.st_mode & 0022))
		return 0;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		log_debug_errno(errno, "Not using %s: %m", sa.sun_path);
		close(fd);
		return 0;
	}
	r = sd_bus_new(&bus);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = sd_bus_set_fd(bus, fd, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	r = sd_bus_start(bus);
	if (r < 0) {
		log_debug_errno(r, "Not using %s: %m", sa.sun_path);
		return 0;
	}
	*ret = TAKE_PTR(bus);
	return 0;
}

int cli_dbus_connect(void *userdata, struct cli_backend *ret)
{
	sd_bus *bus = NULL;
	int r;

	r = private_connect(&bus);
	if (r >= 0 && !bus)
		r = sd_bus_open_system(&bus);
	if (r < 0)
		return r;
	*ret = (struct cli_backend){
	    .userdata = bus,
	    .load = dbus_load,
	    .list_json = dbus_list_json,
	    .define = dbus_define,
	    .define_json = dbus_define_json,
	    .undefine = dbus_undefine,
	    .start = dbus_start,
	    .start_transient = dbus_start_transient,
	    .stop = dbus_stop,
	    .modify = dbus_modify,
	    .statistics = dbus_statistics,
	    .monitor = dbus_monitor,
	    .free = dbus_free,
	};
	return 0;
}
