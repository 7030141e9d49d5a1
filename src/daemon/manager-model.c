/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model: records of devices and parents, their facts, and how the
 * published view follows them (see manager-internal.h). Every path that
 * changes a fact ends in device_sync() or parent_refresh(), which queue the
 * difference (which properties changed) for the listeners.
 */
#include "log.h"
#include "manager-internal.h"
#include "mdev-parent.h"

void definition_attrs_free(struct definition_attr *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].name);
		free(a[i].value);
	}
	free(a);
}

int definition_attrs_dup(const struct definition_attr *a, size_t n, struct definition_attr **ret)
{
	struct definition_attr *c;

	if (n == 0) {
		*ret = NULL;
		return 0;
	}
	c = calloc(n, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		c[i].name = strdup(a[i].name);
		c[i].value = strdup(a[i].value);
		if (!c[i].name || !c[i].value) {
			definition_attrs_free(c, n);
			return -ENOMEM;
		}
	}
	*ret = c;
	return 0;
}

static bool attrs_equal(const struct definition_attr *a, size_t na, const struct definition_attr *b,
			size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!streq(a[i].name, b[i].name) || !streq(a[i].value, b[i].value))
			return false;
	return true;
}

static bool nodes_equal(const struct managed_node *a, size_t na, const struct managed_node *b,
			size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!streq(a[i].kind, b[i].kind) || !streq(a[i].name, b[i].name))
			return false;
	return true;
}

static void managed_definitions_free(struct manager *m, struct managed_definition *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++) {
		manager_unintern(m, v[i].parent);
		manager_unintern(m, v[i].type);
		definition_attrs_free(v[i].attrs, v[i].n_attrs);
	}
	free(v);
}

static bool definitions_equal(const struct managed_definition *a, size_t na,
			      const struct managed_definition *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!streq(a[i].parent, b[i].parent) || !streq(a[i].type, b[i].type) ||
		    a[i].start != b[i].start ||
		    !attrs_equal(a[i].attrs, a[i].n_attrs, b[i].attrs, b[i].n_attrs))
			return false;
	return true;
}

/* Copies of the @n definitions from @first (the store's entries of one UUID). */
static int managed_definitions_build(struct manager *m, const struct definition_entry *first,
				     size_t n, struct managed_definition **ret)
{
	struct managed_definition *v;
	int r;

	*ret = NULL;
	if (n == 0)
		return 0;
	v = calloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct definition *def = first[i].def;

		v[i].start = def->start;
		r = manager_intern(m, def->parent, &v[i].parent);
		if (r >= 0)
			r = manager_intern(m, def->mdev_type, &v[i].type);
		if (r >= 0)
			r = definition_attrs_dup(def->attrs, def->n_attrs, &v[i].attrs);
		if (r < 0) {
			managed_definitions_free(m, v, n);
			return -ENOMEM;
		}
		v[i].n_attrs = def->n_attrs;
	}
	*ret = v;
	return 0;
}

const struct managed_virtio managed_virtio_unknown;

static void managed_device_done(struct manager *m, struct managed_device *d)
{
	managed_definitions_free(m, d->definitions, d->n_definitions);
	d->definitions = NULL;
	d->n_definitions = 0;
	manager_unintern(m, d->parent);
	manager_unintern(m, d->type);
	manager_unintern(m, d->class);
	free(d->last_error);
	definition_attrs_free(d->attrs, d->n_attrs);
	free(d->driver);
	managed_nodes_free(d->nodes, d->n_nodes);
	if (d->virtio != &managed_virtio_unknown)
		free((struct managed_virtio *)d->virtio);
	d->parent = d->type = d->class = d->last_error = d->driver = NULL;
	d->attrs = NULL;
	d->nodes = NULL;
	d->n_attrs = d->n_nodes = 0;
	d->virtio = &managed_virtio_unknown;
}

/* Stopped: nothing of what only a running device has. */
static void device_run_done(struct mdevice *d)
{
	if (d->run) {
		mdev_device_done(d->run);
		free(d->run);
		d->run = NULL;
	}
	free(d->virtio);
	d->virtio = NULL;
	managed_nodes_free(d->nodes, d->n_nodes);
	d->nodes = NULL;
	d->n_nodes = 0;
	d->read_pending = false;
}

struct mdevice *mdevice_free(struct manager *m, struct mdevice *d)
{
	if (!d)
		return NULL;
	notify_forget(d->pending);
	managed_device_done(m, &d->pub);
	device_run_done(d);
	free(d->last_error);
	definition_attrs_free(d->run_attrs, d->n_run_attrs);
	free(d);
	return NULL;
}

struct mdevice *device_get(struct manager *m, const char *uuid)
{
	struct mdevice *d = manager_find_device(m, uuid);

