/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One device definition: what mdevctl keeps in /etc/mdevctl.d/<parent>/<uuid>,
 * with mdevctl's semantics (attributes are an ordered list; a name may repeat
 * and the order is the order they are written to sysfs).
 *
 * Every constructor validates with explicit limits, so a struct definition in
 * memory is always valid: names pass name_is_valid(), the uuid is normalised,
 * values fit the limits. Mutators refuse what the constructors refuse.
 *
 * Errors are a negative errno plus, when @ret_error is not NULL, a human
 * message naming the bad key or value (for D-Bus replies and logs). Messages
 * are plain ASCII: user strings in them are truncated and non-printable bytes
 * replaced. @ret_error is set only on failure; other ret_* are set only on
 * success. The errnos:
 *   -EINVAL   malformed JSON, wrong type, missing/unknown key, bad name or value
 *   -EFBIG    JSON document larger than DEFINITION_JSON_SIZE_MAX
 *   -E2BIG    more than DEFINITION_ATTRS_MAX attributes, a value too long, or
 *             attributes that would make the file larger than
 *             DEFINITION_JSON_SIZE_MAX (what is accepted always loads again)
 *   -ENAMETOOLONG  a parent, type or attribute name over its NAME_MAX_* limit
 *   -ERANGE   attribute index out of range (insert/remove)
 *   -ENOMEM
 *
 * Ownership: a definition owns all its strings; definition_free() frees all.
 */
#pragma once

#include <stddef.h>

#include "attr.h"
#include "macro.h"
#include "uuid-util.h"

#define DEFINITION_JSON_SIZE_MAX (64 * 1024)
#define DEFINITION_ATTRS_MAX 128
#define DEFINITION_VALUE_MAX 4096
/* Object > attrs array > attr object > value, with room for typed errors below that. */
#define DEFINITION_JSON_DEPTH_MAX 8

enum definition_start {
	DEFINITION_START_MANUAL,
	DEFINITION_START_AUTO,
};

struct definition {
	char *parent;
	char uuid[UUID_STRING_LEN + 1];
	char *mdev_type;
	enum definition_start start;
	struct definition_attr *attrs;
	size_t n_attrs;
};

/* "auto" / "manual" and back; from_string returns -EINVAL for anything else. */
const char *definition_start_to_string(enum definition_start start);
int definition_start_from_string(const char *s, enum definition_start *ret);

/*
 * A new definition without attributes. @uuid may be in any spelling
 * uuid_normalize() accepts; it is stored normalised.
 */
int definition_new(const char *parent, const char *uuid, const char *mdev_type,
		   enum definition_start start, struct definition **ret, char **ret_error);
struct definition *definition_free(struct definition *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct definition *, definition_free)
#define _cleanup_definition_free_ _cleanup_(definition_freep)

int definition_dup(const struct definition *d, struct definition **ret);
/* Same parent, uuid, type, start and attribute list (order included). */
bool definition_equal(const struct definition *a, const struct definition *b);

/* Change the type or start mode, validated like definition_new(). */
int definition_set_type(struct definition *d, const char *mdev_type, char **ret_error);
/* Insert at @index (0..n_attrs; n_attrs appends), like mdevctl modify --addattr --index. */
int definition_attr_insert(struct definition *d, size_t index, const char *name, const char *value,
			   char **ret_error);
int definition_attr_append(struct definition *d, const char *name, const char *value,
			   char **ret_error);
/* Remove the attribute at @index, like mdevctl modify --delattr --index. */
int definition_attr_remove(struct definition *d, size_t index, char **ret_error);

/*
 * Parse mdevctl's JSON object ({"mdev_type", "start", "attrs"}) of @size bytes
 * (no NUL needed) for @parent/@uuid. Strict: "mdev_type" and "start" are
 * required strings, "start" is "auto" or "manual", "attrs" is absent, null or
 * an array of one-key objects with string values, and any other top-level key
 * is an error (mdevctl would drop it silently on the next rewrite).
 */
int definition_from_json(const char *parent, const char *uuid, const char *json, size_t size,
			 struct definition **ret, char **ret_error);

/*
 * Serialise exactly as mdevctl master writes a config file (serde_json's
 * to_string_pretty): 2-space indent, keys mdev_type, start, attrs, "[]" for no
 * attributes, no trailing newline. @ret is NUL-terminated; @ret_size excludes
 * the NUL and may be NULL.
 */
int definition_to_json(const struct definition *d, char **ret, size_t *ret_size);
