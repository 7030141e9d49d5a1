/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Operations on definitions: define (from arguments or mdevctl JSON),
 * undefine, modify (definition and/or running device), reload. Each
 * validates everything first, then writes through the definition store,
 * whose change report updates the model (the same path as a file an admin
 * drops in).
 */
#include <inttypes.h>

#include "log.h"
#include "manager-internal.h"
#include "mdev-bus.h"
#include "name-check.h"

/* A definition error message from definition.h, or a generic one. */
static int definition_failed(struct manager_error *e, int r, char **msg, const char *uuid)
{
	if (r == -ENOMEM)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "Out of memory");
	return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
				 "Invalid definition of device %s: %s", uuid,
				 *msg ? *msg : strerror(-r));
}

/*
 * Saving or removing a definition file failed. EROFS gets a hint: the service
 * sees /etc/mdevvirtio.d through a bind mount in its own namespace, and a
 * directory removed while it runs stays out of its reach until a restart.
 */
static int store_failed(struct manager_error *e, int r, const char *what, const char *uuid,
			const char *parent)
{
	return manager_error_set(
	    e, MANAGER_ERROR_KERNEL, r,
	    "Failed to %s the definition of device %s on parent %s: %s%s", what, uuid, parent,
	    strerror(-r),
	    r == -EROFS ? " (the definition directory is read-only to mdevvirtiod; if it was "
			  "removed while the daemon ran, restart mdevvirtiod.service)"
			: "");
}

static int type_check(struct manager *m, const char *parent, const char *type,
		      struct manager_error *e)
{
	char q[MANAGER_QUOTE_MAX];

	if (!parent_is_present(m, parent) || parent_find_type(m, parent, type))
		return 0;
	/* mdevctl's words for it, as a start on the parent gets them (mdev-parent.h). */
	return manager_error_set(e, MANAGER_ERROR_TYPE_NOT_SUPPORTED, EOPNOTSUPP,
				 "Parent %s does not support mdev type %s", parent,
				 manager_quote(type, q));
}

/*
 * Defining a device that runs as the definition says: as mdevctl, the "get
 * attributes" callout supplies the attributes it runs with (what the caller
 * gave is kept when no callout answers).
 */
static int define_running_attrs(struct manager *m, struct device_callout *c,
				struct definition *def, struct manager_error *e)
{
	struct mdevice *d = manager_find_device(m, def->uuid);
	struct definition_attr *attrs = NULL;
	size_t n = 0;
	int r;

	if (!d || !d->run || !streq_ptr(d->run->parent, def->parent) ||
	    !streq_ptr(d->run->type, def->mdev_type))
		return 0;
	r = device_callout_attributes(c, &attrs, &n, e);
	if (r <= 0)
		return r;
	r = manager_validate_attrs(def->uuid, attrs, n, e);
	if (r >= 0) {
		definition_attrs_free(def->attrs, def->n_attrs);
		def->attrs = TAKE_PTR(attrs);
		def->n_attrs = n;
	}
	definition_attrs_free(attrs, n);
	return r;
}

static int define_save(struct manager *m, struct definition *def, bool force,
		       struct manager_error *e)
{
	struct device_callout c;
	int r;

	r = device_callout_begin(m, &c, CALLOUT_ACTION_DEFINE, def->parent, def->mdev_type,
				 def->uuid, def->start == DEFINITION_START_AUTO, def->attrs,
				 def->n_attrs, force, e);
	if (r >= 0)
		r = define_running_attrs(m, &c, def, e);
	if (r >= 0) {
		r = definition_store_save(m->store, def, DEFINITION_LAYER_ADMIN,
					  manager_store_changed, m);
		if (r < 0)
			store_failed(e, r, "save", def->uuid, def->parent);
	}
	device_callout_end(&c, r);
	return r;
}

static int define_commit(struct manager *m, struct definition *def, bool force,
			 char **ret_uuid, struct manager_error *e)
{
	_cleanup_free_ char *copy = NULL;
	int r;

	/* As mdevctl, (parent, uuid) names a definition: another parent's file may exist. */
	if (definition_store_get(m->store, def->parent, def->uuid))
		return manager_error_set(e, MANAGER_ERROR_ALREADY_EXISTS, EEXIST,
					 "Device %s is already defined on parent %s", def->uuid,
					 def->parent);
	r = type_check(m, def->parent, def->mdev_type, e);
	if (r < 0)
		return r;
	if (ret_uuid && !(copy = strdup(def->uuid)))
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	r = define_save(m, def, force, e);
	if (r < 0)
		return r;
	log_device_info(def->uuid, "Defined %s device %s on parent %s (%s)", def->mdev_type,
			def->uuid, def->parent, definition_start_to_string(def->start));
	if (ret_uuid)
		*ret_uuid = TAKE_PTR(copy);
	return 0;
}

