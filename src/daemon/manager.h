/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's model: every device it knows (defined, running, or both) and
 * every parent, kept in memory and updated from three sources: the definition
 * store (files dropped in, edited, removed), udev (parents and devices
 * appearing and leaving, whoever made them) and its own operations. Readers
 * (the D-Bus layer) never trigger a re-scan of directories or sysfs; they read
 * what is here. Changes are reported to any number of listeners, naming the
 * properties that changed, from the event loop after the model has moved
 * (never from inside an operation). Reactions to facts (starting `auto`
 * devices when their parent appears or frees an instance) are queued and run
 * from the same deferred source, never re-entrantly.
 *
 * Operations are synchronous: a start writes to sysfs and returns when the
 * kernel has answered. mdevctl's callout scripts run around define,
 * undefine, modify, start and stop (bounded in time, callout.h); a refusing
 * one fails the operation with MANAGER_ERROR_CALLOUT_REFUSED. Failures return a negative errno and fill a
 * struct manager_error whose kind maps one-to-one onto the D-Bus named errors
 * and whose message names the object ("device 1234... on parent mvsim: ...").
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <systemd/sd-event.h>

#include "mdevvirtio/dbus-api.h"
#include "definition-store.h"
#include "definition.h"
#include "mdev-bus.h"
#include "mdev-netlink.h"
#include "mdev-parent.h"
#include "uuid-util.h"

enum device_state {
	DEVICE_STATE_STOPPED,
	DEVICE_STATE_STARTING,
	DEVICE_STATE_RUNNING,
	DEVICE_STATE_STOPPING,
	DEVICE_STATE_WAITING_FOR_PARENT, /* auto, defined, parent absent */
	DEVICE_STATE_FAILED, /* the last start failed; LastError says why */
	_DEVICE_STATE_MAX,
};

/* "stopped", "starting", "running", "stopping", "waiting-for-parent", "failed" */
const char *device_state_to_string(enum device_state s);

enum manager_error_kind {
	MANAGER_ERROR_NONE,
	MANAGER_ERROR_NOT_FOUND, /* no such device (UUID unknown) */
	MANAGER_ERROR_ALREADY_EXISTS, /* UUID already defined / already running */
	MANAGER_ERROR_INVALID_ARGUMENT, /* bad UUID, name, attr, JSON, start, flags */
	MANAGER_ERROR_PARENT_NOT_FOUND,
	MANAGER_ERROR_TYPE_NOT_SUPPORTED,
	MANAGER_ERROR_NO_INSTANCES, /* EUSERS from the kernel */
	MANAGER_ERROR_BUSY, /* EBUSY: in use, or attribute not writable while bound */
	MANAGER_ERROR_ACCESS_DENIED, /* used by the D-Bus layer; the manager never sets it */
	MANAGER_ERROR_KERNEL, /* any other errno from sysfs or the filesystem */
	MANAGER_ERROR_CONFLICT, /* Modify's generation is not the device's any more */
	MANAGER_ERROR_CALLOUT_REFUSED, /* an mdevctl callout script refused (or did not answer) */
	MANAGER_ERROR_NOT_RUNNING, /* the device exists but is not running */
	MANAGER_ERROR_NOT_SUPPORTED, /* no netlink answer for it: vfio mdev, family absent */
	MANAGER_ERROR_AMBIGUOUS, /* defined on several parents, and no parent named */
	_MANAGER_ERROR_MAX,
};

struct manager_error {
	enum manager_error_kind kind;
	char *message; /* owned; human, names the object; NULL when kind is NONE */
	/* Owned; NULL if none. Set on success too: what the caller must be told
	 * although the operation went ahead (a pre callout's refusal overridden by
	 * MDEVVIRTIO_DBUS_FLAG_FORCE). */
	char *warning;
};

/* Free the message and warning and reset to NONE. */
void manager_error_done(struct manager_error *e);

/* A node a bound device shows the host: ("net", "eth1"), ("block", "vda"),
 * ("chardev", "/dev/vhost-mdev-0"). */
struct managed_node {
	char *kind;
	char *name;
};

/*
 * What the kernel's mdev_virtio netlink family says of a running device on
 * our bus, kept current from its events. known is false for a stopped
 * device, a vfio mdev device, or while the family is absent (module not
 * loaded, or too old); everything else is then zero.
 */
struct managed_virtio {
	bool known;
	uint8_t status; /* the virtio status byte: VIRTIO_CONFIG_S_* bits */
	uint64_t device_features; /* offered by the device */
	uint64_t driver_features; /* negotiated by the driver (0 before FEATURES_OK) */
	uint32_t num_vqs;
	bool has_config;
	struct mdev_nl_config config; /* valid if has_config */
};

