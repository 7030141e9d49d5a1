/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The privilege check for changing methods (bus-access.h).
 *
 * Only what the bus daemon recorded when the caller connected is trusted:
 * its UID and PID (SO_PEERCRED, kept for the connection's life and reported
 * by GetConnectionCredentials, in the bus daemon's user namespace, which is
 * the initial one); on the private socket's direct connections, the same
 * SO_PEERCRED as the daemon read it (bus-private.c), and the sender a
 * message names there is ignored. Nothing is taken from the message or
 * "augmented" from /proc by sd-bus. UID 0 is privileged. For CAP_SYS_ADMIN,
 * which the bus does not report, the process under the recorded PID is read
 * from /proc and judged by caller_process_admits(), which refuses what a
 * caller can gain after connecting (caller-process.h).
 *
 * What the bus recorded is fixed for a connection's life, and the bus daemon
 * never gives a unique name to a second connection, so the UID and PID are
 * asked once per unique name and kept in a small table (a long-lived client
 * pays one GetConnectionCredentials round trip, not one per call). The
 * process under the PID is still read on every call of a non-root caller.
 * The table belongs to one bus connection; the daemon ends when it is lost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bus-access.h"
#include "bus-error.h"
#include "caller-process.h"
#include "log.h"

/* Enough for every client of a busy manager; an evicted name is asked again. */
#define BUS_ACCESS_SLOTS 64

struct bus_access_slot {
	char *sender; /* a unique name, owned; NULL while the slot is free */
	uid_t uid;
	pid_t pid;
};

struct bus_access {
	struct bus_access_slot slot[BUS_ACCESS_SLOTS];
	size_t next; /* the slot the next new name takes (round robin) */
};

int bus_access_new(struct bus_access **ret)
{
	*ret = calloc(1, sizeof(**ret));
	return *ret ? 0 : -ENOMEM;
}

struct bus_access *bus_access_free(struct bus_access *a)
{
	if (!a)
		return NULL;
	for (size_t i = 0; i < BUS_ACCESS_SLOTS; i++)
		free(a->slot[i].sender);
	free(a);
	return NULL;
}

static const struct bus_access_slot *slot_find(const struct bus_access *a, const char *sender)
{
	for (size_t i = 0; i < BUS_ACCESS_SLOTS; i++)
		if (a->slot[i].sender && streq(a->slot[i].sender, sender))
			return &a->slot[i];
	return NULL;
}

/* Best effort: without memory the next call asks the bus again. */
static void slot_keep(struct bus_access *a, const char *sender, uid_t uid, pid_t pid)
{
	struct bus_access_slot *s = &a->slot[a->next];
	char *copy = strdup(sender);

	if (!copy)
		return;
	free(s->sender);
	*s = (struct bus_access_slot){.sender = copy, .uid = uid, .pid = pid};
	a->next = (a->next + 1) % BUS_ACCESS_SLOTS;
}

/*
 * The UID and PID of the connection: as the bus daemon recorded them, or, on
 * a direct connection (the private socket), as the kernel did when it
 * connected (SO_PEERCRED), whatever sender the message claims.
 */
static int connection_creds_query(sd_bus_message *m, uid_t *ret_uid, pid_t *ret_pid)
{
	_cleanup_(sd_bus_creds_unrefp) sd_bus_creds *creds = NULL;
	sd_bus *bus = sd_bus_message_get_bus(m);
	uid_t uid;
	pid_t pid;
	int r;

	/* sd-bus reports the bus's UnixUserID as the effective UID. */
	if (sd_bus_is_bus_client(bus) > 0)
		r = sd_bus_query_sender_creds(m, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
	else
		r = sd_bus_get_owner_creds(bus, SD_BUS_CREDS_EUID | SD_BUS_CREDS_PID, &creds);
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

/* The same, from the table when this unique name was asked before. */
static int connection_creds(struct bus_access *a, sd_bus_message *m, uid_t *ret_uid,
			    pid_t *ret_pid)
{
	const char *sender = sd_bus_message_get_sender(m);
	const struct bus_access_slot *s;
	int r;

	/* A direct connection, or no sender: nothing names it across calls. */
	if (sd_bus_is_bus_client(sd_bus_message_get_bus(m)) <= 0 || !sender || sender[0] != ':')
		return connection_creds_query(m, ret_uid, ret_pid);
	s = slot_find(a, sender);
	if (s) {
		*ret_uid = s->uid;
		*ret_pid = s->pid;
		return 0;
	}
	r = connection_creds_query(m, ret_uid, ret_pid);
	if (r >= 0)
		slot_keep(a, sender, *ret_uid, *ret_pid);
	return r;
}

static bool sender_is_privileged(struct bus_access *a, sd_bus_message *m)
{
	const char *sender = strempty(sd_bus_message_get_sender(m));
	struct caller_process p;
	uid_t uid;
	pid_t pid;
	int r;

	r = connection_creds(a, m, &uid, &pid);
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

int bus_access_check(struct bus_access *a, sd_bus_message *m, const char *method,
		     sd_bus_error *error)
{
	if (sender_is_privileged(a, m))
		return 0;
	return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED,
				 "Access denied to %s: root or CAP_SYS_ADMIN required", method);
}
