/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-client: the benchmark's native D-Bus client of mdevvirtiod (sd-bus),
 * the figure a program that talks to the daemon directly gets, without the
 * CLI's formatting. Benchmark tool, not a test: it measures and prints, and
 * fails only when the daemon does not do the work asked (an error reply, a
 * device that never appears, a daemon that exits).
 *
 *   bus-client list [--records] [--uuids | --timed REPEATS]
 *       One call listing every definition, fully parsed into a model (every
 *       string copied): Manager.ListJSONByFileDescriptor(DEFINED), or
 *       ListJSON from a daemon without it, the daemon's pre-rendered
 *       `mdevctl list --defined --dumpjson`, parsed into the model; with
 *       --records (or when the daemon answers UnknownMethod)
 *       Manager.ListDevices(0), every device's record, or GetManagedObjects
 *       when the daemon lacks that too. Prints "<method> <entries>", or with
 *       --uuids the UUIDs, one a line. With --timed, what a long-lived
 *       client pays per listing: REPEATS calls, each parsed into a fresh
 *       model, on one connection set up (Hello answered) before the first;
 *       prints "<method> <entries> <median us>".
 *   bus-client ready [--list] [--timeout S] -- DAEMON [ARG...]
 *       Starts DAEMON with NOTIFY_SOCKET on a socket of ours and times, from
 *       just before fork(), READY=1 and the bus name being owned; VmHWM then;
 *       with --list one full listing on our connection and VmHWM after it.
 *       Then SIGTERM, and the daemon must exit 0. Prints key=value pairs.
 *   bus-client churn CYCLES PARENT TYPE
 *       CYCLES Define (new UUID, manual) + Undefine calls on one connection,
 *       after 100 untimed warm-up cycles; prints the daemon's VmRSS before
 *       and after and the seconds taken.
 *   bus-client cycle CYCLES PARENT TYPE
 *       In the VM: StartTransient, wait until the device's virtio_net
 *       interface exists (sysfs, 1 ms polls), Stop, wait until the device
 *       and the interface are gone; between cycles, untimed, until udev's
 *       queue is empty. Prints "<cycle> <create us> <remove us>" per cycle.
 *
 * Bus: the system bus (DBUS_SYSTEM_BUS_ADDRESS is honoured, so the host
 * benchmark's private bus works), opened once the arguments are checked.
 * Exit 0 done, 1 error, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#define BUS_NAME "org.mdevvirtio1"
#define BUS_ROOT "/org/mdevvirtio1"
#define MANAGER_IFACE "org.mdevvirtio1.Manager"
#define DEVICE_IFACE "org.mdevvirtio1.Device"
#define DEVICES_SYSFS "/sys/bus/mdev_virtio/devices"
#define POLL_LIMIT_US (20 * 1000 * 1000)

static int64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void nap_us(long us)
{
	struct timespec ts = {.tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int fail(int r, const char *what)
{
	fprintf(stderr, "bus-client: %s: %s\n", what, strerror(r < 0 ? -r : r));
	return 1;
}

static int fail_call(const char *what, const sd_bus_error *e, int r)
{
	fprintf(stderr, "bus-client: %s: %s\n", what,
		e && e->message ? e->message : strerror(r < 0 ? -r : r));
	return 1;
}

/* ---- the model a listing is parsed into ----------------------------------- */

struct pair {
	char *key, *value;
};

struct device {
	char *uuid, *parent, *type, *class, *start, *state, *last_error, *driver;
	int defined, active;
	struct pair *attrs, *nodes;
	size_t n_attrs, n_nodes;
	uint64_t generation;
};

struct model {
	struct device *devices;
	size_t n, cap;
	const char *method;
	/* ListJSON: one copy of the document, every string of the model decoded
	 * in place in it (the devices own none of their strings, only arrays). */
	char *text;
};

static void pairs_free(struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].key);
		free(p[i].value);
	}
	free(p);
}

static void model_clear(struct model *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct device *d = &m->devices[i];

		if (m->text) {
			free(d->attrs);
			continue;
		}
		free(d->uuid);
		free(d->parent);
		free(d->type);
		free(d->class);
		free(d->start);
		free(d->state);
		free(d->last_error);
		free(d->driver);
		pairs_free(d->attrs, d->n_attrs);
		pairs_free(d->nodes, d->n_nodes);
	}
	free(m->devices);
	free(m->text);
	*m = (struct model){0};
}

static struct device *model_add(struct model *m)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 256;
		struct device *d = realloc(m->devices, cap * sizeof(*d));

		if (!d)
			return NULL;
		m->devices = d;
		m->cap = cap;
	}
	m->devices[m->n] = (struct device){0};
	return &m->devices[m->n++];
}

