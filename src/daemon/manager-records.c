/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's records of devices and parents: pointer arrays sorted by UUID
 * and by name, their lookups, and the public read functions of manager.h
 * over them; and the pool of the published views' names (manager_intern()).
 * A leaf: it calls nothing else of the manager.
 */
#include <assert.h>

#include "manager-internal.h"

/* One pooled string: how many published fields hold it, and its bytes. */
struct interned {
	size_t refs;
	char s[];
};

/* Index of the first element not less than @key; *@found if equal. */
static size_t devices_bsearch(const struct manager *m, const char *key, bool *found)
{
	size_t lo = 0, hi = m->n_devices;

	/* The load publishes in UUID order: each new one goes after the last. */
	if (hi > 0 && strcmp(m->devices[hi - 1]->pub.uuid, key) < 0) {
		*found = false;
		return hi;
	}

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

/*
 * Insert @item at @i of a pointer array of @n elements with room for
 * *@allocated. The room doubles: 10,000 inserts are 14 reallocations, not
 * 10,000 (each of which may copy the whole array). It never shrinks, so
 * define/undefine cycles reuse it.
 */
static int array_insert(void ***a, size_t *n, size_t *allocated, size_t i, void *item)
{
	if (*n == *allocated) {
		size_t room = *allocated ? 2 * *allocated : 16;
		void **grown = reallocarray(*a, room, sizeof(void *));

		if (!grown)
			return -ENOMEM;
		*a = grown;
		*allocated = room;
	}
	memmove(*a + i + 1, *a + i, (*n - i) * sizeof(void *));
	(*a)[i] = item;
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
	return array_insert((void ***)&m->devices, &m->n_devices, &m->devices_allocated, i, d);
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
	return array_insert((void ***)&m->parents, &m->n_parents, &m->parents_allocated, i, p);
}

void manager_parents_remove(struct manager *m, struct mparent *p)
{
	bool found;
	size_t i = parents_bsearch(m, p->pub.name, &found);

	if (found && m->parents[i] == p)
		array_remove((void **)m->parents, &m->n_parents, i);
}

/* Index of the first pooled string not less than @s; *@found if equal. */
static size_t interned_bsearch(const struct manager *m, const char *s, bool *found)
{
	size_t lo = 0, hi = m->n_interned;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(m->interned[mid]->s, s) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < m->n_interned && streq(m->interned[lo]->s, s);
	return lo;
}

int manager_intern(struct manager *m, const char *s, const char **ret)
{
	struct interned *e;
	bool found;
	size_t i;
	int r;

	if (!s) {
		*ret = NULL;
		return 0;
	}
	i = interned_bsearch(m, s, &found);
	if (found) {
		e = m->interned[i];
		e->refs++;
		*ret = e->s;
		return 0;
	}
	e = malloc(sizeof(*e) + strlen(s) + 1);
	if (!e)
		return -ENOMEM;
	e->refs = 1;
	strcpy(e->s, s);
	r = array_insert((void ***)&m->interned, &m->n_interned, &m->interned_allocated, i, e);
	if (r < 0) {
		free(e);
		return r;
	}
	*ret = e->s;
	return 0;
}

void manager_unintern(struct manager *m, const char *s)
{
	struct interned *e;
	bool found;
	size_t i;

	if (!s)
		return;
	i = interned_bsearch(m, s, &found);
	assert(found && m->interned[i]->s == s);
	e = m->interned[i];
	if (--e->refs > 0)
		return;
	array_remove((void **)m->interned, &m->n_interned, i);
	free(e);
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
