/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The bytes mdevctl (serde_json's to_string_pretty) writes, for the CLI and
 * the daemon alike, so that the daemon's pre-rendered listing and the CLI's
 * own printers cannot drift apart: strings with only '"', '\\' and control
 * characters escaped, a newline and two spaces per nesting level, ": " after
 * a key, [] and {} for empty containers, no newline at the end.
 *
 * Two shapes are built here from plain strings (no JSON library):
 *   - a device's config object {"mdev_type", "start", "attrs": [{name: value}]},
 *     written in three calls (begin, one per attribute, end) so that callers
 *     keep their own attribute types;
 *   - the listing [ { parent: [ { uuid: config }, ... ], ... } ] that
 *     `mdevctl list [--defined] --dumpjson` prints, streamed entry by entry
 *     with struct mdevctl_json_list: entries must come sorted by parent (and,
 *     for mdevctl's order, by UUID within a parent); no entry at all is "[]".
 *
 * Nothing here allocates or fails: errors are the FILE's (ferror, fclose).
 * Strings are borrowed for the call; a list borrows the previous entry's
 * parent until the next entry or mdevctl_json_list_end().
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* @s as a JSON string, quotes included. */
void mdevctl_json_write_string(FILE *f, const char *s);
/* @key as a JSON string and ": ". */
void mdevctl_json_write_key(FILE *f, const char *key);
/* A newline and @depth levels of indentation. */
void mdevctl_json_newline_indent(FILE *f, unsigned depth);

/*
 * The config object at nesting @depth: begin writes up to the attrs array's
 * "[", attr the @index'th attribute's {name: value}, end closes both
 * (@n_attrs as given to begin: 0 gives "[]").
 */
void mdevctl_json_config_begin(FILE *f, const char *type, const char *start, unsigned depth);
void mdevctl_json_config_attr(FILE *f, size_t index, const char *name, const char *value,
			      unsigned depth);
void mdevctl_json_config_end(FILE *f, size_t n_attrs, unsigned depth);

/* The listing; zero-initialise with MDEVCTL_JSON_LIST_INIT(f). */
struct mdevctl_json_list {
	FILE *f;
	const char *parent; /* of the last entry; NULL before the first */
};
#define MDEVCTL_JSON_LIST_INIT(file) ((struct mdevctl_json_list){.f = (file)})

/* Open the entry of @uuid on @parent: what precedes its config object. */
void mdevctl_json_list_entry_begin(struct mdevctl_json_list *l, const char *parent,
				   const char *uuid);
/* The config object of the open entry is at this depth. */
#define MDEVCTL_JSON_LIST_CONFIG_DEPTH 4
/* Close the entry, after its config object. */
void mdevctl_json_list_entry_end(struct mdevctl_json_list *l);
/* Close the listing ("[]" if it had no entry). */
void mdevctl_json_list_end(struct mdevctl_json_list *l);
