/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Starting and stopping devices: the kernel's create and remove stores, and
 * what the model records of the outcome. The kernel answers synchronously:
 * when "create" returns the device exists, when "remove" returns it is gone,
 * so the model follows at once; udev events that arrive later re-read sysfs
 * and change nothing, or correct the model if someone else got in between.
 * The device's own add and bind events, and its children's adds, numbered
 * before the read-back are not even re-read (manager-events.c).
 *
 * A start asked for over D-Bus reads its device back before it replies. An
 * auto-start pass does its creates back to back, as a script writing the
 * "create" files would: each device is taken as running with what the
 * start asked for, and read back with the rest of the pass once the pass is
 * over (read_back()).
 */
#include "clock-util.h"
#include "log.h"
#include "manager-internal.h"
#include "mdev-parent.h"

/* How a start goes (start_create()). */
enum {
	START_FORCE = 1 << 0, /* past a callout's refusal (mdevctl's --force) */
	START_READ_LATER = 1 << 1, /* read the device back when the auto-start pass is over */
};

/* What a create asked for, as the record of a device not read back (yet). */
static int device_assumed(struct manager *m, const char *parent, const char *type,
			  const char *uuid, struct mdev_device *ret)
{
	struct mparent *p = manager_find_parent(m, parent);
	const struct mdev_type *t = parent_find_type(m, parent, type);

	*ret = (struct mdev_device){.bus = p && p->pub.bus ? p->pub.bus : mdev_bus_get(0)};
	memcpy(ret->uuid, uuid, sizeof(ret->uuid));
	ret->parent = strdup(parent);
	ret->type = strdup(type);
	if (t && t->device_api && (streq(t->device_api, "virtio") || streq(t->device_api, "vhost")))
		ret->class = strdup(t->device_api);
	return ret->parent && ret->type ? 0 : -ENOMEM;
}

/*
 * The device as the kernel has it after a create (1), or what we asked for if
 * it cannot be read (0).
 */