	if (d)
		return d;
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	snprintf(d->pub.uuid, sizeof(d->pub.uuid), "%s", uuid);
	d->pub.virtio = &managed_virtio_unknown;
	return d;
}

/* Which of the @n definitions of @d's UUID from @first is its own (see device_definition()). */
static const struct definition *definition_select(const struct mdevice *d,
						  const struct definition_entry *first, size_t n)
{
	if (n == 0)
		return NULL;
	if (!d->run)
		return first[0].def;
	/* A running device is what runs: a file for another parent or type is not its own. */
	for (size_t i = 0; i < n; i++)
		if (streq(first[i].def->parent, d->run->parent) &&
		    streq_ptr(first[i].def->mdev_type, d->run->type))
			return first[i].def;
	return NULL;
}

const struct definition *device_definition(const struct manager *m, const struct mdevice *d)
{
	const struct definition_entry *first;
	size_t n = definition_store_find_uuid(m->store, d->pub.uuid, &first);

	return definition_select(d, first, n);
}

size_t device_definitions(const struct manager *m, const struct mdevice *d,
			  const struct definition_entry **ret_first)
{
	return definition_store_find_uuid(m->store, d->pub.uuid, ret_first);
}

void device_set_virtio(struct mdevice *d, const struct managed_virtio *v)
{
	free(d->virtio);
	d->virtio = NULL;
	if (!v->known)
		return;
	d->virtio = malloc(sizeof(*d->virtio));
	if (!d->virtio) {
		log_device_warning(d->pub.uuid,
				   "Out of memory: the virtio status of device %s shows as unknown",
				   d->pub.uuid);
		return;
	}
	*d->virtio = *v;
}

struct managed_virtio device_virtio(const struct mdevice *d)
{
	return d->virtio ? *d->virtio : (struct managed_virtio){};
}

/* @sys in place of @d's running facts, nodes forgotten; false (stopped) if out of memory. */
static bool device_run_take(struct mdevice *d, struct mdev_device *sys)
{
	if (!d->run) {
		d->run = calloc(1, sizeof(*d->run));
		if (!d->run) {
			/* As unreadable: gone, until the next uevent reads it again. */
			log_device_warning(d->pub.uuid, "Out of memory: device %s shows as stopped",
					   d->pub.uuid);
			device_run_done(d);
			return false;
		}
	} else {
		mdev_device_done(d->run);
	}
	managed_nodes_free(d->nodes, d->n_nodes);
	d->nodes = NULL;
	d->n_nodes = 0;
	*d->run = *sys;
	*sys = (struct mdev_device){};
	return true;
}

void device_set_running(struct manager *m, struct mdevice *d, struct mdev_device *sys)
{
	struct managed_virtio v = device_virtio(d);
	/* Not read yet: taken as stopped before, or as created without reading. */
	bool first = !d->run || d->read_pending;
	int r;

	if (!sys) {
		device_run_done(d);
		return;
	}
	if (!device_run_take(d, sys))
		return;
	d->read_pending = false;
	r = device_nodes_scan(d->run, &d->nodes, &d->n_nodes);
	if (r < 0)
		log_device_debug(d->pub.uuid, "Failed to find the nodes of device %s: %s",
				 d->pub.uuid, strerror(-r));
	/* Events keep a running device's status current; a queued dump reads them all. */
	if (first && d->run->class && !m->virtio_resync_queued) {
		virtio_read(m, d->pub.uuid, &v);
		device_set_virtio(d, &v);
	}
}

void device_set_created(struct mdevice *d, struct mdev_device *sys)
{
	if (device_run_take(d, sys))
		d->read_pending = true;
}

void device_refresh(struct manager *m, struct mdevice *d)
{
	_cleanup_(mdev_device_done) struct mdev_device sys = {};
	int r;

	r = mdev_device_read(NULL, d->pub.uuid, &sys, NULL);
	if (r < 0 && r != -ENODEV)
		log_device_debug(d->pub.uuid, "Device %s is unreadable, taking it as gone: %s",
				 d->pub.uuid, strerror(-r));
	device_set_running(m, d, r < 0 ? NULL : &sys);
}

static enum device_state device_state_of(const struct manager *m, const struct mdevice *d,
					 const struct definition *def)
{
	if (d->run)
		return DEVICE_STATE_RUNNING;
	if (def && def->start == DEFINITION_START_AUTO && !parent_is_present(m, def->parent))
		return DEVICE_STATE_WAITING_FOR_PARENT;
	return d->failed ? DEVICE_STATE_FAILED : DEVICE_STATE_STOPPED;
}

