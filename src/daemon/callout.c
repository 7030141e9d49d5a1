/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevctl's callout protocol (callout.h): the words, the directories and
 * their order, argv, the JSON on stdin and back, the versioning handshake
 * and its cache, and one operation's calls. Running a script is
 * callout-exec.c's; this file decides which scripts run and what their
 * answers mean.
 */
#include <dirent.h>
#include <inttypes.h>
#include <json-c/json.h>

#include "callout.h"
#include "root-path.h"

#define CALLOUT_JSON_DEPTH_MAX 8

static const char *const event_names[_CALLOUT_EVENT_MAX] = {
    [CALLOUT_EVENT_PRE] = "pre",   [CALLOUT_EVENT_POST] = "post",     [CALLOUT_EVENT_GET] = "get",
    [CALLOUT_EVENT_LIVE] = "live", [CALLOUT_EVENT_NOTIFY] = "notify",
};

static const char *const action_names[_CALLOUT_ACTION_MAX] = {
    [CALLOUT_ACTION_START] = "start",
    [CALLOUT_ACTION_STOP] = "stop",
    [CALLOUT_ACTION_DEFINE] = "define",
    [CALLOUT_ACTION_UNDEFINE] = "undefine",
    [CALLOUT_ACTION_MODIFY] = "modify",
    [CALLOUT_ACTION_ATTRIBUTES] = "attributes",
    [CALLOUT_ACTION_CAPABILITIES] = "capabilities",
};

static const char *const state_names[_CALLOUT_STATE_MAX] = {
    [CALLOUT_STATE_NONE] = "none",
    [CALLOUT_STATE_SUCCESS] = "success",
    [CALLOUT_STATE_FAILURE] = "failure",
};

const char *callout_event_to_string(enum callout_event e)
{
	return (int)e >= 0 && e < _CALLOUT_EVENT_MAX ? event_names[e] : NULL;
}

const char *callout_action_to_string(enum callout_action a)
{
	return (int)a >= 0 && a < _CALLOUT_ACTION_MAX ? action_names[a] : NULL;
}

const char *callout_state_to_string(enum callout_state s)
{
	return (int)s >= 0 && s < _CALLOUT_STATE_MAX ? state_names[s] : NULL;
}

int callout_dirs(enum callout_kind kind, char ***ret)
{
	const char *sub = kind == CALLOUT_KIND_NOTIFIER ? "notifiers" : "callouts";
	char **v;
	int r;

	v = calloc(3, sizeof(char *));
	if (!v)
		return -ENOMEM;
	/* mdevctl 1.3+: the packaged directory first, the old one in /etc still honoured. */
	r = root_path_join(&v[0], "/usr/lib/mdevctl/scripts.d/", sub, NULL);
	if (r >= 0)
		r = root_path_join(&v[1], "/etc/mdevctl.d/scripts.d/", sub, NULL);
	if (r < 0) {
		strv_free(v);
		return r;
	}
	*ret = v;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int callout_dir_scripts(const char *dir, char ***ret, size_t *ret_dropped)
{
	_cleanup_strv_free_ char **v = NULL;
	struct dirent *de;
	size_t n = 0, dropped = 0;
	DIR *d;

	d = opendir(dir);
	if (!d && errno != ENOENT && errno != ENOTDIR)
		return -errno;
	/* Most machines have no such directory: no room made for scripts then. */
	v = calloc(d ? CALLOUT_SCRIPTS_MAX + 1 : 1, sizeof(char *));
	if (!v) {
		if (d)
			closedir(d);
		return -ENOMEM;
	}
	while (d && (de = readdir(d))) {
		if (streq(de->d_name, ".") || streq(de->d_name, ".."))
			continue;
		if (n == CALLOUT_SCRIPTS_MAX) {
			dropped++;
			continue;
		}
		if (asprintf(&v[n], "%s/%s", dir, de->d_name) < 0) {
			v[n] = NULL;
			closedir(d);
			return -ENOMEM;
		}
		n++;
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(char *), name_cmp);
	if (ret_dropped)
		*ret_dropped = dropped;
	*ret = TAKE_PTR(v);
	return 0;
}

int callout_argv(const char *script, const struct callout_device *dev, enum callout_event event,
		 enum callout_action action, enum callout_state state, char ***ret)
{
	const char *words[] = {
	    script,
	    "-t",
	    dev->type,
	    "-e",
	    callout_event_to_string(event),
	    "-a",
	    callout_action_to_string(action),
	    "-s",
	    callout_state_to_string(state),
	    "-u",
	    dev->uuid,
	    "-p",
	    dev->parent,
	};
	char **v;

	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (!words[i])
			return -EINVAL;
	v = calloc(ELEMENTSOF(words) + 1, sizeof(char *));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < ELEMENTSOF(words); i++)
		if (!(v[i] = strdup(words[i]))) {
			strv_free(v);
			return -ENOMEM;
		}
	*ret = v;
	return 0;
}

