/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-rendered listings (contract in listing-cache.h): collect the
 * entries as pointers into the model, sort them, stream them through the
 * shared mdevctl writer into memory. Nothing is kept of the model between
 * calls but the text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>

#include "definition.h"
#include "listing-cache.h"
#include "mdevctl-json.h"

/* The device properties a listing of each kind is made of. */
static const unsigned listing_properties[_LISTING_MAX] = {
    [LISTING_RUNNING] = DEVICE_PROPERTY_ACTIVE | DEVICE_PROPERTY_PARENT | DEVICE_PROPERTY_TYPE |
			DEVICE_PROPERTY_START | DEVICE_PROPERTY_ATTRS,
    [LISTING_DEFINED] = DEVICE_PROPERTY_DEFINITIONS | DEVICE_PROPERTY_DEFINED |
			DEVICE_PROPERTY_ACTIVE | DEVICE_PROPERTY_PARENT | DEVICE_PROPERTY_TYPE |
			DEVICE_PROPERTY_START | DEVICE_PROPERTY_ATTRS,
};

struct listing {
	char *text; /* NULL: not rendered since the last change */
	size_t size;
};

struct listing_cache {
	struct manager *manager;
	struct listing listings[_LISTING_MAX];
	unsigned long renders;
};

/* One entry of a listing: borrowed from the model for one rendering. */
struct entry {
	const char *parent, *uuid, *type, *start;
	const struct definition_attr *attrs;
	size_t n_attrs;
};

static void listing_drop(struct listing *l)
{
	free(l->text);
	*l = (struct listing){};
}

static void on_change(struct manager *m, const struct manager_change_event *ev, void *userdata)
{
	struct listing_cache *c = userdata;

	if (ev->object != MANAGER_OBJECT_DEVICE)
		return;
	for (size_t k = 0; k < _LISTING_MAX; k++)
		if (ev->change != MANAGER_CHANGE_CHANGED ||
		    (ev->properties & listing_properties[k]))
			listing_drop(&c->listings[k]);
}

int listing_cache_new(struct manager *m, struct listing_cache **ret)
{
	_cleanup_free_ struct listing_cache *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = manager_add_listener(m, on_change, c);
	if (r < 0)
		return r;
	c->manager = m;
	*ret = TAKE_PTR(c);
	return 0;
}

struct listing_cache *listing_cache_free(struct listing_cache *c)
{
	if (!c)
		return NULL;
	manager_remove_listener(c->manager, on_change, c);
	for (size_t k = 0; k < _LISTING_MAX; k++)
		listing_drop(&c->listings[k]);
	free(c);
	return NULL;
}

static struct entry entry_of_device(const struct managed_device *d)
{
	return (struct entry){strempty(d->parent),
			      d->uuid,
			      strempty(d->type),
			      definition_start_to_string(d->start),
			      d->attrs,
			      d->n_attrs};
}

/*
 * Which of @d's definitions the device itself stands for, as the CLI's
 * model decides it: running, the one on its parent with its type (none if
 * it runs as something else); stopped, the one on its parent, else the
 * first. n_definitions if none.
 */
static size_t own_definition(const struct managed_device *d)
{
	for (size_t k = 0; k < d->n_definitions; k++) {
		const struct managed_definition *def = &d->definitions[k];

		if (streq(strempty(def->parent), strempty(d->parent)) &&
		    (!d->active || streq(strempty(def->type), strempty(d->type))))
			return k;
	}
	return d->active ? d->n_definitions : 0;
}

/* The entries of @d in the listing of @kind, appended to @v (room made by the caller). */
static size_t device_entries(const struct managed_device *d, enum listing_kind kind,
			     struct entry *v)
{
	size_t own, n = 0;

	if (kind == LISTING_RUNNING) {
		if (d->active)
			v[n++] = entry_of_device(d);
		return n;
	}
	own = own_definition(d);
	for (size_t k = 0; k < d->n_definitions; k++) {
		const struct managed_definition *def = &d->definitions[k];

		if (k == own)
			v[n++] = entry_of_device(d);
		else
			v[n++] = (struct entry){strempty(def->parent),
						d->uuid,
						strempty(def->type),
						definition_start_to_string(def->start),
						def->attrs,
						def->n_attrs};
	}
	return n;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->parent, y->parent);

	return r ? r : strcmp(x->uuid, y->uuid);
}

/* Devices come sorted by UUID: with one parent (the usual case) so do the entries. */
static void entries_sort(struct entry *v, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (entry_cmp(&v[i - 1], &v[i]) > 0) {
			qsort(v, n, sizeof(*v), entry_cmp);
			return;
		}
}

static void write_entries(FILE *f, const struct entry *v, size_t n)
{
	struct mdevctl_json_list list = MDEVCTL_JSON_LIST_INIT(f);
	const unsigned depth = MDEVCTL_JSON_LIST_CONFIG_DEPTH;

	for (size_t i = 0; i < n; i++) {
		mdevctl_json_list_entry_begin(&list, v[i].parent, v[i].uuid);
		mdevctl_json_config_begin(f, v[i].type, v[i].start, depth);
		for (size_t a = 0; a < v[i].n_attrs; a++)
			mdevctl_json_config_attr(f, a, v[i].attrs[a].name, v[i].attrs[a].value,
						 depth);
		mdevctl_json_config_end(f, v[i].n_attrs, depth);
		mdevctl_json_list_entry_end(&list);
	}
	mdevctl_json_list_end(&list);
}

static int render(const struct manager *m, enum listing_kind kind, struct listing *ret)
{
	size_t n_devices = manager_n_devices(m), n = 0, room = 0, size = 0;
	_cleanup_free_ struct entry *v = NULL;
	_cleanup_free_ char *text = NULL;
	FILE *f;

	for (size_t i = 0; i < n_devices; i++)
		room += kind == LISTING_RUNNING ? 1 : manager_device_at(m, i)->n_definitions;
	v = reallocarray(NULL, room ?: 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n_devices; i++)
		n += device_entries(manager_device_at(m, i), kind, v + n);
	entries_sort(v, n);

	f = open_memstream(&text, &size);
	if (!f)
		return -ENOMEM;
	/* Ours alone: no lock per character written. */
	(void)__fsetlocking(f, FSETLOCKING_BYCALLER);
	write_entries(f, v, n);
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = (struct listing){TAKE_PTR(text), size};
	return 0;
}

int listing_cache_get(struct listing_cache *c, enum listing_kind kind, const char **ret,
		      size_t *ret_size)
{
	struct listing *l = &c->listings[kind];
	int r;

	if (!l->text) {
		r = render(c->manager, kind, l);
		if (r < 0)
			return r;
		c->renders++;
	}
	*ret = l->text;
	*ret_size = l->size;
	return 0;
}

unsigned long listing_cache_renders(const struct listing_cache *c)
{
	return c->renders;
}
