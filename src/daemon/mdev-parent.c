/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <strings.h>

#include "mdev-parent.h"
#include "name-check.h"

static int type_file_read(const struct mdev_bus *bus, const char *parent, const char *id,
			  const char *file, char **ret)
{
	_cleanup_free_ char *path = NULL;

	if (asprintf(&path, "%s/%s/mdev_supported_types/%s/%s", bus->class_dir, parent, id, file) <
	    0)
		return -ENOMEM;
	return mdev_sysfs_read(path, ret);
}

/* Keep the first failure of a type; later ones are usually the same cause. */
static int type_note_error(struct mdev_type *t, const char *parent, const char *file, int r)
{
	if (r == -ENOMEM)
		return r;
	if (t->error == 0)
		t->error =
		    mdev_error(&t->error_message, r, "Failed to read %s of type %s on parent %s",
			       file, t->id, parent);
	return 0;
}

static int type_int_read(struct mdev_type *t, const struct mdev_bus *bus, const char *parent,
			 const char *file, bool optional, int *ret)
{
	_cleanup_free_ char *s = NULL;
	int r;

	r = type_file_read(bus, parent, t->id, file, &s);
	if (r == -ENOENT && optional)
		return 0;
	if (r >= 0)
		r = mdev_sysfs_parse_uint(s, ret);
	return r < 0 ? type_note_error(t, parent, file, r) : 0;
}

static int type_str_read(struct mdev_type *t, const struct mdev_bus *bus, const char *parent,
			 const char *file, bool optional, char **ret)
{
	int r;

	r = type_file_read(bus, parent, t->id, file, ret);
	if (r == -ENOENT && optional)
		return 0;
	return r < 0 ? type_note_error(t, parent, file, r) : 0;
}

static int type_read(const struct mdev_bus *bus, const char *parent, const char *id,
		     struct mdev_type *t)
{
	int r;

	*t = (struct mdev_type){.available_instances = -1, .virtio_device_id = -1};
	t->id = strdup(id);
	if (!t->id)
		return -ENOMEM;
	/* Each read records its own failure in @t; only -ENOMEM stops the walk. */
	if ((r = type_str_read(t, bus, parent, "name", true, &t->name)) < 0 ||
	    (r = type_str_read(t, bus, parent, "description", true, &t->description)) < 0 ||
	    (r = type_str_read(t, bus, parent, "device_api", false, &t->device_api)) < 0 ||
	    (r = type_int_read(t, bus, parent, "available_instances", false,
			       &t->available_instances)) < 0 ||
	    (r = type_int_read(t, bus, parent, "virtio_device_id", true, &t->virtio_device_id)) < 0)
		return r;
	return 0;
}

int mdev_parent_reread_instances(struct mdev_parent *p, bool *ret_freed)
{
	_cleanup_free_ int *now = NULL;
	bool freed = false;
	int changed = 0;

	if (p->error || !p->bus)
		return -ESTALE;
	now = calloc(p->n_types ? p->n_types : 1, sizeof(*now));
	if (!now)
		return -ENOMEM;
	/* All read before any is changed: a failure leaves @p as it was. */
	for (size_t i = 0; i < p->n_types; i++) {
		_cleanup_free_ char *s = NULL;
		int r;

		if (p->types[i].error || p->types[i].available_instances < 0)
			return -ESTALE;
		r = type_file_read(p->bus, p->name, p->types[i].id, "available_instances", &s);
		if (r >= 0)
			r = mdev_sysfs_parse_uint(s, &now[i]);
		if (r < 0)
			return r;
	}
	for (size_t i = 0; i < p->n_types; i++) {
		if (now[i] == p->types[i].available_instances)
			continue;
		freed = freed || now[i] > p->types[i].available_instances;
		p->types[i].available_instances = now[i];
		changed = 1;
	}
	*ret_freed = freed;
	return changed;
}

static void type_done(struct mdev_type *t)
{
	free(t->id);
	free(t->name);
	free(t->description);
	free(t->device_api);
	free(t->error_message);
	*t = (struct mdev_type){};
}

