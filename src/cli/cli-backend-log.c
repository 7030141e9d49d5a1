/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The logging backend (cli-backend-log.h): one function per operation, each
 * logging the call, calling the wrapped backend and logging the outcome.
 */
#include "cli-backend-log.h"
#include "cli-log.h"
#include "log.h"

struct backend_log {
	struct cli_backend inner;
};

#define INNER(userdata) (&((struct backend_log *)(userdata))->inner)

static bool tracing(void)
{
	return cli_log_level() >= CLI_LOG_TRACE;
}

/* @s for one log line: control characters as '?', at most 200 bytes. */
#define PRINTABLE_MAX 204
static const char *printable(const char *s, char buf[static PRINTABLE_MAX])
{
	size_t i;

	s = strempty(s);
	for (i = 0; s[i] && i < PRINTABLE_MAX - 4; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static void log_attrs(const char *what, const struct cli_attr *attrs, size_t n)
{
	char a[PRINTABLE_MAX], b[PRINTABLE_MAX];

	for (size_t i = 0; tracing() && i < n; i++)
		log_debug("  %s %zu: %s=%s", what, i, printable(attrs[i].name, a),
			  printable(attrs[i].value, b));
}

/* The outcome of @method: 0, the error's name and message, or the errno. */
static int log_result(const char *method, int r, const sd_bus_error *error, const char *uuid)
{
	if (r >= 0 && uuid)
		log_debug("%s: done, device %s", method, uuid);
	else if (r >= 0)
		log_debug("%s: done", method);
	else if (sd_bus_error_is_set(error))
		log_debug("%s: failed with %s: %s", method, error->name, strempty(error->message));
	else
		log_debug_errno(r, "%s: failed: %m", method);
	return r;
}

static void log_model(const struct cli_model *m)
{
	char a[PRINTABLE_MAX];

	for (size_t i = 0; tracing() && i < m->n_parents; i++) {
		const struct cli_parent *p = &m->parents[i];

		log_debug("  parent %s: bus %s, %s, %zu type%s", p->name, p->bus,
			  p->present ? "present" : "absent", p->n_types,
			  p->n_types == 1 ? "" : "s");
		for (size_t k = 0; k < p->n_types; k++)
			log_debug("    type %s: %s, %u available", p->types[k].id,
				  printable(p->types[k].device_api, a),
				  p->types[k].available_instances);
	}
	for (size_t i = 0; tracing() && i < m->n_devices; i++) {
		const struct cli_device *d = &m->devices[i];

		log_debug("  device %s: parent %s, type %s, start %s,%s%s state %s", d->uuid,
			  d->parent, d->type, d->start, d->defined ? " defined," : "",
			  d->active ? " active," : "", d->state);
		log_attrs("attr", d->attrs, d->n_attrs);
	}
}

static int log_load(void *userdata, enum cli_load_scope scope, const char *uuid,
		    struct cli_model **ret, sd_bus_error *error)
{
	static const char *const scopes[] = {
	    [CLI_LOAD_ALL] = "every device",
	    [CLI_LOAD_DEVICE] = "device",
	    [CLI_LOAD_PARENTS] = "the parents",
	    [CLI_LOAD_ACTIVE] = "the running devices",
	};
	struct cli_backend *b = INNER(userdata);
	int r;

	log_debug("Loading %s%s%s", scopes[scope], scope == CLI_LOAD_DEVICE ? " " : "",
		  scope == CLI_LOAD_DEVICE ? strempty(uuid) : "");
	r = b->load(b->userdata, scope, uuid, ret, error);
	if (r < 0)
		return log_result("Load", r, error, NULL);
	log_debug("Loaded %zu device%s, %zu parent%s", (*ret)->n_devices,
		  (*ret)->n_devices == 1 ? "" : "s", (*ret)->n_parents,
		  (*ret)->n_parents == 1 ? "" : "s");
	log_model(*ret);
	return r;
}

/* ", force" for a call with MDEVVIRTIO_DBUS_FLAG_FORCE, else "". */
static const char *force_note(unsigned flags)
{
	return flags & MDEVVIRTIO_DBUS_FLAG_FORCE ? ", force" : "";
}

static int log_list_json(void *userdata, bool defined, char **ret_json, size_t *ret_size,
			 struct cli_model **ret_bad, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);
	int r;

	log_debug("Listing %s as JSON", defined ? "every definition" : "every running device");
	r = b->list_json(b->userdata, defined, ret_json, ret_size, ret_bad, error);
	if (r == -EOPNOTSUPP)
		log_debug("ListJSON: not available, loading every device instead");
	if (r < 0)
		return r == -EOPNOTSUPP ? r : log_result("ListJSON", r, error, NULL);
	log_debug("ListJSON: %zu bytes, %zu bad definition%s", *ret_size,
		  (*ret_bad)->n_bad_definitions, (*ret_bad)->n_bad_definitions == 1 ? "" : "s");
	return r;
}

static int log_define(void *userdata, const char *parent, const char *uuid, const char *type,
		      const char *start, const struct cli_attr *attrs, size_t n_attrs,
		      unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);
	int r;

	log_debug("Define(parent '%s', uuid '%s', type '%s', start '%s', %zu attribute%s%s)",
		  parent, uuid, type, start, n_attrs, n_attrs == 1 ? "" : "s", force_note(flags));
	log_attrs("attr", attrs, n_attrs);
	r = b->define(b->userdata, parent, uuid, type, start, attrs, n_attrs, flags, ret_uuid,
		      error);
	return log_result("Define", r, error, r >= 0 ? *ret_uuid : NULL);
}

