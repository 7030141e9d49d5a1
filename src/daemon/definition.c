/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The definition model, its validation, and mdevctl's JSON file format.
 * Contract in definition.h. json-c is used only to parse; serialising is done
 * by hand because json-c's pretty printer differs from serde_json's (empty
 * arrays, escaping of '/'), and the files must be byte-identical to mdevctl's.
 */
#include <stdarg.h>
#include <json-c/json.h>

#include "definition.h"
#include "name-check.h"
#include "utf8.h"

/* User strings quoted in messages: at most this many bytes, ASCII only. */
#define QUOTE_MAX 64
#define QUOTE_BUF (QUOTE_MAX + 4)
#define QUOTE(s) quote_safe((s), (char[QUOTE_BUF]){0})

const char *definition_start_to_string(enum definition_start start)
{
	return start == DEFINITION_START_AUTO ? "auto" : "manual";
}

int definition_start_from_string(const char *s, enum definition_start *ret)
{
	if (streq_ptr(s, "auto"))
		*ret = DEFINITION_START_AUTO;
	else if (streq_ptr(s, "manual"))
		*ret = DEFINITION_START_MANUAL;
	else
		return -EINVAL;
	return 0;
}

/* Set *ret_error (if wanted) to a formatted message and return @r. */
static int _printf_(3, 4) error_set(char **ret_error, int r, const char *format, ...)
{
	va_list ap;
	char *m;

	if (!ret_error)
		return r;
	va_start(ap, format);
	if (vasprintf(&m, format, ap) >= 0)
		*ret_error = m;
	va_end(ap);
	return r;
}