static int dup_str(char **to, const char *s)
{
	free(*to);
	*to = strdup(s);
	return *to ? 0 : -ENOMEM;
}

/* read_pairs: an a(ss) at the read position. */
static int read_pairs(sd_bus_message *msg, struct pair **ret, size_t *ret_n)
{
	struct pair *v = NULL;
	size_t n = 0, cap = 0;
	const char *k, *val;
	int r;

	r = sd_bus_message_enter_container(msg, 'a', "(ss)");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_read(msg, "(ss)", &k, &val)) > 0) {
		if (n == cap) {
			struct pair *nv = realloc(v, (cap = cap ? cap * 2 : 4) * sizeof(*v));

			if (!nv) {
				r = -ENOMEM;
				break;
			}
			v = nv;
		}
		v[n].key = strdup(k);
		v[n].value = strdup(val);
		n++;
		if (!v[n - 1].key || !v[n - 1].value) {
			r = -ENOMEM;
			break;
		}
	}
	if (r < 0 || (r = sd_bus_message_exit_container(msg)) < 0) {
		pairs_free(v, n);
		return r;
	}
	*ret = v;
	*ret_n = n;
	return 0;
}

/* ListDevices(u flags) -> a(sssssbbssa(ss)sa(ss)ta(sssa(ss))) */
static int parse_list_devices(sd_bus_message *msg, struct model *m)
{
	const char *uuid, *parent, *type, *class, *start, *state, *err, *driver;
	int defined, active, r;

	r = sd_bus_message_enter_container(msg, 'a', "(sssssbbssa(ss)sa(ss)ta(sssa(ss)))");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(msg, 'r', "sssssbbssa(ss)sa(ss)ta(sssa(ss))")) >
	       0) {
		struct device *d = model_add(m);

		if (!d)
			return -ENOMEM;
		r = sd_bus_message_read(msg, "sssssbbss", &uuid, &parent, &type, &class, &start,
					&defined, &active, &state, &err);
		if (r < 0 || (r = dup_str(&d->uuid, uuid)) < 0 ||
		    (r = dup_str(&d->parent, parent)) < 0 || (r = dup_str(&d->type, type)) < 0 ||
		    (r = dup_str(&d->class, class)) < 0 || (r = dup_str(&d->start, start)) < 0 ||
		    (r = dup_str(&d->state, state)) < 0 || (r = dup_str(&d->last_error, err)) < 0)
			return r;
		d->defined = defined;
		d->active = active;
		if ((r = read_pairs(msg, &d->attrs, &d->n_attrs)) < 0 ||
		    (r = sd_bus_message_read(msg, "s", &driver)) < 0 ||
		    (r = dup_str(&d->driver, driver)) < 0 ||
		    (r = read_pairs(msg, &d->nodes, &d->n_nodes)) < 0 ||
		    (r = sd_bus_message_read(msg, "t", &d->generation)) < 0 ||
		    (r = sd_bus_message_skip(msg, "a(sssa(ss))")) < 0 ||
		    (r = sd_bus_message_exit_container(msg)) < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

/* One Device property (the variant at the read position) into d. */
static int parse_device_property(sd_bus_message *msg, const char *name, struct device *d)
{
	static const struct {
		const char *name;
		size_t offset;
	} strings[] = {
		{"Uuid", offsetof(struct device, uuid)},
		{"Parent", offsetof(struct device, parent)},
		{"Type", offsetof(struct device, type)},
		{"Class", offsetof(struct device, class)},
		{"Start", offsetof(struct device, start)},
		{"State", offsetof(struct device, state)},
		{"LastError", offsetof(struct device, last_error)},
		{"Driver", offsetof(struct device, driver)},
	};
	const char *s;
	int r;

	for (size_t i = 0; i < sizeof(strings) / sizeof(strings[0]); i++) {
		if (strcmp(name, strings[i].name) != 0)
			continue;
		r = sd_bus_message_read(msg, "v", "s", &s);
		return r < 0 ? r : dup_str((char **)((char *)d + strings[i].offset), s);
	}
	if (strcmp(name, "Defined") == 0)
		return sd_bus_message_read(msg, "v", "b", &d->defined);
	if (strcmp(name, "Active") == 0)
		return sd_bus_message_read(msg, "v", "b", &d->active);
	if (strcmp(name, "Attrs") == 0 || strcmp(name, "Nodes") == 0) {
		bool attrs = name[0] == 'A';

		r = sd_bus_message_enter_container(msg, 'v', "a(ss)");
		if (r < 0)
			return r;
		r = attrs ? read_pairs(msg, &d->attrs, &d->n_attrs)
			  : read_pairs(msg, &d->nodes, &d->n_nodes);
		return r < 0 ? r : sd_bus_message_exit_container(msg);
	}
	return sd_bus_message_skip(msg, "v");
}

/* GetManagedObjects -> a{oa{sa{sv}}}: the objects with a Device interface. */
static int parse_managed_objects(sd_bus_message *msg, struct model *m)
{
	const char *path, *iface, *name;
	int r;

	r = sd_bus_message_enter_container(msg, 'a', "{oa{sa{sv}}}");
	if (r < 0)
		return r;
	while ((r = sd_bus_message_enter_container(msg, 'e', "oa{sa{sv}}")) > 0) {
		if ((r = sd_bus_message_read(msg, "o", &path)) < 0 ||
		    (r = sd_bus_message_enter_container(msg, 'a', "{sa{sv}}")) < 0)
			return r;
		while ((r = sd_bus_message_enter_container(msg, 'e', "sa{sv}")) > 0) {
			struct device *d = NULL;

			if ((r = sd_bus_message_read(msg, "s", &iface)) < 0)
				return r;
			if (strcmp(iface, DEVICE_IFACE) != 0) {
				r = sd_bus_message_skip(msg, "a{sv}");
			} else if (!(d = model_add(m))) {
				return -ENOMEM;
			} else if ((r = sd_bus_message_enter_container(msg, 'a', "{sv}")) >= 0) {
				while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
					if ((r = sd_bus_message_read(msg, "s", &name)) < 0 ||
					    (r = parse_device_property(msg, name, d)) < 0 ||
					    (r = sd_bus_message_exit_container(msg)) < 0)
						return r;
				}
				if (r >= 0)
					r = sd_bus_message_exit_container(msg);
			}
			if (r < 0 || (r = sd_bus_message_exit_container(msg)) < 0)
				return r;
			if (d && !d->uuid) {
				fprintf(stderr, "bus-client: %s has no Uuid\n", path);
				return -EBADMSG;
			}
		}
		if (r < 0 || (r = sd_bus_message_exit_container(msg)) < 0 ||
		    (r = sd_bus_message_exit_container(msg)) < 0)
			return r;
	}
	if (r < 0)
		return r;
	return sd_bus_message_exit_container(msg);
}

/*
 * ListJSON's document, read strictly (what the daemon documents, nothing
 * else: [ { parent: [ { uuid: {mdev_type, start, attrs: [{name: value}]} } ] } ],
 * JSON whitespace anywhere, escapes decoded) into the model: the document is
 * copied once and every string decoded in place in the copy (a decoded
 * string is never longer than its JSON), so the model holds every string
 * without one allocation each. A parser for this one shape instead of a tree
 * of json-c objects, as a C client that wants the data would write it.
 */
struct reader {
	char *p, *end;
	struct model *m;
	char *parent; /* of the entries being read */
	struct device *d; /* the entry being read */
};

/* The copy is NUL-terminated (and holds no NUL, else it fails to parse at it). */
static void skip_ws(struct reader *r)
{
	/* A loop, not strspn(): the runs are short (indentation), where
	 * strspn's set-up per call cost more than the scan (37% of a parse). */
	while (*r->p == ' ' || *r->p == '\n' || *r->p == '\t' || *r->p == '\r')
		r->p++;
}

static bool eat(struct reader *r, char c)
{
	skip_ws(r);
	if (r->p < r->end && *r->p == c) {
		r->p++;
		return true;
	}
	return false;
}

static int hex4(const char *p, unsigned *ret)
{
	unsigned v = 0;

	for (int i = 0; i < 4; i++) {
		char c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return -EBADMSG;
	}
	*ret = v;
	return 0;
}

static char *put_utf8(char *o, unsigned c)
{
	if (c < 0x80) {
		*o++ = (char)c;
	} else if (c < 0x800) {
		*o++ = (char)(0xc0 | c >> 6);
		*o++ = (char)(0x80 | (c & 0x3f));
	} else if (c < 0x10000) {
		*o++ = (char)(0xe0 | c >> 12);
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	} else {
		*o++ = (char)(0xf0 | c >> 18);
		*o++ = (char)(0x80 | ((c >> 12) & 0x3f));
		*o++ = (char)(0x80 | ((c >> 6) & 0x3f));
		*o++ = (char)(0x80 | (c & 0x3f));
	}
	return o;
}

/* The escape at @p (after its backslash) into @o; @p and @o moved past it. */
static int unescape(char **p, const char *end, char **o)
{
	static const char plain[] = "\"\\/bfnrt", as[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(plain, **p);
	unsigned c, lo;

	if (**p && e) {
		*(*o)++ = as[e - plain];
		(*p)++;
		return 0;
	}
	if (**p != 'u' || end - *p < 5 || hex4(*p + 1, &c) < 0)
		return -EBADMSG;
	*p += 5;
	if (c >= 0xd800 && c < 0xdc00) {
		if (end - *p < 6 || (*p)[0] != '\\' || (*p)[1] != 'u' || hex4(*p + 2, &lo) < 0 ||
		    lo < 0xdc00 || lo >= 0xe000)
			return -EBADMSG;
		*p += 6;
		c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
	} else if (c >= 0xdc00 && c < 0xe000) {
		return -EBADMSG;
	}
	*o = put_utf8(*o, c);
	return 0;
}

/* The bytes a string's plain run stops at: its end, an escape, a control character or NUL. */
static const bool string_stop[256] = {[0 ... 0x1f] = true, ['"'] = true, ['\\'] = true};

/* A JSON string, decoded in place: *@ret points into the document. */
static int read_string(struct reader *r, char **ret)
{
	char *s, *q, *o;
	bool escaped = false;

	skip_ws(r);
	if (r->p >= r->end || *r->p != '"')
		return -EBADMSG;
	s = ++r->p;
	/* Where it ends: the next '"' that no backslash escapes; no raw control
	 * character (nor NUL) before it. */
	for (q = s;; q += 2) {
		while (!string_stop[(unsigned char)*q])
			q++;
		if (*q == '"')
			break;
		if (*q != '\\' || q[1] == '\0' || (unsigned char)q[1] < 0x20)
			return -EBADMSG;
		escaped = true;
	}
	*ret = s;
	r->p = q + 1;
	/* Most strings have no escape: nothing to decode, the quote becomes the NUL. */
	if (!escaped) {
		*q = '\0';
		return 0;
	}
	for (o = s; s < q;) {
		char *run = memchr(s, '\\', (size_t)(q - s));
		size_t n = (size_t)((run ? run : q) - s);

		memmove(o, s, n);
		o += n;
		s += n;
		if (!run)
			break;
		s++;
		if (unescape(&s, q, &o) < 0)
			return -EBADMSG;
	}
	*o = '\0'; /* at the closing quote at the latest */
	return 0;
}

/* The items of a container opened by @open and closed by @close, one @item call each. */
static int read_items(struct reader *r, char open, char close, int (*item)(struct reader *))
{
	int e;

	if (!eat(r, open))
		return -EBADMSG;
	if (eat(r, close))
		return 0;
	do {
		e = item(r);
		if (e < 0)
			return e;
	} while (eat(r, ','));
	return eat(r, close) ? 0 : -EBADMSG;
}

/* "key": — the key, and the colon after it. */
static int read_key(struct reader *r, char **ret)
{
	int e = read_string(r, ret);

	if (e < 0)
		return e;
	return eat(r, ':') ? 0 : -EBADMSG;
}

static int attr_member(struct reader *r)
{
	struct device *d = r->d;
	struct pair *v;
	char *k, *val;
	int e;

	if ((e = read_key(r, &k)) < 0 || (e = read_string(r, &val)) < 0)
		return e;
	v = realloc(d->attrs, (d->n_attrs + 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	d->attrs = v;
	d->attrs[d->n_attrs++] = (struct pair){k, val};
	return 0;
}

static int attr_item(struct reader *r)
{
	return read_items(r, '{', '}', attr_member);
}

static int config_member(struct reader *r)
{
	char *key;
	int e;

	if ((e = read_key(r, &key)) < 0)
		return e;
	if (strcmp(key, "mdev_type") == 0 && !r->d->type)
		e = read_string(r, &r->d->type);
	else if (strcmp(key, "start") == 0 && !r->d->start)
		e = read_string(r, &r->d->start);
	else if (strcmp(key, "attrs") == 0)
		e = read_items(r, '[', ']', attr_item);
	else
		e = -EBADMSG;
	return e;
}

static int entry_member(struct reader *r)
{
	char *uuid;
	int e;

	if ((e = read_key(r, &uuid)) < 0)
		return e;
	r->d = model_add(r->m);
	if (!r->d)
		return -ENOMEM;
	r->d->uuid = uuid;
	r->d->defined = 1;
	r->d->parent = r->parent;
	e = read_items(r, '{', '}', config_member);
	return e < 0 ? e : r->d->type && r->d->start ? 0 : -EBADMSG;
}

static int entry_item(struct reader *r)
{
	return read_items(r, '{', '}', entry_member);
}

static int parent_member(struct reader *r)
{
	int e = read_key(r, &r->parent);

	return e < 0 ? e : read_items(r, '[', ']', entry_item);
}

static int parent_item(struct reader *r)
{
	return read_items(r, '{', '}', parent_member);
}

/* The document in m->text (@size bytes, NUL after them) into the model. */
static int parse_text(struct model *m, size_t size)
{
	struct reader r = {.m = m, .p = m->text, .end = m->text + size};
	int e;

	e = read_items(&r, '[', ']', parent_item);
	skip_ws(&r);
	return e < 0 ? e : r.p == r.end ? 0 : -EBADMSG;
}

/* ListJSON(1) -> (ay json, a(ss) bad) into the model. */
static int parse_list_json(sd_bus_message *msg, struct model *m)
{
	const void *bytes;
	size_t size;
	int e;

	e = sd_bus_message_read_array(msg, 'y', &bytes, &size);
	if (e < 0)
		return e;
	m->text = malloc(size + 1);
	if (!m->text)
		return -ENOMEM;
	memcpy(m->text, bytes, size);
	m->text[size] = '\0';
	return parse_text(m, size);
}

/* ListJSONByFileDescriptor(1) -> (h json, a(ss) bad): the document read
 * from the descriptor (one copy, by the kernel) into the model. */
static int parse_list_json_fd(sd_bus_message *msg, struct model *m)
{
	struct stat st;
	size_t size, done = 0;
	int e, fd;

	e = sd_bus_message_read(msg, "h", &fd);
	if (e < 0)
		return e;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_size < 0)
		return -EBADMSG;
	size = (size_t)st.st_size;
	m->text = malloc(size + 1);
	if (!m->text)
		return -ENOMEM;
	while (done < size) {
		ssize_t n = pread(fd, m->text + done, size - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EBADMSG;
		done += (size_t)n;
	}
	m->text[size] = '\0';
	return parse_text(m, size);
}

/*
 * list_all: ListJSONByFileDescriptor(DEFINED) unless @records, or ListJSON
 * from a daemon without it; ListDevices(0) then, or when the daemon lacks
 * both; GetManagedObjects if it lacks that too.
 */
static int list_all(sd_bus *bus, bool records, struct model *m)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int r;

	if (!records) {
		r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE,
				       "ListJSONByFileDescriptor", &e, &reply, "u", 1u);
		if (r >= 0) {
			m->method = "ListJSONByFileDescriptor";
			r = parse_list_json_fd(reply, m);
			goto done;
		}
		if (!sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD))
			goto done;
		sd_bus_error_free(&e);
		r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "ListJSON", &e,
				       &reply, "u", 1u);
		if (r >= 0) {
			m->method = "ListJSON";
			r = parse_list_json(reply, m);
			goto done;
		}
		if (!sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD))
			goto done;
		sd_bus_error_free(&e);
	}
	r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "ListDevices", &e, &reply,
			       "u", 0u);
	if (r >= 0) {
		m->method = "ListDevices";
		r = parse_list_devices(reply, m);
	} else if (sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_METHOD)) {
		sd_bus_error_free(&e);
		r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, "org.freedesktop.DBus.ObjectManager",
				       "GetManagedObjects", &e, &reply, NULL);
		if (r >= 0) {
			m->method = "GetManagedObjects";
			r = parse_managed_objects(reply, m);
		}
	}
