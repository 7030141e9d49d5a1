/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The named errors of org.mdevvirtio1 (org.mdevvirtio1.Error.*): one per
 * enum manager_error_kind, each with the errno it stands for, registered with
 * sd_bus_error_add_map() so sd_bus_error_get_errno() and
 * sd_bus_error_set_errno() map both ways in this process.
 *
 * Messages quote user strings through bus_error_quote(): printable ASCII
 * only, truncated, so a reply never carries megabytes or control bytes back.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "mdevvirtio/dbus-api.h"
#include "manager.h"


extern const sd_bus_error_map bus_error_map[];

/* Register bus_error_map with sd-bus (idempotent). */
int bus_error_register(void);

/* The D-Bus error name of @kind; NULL for NONE and out-of-range values. */
const char *bus_error_name(enum manager_error_kind kind);
/* The errno @kind stands for (positive); 0 for NONE. */
int bus_error_errno(enum manager_error_kind kind);

/*
 * Fill @error from a failed manager call (@r < 0) and return a negative
 * errno for the handler to return. Without a kind (NONE) the errno decides:
 * -ENOMEM stays a plain out-of-memory error, anything else is Kernel.
 */
int bus_error_from_manager(sd_bus_error *error, int r, const struct manager_error *e);

#define BUS_ERROR_QUOTE_MAX 64
/*
 * Copy @s into @buf for a message: at most BUS_ERROR_QUOTE_MAX characters,
 * bytes outside printable ASCII become '?', "..." marks a cut. NULL gives "".
 */
const char *bus_error_quote(const char *s, char buf[static BUS_ERROR_QUOTE_MAX + 4]);
#define BUS_QUOTE(s) bus_error_quote((s), (char[BUS_ERROR_QUOTE_MAX + 4]){})