/* Messages go over D-Bus, which wants UTF-8: keep quoted user input printable ASCII. */
static const char *quote_safe(const char *s, char buf[static QUOTE_BUF])
{
	size_t i;

	if (!s)
		return "(null)";
	for (i = 0; s[i] && i < QUOTE_MAX; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int name_check(const char *what, const char *s, size_t max, char **ret_error)
{
	if (s && strnlen(s, max + 1) > max)
		return error_set(ret_error, -ENAMETOOLONG,
				 "%s name \"%s\" is too long (limit %zu bytes)", what, QUOTE(s),
				 max);
	if (!name_is_valid(s, max))
		return error_set(ret_error, -EINVAL,
				 "Invalid %s name \"%s\": allowed are A-Z a-z 0-9 and _.:+@-, "
				 "not starting with '.'",
				 what, QUOTE(s));
	return 0;
}

static int value_check(const char *name, const char *value, char **ret_error)
{
	size_t n;

	if (!value)
		return error_set(ret_error, -EINVAL, "Attribute \"%s\" has no value", QUOTE(name));
	n = strnlen(value, DEFINITION_VALUE_MAX + 1);
	if (n > DEFINITION_VALUE_MAX)
		return error_set(ret_error, -E2BIG,
				 "Value of attribute \"%s\" is too long (limit %d bytes)",
				 QUOTE(name), DEFINITION_VALUE_MAX);
	if (!utf8_is_valid(value))
		return error_set(ret_error, -EINVAL, "Value of attribute \"%s\" is not valid UTF-8",
				 QUOTE(name));
	return 0;
}

struct definition *definition_free(struct definition *d)
{
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->n_attrs; i++) {
		free(d->attrs[i].name);
		free(d->attrs[i].value);
	}
	free(d->attrs);
	free(d->mdev_type);
	free(d->parent);
	free(d);
	return NULL;
}

int definition_new(const char *parent, const char *uuid, const char *mdev_type,
		   enum definition_start start, struct definition **ret, char **ret_error)
{
	_cleanup_definition_free_ struct definition *d = NULL;
	char u[UUID_STRING_LEN + 1];
	int r;

	r = name_check("parent", parent, NAME_MAX_PARENT, ret_error);
	if (r < 0)
		return r;
	if (uuid_normalize(uuid, u) < 0)
		return error_set(ret_error, -EINVAL, "Invalid UUID \"%s\"", QUOTE(uuid));
	if (start != DEFINITION_START_AUTO && start != DEFINITION_START_MANUAL)
		return error_set(ret_error, -EINVAL, "Invalid start mode %d", (int)start);

	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->parent = strdup(parent);
	if (!d->parent)
		return -ENOMEM;
	memcpy(d->uuid, u, sizeof(u));
	d->start = start;
	r = definition_set_type(d, mdev_type, ret_error);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(d);
	return 0;
}

int definition_set_type(struct definition *d, const char *mdev_type, char **ret_error)
{
	char *t;
	int r;

	r = name_check("type", mdev_type, NAME_MAX_TYPE, ret_error);
	if (r < 0)
		return r;
	t = strdup(mdev_type);
	if (!t)
		return -ENOMEM;
	free(d->mdev_type);
	d->mdev_type = t;
	return 0;
}

/*
 * What the per-field limits allow can still make a file larger than
 * DEFINITION_JSON_SIZE_MAX (128 values of 4 KiB, and escapes): the one limit
 * that counts is the size of the file. Undo the insert at @index if the
 * definition no longer fits, so that whatever is accepted also loads again.
 */
/* More than the file of @d can take: every byte escaped as \u00XX, and room for the layout. */
static size_t definition_size_bound(const struct definition *d)
{
	size_t n = 256 + 6 * strlen(d->mdev_type);

	for (size_t i = 0; i < d->n_attrs; i++)
		n += 64 + 6 * (strlen(d->attrs[i].name) + strlen(d->attrs[i].value));
	return n;
}

static int definition_check_size(struct definition *d, size_t index, char **ret_error)
{
	_cleanup_free_ char *json = NULL;
	size_t size;
	int r;

	/* Nearly always: far from the limit, no need to write it out to know. */
	if (definition_size_bound(d) <= DEFINITION_JSON_SIZE_MAX)
		return 0;
	r = definition_to_json(d, &json, &size);
	if (r >= 0 && size <= DEFINITION_JSON_SIZE_MAX)
		return 0;
	free(d->attrs[index].name);
	free(d->attrs[index].value);
	memmove(d->attrs + index, d->attrs + index + 1,
		(d->n_attrs - index - 1) * sizeof(*d->attrs));
	d->n_attrs--;
	if (r < 0)
		return r;
	return error_set(ret_error, -E2BIG,
			 "Definition would be %zu bytes as a file (limit %d): use fewer or shorter "
			 "attributes",
			 size, DEFINITION_JSON_SIZE_MAX);
}

int definition_attr_insert(struct definition *d, size_t index, const char *name, const char *value,
			   char **ret_error)
{
	_cleanup_free_ char *n = NULL, *v = NULL;
	struct definition_attr *a;
	int r;

	if (index > d->n_attrs)
		return error_set(ret_error, -ERANGE, "Attribute index %zu is out of range (0..%zu)",
				 index, d->n_attrs);
	if (d->n_attrs >= DEFINITION_ATTRS_MAX)
		return error_set(ret_error, -E2BIG, "Too many attributes (limit %d)",
				 DEFINITION_ATTRS_MAX);
	r = name_check("attribute", name, NAME_MAX_ATTR, ret_error);
	if (r < 0)
		return r;
	r = value_check(name, value, ret_error);
	if (r < 0)
		return r;

	n = strdup(name);
	v = strdup(value);
	a = reallocarray(d->attrs, d->n_attrs + 1, sizeof(*a));
	if (!n || !v || !a)
		return -ENOMEM;
	d->attrs = a;
	memmove(a + index + 1, a + index, (d->n_attrs - index) * sizeof(*a));
	a[index] = (struct definition_attr){TAKE_PTR(n), TAKE_PTR(v)};
	d->n_attrs++;
	return definition_check_size(d, index, ret_error);
}

int definition_attr_append(struct definition *d, const char *name, const char *value,
			   char **ret_error)
{
	return definition_attr_insert(d, d->n_attrs, name, value, ret_error);
}

int definition_attr_remove(struct definition *d, size_t index, char **ret_error)
{
	struct definition_attr *a = d->attrs;

	if (index >= d->n_attrs)
		return error_set(ret_error, -ERANGE,
				 "Attribute index %zu is out of range (%zu attributes)", index,
				 d->n_attrs);
	free(a[index].name);
	free(a[index].value);
	memmove(a + index, a + index + 1, (d->n_attrs - index - 1) * sizeof(*a));
	d->n_attrs--;
	return 0;
}

int definition_dup(const struct definition *d, struct definition **ret)
{
	_cleanup_definition_free_ struct definition *c = NULL;
	int r;

	r = definition_new(d->parent, d->uuid, d->mdev_type, d->start, &c, NULL);
	if (r < 0)
		return r;
	for (size_t i = 0; i < d->n_attrs; i++) {
		r = definition_attr_append(c, d->attrs[i].name, d->attrs[i].value, NULL);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(c);
	return 0;
}

bool definition_equal(const struct definition *a, const struct definition *b)
{
	if (!a || !b)
		return a == b;
	if (!streq(a->parent, b->parent) || !streq(a->uuid, b->uuid) ||
	    !streq(a->mdev_type, b->mdev_type) || a->start != b->start || a->n_attrs != b->n_attrs)
		return false;
	for (size_t i = 0; i < a->n_attrs; i++)
		if (!streq(a->attrs[i].name, b->attrs[i].name) ||
		    !streq(a->attrs[i].value, b->attrs[i].value))
			return false;
	return true;
}

static inline void json_object_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}

static inline void json_tokener_freep(struct json_tokener **t)
{
	if (*t)
		json_tokener_free(*t);
}

static const char *json_type_of(struct json_object *o)
{
	return json_type_to_name(json_object_get_type(o));
}

/* Parse the whole buffer as one JSON object; nothing but whitespace may follow it. */
static int json_parse_document(const char *json, size_t size, struct json_object **ret,
			       char **ret_error)
{
	_cleanup_(json_tokener_freep) struct json_tokener *tok = NULL;
	struct json_object *o;
	enum json_tokener_error e;
	const char *nul;
	int r;

	if (size > DEFINITION_JSON_SIZE_MAX)
		return error_set(ret_error, -EFBIG, "Definition is too large: larger than %d bytes",
				 DEFINITION_JSON_SIZE_MAX);
	if (size == 0)
		return error_set(ret_error, -EINVAL, "Definition is empty");
	nul = memchr(json, '\0', size);
	if (nul)
		return error_set(ret_error, -EINVAL, "NUL byte at offset %zu",
				 (size_t)(nul - json));

	tok = json_tokener_new_ex(DEFINITION_JSON_DEPTH_MAX);
	if (!tok)
		return -ENOMEM;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, json, (int)size);
	e = json_tokener_get_error(tok);
	if (e == json_tokener_continue) {
		/* Tell the tokener the input ended. */
		o = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
	}
	if (e == json_tokener_error_parse_eof)
		return error_set(ret_error, -EINVAL, "Unexpected end of JSON (truncated file?)");
	if (!o || e != json_tokener_success)
		return error_set(ret_error, -EINVAL, "Invalid JSON at offset %zu: %s",
				 json_tokener_get_parse_end(tok), json_tokener_error_desc(e));
	if (!json_object_is_type(o, json_type_object)) {
		r = error_set(ret_error, -EINVAL, "Expected a JSON object, got %s",
			      json_type_of(o));
		json_object_put(o);
		return r;
	}
	*ret = o;
	return 0;
}

