/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading method arguments off the message: attribute lists and Modify's
 * change dictionary, decoded into what the manager takes. Nothing here
 * validates names, UUIDs or limits: the manager does, once, for every caller
 * (manager-validate.c). What is refused here is what cannot be decoded: a
 * change key that does not exist or has the wrong type, a start mode that is
 * no enum value, Modify flags that mean nothing.
 */
#include <errno.h>

#include "bus-error.h"
#include "bus-internal.h"

/* Modify's "start": the enum the manager takes, as Define's string is checked there. */
static int start_decode(const char *start, sd_bus_error *error)
{
	enum definition_start s;

	if (definition_start_from_string(start, &s) < 0)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Invalid start mode '%s': must be 'auto' or 'manual'",
					 BUS_QUOTE(start));
	return (int)s;
}

void bus_attrs_done(struct bus_attrs *a)
{
	free(a->attrs);
	*a = (struct bus_attrs){};
}

int bus_read_attrs(sd_bus_message *m, struct bus_attrs *ret, sd_bus_error *error)
{
	_cleanup_free_ struct definition_attr *attrs = NULL;
	size_t n = 0, size = 0;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(ss)");
	if (r < 0)
		return r;
	for (;;) {
		const char *name, *value;

		r = sd_bus_message_read(m, "(ss)", &name, &value);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		/* Doubling: a message may carry any number (the manager refuses too many). */
		if (n == size) {
			struct definition_attr *grown;

			size = size ? 2 * size : 8;
			grown = reallocarray(attrs, size, sizeof(*attrs));
			if (!grown)
				return -ENOMEM;
			attrs = grown;
		}
		/* The manager takes const attributes; these stay the message's. */
		attrs[n++] = (struct definition_attr){(char *)name, (char *)value};
	}
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;

	*ret = (struct bus_attrs){TAKE_PTR(attrs), n};
	return 0;
}

void bus_changes_done(struct bus_changes *c)
{
	bus_attrs_done(&c->attrs);
	*c = (struct bus_changes){.changes.start = -1};
}

static int enter_variant(sd_bus_message *m, const char *key, const char *signature,
			 sd_bus_error *error)
{
	int r;

	r = sd_bus_message_enter_container(m, 'v', signature);
	if (r == -ENXIO)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Modify key '%s' must be of type '%s'", key, signature);
	return r;
}

static int read_change(sd_bus_message *m, const char *key, struct bus_changes *c,
		       sd_bus_error *error)
{
	const char *s;
	int r;

	if (streq(key, "attrs")) {
		if (c->changes.set_attrs)
			goto duplicate;
		r = enter_variant(m, key, "a(ss)", error);
		if (r < 0)
			return r;
		r = bus_read_attrs(m, &c->attrs, error);
		if (r < 0)
			return r;
		c->changes.set_attrs = true;
		c->changes.attrs = c->attrs.attrs;
		c->changes.n_attrs = c->attrs.n;
		return sd_bus_message_exit_container(m);
	}

	if (streq(key, MDEVVIRTIO_DBUS_CHANGE_ATTR_INSERT)) {
		const char *name, *value;
		int32_t index;

		if (c->changes.insert_attr)
			goto duplicate;
		r = enter_variant(m, key, "(iss)", error);
		if (r < 0)
			return r;
		r = sd_bus_message_read(m, "(iss)", &index, &name, &value);
		if (r < 0)
			return r;
		c->changes.insert_attr = true;
		c->changes.insert = (struct definition_attr){(char *)name, (char *)value};
		c->changes.insert_index = index;
		return sd_bus_message_exit_container(m);
	}
	if (streq(key, MDEVVIRTIO_DBUS_CHANGE_ATTR_DELETE)) {
		int32_t index;

		if (c->changes.delete_attr)
			goto duplicate;
		r = enter_variant(m, key, "i", error);
		if (r < 0)
			return r;
		r = sd_bus_message_read(m, "i", &index);
		if (r < 0)
			return r;
		c->changes.delete_attr = true;
		c->changes.delete_index = index;
		return sd_bus_message_exit_container(m);
	}
	if (streq(key, MDEVVIRTIO_DBUS_CHANGE_GENERATION)) {
		if (c->changes.check_generation)
			goto duplicate;
		r = enter_variant(m, key, "t", error);
		if (r < 0)
			return r;
		r = sd_bus_message_read(m, "t", &c->changes.generation);
		if (r < 0)
			return r;
		c->changes.check_generation = true;
		return sd_bus_message_exit_container(m);
	}
	if (!streq(key, "type") && !streq(key, "start"))
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Unknown Modify key '%s': expected 'type', 'start', 'attrs', "
					 "'attr-insert', 'attr-delete' or 'generation'",
					 BUS_QUOTE(key));
	if (streq(key, "type") ? c->changes.type != NULL : c->changes.start >= 0)
		goto duplicate;
	r = enter_variant(m, key, "s", error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "s", &s);
	if (r < 0)
		return r;
	if (streq(key, "type")) {
		c->changes.type = s;
	} else {
		r = start_decode(s, error);
		if (r < 0)
			return r;
		c->changes.start = r;
	}
	return sd_bus_message_exit_container(m);

duplicate:
	return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
				 "Modify key '%s' given more than once", key);
}

int bus_read_changes(sd_bus_message *m, struct bus_changes *ret, unsigned *ret_flags,
		     sd_bus_error *error)
{
	_cleanup_(bus_changes_done) struct bus_changes c = {.changes.start = -1};
	unsigned flags;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		const char *key;

		r = sd_bus_message_read(m, "s", &key);
		if (r < 0)
			return r;
		r = read_change(m, key, &c, error);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "u", &flags);
	if (r < 0)
		return r;

	if (flags & ~(MDEVVIRTIO_DBUS_MODIFY_LIVE | MDEVVIRTIO_DBUS_MODIFY_DEFINED |
		      MDEVVIRTIO_DBUS_FLAG_FORCE))
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					 "Invalid Modify flags 0x%x: only 1 (live), 2 (defined) and "
					 "4 (force)",
					 flags);
	if (!c.changes.type && c.changes.start < 0 && !c.changes.set_attrs &&
	    !c.changes.insert_attr && !c.changes.delete_attr)
		return sd_bus_error_set(error, MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
					"Nothing to modify: give 'type', 'start', 'attrs', 'attr-insert' "
					"or 'attr-delete'");

	*ret_flags = flags;
	*ret = c;
	c = (struct bus_changes){.changes.start = -1};
	return 0;
}
