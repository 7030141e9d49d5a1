/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the manager: the state behind struct manager, shared by its files.
 * Calls go one way, down this list (tests/layering/check-layers enforces
 * that no two files call each other in a circle):
 *   manager.c           lifetime (new, free)
 *   manager-events.c    start-up, definition store and udev events
 *   manager-ops.c       define, undefine, modify, reload
 *   manager-run.c       start, stop, and the queued auto starts
 *   manager-model.c     device facts, how the published devices follow them,
 *                       and how a parent's devices follow a parent refresh
 *   manager-parents.c   the same for parents (never calls up into devices)
 *   manager-virtio-events.c  the kernel's netlink events: status, config
 *   manager-nodes.c, manager-virtio.c (netlink requests), manager-validate.c,
 *   manager-records.c (sorted arrays,
 *   lookups), manager-error.c, manager-notify.c (the deferred source that
 *   delivers changes to listeners and runs queued reactions),
 *   manager-callout.c (mdevctl's callout scripts around operations): leaves.
 * Not for the D-Bus layer; the unit tests use the two seams at the end
 * (kernel operations, uevent injection).
 *
 * Model: a record per device UUID and per parent name holds *facts* (what
 * sysfs said when last read, how the last start went); what readers see
 * (struct managed_device / managed_parent, "pub") is rebuilt from the facts
 * and the definition store by device_sync()/parent_sync(), which compare it
 * with what was published and report ADDED, CHANGED or REMOVED. Records live
 * in arrays of pointers sorted by UUID / name, so a published pointer stays
 * valid until that object changes.
 */
#pragma once

#include "callout.h"
#include "manager.h"
#include "mdev-device.h"
#include "udev-monitor.h"

struct pending_change;

/*
 * How long auto starts run back to back in one round of the event loop
 * before the bus, the watchdog and the uevents get their turn (at least one
 * start a round; manager-run.c).
 */
#define MANAGER_AUTOSTART_ROUND_USEC (100 * UINT64_C(1000))

/*
 * An operation's callouts feed the watchdog first, unless it was fed this
 * recently: their CALLOUT_OPERATION_USEC (20 s) then still fit in the
 * unit's WatchdogSec (30 s), and a burst of operations (100 auto starts)
 * does not send PID 1 a WATCHDOG=1 each (manager-callout.c).
 */
#define MANAGER_WATCHDOG_FEED_USEC (1000 * UINT64_C(1000))

/*
 * What is only there while a device runs is allocated while it runs (NULL
 * when stopped), so that the record of one of 10,000 stopped definitions
 * stays small: run, virtio, nodes, and in pub the virtio view.
 */
struct mdevice {
	/* Rebuilt by device_sync(); owns its strings and arrays, except the
	 * names it holds in the pool (manager_intern()). */
	struct managed_device pub;
	bool published; /* in m->devices, ADDED queued for the listeners */
	struct pending_change *pending; /* its undelivered change, or NULL */

	/* Facts */
	struct mdev_device *run; /* owned; what sysfs said while it runs, NULL when stopped */
	struct managed_node *nodes; /* while running */
	size_t n_nodes;
	bool autostart_tried; /* the running auto-start pass has tried it */
	bool failed; /* the last start failed */
	int failed_errno; /* why (positive errno), 0 if it did not */
	char *last_error;
	struct definition_attr *run_attrs; /* what it was last started (or live-set) with */
	size_t n_run_attrs;
	bool attributes_wanted; /* found running, not started by us: ask "get attributes" */
	/* The kernel's uevent number just before our own create read the device
	 * back: its add and bind events up to there change nothing (0: none). */
	uint64_t read_seqnum;
	/* Created by an auto-start pass and taken as running with what the start
	 * asked for (device_set_created()); read back, nodes and netlink, when
	 * the pass is over. Its add and bind events until then are not read. */
	bool read_pending;
	/* Owned; while running, the netlink view if the kernel's family knows the
	 * device (known is then true), else NULL. */
	struct managed_virtio *virtio;
};

struct mparent {
	struct managed_parent pub; /* name owned; types point into sys */
	bool published;
	struct pending_change *pending;
	struct mdev_parent sys; /* valid while pub.present */
};

/* How the manager reaches the kernel; the unit tests wrap these to play the kernel. */
struct manager_kernel_ops {
	int (*create)(const char *parent, const char *type, const char *uuid,
		      const struct definition_attr *attrs, size_t n_attrs, char **ret_error);
	int (*remove)(const char *uuid, char **ret_error);
};

/*
 * How the manager asks the kernel's netlink family; the unit tests replace
 * them (manager_set_virtio_ops) to play the family. The real ones use
 * m->nl, -ENOENT while the family is absent. dump calls @fn per device.
 */
struct manager_virtio_ops {
	int (*get_device)(struct manager *m, const char *uuid, struct mdev_nl_device *ret);
	int (*get_config)(struct manager *m, const char *uuid, struct mdev_nl_config *ret);
	int (*dump_devices)(struct manager *m, mdev_nl_device_fn fn, void *userdata);
	int (*get_stats)(struct manager *m, const char *uuid, struct mdev_nl_stats **ret);
	int (*clear_stats)(struct manager *m, const char *uuid);
	/* The kernel's message for the last failure, "" if none. */
	const char *(*last_error)(struct manager *m);
};

struct manager {
	sd_event *event;
	struct definition_store *store;
	struct uevent_monitor *uevents;
	bool started;

	struct mdevice **devices; /* published, sorted by UUID */
	size_t n_devices, devices_allocated;
	struct mparent **parents; /* published, sorted by name */
	size_t n_parents, parents_allocated;
	/* manager_intern(): sorted by content; each owned, freed at its last unintern. */
	struct interned **interned;
	size_t n_interned, interned_allocated;

	size_t n_defined, n_running; /* over the published devices */
	uint64_t generation; /* the last device generation handed out */

	/* manager-notify.c */
	struct manager_listener *listeners;
	size_t n_listeners;
	struct pending_change **pending; /* in the order of their first change */
	size_t n_pending;
	struct pending_change *pending_manager; /* the manager's own */
	struct reaction *reactions; /* queued, run in order */
	size_t n_reactions;
	sd_event_source *defer;
	bool flushing;

	struct manager_kernel_ops kernel;
	uint64_t autostart_round_usec; /* auto starts run back to back this long a round */
	bool read_back_wanted; /* some device is read_pending (manager-run.c) */
	struct callout_cache *callouts; /* manager-callout.c; created on first use */
	uint64_t watchdog_fed_usec; /* when an operation last fed it (CLOCK_MONOTONIC) */
	uint64_t watchdog_feed_usec; /* fed again only this long after (tests lengthen it) */

	/* manager-virtio*.c */
	struct manager_virtio_ops virtio;
	struct mdev_nl *nl; /* requests; NULL while the family is absent */
	struct mdev_nl_events *nl_events; /* follows the family across module reloads */
	sd_event_source *nl_source;
	bool virtio_resync_queued; /* a full re-read is queued: no per-device reads */
};

/* manager-notify.c */
/*
 * Queue a change of device @d (@change: ADDED when it was just published,
 * REMOVED when it is about to be freed) for the listeners.
 */
void notify_device(struct manager *m, struct mdevice *d, enum manager_change change,
		   unsigned properties);
void notify_parent(struct manager *m, struct mparent *p, enum manager_change change,
		   unsigned properties);
void notify_manager(struct manager *m, unsigned properties);
/* A record is freed: its pending change (if any) no longer points back at it. */
void notify_forget(struct pending_change *pc);
/*
 * Queue @fn(@m, @parent, @narrow) to run from the deferred source. A call
 * already queued is not queued again, nor one covered by a queued call of
 * the same @fn with @parent NULL (any) or @narrow false (everything).
 */
typedef void (*manager_reaction_fn)(struct manager *m, const char *parent, bool narrow);
void manager_react(struct manager *m, manager_reaction_fn fn, const char *parent, bool narrow);
void notify_done(struct manager *m);

/* manager-records.c */
struct mdevice *manager_find_device(const struct manager *m, const char *uuid);
struct mparent *manager_find_parent(const struct manager *m, const char *name);
int manager_devices_insert(struct manager *m, struct mdevice *d);
void manager_devices_remove(struct manager *m, struct mdevice *d);
int manager_parents_insert(struct manager *m, struct mparent *p);
void manager_parents_remove(struct manager *m, struct mparent *p);
/*
 * The pool of the published views' parent, type and class names: thousands
 * of devices name a handful of parents and types, so each distinct string
 * is held once, with a count of the fields that hold it. *@ret is the
 * pool's copy of @s (NULL for NULL), valid until the matching
 * manager_unintern(); -ENOMEM, or 0.
 */
int manager_intern(struct manager *m, const char *s, const char **ret);
/* Drop one hold of @s, a string manager_intern() returned (NULL: nothing). */
void manager_unintern(struct manager *m, const char *s);
/* manager-error.c: set @e (may be NULL) and return negative_errno(@r). */
int manager_error_set(struct manager_error *e, enum manager_error_kind kind, int r,
		      const char *format, ...) _printf_(4, 5);
/* The kind for an errno from the sysfs layer (see manager.h). */
enum manager_error_kind manager_error_kind_from_errno(int r);
/* Take a message from the sysfs layer, classify it by @r. */
int manager_error_take(struct manager_error *e, int r, char **message);

/* manager-model.c */
void definition_attrs_free(struct definition_attr *a, size_t n);
int definition_attrs_dup(const struct definition_attr *a, size_t n, struct definition_attr **ret);
struct mdevice *mdevice_free(struct manager *m, struct mdevice *d);
/* The record of @uuid (normalised): the published one, or a new detached one. */
struct mdevice *device_get(struct manager *m, const char *uuid);
/*
 * The selected definition of @d (manager.h, struct managed_device): while it
 * runs, its definition on that parent with that type (NULL if none); while
 * stopped, the first by parent name (NULL if undefined).
 */
const struct definition *device_definition(const struct manager *m, const struct mdevice *d);
/* Every definition of @d's UUID, by parent name: the first and how many. */
size_t device_definitions(const struct manager *m, const struct mdevice *d,
			  const struct definition_entry **ret_first);
/* Take @sys (NULL: not running) as the running facts of @d; rescans nodes. */
void device_set_running(struct manager *m, struct mdevice *d, struct mdev_device *sys);
/*
 * Take @sys, what a create asked for, as the running facts of @d without
 * reading anything (no nodes, no netlink) and mark it read_pending: the
 * next device_set_running() reads what this skipped.
 */
void device_set_created(struct mdevice *d, struct mdev_device *sys);
/* Take @v as @d's netlink facts (a copy; none if !@v->known). The caller syncs. */
void device_set_virtio(struct mdevice *d, const struct managed_virtio *v);
/* @d's netlink facts, all zero (unknown) if there are none. */
struct managed_virtio device_virtio(const struct mdevice *d);
/* Re-read @d from sysfs (device and nodes). */
void device_refresh(struct manager *m, struct mdevice *d);
/* Republish @d from its facts; frees it if it is neither defined nor running. */
void device_sync(struct manager *m, struct mdevice *d);
/* Republish device @uuid (e.g. after its definition changed). */
void device_sync_uuid(struct manager *m, const char *uuid);
/* parent_refresh(), then republish the parent's devices if it says so; its flags. */
unsigned parent_follow(struct manager *m, const char *name);

/* manager-parents.c */
struct mparent *mparent_free(struct mparent *p);
/* What parent_refresh() found. */
enum {
	PARENT_REFRESH_PRESENT = 1u << 0, /* the parent is registered now */
	PARENT_REFRESH_DEVICES = 1u << 1, /* presence or types changed: its devices follow */
	PARENT_REFRESH_FREED = 1u << 2, /* a type has more instances available than before */
};
/* Re-read parent @name from sysfs and republish it (not its devices: parent_follow()). */
unsigned parent_refresh(struct manager *m, const char *name);
/*
 * After a create or a remove of our own on parent @name: re-read only its
 * types' available_instances (parent_refresh() where that cannot be done);
 * parent_refresh()'s flags. Instance counts never move its devices.
 */
unsigned parent_refresh_instances(struct manager *m, const char *name);
/* Publish a record for parent @name if there is none (a definition or device names it). */
void parent_ensure(struct manager *m, const char *name);
/* Republish parent @name from its facts and references; forget it if nothing refers to it. */
void parent_sync(struct manager *m, const char *name);
bool parent_is_present(const struct manager *m, const char *name);
const struct mdev_type *parent_find_type(const struct manager *m, const char *parent,
					 const char *type);

/* manager-virtio.c: netlink requests, facts from their answers (a leaf). */
/* The real family operations over m->nl. */
extern const struct manager_virtio_ops manager_virtio_netlink_ops;
/* Open m->nl if it is not (the real ops do, per request); -ENOENT without the family. */
int virtio_connect(struct manager *m);
void virtio_disconnect(struct manager *m);
/* @v from a device snapshot of the kernel (the config is left as it is). */
void virtio_take_device(struct managed_virtio *v, const struct mdev_nl_device *dev);
/* Read @uuid's status and config now; @v->known false if the kernel has none. */
void virtio_read(struct manager *m, const char *uuid, struct managed_virtio *v);
/* Re-read @uuid's config into @v (a config-changed event). */
void virtio_read_config(struct manager *m, const char *uuid, struct managed_virtio *v);
/* The device properties in which @a and @b differ. */
unsigned virtio_diff(const struct managed_virtio *a, const struct managed_virtio *b);

/* manager-virtio-events.c */
/* Follow the family's events on the loop, and queue one full read (after Ready). */
void manager_virtio_watch(struct manager *m);
void manager_virtio_unwatch(struct manager *m);

/* manager-nodes.c: what a running device shows the host, from sysfs. */
int device_nodes_scan(const struct mdev_device *d, struct managed_node **ret, size_t *ret_n);
void managed_nodes_free(struct managed_node *n, size_t count);
int managed_nodes_dup(const struct managed_node *n, size_t count, struct managed_node **ret);

/* manager-run.c */
/*
 * Queue starting the `auto` definitions on @parent (any if NULL) that are
 * not running; with @out_of_instances, only those whose last start found no
 * instance left (EUSERS), for when one was freed.
 */
void react_autostart(struct manager *m, const char *parent, bool out_of_instances);
/*
 * @d runs and the daemon did not start it (adopted, or made by someone
 * else): if it has no definition, queue asking its "get attributes"
 * callout, whose list becomes its attributes (mdevctl's listing).
 */
void device_attributes_want(struct manager *m, struct mdevice *d);

/* manager-callout.c: one operation's callouts, as mdevctl's Callout::invoke(). */
struct device_callout {
	struct callout_op op;
	enum callout_action action;
	char uuid[UUID_STRING_LEN + 1];
	char *parent, *type, *json; /* owned; json is pre's and post's stdin */
	bool started, refused;
};
/*
 * Run the pre callout of @action for the device as it will be (@type,
 * @autostart, @attrs). A refusal fails with CALLOUT_REFUSED naming the
 * script, unless @force: then it is logged and set as @e's warning
 * (mdevctl's "Forcing operation ..."), and the action goes ahead as if pre
 * had agreed. device_callout_end() must follow either way (it runs the
 * notifiers).
 */
int device_callout_begin(struct manager *m, struct device_callout *c, enum callout_action action,
			 const char *parent, const char *type, const char *uuid, bool autostart,
			 const struct definition_attr *attrs, size_t n_attrs, bool force,
			 struct manager_error *e);
/* Post with @result's outcome (unless pre refused), then every notifier; frees @c. */
void device_callout_end(struct device_callout *c, int result);
void device_callout_done(struct device_callout *c);
/* "get attributes" within @c: 1 and a list (free with definition_attrs_free), 0 if none answered. */
int device_callout_attributes(struct device_callout *c, struct definition_attr **ret,
			      size_t *ret_n, struct manager_error *e);
/* "get attributes" alone, for a running device: as device_callout_attributes(). */
int device_callout_get_attributes(struct manager *m, const char *parent, const char *type,
				  const char *uuid, struct definition_attr **ret, size_t *ret_n,
				  struct manager_error *e);
/* Only the notifiers (a live change the daemon made itself). */
void device_callout_notify(struct manager *m, const char *parent, const char *type,
			   const char *uuid, enum callout_action action, enum callout_state state);
/* mdevctl's live modify: the versioned callout of (@parent, @type) applies it, or nothing can. */
int device_callout_live(struct manager *m, const char *parent, const char *type,
			const char *uuid, bool autostart, const struct definition_attr *attrs,
			size_t n_attrs, struct manager_error *e);

/* manager-events.c */
void manager_store_changed(struct definition_store *s, const struct definition_event *ev,
			   void *userdata);

/* Test seams. */
void manager_set_kernel_ops(struct manager *m, const struct manager_kernel_ops *ops);
void manager_set_virtio_ops(struct manager *m, const struct manager_virtio_ops *ops);
/* What the netlink listener calls for every event of the family. */
void manager_handle_virtio_event(struct manager *m, enum mdev_nl_event_kind kind,
				 const struct mdev_nl_device *dev);
/* What the udev monitor calls for every uevent (NULL: events were lost, rescan
 * all parents and devices); tests call it to play udev. */
void manager_handle_uevent(struct manager *m, const struct uevent *ev);

/* manager-validate.c: input checks; each fails with INVALID_ARGUMENT naming the value. */
/* Printable ASCII, at most 64 characters then "...", for quoting user input. */
#define MANAGER_QUOTE_MAX 68
const char *manager_quote(const char *s, char buf[static MANAGER_QUOTE_MAX]);
/* Normalise @in into @out; with @generate, NULL or "" makes a new UUID. */
int manager_validate_uuid(const char *in, bool generate, char out[static UUID_STRING_LEN + 1],
			  struct manager_error *e);
int manager_validate_parent(const char *parent, struct manager_error *e);
int manager_validate_type(const char *type, struct manager_error *e);
/* @flags of operation @op ("start", ...): only MDEVVIRTIO_DBUS_FLAG_FORCE and @also. */
int manager_validate_flags(const char *op, unsigned flags, unsigned also,
			   struct manager_error *e);
/* At most MDEV_ATTRS_MAX attributes sysfs can take (names, values); @uuid names the device. */
int manager_validate_attrs(const char *uuid, const struct definition_attr *a, size_t n,
			   struct manager_error *e);
/*
 * The definition of @uuid (normalised) a call names: the one on @parent
 * (already validated by the caller; NOT_FOUND if it has none), or with @parent NULL or "" the only
 * one (NOT_FOUND if undefined, AMBIGUOUS if defined on several parents). The
 * pointer is the store's: valid until the store changes.
 */
int manager_pick_definition(const struct manager *m, const char *parent, const char *uuid,
			    const struct definition **ret, struct manager_error *e);
