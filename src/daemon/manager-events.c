/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What moves the model besides its own operations: start-up reconciliation,
 * the definition store's change reports (inotify, Reload) and uevents. All
 * of them end in device_sync()/parent_refresh(), which tell the change
 * callback; none re-scans more than the object an event is about.
 */
#include "log.h"
#include "manager-internal.h"
#include "mdev-device.h"
#include "mdev-parent.h"
#include "root-path.h"

void manager_store_changed(struct definition_store *s, const struct definition_event *ev,
			   void *userdata)
{
	struct manager *m = userdata;

	switch (ev->change) {
	case DEFINITION_ADDED:
	case DEFINITION_CHANGED:
	case DEFINITION_REMOVED:
		log_device_debug(ev->uuid, "Definition of device %s on parent %s %s", ev->uuid,
				 ev->parent,
				 ev->change == DEFINITION_ADDED	    ? "added"
				 : ev->change == DEFINITION_CHANGED ? "changed"
								    : "removed");
		device_sync_uuid(m, ev->uuid);
		parent_sync(m, ev->parent);
		break;
	case DEFINITION_BAD_ADDED:
		log_warning("Skipping definition file %s: %s", ev->bad->path, ev->bad->reason);
		notify_manager(m, MANAGER_PROPERTY_BAD_DEFINITIONS);
		break;
	case DEFINITION_BAD_REMOVED:
		log_info("Definition file %s is no longer bad", ev->bad->path);
		notify_manager(m, MANAGER_PROPERTY_BAD_DEFINITIONS);
		break;
	}
}

/*
 * A device on one of our buses: re-read it (a bind or unbind changes its
 * driver) and, when it appeared or went away behind the model's back, its
 * parent, whose instance counts moved. What the daemon created or removed
 * itself is running or gone in the model already, and its parent was read
 * then: the uevents that follow change neither.
 */
static void uevent_device(struct manager *m, const char *uuid)
{
	_cleanup_free_ char *parent = NULL;
	struct mdevice *d = device_get(m, uuid);
	bool was;

	if (!d) {
		log_oom();
		return;
	}
	was = d->run != NULL;
	device_refresh(m, d);
	if (d->run && !was) {
		log_device_info(uuid, "Device %s appeared on parent %s", uuid, d->run->parent);
		device_attributes_want(m, d);
	} else if (!d->run && was) {
		log_device_info(uuid, "Device %s went away", uuid);
	}
	if (d->run && !was)
		parent = strdup(d->run->parent);
	else if (!d->run && was && d->pub.parent)
		parent = strdup(d->pub.parent);
	device_sync(m, d);
	if (parent && (parent_follow(m, parent) & PARENT_REFRESH_FREED))
		react_autostart(m, parent, true); /* an instance came free */
}

static void uevent_parent(struct manager *m, const char *name)
{
	bool was = parent_is_present(m, name);
	unsigned r = parent_follow(m, name);

	if (r & PARENT_REFRESH_FREED)
		react_autostart(m, name, true);
	if ((r & PARENT_REFRESH_PRESENT) && !was) {
		log_info("Parent %s appeared", name);
		react_autostart(m, name, false);
	} else if (was && !parent_is_present(m, name)) {
		log_info("Parent %s went away", name);
	}
}

/*
 * The known device a devpath lies below (net/block/virtio children), or NULL;
 * *@ret_below is the part of @devpath below the device's directory.
 */
static struct mdevice *device_above(struct manager *m, const char *devpath, const char **ret_below)
{
	const char *p = devpath;

	while ((p = strchr(p, '/'))) {
		char id[UUID_STRING_LEN + 1];

		p++;
		if (strlen(p) < UUID_STRING_LEN ||
		    (p[UUID_STRING_LEN] != '/' && p[UUID_STRING_LEN] != '\0'))
			continue;
		memcpy(id, p, UUID_STRING_LEN);
		id[UUID_STRING_LEN] = '\0';
		if (uuid_is_normalized(id)) {
			struct mdevice *d = manager_find_device(m, id);

			if (d && d->run) {
				*ret_below = p + UUID_STRING_LEN;
				return d;
			}
		}
	}
	return NULL;
}

static bool is_parent_name(struct manager *m, const char *name)
{
	return manager_find_parent(m, name) || mdev_parent_exists(name);
}

static void rescan_parents(struct manager *m, bool autostart_new);
static void rescan_devices(struct manager *m);

