/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The changing calls that address one existing device, shared by the Manager
 * (UUID, and for the *OnParent calls the parent, as arguments) and the Device
 * objects (UUID from the object path):
 * authorize, call the manager, turn its error into a named D-Bus error, reply
 * with nothing, or (the calls with flags) with the warnings of a forced call. @uuid is the caller's (the Manager methods) or the object's
 * (the Device objects); the manager validates it.
 */
#include "bus-access.h"
#include "bus-error.h"
#include "bus-internal.h"

int bus_device_op(sd_bus_message *m, struct bus_api *api, const char *uuid, const char *method,
		  bus_device_op_fn op, sd_bus_error *error)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	int r;

	r = bus_access_check(api->access, m, method, error);
	if (r < 0)
		return r;
	r = op(api->manager, uuid, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return sd_bus_reply_method_return(m, NULL);
}

int bus_append_warnings(sd_bus_message *reply, const struct manager_error *e)
{
	int r;

	r = sd_bus_message_open_container(reply, 'a', "s");
	if (r >= 0 && e->warning)
		r = sd_bus_message_append(reply, "s", e->warning);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
}

static int reply_warnings(sd_bus_message *m, const struct manager_error *e)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = bus_append_warnings(reply, e);
	if (r < 0)
		return r;
	return sd_bus_send(NULL, reply, NULL);
}

int bus_device_op_on(sd_bus_message *m, struct bus_api *api, const char *parent,
		     const char *uuid, unsigned flags, const char *method, bus_device_op_on_fn op,
		     sd_bus_error *error)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	int r;

	r = bus_access_check(api->access, m, method, error);
	if (r < 0)
		return r;
	r = op(api->manager, parent, uuid, flags, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return reply_warnings(m, &e);
}

int bus_device_modify(sd_bus_message *m, struct bus_api *api, const char *parent,
		      const char *uuid, const char *method, bool warnings, sd_bus_error *error)
{
	_cleanup_(bus_changes_done) struct bus_changes c = {};
	_cleanup_(manager_error_done) struct manager_error e = {};
	unsigned flags;
	int r;

	r = bus_read_changes(m, &c, &flags, error);
	if (r < 0)
		return r;
	r = bus_access_check(api->access, m, method, error);
	if (r < 0)
		return r;
	r = manager_modify_on(api->manager, parent, uuid, &c.changes, flags, &e);
	if (r < 0)
		return bus_error_from_manager(error, r, &e);
	return warnings ? reply_warnings(m, &e) : sd_bus_reply_method_return(m, NULL);
}
