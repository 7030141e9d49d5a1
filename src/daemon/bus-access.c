/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The privilege check for changing methods (bus-access.h).
 *
 * Only what the bus daemon recorded when the caller connected is trusted:
 * its UID and PID (SO_PEERCRED, kept for the connection's life and reported
 * by GetConnectionCredentials, in the bus daemon's user namespace, which is
 * the initial one). Nothing is taken from the message or "augmented" from
 * /proc by sd-bus. UID 0 is privileged. For CAP_SYS_ADMIN, which the bus
 * does not report, the process under the recorded PID is read from /proc and
 * judged by caller_process_admits(), which refuses what a caller can gain
 * after connecting (caller-process.h).
 */
#include <errno.h>

#include "bus-access.h"
#include "bus-error.h"
#include "caller-process.h"
#include "log.h"

/* The UID and PID of the connection, as the bus daemon recorded them. */
static int connection_creds(sd_bus_message *m, uid_t *ret_uid, pid_t *ret_pid)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	uid_t uid;
	pid_t pid;
	int r;

	/* sd-bus reports the bus's UnixUserID as the effective UID. */
	r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
	if (r < 0)
		return r;
	if (sd_bus_creds_get_augmented_mask(creds) & (SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID))
		return -EPERM;
	r = sd_bus_creds_get_euid(creds, &uid);
	if (r < 0)
		return r;
	r = sd_bus_creds_get_pid(creds, &pid);
	if (r < 0)
		return r;
	*ret_uid = uid;
	*ret_pid = pid;
	return 0;
}

static bool sender_is_privileged(sd_bus_message *m)
{
	const char *sender = strempty(sd_bus_message_get_sender(m));
	struct caller_process p;
	uid_t uid;
	pid_t pid;
	int r;

	r = connection_creds(m, &uid, &pid);
	if (r < 0) {
		log_debug_errno(r, "Failed to get the connection credentials of %s: %m", sender);
		return false;
	}
	if (uid == 0)
		return true;
	r = caller_process_read(pid, &p);
	if (r < 0) {
		log_debug_errno(r, "Failed to read process %d of %s: %m", (int)pid, sender);
		return false;
	}
	return caller_process_admits(&p, uid);
}

int bus_access_check(sd_bus_message *m, const char *method, sd_bus_error *error)
{
	if (sender_is_privileged(m))
		return 0;
	return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED,
				 "Access denied to %s: root or CAP_SYS_ADMIN required", method);
}
