/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text output. Deliberate difference from mdevctl 1.2.0: no extra empty line
 * after the last device or type (1.2.0 prints one, and a lone newline for an
 * empty listing), and attribute lines are real JSON (1.2.0 does not escape
 * quotes or backslashes in them).
 */
#include <inttypes.h>

#include "cli-format.h"
#include "cli-json.h"

static int print_attr(FILE *f, size_t i, const struct cli_attr *a)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	struct json_object *v = json_object_new_string(a->value);

	if (!o || !v || json_object_object_add(o, a->name, v) < 0) {
		json_object_put(v);
		return -ENOMEM;
	}
	fprintf(f, "    @{%zu}: ", i);
	cli_json_write(f, o, false);
	fputc('\n', f);
	return 0;
}

static int print_attrs(FILE *f, const struct cli_device *d)
{
	int r;

	if (d->n_attrs == 0)
		return 0;
	fputs("  Attrs:\n", f);
	for (size_t i = 0; i < d->n_attrs; i++) {
		r = print_attr(f, i, &d->attrs[i]);
		if (r < 0)
			return r;
	}
	return 0;
}

int cli_format_list_text(FILE *f, const struct cli_model *m, const struct cli_list_filter *flt,
			 bool verbose)
{
	int r;

	for (size_t i = 0; i < m->n_devices; i++) {
		const struct cli_device *d = &m->devices[i];
		bool other = flt->defined ? d->active : d->defined;

		if (!cli_list_selects(flt, d))
			continue;
		fprintf(f, "%s %s %s %s%s\n", d->uuid, d->parent, d->type, d->start,
			!other	       ? ""
			: flt->defined ? " (active)"
				       : " (defined)");
		if (verbose) {
			r = print_attrs(f, d);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

static int print_type_field(FILE *f, const char *label, const char *value, bool description)
{
	_cleanup_free_ char *s = cli_type_text(value, description);

	if (!s)
		return -ENOMEM;
	if (*s)
		fprintf(f, "    %s: %s\n", label, s);
	return 0;
}

int cli_format_types_text(FILE *f, const struct cli_model *m, const char *parent)
{
	for (size_t i = 0; i < m->n_parents; i++) {
		const struct cli_parent *p = &m->parents[i];

		if (!p->present || (parent && !streq(parent, p->name)))
			continue;
		fprintf(f, "%s\n", p->name);
		for (size_t j = 0; j < p->n_types; j++) {
			const struct cli_type *t = &p->types[j];
			_cleanup_free_ char *api = cli_type_text(t->device_api, false);

			if (!api)
				return -ENOMEM;
			fprintf(f, "  %s\n    Available instances: %u\n    Device API: %s\n", t->id,
				t->available_instances, api);
			if (print_type_field(f, "Name", t->name, false) < 0 ||
			    print_type_field(f, "Description", t->description, true) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static const char *node_label(const char *kind)
{
	if (streq(kind, "net"))
		return "Interface";
	if (streq(kind, "block"))
		return "Block device";
	if (streq(kind, "chardev"))
		return "Device node";
	return kind;
}

int cli_format_status_text(FILE *f, const struct cli_device *d)
{
	fprintf(f, "%s\n", d->uuid);
	fprintf(f, "  State: %s\n", d->state);
	fprintf(f, "  Parent: %s\n", d->parent);
	fprintf(f, "  Type: %s\n", d->type);
	if (*d->class)
		fprintf(f, "  Class: %s\n", d->class);
	fprintf(f, "  Start: %s\n", d->start);
	fprintf(f, "  Defined: %s\n", d->defined ? "yes" : "no");
	fprintf(f, "  Active: %s\n", d->active ? "yes" : "no");
	if (*d->driver)
		fprintf(f, "  Driver: %s\n", d->driver);
	for (size_t i = 0; i < d->n_nodes; i++)
		fprintf(f, "  %s: %s\n", node_label(d->nodes[i].name), d->nodes[i].value);
	if (*d->last_error)
		fprintf(f, "  Last error: %s\n", d->last_error);
	if (cli_device_has_virtio(d)) {
		fputs("  Virtio status:", f);
		if (!d->status || !*d->status)
			fputs(" reset", f);
		for (char **s = d->status; s && *s; s++)
			fprintf(f, " %s", *s);
		fputc('\n', f);
		fprintf(f, "  Device features: 0x%016" PRIx64 "\n", d->device_features);
		fprintf(f, "  Driver features: 0x%016" PRIx64 "\n", d->driver_features);
		for (size_t i = 0; i < d->n_config; i++)
			fprintf(f, "  Config %s: %s\n", d->config[i].name, d->config[i].value);
	}
	return print_attrs(f, d);
}
