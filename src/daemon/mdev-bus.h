/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The table of mdev-style buses the daemon manages, and the few sysfs
 * primitives the parent and device modules share.
 *
 * Every bus has the same user-visible shape (DESIGN.md §1): parents are links
 * in a class directory, devices are links named by UUID in the bus's devices
 * directory. The table is static and const; callers hold plain pointers into
 * it for the life of the process.
 *
 * All paths given to this module are absolute sysfs paths ("/sys/...") and go
 * through root_path(), so tests run against a fake tree. Errors are negative
 * errnos; functions that can fail for a user-visible reason also produce a
 * message for the caller to log or return over D-Bus (see mdev_error()).
 */
#pragma once

#include <stdint.h>

#include "macro.h"

struct mdev_bus {
	const char *name; /* "mdev_virtio", "mdev" */
	const char *class_dir; /* parents: <class_dir>/<parent> -> parent device */
	const char *bus_dir; /* devices: <bus_dir>/devices/<uuid> -> <parent>/<uuid> */
	bool configure_before_bind; /* drivers_autoprobe/drivers_probe honoured for config */
};

/* The biggest value one sysfs read or store() can carry (PAGE_SIZE - 1). */
#define MDEV_SYSFS_VALUE_MAX 4095

/* The @i-th bus of the table, NULL past the end. */
const struct mdev_bus *mdev_bus_get(size_t i);
/* The bus called @name ("mdev_virtio", "mdev"), or NULL. */
const struct mdev_bus *mdev_bus_from_name(const char *name);

/*
 * Read a sysfs attribute (at most MDEV_SYSFS_VALUE_MAX bytes) into a new
 * string, one trailing newline removed. -ENOENT if it does not exist.
 */
int mdev_sysfs_read(const char *path, char **ret);
/*
 * Write @value verbatim (no newline added) in one store. The file must exist
 * and must not be a symlink: a name can never make us create a file or
 * write through a link such as "driver" or "subsystem".
 */
int mdev_sysfs_write(const char *path, const char *value);
/* 1 if @path exists (links not followed), 0 if not, negative errno on error. */
int mdev_sysfs_exists(const char *path);
/*
 * The sequence number of the kernel's last uevent (/sys/kernel/uevent_seqnum).
 * A device added or bound before it was read shows so in what is read after:
 * the kernel changes sysfs first and then numbers and sends the event.
 */
int mdev_uevent_seqnum(uint64_t *ret);
/* Parse a decimal in 0..INT_MAX as sysfs prints it. -EINVAL otherwise. */
int mdev_sysfs_parse_uint(const char *s, int *ret);

/*
 * Sorted entry names of directory @path (under the root), "." and ".."
 * dropped; -ENOENT if it does not exist. Free with strv_free().
 */
int mdev_sysfs_list_dir(const char *path, char ***ret);
/* The same, only the entries that are directories themselves (not links to one). */
int mdev_sysfs_list_subdirs(const char *path, char ***ret);

/* Clear wording for errnos the kernel returns from mdev-style stores. */
const char *mdev_errno_describe(int err);

/*
 * Format "<what>: <wording> (<ERRNO NAME>)" into *@ret_error (if @ret_error is
 * non-NULL and memory allows) and return -abs(err). *@ret_error must be NULL or
 * a malloc'd message, which is then replaced: callers initialise it to NULL.
 * Used as: return mdev_error(ret_error, r, "Failed to remove device %s", uuid);
 */
int mdev_error(char **ret_error, int err, const char *format, ...) _printf_(3, 4);