void callout_attrs_free(struct callout_attr *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++) {
		free(a[i].name);
		free(a[i].value);
	}
	free(a);
}

static inline void json_object_putp(struct json_object **o)
{
	if (*o)
		json_object_put(*o);
}
#define _cleanup_json_ _cleanup_(json_object_putp)

int callout_config_json(const char *type, bool autostart, const struct callout_attr *attrs,
			size_t n_attrs, char **ret)
{
	_cleanup_json_ struct json_object *o = json_object_new_object();
	struct json_object *list = json_object_new_array();
	const char *text;
	int r = 0;

	if (!o || !list) {
		json_object_put(list);
		return -ENOMEM;
	}
	/* json-c keeps insertion order: mdevctl's mdev_type, start, attrs. */
	r |= json_object_object_add(o, "mdev_type", json_object_new_string(type));
	r |= json_object_object_add(o, "start",
				    json_object_new_string(autostart ? "auto" : "manual"));
	r |= json_object_object_add(o, "attrs", list);
	for (size_t i = 0; r == 0 && i < n_attrs; i++) {
		struct json_object *one = json_object_new_object();

		if (!one)
			return -ENOMEM;
		r |= json_object_object_add(one, attrs[i].name,
					    json_object_new_string(attrs[i].value));
		r |= json_object_array_add(list, one);
	}
	if (r != 0)
		return -ENOMEM;
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
						     JSON_C_TO_STRING_NOSLASHESCAPE);
	if (!text || !(*ret = strdup(text)))
		return -ENOMEM;
	return 0;
}

/* Parse @size bytes of @text with trailing NULs dropped (mdevctl issue #84). */
static int json_parse(const char *text, size_t size, struct json_object **ret)
{
	struct json_tokener *tok;
	struct json_object *o;

	while (size > 0 && text[size - 1] == '\0')
		size--;
	if (size > CALLOUT_STDOUT_MAX)
		return -E2BIG;
	tok = json_tokener_new_ex(CALLOUT_JSON_DEPTH_MAX);
	if (!tok)
		return -ENOMEM;
	o = json_tokener_parse_ex(tok, text, (int)size);
	if (json_tokener_get_error(tok) == json_tokener_continue)
		o = json_tokener_parse_ex(tok, "", 1);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		json_tokener_free(tok);
		return -EINVAL;
	}
	/* One value, as serde reads it: only white space may follow. */
	for (size_t i = json_tokener_get_parse_end(tok); i < size; i++)
		if (!strchr(" \t\r\n", text[i])) {
			json_object_put(o);
			json_tokener_free(tok);
			return -EINVAL;
		}
	json_tokener_free(tok);
	*ret = o;
	return 0;
}

static int attrs_fail(char **ret_error, const char *what)
{
	if (ret_error)
		*ret_error = strdup(what);
	return -EINVAL;
}