static int device_read_created(struct manager *m, const char *parent, const char *type,
			       const char *uuid, struct mdev_device *ret)
{
	struct mparent *p = manager_find_parent(m, parent);
	const struct mdev_bus *bus = p ? p->pub.bus : NULL;

	if (mdev_device_read(bus, uuid, ret, NULL) >= 0)
		return 1;
	log_device_debug(uuid, "Device %s not readable right after its creation", uuid);
	return device_assumed(m, parent, type, uuid, ret);
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

static void react_attributes(struct manager *m);

/* A pre callout refused: the start failed, on record as a kernel refusal would be. */
static int start_refused(struct manager *m, struct mdevice *d, int r, struct manager_error *e)
{
	d->failed = true;
	d->failed_errno = -r;
	free(d->last_error);
	d->last_error = e && e->message ? strdup(e->message) : strdup(strerror(-r));
	device_sync(m, d); /* frees a transient device that did not start */
	return r;
}

static int start_create_kernel(struct manager *m, const char *parent, const char *type,
			       const char *uuid, const struct definition_attr *attrs,
			       size_t n_attrs, unsigned how, struct manager_error *e);

/* Create the device between its pre and post callouts (mdevctl's start); @how: START_*. */
static int start_create(struct manager *m, const char *parent, const char *type, const char *uuid,
			bool autostart, const struct definition_attr *attrs, size_t n_attrs,
			unsigned how, struct manager_error *e)
{
	_cleanup_(manager_error_done) struct manager_error refused = {};
	struct device_callout c;
	struct mdevice *d;
	int r;

	r = device_callout_begin(m, &c, CALLOUT_ACTION_START, parent, type, uuid, autostart, attrs,
				 n_attrs, how & START_FORCE, e ? e : &refused);
	if (r < 0) {
		device_callout_end(&c, r);
		d = device_get(m, uuid);
		return d ? start_refused(m, d, r, e ? e : &refused) : r;
	}
	r = start_create_kernel(m, parent, type, uuid, attrs, n_attrs, how, e);
	device_callout_end(&c, r);
	return r;
}

static int start_create_kernel(struct manager *m, const char *parent, const char *type,
			       const char *uuid, const struct definition_attr *attrs,
			       size_t n_attrs, unsigned how, struct manager_error *e)
{
	_cleanup_(mdev_device_done) struct mdev_device sys = {};
	_cleanup_free_ char *msg = NULL;
	uint64_t seqnum;
	struct mdevice *d;
	int r;

	d = device_get(m, uuid);
	if (!d)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	r = m->kernel.create(parent, type, uuid, attrs, n_attrs, &msg);
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
	if (how & START_READ_LATER) {
		/* The pass's creates back to back: read_back() reads them after. */
		r = device_assumed(m, parent, type, uuid, &sys);
		if (r >= 0) {
			device_set_created(d, &sys);
			m->read_back_wanted = true;
		}
		device_sync(m, d);
		log_device_info(uuid, "Started %s device %s on parent %s", type, uuid, parent);
		return 0;
	}
	if (mdev_uevent_seqnum(&seqnum) < 0)
		seqnum = 0;
	r = device_read_created(m, parent, type, uuid, &sys);
	d->read_seqnum = r > 0 ? seqnum : 0;
	if (r >= 0)
		device_set_running(m, d, &sys);
	device_sync(m, d);
	log_device_info(uuid, "Started %s device %s on parent %s", type, uuid, parent);
	(void)parent_refresh_instances(m, parent); /* available_instances moved */
	return 0;
}

/* Create @def on its parent and record the outcome in the model; @how: START_*. */
static int device_start_definition(struct manager *m, const struct definition *def, unsigned how,
				   struct manager_error *e)
{
	_cleanup_(manager_error_done) struct manager_error invalid = {};
	struct mdevice *d;
	int r;

	/* A file may hold more than one start can write; fail as a start would, on record. */
	r = manager_validate_attrs(def->uuid, def->attrs, def->n_attrs, &invalid);
	if (r >= 0)
		return start_create(m, def->parent, def->mdev_type, def->uuid,
				    def->start == DEFINITION_START_AUTO, def->attrs, def->n_attrs, how,
				    e);
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

int manager_start_on(struct manager *m, const char *parent, const char *uuid, unsigned flags,
		     struct manager_error *e)
{
	_cleanup_definition_free_ struct definition *def = NULL;
	char id[UUID_STRING_LEN + 1];
	const struct definition *found;
	struct mdevice *d;
	int r;

	r = manager_validate_flags("start", flags, 0, e);
	if (r >= 0)
		r = manager_validate_uuid(uuid, false, id, e);
	if (r >= 0 && !isempty(parent))
		r = manager_validate_parent(parent, e);
	if (r < 0)
		return r;
	d = manager_find_device(m, id);
	if (d && d->run)
		return manager_error_set(e, MANAGER_ERROR_ALREADY_EXISTS, EEXIST,
					 "Device %s is already running on parent %s", id,
					 d->run->parent);
	r = manager_pick_definition(m, parent, id, &found, e);
	if (r < 0)
		return r;
	/* The store may change under the create (inotify runs only from the loop, but be safe). */
	r = definition_dup(found, &def);
	if (r < 0)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "Out of memory");
	return device_start_definition(m, def, flags & MDEVVIRTIO_DBUS_FLAG_FORCE ? START_FORCE : 0,
				       e);
}

int manager_start_transient_flags(struct manager *m, const char *parent, const char *type,
				  const char *uuid, const struct definition_attr *attrs,
				  size_t n_attrs, unsigned flags, char **ret_uuid,
				  struct manager_error *e)
{
	char id[UUID_STRING_LEN + 1];
	_cleanup_free_ char *copy = NULL;
	struct mdevice *d;
	int r;

	if ((r = manager_validate_flags("start", flags, 0, e)) < 0 ||
	    (r = manager_validate_parent(parent, e)) < 0 ||
	    (r = manager_validate_type(type, e)) < 0 ||
	    (r = manager_validate_uuid(uuid, true, id, e)) < 0 ||
	    (r = manager_validate_attrs(id, attrs, n_attrs, e)) < 0)
		return r;
	d = manager_find_device(m, id);
	if (d && d->run)
		return manager_error_set(e, MANAGER_ERROR_ALREADY_EXISTS, EEXIST,
					 "Device %s is already running on parent %s", id,
					 d->run->parent);
	if (ret_uuid && !(copy = strdup(id)))
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	r = start_create(m, parent, type, id, false, attrs, n_attrs,
			 flags & MDEVVIRTIO_DBUS_FLAG_FORCE ? START_FORCE : 0, e);
	if (r < 0)
		return r;
	if (ret_uuid)
		*ret_uuid = TAKE_PTR(copy);
	return 0;
}

int manager_stop_flags(struct manager *m, const char *uuid, unsigned flags,
		       struct manager_error *e)
{
	_cleanup_free_ char *msg = NULL, *parent = NULL;
	char id[UUID_STRING_LEN + 1];
	struct device_callout c;
	struct mdevice *d;
	int r;

	r = manager_validate_flags("stop", flags, 0, e);
	if (r >= 0)
		r = manager_validate_uuid(uuid, false, id, e);
	if (r < 0)
		return r;
	d = manager_find_device(m, id);
	if (!d)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT, "No device %s", id);
	if (!d->run)
		return manager_error_set(e, MANAGER_ERROR_NOT_FOUND, ENOENT,
					 "Device %s is not running", id);
	parent = strdup(d->run->parent);
	if (!parent)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	/* mdevctl tells the scripts what sysfs says: type and parent, no attributes. */
	r = device_callout_begin(m, &c, CALLOUT_ACTION_STOP, parent, d->run->type, id, false, NULL,
				 0, flags & MDEVVIRTIO_DBUS_FLAG_FORCE, e);
	if (r < 0) {
		device_callout_end(&c, r);
		return r;
	}
	r = m->kernel.remove(id, &msg);
	device_callout_end(&c, r);
	d = manager_find_device(m, id);
	if (!d) /* cannot happen: nothing runs the loop meanwhile */
		return r < 0 ? manager_error_take(e, r, &msg) : 0;
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
	if (parent_refresh_instances(m, parent) & PARENT_REFRESH_FREED)
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
	struct def_ref *v = NULL;
	size_t n, k = 0, room = 0;

	/* Room for the candidates only, not for every definition (10,000 of
	 * them, few or none `auto`, would be 480 kB). */
	e = definition_store_entries(m->store, &n);
	for (size_t i = 0; i < n; i++) {
		const struct definition *def = e[i].def;
		struct mdevice *d = manager_find_device(m, def->uuid);

		if (def->start != DEFINITION_START_AUTO ||
		    (parent && !streq(def->parent, parent)) || !parent_is_present(m, def->parent) ||
		    (d && (d->run || d->autostart_tried)) ||
		    (out_of_instances && !(d && d->failed && d->failed_errno == EUSERS)))
			continue;
		if (k == room) {
			struct def_ref *grown = reallocarray(v, room ? 2 * room : 16, sizeof(*v));

			if (!grown) {
				def_refs_free(v, k);
				return -ENOMEM;
			}
			v = grown;
			room = room ? 2 * room : 16;
		}
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
 * The devices auto-start passes created, read back once a pass is over as a
 * start reads its device at once: the device, its nodes and netlink view,
 * then each parent's instance counts once. Until then the creates go back
 * to back, as a script writing "create" files would; a D-Bus start reads
 * its device before it replies.
 */
static void read_back(struct manager *m, const char *unused, bool unused_narrow)
{
	_cleanup_strv_free_ char **parents = NULL;
	size_t n_parents = 0;
	uint64_t seqnum;

	m->read_back_wanted = false;
	/* Read before every read-back below: their events up to it are seen by them. */
	if (mdev_uevent_seqnum(&seqnum) < 0)
		seqnum = 0;
	/* Backwards: a device found gone may be freed, which moves only those after it. */
	for (size_t i = m->n_devices; i-- > 0;) {
		_cleanup_(mdev_device_done) struct mdev_device sys = {};
		struct mdevice *d = m->devices[i];
		bool known = false;
		int r;

		if (!d->read_pending || !d->run)
			continue;
		for (size_t k = 0; k < n_parents && !known; k++)
			known = streq(parents[k], d->run->parent);
		if (!known) {
			char **grown = reallocarray(parents, n_parents + 2, sizeof(char *));

			if (grown)
				parents = grown;
			if (grown && (grown[n_parents] = strdup(d->run->parent)))
				parents[++n_parents] = NULL;
			else
				log_oom(); /* its parent's counts stay as they were */
		}
		r = mdev_device_read(d->run->bus, d->pub.uuid, &sys, NULL);
		if (r < 0)
			log_device_debug(d->pub.uuid, "Device %s is unreadable, taking it as gone: %s",
					 d->pub.uuid, strerror(-r));
		d->read_seqnum = r >= 0 ? seqnum : 0;
		device_set_running(m, d, r < 0 ? NULL : &sys);
		device_sync(m, d);
	}
	for (size_t k = 0; k < n_parents; k++)
		(void)parent_refresh_instances(m, parents[k]); /* available_instances moved */
}

/*
 * Auto starts in rounds of the event loop, so that a hundred devices coming
 * up neither starve the bus nor miss the watchdog: each round starts
 * candidates not tried yet in this pass, one after another, until
 * m->autostart_round_usec has gone by (at least one a round), and queues
 * the rest for the next round; when none is left, the pass is over (the
 * next one may retry those that failed). Back to back, the starts of a
 * round are not interleaved with the uevents each of them brings (a dozen
 * a device): those wait below the bus's priority and follow.
 */
static void autostart(struct manager *m, const char *parent, bool out_of_instances)
{
	struct def_ref *v = NULL;
	uint64_t deadline;
	size_t n = 0;

	if (autostart_candidates(m, parent, out_of_instances, &v, &n) < 0) {
		log_oom();
		return;
	}
	if (n == 0) {
		for (size_t i = 0; i < m->n_devices; i++)
			m->devices[i]->autostart_tried = false;
		def_refs_free(v, n);
		if (m->read_back_wanted)
			manager_react(m, read_back, NULL, false);
		return;
	}
	deadline = monotonic_usec() + m->autostart_round_usec;
	for (size_t i = 0; i < n; i++) {
		_cleanup_definition_free_ struct definition *def = NULL;
		const struct definition_entry *e;
		struct mdevice *d;

		if (i > 0 && monotonic_usec() >= deadline)
			break;
		/* A start before it may have changed the store (callouts, events). */
		e = definition_store_get(m->store, v[i].parent, v[i].uuid);
		if (e && definition_dup(e->def, &def) >= 0) {
			log_device_info(def->uuid, "Starting auto device %s on parent %s",
					def->uuid, def->parent);
			/* Logs and records its failure. */
			(void)device_start_definition(m, def, START_READ_LATER, NULL);
		}
		d = manager_find_device(m, v[i].uuid);
		if (d)
			d->autostart_tried = true;
	}
	def_refs_free(v, n);
	react_autostart(m, parent, out_of_instances); /* the rest, next round */
}

void react_autostart(struct manager *m, const char *parent, bool out_of_instances)
{
	manager_react(m, autostart, parent, out_of_instances);
}

/*
 * mdevctl lists a running device with the attributes its "get attributes"
 * callout prints. The daemon asks once, when it first finds a device it did
 * not start, and only for one without a definition (a defined device shows
 * its definition's attributes). One device per round of the event loop, as
 * auto starts, so that slow scripts never add up within one round.
 */
static void attributes_ask(struct manager *m, const char *unused, bool narrow)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *parent = NULL, *type = NULL;
	char uuid[UUID_STRING_LEN + 1];
	struct definition_attr *attrs = NULL;
	struct mdevice *d = NULL;
	size_t n = 0;
	int r;

	for (size_t i = 0; !d && i < m->n_devices; i++)
		if (m->devices[i]->attributes_wanted)
			d = m->devices[i];
	if (!d)
		return;
	d->attributes_wanted = false;
	if (!d->run || !d->run->parent || !d->run->type || device_definition(m, d) ||
	    d->n_run_attrs > 0) {
		react_attributes(m);
		return;
	}
	memcpy(uuid, d->pub.uuid, sizeof(uuid));
	parent = strdup(d->run->parent);
	type = strdup(d->run->type);
	if (!parent || !type) {
		log_oom();
		return;
	}
	r = device_callout_get_attributes(m, parent, type, uuid, &attrs, &n, &e);
	if (r < 0)
		log_device_warning(uuid, "Attributes of running device %s: %s", uuid,
				   strempty(e.message));
	d = manager_find_device(m, uuid);
	if (r > 0 && d && d->run && streq(d->run->parent, parent) && !device_definition(m, d)) {
		definition_attrs_free(d->run_attrs, d->n_run_attrs);
		d->run_attrs = TAKE_PTR(attrs);
		d->n_run_attrs = n;
		device_sync(m, d);
	}
	definition_attrs_free(attrs, n);
	react_attributes(m); /* the next one, next round */
}

static void react_attributes(struct manager *m)
{
	manager_react(m, attributes_ask, NULL, false);
}

void device_attributes_want(struct manager *m, struct mdevice *d)
{
	if (!d->run || device_definition(m, d) || d->n_run_attrs > 0)
		return;
	d->attributes_wanted = true;
	react_attributes(m);
}
