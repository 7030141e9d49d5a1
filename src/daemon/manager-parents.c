/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The model of parents: a record per parent name, present (read from sysfs,
 * on any bus of the table) or only referred to by a definition or a device.
 * A parent is forgotten when it is absent and nothing refers to it. A
 * refresh says what changed; making its devices follow is the caller's
 * (parent_follow() in manager-model.c), so this file never calls up into the
 * device model.
 */
#include "log.h"
#include "manager-internal.h"
#include "mdev-parent.h"

struct mparent *mparent_free(struct mparent *p)
{
	if (!p)
		return NULL;
	notify_forget(p->pending);
	free(p->pub.name);
	mdev_parent_done(&p->sys);
	free(p);
	return NULL;
}

bool parent_is_present(const struct manager *m, const char *name)
{
	struct mparent *p = name ? manager_find_parent(m, name) : NULL;

	return p && p->pub.present;
}

const struct mdev_type *parent_find_type(const struct manager *m, const char *parent,
					 const char *type)
{
	struct mparent *p = parent ? manager_find_parent(m, parent) : NULL;

	if (!p || !p->pub.present || !type)
		return NULL;
	return mdev_parent_find_type(&p->sys, type);
}

/* A parent record for a name a definition or device refers to. */
void parent_ensure(struct manager *m, const char *name)
{
	struct mparent *p;

	if (!name || manager_find_parent(m, name))
		return;
	p = calloc(1, sizeof(*p));
	if (!p || !(p->pub.name = strdup(name)) || manager_parents_insert(m, p) < 0) {
		mparent_free(p);
		log_oom();
		return;
	}
	p->published = true;
	notify_parent(m, p, MANAGER_CHANGE_ADDED, ~0u);
}

static bool parent_is_referenced(const struct manager *m, const char *name)
{
	const struct definition_entry *e;
	size_t n;

	e = definition_store_entries(m->store, &n);
	for (size_t i = 0; i < n; i++)
		if (streq(e[i].def->parent, name))
			return true;
	for (size_t i = 0; i < m->n_devices; i++) {
		const struct mdevice *d = m->devices[i];

		if (streq_ptr(d->pub.parent, name) || (d->run && streq_ptr(d->run->parent, name)))
			return true;
	}
	return false;
}

void parent_sync(struct manager *m, const char *name)
{
	struct mparent *p;

	if (!name)
		return;
	p = manager_find_parent(m, name);
	if (p && p->pub.present)
		return;
	if (!parent_is_referenced(m, name)) {
		if (!p)
			return;
		/* @name may be the record's own: it is not used after this. */
		notify_parent(m, p, MANAGER_CHANGE_REMOVED, 0);
		manager_parents_remove(m, p);
		mparent_free(p);
		return;
	}
	parent_ensure(m, name);
}

static bool type_equal(const struct mdev_type *a, const struct mdev_type *b)
{
	return streq(a->id, b->id) && streq_ptr(a->name, b->name) &&
	       streq_ptr(a->description, b->description) &&
	       streq_ptr(a->device_api, b->device_api) &&
	       a->available_instances == b->available_instances &&
	       a->virtio_device_id == b->virtio_device_id && a->error == b->error;
}

/* Same types with the same device_api: what a device's class is derived from. */
static bool parent_types_same_shape(const struct mdev_parent *a, const struct mdev_parent *b)
{
	if (a->n_types != b->n_types)
		return false;
	for (size_t i = 0; i < a->n_types; i++)
		if (!streq(a->types[i].id, b->types[i].id) ||
		    !streq_ptr(a->types[i].device_api, b->types[i].device_api))
			return false;
	return true;
}

/* Some type of @now has more instances available than it had in @before. */
static bool parent_instances_freed(const struct mdev_parent *before, const struct mdev_parent *now)
{
	for (size_t i = 0; i < now->n_types; i++)
		for (size_t j = 0; j < before->n_types; j++)
			if (streq(now->types[i].id, before->types[j].id) &&
			    before->types[j].available_instances >= 0 &&
			    now->types[i].available_instances >
				before->types[j].available_instances)
				return true;
	return false;
}

