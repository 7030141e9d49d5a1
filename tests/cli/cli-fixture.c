/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A fixture backend for the golden-file tests: the model comes from a JSON
 * file that mirrors the daemon's D-Bus properties, and every call that would
 * change something is printed to stderr as "> Method(args)" and succeeds,
 * unless the fixture's "errors" object names that method:
 *
 *   { "devices": [ { "uuid": ..., "parent": ..., "type": ..., "class": ...,
 *                    "start": ..., "defined": true, "active": false,
 *                    "state": ..., "last_error": ..., "driver": ...,
 *                    "attrs": [ { "name": "value" } ], "nodes": [ { "net": "eth1" } ],
 *                    "virtio": { "status": [ "driver-ok" ], "device_features": 1,
 *                                "driver_features": 1, "config": [ { "mtu": "1500" } ] },
 *                    "stats": { "total": { "kicks": 1, ... },
 *                               "queues": [ { "index": 0, "kicks": 1, ... } ] },
 *                    "definitions": [ { "parent": ..., "type": ..., "start": ...,
 *                                       "attrs": [ { "name": "value" } ] } ] } ],
 *     "parents": [ { "name": ..., "bus": ..., "present": true,
 *                    "types": [ { "id": ..., "name": ..., "description": ...,
 *                                 "available_instances": 1, "device_api": ... } ] } ],
 *     "bad_definitions": [ { "<path>": "<error>" } ],
 *     "errors": { "<Method>": [ "<D-Bus error name>", "<message>" ] } }
 *
 * A UUID the daemon would generate is always FIXTURE_GENERATED_UUID.
 * GetStatistics answers with a device's "stats", NotRunning for a device
 * without them, UnknownObject for a UUID the fixture does not have.
 */
#include "cli-fixture.h"
#include "cli-json.h"

struct fixture {
	struct json_object *root;
	FILE *calls;
};