/* The class a stopped device will get: its type's device_api on our bus. */
static const char *device_class_of(const struct manager *m, const struct mdevice *d,
				   const char *parent, const char *type)
{
	const struct mdev_type *t;

	if (d->run)
		return d->run->class;
	t = parent_find_type(m, parent, type);
	if (t && t->device_api && (streq(t->device_api, "virtio") || streq(t->device_api, "vhost")))
		return t->device_api;
	return NULL;
}

static int strdup_or_null(const char *s, char **ret)
{
	*ret = s ? strdup(s) : NULL;
	return !s || *ret ? 0 : -ENOMEM;
}

/* The published view of @d, whose UUID has the @n_defs definitions from @first, @def its own. */
static int device_pub_build(struct manager *m, const struct mdevice *d,
			    const struct definition *def, const struct definition_entry *first,
			    size_t n_defs, struct managed_device *out)
{
	const char *parent = def ? def->parent : d->run ? d->run->parent : NULL;
	const char *type = def ? def->mdev_type : d->run ? d->run->type : NULL;
	int r;

	*out = (struct managed_device){.virtio = &managed_virtio_unknown};
	memcpy(out->uuid, d->pub.uuid, sizeof(out->uuid));
	out->start = def ? def->start : DEFINITION_START_MANUAL;
	out->defined = n_defs > 0;
	r = managed_definitions_build(m, first, n_defs, &out->definitions);
	if (r < 0)
		return r;
	out->n_definitions = n_defs;
	out->active = d->run != NULL;
	out->state = device_state_of(m, d, def);
	if ((r = manager_intern(m, parent, &out->parent)) < 0 ||
	    (r = manager_intern(m, type, &out->type)) < 0 ||
	    (r = manager_intern(m, device_class_of(m, d, parent, type), &out->class)) < 0 ||
	    (r = strdup_or_null(d->last_error, &out->last_error)) < 0 ||
	    (r = strdup_or_null(d->run ? d->run->driver : NULL, &out->driver)) < 0)
		goto fail;
	if (def)
		r = definition_attrs_dup(def->attrs, def->n_attrs, &out->attrs);
	else
		r = definition_attrs_dup(d->run_attrs, d->n_run_attrs, &out->attrs);
	if (r < 0)
		goto fail;
	out->n_attrs = out->attrs ? (def ? def->n_attrs : d->n_run_attrs) : 0;
	if (d->run) {
		r = managed_nodes_dup(d->nodes, d->n_nodes, &out->nodes);
		if (r < 0)
			goto fail;
		out->n_nodes = d->n_nodes;
		if (d->virtio) {
			struct managed_virtio *v = malloc(sizeof(*v));

			if (!v) {
				r = -ENOMEM;
				goto fail;
			}
			*v = *d->virtio;
			out->virtio = v;
		}
	}
	return 0;
fail:
	managed_device_done(m, out);
	return r;
}

/* The properties in which @a and @b differ (enum device_property bits). */
static unsigned device_pub_diff(const struct managed_device *a, const struct managed_device *b)
{
	unsigned diff = 0;

	if (!streq_ptr(a->parent, b->parent))
		diff |= DEVICE_PROPERTY_PARENT;
	if (!streq_ptr(a->type, b->type))
		diff |= DEVICE_PROPERTY_TYPE;
	if (!streq_ptr(a->class, b->class))
		diff |= DEVICE_PROPERTY_CLASS;
	if (a->start != b->start)
		diff |= DEVICE_PROPERTY_START;
	if (a->defined != b->defined)
		diff |= DEVICE_PROPERTY_DEFINED;
	if (a->active != b->active)
		diff |= DEVICE_PROPERTY_ACTIVE;
	if (a->state != b->state)
		diff |= DEVICE_PROPERTY_STATE;
	if (!streq_ptr(a->last_error, b->last_error))
		diff |= DEVICE_PROPERTY_LAST_ERROR;
	if (!attrs_equal(a->attrs, a->n_attrs, b->attrs, b->n_attrs))
		diff |= DEVICE_PROPERTY_ATTRS;
	if (!streq_ptr(a->driver, b->driver))
		diff |= DEVICE_PROPERTY_DRIVER;
	if (!nodes_equal(a->nodes, a->n_nodes, b->nodes, b->n_nodes))
		diff |= DEVICE_PROPERTY_NODES;
	if (!definitions_equal(a->definitions, a->n_definitions, b->definitions,
			       b->n_definitions))
		diff |= DEVICE_PROPERTY_DEFINITIONS;
	return diff | virtio_diff(a->virtio, b->virtio);
}

/* What a Modify with "generation" guards: the definition's content. */
#define DEVICE_DEFINITION_PROPERTIES                                                     \
	(DEVICE_PROPERTY_PARENT | DEVICE_PROPERTY_TYPE | DEVICE_PROPERTY_START |         \
	 DEVICE_PROPERTY_ATTRS | DEVICE_PROPERTY_DEFINED | DEVICE_PROPERTY_DEFINITIONS)

