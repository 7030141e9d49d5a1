/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What is on disk across the three layer directories, without any state:
 * which parent directories and file names exist, and what one
 * <parent>/<name> resolves to. Internal to the definition store, which keeps
 * the results. Problems are collected as bad files, never returned as errors;
 * only -ENOMEM (and invalid arguments) fail these functions.
 */
#pragma once

#include <dirent.h>
#include <stdint.h>

#include "definition-store.h"

/* A growable list of bad files; the store keeps one, resolving fills others. */
struct definition_bad_list {
	struct definition_bad_file *v;
	size_t n;
};

/* A growable list of names (parent directories or file names). */
struct definition_names {
	char **v;
	size_t n;
};

void definition_bad_file_done(struct definition_bad_file *b);
void definition_bad_list_clear(struct definition_bad_list *l);
/* Append a bad file; @reason NULL means strerror(-@error). */
int definition_bad_list_add(struct definition_bad_list *l, enum definition_layer layer,
			    const char *parent, const char *name, int error, const char *reason);

void definition_names_clear(struct definition_names *ns);
int definition_names_add(struct definition_names *ns, const char *s);
void definition_names_sort_uniq(struct definition_names *ns);

/* A name the store looks at: not empty, not hidden (editor and temp files), not a path. */
bool definition_name_is_visible(const char *s);

/* Add the parent directory names of all layers to @parents (sorted, unique). */
int definition_layers_list_parents(struct definition_names *parents,
				   struct definition_bad_list *bad);
/* Add the file names under @parent in all layers to @ns (unsorted). */
int definition_layers_list_names(const char *parent, struct definition_names *ns,
				 struct definition_bad_list *bad);
/*
 * Resolve <parent>/<name> over the layers: *ret_def is the winning definition
 * and *ret_layer its layer, or *ret_def is NULL (absent, masked or bad).
 */
int definition_layers_resolve(const char *parent, const char *name, struct definition_bad_list *bad,
			      struct definition **ret_def, enum definition_layer *ret_layer);

/*
 * One parent's file names over all layers as a full load reads them: each
 * visible name once, sorted, with the layers whose listing had it and what
 * the listing said it was there (d_type); the layer directories stay open so
 * that resolving reads the files relative to them. What a listing cannot
 * see (a file created after it) the watch reports, as with any change.
 */
struct definition_seen {
	uint32_t name; /* offset in the listing's pool */
	uint8_t layers; /* bit 1 << layer: listed in that layer */
	uint8_t types[_DEFINITION_LAYER_MAX]; /* d_type in each listed layer */
};

struct definition_listing {
	DIR *dirs[_DEFINITION_LAYER_MAX]; /* NULL: missing or unusable */
	struct definition_seen *v;
	size_t n, v_size;
	char *pool; /* the names, NUL-terminated */
	size_t pool_size, pool_used;
};

static inline const char *definition_listing_name(const struct definition_listing *l,
						  const struct definition_seen *e)
{
	return l->pool + e->name;
}

void definition_listing_done(struct definition_listing *l);
/* List @parent in every layer into @l (problems with its directories go to @bad). */
int definition_layers_list(const char *parent, struct definition_listing *l,
			   struct definition_bad_list *bad);
/* definition_layers_resolve() for a name of @l: only the layers that listed it are read. */
int definition_layers_resolve_seen(const char *parent, const struct definition_listing *l,
				   const struct definition_seen *e, struct definition_bad_list *bad,
				   struct definition **ret_def, enum definition_layer *ret_layer);
