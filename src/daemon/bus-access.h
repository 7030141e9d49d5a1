/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Who may change things: the sender of a method call must have effective
 * UID 0 or CAP_SYS_ADMIN in its effective capability set. The D-Bus policy
 * (units/org.mdevvirtio1.conf) says the same; this is the daemon's own check,
 * so a permissive or broken policy never opens the API.
 */
#pragma once

#include <systemd/sd-bus.h>

/*
 * 0 if the sender of @m may call @method (a name for the message, e.g.
 * "Define"); otherwise fill @error with org.mdevvirtio1.Error.AccessDenied
 * naming @method and return -EACCES (or another negative errno if the
 * sender's credentials could not be read).
 */
int bus_access_check(sd_bus_message *m, const char *method, sd_bus_error *error);
