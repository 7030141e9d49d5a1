// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mdevvirtio-client: a client of mdevvirtiod's D-Bus API on sd-bus, as an
 * example of writing one.  It defines a device (manual start) on a parent,
 * starts it, waits without polling for the PropertiesChanged signal that says
 * its State is "running" and that its Nodes are known, prints them one per
 * line as "<kind>: <name>" ("net: eth1", "block: vda",
 * "chardev: /dev/vhost-mdev-0"), then stops and undefines it; with --hold,
 * only once it receives SIGTERM or SIGINT.
 *
 *   mdevvirtio-client [--timeout SECONDS] [--hold] [PARENT [TYPE]]
 *
 * PARENT defaults to mvsim, TYPE to mvsim-virtio_net.  Run it as root with
 * mdevvirtiod running or activatable (DBUS_SYSTEM_BUS_ADDRESS picks another
 * bus).  A failed call prints the daemon's D-Bus error name and message; the
 * exit status is 0 on success, 1 on failure (the device it defined is then
 * stopped and undefined again), 2 on bad usage.  It is built with the project
 * (examples/CMakeLists.txt) but not installed; to build it alone:
 *
 *   cc -std=gnu11 -Wall -Wextra -o mdevvirtio-client mdevvirtio-client.c \
 *      $(pkg-config --cflags --libs libsystemd)
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define SERVICE "org.mdevvirtio1"
#define MANAGER_PATH "/org/mdevvirtio1"
#define MANAGER_IFACE "org.mdevvirtio1.Manager"
#define DEVICE_IFACE "org.mdevvirtio1.Device"
#define PROPS_IFACE "org.freedesktop.DBus.Properties"
#define NODES_MAX 16

#define cleanup(f) __attribute__((cleanup(f)))

/* What the signal handler learns about the device, and whether to stop. */
struct client {
	const char *path;
	char state[32];
	char last_error[512];
	char nodes[NODES_MAX][2][128];
	unsigned n_nodes;
	bool have_nodes;
	bool done;
	int result; /* 0, or a negative errno once the wait is over */
};

static void call_failed(const char *what, const sd_bus_error *error, int r)
{
	if (sd_bus_error_is_set(error))
		fprintf(stderr, "mdevvirtio-client: %s failed: %s: %s\n", what, error->name,
			error->message ? error->message : "(no message)");
	else
		fprintf(stderr, "mdevvirtio-client: %s failed: %s\n", what, strerror(-r));
}

/* Read an a(ss) of nodes into @c; the message is positioned at the array. */
static int read_nodes(struct client *c, sd_bus_message *m)
{
	const char *kind, *name;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(ss)");
	if (r < 0)
		return r;
	c->n_nodes = 0;
	while ((r = sd_bus_message_read(m, "(ss)", &kind, &name)) > 0) {
		if (c->n_nodes == NODES_MAX)
			continue;
		snprintf(c->nodes[c->n_nodes][0], sizeof(c->nodes[0][0]), "%s", kind);
		snprintf(c->nodes[c->n_nodes][1], sizeof(c->nodes[0][1]), "%s", name);
		c->n_nodes++;
	}
	if (r < 0)
		return r;
	c->have_nodes = c->n_nodes > 0;
	return sd_bus_message_exit_container(m);
}

/* Read one string variant into @buf. */
static int read_string(sd_bus_message *m, char *buf, size_t size)
{
	const char *s;
	int r;

	r = sd_bus_message_read(m, "v", "s", &s);
	if (r < 0)
		return r;
	snprintf(buf, size, "%s", s);
	return 0;
}

