/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A stand-in for an older mdevvirtiod, for host-older-daemon: it owns
 * org.mdevvirtio1 on the system bus and answers the calls a listing makes as
 * the daemon did before Manager.ListDevices took LIST_ACTIVE and before
 * Manager.ListJSON and Manager.ListParents existed: ListDevices refuses any
 * flags but 0 (InvalidArgument), ListJSON and ListParents are unknown
 * methods, the Manager's properties are Version and BadDefinitions, and the
 * one parent, PARENT, is an object of its own at
 * /org/mdevvirtio1/parents/PARENT. Two devices: RUNNING_UUID running and
 * defined, DEFINED_UUID only defined. With OLDER_DAEMON_LIST_PARENTS=1 in the
 * environment it has ListParents too (as today's daemon), answering for the
 * same parent; with OLDER_DAEMON_LIST_JSON=1 ListJSON too but not
 * ListJSONByFileDescriptor (the daemon in between), answering OLDER_JSON for
 * any flags; with OLDER_DAEMON_LIST_JSON=fd both, ListJSONByFileDescriptor
 * answering a sealed memfd of OLDER_JSON; =fd-pipe the read end of a pipe
 * holding it instead; =fd-nul a memfd of OLDER_JSON with a NUL in it. Each
 * ListDevices, ListParents, ListJSON and ListJSONByFileDescriptor call and
 * each read of the parent object's Types is logged on stderr ("ListDevices
 * flags 0x2", "ListParents flags 0x0", "ListJSON flags 0x1", "Types read").
 * SIGTERM ends it with status 0.
 * Arguments are ignored (lib.sh starts it as it starts the daemon).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <unistd.h>

#include "mdevvirtio/dbus-api.h"

#define RUNNING_UUID "77777777-0000-4000-8000-000000000007"
#define DEFINED_UUID "11111111-0000-4000-8000-000000000001"
#define PARENT "mvsim"

static int append_record(sd_bus_message *reply, const char *uuid, bool active)
{
	const char *state = active ? "running" : "stopped";
	int r;

	r = sd_bus_message_open_container(reply, 'r',
					  "sssssbbssa(ss)sa(ss)ta" MDEVVIRTIO_DBUS_DEFINITION);
	if (r >= 0)
		r = sd_bus_message_append(reply, "sssssbbss", uuid, "mvsim", "mvsim-virtio_net",
					  "virtio", "manual", 1, (int)active, state, "");
	if (r >= 0)
		r = sd_bus_message_append(reply, "a(ss)", 1, "mac", "02:00:00:00:00:01");
	if (r >= 0)
		r = sd_bus_message_append(reply, "sa(ss)t", "", 0, UINT64_C(1));
	if (r >= 0)
		r = sd_bus_message_append(reply, "a" MDEVVIRTIO_DBUS_DEFINITION, 1, "mvsim",
					  "mvsim-virtio_net", "manual", 1, "mac",
					  "02:00:00:00:00:01");
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	return r;
}

static int method_list_devices(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	sd_bus_message *reply = NULL;
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	fprintf(stderr, "ListDevices flags 0x%" PRIx32 "\n", flags);
	if (flags != 0)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Unknown ListDevices flags 0x%" PRIx32 " (must be 0)",
					 flags);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_DEVICE_RECORD);
	/* Sorted by UUID, as the daemon sends them. */
	if (r >= 0)
		r = append_record(reply, DEFINED_UUID, false);
	if (r >= 0)
		r = append_record(reply, RUNNING_UUID, true);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* The parent's two types, as Parent.Types. */
static int append_types(sd_bus_message *reply)
{
	return sd_bus_message_append(reply, "a" MDEVVIRTIO_DBUS_PARENT_TYPE, 2, "mvsim-virtio_blk",
				     "virtio_blk", "A block device", 4, "virtio",
				     "mvsim-virtio_net", "virtio_net", "A network device\nwith MAC",
				     0, "virtio");
}