int manager_define_flags(struct manager *m, const char *parent, const char *uuid,
			 const char *type, const char *start, const struct definition_attr *attrs,
			 size_t n_attrs, unsigned flags, char **ret_uuid, struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *def = NULL;
	_cleanup_free_ char *msg = NULL;
	char id[UUID_STRING_LEN + 1], q[MANAGER_QUOTE_MAX];
	enum definition_start st;
	int r;

	if ((r = manager_validate_flags("define", flags, 0, e)) < 0 ||
	    (r = manager_validate_parent(parent, e)) < 0 ||
	    (r = manager_validate_type(type, e)) < 0)
		return r;
	if (!start || definition_start_from_string(start, &st) < 0)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid start mode '%s': must be 'auto' or 'manual'",
					 manager_quote(start, q));
	if ((r = manager_validate_uuid(uuid, true, id, e)) < 0 ||
	    (r = manager_validate_attrs(id, attrs, n_attrs, e)) < 0)
		return r;
	r = definition_new(parent, id, type, st, &def, &msg);
	for (size_t i = 0; r >= 0 && i < n_attrs; i++)
		r = definition_attr_append(def, attrs[i].name, attrs[i].value, &msg);
	if (r < 0)
		return definition_failed(e, r, &msg, id);
	return define_commit(m, def, flags & MDEVVIRTIO_DBUS_FLAG_FORCE, ret_uuid, e);
}

int manager_define_json_flags(struct manager *m, const char *parent, const char *uuid,
			      const char *json, unsigned flags, char **ret_uuid,
			      struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *def = NULL;
	_cleanup_free_ char *msg = NULL;
	char id[UUID_STRING_LEN + 1];
	int r;

	if ((r = manager_validate_flags("define", flags, 0, e)) < 0 ||
	    (r = manager_validate_parent(parent, e)) < 0 ||
	    (r = manager_validate_uuid(uuid, true, id, e)) < 0)
		return r;
	if (!json)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Invalid definition of device %s: no JSON", id);
	r = definition_from_json(parent, id, json, strnlen(json, DEFINITION_JSON_SIZE_MAX + 1),
				 &def, &msg);
	if (r < 0)
		return definition_failed(e, r, &msg, id);
	r = manager_validate_attrs(id, def->attrs, def->n_attrs, e);
	if (r < 0)
		return r;
	return define_commit(m, def, flags & MDEVVIRTIO_DBUS_FLAG_FORCE, ret_uuid, e);
}

/* Undefine what is only a bad file of @uuid (on @parent if not NULL), so a broken file can be cleaned up. */
static int undefine_bad(struct manager *m, const char *parent, const char *uuid,
			struct manager_error *e)
{
	const struct definition_bad_file *bad;
	_cleanup_strv_free_ char **parents = NULL;
	size_t n, k = 0;
	int r = 0;

	bad = definition_store_bad_files(m->store, &n);
	parents = calloc(n + 1, sizeof(char *));
	if (!parents)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	for (size_t i = 0; i < n; i++)
		if (bad[i].parent && bad[i].name && streq(bad[i].name, uuid) &&
		    (!parent || streq(bad[i].parent, parent)) &&
		    !(parents[k++] = strdup(bad[i].parent)))
			return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	if (k == 0 && parent)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not defined on parent %s", uuid, parent);
	if (k == 0)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not defined", uuid);
	for (char **p = parents; *p && r >= 0; p++) {
		r = definition_store_remove(m->store, *p, uuid, manager_store_changed, m);
		if (r == -ENOENT)
			r = 0;
	}
	return r < 0 ? manager_error_set(e, MANAGER_ERROR_KERNEL, r,
					 "Failed to remove the definition of device %s: %s", uuid,
					 strerror(-r))
		     : 0;
}

/* Remove the definition of @uuid on @parent, between its pre and post callouts. */
static int undefine_one(struct manager *m, const char *parent, const char *uuid, bool force,
			struct manager_error *e)
{
	const struct definition_entry *entry = definition_store_get(m->store, parent, uuid);
	struct device_callout c;
	int r;