done:
	if (r < 0)
		fail_call("listing the devices", &e, r);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return r;
}

static long positive(const char *s, const char *what);

/*
 * timed_lists: what a long-lived manager pays per listing: @reps calls of
 * list_all, each parsed into a fresh model, on a connection already set up
 * (the Hello answered); prints "<method> <devices> <median us>".
 */
static int timed_lists(sd_bus *bus, bool records, long reps)
{
	int64_t *t = calloc((size_t)reps, sizeof(*t));
	struct model m = {0};
	const char *method = "?";
	size_t n = 0;
	int r;

	if (!t)
		return fail(-ENOMEM, "timing the listings");
	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus.Peer", "Ping", NULL, NULL, NULL);
	if (r < 0) {
		free(t);
		return fail(r, "waiting for the connection");
	}
	for (long i = 0; i < reps; i++) {
		int64_t t0 = now_us();

		r = list_all(bus, records, &m);
		t[i] = now_us() - t0;
		method = m.method;
		n = m.n;
		model_clear(&m);
		if (r < 0) {
			free(t);
			return 1;
		}
	}
	for (long i = 1; i < reps; i++)
		for (long j = i; j > 0 && t[j - 1] > t[j]; j--) {
			int64_t x = t[j];

			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	printf("%s %zu %lld\n", method, n, (long long)t[(reps - 1) / 2]);
	free(t);
	return 0;
}

static int cmd_list(sd_bus *bus, int argc, char **argv)
{
	struct model m = {0};
	bool uuids = false, records = false;
	long reps = 0;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--uuids") == 0)
			uuids = true;
		else if (strcmp(argv[i], "--records") == 0)
			records = true;
		else if (strcmp(argv[i], "--timed") == 0 && i + 1 < argc) {
			reps = positive(argv[++i], "--timed");
			if (reps < 0)
				return 2;
		} else {
			fprintf(stderr, "usage: bus-client list [--records] [--uuids | --timed REPEATS]\n");
			return 2;
		}
	}
	if (!bus)
		return 0;
	if (reps > 0)
		return timed_lists(bus, records, reps);
	if (list_all(bus, records, &m) < 0)
		return 1;
	if (uuids)
		for (size_t i = 0; i < m.n; i++)
			printf("%s\n", m.devices[i].uuid);
	else
		printf("%s %zu\n", m.method, m.n);
	model_clear(&m);
	return 0;
}

