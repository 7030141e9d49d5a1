/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "monitor": one line per change the daemon announces (InterfacesAdded,
 * InterfacesRemoved, PropertiesChanged under /org/mdevvirtio1), until SIGINT
 * or SIGTERM (exit 0) or the bus goes away (exit 1). Text lines read
 *     device <uuid> changed State=running Active=yes
 * and --json prints one object per line:
 *     {"event":"changed","object":"device","id":"<uuid>","properties":{...}}
 * Property values are converted once, to JSON; text shows strings, booleans
 * and numbers plainly and anything else as compact JSON. The monitor keeps
 * the last value of every property (seeded from GetManagedObjects), so a
 * "changed" line shows only what did change, whatever the daemon sends.
 */
#include <signal.h>
#include <systemd/sd-event.h>

#include "cli-dbus.h"
#include "cli-json.h"
#include "log.h"

struct monitor {
	FILE *out;
	bool json;
	struct json_object *known; /* object path -> { property: last value } */
};

/* The last known properties of @path, created empty on first use. */
static struct json_object *known_of(struct monitor *mon, const char *path)
{
	struct json_object *o;

	if (json_object_object_get_ex(mon->known, path, &o))
		return o;
	o = json_object_new_object();
	if (!o || json_object_object_add(mon->known, path, o) < 0) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/*
 * Record @props as the state of @path; return (a new reference to) the
 * properties whose value differs from what was known before.
 */
static struct json_object *known_update(struct monitor *mon, const char *path,
					struct json_object *props)
{
	_cleanup_json_put_ struct json_object *changed = json_object_new_object();
	struct json_object *known = known_of(mon, path);

	if (!changed || !known)
		return NULL;
	json_object_object_foreach (props, k, v) {
		struct json_object *old;

		if (json_object_object_get_ex(known, k, &old) && json_object_equal(old, v))
			continue;
		if (json_object_object_add(changed, k, json_object_get(v)) < 0 ||
		    json_object_object_add(known, k, json_object_get(v)) < 0)
			return NULL;
	}
	return TAKE_PTR(changed);
}

/* "device"/"parent"/"manager" and the decoded UUID or name; *ret_id is allocated. */
static const char *object_of(const char *path, char **ret_id)
{
	*ret_id = NULL;
	if (sd_bus_path_decode(path, MDEVVIRTIO_DBUS_DEVICES_PATH, ret_id) > 0)
		return "device";
	if (sd_bus_path_decode(path, MDEVVIRTIO_DBUS_PARENTS_PATH, ret_id) > 0)
		return "parent";
	*ret_id = strdup(path);
	return "manager";
}

static void print_text_value(FILE *f, struct json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_string:
		fputs(json_object_get_string(v), f);
		break;
	case json_type_boolean:
		fputs(json_object_get_boolean(v) ? "yes" : "no", f);
		break;
	default:
		cli_json_write(f, v, false);
	}
}

static bool text_worth_showing(struct json_object *v, bool changed)
{
	if (changed)
		return true; /* a property that became empty is news */
	if (json_object_is_type(v, json_type_string))
		return *json_object_get_string(v);
	if (json_object_is_type(v, json_type_array))
		return json_object_array_length(v) > 0;
	return true;
}

static int emit(struct monitor *mon, const char *event, const char *path, struct json_object *props)
{
	_cleanup_free_ char *id = NULL;
	const char *object = object_of(path, &id);

	if (!id)
		return -ENOMEM;
	if (mon->json) {
		_cleanup_json_put_ struct json_object *o = json_object_new_object();

		if (!o)
			return -ENOMEM;
		json_object_object_add(o, "event", json_object_new_string(event));
		json_object_object_add(o, "object", json_object_new_string(object));
		json_object_object_add(o, "id", json_object_new_string(id));
		if (props)
			json_object_object_add(o, "properties", json_object_get(props));
		cli_json_write(mon->out, o, false);
	} else {
		fprintf(mon->out, "%s %s %s", object, id, event);
		if (props) {
			json_object_object_foreach (props, k, v) {
				/* The id already names the object. */
				if (streq(k, "Uuid") || streq(k, "Name") ||
				    !text_worth_showing(v, streq(event, "changed")))
					continue;
				fprintf(mon->out, " %s=", k);
				print_text_value(mon->out, v);
			}
		}
	}
	fputc('\n', mon->out);
	fflush(mon->out);
	return 0;
}

static int on_properties_changed(struct monitor *mon, sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *props = NULL, *changed = NULL;
	const char *iface;

	if (sd_bus_message_read_basic(m, 's', &iface) < 0)
		return 0;
	if (cli_dbus_iface_from_string(iface) == _CLI_DBUS_IFACE_INVALID)
		return 0;
	props = cli_dbus_read_properties_json(m);
	if (!props)
		return 0;
	changed = known_update(mon, sd_bus_message_get_path(m), props);
	if (!changed)
		return -ENOMEM;
	if (json_object_object_length(changed) == 0)
		return 0;
	return emit(mon, "changed", sd_bus_message_get_path(m), changed);
}