	if (!entry)
		return 0; /* gone meanwhile */
	r = device_callout_begin(m, &c, CALLOUT_ACTION_UNDEFINE, parent, entry->def->mdev_type,
				 uuid, entry->def->start == DEFINITION_START_AUTO,
				 entry->def->attrs, entry->def->n_attrs, force, e);
	if (r >= 0) {
		r = definition_store_remove(m->store, parent, uuid, manager_store_changed, m);
		if (r == -ENOENT)
			r = 0;
		if (r < 0)
			store_failed(e, r, "remove", uuid, parent);
	}
	device_callout_end(&c, r);
	if (r >= 0)
		log_device_info(uuid, "Undefined device %s on parent %s", uuid, parent);
	return r;
}

int manager_undefine_on(struct manager *m, const char *parent, const char *uuid, unsigned flags,
			struct manager_error *e)
{
	bool force = flags & MDEVVIRTIO_DBUS_FLAG_FORCE;
	_cleanup_strv_free_ char **parents = NULL;
	const struct definition_entry *first;
	char id[UUID_STRING_LEN + 1];
	size_t n;
	int r;

	r = manager_validate_flags("undefine", flags, 0, e);
	if (r >= 0)
		r = manager_validate_uuid(uuid, false, id, e);
	if (r < 0)
		return r;
	if (!isempty(parent)) {
		r = manager_validate_parent(parent, e);
		if (r < 0)
			return r;
		if (!definition_store_get(m->store, parent, id))
			return undefine_bad(m, parent, id, e);
		return undefine_one(m, parent, id, force, e);
	}
	n = definition_store_find_uuid(m->store, id, &first);
	if (n == 0)
		return undefine_bad(m, NULL, id, e);
	/* As mdevctl without --parent: every parent's definition of the UUID goes. */
	parents = calloc(n + 1, sizeof(char *));
	if (!parents)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	for (size_t i = 0; i < n; i++)
		if (!(parents[i] = strdup(first[i].def->parent)))
			return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	for (char **p = parents; *p; p++) {
		r = undefine_one(m, *p, id, force, e);
		if (r < 0)
			return r;
	}
	return 0;
}

static int modify_validate(const char *uuid, const struct manager_changes *c, unsigned flags,
			   struct manager_error *e)
{
	int r;

	if (flags & ~(MDEVVIRTIO_DBUS_MODIFY_LIVE | MDEVVIRTIO_DBUS_MODIFY_DEFINED |
		      MDEVVIRTIO_DBUS_FLAG_FORCE))
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s: unknown modify flags 0x%x", uuid, flags);
	if (c->type && (r = manager_validate_type(c->type, e)) < 0)
		return r;
	if (c->start != -1 && c->start != DEFINITION_START_MANUAL &&
	    c->start != DEFINITION_START_AUTO)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s: invalid start mode %d", uuid, c->start);
	if (c->set_attrs + c->insert_attr + c->delete_attr > 1)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s: give one of 'attrs', 'attr-insert' and "
					 "'attr-delete'",
					 uuid);
	if (c->set_attrs)
		return manager_validate_attrs(uuid, c->attrs, c->n_attrs, e);
	if (c->insert_attr)
		return manager_validate_attrs(uuid, &c->insert, 1, e);
	return 0;
}

/*
 * The attribute list @d has now with @c's insert or delete applied, as a
 * list whose strings are borrowed (from @d and @c): *@ret is freed with free().
 */
static int modify_edit_attrs(const char *uuid, const struct definition_attr *attrs, size_t n,
			     const struct manager_changes *c, struct definition_attr **ret,
			     size_t *ret_n, struct manager_error *e)
{
	size_t at;
	long index = c->insert_attr ? c->insert_index : c->delete_index;
	struct definition_attr *v;

	if (c->insert_attr ? index < -1 || index > (long)n
			   : index < -1 || n == 0 || (index >= 0 && (size_t)index >= n))
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Attribute index %ld is invalid for device '%s', which has "
					 "%zu attribute%s",
					 index, uuid, n, n == 1 ? "" : "s");
	if (c->insert_attr && n + 1 > MDEV_ATTRS_MAX)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s has %zu attributes, the most it may have", uuid,
					 n);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	if (n > 0)
		memcpy(v, attrs, n * sizeof(*v));
	if (c->insert_attr) {
		at = index >= 0 ? (size_t)index : n;
		memmove(v + at + 1, v + at, (n - at) * sizeof(*v));
		v[at] = c->insert;
		n++;
	} else {
		at = index >= 0 ? (size_t)index : n - 1;
		memmove(v + at, v + at + 1, (n - at - 1) * sizeof(*v));
		n--;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* Write the new attributes to the running device, in order (what changes). */
static int modify_live_sysfs(struct mdevice *d, const struct manager_changes *c,
			     struct manager_error *e)
{
	char q[MANAGER_QUOTE_MAX];
	int r;

	for (size_t i = 0; c->set_attrs && i < c->n_attrs; i++) {
		r = mdev_device_attr_set(d->run, c->attrs[i].name, c->attrs[i].value);
		if (r == -ENOENT)
			return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, r,
						 "Device %s on parent %s has no attribute '%s'",
						 d->pub.uuid, d->run->parent,
						 manager_quote(c->attrs[i].name, q));
		if (r < 0)
			return manager_error_set(e, manager_error_kind_from_errno(r), r,
						 "Failed to write '%s' to attribute %s of device "
						 "%s on parent %s%s%s: %s",
						 manager_quote(c->attrs[i].value, q),
						 c->attrs[i].name, d->pub.uuid, d->run->parent,
						 d->run->driver ? " bound to " : "",
						 strempty(d->run->driver), mdev_errno_describe(r));
	}
	return 0;
}