/* ---- ready: start-up of the daemon ----------------------------------------- */

/* proc_kb: the "<key>:" line of /proc/<pid>/status in kB, or -1. */
static long proc_kb(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t len = strlen(key);
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, key, len) == 0 && line[len] == ':') {
			v = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return v;
}

static int name_owner_changed(sd_bus_message *msg, void *userdata, sd_bus_error *e)
{
	const char *name, *old, *new;
	int64_t *owned_at = userdata;

	(void)e;
	if (sd_bus_message_read(msg, "sss", &name, &old, &new) >= 0 && new[0] && *owned_at == 0)
		*owned_at = now_us();
	return 0;
}

/* notify_read: one datagram from the daemon; sets *ready_at on READY=1. */
static void notify_read(int fd, int64_t *ready_at)
{
	char buf[4096];
	ssize_t n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (n <= 0)
		return;
	buf[n] = 0;
	for (char *l = strtok(buf, "\n"); l; l = strtok(NULL, "\n"))
		if (strcmp(l, "READY=1") == 0 && *ready_at == 0)
			*ready_at = now_us();
}

static pid_t spawn_daemon(char **argv, const char *notify_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		setenv("NOTIFY_SOCKET", notify_path, 1);
		execvp(argv[0], argv);
		fprintf(stderr, "bus-client: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

/* wait_ready: until READY=1 and the name is owned, the daemon exits, or timeout. */
static int wait_ready(sd_bus *bus, int nfd, pid_t pid, int64_t deadline, int64_t *ready_at,
		      const int64_t *owned_at)
{
	int status, r;

	while (*ready_at == 0 || *owned_at == 0) {
		struct pollfd p[2] = {{.fd = nfd, .events = POLLIN},
				      {.fd = sd_bus_get_fd(bus), .events = sd_bus_get_events(bus)}};
		int64_t left = deadline - now_us();

		while ((r = sd_bus_process(bus, NULL)) > 0)
			;
		if (r < 0)
			return fail(r, "processing the bus");
		if (*ready_at && *owned_at)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(stderr, "bus-client: the daemon exited (status 0x%x) before it was ready\n",
				(unsigned)status);
			return 1;
		}
		if (left <= 0) {
			fprintf(stderr, "bus-client: the daemon was not ready in time (READY=1: %s, name: %s)\n",
				*ready_at ? "yes" : "no", *owned_at ? "yes" : "no");
			return 1;
		}
		/* Wake at least every 10 ms to notice a daemon that died. */
		if (poll(p, 2, left > 10000 ? 10 : (int)(left / 1000) + 1) < 0 && errno != EINTR)
			return fail(-errno, "poll");
		if (p[0].revents & POLLIN)
			notify_read(nfd, ready_at);
	}
	return 0;
}

static int stop_daemon(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	if (waitpid(pid, &status, 0) != pid)
		return fail(-errno, "waiting for the daemon");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "bus-client: the daemon ended with status 0x%x on SIGTERM\n",
			(unsigned)status);
		return 1;
	}
	return 0;
}

