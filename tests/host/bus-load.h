/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-load (tests/host/bus-load.c): what its modes share. bus_open()
 * connects to the system bus (DBUS_SYSTEM_BUS_ADDRESS in the host tests) and
 * says why it could not; mode_durable() is bus-load-durable.c's mode.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "macro.h"

#define API_NAME "org.mdevvirtio1"
#define API_ROOT "/org/mdevvirtio1"
#define MANAGER_IFACE "org.mdevvirtio1.Manager"
#define DEVICE_IFACE "org.mdevvirtio1.Device"

int bus_open(sd_bus **ret);
int mode_durable(const char *log, char **uuids, unsigned n);
