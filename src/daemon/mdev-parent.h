/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Parents of mediated devices on every bus of the table, and the types they
 * offer (<class_dir>/<parent>/mdev_supported_types/<type-id>/...).
 *
 * A snapshot: the structs own copies of what sysfs said when they were read;
 * nothing is cached here. Unlike mdevctl's `types`, one unreadable file never
 * fails a listing: a type that lacks a mandatory file is still returned, with
 * its own error; a parent without mdev_supported_types is returned with no
 * types and an error. Only failures to list the buses at all (or no memory)
 * fail the call.
 */
#pragma once

#include "mdev-bus.h"

struct mdev_type {
	char *id; /* directory name, e.g. "mvsim-virtio_net" */
	char *name; /* NULL if the type has no "name" */
	char *description; /* NULL if the type has no "description" */
	char *device_api; /* "virtio", "vhost", "vfio-pci", ...; NULL if unreadable */
	int available_instances; /* -1 if unreadable */
	int virtio_device_id; /* -1 if absent (vfio types have none) */
	int error; /* 0, or the first failure reading this type */
	char *error_message; /* says which file of which type on which parent */
};

struct mdev_parent {
	char *name; /* sysfs name, e.g. "mvsim", "0000:00:02.0" */
	const struct mdev_bus *bus;
	struct mdev_type *types; /* sorted by id */
	size_t n_types;
	int error; /* 0, or why the types could not be listed */
	char *error_message;
};

/* Every parent of every bus, sorted by bus (table order) then name. */
int mdev_parent_list(struct mdev_parent **ret, size_t *ret_n, char **ret_error);
/* One parent, e.g. on a uevent. -ENODEV if @name is not a parent on @bus. */
int mdev_parent_read(const struct mdev_bus *bus, const char *name, struct mdev_parent *ret,
		     char **ret_error);
/*
 * Re-read only available_instances of each type of @p (as mdev_parent_read()
 * left it), in place: what a create or a remove moves. 1 if a count moved
 * (*@ret_freed: one rose), 0 if none did; -ENOMEM; -ESTALE if a type of @p
 * had failed to read, or the error of one that cannot be read now: then
 * read the whole parent again.
 */
int mdev_parent_reread_instances(struct mdev_parent *p, bool *ret_freed);
/* Free what @p owns (not @p itself); @p is left zeroed. */
void mdev_parent_done(struct mdev_parent *p);
/* Free an array from mdev_parent_list(); returns NULL. */
struct mdev_parent *mdev_parent_array_free(struct mdev_parent *a, size_t n);
/* The type @id of @p, or NULL. */
const struct mdev_type *mdev_parent_find_type(const struct mdev_parent *p, const char *id);

/* Whether @name is a parent (registered or not) on any bus's class directory now. */
bool mdev_parent_exists(const char *name);

/*
 * Where a device of @type can be created on @parent: the first bus on which
 * @parent exists and offers @type. Failures, with *@ret_reason (if non-NULL;
 * NULL-initialised by the caller) set to mdevctl's own sentence for it, which
 * names the parent and type, or left NULL when the errno says it all:
 *   -ENODEV      no such parent ("Unable to find parent device '<P>'", with
 *                mdevctl's case-insensitive ". Did you mean '<p>'?" hint) or
 *                parent not registered ("Parent <p> is not currently
 *                registered for mdev support");
 *   -EOPNOTSUPP  the parent has no such type ("Parent <p> does not support
 *                mdev type <t>");
 *   -EUSERS      available_instances is 0.
 * An unreadable available_instances is not a failure: the kernel decides.
 */
int mdev_parent_locate(const char *parent, const char *type, const struct mdev_bus **ret_bus,
		       char **ret_reason);
