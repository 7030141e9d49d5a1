/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's records of devices and parents: pointer arrays sorted by UUID
 * and by name, their lookups, and the public read functions of manager.h
 * over them. A leaf: it calls nothing else of the manager.
 */
#include "manager-internal.h"

/* Index of the first element not less than @key; *@found if equal. */
static size_t devices_bsearch(const struct manager *m, const char *key, bool *found)
{
	size_t lo = 0, hi = m->n_devices;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->devices[mid]->pub.uuid, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n_devices && streq(m->devices[lo]->pub.uuid, key);
	return lo;
}

static size_t parents_bsearch(const struct manager *m, const char *key, bool *found)
{
	size_t lo = 0, hi = m->n_parents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->parents[mid]->pub.name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n_parents && streq(m->parents[lo]->pub.name, key);
	return lo;
}

struct mdevice *manager_find_device(const struct manager *m, const char *uuid)
{
	bool found;
	size_t i = devices_bsearch(m, uuid, &found);

	return found ? m->devices[i] : NULL;
}

struct mparent *manager_find_parent(const struct manager *m, const char *name)
{
	bool found;
	size_t i = parents_bsearch(m, name, &found);

	return found ? m->parents[i] : NULL;
}

/* Insert @item at @i of a pointer array of @n elements. */
static int array_insert(void ***a, size_t *n, size_t i, void *item)
{
	void **grown = realloc(*a, (*n + 1) * sizeof(void *));

	if (!grown)
		return -ENOMEM;
	memmove(grown + i + 1, grown + i, (*n - i) * sizeof(void *));
	grown[i] = item;
	*a = grown;
	(*n)++;
	return 0;
}

static void array_remove(void **a, size_t *n, size_t i)
{
	memmove(a + i, a + i + 1, (*n - i - 1) * sizeof(void *));
	(*n)--;
}

int manager_devices_insert(struct manager *m, struct mdevice *d)
{
	bool found;
	size_t i = devices_bsearch(m, d->pub.uuid, &found);

	if (found)
		return -EEXIST;
	return array_insert((void ***)&m->devices, &m->n_devices, i, d);
}

void manager_devices_remove(struct manager *m, struct mdevice *d)
{
	bool found;
	size_t i = devices_bsearch(m, d->pub.uuid, &found);

	if (found && m->devices[i] == d)
		array_remove((void **)m->devices, &m->n_devices, i);
}

int manager_parents_insert(struct manager *m, struct mparent *p)
{
	bool found;
	size_t i = parents_bsearch(m, p->pub.name, &found);

	if (found)
		return -EEXIST;
	return array_insert((void ***)&m->parents, &m->n_parents, i, p);
}

void manager_parents_remove(struct manager *m, struct mparent *p)
{
	bool found;
	size_t i = parents_bsearch(m, p->pub.name, &found);

	if (found && m->parents[i] == p)
		array_remove((void **)m->parents, &m->n_parents, i);
}

void manager_counts(const struct manager *m, size_t *ret_defined, size_t *ret_running)
{
	*ret_defined = m->n_defined;
	*ret_running = m->n_running;
}

size_t manager_n_devices(const struct manager *m)
{
	return m->n_devices;
}

const struct managed_device *manager_device_at(const struct manager *m, size_t i)
{
	return i < m->n_devices ? &m->devices[i]->pub : NULL;
}

const struct managed_device *manager_get_device(const struct manager *m, const char *uuid)
{
	char id[UUID_STRING_LEN + 1];
	struct mdevice *d;

	if (!uuid || uuid_normalize(uuid, id) < 0)
		return NULL;
	d = manager_find_device(m, id);
	return d ? &d->pub : NULL;
}

size_t manager_n_parents(const struct manager *m)
{
	return m->n_parents;
}

const struct managed_parent *manager_parent_at(const struct manager *m, size_t i)
{
	return i < m->n_parents ? &m->parents[i]->pub : NULL;
}

const struct managed_parent *manager_get_parent(const struct manager *m, const char *name)
{
	struct mparent *p;

	if (!name)
		return NULL;
	p = manager_find_parent(m, name);
	return p ? &p->pub : NULL;
}

const struct definition_bad_file *manager_bad_files(const struct manager *m, size_t *ret_n)
{
	return definition_store_bad_files(m->store, ret_n);
}