static const char *get_string(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool get_bool(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_get_boolean(v);
}

static int dup_string(char **field, struct json_object *o, const char *key)
{
	const char *s = get_string(o, key);

	if (!s)
		return 0;
	*field = strdup(s);
	return *field ? 0 : -ENOMEM;
}

static int get_pairs(struct json_object *o, const char *key, struct cli_attr **v, size_t *n)
{
	struct json_object *a;

	if (!json_object_object_get_ex(o, key, &a) || !json_object_is_type(a, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		json_object_object_foreach (json_object_array_get_idx(a, i), k, val) {
			if (cli_attrs_append(v, n, k, json_object_get_string(val)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static uint64_t get_u64(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_uint64(v) : 0;
}

static int load_virtio(struct cli_device *d, struct json_object *o)
{
	struct json_object *v, *flags;

	if (!json_object_object_get_ex(o, "virtio", &v))
		return 0;
	d->device_features = get_u64(v, "device_features");
	d->driver_features = get_u64(v, "driver_features");
	if (json_object_object_get_ex(v, "status", &flags)) {
		size_t n = json_object_array_length(flags);

		d->status = calloc(n + 1, sizeof(char *));
		if (!d->status)
			return -ENOMEM;
		for (size_t i = 0; i < n; i++)
			if (!(d->status[i] = strdup(
				  json_object_get_string(json_object_array_get_idx(flags, i)))))
				return -ENOMEM;
	}
	return get_pairs(v, "config", &d->config, &d->n_config);
}

/* "definitions": [{"parent", "type", "start", "attrs"}], as Device.Definitions. */
static int load_definitions(struct cli_device *d, struct json_object *o)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "definitions", &v))
		return 0;
	d->has_definitions = true;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		struct json_object *e = json_object_array_get_idx(v, i);
		struct cli_definition *def;

		if (cli_device_add_definition(d, get_string(e, "parent") ?: "",
					      get_string(e, "type") ?: "",
					      get_string(e, "start") ?: "manual", &def) < 0 ||
		    get_pairs(e, "attrs", &def->attrs, &def->n_attrs) < 0)
			return -ENOMEM;
	}
	return 0;
}

static int load_device(struct cli_model *m, struct json_object *o)
{
	struct cli_device *d = cli_model_add_device(m);

	if (!d)
		return -ENOMEM;
	d->defined = get_bool(o, "defined");
	d->active = get_bool(o, "active");
	if (dup_string(&d->uuid, o, "uuid") < 0 || dup_string(&d->parent, o, "parent") < 0 ||
	    dup_string(&d->type, o, "type") < 0 || dup_string(&d->class, o, "class") < 0 ||
	    dup_string(&d->start, o, "start") < 0 || dup_string(&d->state, o, "state") < 0 ||
	    dup_string(&d->last_error, o, "last_error") < 0 ||
	    dup_string(&d->driver, o, "driver") < 0)
		return -ENOMEM;
	if (get_pairs(o, "attrs", &d->attrs, &d->n_attrs) < 0 ||
	    get_pairs(o, "nodes", &d->nodes, &d->n_nodes) < 0 || load_definitions(d, o) < 0)
		return -ENOMEM;
	return load_virtio(d, o);
}

static int load_parent(struct cli_model *m, struct json_object *o)
{
	struct cli_parent *p = cli_model_add_parent(m);
	struct json_object *types;

	if (!p)
		return -ENOMEM;
	p->present = get_bool(o, "present");
	if (dup_string(&p->name, o, "name") < 0 || dup_string(&p->bus, o, "bus") < 0)
		return -ENOMEM;
	if (!json_object_object_get_ex(o, "types", &types))
		return 0;
	for (size_t i = 0; i < json_object_array_length(types); i++) {
		struct json_object *t = json_object_array_get_idx(types, i), *n;
		struct cli_type *ty = cli_parent_add_type(p);

		if (!ty)
			return -ENOMEM;
		if (json_object_object_get_ex(t, "available_instances", &n))
			ty->available_instances = json_object_get_int(n);
		if (dup_string(&ty->id, t, "id") < 0 || dup_string(&ty->name, t, "name") < 0 ||
		    dup_string(&ty->description, t, "description") < 0 ||
		    dup_string(&ty->device_api, t, "device_api") < 0)
			return -ENOMEM;
	}
	return 0;
}

int fixture_load_model(struct json_object *root, struct cli_model **ret)
{
	_cleanup_cli_model_free_ struct cli_model *m = cli_model_new();
	struct json_object *a;
	int r;

	if (!m)
		return -ENOMEM;
	if (json_object_object_get_ex(root, "devices", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if ((r = load_device(m, json_object_array_get_idx(a, i))) < 0)
				return r;
	if (json_object_object_get_ex(root, "parents", &a))
		for (size_t i = 0; i < json_object_array_length(a); i++)
			if ((r = load_parent(m, json_object_array_get_idx(a, i))) < 0)
				return r;
	r = get_pairs(root, "bad_definitions", &m->bad_definitions, &m->n_bad_definitions);
	if (r < 0)
		return r;
	r = cli_model_finish(m);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

/* The fixture's canned error for @method, if any: -EIO with @error set. */
static int canned_error(struct fixture *f, const char *method, sd_bus_error *error)
{
	struct json_object *errors, *e;

	if (!json_object_object_get_ex(f->root, "errors", &errors) ||
	    !json_object_object_get_ex(errors, method, &e))
		return 0;
	fprintf(f->calls, "  -> %s: %s\n", json_object_get_string(json_object_array_get_idx(e, 0)),
		json_object_get_string(json_object_array_get_idx(e, 1)));
	sd_bus_error_set(error, json_object_get_string(json_object_array_get_idx(e, 0)),
			 json_object_get_string(json_object_array_get_idx(e, 1)));
	return sd_bus_error_get_errno(error) ? -sd_bus_error_get_errno(error) : -EIO;
}

static void print_attrs(FILE *f, const struct cli_attr *attrs, size_t n)
{
	fputc('[', f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s(\"%s\", \"%s\")", i ? ", " : "", attrs[i].name, attrs[i].value);
	fputc(']', f);
}

static int ret_uuid(const char *uuid, char **ret)
{
	*ret = strdup(isempty(uuid) ? FIXTURE_GENERATED_UUID : uuid);
	return *ret ? 0 : -ENOMEM;
}

static int fx_load(void *userdata, enum cli_load_scope scope, const char *uuid,
		   struct cli_model **ret, sd_bus_error *error)
{
	struct fixture *f = userdata;
	int r = canned_error(f, "GetManagedObjects", error);

	return r < 0 ? r : fixture_load_model(f->root, ret);
}

/* A call's flags, recorded only when there are any (", flags 4"). */
static void print_flags(FILE *f, unsigned flags)
{
	if (flags)
		fprintf(f, ", flags %u", flags);
}

static int fx_define(void *userdata, const char *parent, const char *uuid, const char *type,
		     const char *start, const struct cli_attr *attrs, size_t n_attrs,
		     unsigned flags, char **ret, sd_bus_error *error)
{
	struct fixture *f = userdata;
	int r;

	fprintf(f->calls, "> Define(\"%s\", \"%s\", \"%s\", \"%s\", ", parent, uuid, type, start);
	print_attrs(f->calls, attrs, n_attrs);
	print_flags(f->calls, flags);
	fputs(")\n", f->calls);
	r = canned_error(f, "Define", error);
	return r < 0 ? r : ret_uuid(uuid, ret);
}

static int fx_define_json(void *userdata, const char *parent, const char *uuid, const char *json,
			  unsigned flags, char **ret, sd_bus_error *error)
{
	struct fixture *f = userdata;
	int r;

	fprintf(f->calls, "> DefineJSON(\"%s\", \"%s\", <<%s>>", parent, uuid, json);
	print_flags(f->calls, flags);
	fputs(")\n", f->calls);
	r = canned_error(f, "DefineJSON", error);
	return r < 0 ? r : ret_uuid(uuid, ret);
}

static int fx_uuid_call(struct fixture *f, const char *method, const char *parent,
			const char *uuid, unsigned flags, sd_bus_error *error)
{
	if (parent)
		fprintf(f->calls, "> %sOnParent(\"%s\", \"%s\"", method, parent, uuid);
	else
		fprintf(f->calls, "> %s(\"%s\"", method, uuid);
	print_flags(f->calls, flags);
	fputs(")\n", f->calls);
	return canned_error(f, method, error);
}

static int fx_undefine(void *userdata, const char *parent, const char *uuid, unsigned flags,
		       sd_bus_error *error)
{
	return fx_uuid_call(userdata, "Undefine", parent, uuid, flags, error);
}

static int fx_start(void *userdata, const char *parent, const char *uuid, unsigned flags,
		    sd_bus_error *error)
{
	return fx_uuid_call(userdata, "Start", parent, uuid, flags, error);
}

static int fx_stop(void *userdata, const char *uuid, unsigned flags, sd_bus_error *error)
{
	return fx_uuid_call(userdata, "Stop", NULL, uuid, flags, error);
}

static int fx_start_transient(void *userdata, const char *parent, const char *type,
			      const char *uuid, const struct cli_attr *attrs, size_t n_attrs,
			      unsigned flags, char **ret, sd_bus_error *error)
{
	struct fixture *f = userdata;
	int r;

	fprintf(f->calls, "> StartTransient(\"%s\", \"%s\", \"%s\", ", parent, type, uuid);
	print_attrs(f->calls, attrs, n_attrs);
	print_flags(f->calls, flags);
	fputs(")\n", f->calls);
	r = canned_error(f, "StartTransient", error);
	return r < 0 ? r : ret_uuid(uuid, ret);
}

static int fx_modify(void *userdata, const char *parent, const char *uuid,
		     const struct cli_changes *ch, unsigned flags, sd_bus_error *error)
{
	struct fixture *f = userdata;

	if (parent)
		fprintf(f->calls, "> ModifyOnParent(\"%s\", \"%s\", {", parent, uuid);
	else
		fprintf(f->calls, "> Modify(\"%s\", {", uuid);
	if (ch->type)
		fprintf(f->calls, " type: \"%s\"", ch->type);
	if (ch->start)
		fprintf(f->calls, " start: \"%s\"", ch->start);
	if (ch->set_attrs) {
		fputs(" attrs: ", f->calls);
		print_attrs(f->calls, ch->attrs, ch->n_attrs);
	}
	if (ch->insert_attr)
		fprintf(f->calls, " attr-insert: (%ld, \"%s\", \"%s\")", ch->insert_index,
			ch->insert.name, ch->insert.value);
	if (ch->delete_attr)
		fprintf(f->calls, " attr-delete: %ld", ch->delete_index);
	fprintf(f->calls, " }, %u)\n", flags);
	return canned_error(f, "Modify", error);
}

static void counters_load(struct json_object *o, struct cli_vq_stats *s)
{
	s->index = (uint32_t)get_u64(o, "index");
	s->kicks = get_u64(o, "kicks");
	s->completed = get_u64(o, "completed");
	s->descriptors = get_u64(o, "descriptors");
	s->bytes = get_u64(o, "bytes");
	s->errors = get_u64(o, "errors");
	s->drops = get_u64(o, "drops");
}

static int fx_statistics(void *userdata, const char *uuid, struct cli_stats **ret,
			 sd_bus_error *error)
{
	_cleanup_(cli_stats_freep) struct cli_stats *s = NULL;
	struct fixture *f = userdata;
	struct json_object *devices, *st = NULL, *total, *queues;
	bool found = false;
	int r;

	fprintf(f->calls, "> GetStatistics(\"%s\")\n", uuid);
	r = canned_error(f, "GetStatistics", error);
	if (r < 0)
		return r;
	if (json_object_object_get_ex(f->root, "devices", &devices))
		for (size_t i = 0; i < json_object_array_length(devices); i++) {
			struct json_object *d = json_object_array_get_idx(devices, i);

			if (streq_ptr(get_string(d, "uuid"), uuid)) {
				found = true;
				json_object_object_get_ex(d, "stats", &st);
			}
		}
	if (!found)
		return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "Unknown object");
	if (!st)
		return sd_bus_error_setf(error, MDEVVIRTIO_DBUS_ERROR_NOT_RUNNING,
					 "device %s is not running", uuid);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	if (json_object_object_get_ex(st, "total", &total))
		counters_load(total, &s->total);
	if (json_object_object_get_ex(st, "queues", &queues)) {
		s->n_queues = json_object_array_length(queues);
		s->queues = calloc(s->n_queues ? s->n_queues : 1, sizeof(*s->queues));
		if (!s->queues)
			return -ENOMEM;
		for (size_t i = 0; i < s->n_queues; i++)
			counters_load(json_object_array_get_idx(queues, i), &s->queues[i]);
	}
	*ret = TAKE_PTR(s);
	return 0;
}

static void fx_free(void *userdata)
{
	struct fixture *f = userdata;

	json_object_put(f->root);
	free(f);
}

int fixture_connect(void *userdata, struct cli_backend *ret)
{
	const char *path = userdata;
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -ENOMEM;
	f->root = json_object_from_file(path);
	if (!f->root) {
		fprintf(stderr, "fixture '%s': %s\n", path, json_util_get_last_err());
		free(f);
		return -EINVAL;
	}
	f->calls = stderr;
	*ret = (struct cli_backend){
	    .userdata = f,
	    .load = fx_load,
	    .define = fx_define,
	    .define_json = fx_define_json,
	    .undefine = fx_undefine,
	    .start = fx_start,
	    .start_transient = fx_start_transient,
	    .stop = fx_stop,
	    .modify = fx_modify,
	    .statistics = fx_statistics,
	    .free = fx_free,
	};
	return 0;
}
