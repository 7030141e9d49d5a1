/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Reading org.mdevvirtio1 objects off the wire into the model: the replies of
 * Manager.ListDevices, ListParents, ListJSON and ListJSONByFileDescriptor and
 * ObjectManager.GetManagedObjects, and the a{sv}
 * property dictionaries that InterfacesAdded also carries. Unknown properties, and known ones with
 * an unexpected signature, are skipped, so a newer daemon does not break an older CLI.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli-dbus.h"

static int read_string(sd_bus_message *m, char **field)
{
	const char *s;
	int r;

	r = sd_bus_message_read_basic(m, 's', &s);
	if (r < 0)
		return r;
	free(*field);
	*field = strdup(s);
	return *field ? 0 : -ENOMEM;
}

static int read_pairs(sd_bus_message *m, struct cli_attr **v, size_t *n)
{
	const char *a, *b;
	int r;

	cli_attrs_free(*v, *n);
	*v = NULL;
	*n = 0;
	r = sd_bus_message_enter_container(m, 'a', "(ss)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "(ss)", &a, &b)) > 0)
		if (cli_attrs_append(v, n, a, b) < 0)
			return -ENOMEM;
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int read_types(sd_bus_message *m, struct cli_parent *p)
{
	const char *id, *name, *desc, *api;
	uint32_t avail;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(sssus)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "(sssus)", &id, &name, &desc, &avail, &api)) > 0) {
		struct cli_type *t = cli_parent_add_type(p);

		if (!t)
			return -ENOMEM;
		t->available_instances = avail;
		t->id = strdup(id);
		t->name = strdup(name);
		t->description = strdup(desc);
		t->device_api = strdup(api);
		if (!t->id || !t->name || !t->description || !t->device_api)
			return -ENOMEM;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int read_bool(sd_bus_message *m, bool *field)
{
	int b, r;

	r = sd_bus_message_read_basic(m, 'b', &b);
	if (r >= 0)
		*field = b;
	return r;
}

static int read_strv(sd_bus_message *m, char ***field)
{
	char **l = NULL;
	int r;

	r = sd_bus_message_read_strv(m, &l);
	if (r < 0)
		return r;
	strv_free(*field);
	*field = l;
	return 0;
}

static int read_u64(sd_bus_message *m, uint64_t *field)
{
	return sd_bus_message_read_basic(m, 't', field);
}

/* a{sv} of basic values (s, b and unsigned integers) as text pairs; others are skipped. */
static int read_config(sd_bus_message *m, struct cli_attr **v, size_t *n)
{
	const char *key, *contents;
	int r;

	cli_attrs_free(*v, *n);
	*v = NULL;
	*n = 0;
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		char buf[32];
		const char *s = NULL;
		union {
			uint8_t y;
			uint16_t q;
			uint32_t u;
			uint64_t t;
			int b;
			const char *s;
		} x;

		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		r = sd_bus_message_peek_type(m, NULL, &contents);
		if (r < 0)
			return r;
		if (strlen(contents) == 1 && strchr("sbyqut", contents[0])) {
			r = sd_bus_message_read(m, "v", contents, &x);
			if (r < 0)
				return r;
			switch (contents[0]) {
			case 's': s = x.s; break;
			case 'b': s = x.b ? "yes" : "no"; break;
			case 'y': snprintf(buf, sizeof(buf), "%u", x.y); break;
			case 'q': snprintf(buf, sizeof(buf), "%u", x.q); break;
			case 'u': snprintf(buf, sizeof(buf), "%u", x.u); break;
			default: snprintf(buf, sizeof(buf), "%" PRIu64, x.t); break;
			}
			if (cli_attrs_append(v, n, key, s ? s : buf) < 0)
				return -ENOMEM;
		} else {
			r = sd_bus_message_skip(m, "v");
			if (r < 0)
				return r;
		}
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

/* Device.Definitions: a(sssa(ss)), (parent, type, start, attrs) each. */
static int read_definitions(sd_bus_message *m, struct cli_device *d)
{
	const char *parent, *type, *start;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(sssa(ss))");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'r', "sssa(ss)")) > 0) {
		struct cli_definition *def;

		r = sd_bus_message_read(m, "sss", &parent, &type, &start);
		if (r < 0)
			return r;
		r = cli_device_add_definition(d, parent, type, start, &def);
		if (r < 0)
			return r;
		r = read_pairs(m, &def->attrs, &def->n_attrs);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	d->has_definitions = true;
	return sd_bus_message_exit_container(m);
}

/* One property value (the variant's content) into the device. 0: not ours, skip. */
static int device_property(sd_bus_message *m, const char *name, const char *sig,
			   struct cli_device *d)
{
	static const struct {
		const char *name;
		size_t offset;
	} strings[] = {
	    {"Uuid", offsetof(struct cli_device, uuid)},
	    {"Parent", offsetof(struct cli_device, parent)},
	    {"Type", offsetof(struct cli_device, type)},
	    {"Class", offsetof(struct cli_device, class)},
	    {"Start", offsetof(struct cli_device, start)},
	    {"State", offsetof(struct cli_device, state)},
	    {"LastError", offsetof(struct cli_device, last_error)},
	    {"Driver", offsetof(struct cli_device, driver)},
	};

	if (streq(sig, "s"))
		for (size_t i = 0; i < ELEMENTSOF(strings); i++)
			if (streq(name, strings[i].name))
				return read_string(m, (char **)((char *)d + strings[i].offset))
					   ?: 1;
	if (streq(sig, "b") && streq(name, "Defined"))
		return read_bool(m, &d->defined) ?: 1;
	if (streq(sig, "b") && streq(name, "Active"))
		return read_bool(m, &d->active) ?: 1;
	if (streq(sig, "a(ss)") && streq(name, "Attrs"))
		return read_pairs(m, &d->attrs, &d->n_attrs) ?: 1;
	if (streq(sig, "a(ss)") && streq(name, "Nodes"))
		return read_pairs(m, &d->nodes, &d->n_nodes) ?: 1;
	if (streq(sig, "as") && streq(name, "Status"))
		return read_strv(m, &d->status) ?: 1;
	if (streq(sig, "t") && streq(name, "DeviceFeatures"))
		return read_u64(m, &d->device_features) ?: 1;
	if (streq(sig, "t") && streq(name, "DriverFeatures"))
		return read_u64(m, &d->driver_features) ?: 1;
	if (streq(sig, "a{sv}") && streq(name, "Config"))
		return read_config(m, &d->config, &d->n_config) ?: 1;
	if (streq(sig, "a" MDEVVIRTIO_DBUS_DEFINITION) && streq(name, "Definitions"))
		return read_definitions(m, d) ?: 1;
	return 0;
}

/* a{st} of counters; unknown names are skipped. */
static int read_counters(sd_bus_message *m, struct cli_vq_stats *s)
{
	const char *name;
	uint64_t value;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{st}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(m, "{st}", &name, &value)) > 0) {
		if (streq(name, "kicks"))
			s->kicks = value;
		else if (streq(name, "completed"))
			s->completed = value;
		else if (streq(name, "descriptors"))
			s->descriptors = value;
		else if (streq(name, "bytes"))
			s->bytes = value;
		else if (streq(name, "errors"))
			s->errors = value;
		else if (streq(name, "drops"))
			s->drops = value;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

static int read_queues(sd_bus_message *m, struct cli_stats *s)
{
	uint32_t index;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "(ua{st})");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'r', "ua{st}")) > 0) {
		struct cli_vq_stats *q = reallocarray(s->queues, s->n_queues + 1, sizeof(*q));

		if (!q)
			return -ENOMEM;
		s->queues = q;
		q = &s->queues[s->n_queues++];
		*q = (struct cli_vq_stats){};
		r = sd_bus_message_read_basic(m, 'u', &index);
		if (r < 0)
			return r;
		q->index = index;
		r = read_counters(m, q);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

int cli_dbus_read_statistics(sd_bus_message *m, struct cli_stats **ret)
{
	_cleanup_(cli_stats_freep) struct cli_stats *s = calloc(1, sizeof(*s));
	const char *key;
	int r;

	if (!s)
		return -ENOMEM;
	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read_basic(m, 's', &key);
		if (r < 0)
			return r;
		if (streq(key, "total") || streq(key, "queues")) {
			bool total = streq(key, "total");

			r = sd_bus_message_enter_container(m, 'v', total ? "a{st}" : "a(ua{st})");
			if (r < 0)
				return r;
			r = total ? read_counters(m, &s->total) : read_queues(m, s);
			if (r < 0)
				return r;
			r = sd_bus_message_exit_container(m);
		} else {
			r = sd_bus_message_skip(m, "v");
		}
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(s);
	return 0;
}

static int parent_property(sd_bus_message *m, const char *name, const char *sig,
			   struct cli_parent *p)
{
	if (streq(sig, "s") && streq(name, "Name"))
		return read_string(m, &p->name) ?: 1;
	if (streq(sig, "s") && streq(name, "Bus"))
		return read_string(m, &p->bus) ?: 1;
	if (streq(sig, "b") && streq(name, "Present"))
		return read_bool(m, &p->present) ?: 1;
	if (streq(sig, "a(sssus)") && streq(name, "Types"))
		return read_types(m, p) ?: 1;
	return 0;
}

static int manager_property(sd_bus_message *m, const char *name, const char *sig,
			    struct cli_model *model)
{
	if (streq(sig, "a(ss)") && streq(name, "BadDefinitions"))
		return read_pairs(m, &model->bad_definitions, &model->n_bad_definitions) ?: 1;
	return 0;
}

int cli_dbus_read_properties(sd_bus_message *m, enum cli_dbus_iface iface, void *target)
{
	const char *name, *sig;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sv}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
		r = sd_bus_message_read_basic(m, 's', &name);
		if (r < 0)
			return r;
		r = sd_bus_message_peek_type(m, NULL, &sig);
		if (r < 0)
			return r;
		r = sd_bus_message_enter_container(m, 'v', sig);
		if (r < 0)
			return r;
		r = iface == CLI_DBUS_DEVICE   ? device_property(m, name, sig, target)
		    : iface == CLI_DBUS_PARENT ? parent_property(m, name, sig, target)
					       : manager_property(m, name, sig, target);
		if (r == 0)
			r = sd_bus_message_skip(m, sig);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r >= 0)
			r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