static int notify_socket(char *dir, char *path, size_t size)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (!mkdtemp(dir))
		return -errno;
	if ((size_t)snprintf(path, size, "%s/notify", dir) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

static int cmd_ready(sd_bus *bus, int argc, char **argv)
{
	char dir[] = "/tmp/mdevvirtio-bench-notify.XXXXXX", path[128];
	int64_t t0, ready_at = 0, owned_at = 0, timeout_s = 60;
	long hwm_ready, hwm_list = -1, rss_list = -1;
	struct model m = {0};
	bool list = false;
	int i, nfd, rc;
	pid_t pid;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--list") == 0)
			list = true;
		else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
			timeout_s = strtol(argv[++i], NULL, 10);
		else
			break;
	}
	if (i + 1 >= argc || strcmp(argv[i], "--") != 0 || timeout_s <= 0) {
		fprintf(stderr, "usage: bus-client ready [--list] [--timeout S] -- DAEMON [ARG...]\n");
		return 2;
	}
	if (!bus)
		return 0;
	rc = sd_bus_match_signal(bus, NULL, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				 "org.freedesktop.DBus", "NameOwnerChanged", name_owner_changed,
				 &owned_at);
	if (rc < 0)
		return fail(rc, "subscribing to NameOwnerChanged");
	/* The match must be in place before the daemon can take the name. */
	rc = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				"org.freedesktop.DBus.Peer", "Ping", NULL, NULL, NULL);
	if (rc < 0)
		return fail(rc, "pinging the bus");
	nfd = notify_socket(dir, path, sizeof(path));
	if (nfd < 0)
		return fail(nfd, "creating the notify socket");
	t0 = now_us();
	pid = spawn_daemon(argv + i + 1, path);
	if (pid < 0) {
		rc = fail(-errno, "fork");
		goto out;
	}
	rc = wait_ready(bus, nfd, pid, t0 + timeout_s * 1000000, &ready_at, &owned_at);
	if (rc) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		goto out;
	}
	hwm_ready = proc_kb(pid, "VmHWM");
	if (list) {
		if (list_all(bus, false, &m) < 0) {
			stop_daemon(pid);
			rc = 1;
			goto out;
		}
		hwm_list = proc_kb(pid, "VmHWM");
		rss_list = proc_kb(pid, "VmRSS");
	}
	rc = stop_daemon(pid);
	if (rc == 0)
		printf("notify_us=%" PRId64 " name_us=%" PRId64 " ready_us=%" PRId64
		       " hwm_ready_kb=%ld hwm_list_kb=%ld rss_list_kb=%ld method=%s devices=%zu\n",
		       ready_at - t0, owned_at - t0,
		       (ready_at > owned_at ? ready_at : owned_at) - t0, hwm_ready, hwm_list, rss_list,
		       m.method ? m.method : "-", m.n);
	model_clear(&m);
