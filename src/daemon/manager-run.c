/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting and stopping devices: the kernel's create and remove stores, and
 * what the model records of the outcome. The kernel answers synchronously:
 * when "create" returns the device exists, when "remove" returns it is gone,
 * so the model follows at once; udev events that arrive later re-read sysfs
 * and change nothing, or correct the model if someone else got in between.
 */
#include "log.h"
#include "manager-internal.h"
#include "mdev-parent.h"

/* The device as the kernel has it after a create; what we asked for if it cannot be read. */
static int device_read_created(struct manager *m, const char *parent, const char *type,
			       const char *uuid, struct mdev_device *ret)
{
	struct mparent *p = manager_find_parent(m, parent);
	const struct mdev_type *t;

	if (mdev_device_read(NULL, uuid, ret, NULL) >= 0)
		return 0;
	log_device_debug(uuid, "Device %s not readable right after its creation", uuid);
	*ret = (struct mdev_device){.bus = p && p->pub.bus ? p->pub.bus : mdev_bus_get(0)};
	memcpy(ret->uuid, uuid, sizeof(ret->uuid));
	t = parent_find_type(m, parent, type);
	ret->parent = strdup(parent);
	ret->type = strdup(type);
	if (t && t->device_api && (streq(t->device_api, "virtio") || streq(t->device_api, "vhost")))
		ret->class = strdup(t->device_api);
	return ret->parent && ret->type ? 0 : -ENOMEM;
}

static int start_failed(struct manager *m, struct mdevice *d, int r, char **msg,
			struct manager_error *e)
{
	char id[UUID_STRING_LEN + 1];

	memcpy(id, d->pub.uuid, sizeof(id));
	d->failed = true;
	d->failed_errno = -r;
	free(d->last_error);
	d->last_error = *msg ? strdup(*msg) : strdup(strerror(-r));
	/* EEXIST: someone else created it; the model shows what is there. */
	device_refresh(m, d);
	device_sync(m, d); /* frees a transient device that did not start */
	log_device_error(id, "%s", *msg ? *msg : strerror(-r));
	return manager_error_take(e, r, msg);
}

static int start_create(struct manager *m, const char *parent, const char *type, const char *uuid,
			const struct definition_attr *attrs, size_t n_attrs,
			struct manager_error *e)
{
	_cleanup_(mdev_device_done) struct mdev_device sys = {};
	_cleanup_free_ struct mdev_attr *a = NULL;
	_cleanup_free_ char *msg = NULL;
	struct mdevice *d;
	int r;

	a = calloc(n_attrs ? n_attrs : 1, sizeof(*a));
	d = device_get(m, uuid);
	if (!a || !d) {
		if (d && !d->published)
			mdevice_free(d);
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	}
	for (size_t i = 0; i < n_attrs; i++)
		a[i] = (struct mdev_attr){.name = attrs[i].name, .value = attrs[i].value};
	r = m->kernel.create(parent, type, uuid, a, n_attrs, &msg);
	if (r < 0)
		return start_failed(m, d, r, &msg, e);

	d->failed = false;
	d->failed_errno = 0;
	free(d->last_error);
	d->last_error = NULL;
	definition_attrs_free(d->run_attrs, d->n_run_attrs);
	d->run_attrs = NULL;
	d->n_run_attrs = 0;
	if (definition_attrs_dup(attrs, n_attrs, &d->run_attrs) >= 0)
		d->n_run_attrs = n_attrs;
	if (device_read_created(m, parent, type, uuid, &sys) >= 0)
		device_set_running(m, d, &sys);
	device_sync(m, d);
	log_device_info(uuid, "Started %s device %s on parent %s", type, uuid, parent);
	(void)parent_follow(m, parent); /* available_instances moved */
	return 0;
}

int device_start_definition(struct manager *m, const struct definition *def,
			    struct manager_error *e)
{
	_cleanup_(manager_error_done) struct manager_error invalid = {};
	struct mdevice *d;
	int r;

	/* A file may hold more than one start can write; fail as a start would, on record. */
	r = manager_validate_attrs(def->uuid, def->attrs, def->n_attrs, &invalid);
	if (r >= 0)
		return start_create(m, def->parent, def->mdev_type, def->uuid, def->attrs,
				    def->n_attrs, e);
	d = device_get(m, def->uuid);
	if (d) {
		d->failed = true;
		d->failed_errno = -r;
		free(d->last_error);
		d->last_error = invalid.message ? strdup(invalid.message) : NULL;
		device_sync(m, d);
	}
	log_device_error(def->uuid, "%s", strempty(invalid.message));
	if (e) {
		manager_error_done(e);
		*e = invalid;
		invalid = (struct manager_error){};
	}
	return r;
}

int manager_start(struct manager *m, const char *uuid, struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *def = NULL;
	char id[UUID_STRING_LEN + 1];
	const struct definition *found;
	struct mdevice *d;
	int r;

	r = manager_validate_uuid(uuid, false, id, e);
	if (r < 0)
		return r;
	d = manager_find_device(m, id);
	if (d && d->running)
		return manager_error_set(e, MANAGER_ERROR_ALREADY_EXISTS, EEXIST,
					 "Device %s is already running on parent %s", id,
					 d->run.parent);
	found = d ? device_definition(m, d) : NULL;
	if (!found)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not defined", id);
	/* The store may change under the create (inotify runs only from the loop, but be safe). */
	r = definition_dup(found, &def);
	if (r < 0)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "Out of memory");
	return device_start_definition(m, def, e);
}