void mdev_parent_done(struct mdev_parent *p)
{
	for (size_t i = 0; i < p->n_types; i++)
		type_done(&p->types[i]);
	free(p->types);
	free(p->name);
	free(p->error_message);
	*p = (struct mdev_parent){};
}

struct mdev_parent *mdev_parent_array_free(struct mdev_parent *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		mdev_parent_done(&a[i]);
	free(a);
	return NULL;
}

/* Fill p->types from the type directories; a missing directory is p->error. */
static int parent_types_read(struct mdev_parent *p)
{
	_cleanup_strv_free_ char **ids = NULL;
	_cleanup_free_ char *dir = NULL;
	size_t n = 0;
	int r;

	if (asprintf(&dir, "%s/%s/mdev_supported_types", p->bus->class_dir, p->name) < 0)
		return -ENOMEM;
	r = mdev_sysfs_list_dir(dir, &ids);
	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		p->error =
		    mdev_error(&p->error_message, r, "Failed to list types of parent %s on bus %s",
			       p->name, p->bus->name);
		return 0;
	}
	for (char **id = ids; *id; id++)
		n++;
	p->types = calloc(n ? n : 1, sizeof(struct mdev_type));
	if (!p->types)
		return -ENOMEM;
	for (char **id = ids; *id; id++) {
		if (!name_is_valid(*id, NAME_MAX_TYPE))
			continue; /* not a name we could ever create; sysfs does not make these */
		r = type_read(p->bus, p->name, *id, &p->types[p->n_types++]);
		if (r < 0)
			return r;
	}
	return 0;
}

int mdev_parent_read(const struct mdev_bus *bus, const char *name, struct mdev_parent *ret,
		     char **ret_error)
{
	_cleanup_(mdev_parent_done) struct mdev_parent p = {.bus = bus};
	_cleanup_free_ char *link = NULL;
	int r;

	if (!name_is_valid(name, NAME_MAX_PARENT))
		return mdev_error(ret_error, EINVAL, "Invalid parent name '%s'", strempty(name));
	if (asprintf(&link, "%s/%s", bus->class_dir, name) < 0)
		return mdev_error(ret_error, ENOMEM, "Failed to read parent %s", name);
	r = mdev_sysfs_exists(link);
	if (r == 0)
		r = -ENODEV;
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to read parent %s on bus %s", name,
				  bus->name);
	p.name = strdup(name);
	r = p.name ? parent_types_read(&p) : -ENOMEM;
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to read parent %s on bus %s", name,
				  bus->name);
	*ret = p;
	p = (struct mdev_parent){};
	return 0;
}

/* Append the parents of @bus to *@a; parents that vanish meanwhile are skipped. */
static int bus_parents_read(const struct mdev_bus *bus, struct mdev_parent **a, size_t *n,
			    char **ret_error)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	r = mdev_sysfs_list_dir(bus->class_dir, &names);
	if (r == -ENOENT)
		return 0; /* bus module not loaded: no parents, not an error */
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to list parents of bus %s", bus->name);
	for (char **name = names; *name; name++) {
		struct mdev_parent *grown;

		if (!name_is_valid(*name, NAME_MAX_PARENT))
			continue;
		grown = realloc(*a, (*n + 1) * sizeof(struct mdev_parent));
		if (!grown)
			return mdev_error(ret_error, ENOMEM, "Failed to list parents");
		*a = grown;
		/* No message from here: a parent that vanished meanwhile is not a failure. */
		r = mdev_parent_read(bus, *name, &grown[*n], NULL);
		if (r == -ENODEV)
			continue;
		if (r < 0)
			return mdev_error(ret_error, r, "Failed to read parent %s on bus %s", *name,
					  bus->name);
		(*n)++;
	}
	return 0;
}

int mdev_parent_list(struct mdev_parent **ret, size_t *ret_n, char **ret_error)
{
	struct mdev_parent *a = NULL;
	const struct mdev_bus *bus;
	size_t n = 0;
	int r;

	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		r = bus_parents_read(bus, &a, &n, ret_error);
		if (r < 0) {
			mdev_parent_array_free(a, n);
			return r;
		}
	}
	*ret = a;
	*ret_n = n;
	return 0;
}