/* What a device's virtio view is while nothing is known (all zero). */
extern const struct managed_virtio managed_virtio_unknown;

/* One definition of a device's UUID: the file <parent>/<uuid> in force. */
struct managed_definition {
	const char *parent; /* the manager's pooled copies, as managed_device's */
	const char *type;
	enum definition_start start;
	struct definition_attr *attrs;
	size_t n_attrs;
};

/*
 * A device is the kernel's identity, its UUID: only one device of a UUID can
 * run, though the UUID may be defined on several parents (as in mdevctl).
 * parent, type, start and attrs come from its selected definition: while it
 * runs, the definition on the parent it runs on with the type it runs as
 * (none if there is no such file: then from sysfs and how it was started);
 * while stopped, the first of its definitions by parent name. definitions
 * lists every one, by parent name.
 */
struct managed_device {
	char uuid[UUID_STRING_LEN + 1];
	/* parent, type and class are the manager's (one pooled copy of each
	 * distinct name, shared by every device that names it), valid as long as
	 * this view is. */
	const char *parent; /* from the selected definition, else from sysfs */
	const char *type; /* likewise */
	const char *class; /* "virtio", "vhost" on our bus, NULL if unknown (vfio, not running) */
	enum definition_start start; /* MANUAL for a transient device */
	bool defined; /* a definition file is in force for its UUID (n_definitions > 0) */
	bool active; /* a device with this UUID exists in sysfs */
	enum device_state state;
	char *last_error; /* NULL if none; cleared by a successful start */
	/* The defined attributes in order; for a transient device, the ones it
	 * was started with. */
	struct definition_attr *attrs;
	size_t n_attrs;
	char *driver; /* bound driver, NULL while unbound or not running */
	struct managed_node *nodes;
	size_t n_nodes;
	/* Changes whenever parent, type, start, attrs or defined change: what a
	 * Modify with "generation" compares. Never repeats in the daemon's life. */
	uint64_t generation;
	/* Never NULL: &managed_virtio_unknown unless known (then an owned copy,
	 * so that the 136 bytes are spent only on running virtio devices). */
	const struct managed_virtio *virtio;
	struct managed_definition *definitions; /* by parent name */
	size_t n_definitions;
};

struct managed_parent {
	char *name;
	const struct mdev_bus *bus; /* NULL if only known from definitions */
	bool present; /* registered in sysfs now */
	struct mdev_type *types; /* as last read from sysfs; empty while absent */
	size_t n_types;
};

struct manager;

enum manager_object {
	MANAGER_OBJECT_DEVICE,
	MANAGER_OBJECT_PARENT,
	MANAGER_OBJECT_MANAGER, /* the manager itself (id ""): its bad definition files */
};

enum manager_change {
	MANAGER_CHANGE_ADDED, /* a new object (device UUID or parent name) exists */
	MANAGER_CHANGE_CHANGED, /* one or more of its properties changed */
	MANAGER_CHANGE_REMOVED, /* gone: neither defined nor running / parent forgotten */
};

/* Which properties of a device changed (struct managed_device's fields). */
enum device_property {
	DEVICE_PROPERTY_PARENT = 1u << 0,
	DEVICE_PROPERTY_TYPE = 1u << 1,
	DEVICE_PROPERTY_CLASS = 1u << 2,
	DEVICE_PROPERTY_START = 1u << 3,
	DEVICE_PROPERTY_DEFINED = 1u << 4,
	DEVICE_PROPERTY_ACTIVE = 1u << 5,
	DEVICE_PROPERTY_STATE = 1u << 6,
	DEVICE_PROPERTY_LAST_ERROR = 1u << 7,
	DEVICE_PROPERTY_ATTRS = 1u << 8,
	DEVICE_PROPERTY_DRIVER = 1u << 9,
	DEVICE_PROPERTY_NODES = 1u << 10,
	DEVICE_PROPERTY_GENERATION = 1u << 11,
	DEVICE_PROPERTY_STATUS = 1u << 12, /* virtio.known, virtio.status */
	DEVICE_PROPERTY_DEVICE_FEATURES = 1u << 13,
	DEVICE_PROPERTY_DRIVER_FEATURES = 1u << 14,
	DEVICE_PROPERTY_CONFIG = 1u << 15, /* virtio.has_config, virtio.config */
	DEVICE_PROPERTY_DEFINITIONS = 1u << 16,
};

/* Which properties of a parent changed (struct managed_parent's fields). */
enum parent_property {
	PARENT_PROPERTY_BUS = 1u << 0,
	PARENT_PROPERTY_PRESENT = 1u << 1,
	PARENT_PROPERTY_TYPES = 1u << 2,
};