/*
 * Our bus's configuration attributes are values the daemon writes itself
 * (configure-before-bind). A vfio-mdev vendor's attributes may be actions
 * (vfio-ap's assign_adapter adds an adapter): as mdevctl, only the
 * vendor's versioned callout knows how to apply a new list live.
 */
static bool live_by_callout(const struct mdevice *d)
{
	return !(d->run->bus && d->run->bus->configure_before_bind);
}

static int modify_live(struct manager *m, struct mdevice *d, const struct manager_changes *c,
		       struct manager_error *e)
{
	int r;

	if (c->type && !streq(c->type, d->run->type))
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "The type of running device %s cannot change (it is %s)",
					 d->pub.uuid, d->run->type);
	if (live_by_callout(d))
		r = device_callout_live(m, d->run->parent, d->run->type, d->pub.uuid,
					(c->start != -1 ? c->start : (int)d->pub.start) ==
					    DEFINITION_START_AUTO,
					c->set_attrs ? c->attrs : d->pub.attrs,
					c->set_attrs ? c->n_attrs : d->pub.n_attrs, e);
	else if ((r = modify_live_sysfs(d, c, e)) >= 0)
		/* As after mdevctl's live modify: the notifiers hear of it, state "none". */
		device_callout_notify(m, d->run->parent, d->run->type, d->pub.uuid,
				      CALLOUT_ACTION_MODIFY, CALLOUT_STATE_NONE);
	if (r < 0)
		return r;
	if (c->set_attrs) {
		struct definition_attr *copy = NULL;

		r = definition_attrs_dup(c->attrs, c->n_attrs, &copy);
		if (r < 0)
			return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "Out of memory");
		definition_attrs_free(d->run_attrs, d->n_run_attrs);
		d->run_attrs = copy;
		d->n_run_attrs = c->n_attrs;
		device_sync(m, d);
	}
	return 0;
}

/* The definition @def with @c applied, in *@ret. */
static int modify_apply(struct manager *m, const struct definition *def,
			const struct manager_changes *c, struct definition **ret,
			struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *n = NULL;
	_cleanup_free_ char *msg = NULL;
	int r;

	r = definition_dup(def, &n);
	if (r >= 0 && c->type && !streq(c->type, def->mdev_type)) {
		r = type_check(m, def->parent, c->type, e);
		if (r < 0)
			return r;
		r = definition_set_type(n, c->type, &msg);
	}
	if (r >= 0 && c->start != -1)
		n->start = (enum definition_start)c->start;
	if (r >= 0 && c->set_attrs) {
		while (r >= 0 && n->n_attrs > 0)
			r = definition_attr_remove(n, n->n_attrs - 1, &msg);
		for (size_t i = 0; r >= 0 && i < c->n_attrs; i++)
			r = definition_attr_append(n, c->attrs[i].name, c->attrs[i].value, &msg);
	}
	if (r < 0)
		return definition_failed(e, r, &msg, def->uuid);
	*ret = TAKE_PTR(n);
	return 0;
}