out:
	close(nfd);
	unlink(path);
	rmdir(dir);
	return rc;
}

/* ---- churn: define/undefine cycles and the daemon's RSS --------------------- */

static int daemon_pid(sd_bus *bus, pid_t *ret)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	uint32_t pid;
	int r;

	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "GetConnectionUnixProcessID", &e, &reply, "s",
			       BUS_NAME);
	if (r >= 0)
		r = sd_bus_message_read(reply, "u", &pid);
	if (r < 0)
		fail_call("asking the bus for the daemon's PID", &e, r);
	else
		*ret = (pid_t)pid;
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return r;
}

static int define_undefine(sd_bus *bus, const char *parent, const char *type)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *path, *uuid;
	char *u = NULL;
	int r;

	r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "Define", &e, &reply,
			       "ssssa(ss)", parent, "", type, "manual", 0);
	if (r >= 0 && (r = sd_bus_message_read(reply, "os", &path, &uuid)) >= 0 &&
	    !(u = strdup(uuid)))
		r = -ENOMEM;
	if (r < 0) {
		fail_call("Define", &e, r);
		goto out;
	}
	reply = sd_bus_message_unref(reply);
	r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "Undefine", &e, NULL, "s", u);
	if (r < 0)
		fail_call(u, &e, r);
out:
	free(u);
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return r;
}