/*
 * Whether a uevent of a device's child can change its nodes (mdev-nodes.c
 * finds them at most three levels down: virtio<N>/net/<ifname>): only one
 * that adds, removes or moves something that shallow. The rest (a driver
 * binding virtio<N>, a netdev's queues, a disk's "change") leave them alone.
 */
static bool uevent_may_move_nodes(const char *action, const char *below)
{
	unsigned depth = 0;

	if (!streq(action, "add") && !streq(action, "remove") && !streq(action, "move"))
		return false;
	for (const char *p = below; *p; p++)
		depth += *p == '/';
	return depth <= 3;
}

/* Re-read a running device's nodes only (a child came or went), then sync it. */
static void device_nodes_refresh(struct manager *m, struct mdevice *d)
{
	struct managed_node *nodes = NULL;
	size_t n = 0;
	int r;

	r = device_nodes_scan(d->run, &nodes, &n);
	if (r < 0) {
		log_device_debug(d->pub.uuid, "Failed to find the nodes of device %s: %s",
				 d->pub.uuid, strerror(-r));
		return;
	}
	managed_nodes_free(d->nodes, d->n_nodes);
	d->nodes = nodes;
	d->n_nodes = n;
	device_sync(m, d);
}

/*
 * An add or bind of a device we created, or an add below it, that the
 * kernel numbered before our read-back of the device, or that came while the
 * read-back is still to come (d->read_pending): that read saw, or will see,
 * what it added (sysfs changes first, then the event goes out), so it is not
 * read again. Removes, unbinds, moves and changes are always read.
 */
static bool uevent_seen_at_read_back(const struct mdevice *d, const struct uevent *ev)
{
	if (!d || !(streq(ev->action, "add") || streq(ev->action, "bind")))
		return false;
	return d->read_pending || (ev->seqnum && ev->seqnum <= d->read_seqnum);
}

void manager_handle_uevent(struct manager *m, const struct uevent *ev)
{
	const char *below;
	struct mdevice *d;

	if (!ev) {
		/* Events were lost: read everything again, as at start-up. */
		log_warning("Lost uevents, re-reading parents and devices");
		rescan_devices(m);
		rescan_parents(m, true);
		return;
	}
	if (!ev->action || !ev->devpath || !ev->sysname)
		return;
	if (ev->subsystem && mdev_bus_from_name(ev->subsystem)) {
		if (uuid_is_normalized(ev->sysname) &&
		    !uevent_seen_at_read_back(manager_find_device(m, ev->sysname), ev))
			uevent_device(m, ev->sysname);
		return;
	}
	if (ev->mdev_state) {
		uevent_parent(m, ev->sysname);
		return;
	}
	d = device_above(m, ev->devpath, &below);
	if (d) {
		/* A netdev, disk or char device of ours may have come or gone (after bind). */
		if (uevent_may_move_nodes(ev->action, below) && !uevent_seen_at_read_back(d, ev))
			device_nodes_refresh(m, d);
		return;
	}
	if ((streq(ev->action, "add") || streq(ev->action, "remove")) &&
	    is_parent_name(m, ev->sysname))
		uevent_parent(m, ev->sysname);
}

/* Parents: every one sysfs lists, and every one we took as present that it no longer lists. */
static void rescan_parents(struct manager *m, bool autostart_new)
{
	_cleanup_strv_free_ char **gone = NULL;
	_cleanup_free_ char *msg = NULL;
	struct mdev_parent *a = NULL;
	size_t n = 0, k = 0;
	int r;

	r = mdev_parent_list(&a, &n, &msg);
	if (r < 0) {
		log_warning_errno(r, "%s, ignoring", msg ? msg : "Failed to list parents");
		return;
	}
	gone = calloc(m->n_parents + 1, sizeof(char *));
	for (size_t i = 0; gone && i < m->n_parents; i++) {
		bool listed = false;

		for (size_t j = 0; j < n && !listed; j++)
			listed = streq(a[j].name, m->parents[i]->pub.name);
		if (!listed && m->parents[i]->pub.present &&
		    !(gone[k++] = strdup(m->parents[i]->pub.name)))
			break;
	}
	for (size_t i = 0; i < n; i++) {
		if (a[i].error)
			log_warning("%s", strempty(a[i].error_message));
		if (autostart_new)
			uevent_parent(m, a[i].name);
		else
			(void)parent_follow(m, a[i].name);
	}
	for (char **g = gone; g && *g; g++)
		uevent_parent(m, *g);
	mdev_parent_array_free(a, n);
}

