/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The CLI's picture of the daemon: devices and parents with the properties of
 * org.mdevvirtio1.Device/.Parent, filled from GetManagedObjects (cli-dbus.c)
 * or from a test fixture. The model owns every string in it; cli_model_free()
 * releases everything. Sorting gives mdevctl's order (byte-wise by parent,
 * then UUID; types by id).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "macro.h"

struct cli_attr {
	char *name;
	char *value;
};

/* One definition of a UUID, as the daemon's Device.Definitions lists it. */
struct cli_definition {
	char *parent;
	char *type;
	char *start;
	struct cli_attr *attrs;
	size_t n_attrs;
};

/*
 * After cli_model_finish(), one entry per definition (parent, uuid), as
 * mdevctl lists them, plus one for a running device that has no definition
 * on its parent with its type: a UUID defined on two parents has two
 * entries, at most one of them active.
 */
struct cli_device {
	char *uuid;
	char *parent;
	char *type;
	char *class;
	char *start; /* "auto" | "manual" */
	bool defined;
	bool active;
	char *state;
	char *last_error;
	char *driver;
	struct cli_attr *attrs; /* definition order is write order */
	size_t n_attrs;
	struct cli_attr *nodes; /* (kind, name), e.g. ("net", "eth1") */
	size_t n_nodes;
	/* From the kernel's netlink family; empty/0 when the daemon does not know. */
	char **status; /* NULL-terminated flag names ("driver-ok", ...), or NULL */
	uint64_t device_features, driver_features;
	struct cli_attr *config; /* (key, value as text), e.g. ("mtu", "1500") */
	size_t n_config;
	/* What the daemon said of every definition of the UUID; consumed (split
	 * into entries) by cli_model_finish(). */
	bool has_definitions;
	struct cli_definition *definitions;
	size_t n_definitions;
};

/* One virtqueue's counters, or their totals (index unused). */
struct cli_vq_stats {
	uint32_t index;
	uint64_t kicks, completed, descriptors, bytes, errors, drops;
};

/* Device.GetStatistics: freed with cli_stats_free(). */
struct cli_stats {
	struct cli_vq_stats total;
	struct cli_vq_stats *queues;
	size_t n_queues;
};
struct cli_stats *cli_stats_free(struct cli_stats *s);

/* The daemon reported what the kernel says of @d (it runs on our bus, the family is there). */
static inline bool cli_device_has_virtio(const struct cli_device *d)
{
	return (d->status && *d->status) || d->device_features || d->n_config;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cli_stats *, cli_stats_free)

struct cli_type {
	char *id;
	char *name;
	char *description;
	char *device_api;
	unsigned available_instances;
};

struct cli_parent {
	char *name;
	char *bus;
	bool present;
	struct cli_type *types;
	size_t n_types;
};

struct cli_model {
	struct cli_device *devices;
	size_t n_devices;
	struct cli_parent *parents;
	size_t n_parents;
	struct cli_attr *bad_definitions; /* (path, error) */
	size_t n_bad_definitions;
};

struct cli_model *cli_model_new(void);
struct cli_model *cli_model_free(struct cli_model *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct cli_model *, cli_model_free)
#define _cleanup_cli_model_free_ _cleanup_(cli_model_freep)

/* Append a zeroed element; the returned pointer is valid until the next append. */
struct cli_device *cli_model_add_device(struct cli_model *m);
struct cli_parent *cli_model_add_parent(struct cli_model *m);
struct cli_type *cli_parent_add_type(struct cli_parent *p);
/* Append a copy of (name, value) to an attr vector. */
int cli_attrs_append(struct cli_attr **v, size_t *n, const char *name, const char *value);
void cli_attrs_free(struct cli_attr *v, size_t n);

/* Append a definition (copies) to @d's list. */
int cli_device_add_definition(struct cli_device *d, const char *parent, const char *type,
			      const char *start, struct cli_definition **ret);

/* Split devices into one entry per definition, fill NULL strings with "" and
 * "start" with "manual", then sort. */
int cli_model_finish(struct cli_model *m);

/* The entry of @uuid: the running one if it runs, else the first; NULL if none. */
const struct cli_device *cli_model_find_device(const struct cli_model *m, const char *uuid);
/* How many definitions of @uuid there are (only on @parent unless NULL); *@ret the first. */
size_t cli_model_find_defined(const struct cli_model *m, const char *uuid, const char *parent,
			      const struct cli_device **ret);
const struct cli_parent *cli_model_find_parent(const struct cli_model *m, const char *name);