int manager_start_transient(struct manager *m, const char *parent, const char *type,
			    const char *uuid, const struct definition_attr *attrs, size_t n_attrs,
			    char **ret_uuid, struct manager_error *e)
{
	char id[UUID_STRING_LEN + 1];
	_cleanup_free_ char *copy = NULL;
	struct mdevice *d;
	int r;

	if ((r = manager_validate_parent(parent, e)) < 0 ||
	    (r = manager_validate_type(type, e)) < 0 ||
	    (r = manager_validate_uuid(uuid, true, id, e)) < 0 ||
	    (r = manager_validate_attrs(id, attrs, n_attrs, e)) < 0)
		return r;
	d = manager_find_device(m, id);
	if (d && d->running)
		return manager_error_set(e, MANAGER_ERROR_ALREADY_EXISTS, EEXIST,
					 "Device %s is already running on parent %s", id,
					 d->run.parent);
	if (ret_uuid && !(copy = strdup(id)))
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	r = start_create(m, parent, type, id, attrs, n_attrs, e);
	if (r < 0)
		return r;
	if (ret_uuid)
		*ret_uuid = TAKE_PTR(copy);
	return 0;
}

int manager_stop(struct manager *m, const char *uuid, struct manager_error *e)
{
	_cleanup_free_ char *msg = NULL, *parent = NULL;
	char id[UUID_STRING_LEN + 1];
	struct mdevice *d;
	int r;

	r = manager_validate_uuid(uuid, false, id, e);
	if (r < 0)
		return r;
	d = manager_find_device(m, id);
	if (!d)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT, "No device %s", id);
	if (!d->running)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not running", id);
	parent = strdup(d->run.parent);
	if (!parent)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	r = m->kernel.remove(id, &msg);
	if (r == -ENODEV) {
		/* Gone already (someone else, udev not processed yet). */
		device_refresh(m, d);
		device_sync(m, d);
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, r, "Device %s is not running",
					 id);
	}
	if (r < 0) {
		log_device_warning(id, "%s", msg ? msg : strerror(-r));
		return manager_error_take(e, r, &msg);
	}
	device_set_running(m, d, NULL);
	device_sync(m, d); /* a transient device is forgotten here */
	log_device_info(id, "Stopped device %s on parent %s", id, parent);
	if (parent_follow(m, parent) & PARENT_REFRESH_FREED)
		react_autostart(m, parent, true); /* a waiting auto device may fit now */
	return 0;
}

/* (parent, uuid) pairs copied out of the store, which starting may change. */
struct def_ref {
	char *parent;
	char uuid[UUID_STRING_LEN + 1];
};

static void def_refs_free(struct def_ref *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].parent);
	free(v);
}

/* The `auto` definitions on @parent (any if NULL) that are not running (see react_autostart()). */
static int autostart_candidates(struct manager *m, const char *parent, bool out_of_instances,
				struct def_ref **ret, size_t *ret_n)
{
	const struct definition_entry *e;
	struct def_ref *v;
	size_t n, k = 0;

	e = definition_store_entries(m->store, &n);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct definition *def = e[i].def;
		struct mdevice *d = manager_find_device(m, def->uuid);

		if (def->start != DEFINITION_START_AUTO ||
		    (parent && !streq(def->parent, parent)) || !parent_is_present(m, def->parent) ||
		    (d && (d->running || d->autostart_tried)) ||
		    (out_of_instances && !(d && d->failed && d->failed_errno == EUSERS)))
			continue;
		v[k].parent = strdup(def->parent);
		if (!v[k].parent) {
			def_refs_free(v, k);
			return -ENOMEM;
		}
		memcpy(v[k++].uuid, def->uuid, sizeof(v->uuid));
	}
	*ret = v;
	*ret_n = k;
	return 0;
}

/*
 * One auto start per round of the event loop, so that a hundred devices
 * coming up neither starve the bus nor miss the watchdog: start the first
 * candidate not tried yet in this pass and queue the rest; when none is
 * left, the pass is over (the next one may retry those that failed).
 */
static void autostart(struct manager *m, const char *parent, bool out_of_instances)
{
	_cleanup_definition_free_ struct definition *def = NULL;
	const struct definition_entry *e = NULL;
	struct def_ref *v = NULL;
	struct mdevice *d;
	size_t n = 0;

	if (autostart_candidates(m, parent, out_of_instances, &v, &n) < 0) {
		log_oom();
		return;
	}
	if (n == 0) {
		for (size_t i = 0; i < m->n_devices; i++)
			m->devices[i]->autostart_tried = false;
		def_refs_free(v, n);
		return;
	}
	e = definition_store_get(m->store, v[0].parent, v[0].uuid);
	if (e && definition_dup(e->def, &def) >= 0) {
		log_device_info(def->uuid, "Starting auto device %s on parent %s", def->uuid,
				def->parent);
		(void)device_start_definition(m, def, NULL); /* logs and records its failure */
	}
	d = manager_find_device(m, v[0].uuid);
	if (d)
		d->autostart_tried = true;
	def_refs_free(v, n);
	react_autostart(m, parent, out_of_instances); /* the next one, next round */
}

void react_autostart(struct manager *m, const char *parent, bool out_of_instances)
{
	manager_react(m, autostart, parent, out_of_instances);
}