static int log_define_json(void *userdata, const char *parent, const char *uuid, const char *json,
			   unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);
	int r;

	log_debug("DefineJSON(parent '%s', uuid '%s', %zu bytes of JSON%s)", parent, uuid,
		  strlen(json), force_note(flags));
	if (tracing()) {
		char a[PRINTABLE_MAX];

		log_debug("  json: %s", printable(json, a));
	}
	r = b->define_json(b->userdata, parent, uuid, json, flags, ret_uuid, error);
	return log_result("DefineJSON", r, error, r >= 0 ? *ret_uuid : NULL);
}

static int log_undefine(void *userdata, const char *parent, const char *uuid, unsigned flags,
			sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Undefine(%s%s%suuid '%s'%s)", parent ? "parent '" : "", strempty(parent),
		  parent ? "', " : "", uuid, force_note(flags));
	return log_result("Undefine", b->undefine(b->userdata, parent, uuid, flags, error), error,
			  NULL);
}

static int log_start(void *userdata, const char *parent, const char *uuid, unsigned flags,
		     sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Start(%s%s%suuid '%s'%s)", parent ? "parent '" : "", strempty(parent),
		  parent ? "', " : "", uuid, force_note(flags));
	return log_result("Start", b->start(b->userdata, parent, uuid, flags, error), error, NULL);
}

static int log_stop(void *userdata, const char *uuid, unsigned flags, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Stop(uuid '%s'%s)", uuid, force_note(flags));
	return log_result("Stop", b->stop(b->userdata, uuid, flags, error), error, NULL);
}

static int log_start_transient(void *userdata, const char *parent, const char *type,
			       const char *uuid, const struct cli_attr *attrs, size_t n_attrs,
			       unsigned flags, char **ret_uuid, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);
	int r;

	log_debug("StartTransient(parent '%s', type '%s', uuid '%s', %zu attribute%s%s)", parent,
		  type, uuid, n_attrs, n_attrs == 1 ? "" : "s", force_note(flags));
	log_attrs("attr", attrs, n_attrs);
	r = b->start_transient(b->userdata, parent, type, uuid, attrs, n_attrs, flags, ret_uuid,
			       error);
	return log_result("StartTransient", r, error, r >= 0 ? *ret_uuid : NULL);
}

static int log_modify(void *userdata, const char *parent, const char *uuid,
		      const struct cli_changes *ch, unsigned flags, sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Modify(%s%s%suuid '%s', flags %u)", parent ? "parent '" : "", strempty(parent),
		  parent ? "', " : "", uuid, flags);
	if (ch->type)
		log_debug("  type '%s'", ch->type);
	if (ch->start)
		log_debug("  start '%s'", ch->start);
	if (ch->set_attrs)
		log_debug("  attrs: %zu", ch->n_attrs);
	log_attrs("attr", ch->attrs, ch->set_attrs ? ch->n_attrs : 0);
	if (ch->insert_attr)
		log_debug("  insert attribute '%s' at %ld", ch->insert.name, ch->insert_index);
	if (ch->delete_attr)
		log_debug("  delete the attribute at %ld", ch->delete_index);
	return log_result("Modify", b->modify(b->userdata, parent, uuid, ch, flags, error), error,
			  NULL);
}

static int log_statistics(void *userdata, const char *uuid, struct cli_stats **ret,
			  sd_bus_error *error)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Reading the counters of device %s", uuid);
	return log_result("GetStatistics", b->statistics(b->userdata, uuid, ret, error), error,
			  NULL);
}

static int log_monitor(void *userdata, bool json, FILE *out)
{
	struct cli_backend *b = INNER(userdata);

	log_debug("Monitoring changes%s", json ? " (JSON)" : "");
	return b->monitor(b->userdata, json, out);
}

static void log_free(void *userdata)
{
	struct cli_backend *b = INNER(userdata);

	if (b->free)
		b->free(b->userdata);
	free(userdata);
}

int cli_backend_log_wrap(struct cli_backend *b)
{
	struct backend_log *l = malloc(sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->inner = *b;
	*b = (struct cli_backend){
	    .userdata = l,
	    .load = log_load,
	    .list_json = l->inner.list_json ? log_list_json : NULL,
	    .define = log_define,
	    .define_json = log_define_json,
	    .undefine = log_undefine,
	    .start = log_start,
	    .start_transient = log_start_transient,
	    .stop = log_stop,
	    .modify = log_modify,
	    .statistics = l->inner.statistics ? log_statistics : NULL,
	    .monitor = l->inner.monitor ? log_monitor : NULL,
	    .free = log_free,
	};
	return 0;
}
