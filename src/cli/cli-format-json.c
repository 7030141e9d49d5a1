/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * --dumpjson output in mdevctl's shapes: [ { parent: [ { uuid: config } ] } ],
 * the bare config object when -u selects exactly one device, [] when nothing
 * matches; types as [ { parent: [ { type: {available_instances, ...} } ] } ].
 * Pretty-printed like serde_json, with no newline after the closing bracket,
 * as mdevctl's master branch writes it (1.2.0 added one; mdevvirtioctl(8),
 * DIFFERENCES).
 */
#include <inttypes.h>

#include "cli-format.h"
#include "cli-json.h"
#include "mdevctl-json.h"

static int emit(FILE *f, struct json_object *o)
{
	cli_json_write(f, o, true);
	return 0;
}

/* Wrap @value as the single entry of {key: value} and append to @array; consumes @value. */
static int array_add_keyed(struct json_object *array, const char *key, struct json_object *value)
{
	struct json_object *o;

	if (!value)
		return -ENOMEM;
	o = json_object_new_object();
	if (!o || json_object_object_add(o, key, value) < 0) {
		json_object_put(o);
		json_object_put(value);
		return -ENOMEM;
	}
	if (json_object_array_add(array, o) < 0) {
		json_object_put(o);
		return -ENOMEM;
	}
	return 0;
}

/* The array of @name in the (single) top-level object, created on first use. */
static struct json_object *parent_array(struct json_object *top, const char *name)
{
	struct json_object *a;

	if (json_object_object_get_ex(top, name, &a))
		return a;
	a = json_object_new_array();
	if (!a || json_object_object_add(top, name, a) < 0) {
		json_object_put(a);
		return NULL;
	}
	return a;
}

/* [] if @top has no keys, else [top]; consumes @top. */
static int emit_hierarchy(FILE *f, struct json_object *top)
{
	_cleanup_json_put_ struct json_object *list = json_object_new_array();

	if (!list) {
		json_object_put(top);
		return -ENOMEM;
	}
	if (json_object_object_length(top) == 0)
		json_object_put(top);
	else if (json_object_array_add(list, top) < 0) {
		json_object_put(top);
		return -ENOMEM;
	}
	return emit(f, list);
}

/* @d's config object at @depth, as mdevctl writes it. */
static void write_config(FILE *f, const struct cli_device *d, unsigned depth)
{
	mdevctl_json_config_begin(f, d->type, d->start, depth);
	for (size_t i = 0; i < d->n_attrs; i++)
		mdevctl_json_config_attr(f, i, d->attrs[i].name, d->attrs[i].value, depth);
	mdevctl_json_config_end(f, d->n_attrs, depth);
}

/*
 * Streamed (a list may hold tens of thousands of devices): the same bytes as
 * building [ { parent: [ { uuid: config } ] } ] and writing it, since the
 * model is sorted by parent, so each parent's devices come together. The
 * daemon renders the unfiltered listings with the same writer
 * (Manager.ListJSON).
 */
int cli_format_list_json(FILE *f, const struct cli_model *m, const struct cli_list_filter *flt)
{
	struct mdevctl_json_list list = MDEVCTL_JSON_LIST_INIT(f);
	const struct cli_device *only = NULL;
	size_t n = 0;

	for (size_t i = 0; i < m->n_devices; i++)
		if (cli_list_selects(flt, &m->devices[i])) {
			only = &m->devices[i];
			n++;
		}
	if (flt->uuid && n == 1) {
		write_config(f, only, 0);
		return 0;
	}
	for (size_t i = 0; i < m->n_devices; i++) {
		const struct cli_device *d = &m->devices[i];

		if (!cli_list_selects(flt, d))
			continue;
		mdevctl_json_list_entry_begin(&list, d->parent, d->uuid);
		write_config(f, d, MDEVCTL_JSON_LIST_CONFIG_DEPTH);
		mdevctl_json_list_entry_end(&list);
	}
	mdevctl_json_list_end(&list);
	return 0;
}