static int on_interfaces_added(struct monitor *mon, sd_bus_message *m)
{
	const char *path, *iface;
	int r;

	if (sd_bus_message_read_basic(m, 'o', &path) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "{sa{sv}}") < 0)
		return 0;
	while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
		_cleanup_json_put_ struct json_object *props = NULL;

		if (sd_bus_message_read_basic(m, 's', &iface) < 0)
			return 0;
		if (cli_dbus_iface_from_string(iface) == _CLI_DBUS_IFACE_INVALID) {
			if (sd_bus_message_skip(m, "a{sv}") < 0)
				return 0;
		} else {
			props = cli_dbus_read_properties_json(m);
			if (!props)
				return 0;
			json_object_put(known_update(mon, path, props));
			r = emit(mon, "added", path, props);
			if (r < 0)
				return r;
		}
		if (sd_bus_message_exit_container(m) < 0)
			return 0;
	}
	return 0;
}

static int on_interfaces_removed(struct monitor *mon, sd_bus_message *m)
{
	_cleanup_strv_free_ char **ifaces = NULL;
	const char *path;

	if (sd_bus_message_read_basic(m, 'o', &path) < 0 ||
	    sd_bus_message_read_strv(m, &ifaces) < 0)
		return 0;
	for (char **i = ifaces; i && *i; i++)
		if (cli_dbus_iface_from_string(*i) != _CLI_DBUS_IFACE_INVALID) {
			json_object_object_del(mon->known, path);
			return emit(mon, "removed", path, NULL);
		}
	return 0;
}

/* One object's a{sa{sv}} into the known state, printing nothing. */
static int known_seed_object(struct monitor *mon, sd_bus_message *m, const char *path)
{
	const char *iface;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
	while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
		r = sd_bus_message_read_basic(m, 's', &iface);
		if (r < 0)
			return r;
		if (cli_dbus_iface_from_string(iface) == _CLI_DBUS_IFACE_INVALID)
			r = sd_bus_message_skip(m, "a{sv}");
		else {
			_cleanup_json_put_ struct json_object *props =
			    cli_dbus_read_properties_json(m);

			if (!props)
				return -EBADMSG;
			json_object_put(known_update(mon, path, props));
		}
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
	}
	return r < 0 ? r : sd_bus_message_exit_container(m);
}

/* What the daemon has now, so that the first change shows only what changed. */
static int known_seed(struct monitor *mon, sd_bus *bus)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *path;
	int r;

	r = sd_bus_call_method(bus, MDEVVIRTIO_DBUS_NAME, MDEVVIRTIO_DBUS_ROOT_PATH,
			       "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", NULL,
			       &reply, NULL);
	if (r < 0)
		return r; /* not running yet: every object will be "added" */
	r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}");
	while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}")) > 0) {
		r = sd_bus_message_read_basic(reply, 'o', &path);
		if (r >= 0)
			r = known_seed_object(mon, reply, path);
		if (r >= 0)
			r = sd_bus_message_exit_container(reply);
	}
	return r;
}

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct monitor *mon = userdata;

	if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.Properties", "PropertiesChanged"))
		return on_properties_changed(mon, m);
	if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.ObjectManager", "InterfacesAdded"))
		return on_interfaces_added(mon, m);
	if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.ObjectManager", "InterfacesRemoved"))
		return on_interfaces_removed(mon, m);
	return 0;
}

int cli_dbus_monitor(sd_bus *bus, bool json, FILE *out)
{
	_cleanup_(sd_event_unrefp) sd_event *event = NULL;
	_cleanup_json_put_ struct json_object *known = json_object_new_object();
	struct monitor mon = {.out = out, .json = json, .known = known};
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return log_error_errno(errno, "Failed to block signals: %m");
	r = sd_event_default(&event);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
	if (r < 0)
		return log_error_errno(r, "Failed to set up the event loop: %m");
	r = sd_bus_add_match(bus, NULL,
			     "type='signal',sender='" MDEVVIRTIO_DBUS_NAME
			     "',path_namespace='" MDEVVIRTIO_DBUS_ROOT_PATH "'",
			     on_signal, &mon);
	if (r < 0)
		return log_error_errno(r, "Failed to subscribe to %s: %m", MDEVVIRTIO_DBUS_NAME);
	if (!known)
		return log_oom();
	r = known_seed(&mon, bus);
	if (r < 0)
		log_debug_errno(r, "Could not read the current objects, ignoring: %m");
	r = sd_bus_set_exit_on_disconnect(bus, true);
	if (r >= 0)
		r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return log_error_errno(r, "Failed to attach the bus: %m");
	r = sd_event_loop(event);
	sd_bus_detach_event(bus);
	if (r < 0)
		return log_error_errno(r, "Event loop failed: %m");
	if (r > 0) {
		log_error("Lost the connection to the system bus");
		return -ECONNRESET;
	}
	return 0;
}
