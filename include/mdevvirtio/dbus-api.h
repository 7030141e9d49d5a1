/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The org.mdevvirtio1 D-Bus contract, shared by mdevvirtiod (which serves it)
 * and mdevvirtioctl (which calls it): bus name, object paths, interfaces,
 * error names, Modify's change keys and flags, and the record ListDevices
 * returns. Defined here and nowhere else; man/org.mdevvirtio1.5 describes
 * each, src/daemon/org.mdevvirtio1.xml is checked against the live daemon.
 */
#pragma once

#define MDEVVIRTIO_DBUS_NAME "org.mdevvirtio1"
#define MDEVVIRTIO_DBUS_ROOT_PATH "/org/mdevvirtio1"
#define MDEVVIRTIO_DBUS_DEVICES_PATH MDEVVIRTIO_DBUS_ROOT_PATH "/devices"
#define MDEVVIRTIO_DBUS_PARENTS_PATH MDEVVIRTIO_DBUS_ROOT_PATH "/parents"
/*
 * The same objects served directly to root (no bus daemon, no signals), on a
 * Unix socket at this path under the root (mdevvirtiod(8), PRIVATE SOCKET).
 */
#define MDEVVIRTIO_PRIVATE_SOCKET "/run/mdevvirtio/private"

#define MDEVVIRTIO_DBUS_MANAGER_INTERFACE "org.mdevvirtio1.Manager"
#define MDEVVIRTIO_DBUS_DEVICE_INTERFACE "org.mdevvirtio1.Device"
#define MDEVVIRTIO_DBUS_PARENT_INTERFACE "org.mdevvirtio1.Parent"

/* Named errors; each message names the object it is about. */
#define MDEVVIRTIO_DBUS_ERROR_NOT_FOUND "org.mdevvirtio1.Error.NotFound"
#define MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS "org.mdevvirtio1.Error.AlreadyExists"
#define MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT "org.mdevvirtio1.Error.InvalidArgument"
#define MDEVVIRTIO_DBUS_ERROR_PARENT_NOT_FOUND "org.mdevvirtio1.Error.ParentNotFound"
#define MDEVVIRTIO_DBUS_ERROR_TYPE_NOT_SUPPORTED "org.mdevvirtio1.Error.TypeNotSupported"
#define MDEVVIRTIO_DBUS_ERROR_NO_INSTANCES "org.mdevvirtio1.Error.NoInstances"
#define MDEVVIRTIO_DBUS_ERROR_BUSY "org.mdevvirtio1.Error.Busy"
#define MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED "org.mdevvirtio1.Error.AccessDenied"
#define MDEVVIRTIO_DBUS_ERROR_KERNEL "org.mdevvirtio1.Error.Kernel"
/* Modify's "generation" is not the device's Generation any more. */
#define MDEVVIRTIO_DBUS_ERROR_CONFLICT "org.mdevvirtio1.Error.Conflict"
/* An mdevctl callout script refused the action, or did not answer in time;
 * the message names the script and carries what it printed on stderr. */
#define MDEVVIRTIO_DBUS_ERROR_CALLOUT_REFUSED "org.mdevvirtio1.Error.CalloutRefused"
/* The device is known but not running (GetStatistics, ClearStatistics). */
#define MDEVVIRTIO_DBUS_ERROR_NOT_RUNNING "org.mdevvirtio1.Error.NotRunning"
/* The kernel cannot say: a vfio mdev device, or mdev_virtio's netlink family absent. */
#define MDEVVIRTIO_DBUS_ERROR_NOT_SUPPORTED "org.mdevvirtio1.Error.NotSupported"
/* The UUID is defined on several parents and the call named none (the
 * *OnParent methods name one); the message lists them. */
#define MDEVVIRTIO_DBUS_ERROR_AMBIGUOUS "org.mdevvirtio1.Error.Ambiguous"

/* Modify's flags: the running device, the definition (neither means DEFINED). */
#define MDEVVIRTIO_DBUS_MODIFY_LIVE 1u
#define MDEVVIRTIO_DBUS_MODIFY_DEFINED 2u
/* In every flags argument of the changing methods (Modify's too): mdevctl's
 * --force, a refusing pre callout only warns; the call returns the warning. */
#define MDEVVIRTIO_DBUS_FLAG_FORCE 4u

/* Modify's change keys (a{sv}). */
#define MDEVVIRTIO_DBUS_CHANGE_TYPE "type"               /* s */
#define MDEVVIRTIO_DBUS_CHANGE_START "start"             /* s: "auto" or "manual" */
#define MDEVVIRTIO_DBUS_CHANGE_ATTRS "attrs"             /* a(ss): the whole list */
#define MDEVVIRTIO_DBUS_CHANGE_ATTR_INSERT "attr-insert" /* (iss): index (-1: end), name, value */
#define MDEVVIRTIO_DBUS_CHANGE_ATTR_DELETE "attr-delete" /* i: index (-1: the last) */
#define MDEVVIRTIO_DBUS_CHANGE_GENERATION "generation"   /* t: only if still this */

/* Device.Definitions: (parent, type, start, attrs) per definition, by parent. */
#define MDEVVIRTIO_DBUS_DEFINITION "(sssa(ss))"

/*
 * Manager.ListDevices(u flags) -> a(sssssbbssa(ss)sa(ss)ta(sssa(ss))): every
 * device the daemon knows, sorted by UUID, each the Device properties in this
 * order: Uuid, Parent, Type, Class, Start, Defined, Active, State, LastError,
 * Attrs, Driver, Nodes, Generation, Definitions. With LIST_ACTIVE only the
 * running devices (Active true: what `list` without --defined prints); any
 * other flag bit is refused (InvalidArgument).
 */
#define MDEVVIRTIO_DBUS_LIST_ACTIVE 2u
#define MDEVVIRTIO_DBUS_DEVICE_RECORD "(sssssbbssa(ss)sa(ss)ta" MDEVVIRTIO_DBUS_DEFINITION ")"

/* Parent.Types: (id, name, description, available instances, device api) per type. */
#define MDEVVIRTIO_DBUS_PARENT_TYPE "(sssus)"
/*
 * Manager.ListParents(u flags) -> a(ssba(sssus)): every parent the daemon
 * knows, sorted by name, each the Parent properties in this order: Name,
 * Bus, Present, Types (what `types` needs, in one call). flags must be 0:
 * any bit is refused (InvalidArgument).
 */
#define MDEVVIRTIO_DBUS_PARENT_RECORD "(ssba" MDEVVIRTIO_DBUS_PARENT_TYPE ")"

/*
 * Manager.ListJSON(u flags) -> (ay json, a(ss) bad_definitions): the bytes
 * `mdevctl list --dumpjson` prints for every running device, or with
 * LIST_DEFINED those of `mdevctl list --defined --dumpjson` for every
 * definition (UTF-8, no NUL, no newline at the end), and the BadDefinitions
 * property. Any other flag bit is refused (InvalidArgument).
 * Manager.ListJSONByFileDescriptor(u flags) -> (h json, a(ss)
 * bad_definitions): the same document as a read-only descriptor of a memfd
 * sealed against writing, shrinking and growing (size: fstat), the flags and
 * errors the same.
 */
#define MDEVVIRTIO_DBUS_LIST_DEFINED 1u