/* Which properties of the manager changed. */
enum manager_property {
	MANAGER_PROPERTY_BAD_DEFINITIONS = 1u << 0,
};

/*
 * One change as listeners see it. Changes are collected while the model
 * moves and delivered from the event loop (a deferred source), coalesced per
 * object: a listener sees an object ADDED once, then CHANGED with the union
 * of what changed since it last heard, then REMOVED; an object added and
 * removed between two deliveries is not reported at all. When a listener is
 * called the model is in its final state for the batch (on REMOVED the object
 * is gone from the lookups, or is already a new object of the same id that a
 * following ADDED announces).
 */
struct manager_change_event {
	enum manager_object object;
	enum manager_change change;
	const char *id; /* device UUID, parent name, "" for the manager */
	unsigned properties; /* CHANGED: enum *_property bits; ADDED/REMOVED: all */
};

/*
 * A listener may read the model and call manager operations (their changes
 * are delivered in a later batch, never re-entrantly).
 */
typedef void (*manager_listener_fn)(struct manager *m, const struct manager_change_event *ev,
				    void *userdata);

int manager_new(sd_event *event, struct manager **ret);
struct manager *manager_free(struct manager *m);
static inline void manager_freep(struct manager **m)
{
	if (*m)
		manager_free(*m);
}
#define _cleanup_manager_free_ _cleanup_(manager_freep)

/* Listeners are called in the order they were added; -ENOMEM, or 0. */
int manager_add_listener(struct manager *m, manager_listener_fn fn, void *userdata);
/* Remove the listener added with @fn and @userdata (nothing if there is none). */
void manager_remove_listener(struct manager *m, manager_listener_fn fn, void *userdata);

/* Deliver what is pending now, and run the reactions queued (tests, shutdown). */
void manager_flush(struct manager *m);

/* How many known devices are defined, and how many are running. */
void manager_counts(const struct manager *m, size_t *ret_defined, size_t *ret_running);

/*
 * Load the definitions, read parents and running devices from sysfs, adopt
 * running devices (never recreate them), start `auto` definitions whose parent
 * is present and that are not running, mark the others waiting-for-parent,
 * then watch the definition directories (inotify) and udev on the event loop.
 * A missing udev (a fake root in a container) is logged and tolerated.
 */
int manager_startup(struct manager *m);

/* Lookups, from memory. Devices sorted by UUID, parents by name. */
size_t manager_n_devices(const struct manager *m);
const struct managed_device *manager_device_at(const struct manager *m, size_t i);
/* @uuid in any spelling uuid_normalize() accepts; NULL if unknown. */
const struct managed_device *manager_get_device(const struct manager *m, const char *uuid);
size_t manager_n_parents(const struct manager *m);
const struct managed_parent *manager_parent_at(const struct manager *m, size_t i);
const struct managed_parent *manager_get_parent(const struct manager *m, const char *name);
/* Definition files that were skipped, with why (from the definition store). */
const struct definition_bad_file *manager_bad_files(const struct manager *m, size_t *ret_n);

/*
 * Persist a definition in /etc/mdevvirtio.d/<parent>/<uuid>. @uuid NULL or ""
 * generates one; *@ret_uuid (may be NULL) gets the normalised UUID, owned by
 * the caller. @start "auto" or "manual". The parent need not be present; if it
 * is, @type must be one it offers (TypeNotSupported otherwise). AlreadyExists
 * if the UUID is already defined on @parent; on another parent it may be (as
 * in mdevctl: both files are kept, only one can run at a time).
 *
 * The calls below that take a @parent pick the UUID's definition on it
 * (NotFound if there is none); @parent NULL or "" means "the only one", and
 * a UUID defined on several parents is then AMBIGUOUS (mdevctl's "Multiple
 * definitions found"), except for undefine, which removes every one.
 */
/*
 * @flags of the operations below: 0, or MDEVVIRTIO_DBUS_FLAG_FORCE (mdevctl's
 * --force): a pre callout that refuses (or does not answer) is logged and
 * reported in @error->warning, and the operation goes ahead. Other bits are
 * INVALID_ARGUMENT.
 */
int manager_define_flags(struct manager *m, const char *parent, const char *uuid,
			 const char *type, const char *start, const struct definition_attr *attrs,
			 size_t n_attrs, unsigned flags, char **ret_uuid,
			 struct manager_error *error);