static long positive(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v <= 0) {
		fprintf(stderr, "bus-client: %s must be a positive number, not '%s'\n", what, s);
		return -1;
	}
	return v;
}

static int cmd_churn(sd_bus *bus, int argc, char **argv)
{
	long cycles, before, after, i;
	int64_t t0;
	pid_t pid;

	if (argc != 4) {
		fprintf(stderr, "usage: bus-client churn CYCLES PARENT TYPE\n");
		return 2;
	}
	if ((cycles = positive(argv[1], "CYCLES")) < 0)
		return 2;
	if (!bus)
		return 0;
	if (daemon_pid(bus, &pid) < 0)
		return 1;
	for (i = 0; i < 100; i++)
		if (define_undefine(bus, argv[2], argv[3]) < 0)
			return 1;
	before = proc_kb(pid, "VmRSS");
	t0 = now_us();
	for (i = 0; i < cycles; i++)
		if (define_undefine(bus, argv[2], argv[3]) < 0)
			return 1;
	after = proc_kb(pid, "VmRSS");
	printf("cycles=%ld rss_before_kb=%ld rss_after_kb=%ld hwm_kb=%ld seconds=%.2f\n", cycles,
	       before, after, proc_kb(pid, "VmHWM"), (double)(now_us() - t0) / 1e6);
	return 0;
}