enum cli_dbus_iface cli_dbus_iface_from_string(const char *s)
{
	if (streq(s, MDEVVIRTIO_DBUS_DEVICE_INTERFACE))
		return CLI_DBUS_DEVICE;
	if (streq(s, MDEVVIRTIO_DBUS_PARENT_INTERFACE))
		return CLI_DBUS_PARENT;
	if (streq(s, MDEVVIRTIO_DBUS_MANAGER_INTERFACE))
		return CLI_DBUS_MANAGER;
	return _CLI_DBUS_IFACE_INVALID;
}

/* One object's a{sa{sv}}: each of our interfaces becomes a device, a parent, or manager data. */
static int read_interfaces(sd_bus_message *m, struct cli_model *model)
{
	const char *iface;
	int r;

	r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
		enum cli_dbus_iface i;
		void *target = model;

		r = sd_bus_message_read_basic(m, 's', &iface);
		if (r < 0)
			return r;
		i = cli_dbus_iface_from_string(iface);
		if (i == CLI_DBUS_DEVICE)
			target = cli_model_add_device(model);
		else if (i == CLI_DBUS_PARENT)
			target = cli_model_add_parent(model);
		if (!target)
			return -ENOMEM;
		r = i == _CLI_DBUS_IFACE_INVALID ? sd_bus_message_skip(m, "a{sv}")
						 : cli_dbus_read_properties(m, i, target);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(m);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(m);
}

