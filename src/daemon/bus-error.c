/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Named errors: the table from enum manager_error_kind to D-Bus error names
 * and errnos, and the translation of a failed manager call into a reply.
 */
#include <errno.h>

#include "bus-error.h"

static const struct {
	const char *name;
	int errnum;
} kind_table[_MANAGER_ERROR_MAX] = {
    [MANAGER_ERROR_NOT_FOUND] = {MDEVVIRTIO_DBUS_ERROR_NOT_FOUND, ENOENT},
    [MANAGER_ERROR_ALREADY_EXISTS] = {MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS, EEXIST},
    [MANAGER_ERROR_INVALID_ARGUMENT] = {MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT, EINVAL},
    [MANAGER_ERROR_PARENT_NOT_FOUND] = {MDEVVIRTIO_DBUS_ERROR_PARENT_NOT_FOUND, ENODEV},
    [MANAGER_ERROR_TYPE_NOT_SUPPORTED] = {MDEVVIRTIO_DBUS_ERROR_TYPE_NOT_SUPPORTED, EOPNOTSUPP},
    [MANAGER_ERROR_NO_INSTANCES] = {MDEVVIRTIO_DBUS_ERROR_NO_INSTANCES, EUSERS},
    [MANAGER_ERROR_BUSY] = {MDEVVIRTIO_DBUS_ERROR_BUSY, EBUSY},
    [MANAGER_ERROR_ACCESS_DENIED] = {MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED, EACCES},
    [MANAGER_ERROR_KERNEL] = {MDEVVIRTIO_DBUS_ERROR_KERNEL, EIO},
    [MANAGER_ERROR_CONFLICT] = {MDEVVIRTIO_DBUS_ERROR_CONFLICT, ESTALE},
    [MANAGER_ERROR_CALLOUT_REFUSED] = {MDEVVIRTIO_DBUS_ERROR_CALLOUT_REFUSED, ECANCELED},
    [MANAGER_ERROR_NOT_RUNNING] = {MDEVVIRTIO_DBUS_ERROR_NOT_RUNNING, ESRCH},
    [MANAGER_ERROR_NOT_SUPPORTED] = {MDEVVIRTIO_DBUS_ERROR_NOT_SUPPORTED, ENOPROTOOPT},
    [MANAGER_ERROR_AMBIGUOUS] = {MDEVVIRTIO_DBUS_ERROR_AMBIGUOUS, ENOTUNIQ},
};

const sd_bus_error_map bus_error_map[] = {
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_NOT_FOUND, ENOENT),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS, EEXIST),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT, EINVAL),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_PARENT_NOT_FOUND, ENODEV),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_TYPE_NOT_SUPPORTED, EOPNOTSUPP),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_NO_INSTANCES, EUSERS),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_BUSY, EBUSY),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED, EACCES),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_KERNEL, EIO),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_CONFLICT, ESTALE),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_CALLOUT_REFUSED, ECANCELED),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_NOT_RUNNING, ESRCH),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_NOT_SUPPORTED, ENOPROTOOPT),
    SD_BUS_ERROR_MAP(MDEVVIRTIO_DBUS_ERROR_AMBIGUOUS, ENOTUNIQ),
    SD_BUS_ERROR_MAP_END,
};

int bus_error_register(void)
{
	int r;

	/* Returns 0 when the same table is already registered. */
	r = sd_bus_error_add_map(bus_error_map);
	return r < 0 ? r : 0;
}

const char *bus_error_name(enum manager_error_kind kind)
{
	if ((int)kind <= MANAGER_ERROR_NONE || kind >= _MANAGER_ERROR_MAX)
		return NULL;
	return kind_table[kind].name;
}

int bus_error_errno(enum manager_error_kind kind)
{
	if ((int)kind <= MANAGER_ERROR_NONE || kind >= _MANAGER_ERROR_MAX)
		return 0;
	return kind_table[kind].errnum;
}

int bus_error_from_manager(sd_bus_error *error, int r, const struct manager_error *e)
{
	const char *name = e ? bus_error_name(e->kind) : NULL;

	r = negative_errno(r);
	if (!name) {
		if (r == -ENOMEM)
			return sd_bus_error_set_errno(error, r);
		name = MDEVVIRTIO_DBUS_ERROR_KERNEL;
	}
	if (e && e->message)
		sd_bus_error_set(error, name, e->message);
	else
		sd_bus_error_setf(error, name, "%s", strerror(-r));
	return r;
}

const char *bus_error_quote(const char *s, char buf[static BUS_ERROR_QUOTE_MAX + 4])
{
	size_t i;

	if (!s)
		s = "";
	for (i = 0; s[i] && i < BUS_ERROR_QUOTE_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}
