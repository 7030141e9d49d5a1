/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JSON the way mdevctl (serde_json) writes it, over json-c objects: pretty
 * (2-space indent, "key": value, [] and {} for empty containers, keys in
 * insertion order, only '"', '\\' and control characters escaped) or compact;
 * the bytes themselves come from the shared writer (mdevctl-json.h).
 * Plus mdevctl's per-device config object {mdev_type, start, attrs} in both
 * directions, with mdevctl's rules and explicit size limits.
 */
#pragma once

#include <json-c/json.h>

#include "cli-model.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct json_object *, json_object_put)
#define _cleanup_json_put_ _cleanup_(json_object_putp)

#define CLI_JSONFILE_MAX (1024 * 1024)
#define CLI_ATTRS_MAX 1024

/* Append @o to @f: pretty, or compact on one line. No trailing newline. */
void cli_json_write(FILE *f, struct json_object *o, bool pretty);
/* Same into a new string. */
int cli_json_to_string(struct json_object *o, bool pretty, char **ret);

/* {"mdev_type": type, "start": start, "attrs": [{name: value}, ...]}; NULL on OOM.
 * (Streamed, without json-c, by mdevctl-json.h: the same bytes.) */
struct json_object *cli_json_config_new(const char *type, const char *start,
					const struct cli_attr *attrs, size_t n_attrs);

struct cli_config {
	char *type;
	char *start; /* "auto", or "manual" for anything else, as mdevctl */
	struct cli_attr *attrs;
	size_t n_attrs;
};
void cli_config_done(struct cli_config *c);

/* Parse one mdevctl config object. -EINVAL with *ret_error (allocated) saying why. */
int cli_config_parse(const char *text, struct cli_config *ret, char **ret_error);

/* Read a whole file (or /dev/stdin) of at most CLI_JSONFILE_MAX bytes; -EFBIG if larger. */
int cli_read_file(const char *path, char **ret);