static inline int manager_define(struct manager *m, const char *parent, const char *uuid,
				 const char *type, const char *start,
				 const struct definition_attr *attrs, size_t n_attrs,
				 char **ret_uuid, struct manager_error *error)
{
	return manager_define_flags(m, parent, uuid, type, start, attrs, n_attrs, 0, ret_uuid,
				    error);
}
/* The same from one mdevctl JSON object (keys mdev_type, start, attrs). */
int manager_define_json_flags(struct manager *m, const char *parent, const char *uuid,
			      const char *json, unsigned flags, char **ret_uuid,
			      struct manager_error *error);
static inline int manager_define_json(struct manager *m, const char *parent, const char *uuid,
				      const char *json, char **ret_uuid,
				      struct manager_error *error)
{
	return manager_define_json_flags(m, parent, uuid, json, 0, ret_uuid, error);
}
/* Delete the definition; a running device keeps running (and stays known, transient). */
int manager_undefine_on(struct manager *m, const char *parent, const char *uuid, unsigned flags,
			struct manager_error *error);
static inline int manager_undefine(struct manager *m, const char *uuid, struct manager_error *error)
{
	return manager_undefine_on(m, NULL, uuid, 0, error);
}
/* Start a defined device: create it with its attributes. AlreadyExists if running. */
int manager_start_on(struct manager *m, const char *parent, const char *uuid, unsigned flags,
		     struct manager_error *error);
static inline int manager_start(struct manager *m, const char *uuid, struct manager_error *error)
{
	return manager_start_on(m, NULL, uuid, 0, error);
}
/* Start a device without defining it. @uuid NULL or "" generates one. */
int manager_start_transient_flags(struct manager *m, const char *parent, const char *type,
				  const char *uuid, const struct definition_attr *attrs,
				  size_t n_attrs, unsigned flags, char **ret_uuid,
				  struct manager_error *error);
static inline int manager_start_transient(struct manager *m, const char *parent,
					  const char *type, const char *uuid,
					  const struct definition_attr *attrs, size_t n_attrs,
					  char **ret_uuid, struct manager_error *error)
{
	return manager_start_transient_flags(m, parent, type, uuid, attrs, n_attrs, 0, ret_uuid,
					     error);
}
/* Remove the running device. NotFound if the UUID is unknown, or if it is
 * defined but not running (the message says "not running"). */
int manager_stop_flags(struct manager *m, const char *uuid, unsigned flags,
		       struct manager_error *error);
static inline int manager_stop(struct manager *m, const char *uuid, struct manager_error *error)
{
	return manager_stop_flags(m, uuid, 0, error);
}

/*
 * What Modify changes; NULL / -1 / false leave a field as it is. At most one
 * of set_attrs, insert_attr and delete_attr: the last two edit the list the
 * device has when the call runs, so concurrent edits never overwrite each
 * other (mdevctl's --addattr/--delattr [--index]).
 */
struct manager_changes {
	const char *type;
	int start; /* -1, or an enum definition_start */
	bool set_attrs;
	const struct definition_attr *attrs; /* replaces the whole list */
	size_t n_attrs;
	bool insert_attr;
	struct definition_attr insert; /* inserted at insert_index */
	long insert_index; /* -1: at the end */
	bool delete_attr;
	long delete_index; /* -1: the last */
	bool check_generation;
	uint64_t generation; /* refused (CONFLICT) unless the device's is still this */
};

/*
 * Modify the definition (flag DEFINED, the default when neither is given)
 * and/or the running device (flag LIVE: attributes written to sysfs; the type
 * cannot change live; our bus answers Busy while a driver is bound), FORCE as
 * above (it overrides the modify pre callout, not a live callout). With LIVE,
 * a @parent other than the one the device runs on is NotFound.
 */
int manager_modify_on(struct manager *m, const char *parent, const char *uuid,
		      const struct manager_changes *changes, unsigned flags,
		      struct manager_error *error);
static inline int manager_modify(struct manager *m, const char *uuid,
				 const struct manager_changes *changes, unsigned flags,
				 struct manager_error *error)
{
	return manager_modify_on(m, NULL, uuid, changes, flags, error);
}
/* Re-read every definition directory now (what inotify does, all at once). */
int manager_reload(struct manager *m, struct manager_error *error);

/*
 * The virtqueue counters of running device @uuid, asked of the kernel now
 * (*ret freed with free()). NOT_FOUND for an unknown UUID, NOT_RUNNING for a
 * stopped device, NOT_SUPPORTED where the kernel's family cannot answer (a
 * vfio mdev device, the module absent or too old), KERNEL otherwise.
 */
int manager_device_statistics(struct manager *m, const char *uuid, struct mdev_nl_stats **ret,
			      struct manager_error *error);
/* Reset those counters to zero; the same errors. */
int manager_device_clear_statistics(struct manager *m, const char *uuid,
				    struct manager_error *error);
