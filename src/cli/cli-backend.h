/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the verbs need from the daemon, as a table of operations: the D-Bus
 * client (cli-dbus.c) implements it for real, the golden-file tests with a
 * fixture that records each call. Every operation returns 0 or a negative
 * errno and, on failure, may fill @error with the daemon's error name and
 * message (which names the object). Returned strings are allocated.
 */
#pragma once

#include <systemd/sd-bus.h>

#include "mdevvirtio/dbus-api.h"
#include "cli-model.h"

struct cli_changes {
	const char *type; /* NULL: unchanged */
	const char *start; /* NULL: unchanged */
	bool set_attrs;
	const struct cli_attr *attrs;
	size_t n_attrs;
	/* --addattr/--delattr, done by the daemon on the list it has then. */
	bool insert_attr;
	struct cli_attr insert;
	long insert_index; /* -1: at the end */
	bool delete_attr;
	long delete_index; /* -1: the last */
};

/*
 * What a verb needs to know. A backend may return more than asked (the test
 * fixture returns everything); verbs look things up and filter regardless.
 */
enum cli_load_scope {
	CLI_LOAD_ALL, /* every device and parent, and the bad definitions */
	CLI_LOAD_DEVICE, /* the one device named by the uuid, and the bad definitions */
	CLI_LOAD_PARENTS, /* the parents and their types */
	CLI_LOAD_ACTIVE, /* the running devices, without the bad definitions */
};

struct cli_backend {
	void *userdata;
	/* @uuid: normalised, for CLI_LOAD_DEVICE. A device that does not exist is no error. */
	int (*load)(void *userdata, enum cli_load_scope scope, const char *uuid,
		    struct cli_model **ret, sd_bus_error *error);
	/*
	 * What `list [--defined] --dumpjson` prints for everything, rendered by
	 * the daemon (*@ret_json, *@ret_size bytes, NUL-terminated), and a model
	 * holding only the bad definitions. -EOPNOTSUPP when the daemon cannot
	 * (an older one): the verb loads the model instead. NULL where not
	 * supported (tests).
	 */
	int (*list_json)(void *userdata, bool defined, char **ret_json, size_t *ret_size,
			 struct cli_model **ret_bad, sd_bus_error *error);
	/*
	 * @flags of the changing calls: 0 or MDEVVIRTIO_DBUS_FLAG_FORCE (--force:
	 * a refusing pre callout only warns; the warning the daemon returns is
	 * printed as a warning). modify's @flags also carry MODIFY_LIVE/DEFINED.
	 */
	int (*define)(void *userdata, const char *parent, const char *uuid, const char *type,
		      const char *start, const struct cli_attr *attrs, size_t n_attrs,
		      unsigned flags, char **ret_uuid, sd_bus_error *error);
	int (*define_json)(void *userdata, const char *parent, const char *uuid, const char *json,
			   unsigned flags, char **ret_uuid, sd_bus_error *error);
	/* @parent NULL: the UUID's only definition (undefine: every one); else the
	 * definition on @parent (the *OnParent calls). */
	int (*undefine)(void *userdata, const char *parent, const char *uuid, unsigned flags,
			sd_bus_error *error);
	int (*start)(void *userdata, const char *parent, const char *uuid, unsigned flags,
		     sd_bus_error *error);
	int (*start_transient)(void *userdata, const char *parent, const char *type,
			       const char *uuid, const struct cli_attr *attrs, size_t n_attrs,
			       unsigned flags, char **ret_uuid, sd_bus_error *error);
	int (*stop)(void *userdata, const char *uuid, unsigned flags, sd_bus_error *error);
	int (*modify)(void *userdata, const char *parent, const char *uuid,
		      const struct cli_changes *changes, unsigned flags, sd_bus_error *error);
	/* Device.GetStatistics of @uuid (normalised); NULL where not supported (tests). */
	int (*statistics)(void *userdata, const char *uuid, struct cli_stats **ret,
			  sd_bus_error *error);
	/* Print changes until interrupted; NULL where not supported (tests). */
	int (*monitor)(void *userdata, bool json, FILE *out);
	void (*free)(void *userdata);
};