static int add_type_string(struct json_object *o, const char *key, const char *value,
			   bool description, bool always)
{
	_cleanup_free_ char *s = cli_type_text(value, description);
	struct json_object *v;

	if (!s)
		return -ENOMEM;
	if (!*s && !always)
		return 0;
	v = json_object_new_string(s);
	if (!v || json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *type_to_json(const struct cli_type *t)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	struct json_object *n;

	if (!o)
		return NULL;
	n = json_object_new_int64(t->available_instances);
	if (!n || json_object_object_add(o, "available_instances", n) < 0) {
		json_object_put(n);
		return NULL;
	}
	if (add_type_string(o, "device_api", t->device_api, false, true) < 0 ||
	    add_type_string(o, "name", t->name, false, false) < 0 ||
	    add_type_string(o, "description", t->description, true, false) < 0)
		return NULL;
	return TAKE_PTR(o);
}

int cli_format_types_json(FILE *f, const struct cli_model *m, const char *parent)
{
	_cleanup_json_put_ struct json_object *top = json_object_new_object();

	if (!top)
		return -ENOMEM;
	for (size_t i = 0; i < m->n_parents; i++) {
		const struct cli_parent *p = &m->parents[i];
		struct json_object *a;

		if (!p->present || (parent && !streq(parent, p->name)))
			continue;
		a = parent_array(top, p->name);
		if (!a)
			return -ENOMEM;
		for (size_t j = 0; j < p->n_types; j++)
			if (array_add_keyed(a, p->types[j].id, type_to_json(&p->types[j])) < 0)
				return -ENOMEM;
	}
	return emit_hierarchy(f, TAKE_PTR(top));
}

static int add(struct json_object *o, const char *key, struct json_object *v)
{
	if (!v || json_object_object_add(o, key, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	return 0;
}

static struct json_object *pairs_to_json(const struct cli_attr *v, size_t n)
{
	_cleanup_json_put_ struct json_object *a = json_object_new_array();

	if (!a)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (array_add_keyed(a, v[i].name, json_object_new_string(v[i].value)) < 0)
			return NULL;
	return TAKE_PTR(a);
}

/* "virtio": {status, device_features, driver_features, config}, for a device the kernel reported. */
static int add_virtio(struct json_object *o, const struct cli_device *d)
{
	_cleanup_json_put_ struct json_object *v = NULL, *flags = NULL, *config = NULL;
	char hex[2][sizeof("0x0123456789abcdef")];

	if (!cli_device_has_virtio(d))
		return 0;
	v = json_object_new_object();
	flags = json_object_new_array();
	config = json_object_new_object();
	if (!v || !flags || !config)
		return -ENOMEM;
	for (char **s = d->status; s && *s; s++)
		if (json_object_array_add(flags, json_object_new_string(*s)) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < d->n_config; i++)
		if (add(config, d->config[i].name, json_object_new_string(d->config[i].value)) < 0)
			return -ENOMEM;
	snprintf(hex[0], sizeof(hex[0]), "0x%" PRIx64, d->device_features);
	snprintf(hex[1], sizeof(hex[1]), "0x%" PRIx64, d->driver_features);
	if (add(v, "status", TAKE_PTR(flags)) < 0 ||
	    add(v, "device_features", json_object_new_string(hex[0])) < 0 ||
	    add(v, "driver_features", json_object_new_string(hex[1])) < 0 ||
	    add(v, "config", TAKE_PTR(config)) < 0)
		return -ENOMEM;
	return add(o, "virtio", TAKE_PTR(v));
}

struct json_object *cli_device_to_json(const struct cli_device *d)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();

	if (!o || add(o, "uuid", json_object_new_string(d->uuid)) < 0 ||
	    add(o, "parent", json_object_new_string(d->parent)) < 0 ||
	    add(o, "mdev_type", json_object_new_string(d->type)) < 0 ||
	    add(o, "class", json_object_new_string(d->class)) < 0 ||
	    add(o, "start", json_object_new_string(d->start)) < 0 ||
	    add(o, "defined", json_object_new_boolean(d->defined)) < 0 ||
	    add(o, "active", json_object_new_boolean(d->active)) < 0 ||
	    add(o, "state", json_object_new_string(d->state)) < 0 ||
	    add(o, "driver", json_object_new_string(d->driver)) < 0 ||
	    add(o, "nodes", pairs_to_json(d->nodes, d->n_nodes)) < 0 ||
	    add(o, "last_error", json_object_new_string(d->last_error)) < 0 ||
	    add(o, "attrs", pairs_to_json(d->attrs, d->n_attrs)) < 0 || add_virtio(o, d) < 0)
		return NULL;
	return TAKE_PTR(o);
}

int cli_format_status_json(FILE *f, const struct cli_device *d)
{
	_cleanup_json_put_ struct json_object *o = cli_device_to_json(d);

	if (!o)
		return -ENOMEM;
	/* Ours, not mdevctl's: a line of its own. */
	cli_json_write(f, o, true);
	fputc('\n', f);
	return 0;
}
