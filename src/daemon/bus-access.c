/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The privilege check for changing methods.
 *
 * The bus daemon vouches for the sender's UID (from SO_PEERCRED). Capabilities
 * are not something dbus-daemon reports, so sd-bus reads them from
 * /proc/<pid>/status (SD_BUS_CREDS_AUGMENT), which is only as good as the PID;
 * that is why root is decided on the UID first, and why the policy file keeps
 * non-root callers off the changing methods in the first place.
 */
#include <errno.h>
#include <linux/capability.h>

#include "bus-access.h"
#include "bus-error.h"
#include "log.h"

static int sender_is_privileged(sd_bus_creds *creds)
{
	uid_t uid;
	int r;

	r = sd_bus_creds_get_euid(creds, &uid);
	if (r == -ENODATA)
		r = sd_bus_creds_get_uid(creds, &uid);
	if (r >= 0 && uid == 0)
		return 1;

	r = sd_bus_creds_has_effective_cap(creds, CAP_SYS_ADMIN);
	if (r > 0)
		return 1;
	return 0;
}

int bus_access_check(sd_bus_message *m, const char *method, sd_bus_error *error)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	int r;

	r = sd_bus_query_sender_creds(m,
				      SD_BUS_CREDS_UID | SD_BUS_CREDS_EUID |
					  SD_BUS_CREDS_EFFECTIVE_CAPS | SD_BUS_CREDS_AUGMENT,
				      &creds);
	if (r < 0) {
		log_debug_errno(r, "Failed to query credentials of %s: %m",
				strempty(sd_bus_message_get_sender(m)));
		return sd_bus_error_setf(
		    error, BUS_ERROR_ACCESS_DENIED,
		    "Access denied to %s: cannot read the caller's credentials", method);
	}

	if (sender_is_privileged(creds))
		return 0;

	return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
				 "Access denied to %s: root or CAP_SYS_ADMIN required", method);
}
