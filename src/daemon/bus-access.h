/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who may change things: a caller whose connection the bus recorded as
 * UID 0, or one whose process holds CAP_SYS_ADMIN in the initial user
 * namespace as the same user, in its effective and ambient sets
 * (caller-process.h says why both). The D-Bus policy
 * (units/org.mdevvirtio1.conf) admits root alone; this is the daemon's own
 * check, so a permissive or broken policy never opens the API.
 */
#pragma once

#include <systemd/sd-bus.h>

/* What the bus recorded of each caller's connection, kept per unique name (one per bus). */
struct bus_access;

int bus_access_new(struct bus_access **ret);
struct bus_access *bus_access_free(struct bus_access *a);

/*
 * 0 if the sender of @m may call @method (a name for the message, e.g.
 * "Define"); otherwise fill @error with org.mdevvirtio1.Error.AccessDenied
 * naming @method and return -EACCES. A caller whose credentials cannot be
 * read is refused the same way.
 */
int bus_access_check(struct bus_access *a, sd_bus_message *m, const char *method,
		     sd_bus_error *error);