static bool parent_sys_equal(const struct mdev_parent *a, const struct mdev_parent *b)
{
	if (a->bus != b->bus || a->n_types != b->n_types || a->error != b->error)
		return false;
	for (size_t i = 0; i < a->n_types; i++)
		if (!type_equal(&a->types[i], &b->types[i]))
			return false;
	return true;
}

/* Read parent @name from the first bus that has it; false if none does. */
static bool parent_read_any(const char *name, struct mdev_parent *ret)
{
	const struct mdev_bus *bus;
	int r;

	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		r = mdev_parent_read(bus, name, ret, NULL);
		if (r >= 0)
			return true;
		if (r != -ENODEV)
			log_debug("Parent %s on bus %s is unreadable: %s", name, bus->name,
				  strerror(-r));
	}
	return false;
}

/* The properties in which a parent that was @was_present with @before differs from @now. */
static unsigned parent_diff(bool was_present, const struct mdev_parent *before, bool present,
			    const struct mdev_parent *now)
{
	unsigned diff = 0;

	if (was_present != present)
		diff |= PARENT_PROPERTY_PRESENT;
	if (present && before->bus != now->bus)
		diff |= PARENT_PROPERTY_BUS;
	if (!parent_sys_equal(before, now))
		diff |= PARENT_PROPERTY_TYPES;
	return diff;
}

unsigned parent_refresh(struct manager *m, const char *name)
{
	_cleanup_(mdev_parent_done) struct mdev_parent sys = {};
	struct mparent *p = manager_find_parent(m, name);
	bool present, affects_devices, freed, added;
	unsigned diff;

	present = parent_read_any(name, &sys);
	if (!present && !p)
		return 0;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p || !(p->pub.name = strdup(name)) || manager_parents_insert(m, p) < 0) {
			mparent_free(p);
			log_oom();
			return present ? PARENT_REFRESH_PRESENT : 0;
		}
	}
	added = !p->published;
	diff = added ? ~0u : parent_diff(p->pub.present, &p->sys, present, &sys);
	if (diff == 0)
		return present ? PARENT_REFRESH_PRESENT : 0;
	/* Instance counts move with every create; only presence and types matter to devices. */
	affects_devices = present != p->pub.present || !parent_types_same_shape(&p->sys, &sys);
	freed = present && p->pub.present && parent_instances_freed(&p->sys, &sys);
	mdev_parent_done(&p->sys);
	if (present) {
		p->sys = sys;
		sys = (struct mdev_parent){};
	}
	p->pub.bus = present ? p->sys.bus : p->pub.bus;
	p->pub.present = present;
	p->pub.types = p->sys.types;
	p->pub.n_types = p->sys.n_types;
	p->published = true;
	notify_parent(m, p, added ? MANAGER_CHANGE_ADDED : MANAGER_CHANGE_CHANGED, diff);
	if (!present)
		parent_sync(m, name); /* forgotten if nothing refers to it any more */
	return (present ? PARENT_REFRESH_PRESENT : 0) |
	       (affects_devices ? PARENT_REFRESH_DEVICES : 0) | (freed ? PARENT_REFRESH_FREED : 0);
}

unsigned parent_refresh_instances(struct manager *m, const char *name)
{
	struct mparent *p = manager_find_parent(m, name);
	bool freed = false;
	int r;

	if (!p || !p->published || !p->pub.present)
		return parent_refresh(m, name);
	r = mdev_parent_reread_instances(&p->sys, &freed);
	if (r < 0)
		return parent_refresh(m, name); /* gone, or a type to read whole */
	if (r > 0)
		notify_parent(m, p, MANAGER_CHANGE_CHANGED, PARENT_PROPERTY_TYPES);
	return PARENT_REFRESH_PRESENT | (freed ? PARENT_REFRESH_FREED : 0);
}
