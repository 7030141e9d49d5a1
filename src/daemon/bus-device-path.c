/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device object paths: /org/mdevvirtio1/devices/<sd_bus_path_encode(uuid)>
 * for a normalised UUID, and back. A path is accepted only if it is exactly
 * the one its device gets (so one device has one path) and names a device
 * the manager knows.
 */
#include <errno.h>

#include "bus-internal.h"

int bus_device_path(const char *uuid, char **ret)
{
	return sd_bus_path_encode(MDEVVIRTIO_DBUS_DEVICES_PATH, uuid, ret);
}

static int unhex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * sd_bus_path_encode()'s label of a normalised UUID, without allocating: a
 * leading digit and every '-' as _xx. Property reads look a device up by its
 * path once per property, and the generic decoder was most of the cost of
 * GetManagedObjects.
 */
static void uuid_label(const char *uuid, char ret[static 3 * UUID_STRING_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	for (size_t i = 0; uuid[i]; i++) {
		unsigned char c = (unsigned char)uuid[i];

		if ((c >= 'a' && c <= 'f') || (i > 0 && c >= '0' && c <= '9')) {
			ret[k++] = (char)c;
			continue;
		}
		ret[k++] = '_';
		ret[k++] = hex[c >> 4];
		ret[k++] = hex[c & 0xf];
	}
	ret[k] = '\0';
}

/* The device at @path, which must be the one path bus_device_path() gives it. */
const struct managed_device *bus_device_from_path(struct bus_api *api, const char *path)
{
	static const char prefix[] = MDEVVIRTIO_DBUS_DEVICES_PATH "/";
	char uuid[UUID_STRING_LEN + 1], label[3 * UUID_STRING_LEN + 1];
	const char *p;
	size_t n = 0;

	if (!path || strncmp(path, prefix, sizeof(prefix) - 1) != 0)
		return NULL;
	p = path + sizeof(prefix) - 1;
	for (const char *s = p; *s; n++) {
		int hi, lo;

		if (n == UUID_STRING_LEN)
			return NULL;
		if (*s != '_') {
			uuid[n] = *s++;
			continue;
		}
		hi = unhex(s[1]);
		lo = hi < 0 ? -1 : unhex(s[2]);
		if (lo < 0)
			return NULL;
		uuid[n] = (char)(hi << 4 | lo);
		s += 3;
	}
	uuid[n] = '\0';
	if (!uuid_is_normalized(uuid))
		return NULL;
	uuid_label(uuid, label);
	if (!streq(label, p))
		return NULL;
	return manager_get_device(api->manager, uuid);
}

int bus_device_get(struct bus_api *api, const char *path, const struct managed_device **ret,
		   sd_bus_error *error)
{
	*ret = bus_device_from_path(api, path);
	if (!*ret)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_NOT_FOUND, "No device at %s", path);
	return 0;
}

int bus_device_called_uuid(sd_bus_message *m, struct bus_api *api,
			   char ret[static UUID_STRING_LEN + 1], sd_bus_error *error)
{
	const struct managed_device *d;
	int r;

	r = bus_device_get(api, sd_bus_message_get_path(m), &d, error);
	if (r < 0)
		return r;
	memcpy(ret, d->uuid, UUID_STRING_LEN + 1);
	return 0;
}