/* Take what a{sv} of Device properties says; the message is at the array. */
static int read_properties(struct client *c, sd_bus_message *m)
{
	const char *name;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read(m, "s", &name);
		if (r < 0)
			return r;
		if (!strcmp(name, "State"))
			r = read_string(m, c->state, sizeof(c->state));
		else if (!strcmp(name, "LastError"))
			r = read_string(m, c->last_error, sizeof(c->last_error));
		else if (!strcmp(name, "Nodes")) {
			r = sd_bus_message_enter_container(m, 'v', "a(ss)");
			if (r >= 0)
				r = read_nodes(c, m);
			if (r >= 0)
				r = sd_bus_message_exit_container(m);
		} else
			r = sd_bus_message_skip(m, "v");
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* Decide whether the wait is over after what @c now holds. */
static void client_check(struct client *c)
{
	if (!strcmp(c->state, "failed")) {
		fprintf(stderr, "mdevvirtio-client: the device failed to start: %s\n",
			c->last_error[0] ? c->last_error : "(no reason given)");
		c->result = -EIO;
		c->done = true;
	} else if (!strcmp(c->state, "running") && c->have_nodes) {
		c->done = true;
	}
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct client *c = userdata;
	const char *iface;
	int r;

	r = sd_bus_message_read(m, "s", &iface);
	if (r < 0 || strcmp(iface, DEVICE_IFACE))
		return 0;
	r = read_properties(c, m);
	if (r < 0) {
		fprintf(stderr, "mdevvirtio-client: bad PropertiesChanged signal: %s\n",
			strerror(-r));
		c->result = r;
		c->done = true;
	} else {
		client_check(c);
	}
	if (c->done)
		sd_event_exit(sd_bus_get_event(sd_bus_message_get_bus(m)), 0);
	return 0;
}

static int on_timeout(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct client *c = userdata;

	c->result = -ETIMEDOUT;
	c->done = true;
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* One GetAll of the device, for what happened before the match was in place. */
static int client_read_all(struct client *c, sd_bus *bus)
{
	cleanup(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_call_method(bus, SERVICE, c->path, PROPS_IFACE, "GetAll", &error, &reply, "s",
			       DEVICE_IFACE);
	if (r < 0) {
		call_failed("GetAll", &error, r);
		return r;
	}
	r = read_properties(c, reply);
	if (r < 0)
		return r;
	client_check(c);
	return 0;
}

/* Start the device and wait up to @timeout_s for it to run with its nodes. */
static int client_start_and_wait(struct client *c, sd_bus *bus, const char *uuid,
				 unsigned timeout_s)
{
	cleanup(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup(sd_bus_slot_unrefp) sd_bus_slot *match = NULL;
	cleanup(sd_event_source_unrefp) sd_event_source *timer = NULL;
	cleanup(sd_event_unrefp) sd_event *event = NULL;
	int r;

	r = sd_event_default(&event);
	/* Leaving the loop must not close the bus: Stop and Undefine follow. */
	if (r >= 0)
		r = sd_bus_set_close_on_exit(bus, false);
	if (r >= 0)
		r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
	if (r < 0)
		return r;
	/* The match is in place before Start: the signals come after its reply. */
	r = sd_bus_match_signal(bus, &match, SERVICE, c->path, PROPS_IFACE, "PropertiesChanged",
				on_properties_changed, c);
	if (r < 0) {
		fprintf(stderr, "mdevvirtio-client: cannot add a match for %s: %s\n", c->path,
			strerror(-r));
		return r;
	}
	r = sd_bus_call_method(bus, SERVICE, MANAGER_PATH, MANAGER_IFACE, "Start", &error, NULL,
			       "s", uuid);
	if (r < 0) {
		call_failed("Start", &error, r);
		return r;
	}
	printf("started %s, waiting for it to run\n", uuid);
	fflush(stdout);
	r = client_read_all(c, bus);
	if (r < 0 || c->done)
		goto out;
	r = sd_event_add_time_relative(event, &timer, CLOCK_MONOTONIC,
				       (uint64_t)timeout_s * 1000000, 0, on_timeout, c);
	if (r >= 0)
		r = sd_event_loop(event);
out:
	sd_bus_detach_event(bus);
	if (r < 0)
		return r;
	if (c->result == -ETIMEDOUT)
		fprintf(stderr,
			"mdevvirtio-client: device %s not running with its nodes after %u s (State '%s')\n",
			uuid, timeout_s, c->state);
	return c->result;
}

/* Stop (if it runs) and undefine @uuid; failures are reported unless @quiet. */
static int client_remove(sd_bus *bus, const char *uuid, bool quiet)
{
	static const char *const methods[] = { "Stop", "Undefine" };
	int ret = 0;

	for (size_t i = 0; i < 2; i++) {
		cleanup(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
		int r = sd_bus_call_method(bus, SERVICE, MANAGER_PATH, MANAGER_IFACE, methods[i],
					   &error, NULL, "s", uuid);

		if (r < 0 && !quiet) {
			call_failed(methods[i], &error, r);
			ret = r;
		} else if (r >= 0 && !quiet) {
			printf("%s %s\n", i ? "undefined" : "stopped", uuid);
		}
	}
	return ret;
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	return sd_event_exit(sd_event_source_get_event(s), 0);
}

/* Keep the device until SIGTERM or SIGINT (both blocked since main began). */
static int client_hold(void)
{
	cleanup(sd_event_source_unrefp) sd_event_source *term = NULL, *intr = NULL;
	cleanup(sd_event_unrefp) sd_event *event = NULL;
	int r;

	r = sd_event_default(&event);
	if (r >= 0)
		r = sd_event_add_signal(event, &term, SIGTERM, on_signal, NULL);
	if (r >= 0)
		r = sd_event_add_signal(event, &intr, SIGINT, on_signal, NULL);
	if (r < 0) {
		fprintf(stderr, "mdevvirtio-client: cannot wait for signals: %s\n", strerror(-r));
		return r;
	}
	printf("holding the device until SIGTERM or SIGINT\n");
	fflush(stdout);
	return sd_event_loop(event);
}

static int usage(const char *bad)
{
	if (bad)
		fprintf(stderr, "mdevvirtio-client: %s\n", bad);
	fprintf(stderr, "usage: mdevvirtio-client [--timeout SECONDS] [--hold] [PARENT [TYPE]]\n");
	return 2;
}

static int parse_timeout(const char *s, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v == 0 || v > 3600) {
		fprintf(stderr, "mdevvirtio-client: invalid timeout '%s' (1-3600 seconds)\n", s);
		return -EINVAL;
	}
	*ret = v;
	return 0;
}

int main(int argc, char *argv[])
{
	cleanup(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	cleanup(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	cleanup(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *parent = "mvsim", *type = "mvsim-virtio_net", *path, *uuid;
	struct client c = { 0 };
	unsigned timeout_s = 30;
	bool hold = false;
	sigset_t mask;
	int i = 1, r;

	for (; i < argc; i++) {
		if (!strcmp(argv[i], "--hold")) {
			hold = true;
		} else if (!strcmp(argv[i], "--timeout")) {
			if (i + 1 == argc)
				return usage("--timeout needs a value");
			if (parse_timeout(argv[++i], &timeout_s) < 0)
				return usage(NULL);
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			break;
		}
	}
	if (i < argc && argv[i][0] == '-') {
		fprintf(stderr, "mdevvirtio-client: unknown option '%s'\n", argv[i]);
		return usage(NULL);
	}
	if (argc - i > 2)
		return usage("too many arguments");
	if (i < argc)
		parent = argv[i++];
	if (i < argc)
		type = argv[i++];

	/* Blocked for sd_event_add_signal; the default action would skip the cleanup. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);

	r = sd_bus_open_system(&bus);
	if (r < 0) {
		fprintf(stderr, "mdevvirtio-client: cannot connect to the system bus: %s\n",
			strerror(-r));
		return 1;
	}
	r = sd_bus_call_method(bus, SERVICE, MANAGER_PATH, MANAGER_IFACE, "Define", &error, &reply,
			       "ssssa(ss)", parent, "", type, "manual", 0);
	if (r < 0) {
		call_failed("Define", &error, r);
		return 1;
	}
	r = sd_bus_message_read(reply, "os", &path, &uuid);
	if (r < 0) {
		fprintf(stderr, "mdevvirtio-client: bad Define reply: %s\n", strerror(-r));
		return 1;
	}
	printf("defined %s on %s as %s\n", uuid, parent, type);
	c.path = path;

	r = client_start_and_wait(&c, bus, uuid, timeout_s);
	if (r < 0) {
		client_remove(bus, uuid, true);
		return 1;
	}
	for (unsigned n = 0; n < c.n_nodes; n++)
		printf("%s: %s\n", c.nodes[n][0], c.nodes[n][1]);
	fflush(stdout);
	if (hold && client_hold() < 0) {
		client_remove(bus, uuid, true);
		return 1;
	}
	return client_remove(bus, uuid, false) < 0 ? 1 : 0;
}
