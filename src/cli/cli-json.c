/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>

#include "cli-json.h"
#include "mdevctl-json.h"

static void newline_indent(FILE *f, bool pretty, unsigned depth)
{
	if (pretty)
		mdevctl_json_newline_indent(f, depth);
}

static void write_value(FILE *f, struct json_object *o, bool pretty, unsigned depth);

static void write_array(FILE *f, struct json_object *o, bool pretty, unsigned depth)
{
	size_t n = json_object_array_length(o);

	fputc('[', f);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			fputc(',', f);
		newline_indent(f, pretty, depth + 1);
		write_value(f, json_object_array_get_idx(o, i), pretty, depth + 1);
	}
	if (n > 0)
		newline_indent(f, pretty, depth);
	fputc(']', f);
}

static void write_object(FILE *f, struct json_object *o, bool pretty, unsigned depth)
{
	bool first = true;

	fputc('{', f);
	json_object_object_foreach (o, key, val) {
		if (!first)
			fputc(',', f);
		first = false;
		newline_indent(f, pretty, depth + 1);
		mdevctl_json_write_string(f, key);
		fputs(pretty ? ": " : ":", f);
		write_value(f, val, pretty, depth + 1);
	}
	if (!first)
		newline_indent(f, pretty, depth);
	fputc('}', f);
}

static void write_value(FILE *f, struct json_object *o, bool pretty, unsigned depth)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		fputs("null", f);
		break;
	case json_type_boolean:
		fputs(json_object_get_boolean(o) ? "true" : "false", f);
		break;
	case json_type_int:
		fprintf(f, "%" PRId64, json_object_get_int64(o));
		break;
	case json_type_double:
		fputs(json_object_to_json_string(o), f);
		break;
	case json_type_string:
		mdevctl_json_write_string(f, json_object_get_string(o));
		break;
	case json_type_array:
		write_array(f, o, pretty, depth);
		break;
	case json_type_object:
		write_object(f, o, pretty, depth);
		break;
	}
}

void cli_json_write(FILE *f, struct json_object *o, bool pretty)
{
	write_value(f, o, pretty, 0);
}

int cli_json_to_string(struct json_object *o, bool pretty, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return -ENOMEM;
	cli_json_write(f, o, pretty);
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(buf);
	return 0;
}

static int add_string(struct json_object *o, const char *key, const char *value)
{
	struct json_object *s = json_object_new_string(value);

	if (!s || json_object_object_add(o, key, s) < 0) {
		json_object_put(s);
		return -ENOMEM;
	}
	return 0;
}

struct json_object *cli_json_config_new(const char *type, const char *start,
					const struct cli_attr *attrs, size_t n_attrs)
{
	_cleanup_json_put_ struct json_object *o = json_object_new_object();
	struct json_object *a;

	if (!o || add_string(o, "mdev_type", type) < 0 || add_string(o, "start", start) < 0)
		return NULL;
	a = json_object_new_array();
	if (!a || json_object_object_add(o, "attrs", a) < 0) {
		json_object_put(a);
		return NULL;
	}
	for (size_t i = 0; i < n_attrs; i++) {
		struct json_object *e = json_object_new_object();

		if (!e || json_object_array_add(a, e) < 0) {
			json_object_put(e);
			return NULL;
		}
		if (add_string(e, attrs[i].name, attrs[i].value) < 0)
			return NULL;
	}
	return TAKE_PTR(o);
}

void cli_config_done(struct cli_config *c)
{
	free(c->type);
	free(c->start);
	cli_attrs_free(c->attrs, c->n_attrs);
	*c = (struct cli_config){};
}

_printf_(2, 3) static int config_error(char **ret_error, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (vasprintf(ret_error, format, ap) < 0)
		*ret_error = NULL;
	va_end(ap);
	return *ret_error ? -EINVAL : -ENOMEM;
}

static int parse_attrs(struct json_object *a, struct cli_config *c, char **ret_error)
{
	size_t n;

	if (!a || json_object_is_type(a, json_type_null))
		return 0;
	if (!json_object_is_type(a, json_type_array))
		return config_error(ret_error, "invalid json: attributes field is not an array");
	n = json_object_array_length(a);
	if (n > CLI_ATTRS_MAX)
		return config_error(ret_error, "invalid json: more than %d attributes",
				    CLI_ATTRS_MAX);
	for (size_t i = 0; i < n; i++) {
		struct json_object *e = json_object_array_get_idx(a, i);

		if (!json_object_is_type(e, json_type_object))
			return config_error(
			    ret_error, "invalid JSON format for attribute %zu: not an object", i);
		if (json_object_object_length(e) != 1)
			return config_error(
			    ret_error,
			    "invalid JSON format for attribute %zu: expected exactly one field", i);
		json_object_object_foreach (e, key, val) {
			if (!json_object_is_type(val, json_type_string))
				return config_error(ret_error,
						    "invalid JSON format for attribute '%s': value "
						    "must be a string",
						    key);
			if (cli_attrs_append(&c->attrs, &c->n_attrs, key,
					     json_object_get_string(val)) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

int cli_config_parse(const char *text, struct cli_config *ret, char **ret_error)
{
	_cleanup_json_put_ struct json_object *o = NULL;
	struct cli_config c = {};
	struct json_object *type, *start;
	enum json_tokener_error jerr;
	int r;

	*ret_error = NULL;
	o = json_tokener_parse_verbose(text, &jerr);
	if (!o)
		return config_error(ret_error, "invalid json: %s", json_tokener_error_desc(jerr));
	if (!json_object_is_type(o, json_type_object))
		return config_error(ret_error, "invalid json: expected an object");
	if (!json_object_object_get_ex(o, "mdev_type", &type) || !type)
		return config_error(ret_error, "invalid json: 'mdev_type' missing");
	if (!json_object_is_type(type, json_type_string))
		return config_error(ret_error, "invalid json: 'mdev_type' is not a string");
	if (!json_object_object_get_ex(o, "start", &start) || !start)
		return config_error(ret_error, "invalid json: 'start' missing");
	if (!json_object_is_type(start, json_type_string))
		return config_error(ret_error, "invalid json: 'start' is not a string");

	c.type = strdup(json_object_get_string(type));
	c.start = strdup(streq(json_object_get_string(start), "auto") ? "auto" : "manual");
	if (!c.type || !c.start) {
		cli_config_done(&c);
		return -ENOMEM;
	}
	r = parse_attrs(json_object_object_get(o, "attrs"), &c, ret_error);
	if (r < 0) {
		cli_config_done(&c);
		return r;
	}
	*ret = c;
	return 0;
}

int cli_read_file(const char *path, char **ret)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, k;

	if (!f)
		return -errno;
	buf = malloc(CLI_JSONFILE_MAX + 1);
	if (!buf)
		return -ENOMEM;
	/* Read until EOF: /dev/stdin may be a pipe that delivers in pieces. */
	while ((k = fread(buf + n, 1, CLI_JSONFILE_MAX + 1 - n, f)) > 0) {
		n += k;
		if (n > CLI_JSONFILE_MAX)
			return -EFBIG;
	}
	if (ferror(f))
		return errno > 0 ? -errno : -EIO;
	buf[n] = '\0';
	if (strlen(buf) != n)
		return -EBADMSG; /* embedded NUL */
	*ret = TAKE_PTR(buf);
	return 0;
}
