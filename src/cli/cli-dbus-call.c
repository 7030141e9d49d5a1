/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Method calls that do not wait for the connection (cli-dbus.h).
 *
 * sd_bus_call() first waits until the bus is running, that is until the bus
 * daemon has answered the connection's Hello, and only then sends the call:
 * a command's first call costs two round trips to the bus. A call sent
 * asynchronously while the connection is still authenticating is queued
 * behind the Hello sd-bus queued at connect time, and both go out together
 * once the bus accepts the authentication; the bus daemon handles them in
 * order, so nothing changes but the wait. Two calls sent before either is
 * waited for go out together the same way (list -u asks for a device and the
 * manager's properties in one round trip).
 *
 * The result is what sd_bus_call() gives: the reply, or the error reply's
 * name and message in @error and its errno, negative; -ETIMEDOUT when
 * sd-bus's timeout passes; the connection's own errors as they come.
 */
#include <errno.h>

#include "cli-dbus.h"

static int on_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct cli_dbus_pending *p = userdata;

	(void)ret_error;
	p->reply = sd_bus_message_ref(m);
	return 1;
}

int cli_dbus_send(sd_bus *bus, sd_bus_message *req, uint64_t usec, struct cli_dbus_pending *p)
{
	*p = (struct cli_dbus_pending){0};
	return sd_bus_call_async(bus, &p->slot, req, on_reply, p, usec);
}

int cli_dbus_wait(sd_bus *bus, struct cli_dbus_pending *p, sd_bus_error *error,
		  sd_bus_message **ret_reply)
{
	sd_bus_message *reply;
	int r;

	while (!p->reply) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, UINT64_MAX);
		if (r < 0 && r != -EINTR)
			return r;
	}
	reply = p->reply;
	p->reply = NULL;
	p->slot = sd_bus_slot_unref(p->slot);
	if (sd_bus_message_is_method_error(reply, NULL)) {
		r = sd_bus_error_copy(error, sd_bus_message_get_error(reply));
		sd_bus_message_unref(reply);
		return r < 0 ? r : -EIO;
	}
	if (ret_reply)
		*ret_reply = reply;
	else
		sd_bus_message_unref(reply);
	return 1;
}

void cli_dbus_pending_done(struct cli_dbus_pending *p)
{
	p->slot = sd_bus_slot_unref(p->slot);
	p->reply = sd_bus_message_unref(p->reply);
}

int cli_dbus_call(sd_bus *bus, sd_bus_message *req, uint64_t usec, sd_bus_error *error,
		  sd_bus_message **ret_reply)
{
	_cleanup_(cli_dbus_pending_done) struct cli_dbus_pending p = {0};
	int r;

	r = cli_dbus_send(bus, req, usec, &p);
	if (r < 0)
		return r;
	return cli_dbus_wait(bus, &p, error, ret_reply);
}
