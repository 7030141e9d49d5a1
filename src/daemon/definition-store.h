/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The definition store: every definition file of the three layered
 * directories, resolved into one in-memory index.
 *
 *   /usr/lib/mdevvirtio.d  <  /etc/mdevvirtio.d  <  /run/mdevvirtio.d
 *
 * (all below root_get()), each holding <parent>/<uuid> files. For one
 * <parent>/<uuid> the highest layer that has a file wins:
 *   - a definition file: that is the definition (lower layers are not read);
 *   - a symlink to /dev/null (or the /dev/null device): masked, no definition;
 *   - a bad file (unreadable, too large, invalid): no definition, and the file
 *     is listed as bad. Lower layers are not used as a fallback, so a broken
 *     admin edit never silently revives a vendor definition.
 * Names starting with '.' (hidden, editor and our own temporary files) are
 * ignored. A parent directory whose name fails name_is_valid(), or a file
 * whose name is not a normalised UUID, is listed as bad and skipped; nothing
 * bad ever hides another <parent>/<uuid>.
 *
 * The index is sorted by (uuid, parent); the same uuid may be defined under
 * several parents. Entry and bad-file pointers stay valid until the next call
 * that changes the store (load, reload, save, remove, or a watch event).
 *
 * Every call that changes the store takes a handler (may be NULL) and
 * reports each difference it made, after the store is updated: definitions
 * added, changed or removed, and bad files appearing or going away. So a
 * file dropped in by hand and a definition saved over D-Bus reach the caller
 * the same way. A handler may read the store but must not change it.
 *
 * Writes are atomic and durable: a temporary ".#<uuid>.<random>" file in the
 * same directory, fsync, rename over <uuid>, fsync of the directory. Parent
 * directories are created (0755), files are 0644.
 */
#pragma once

#include <systemd/sd-event.h>

#include "definition.h"

enum definition_layer {
	DEFINITION_LAYER_VENDOR, /* /usr/lib/mdevvirtio.d, read-only */
	DEFINITION_LAYER_ADMIN, /* /etc/mdevvirtio.d, persistent writes */
	DEFINITION_LAYER_RUNTIME, /* /run/mdevvirtio.d, gone at reboot */
	_DEFINITION_LAYER_MAX,
};

/* The layer's directory without the root, e.g. "/etc/mdevvirtio.d". */
const char *definition_layer_dir(enum definition_layer layer);
/* Allocate <root><layer dir>[/<parent>[/<name>]] (@parent, @name may be NULL). */
int definition_layer_path(enum definition_layer layer, const char *parent, const char *name,
			  char **ret);

struct definition_entry {
	struct definition *def;
	enum definition_layer layer; /* where the winning file lives */
};

struct definition_bad_file {
	enum definition_layer layer;
	char *parent; /* NULL: the layer directory itself */
	char *name; /* NULL: the parent directory itself */
	char *path; /* full path, raw bytes from the file system */
	char *reason; /* printable ASCII, e.g. "\"start\" must be ..." */
	int error; /* negative errno */
};

enum definition_change {
	DEFINITION_ADDED,
	DEFINITION_CHANGED, /* content or layer changed */
	DEFINITION_REMOVED,
	DEFINITION_BAD_ADDED, /* a file is newly bad (or bad for a new reason) */
	DEFINITION_BAD_REMOVED, /* a bad file was fixed or went away */
};

struct definition_event {
	enum definition_change change;
	const char *parent, *uuid; /* for ADDED, CHANGED, REMOVED */
	const struct definition_bad_file *bad; /* for BAD_*; valid during the call */
};

struct definition_store;
typedef void (*definition_change_fn)(struct definition_store *s,
				     const struct definition_event *event, void *userdata);

int definition_store_new(struct definition_store **ret);
struct definition_store *definition_store_free(struct definition_store *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct definition_store *, definition_store_free)
#define _cleanup_definition_store_free_ _cleanup_(definition_store_freep)

/*
 * (Re)read all three layers and report every difference to the previous
 * index (so the first load reports every definition as added). Bad files do
 * not fail the load; only -ENOMEM does (the store is then unchanged).
 * @fn may be NULL.
 */
int definition_store_load(struct definition_store *s, definition_change_fn fn, void *userdata);
/* Re-read <parent>/<name> in every layer (inotify: one file changed). */
int definition_store_reload_one(struct definition_store *s, const char *parent, const char *name,
				definition_change_fn fn, void *userdata);
/* Re-read everything under <parent> (a parent directory appeared or went away). */
int definition_store_reload_parent(struct definition_store *s, const char *parent,
				   definition_change_fn fn, void *userdata);

const struct definition_entry *definition_store_entries(const struct definition_store *s,
							size_t *ret_n);
/* The effective definition of @parent/@uuid (normalised uuid), or NULL. */
const struct definition_entry *definition_store_get(const struct definition_store *s,
						    const char *parent, const char *uuid);
/* All definitions of @uuid (any parent): a pointer to the first and their number. */
size_t definition_store_find_uuid(const struct definition_store *s, const char *uuid,
				  const struct definition_entry **ret_first);
const struct definition_bad_file *definition_store_bad_files(const struct definition_store *s,
							     size_t *ret_n);

/*
 * Write @d to <layer>/<parent>/<uuid> atomically and durably (layer ADMIN or
 * RUNTIME; -EROFS for VENDOR). A definition saved to ADMIN stays overridden
 * by a RUNTIME file of the same name: check definition_store_get() afterwards.
 */
int definition_store_save(struct definition_store *s, const struct definition *d,
			  enum definition_layer layer, definition_change_fn fn, void *userdata);
/*
 * Make @parent/@uuid undefined: unlink it from RUNTIME and ADMIN (fsyncing the
 * directories) and, if VENDOR has it, mask it with a /dev/null symlink in
 * ADMIN. Works on bad files too. -ENOENT if there is nothing to remove.
 */
int definition_store_remove(struct definition_store *s, const char *parent, const char *uuid,
			    definition_change_fn fn, void *userdata);

/*
 * Start-up: remove the ".#<uuid>.<random>" temporary files that writes
 * interrupted by a crash or power loss left in the writable layers (ADMIN,
 * RUNTIME), as definition_dir_remove_temp() (definition-file.h) does: only
 * names of exactly that form, only directly in <layer>/<parent>/, never
 * through a symlink. Each removal (error 0) or failure to remove (negative
 * errno) is reported to @fn (may be NULL). Call it before the daemon writes
 * anything (a write in flight has such a file too). Returns the number of
 * files removed, or -ENOMEM.
 */
typedef void (*definition_temp_fn)(const char *path, int error, void *userdata);
int definition_store_remove_temp(definition_temp_fn fn, void *userdata);

/*
 * Watch the three layer directories and their parent subdirectories with
 * inotify on @e (missing ADMIN and RUNTIME roots are created; a missing VENDOR
 * root is not watched). Each event re-reads what changed and reports the
 * differences to @fn; on queue overflow or a removed layer directory the
 * whole store is reloaded. A directory that is there but unusable (a symlink
 * loop, not a directory, no access) is not watched and never fails the watch:
 * the store lists it as bad, and the rest of the tree is watched as usual.
 * Call it before the first definition_store_load(), so nothing that changes
 * in between is missed. A layer root created later
 * (VENDOR) or removed and re-created is only picked up by the next load. The
 * watch lives until definition_store_free(). -EBUSY if already watching.
 */
int definition_store_watch(struct definition_store *s, sd_event *e, definition_change_fn fn,
			   void *userdata);