/* Rewrite the definition of @uuid on @parent with @c applied. */
static int modify_defined(struct manager *m, const char *parent, const char *uuid,
			  const struct manager_changes *c, bool force, struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *n = NULL;
	const struct definition_entry *entry = definition_store_get(m->store, parent, uuid);
	const struct definition *def = entry ? entry->def : NULL;
	struct device_callout callout;
	enum definition_layer layer;
	int r;

	if (!def)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not defined on parent %s", uuid, parent);
	r = modify_apply(m, def, c, &n, e);
	if (r < 0)
		return r;
	/* As mdevctl, the callouts hear of a modify even when it changes nothing. */
	r = device_callout_begin(m, &callout, CALLOUT_ACTION_MODIFY, n->parent, n->mdev_type,
				 n->uuid, n->start == DEFINITION_START_AUTO, n->attrs, n->n_attrs,
				 force, e);
	if (r >= 0 && !definition_equal(n, def)) {
		/* A runtime file stays where it is; vendor files are overridden in /etc. */
		entry = definition_store_get(m->store, def->parent, def->uuid);
		layer = entry && entry->layer == DEFINITION_LAYER_RUNTIME
			    ? DEFINITION_LAYER_RUNTIME
			    : DEFINITION_LAYER_ADMIN;
		r = definition_store_save(m->store, n, layer, manager_store_changed, m);
		if (r < 0)
			store_failed(e, r, "save", n->uuid, n->parent);
		else
			log_device_info(n->uuid, "Modified the definition of device %s on parent %s",
					n->uuid, n->parent);
	}
	device_callout_end(&callout, r);
	return r < 0 ? r : 0;
}

int manager_modify_on(struct manager *m, const char *parent, const char *uuid,
		      const struct manager_changes *changes, unsigned flags,
		      struct manager_error *e)
{
	_cleanup_free_ struct definition_attr *edited = NULL; /* borrowed strings */
	_cleanup_free_ char *def_parent = NULL;
	const struct definition *def = NULL;
	struct manager_changes c;
	char id[UUID_STRING_LEN + 1];
	struct mdevice *d;
	int r;

	r = manager_validate_uuid(uuid, false, id, e);
	if (r < 0)
		return r;
	if (!changes)
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EINVAL,
					 "Device %s: no changes given", id);
	r = modify_validate(id, changes, flags, e);
	if (r < 0)
		return r;
	if (!isempty(parent) && (r = manager_validate_parent(parent, e)) < 0)
		return r;
	if (!(flags & (MDEVVIRTIO_DBUS_MODIFY_LIVE | MDEVVIRTIO_DBUS_MODIFY_DEFINED)))
		flags |= MDEVVIRTIO_DBUS_MODIFY_DEFINED;
	d = manager_find_device(m, id);
	if (!d)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT, "No device %s", id);
	if (flags & MDEVVIRTIO_DBUS_MODIFY_LIVE) {
		if (!d->run)
			return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
						 "Device %s is not running", id);
		if (!isempty(parent) && !streq(parent, d->run->parent))
			return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
						 "Device %s is not running on parent %s (it runs "
						 "on %s)",
						 id, parent, d->run->parent);
		/* Live and defined: the definition of what runs. */
		parent = d->run->parent;
	}
	if (flags & MDEVVIRTIO_DBUS_MODIFY_DEFINED) {
		r = manager_pick_definition(m, parent, id, &def, e);
		if (r < 0)
			return r;
		def_parent = strdup(def->parent);
		if (!def_parent)
			return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	}
	if (changes->check_generation && changes->generation != d->pub.generation)
		return manager_error_set(e, MANAGER_ERROR_CONFLICT, ESTALE,
					 "Device %s changed since generation %" PRIu64
					 " (it is at %" PRIu64 "): read it again",
					 id, changes->generation, d->pub.generation);
	c = *changes;
	if (c.insert_attr || c.delete_attr) {
		/* The list edited: the definition's, or (live only) what the device shows. */
		r = modify_edit_attrs(id, def ? def->attrs : d->pub.attrs,
				      def ? def->n_attrs : d->pub.n_attrs, &c, &edited, &c.n_attrs,
				      e);
		if (r < 0)
			return r;
		c.attrs = edited;
		c.set_attrs = true;
		c.insert_attr = c.delete_attr = false;
		changes = &c;
	}
	/* Live first: it is what the kernel may refuse (EBUSY while bound). */
	if (flags & MDEVVIRTIO_DBUS_MODIFY_LIVE) {
		r = modify_live(m, d, changes, e);
		if (r < 0)
			return r;
	}
	if (flags & MDEVVIRTIO_DBUS_MODIFY_DEFINED)
		return modify_defined(m, def_parent, id, changes, flags & MDEVVIRTIO_DBUS_FLAG_FORCE,
				      e);
	return 0;
}

int manager_reload(struct manager *m, struct manager_error *e)
{
	int r;

	r = definition_store_load(m->store, manager_store_changed, m);
	if (r < 0)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, r,
					 "Failed to reload the definitions: %s", strerror(-r));
	return 0;
}