const struct mdev_type *mdev_parent_find_type(const struct mdev_parent *p, const char *id)
{
	for (size_t i = 0; i < p->n_types; i++)
		if (streq(p->types[i].id, id))
			return &p->types[i];
	return NULL;
}

static int reason_set(char **ret_reason, int err, const char *format, ...) _printf_(3, 4);
static int reason_set(char **ret_reason, int err, const char *format, ...)
{
	va_list ap;
	char *s;

	if (!ret_reason)
		return err;
	va_start(ap, format);
	if (vasprintf(&s, format, ap) >= 0) {
		free(*ret_reason);
		*ret_reason = s;
	}
	va_end(ap);
	return err;
}

/* mdevctl's hint for a parent given in the wrong case (its issue #60, commit b27255a). */
static int parent_suggest(const char *name, char **ret)
{
	const struct mdev_bus *bus;

	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		_cleanup_strv_free_ char **names = NULL;

		if (mdev_sysfs_list_dir(bus->class_dir, &names) < 0)
			continue;
		for (char **n = names; *n; n++)
			if (strcasecmp(*n, name) == 0) {
				*ret = strdup(*n);
				return *ret ? 1 : -ENOMEM;
			}
	}
	return 0;
}

static int parent_missing(const char *parent, char **ret_reason)
{
	_cleanup_free_ char *hint = NULL;
	int r;

	r = parent_suggest(parent, &hint);
	if (r < 0)
		return r;
	if (r > 0)
		return reason_set(ret_reason, -ENODEV,
				  "Unable to find parent device '%s'. Did you mean '%s'?", parent,
				  hint);
	return reason_set(ret_reason, -ENODEV, "Unable to find parent device '%s'", parent);
}

static int path_exists(const char *format, ...) _printf_(1, 2);
static int path_exists(const char *format, ...)
{
	_cleanup_free_ char *path = NULL;
	va_list ap;
	int r;

	va_start(ap, format);
	r = vasprintf(&path, format, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return mdev_sysfs_exists(path);
}

static int type_instances_check(const struct mdev_bus *bus, const char *parent, const char *type)
{
	_cleanup_free_ char *s = NULL;
	int n;

	if (type_file_read(bus, parent, type, "available_instances", &s) < 0 ||
	    mdev_sysfs_parse_uint(s, &n) < 0)
		return 0; /* a broken file is not ours to judge; the create store decides */
	return n == 0 ? -EUSERS : 0;
}

bool mdev_parent_exists(const char *name)
{
	const struct mdev_bus *bus;

	if (!name_is_valid(name, NAME_MAX_PARENT))
		return false;
	for (size_t i = 0; (bus = mdev_bus_get(i)); i++)
		if (path_exists("%s/%s", bus->class_dir, name) > 0)
			return true;
	return false;
}

int mdev_parent_locate(const char *parent, const char *type, const struct mdev_bus **ret_bus,
		       char **ret_reason)
{
	const struct mdev_bus *bus, *found = NULL;
	int r;

	if (!name_is_valid(parent, NAME_MAX_PARENT))
		return reason_set(ret_reason, -EINVAL, "invalid parent name");
	if (!name_is_valid(type, NAME_MAX_TYPE))
		return reason_set(ret_reason, -EINVAL, "invalid type name");
	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		r = path_exists("%s/%s", bus->class_dir, parent);
		if (r <= 0) {
			if (r < 0)
				return r;
			continue;
		}
		found = found ? found : bus;
		r = path_exists("%s/%s/mdev_supported_types/%s", bus->class_dir, parent, type);
		if (r < 0)
			return r;
		if (r > 0) {
			r = type_instances_check(bus, parent, type);
			if (r < 0)
				return r;
			*ret_bus = bus;
			return 0;
		}
	}
	if (!found)
		return parent_missing(parent, ret_reason);
	r = path_exists("%s/%s/mdev_supported_types", found->class_dir, parent);
	if (r < 0)
		return r;
	if (r == 0)
		return reason_set(ret_reason, -ENODEV,
				  "Parent %s is not currently registered for mdev support", parent);
	return reason_set(ret_reason, -EOPNOTSUPP, "Parent %s does not support mdev type %s",
			  parent, type);
}