static int json_check_keys(struct json_object *root, char **ret_error)
{
	json_object_object_foreach (root, key, val) {
		(void)val;
		if (!streq(key, "mdev_type") && !streq(key, "start") && !streq(key, "attrs"))
			return error_set(ret_error, -EINVAL,
					 "Unknown key \"%s\" (allowed: mdev_type, start, attrs)",
					 QUOTE(key));
	}
	return 0;
}

/* A string without NUL characters in it. */
static bool json_is_plain_string(struct json_object *v)
{
	return json_object_is_type(v, json_type_string) &&
	       (size_t)json_object_get_string_len(v) == strlen(json_object_get_string(v));
}

/* The string in @v; @what names it in messages ("mdev_type", "attrs[2].mac"). */
static int json_get_string(struct json_object *v, const char *what, const char **ret,
			   char **ret_error)
{
	const char *s;

	if (!json_object_is_type(v, json_type_string))
		return error_set(ret_error, -EINVAL, "\"%s\" must be a string, not %s", QUOTE(what),
				 json_type_of(v));
	s = json_object_get_string(v);
	if ((size_t)json_object_get_string_len(v) != strlen(s))
		return error_set(ret_error, -EINVAL, "\"%s\" contains a NUL character",
				 QUOTE(what));
	*ret = s;
	return 0;
}

static int json_get_required(struct json_object *root, const char *key, const char **ret,
			     char **ret_error)
{
	struct json_object *v;

	if (!json_object_object_get_ex(root, key, &v))
		return error_set(ret_error, -EINVAL, "Missing key \"%s\"", key);
	return json_get_string(v, key, ret, ret_error);
}

