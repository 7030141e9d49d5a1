/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-load durable: a client whose every acknowledged change must survive
 * the daemon's SIGKILL (tests/host/test-kill9).
 *
 * Each UUID goes round Define -> Modify -> Modify -> Undefine on parent
 * mvsim, type mvsim-virtio_net, start manual, with one attribute "mac" whose
 * value is new for every call (from the PID and a counter), so a file on
 * disk tells exactly which call wrote it. The log says what was asked
 * ("begin"), what was acknowledged ("ack") or refused, and where the daemon
 * vanished ("lost"); lines are written with one write() each, so a log is
 * complete up to the moment the client stops, and the client is never the
 * one killed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-load.h"

struct slot {
	const char *uuid;
	char mac[18]; /* "" while absent */
	unsigned step; /* Modifies since the Define */
};

static int log_line(int fd, const char *what, const struct slot *s, const char *state)
{
	char line[160];
	int n = snprintf(line, sizeof(line), "%s %s %s\n", what, s->uuid, state);

	return write(fd, line, (size_t)n) == n ? 0 : -errno;
}

/* What the daemon says now: the mac of a defined device, or "" (absent). */
static int slot_read(sd_bus *bus, struct slot *s)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	_cleanup_free_ char *path = NULL;
	const char *name, *value;
	int defined = 0, r;

	s->mac[0] = '\0';
	r = sd_bus_path_encode(API_ROOT "/devices", s->uuid, &path);
	if (r < 0)
		return r;
	r = sd_bus_get_property_trivial(bus, API_NAME, path, DEVICE_IFACE, "Defined", &e, 'b',
					&defined);
	if (r < 0 && sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_OBJECT))
		return 0;
	if (r < 0 || !defined)
		return r;
	r = sd_bus_get_property(bus, API_NAME, path, DEVICE_IFACE, "Attrs", &e, &reply, "a(ss)");
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "(ss)");
	while (r >= 0 && (r = sd_bus_message_read(reply, "(ss)", &name, &value)) > 0)
		if (streq(name, "mac"))
			snprintf(s->mac, sizeof(s->mac), "%s", value);
	return r;
}

static bool error_is_gone(int r, const sd_bus_error *e)
{
	return r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	       sd_bus_error_has_name(e, SD_BUS_ERROR_DISCONNECTED);
}

/* One call on @s; 1 when the daemon is gone. */
static int slot_step(sd_bus *bus, int fd, struct slot *s, unsigned long long *counter)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	unsigned long long tag = ((unsigned long long)getpid() << 20) | ((*counter)++ & 0xfffff);
	char mac[18] = "";
	int r;

	if (!s->mac[0] || s->step < 2)
		snprintf(mac, sizeof(mac), "02:%02llx:%02llx:%02llx:%02llx:%02llx",
			 (tag >> 32) & 0xff, (tag >> 24) & 0xff, (tag >> 16) & 0xff,
			 (tag >> 8) & 0xff, tag & 0xff);
	r = log_line(fd, "begin", s, mac[0] ? mac : "absent");
	if (r < 0)
		return r;
	if (!s->mac[0])
		r = sd_bus_call_method(bus, API_NAME, API_ROOT, MANAGER_IFACE, "Define", &e, NULL,
				       "ssssa(ss)", "mvsim", s->uuid, "mvsim-virtio_net", "manual",
				       1, "mac", mac);
	else if (mac[0])
		r = sd_bus_call_method(bus, API_NAME, API_ROOT, MANAGER_IFACE, "Modify", &e, NULL,
				       "sa{sv}u", s->uuid, 1, "attrs", "a(ss)", 1, "mac", mac, 2);
	else
		r = sd_bus_call_method(bus, API_NAME, API_ROOT, MANAGER_IFACE, "Undefine", &e, NULL,
				       "s", s->uuid);
	if (r < 0 && error_is_gone(r, &e)) {
		log_line(fd, "lost", s, e.name ?: strerror(-r));
		return 1;
	}
	if (r < 0)
		return log_line(fd, "refused", s, e.name ?: strerror(-r));
	s->step = s->mac[0] && mac[0] ? s->step + 1 : 0;
	snprintf(s->mac, sizeof(s->mac), "%s", mac);
	return log_line(fd, "ack", s, mac[0] ? mac : "absent");
}

int mode_durable(const char *log, char **uuids, unsigned n)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_free_ struct slot *slots = calloc(n, sizeof(*slots));
	_cleanup_close_ int fd = -1;
	unsigned long long counter = 0;
	int r;

	if (!slots)
		return -ENOMEM;
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		fprintf(stderr, "bus-load: cannot open '%s': %m\n", log);
		return -errno;
	}
	r = bus_open(&bus);
	for (unsigned i = 0; r >= 0 && i < n; i++) {
		slots[i].uuid = uuids[i];
		r = slot_read(bus, &slots[i]);
		if (r < 0) /* killed before we began: nothing was asked */
			return log_line(fd, "lost", &slots[i], strerror(-r));
		r = log_line(fd, "start", &slots[i], slots[i].mac[0] ? slots[i].mac : "absent");
	}
	for (unsigned i = 0; r == 0; i = (i + 1) % n)
		r = slot_step(bus, fd, &slots[i], &counter);
	return r < 0 ? r : 0;
}
