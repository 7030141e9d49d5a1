/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Checks on everything a caller hands the manager, before anything is written:
 * the one place each input is validated (the D-Bus layer only reads the
 * message), one limit and one message per rule. Limits: names as
 * name-check.h, at most MDEV_ATTRS_MAX (128) attributes, the same limit as
 * definition files, values of 1..MDEV_SYSFS_VALUE_MAX bytes without inner
 * newlines (one sysfs store).
 */
#include "manager-internal.h"
#include "mdev-device.h"
#include "name-check.h"

_Static_assert(MDEV_ATTRS_MAX >= DEFINITION_ATTRS_MAX,
	       "every definition a file may hold must be startable");

const char *manager_quote(const char *s, char buf[static MANAGER_QUOTE_MAX])
{
	size_t i;

	s = strempty(s);
	for (i = 0; s[i] && i < MANAGER_QUOTE_MAX - 4; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

int manager_validate_uuid(const char *in, bool generate, char out[static UUID_STRING_LEN + 1],
			  struct manager_error *e)
{
	char q[MANAGER_QUOTE_MAX];
	int r;

	if (generate && isempty(in)) {
		r = uuid_generate(out);
		return r < 0 ? manager_error_set(e, MANAGER_ERROR_KERNEL, r,
						 "Failed to generate a UUID: %s", strerror(-r))
			     : 0;
	}
	if (!in || uuid_normalize(in, out) < 0)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid UUID '%s'", manager_quote(in, q));
	return 0;
}

/* @what: "parent", "type", "attribute name". */
static int name_check(const char *what, const char *s, size_t max, struct manager_error *e)
{
	char q[MANAGER_QUOTE_MAX];

	s = strempty(s);
	if (strlen(s) > max)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid %s '%s': longer than %zu bytes", what,
					 manager_quote(s, q), max);
	if (!name_is_valid(s, max))
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid %s '%s': must be [A-Za-z0-9_.:+@-], not starting "
					 "with '.'",
					 what, manager_quote(s, q));
	return 0;
}

int manager_validate_parent(const char *parent, struct manager_error *e)
{
	return name_check("parent", parent, NAME_MAX_PARENT, e);
}

int manager_validate_type(const char *type, struct manager_error *e)
{
	return name_check("type", type, NAME_MAX_TYPE, e);
}

int manager_validate_flags(const char *op, unsigned flags, unsigned also,
			   struct manager_error *e)
{
	unsigned known = MDEVVIRTIO_DBUS_FLAG_FORCE | also;

	if (flags & ~known)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid flags 0x%x for %s: only 0x%x are known", flags,
					 op, known);
	return 0;
}

int manager_validate_attrs(const char *uuid, const struct definition_attr *a, size_t n,
			   struct manager_error *e)
{
	char q[MANAGER_QUOTE_MAX];
	const char *reason;

	if (n > MDEV_ATTRS_MAX)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, E2BIG,
					 "Device %s: %zu attributes, at most %d are supported",
					 uuid, n, MDEV_ATTRS_MAX);
	if (n > 0 && !a)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s: attribute list missing", uuid);
	for (size_t i = 0; i < n; i++) {
		int r = name_check("attribute name", a[i].name, NAME_MAX_ATTR, e);

		if (r < 0)
			return r;
		if (mdev_attr_validate(a[i].name, a[i].value, &reason) < 0)
			return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
						 "Device %s: attribute %zu '%s': %s", uuid, i,
						 manager_quote(a[i].name, q), reason);
	}
	return 0;
}

int manager_pick_definition(const struct manager *m, const char *parent, const char *uuid,
			    const struct definition **ret, struct manager_error *e)
{
	const struct definition_entry *first, *entry;
	size_t n;

	*ret = NULL;
	if (!isempty(parent)) {
		entry = definition_store_get(m->store, parent, uuid);
		if (!entry)
			return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
						 "Device %s is not defined on parent %s", uuid,
						 parent);
		*ret = entry->def;
		return 0;
	}
	n = definition_store_find_uuid(m->store, uuid, &first);
	if (n == 0)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not defined", uuid);
	if (n > 1)
		/* mdevctl's words, then ours: where it is defined. */
		return manager_error_set(e, MANAGER_ERROR_AMBIGUOUS, ENOTUNIQ,
					 "Multiple definitions found for device %s. Please specify "
					 "a parent (it is defined on %zu parents: %s, %s%s)",
					 uuid, n, first[0].def->parent, first[1].def->parent,
					 n > 2 ? ", ..." : "");
	*ret = first[0].def;
	return 0;
}
