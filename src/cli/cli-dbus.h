/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The D-Bus client: a struct cli_backend over org.mdevvirtio1 on the system
 * bus ($DBUS_SYSTEM_BUS_ADDRESS is honoured, which the host tests use), plus
 * the message readers it shares with the monitor.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "mdevvirtio/dbus-api.h"
#include "cli-backend.h"


enum cli_dbus_iface {
	CLI_DBUS_MANAGER,
	CLI_DBUS_DEVICE,
	CLI_DBUS_PARENT,
	_CLI_DBUS_IFACE_INVALID,
};

enum cli_dbus_iface cli_dbus_iface_from_string(const char *s);
/* Read an a{sv} of @iface's properties into a struct cli_device/cli_parent/cli_model. */
int cli_dbus_read_properties(sd_bus_message *m, enum cli_dbus_iface iface, void *target);
/* A Device.GetStatistics reply; unknown keys and counters are skipped. */
int cli_dbus_read_statistics(sd_bus_message *m, struct cli_stats **ret);
/* Append the devices of a Manager.ListDevices reply to @model (not finished). */
int cli_dbus_read_device_list(sd_bus_message *reply, struct cli_model *model);
/* Append the parents of a Manager.ListParents reply to @model (not finished). */
int cli_dbus_read_parent_list(sd_bus_message *reply, struct cli_model *model);
/* A Manager.ListJSON reply: the JSON (NUL added; -EBADMSG if it holds a NUL)
 * and a new model holding only the bad definitions. */
int cli_dbus_read_list_json(sd_bus_message *reply, char **ret_json, size_t *ret_size,
			    struct cli_model **ret_bad);
/* The same of a Manager.ListJSONByFileDescriptor reply: the document read
 * from the descriptor (a regular file of at most CLI_LIST_JSON_FD_MAX bytes,
 * else -EBADMSG or -EFBIG; -EBADMSG if it ends early or holds a NUL). */
#define CLI_LIST_JSON_FD_MAX (UINTMAX_C(1) << 30)
int cli_dbus_read_list_json_fd(sd_bus_message *reply, char **ret_json, size_t *ret_size,
			       struct cli_model **ret_bad);
/* Read a GetManagedObjects reply into a new, finished model. */
int cli_dbus_read_managed_objects(sd_bus_message *reply, struct cli_model **ret);

/* An a{sv} of properties as a JSON object (cli-dbus-json.c); NULL on error. */
struct json_object *cli_dbus_read_properties_json(sd_bus_message *m);

/*
 * Method calls that do not wait for the connection's Hello (cli-dbus-call.c):
 * cli_dbus_send() queues @req (a reply within @usec, 0 for sd-bus's
 * default), cli_dbus_wait() waits for its reply, as sd_bus_call() returns it
 * (1 and the reply, or an error reply in @error and its negative errno);
 * cli_dbus_pending_done() drops what is left (a cleanup function).
 * cli_dbus_call() is the two in one.
 */
struct cli_dbus_pending {
	sd_bus_slot *slot;
	sd_bus_message *reply;
};
int cli_dbus_send(sd_bus *bus, sd_bus_message *req, uint64_t usec, struct cli_dbus_pending *p);
int cli_dbus_wait(sd_bus *bus, struct cli_dbus_pending *p, sd_bus_error *error,
		  sd_bus_message **ret_reply);
void cli_dbus_pending_done(struct cli_dbus_pending *p);
int cli_dbus_call(sd_bus *bus, sd_bus_message *req, uint64_t usec, sd_bus_error *error,
		  sd_bus_message **ret_reply);

/*
 * cli_connect_t for cli_run(): connect to the daemon: for root, its private
 * socket when there is one to use (CLI_PRIVATE_SOCKET_ENV, cli-dbus.c), else
 * the system bus.
 */
#define CLI_PRIVATE_SOCKET_ENV "MDEVVIRTIO_PRIVATE_SOCKET"
int cli_dbus_connect(void *userdata, struct cli_backend *ret);

/* The monitor loop (cli-monitor.c): print every change until SIGINT/SIGTERM. */
int cli_dbus_monitor(sd_bus *bus, bool json, FILE *out);