static void device_count(struct manager *m, const struct managed_device *pub, int sign)
{
	m->n_defined += sign * (int)pub->defined;
	m->n_running += sign * (int)pub->active;
}

static void device_unpublish(struct manager *m, struct mdevice *d)
{
	bool published = d->published;
	const char *parent;

	if (published) {
		notify_device(m, d, MANAGER_CHANGE_REMOVED, 0);
		device_count(m, &d->pub, -1);
		manager_devices_remove(m, d);
	}
	/* The parent's name outlives the record: this function holds it. */
	parent = TAKE_PTR(d->pub.parent);
	mdevice_free(m, d);
	if (published)
		parent_sync(m, parent);
	manager_unintern(m, parent);
}

void device_sync(struct manager *m, struct mdevice *d)
{
	struct managed_device pub;
	const char *old_parent;
	const struct definition_entry *first;
	size_t n_defs = device_definitions(m, d, &first);
	const struct definition *def = definition_select(d, first, n_defs);
	bool added = !d->published;
	unsigned diff;
	int r;

	if (!d->run && !def) {
		device_unpublish(m, d);
		return;
	}
	r = device_pub_build(m, d, def, first, n_defs, &pub);
	if (r < 0) {
		log_oom();
		if (!d->published)
			mdevice_free(m, d);
		return;
	}
	diff = added ? ~0u : device_pub_diff(&pub, &d->pub);
	if (diff == 0) {
		managed_device_done(m, &pub);
		return;
	}
	pub.generation = d->pub.generation;
	if (diff & DEVICE_DEFINITION_PROPERTIES) {
		pub.generation = ++m->generation;
		diff |= DEVICE_PROPERTY_GENERATION;
	}
	if (added) {
		if (manager_devices_insert(m, d) < 0) {
			log_oom();
			managed_device_done(m, &pub);
			mdevice_free(m, d);
			return;
		}
		d->published = true;
	} else {
		device_count(m, &d->pub, -1);
	}
	/* Held past the old view, for the old parent's sync. */
	old_parent = TAKE_PTR(d->pub.parent);
	managed_device_done(m, &d->pub);
	d->pub = pub;
	device_count(m, &d->pub, +1);
	/* The parent object exists before a device that names it is announced. */
	parent_ensure(m, d->pub.parent);
	notify_device(m, d, added ? MANAGER_CHANGE_ADDED : MANAGER_CHANGE_CHANGED, diff);
	if (old_parent && !streq_ptr(old_parent, d->pub.parent))
		parent_sync(m, old_parent);
	manager_unintern(m, old_parent);
}

void device_sync_uuid(struct manager *m, const char *uuid)
{
	struct mdevice *d = device_get(m, uuid);

	if (!d) {
		log_oom();
		return;
	}
	device_sync(m, d);
}

/* The UUIDs of devices whose published parent is @name (a copy: syncing reorders). */
static int devices_of_parent(const struct manager *m, const char *name,
			     char (**ret)[UUID_STRING_LEN + 1], size_t *ret_n)
{
	char(*ids)[UUID_STRING_LEN + 1] = calloc(m->n_devices ? m->n_devices : 1, sizeof(*ids));
	size_t n = 0;

	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_devices; i++) {
		const struct mdevice *d = m->devices[i];

		if (streq_ptr(d->pub.parent, name) || (d->run && streq_ptr(d->run->parent, name)))
			memcpy(ids[n++], d->pub.uuid, UUID_STRING_LEN + 1);
	}
	*ret = ids;
	*ret_n = n;
	return 0;
}

/* A parent changed: its devices' state and class may follow; those that ran on it may be gone. */
static void parent_devices_resync(struct manager *m, const char *name, bool present)
{
	_cleanup_free_ char(*ids)[UUID_STRING_LEN + 1] = NULL;
	size_t n;

	if (devices_of_parent(m, name, &ids, &n) < 0) {
		log_oom();
		return;
	}
	for (size_t i = 0; i < n; i++) {
		struct mdevice *d = manager_find_device(m, ids[i]);

		if (!d)
			continue;
		if (!present && d->run)
			device_refresh(m, d);
		device_sync(m, d);
	}
}

unsigned parent_follow(struct manager *m, const char *name)
{
	unsigned r = parent_refresh(m, name);

	if (r & PARENT_REFRESH_DEVICES) {
		parent_devices_resync(m, name, r & PARENT_REFRESH_PRESENT);
		if (!(r & PARENT_REFRESH_PRESENT))
			parent_sync(m, name); /* its devices may have let go of it */
	}
	return r;
}
