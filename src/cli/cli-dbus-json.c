/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * D-Bus property values as JSON, for the monitor: s, o, b and the integer
 * types as themselves, as (Device.Status) as an array of strings, a(ss) as
 * [{name: value}], a(sssus) (Parent.Types) as [{"id", "name", "description",
 * "available_instances", "device_api"}], a{sv} (Device.Config) as an object
 * of those, and anything else skipped and shown as its signature.
 */
#include "cli-dbus.h"
#include "cli-json.h"

static struct json_object *read_pairs(sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *a = json_object_new_array();
	const char *k, *v;
	int r;

	if (!a || sd_bus_message_enter_container(m, 'a', "(ss)") < 0)
		return NULL;
	while ((r = sd_bus_message_read(m, "(ss)", &k, &v)) > 0) {
		struct json_object *o = json_object_new_object();

		if (!o || json_object_array_add(a, o) < 0) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, k, json_object_new_string(v));
	}
	if (r < 0 || sd_bus_message_exit_container(m) < 0)
		return NULL;
	return TAKE_PTR(a);
}

static struct json_object *read_types(sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *a = json_object_new_array();
	const char *id, *name, *desc, *api;
	uint32_t avail;
	int r;

	if (!a || sd_bus_message_enter_container(m, 'a', "(sssus)") < 0)
		return NULL;
	while ((r = sd_bus_message_read(m, "(sssus)", &id, &name, &desc, &avail, &api)) > 0) {
		struct json_object *o = json_object_new_object();

		if (!o || json_object_array_add(a, o) < 0) {
			json_object_put(o);
			return NULL;
		}
		json_object_object_add(o, "id", json_object_new_string(id));
		json_object_object_add(o, "name", json_object_new_string(name));
		json_object_object_add(o, "description", json_object_new_string(desc));
		json_object_object_add(o, "available_instances", json_object_new_int64(avail));
		json_object_object_add(o, "device_api", json_object_new_string(api));
	}
	if (r < 0 || sd_bus_message_exit_container(m) < 0)
		return NULL;
	return TAKE_PTR(a);
}

static struct json_object *read_value(sd_bus_message *m, const char *sig);

static struct json_object *read_strings(sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *a = json_object_new_array();
	const char *s;
	int r;

	if (!a || sd_bus_message_enter_container(m, 'a', "s") < 0)
		return NULL;
	while ((r = sd_bus_message_read_basic(m, 's', &s)) > 0)
		if (json_object_array_add(a, json_object_new_string(s)) < 0)
			return NULL;
	if (r < 0 || sd_bus_message_exit_container(m) < 0)
		return NULL;
	return TAKE_PTR(a);
}

/* a{sv} whose values are of the kinds read_value() knows (not nested a{sv}). */
static struct json_object *read_dict(sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	const char *key, *sig;
	int r;

	if (!o || sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
		return NULL;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		struct json_object *v;

		if (sd_bus_message_read_basic(m, 's', &key) < 0 ||
		    sd_bus_message_peek_type(m, NULL, &sig) < 0 ||
		    sd_bus_message_enter_container(m, 'v', sig) < 0)
			return NULL;
		if (streq(sig, "a{sv}")) /* no deeper: shown as its signature */
			v = sd_bus_message_skip(m, sig) < 0 ? NULL : json_object_new_string(sig);
		else
			v = read_value(m, sig);
		if (!v || json_object_object_add(o, key, v) < 0) {
			json_object_put(v);
			return NULL;
		}
		if (sd_bus_message_exit_container(m) < 0 || sd_bus_message_exit_container(m) < 0)
			return NULL;
	}
	if (r < 0 || sd_bus_message_exit_container(m) < 0)
		return NULL;
	return TAKE_PTR(o);
}

static struct json_object *read_value(sd_bus_message *m, const char *sig)
{
	union {
		const char *s;
		int b;
		uint8_t y;
		uint16_t q;
		uint32_t u;
		int32_t i;
		uint64_t t;
		int64_t x;
	} v;

	if (streq(sig, "a(ss)"))
		return read_pairs(m);
	if (streq(sig, "a(sssus)"))
		return read_types(m);
	if (streq(sig, "as"))
		return read_strings(m);
	if (streq(sig, "a{sv}"))
		return read_dict(m);
	if (strlen(sig) != 1 || !strchr("sobyquitx", sig[0])) {
		/* Not a type of ours: skip it, show its signature. */
		if (sd_bus_message_skip(m, sig) < 0)
			return NULL;
		return json_object_new_string(sig);
	}
	if (sd_bus_message_read_basic(m, sig[0], &v) < 0)
		return NULL;
	switch (sig[0]) {
	case 'b':
		return json_object_new_boolean(v.b);
	case 'y':
		return json_object_new_int64(v.y);
	case 'q':
		return json_object_new_int64(v.q);
	case 'u':
		return json_object_new_int64(v.u);
	case 'i':
		return json_object_new_int64(v.i);
	case 't':
		return json_object_new_uint64(v.t);
	case 'x':
		return json_object_new_int64(v.x);
	default:
		return json_object_new_string(v.s);
	}
}

struct json_object *cli_dbus_read_properties_json(sd_bus_message *m)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	const char *name, *sig;
	int r;

	if (!o || sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
		return NULL;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		struct json_object *v;

		if (sd_bus_message_read_basic(m, 's', &name) < 0 ||
		    sd_bus_message_peek_type(m, NULL, &sig) < 0 ||
		    sd_bus_message_enter_container(m, 'v', sig) < 0)
			return NULL;
		v = read_value(m, sig);
		if (!v || json_object_object_add(o, name, v) < 0) {
			json_object_put(v);
			return NULL;
		}
		if (sd_bus_message_exit_container(m) < 0 || sd_bus_message_exit_container(m) < 0)
			return NULL;
	}
	if (r < 0 || sd_bus_message_exit_container(m) < 0)
		return NULL;
	return TAKE_PTR(o);
}
