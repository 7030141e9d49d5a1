/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The manager's lifetime, its sorted lookups and the error helpers. See
 * manager.h for the contract, manager-internal.h for the model.
 */
#include <stdarg.h>

#include "log.h"
#include "manager-internal.h"
#include "mdev-device.h"

const char *device_state_to_string(enum device_state s)
{
	static const char *const table[_DEVICE_STATE_MAX] = {
	    [DEVICE_STATE_STOPPED] = "stopped",
	    [DEVICE_STATE_STARTING] = "starting",
	    [DEVICE_STATE_RUNNING] = "running",
	    [DEVICE_STATE_STOPPING] = "stopping",
	    [DEVICE_STATE_WAITING_FOR_PARENT] = "waiting-for-parent",
	    [DEVICE_STATE_FAILED] = "failed",
	};

	if ((int)s < 0 || s >= _DEVICE_STATE_MAX)
		return NULL;
	return table[s];
}

void manager_error_done(struct manager_error *e)
{
	if (!e)
		return;
	free(e->message);
	*e = (struct manager_error){};
}

int manager_error_set(struct manager_error *e, enum manager_error_kind kind, int r,
		      const char *format, ...)
{
	va_list ap;
	char *msg;

	r = negative_errno(r);
	if (!e)
		return r;
	va_start(ap, format);
	if (vasprintf(&msg, format, ap) < 0)
		msg = NULL;
	va_end(ap);
	free(e->message);
	e->message = msg;
	e->kind = kind;
	return r;
}

enum manager_error_kind manager_error_kind_from_errno(int r)
{
	switch (-negative_errno(r)) {
	case ENODEV:
		return MANAGER_ERROR_PARENT_NOT_FOUND;
	case EOPNOTSUPP:
		return MANAGER_ERROR_TYPE_NOT_SUPPORTED;
	case EUSERS:
		return MANAGER_ERROR_NO_INSTANCES;
	case EEXIST:
		return MANAGER_ERROR_ALREADY_EXISTS;
	case EBUSY:
		return MANAGER_ERROR_BUSY;
	case EINVAL:
		return MANAGER_ERROR_INVALID_ARGUMENT;
	default:
		return MANAGER_ERROR_KERNEL;
	}
}

int manager_error_take(struct manager_error *e, int r, char **message)
{
	r = negative_errno(r);
	if (e) {
		free(e->message);
		e->message = *message;
		*message = NULL;
		e->kind = manager_error_kind_from_errno(r);
		if (!e->message)
			e->message = strdup(strerror(-r));
	}
	return r;
}

static int kernel_create(const char *parent, const char *type, const char *uuid,
			 const struct mdev_attr *attrs, size_t n_attrs, char **ret_error)
{
	return mdev_device_create(parent, type, uuid, attrs, n_attrs, ret_error);
}

static int kernel_remove(const char *uuid, char **ret_error)
{
	return mdev_device_remove(uuid, ret_error);
}

int manager_new(sd_event *event, struct manager **ret)
{
	_cleanup_manager_free_ struct manager *m = NULL;
	int r;

	if (!event || !ret)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->event = sd_event_ref(event);
	m->kernel = (struct manager_kernel_ops){.create = kernel_create, .remove = kernel_remove};
	r = definition_store_new(&m->store);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

struct manager *manager_free(struct manager *m)
{
	if (!m)
		return NULL;
	notify_done(m); /* nobody listens while we tear down */
	uevent_monitor_free(m->uevents);
	definition_store_free(m->store);
	for (size_t i = 0; i < m->n_devices; i++)
		mdevice_free(m->devices[i]);
	free(m->devices);
	for (size_t i = 0; i < m->n_parents; i++)
		mparent_free(m->parents[i]);
	free(m->parents);
	sd_event_unref(m->event);
	free(m);
	return NULL;
}

void manager_set_kernel_ops(struct manager *m, const struct manager_kernel_ops *ops)
{
	m->kernel = *ops;
}

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