int callout_attrs_parse(const char *text, size_t size, struct callout_attr **ret, size_t *ret_n,
			char **ret_error)
{
	_cleanup_json_ struct json_object *o = NULL;
	struct callout_attr *v;
	size_t n;
	int r;

	while (size > 0 && text[size - 1] == '\0')
		size--;
	*ret = NULL;
	*ret_n = 0;
	if (size == 0)
		return 0;
	if (size == 4 && memcmp(text, "[{}]", 4) == 0)
		return 1;
	r = json_parse(text, size, &o);
	if (r == -ENOMEM)
		return r;
	if (r < 0)
		return attrs_fail(ret_error, "Invalid JSON received from callout script");
	if (!o)
		return 0; /* null: no attributes, as mdevctl */
	if (!json_object_is_type(o, json_type_array))
		return attrs_fail(ret_error, "attributes field is not an array");
	n = json_object_array_length(o);
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *one = json_object_array_get_idx(o, i);
		const char *why = NULL;

		if (!json_object_is_type(one, json_type_object))
			why = "invalid JSON format for attribute: not an object";
		else if (json_object_object_length(one) != 1)
			why = "invalid JSON format for attribute: too many fields";
		if (!why) {
			json_object_object_foreach (one, key, val) {
				if (!json_object_is_type(val, json_type_string)) {
					why = "invalid JSON format for attribute: value must be of "
					      "type str";
					break;
				}
				v[i].name = strdup(key);
				v[i].value = strdup(json_object_get_string(val));
				if (!v[i].name || !v[i].value) {
					callout_attrs_free(v, n);
					return -ENOMEM;
				}
			}
		}
		if (why) {
			callout_attrs_free(v, n);
			return attrs_fail(ret_error, why);
		}
	}
	*ret = v;
	*ret_n = n;
	return 1;
}

const char *callout_provides_json(void)
{
	return "{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\","
	       "\"undefine\",\"modify\",\"attributes\",\"capabilities\"],\"events\":[\"pre\","
	       "\"post\",\"notify\",\"get\",\"live\"]}}";
}

/* The bits of the names in @array (an array of strings) from @names; unknown ones flagged. */
static int names_to_bits(struct json_object *array, const char *const *names, size_t n_names,
			 unsigned *ret, bool *ret_unknown)
{
	size_t n;

	if (!json_object_is_type(array, json_type_array))
		return -EINVAL;
	n = json_object_array_length(array);
	*ret = 0;
	*ret_unknown = false;
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(array, i);
		bool known = false;

		if (!json_object_is_type(s, json_type_string))
			return -EINVAL;
		for (size_t k = 0; k < n_names; k++)
			if (names[k] && streq(names[k], json_object_get_string(s))) {
				*ret |= 1u << k;
				known = true;
			}
		*ret_unknown = *ret_unknown || !known;
	}
	return 0;
}

int callout_supports_parse(const char *text, size_t size, struct callout_supports *ret)
{
	_cleanup_json_ struct json_object *o = NULL;
	struct json_object *s, *version, *actions, *events;
	struct callout_supports sup = {};
	int64_t v;
	int r;

	r = json_parse(text, size, &o);
	if (r < 0)
		return r;
	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, "supports", &s) ||
	    !json_object_is_type(s, json_type_object) ||
	    !json_object_object_get_ex(s, "version", &version) ||
	    !json_object_is_type(version, json_type_int) ||
	    !json_object_object_get_ex(s, "actions", &actions) ||
	    !json_object_object_get_ex(s, "events", &events))
		return -EINVAL;
	v = json_object_get_int64(version);
	if (v < 0 || v > UINT32_MAX)
		return -EINVAL;
	sup.version = (unsigned)v;
	if (names_to_bits(actions, action_names, _CALLOUT_ACTION_MAX, &sup.actions,
			  &sup.unknown_actions) < 0 ||
	    names_to_bits(events, event_names, _CALLOUT_EVENT_MAX, &sup.events,
			  &sup.unknown_events) < 0)
		return -EINVAL;
	*ret = sup;
	return 0;
}