int cli_dbus_read_managed_objects(sd_bus_message *reply, struct cli_model **ret)
{
	_cleanup_cli_model_free_ struct cli_model *model = cli_model_new();
	const char *path;
	int r;

	if (!model)
		return -ENOMEM;
	r = sd_bus_message_enter_container(reply, 'a', "{oa{sa{sv}}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(reply, 'e', "oa{sa{sv}}")) > 0) {
		r = sd_bus_message_read_basic(reply, 'o', &path);
		if (r < 0)
			return r;
		r = read_interfaces(reply, model);
		if (r < 0)
			return r;
		r = sd_bus_message_exit_container(reply);
		if (r < 0)
			return r;
	}
	if (r < 0)
		return r;
	r = sd_bus_message_exit_container(reply);
	if (r < 0)
		return r;
	r = cli_model_finish(model);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(model);
	return 0;
}

/* One ListDevices record (MDEVVIRTIO_DBUS_DEVICE_RECORD) into @d. */
static int read_device_record(sd_bus_message *m, struct cli_device *d)
{
	int defined, active, r;
	uint64_t generation;

	r = sd_bus_message_enter_container(m, 'r', "sssssbbssa(ss)sa(ss)ta" MDEVVIRTIO_DBUS_DEFINITION);
	if (r <= 0)
		return r;
	if ((r = read_string(m, &d->uuid)) < 0 || (r = read_string(m, &d->parent)) < 0 ||
	    (r = read_string(m, &d->type)) < 0 || (r = read_string(m, &d->class)) < 0 ||
	    (r = read_string(m, &d->start)) < 0 ||
	    (r = sd_bus_message_read(m, "bb", &defined, &active)) < 0 ||
	    (r = read_string(m, &d->state)) < 0 || (r = read_string(m, &d->last_error)) < 0 ||
	    (r = read_pairs(m, &d->attrs, &d->n_attrs)) < 0 ||
	    (r = read_string(m, &d->driver)) < 0 ||
	    (r = read_pairs(m, &d->nodes, &d->n_nodes)) < 0 ||
	    (r = sd_bus_message_read(m, "t", &generation)) < 0 ||
	    (r = read_definitions(m, d)) < 0)
		return r;
	d->defined = defined;
	d->active = active;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : 1;
}

