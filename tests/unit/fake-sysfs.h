/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fake sysfs for unit tests: the directory, file and symlink layout of the
 * mdev-style buses (DESIGN.md §1, vfio-mediated-device.rst) under a temporary
 * root that is installed with root_set(). Links are relative, as the kernel
 * makes them, so code that canonicalises paths sees the real shape:
 *   /sys/class/<bus>_bus/<parent>     -> ../../devices/.../<parent>
 *   /sys/bus/<bus>/devices/<uuid>     -> ../../../devices/.../<parent>/<uuid>
 *   <parent>/<uuid>/mdev_type         -> ../mdev_supported_types/<type>
 * Regular files stand in for attributes, so a "store" is just file content.
 *
 * Every helper asserts (Check) on failure, so tests stay linear. Paths given
 * to the helpers are sysfs paths ("/sys/..."), relative to the fake root.
 */
#pragma once

#include <stdbool.h>

/* A fresh root with nothing in it, installed as the root; free with fake_sysfs_free(). */
char *fake_sysfs_new(void);
/* Delete the tree and reset the root to "/". */
void fake_sysfs_free(char *root);

/* /sys/bus/<bus>/{devices,drivers}/, drivers_autoprobe ("1\n"), drivers_probe, and
 * /sys/class/<bus>_bus/. */
void fake_bus_add(const char *bus);
/* A parent device at @devpath (e.g. "/sys/devices/pci0000:00/0000:00:02.0") linked into
 * the bus's class; with @registered, an empty mdev_supported_types/. */
void fake_parent_add(const char *bus, const char *devpath, bool registered);

/* One type of a parent; NULL strings and negative numbers leave that file out. */
struct fake_type {
	const char *id;
	const char *name;
	const char *description;
	const char *device_api;
	int available_instances;
	int virtio_device_id;
};
void fake_type_add(const char *bus, const char *parent, const struct fake_type *t);

/*
 * The device directory <parent>/<uuid> with "remove", the mdev_type link, an
 * optional "class" file, an optional "driver" link, and empty files for the
 * NULL-terminated @attrs. With @linked, also /sys/bus/<bus>/devices/<uuid> and
 * the type's devices/<uuid>: a running device. Without, only what a test needs
 * to watch a create write into a directory the kernel would have made.
 */
void fake_device_add(const char *bus, const char *parent, const char *type, const char *uuid,
		     const char *class, const char *driver, const char *const *attrs, bool linked);

/* Create or replace a file / a FIFO / a relative symlink at @path (parents must exist). */
void fake_file_write(const char *path, const char *content);
void fake_fifo_add(const char *path);
void fake_symlink(const char *path, const char *target);
void fake_mkdir(const char *path);
void fake_unlink(const char *path);
/* The content of @path, or NULL if it does not exist. The caller frees it. */
char *fake_file_read(const char *path);
/* The logical ("/sys/...") path of the parent called @parent on @bus. The caller frees it. */
char *fake_parent_path(const char *bus, const char *parent);