/* Devices: adopt what runs (never recreate, never remove), drop what no longer does. */
static int uuid_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void rescan_devices(struct manager *m)
{
	_cleanup_free_ char(*stale)[UUID_STRING_LEN + 1] = NULL;
	_cleanup_free_ const char **listed = NULL;
	_cleanup_free_ char *msg = NULL;
	struct mdev_device *a = NULL;
	size_t n = 0, k = 0;
	int r;

	r = mdev_device_list(&a, &n, &msg);
	if (r < 0) {
		log_warning_errno(r, "%s, ignoring", msg ? msg : "Failed to list devices");
		return;
	}
	stale = calloc(m->n_devices + 1, sizeof(*stale));
	listed = calloc(n + 1, sizeof(*listed));
	for (size_t i = 0; listed && i < n; i++)
		listed[i] = a[i].uuid;
	if (listed)
		qsort(listed, n, sizeof(*listed), uuid_cmp);
	for (size_t i = 0; stale && listed && i < m->n_devices; i++) {
		const char *key = m->devices[i]->pub.uuid;

		if (m->devices[i]->run && !bsearch(&key, listed, n, sizeof(*listed), uuid_cmp))
			memcpy(stale[k++], key, UUID_STRING_LEN + 1);
	}
	for (size_t i = 0; i < n; i++) {
		struct mdevice *d = device_get(m, a[i].uuid);
		bool adopted;

		if (!d) {
			log_oom();
			break;
		}
		adopted = !d->run;
		if (adopted)
			log_device_debug(a[i].uuid, "Adopting running device %s on parent %s",
					 a[i].uuid, a[i].parent);
		device_set_running(m, d, &a[i]);
		device_sync(m, d);
		if (adopted)
			device_attributes_want(m, d);
	}
	for (size_t i = 0; i < k; i++) {
		struct mdevice *d = manager_find_device(m, stale[i]);

		if (d) {
			device_set_running(m, d, NULL);
			device_sync(m, d);
		}
	}
	mdev_device_array_free(a, n);
}

static void on_uevent(const struct uevent *ev, void *userdata)
{
	manager_handle_uevent(userdata, ev);
}

static void startup_uevents(struct manager *m)
{
	int r;

	/* Uevents talk about the real /sys; under a fake root they would mislead. */
	if (!isempty(root_get())) {
		log_info("Running under root %s: not listening to udev", root_get());
		return;
	}
	r = uevent_monitor_new(m->event, on_uevent, m, &m->uevents);
	if (r < 0)
		log_warning_errno(r, "Cannot listen to udev, devices others create or remove "
				     "will not be noticed: %m");
}

static void on_stale_temp(const char *path, int error, void *userdata)
{
	if (error < 0)
		log_warning_errno(error, "Cannot remove stale temporary files at %s, ignoring: %m",
				  path);
	else
		log_info("Removed stale temporary file %s (left by an interrupted write)", path);
}

int manager_startup(struct manager *m)
{
	size_t n_bad, n_running = 0;
	int r;

	if (m->started)
		return -EBUSY;
	m->started = true;
	/* Before anything is written: a write in flight has such a file too. */
	r = definition_store_remove_temp(on_stale_temp, m);
	if (r < 0)
		return log_error_errno(r, "Failed to remove stale temporary files: %m");
	r = definition_store_watch(m->store, m->event, manager_store_changed, m);
	if (r < 0)
		log_warning_errno(r, "Cannot watch the definition directories, changes are only "
				     "seen on Reload: %m");
	/* Listen before reading sysfs, so nothing that changes in between is missed. */
	startup_uevents(m);
	manager_virtio_watch(m);
	/* Parents first: each definition then gets its state and class once. */
	rescan_parents(m, false);
	r = definition_store_load(m->store, manager_store_changed, m);
	if (r < 0)
		return log_error_errno(r, "Failed to load the definitions: %m");
	rescan_devices(m);
	/* Ready does not wait for devices to start: they follow from the loop. */
	react_autostart(m, NULL, false);
	(void)definition_store_bad_files(m->store, &n_bad);
	for (size_t i = 0; i < m->n_devices; i++)
		n_running += m->devices[i]->run != NULL;
	log_info("%zu devices known (%zu running), %zu parents, %zu bad definition files",
		 m->n_devices, n_running, m->n_parents, n_bad);
	return 0;
}