static int json_parse_attr(struct definition *d, size_t i, struct json_object *e, char **ret_error)
{
	char what[32 + NAME_MAX_ATTR];
	const char *value;

	if (!json_object_is_type(e, json_type_object))
		return error_set(ret_error, -EINVAL, "\"attrs[%zu]\" must be an object, not %s", i,
				 json_type_of(e));
	if (json_object_object_length(e) != 1)
		return error_set(ret_error, -EINVAL,
				 "\"attrs[%zu]\" must have exactly one key, it has %d", i,
				 json_object_object_length(e));
	json_object_object_foreach (e, key, val) {
		/* The name for the message is written only when there is one. */
		if (!json_is_plain_string(val)) {
			snprintf(what, sizeof(what), "attrs[%zu].%s", i, key);
			return json_get_string(val, what, &value, ret_error);
		}
		return definition_attr_append(d, key, json_object_get_string(val), ret_error);
	}
	return -EINVAL; /* not reached: exactly one key */
}

static int json_parse_attrs(struct definition *d, struct json_object *attrs, char **ret_error)
{
	size_t n;
	int r;

	if (!attrs) /* absent or null, as mdevctl allows */
		return 0;
	if (!json_object_is_type(attrs, json_type_array))
		return error_set(ret_error, -EINVAL, "\"attrs\" must be an array, not %s",
				 json_type_of(attrs));
	n = json_object_array_length(attrs);
	if (n > DEFINITION_ATTRS_MAX)
		return error_set(ret_error, -E2BIG, "Too many attributes (%zu, limit %d)", n,
				 DEFINITION_ATTRS_MAX);
	for (size_t i = 0; i < n; i++) {
		r = json_parse_attr(d, i, json_object_array_get_idx(attrs, i), ret_error);
		if (r < 0)
			return r;
	}
	return 0;
}

int definition_from_json(const char *parent, const char *uuid, const char *json, size_t size,
			 struct definition **ret, char **ret_error)
{
	_cleanup_(json_object_putp) struct json_object *root = NULL;
	_cleanup_definition_free_ struct definition *d = NULL;
	enum definition_start start;
	const char *type, *start_s;
	int r;

	r = json_parse_document(json, size, &root, ret_error);
	if (r < 0)
		return r;
	r = json_check_keys(root, ret_error);
	if (r < 0)
		return r;
	r = json_get_required(root, "mdev_type", &type, ret_error);
	if (r < 0)
		return r;
	r = json_get_required(root, "start", &start_s, ret_error);
	if (r < 0)
		return r;
	if (definition_start_from_string(start_s, &start) < 0)
		return error_set(ret_error, -EINVAL,
				 "\"start\" must be \"auto\" or \"manual\", not \"%s\"",
				 QUOTE(start_s));
	r = definition_new(parent, uuid, type, start, &d, ret_error);
	if (r < 0)
		return r;
	r = json_parse_attrs(d, json_object_object_get(root, "attrs"), ret_error);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(d);
	return 0;
}

/* A JSON string escaped as serde_json does: short escapes, \u00xx for other controls. */
static void json_write_string(FILE *f, const char *s)
{
	static const char *const short_escapes[0x80] = {
	    ['"'] = "\\\"", ['\\'] = "\\\\", ['\b'] = "\\b", ['\f'] = "\\f",
	    ['\n'] = "\\n", ['\r'] = "\\r",  ['\t'] = "\\t",
	};

	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = *s;
		const char *esc = c < 0x80 ? short_escapes[c] : NULL;

		if (esc)
			fputs(esc, f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void json_write_attrs(FILE *f, const struct definition *d)
{
	if (d->n_attrs == 0) {
		fputs("[]", f);
		return;
	}
	fputc('[', f);
	for (size_t i = 0; i < d->n_attrs; i++) {
		fputs(i ? ",\n    {\n      " : "\n    {\n      ", f);
		json_write_string(f, d->attrs[i].name);
		fputs(": ", f);
		json_write_string(f, d->attrs[i].value);
		fputs("\n    }", f);
	}
	fputs("\n  ]", f);
}

int definition_to_json(const struct definition *d, char **ret, size_t *ret_size)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	FILE *f;
	int r;

	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	fputs("{\n  \"mdev_type\": ", f);
	json_write_string(f, d->mdev_type);
	fprintf(f, ",\n  \"start\": \"%s\",\n  \"attrs\": ", definition_start_to_string(d->start));
	json_write_attrs(f, d);
	fputs("\n}", f);
	r = ferror(f);
	/* fclose() stores the final buffer in buf, so it must come before TAKE_PTR(). */
	if (fclose(f) != 0 || r)
		return -ENOMEM;
	if (ret_size)
		*ret_size = size;
	*ret = TAKE_PTR(buf);
	return 0;
}