/* ListJSON's document as a C string, and the bad definitions after it. */
static int read_list_json_rest(sd_bus_message *reply, char *json, size_t size, char **ret_json,
			       size_t *ret_size, struct cli_model **ret_bad)
{
	_cleanup_cli_model_free_ struct cli_model *m = cli_model_new();
	int r;

	if (!m)
		return -ENOMEM;
	if (memchr(json, '\0', size))
		return -EBADMSG;
	json[size] = '\0';
	r = read_pairs(reply, &m->bad_definitions, &m->n_bad_definitions);
	if (r < 0)
		return r;
	*ret_json = json;
	*ret_size = size;
	*ret_bad = TAKE_PTR(m);
	return 0;
}

int cli_dbus_read_list_json(sd_bus_message *reply, char **ret_json, size_t *ret_size,
			    struct cli_model **ret_bad)
{
	_cleanup_free_ char *json = NULL;
	const void *bytes;
	size_t size;
	int r;

	r = sd_bus_message_read_array(reply, 'y', &bytes, &size);
	if (r < 0)
		return r;
	json = malloc(size + 1);
	if (!json)
		return -ENOMEM;
	memcpy(json, bytes, size);
	r = read_list_json_rest(reply, json, size, ret_json, ret_size, ret_bad);
	if (r >= 0)
		TAKE_PTR(json);
	return r;
}

int cli_dbus_read_list_json_fd(sd_bus_message *reply, char **ret_json, size_t *ret_size,
			       struct cli_model **ret_bad)
{
	_cleanup_free_ char *json = NULL;
	struct stat st;
	size_t size, done = 0;
	int fd, r;

	r = sd_bus_message_read(reply, "h", &fd);
	if (r < 0)
		return r;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EBADMSG;
	if ((uintmax_t)st.st_size > CLI_LIST_JSON_FD_MAX)
		return -EFBIG;
	size = (size_t)st.st_size;
	json = malloc(size + 1);
	if (!json)
		return -ENOMEM;
	while (done < size) {
		ssize_t n = pread(fd, json + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EBADMSG; /* shorter than it said: not the sealed listing */
		done += (size_t)n;
	}
	r = read_list_json_rest(reply, json, size, ret_json, ret_size, ret_bad);
	if (r >= 0)
		TAKE_PTR(json);
	return r;
}

int cli_dbus_read_device_list(sd_bus_message *reply, struct cli_model *model)
{
	int r;

	r = sd_bus_message_enter_container(reply, 'a', MDEVVIRTIO_DBUS_DEVICE_RECORD);
	if (r < 0)
		return r;
	for (;;) {
		struct cli_device *d;

		r = sd_bus_message_at_end(reply, false);
		if (r != 0)
			break;
		d = cli_model_add_device(model);
		if (!d)
			return -ENOMEM;
		r = read_device_record(reply, d);
		if (r <= 0)
			return r < 0 ? r : -EBADMSG;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(reply);
}

/* One ListParents record (MDEVVIRTIO_DBUS_PARENT_RECORD) into @p. */
static int read_parent_record(sd_bus_message *m, struct cli_parent *p)
{
	int r;

	r = sd_bus_message_enter_container(m, 'r', "ssba" MDEVVIRTIO_DBUS_PARENT_TYPE);
	if (r <= 0)
		return r;
	if ((r = read_string(m, &p->name)) < 0 || (r = read_string(m, &p->bus)) < 0 ||
	    (r = read_bool(m, &p->present)) < 0 || (r = read_types(m, p)) < 0)
		return r;
	r = sd_bus_message_exit_container(m);
	return r < 0 ? r : 1;
}

int cli_dbus_read_parent_list(sd_bus_message *reply, struct cli_model *model)
{
	int r;

	r = sd_bus_message_enter_container(reply, 'a', MDEVVIRTIO_DBUS_PARENT_RECORD);
	if (r < 0)
		return r;
	for (;;) {
		struct cli_parent *p;

		r = sd_bus_message_at_end(reply, false);
		if (r != 0)
			break;
		p = cli_model_add_parent(model);
		if (!p)
			return -ENOMEM;
		r = read_parent_record(reply, p);
		if (r <= 0)
			return r < 0 ? r : -EBADMSG;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(reply);
}