static int method_list_parents(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	sd_bus_message *reply = NULL;
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	fprintf(stderr, "ListParents flags 0x%" PRIx32 "\n", flags);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', MDEVVIRTIO_DBUS_PARENT_RECORD);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'r', "ssba" MDEVVIRTIO_DBUS_PARENT_TYPE);
	if (r >= 0)
		r = sd_bus_message_append(reply, "ssb", PARENT, "mdev_virtio", 1);
	if (r >= 0)
		r = append_types(reply);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* A document of the shape ListJSON returns, unlike any listing of the two devices. */
#define OLDER_JSON "[\n  {\n    \"older\": []\n  }\n]"

static int method_list_json(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	sd_bus_message *reply = NULL;
	uint32_t flags;
	int r;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	fprintf(stderr, "ListJSON flags 0x%" PRIx32 "\n", flags);
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append_array(reply, 'y', OLDER_JSON, strlen(OLDER_JSON));
	if (r >= 0)
		r = sd_bus_message_append(reply, "a(ss)", 0);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

/* The descriptor OLDER_DAEMON_LIST_JSON asks for, holding OLDER_JSON. */
static int listing_fd(const char *mode)
{
	static const char nul[] = "[\n  {\n    \"older\": []\n  }\n]\0";
	int fds[2], fd;

	if (strcmp(mode, "fd-pipe") == 0) {
		if (pipe2(fds, O_CLOEXEC) < 0)
			return -errno;
		if (write(fds[1], OLDER_JSON, strlen(OLDER_JSON)) < 0) {
			close(fds[0]);
			fds[0] = -errno;
		}
		close(fds[1]);
		return fds[0];
	}
	fd = memfd_create("older-listing", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	bool with_nul = strcmp(mode, "fd-nul") == 0;

	if (write(fd, with_nul ? nul : OLDER_JSON,
		  with_nul ? sizeof(nul) - 1 : strlen(OLDER_JSON)) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int method_list_json_fd(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	sd_bus_message *reply = NULL;
	uint32_t flags;
	int r, fd;

	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;
	fprintf(stderr, "ListJSONByFileDescriptor flags 0x%" PRIx32 "\n", flags);
	fd = listing_fd(getenv("OLDER_DAEMON_LIST_JSON"));
	if (fd < 0)
		return fd;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "ha(ss)", fd, 0);
	close(fd);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int parent_property(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	if (strcmp(property, "Present") == 0)
		return sd_bus_message_append(reply, "b", 1);
	if (strcmp(property, "Bus") == 0)
		return sd_bus_message_append(reply, "s", "mdev_virtio");
	if (strcmp(property, "Name") == 0)
		return sd_bus_message_append(reply, "s", PARENT);
	fprintf(stderr, "Types read\n");
	return append_types(reply);
}

static int property_version(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", "0.0.1");
}

static int property_bad(sd_bus *bus, const char *path, const char *interface, const char *property,
			sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	return sd_bus_message_append(reply, "a(ss)", 0);
}

static const sd_bus_vtable manager_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("BadDefinitions", "a(ss)", property_bad, 0, 0),
    SD_BUS_METHOD_WITH_ARGS("ListDevices", SD_BUS_ARGS("u", flags),
			    SD_BUS_RESULT("a" MDEVVIRTIO_DBUS_DEVICE_RECORD, devices),
			    method_list_devices, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable list_parents_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("ListParents", SD_BUS_ARGS("u", flags),
			    SD_BUS_RESULT("a" MDEVVIRTIO_DBUS_PARENT_RECORD, parents),
			    method_list_parents, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable list_json_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("ListJSON", SD_BUS_ARGS("u", flags),
			    SD_BUS_RESULT("ay", json, "a(ss)", bad_definitions), method_list_json,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable list_json_fd_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_ARGS("ListJSONByFileDescriptor", SD_BUS_ARGS("u", flags),
			    SD_BUS_RESULT("h", json, "a(ss)", bad_definitions), method_list_json_fd,
			    SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END,
};

static const sd_bus_vtable parent_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Name", "s", parent_property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Bus", "s", parent_property, 0, 0),
    SD_BUS_PROPERTY("Present", "b", parent_property, 0, 0),
    SD_BUS_PROPERTY("Types", "a" MDEVVIRTIO_DBUS_PARENT_TYPE, parent_property, 0, 0),
    SD_BUS_VTABLE_END,
};

int main(void)
{
	sd_event *event = NULL;
	sd_bus *bus = NULL;
	sigset_t mask;
	int r;

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	r = sd_event_default(&event);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGTERM, NULL, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, NULL, SIGINT, NULL, NULL);
	if (r >= 0)
		r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH,
					     MDEVVIRTIO_DBUS_MANAGER_INTERFACE, manager_vtable,
					     NULL);
	if (r >= 0 && getenv("OLDER_DAEMON_LIST_PARENTS"))
		r = sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH,
					     MDEVVIRTIO_DBUS_MANAGER_INTERFACE, list_parents_vtable,
					     NULL);
	if (r >= 0 && getenv("OLDER_DAEMON_LIST_JSON"))
		r = sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH,
					     MDEVVIRTIO_DBUS_MANAGER_INTERFACE, list_json_vtable,
					     NULL);
	if (r >= 0 && getenv("OLDER_DAEMON_LIST_JSON") &&
	    strncmp(getenv("OLDER_DAEMON_LIST_JSON"), "fd", 2) == 0)
		r = sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_ROOT_PATH,
					     MDEVVIRTIO_DBUS_MANAGER_INTERFACE, list_json_fd_vtable,
					     NULL);
	if (r >= 0)
		r = sd_bus_add_object_vtable(bus, NULL, MDEVVIRTIO_DBUS_PARENTS_PATH "/" PARENT,
					     MDEVVIRTIO_DBUS_PARENT_INTERFACE, parent_vtable, NULL);
	if (r >= 0)
		r = sd_bus_attach_event(bus, event, 0);
	if (r >= 0)
		r = sd_bus_request_name(bus, MDEVVIRTIO_DBUS_NAME, 0);
	if (r >= 0)
		r = sd_event_loop(event);
	if (r < 0)
		fprintf(stderr, "older-daemon: %s\n", strerror(-r));
	sd_bus_flush_close_unref(bus);
	sd_event_unref(event);
	return r < 0 ? 1 : 0;
}