/* ---- cycle: create+remove of a bound virtio_net device, in the VM ------------ */

static bool interface_exists(const char *uuid)
{
	char pattern[256];
	glob_t g;
	bool found;

	snprintf(pattern, sizeof(pattern), DEVICES_SYSFS "/%s/virtio*/net/*", uuid);
	found = glob(pattern, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return found;
}

static bool device_exists(const char *uuid)
{
	char path[256];

	snprintf(path, sizeof(path), DEVICES_SYSFS "/%s", uuid);
	return access(path, F_OK) == 0;
}

/* poll_until: 1 ms naps, as the shell ways of tests/bench/vm use. */
static int poll_until(bool (*ok)(const char *), const char *uuid, bool want, const char *what)
{
	int64_t end = now_us() + POLL_LIMIT_US;

	while (ok(uuid) != want) {
		if (now_us() > end) {
			fprintf(stderr, "bus-client: timed out waiting for %s of %s\n", what, uuid);
			return -ETIMEDOUT;
		}
		nap_us(1000);
	}
	return 0;
}

static bool udev_busy(const char *unused)
{
	(void)unused;
	return access("/run/udev/queue", F_OK) == 0;
}

static int udev_quiet(void)
{
	int r = poll_until(udev_busy, "udev", false, "the queue to empty");

	if (r < 0)
		return r;
	nap_us(2000);
	return poll_until(udev_busy, "udev", false, "the queue to empty");
}

static int one_cycle(sd_bus *bus, const char *parent, const char *type, const char *uuid,
		     int64_t *create_us, int64_t *remove_us)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int64_t t0, t1;
	int r;

	t0 = now_us();
	r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "StartTransient", &e, NULL,
			       "sssa(ss)", parent, type, uuid, 0);
	if (r < 0) {
		fail_call(uuid, &e, r);
		goto out;
	}
	if ((r = poll_until(interface_exists, uuid, true, "the interface")) < 0)
		goto out;
	t1 = now_us();
	r = sd_bus_call_method(bus, BUS_NAME, BUS_ROOT, MANAGER_IFACE, "Stop", &e, NULL, "s", uuid);
	if (r < 0) {
		fail_call(uuid, &e, r);
		goto out;
	}
	if ((r = poll_until(device_exists, uuid, false, "the removal")) < 0)
		goto out;
	*create_us = t1 - t0;
	*remove_us = now_us() - t1;
out:
	sd_bus_error_free(&e);
	return r;
}

static int cmd_cycle(sd_bus *bus, int argc, char **argv)
{
	int64_t c, rm;
	char uuid[64];
	long cycles;

	if (argc != 4) {
		fprintf(stderr, "usage: bus-client cycle CYCLES PARENT TYPE\n");
		return 2;
	}
	if ((cycles = positive(argv[1], "CYCLES")) < 0)
		return 2;
	if (!bus)
		return 0;
	/* Cycle 0 is the untimed warm-up. */
	for (long i = 0; i <= cycles; i++) {
		snprintf(uuid, sizeof(uuid), "5be1c4a0-0b0b-4000-8001-%012lx", i);
		if (one_cycle(bus, argv[2], argv[3], uuid, &c, &rm) < 0 || udev_quiet() < 0)
			return 1;
		if (i > 0)
			printf("%ld %" PRId64 " %" PRId64 "\n", i, c, rm);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(sd_bus *bus, int argc, char **argv);
	} verbs[] = {
		{"list", cmd_list},
		{"ready", cmd_ready},
		{"churn", cmd_churn},
		{"cycle", cmd_cycle},
	};
	sd_bus *bus = NULL;
	int r;

	if (argc < 2)
		goto usage;
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(argv[1], verbs[i].name) != 0)
			continue;
		/* Usage errors first: a verb called with a NULL bus only checks. */
		r = verbs[i].fn(NULL, argc - 1, argv + 1);
		if (r != 0)
			return r;
		r = sd_bus_open_system(&bus);
		if (r < 0)
			return fail(r, "connecting to the system bus");
		r = verbs[i].fn(bus, argc - 1, argv + 1);
		sd_bus_flush_close_unref(bus);
		return r;
	}
usage:
	fprintf(stderr, "usage: bus-client list|ready|churn|cycle ... (see the comment in bus-client.c)\n");
	return 2;
}
