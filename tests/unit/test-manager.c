/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The daemon's model over a fake root: definitions on disk, a fake sysfs with
 * the mvsim parent, and a fake kernel (fake-kernel.h) behind the real sysfs
 * layer. Uevents are played by calling manager_handle_uevent() after changing
 * the fake tree, as udev would report it; inotify is real.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "check-main.h"
#include "event-log.h"
#include "fake-kernel.h"
#include "fake-sysfs.h"
#include "manager-internal.h"
#include "root-path.h"

#define MVSIM "/sys/devices/virtual/mvsim/mvsim"
#define MVSIM2 "/sys/devices/virtual/mvsim/mvsim2"
#define ETC "/etc/mdevvirtio.d"
#define U1 "11111111-1111-4111-8111-111111111111"
#define U2 "22222222-2222-4222-8222-222222222222"
#define U3 "33333333-3333-4333-8333-333333333333"
#define U4 "44444444-4444-4444-8444-444444444444"
#define U5 "55555555-5555-4555-8555-555555555555"

static char *root;
static sd_event *event;
static struct manager *m;
static struct event_log seen;

/* The last CHANGED mask seen per kind of object, for the precise-change tests. */
static unsigned last_device_properties;

static void record(struct manager *mgr, const struct manager_change_event *ev, void *userdata)
{
	static const char *const changes[] = {"added", "changed", "removed"};

	/* Reads from the listener see the change already made. */
	if (ev->object == MANAGER_OBJECT_DEVICE)
		ck_assert((manager_get_device(mgr, ev->id) != NULL) ==
			  (ev->change != MANAGER_CHANGE_REMOVED));
	else if (ev->object == MANAGER_OBJECT_PARENT)
		ck_assert((manager_get_parent(mgr, ev->id) != NULL) ==
			  (ev->change != MANAGER_CHANGE_REMOVED));
	if (ev->object == MANAGER_OBJECT_MANAGER) {
		event_log_add(&seen, "manager changed");
		return;
	}
	if (ev->object == MANAGER_OBJECT_DEVICE && ev->change == MANAGER_CHANGE_CHANGED)
		last_device_properties = ev->properties;
	event_log_add(&seen, "%s %s %s", ev->object == MANAGER_OBJECT_DEVICE ? "device" : "parent",
		      changes[ev->change], ev->id);
}

/* Forget what was seen so far, once everything made so far was delivered. */
static void seen_clear(void)
{
	if (m)
		manager_flush(m);
	event_log_clear(&seen);
}

/* Changes reach listeners when the loop comes round: let it, then look. */
static void assert_seen(const char *line)
{
	manager_flush(m);
	event_log_assert_has(&seen, line);
}

static void mvsim_types_add(const char *parent)
{
	static const struct fake_type types[] = {
	    {"mvsim-virtio_net", "virtio_net", "loopback net", "virtio", 4, 1},
	    {"mvsim-vhost_net", "vhost_net", "loopback net", "vhost", 4, 1},
	    {"mvsim-virtio_blk", "virtio_blk", "ramdisk", "virtio", 0, 2},
	};

	for (size_t i = 0; i < ELEMENTSOF(types); i++)
		fake_type_add("mdev_virtio", parent, &types[i]);
}

static void setup(void)
{
	root = fake_sysfs_new();
	fake_bus_add("mdev_virtio");
	fake_bus_add("mdev");
	fake_parent_add("mdev_virtio", MVSIM, true);
	mvsim_types_add("mvsim");
	fake_mkdir("/etc");
	fake_mkdir(ETC);
	fake_kernel = (struct fake_kernel){};
	ck_assert_int_ge(sd_event_new(&event), 0);
	ck_assert_int_eq(manager_new(event, &m), 0);
	manager_set_kernel_ops(m, &(struct manager_kernel_ops){.create = fake_kernel_create,
							       .remove = fake_kernel_remove});
	ck_assert_int_eq(manager_add_listener(m, record, NULL), 0);
}

static void teardown(void)
{
	m = manager_free(m);
	event = sd_event_unref(event);
	seen_clear();
	fake_sysfs_free(TAKE_PTR(root));
}

static void startup(void)
{
	ck_assert_int_eq(manager_startup(m), 0);
	manager_flush(m); /* the auto starts queued at start-up */
}

static void def_file(const char *parent, const char *uuid, const char *json)
{
	_cleanup_free_ char *dir = NULL, *path = NULL;

	ck_assert_int_ge(asprintf(&dir, ETC "/%s", parent), 0);
	ck_assert_int_ge(asprintf(&path, "%s/%s", dir, uuid), 0);
	fake_mkdir(dir);
	fake_file_write(path, json);
}

static char *def_read(const char *parent, const char *uuid)
{
	_cleanup_free_ char *path = NULL;

	ck_assert_int_ge(asprintf(&path, ETC "/%s/%s", parent, uuid), 0);
	return fake_file_read(path);
}

static const struct managed_device *dev(const char *uuid)
{
	const struct managed_device *d = manager_get_device(m, uuid);

	ck_assert_msg(d != NULL, "device %s unknown", uuid);
	return d;
}

/* Stopped @uuid's record: no run state, no netlink facts, the shared unknown view. */
static void assert_no_run_state(const char *uuid)
{
	const struct mdevice *d = manager_find_device(m, uuid);

	ck_assert_msg(d != NULL, "device %s unknown", uuid);
	ck_assert_ptr_null(d->run);
	ck_assert_ptr_null(d->virtio);
	ck_assert_ptr_null(d->nodes);
	ck_assert_ptr_eq(d->pub.virtio, &managed_virtio_unknown);
}

static void assert_state(const char *uuid, enum device_state want)
{
	const struct managed_device *d = dev(uuid);

	ck_assert_msg(d->state == want, "%s: state %s, want %s (last error: %s)", uuid,
		      device_state_to_string(d->state), device_state_to_string(want),
		      strempty(d->last_error));
}

static bool running_in_sysfs(const char *uuid)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	ck_assert_int_eq(root_pathf(&p, "/sys/bus/mdev_virtio/devices/%s", uuid), 0);
	return stat(p, &st) == 0;
}

static void assert_error(int r, const struct manager_error *e, enum manager_error_kind kind,
			 const char *needle)
{
	ck_assert_int_lt(r, 0);
	ck_assert_msg(e->kind == kind, "error kind %d, want %d (%s)", e->kind, kind,
		      strempty(e->message));
	ck_assert_msg(e->message && strstr(e->message, needle), "message '%s' lacks '%s'",
		      strempty(e->message), needle);
}

static const struct definition_attr mac_attr[] = {{(char *)"mac", (char *)"02:00:00:00:00:01"}};

static const char *const auto_net = "{\"mdev_type\": \"mvsim-virtio_net\", \"start\": \"auto\"}";
static const char *const manual_net =
    "{\"mdev_type\": \"mvsim-virtio_net\", \"start\": \"manual\", \"attrs\": [{\"mac\": "
    "\"02:00:00:00:00:09\"}]}";

START_TEST(define_start_stop_undefine)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL, *json = NULL, *created = NULL;
	const struct managed_device *d;
	const struct managed_parent *p;

	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", NULL, "mvsim-virtio_net", "manual", mac_attr, 1, &uuid, &e),
	    0);
	ck_assert(uuid_is_normalized(uuid));
	{
		_cleanup_free_ char *line = NULL;

		ck_assert_int_ge(asprintf(&line, "device added %s", uuid), 0);
		assert_seen(line);
	}
	json = def_read("mvsim", uuid);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(strstr(json, "\"mac\": \"02:00:00:00:00:01\""));
	d = dev(uuid);
	ck_assert(d->defined && !d->active);
	ck_assert_str_eq(d->parent, "mvsim");
	ck_assert_str_eq(d->type, "mvsim-virtio_net");
	ck_assert_str_eq(d->class, "virtio"); /* from the type, before it runs */
	ck_assert_int_eq(d->start, DEFINITION_START_MANUAL);
	ck_assert_uint_eq(d->n_attrs, 1);
	assert_state(uuid, DEVICE_STATE_STOPPED);

	seen_clear();
	ck_assert_int_eq(manager_start(m, uuid, &e), 0);
	ck_assert(running_in_sysfs(uuid));
	created = fake_file_read(MVSIM "/"
				       "mdev_supported_types/mvsim-virtio_net/create");
	ck_assert_str_eq(created, uuid);
	d = dev(uuid);
	ck_assert(d->active);
	assert_state(uuid, DEVICE_STATE_RUNNING);
	ck_assert_str_eq(d->driver, "virtio_mdev");
	ck_assert_uint_eq(d->n_nodes, 1);
	ck_assert_str_eq(d->nodes[0].kind, "net");
	ck_assert_str_eq(d->nodes[0].name, "eth1");
	{
		_cleanup_free_ char *mac = NULL, *path = NULL;

		ck_assert_int_ge(asprintf(&path, MVSIM "/%s/mac", uuid), 0);
		mac = fake_file_read(path);
		ck_assert_str_eq(mac, "02:00:00:00:00:01");
	}
	p = manager_get_parent(m, "mvsim");
	ck_assert(p && p->present && p->n_types == 3);

	/* Already running: the kernel is not asked again. */
	ck_assert_int_lt(manager_start(m, uuid, &e), 0);
	ck_assert_int_eq(e.kind, MANAGER_ERROR_ALREADY_EXISTS);
	ck_assert_int_eq(fake_kernel.create_calls, 1);

	ck_assert_int_eq(manager_stop(m, uuid, &e), 0);
	ck_assert(!running_in_sysfs(uuid));
	d = dev(uuid);
	ck_assert(!d->active && d->driver == NULL && d->n_nodes == 0);
	assert_state(uuid, DEVICE_STATE_STOPPED);

	seen_clear();
	ck_assert_int_eq(manager_undefine(m, uuid, &e), 0);
	ck_assert_ptr_null(manager_get_device(m, uuid));
	ck_assert_ptr_null(def_read("mvsim", uuid));
	{
		_cleanup_free_ char *line = NULL;

		ck_assert_int_ge(asprintf(&line, "device removed %s", uuid), 0);
		assert_seen(line);
	}
}
END_TEST

START_TEST(define_with_uuid_any_spelling_and_json)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *uuid = NULL, *json = NULL;

	startup();
	ck_assert_int_eq(manager_define(m, "mvsim", "{11111111111141118111111111111111}",
					"mvsim-vhost_net", "auto", NULL, 0, &uuid, &e),
			 0);
	ck_assert_str_eq(uuid, U1);
	ck_assert_int_eq(dev(U1)->start, DEFINITION_START_AUTO);
	ck_assert_str_eq(dev(U1)->class, "vhost");
	free(uuid);
	uuid = NULL;
	ck_assert_int_eq(manager_define_json(m, "mvsim", U2, manual_net, &uuid, &e), 0);
	ck_assert_str_eq(uuid, U2);
	json = def_read("mvsim", U2);
	ck_assert_ptr_nonnull(strstr(json, "02:00:00:00:00:09"));
	ck_assert_str_eq(dev(U2)->attrs[0].value, "02:00:00:00:00:09");

	/* The same UUID again on its parent (another parent: one_uuid_on_two_parents). */
	assert_error(manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL,
				    &e),
		     &e, MANAGER_ERROR_ALREADY_EXISTS, U1);
	assert_error(manager_define_json(m, "mvsim", U2, manual_net, NULL, &e), &e,
		     MANAGER_ERROR_ALREADY_EXISTS, U2);
	/* Bad JSON says what is wrong. */
	assert_error(manager_define_json(m, "mvsim", U3, "{\"mdev_type\": 1}", NULL, &e), &e,
		     MANAGER_ERROR_INVALID_ARGUMENT, U3);
	ck_assert_ptr_null(manager_get_device(m, U3));
}
END_TEST

START_TEST(define_checks_type_only_on_present_parent)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const struct managed_parent *p;

	startup();
	assert_error(manager_define(m, "mvsim", U1, "no-such-type", "manual", NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_TYPE_NOT_SUPPORTED,
		     "Parent mvsim does not support mdev type no-such-type");
	ck_assert_ptr_null(def_read("mvsim", U1));
	/* A parent that may appear later: accepted, as mdevctl does, and waiting if auto. */
	ck_assert_int_eq(manager_define(m, "later", U1, "whatever", "auto", NULL, 0, NULL, &e), 0);
	assert_state(U1, DEVICE_STATE_WAITING_FOR_PARENT);
	p = manager_get_parent(m, "later");
	ck_assert(p && !p->present && p->bus == NULL && p->n_types == 0);
	assert_seen("parent added later");
	/* Forgotten with its last definition. */
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	ck_assert_ptr_null(manager_get_parent(m, "later"));
	assert_seen("parent removed later");
}
END_TEST

START_TEST(bad_input_is_refused)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	char big[MDEV_SYSFS_VALUE_MAX + 2];
	struct definition_attr many[MDEV_ATTRS_MAX + 1];
	struct definition_attr a;

	startup();
	assert_error(manager_define(m, "mvsim", "not-a-uuid", "mvsim-virtio_net", "manual", NULL, 0,
				    NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "not-a-uuid");
	assert_error(
	    manager_define(m, "../etc", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), &e,
	    MANAGER_ERROR_INVALID_ARGUMENT, "parent");
	assert_error(manager_define(m, "mvsim", U1, "a/b", "manual", NULL, 0, NULL, &e), &e,
		     MANAGER_ERROR_INVALID_ARGUMENT, "type");
	assert_error(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "sometimes", NULL, 0, NULL, &e), &e,
	    MANAGER_ERROR_INVALID_ARGUMENT, "sometimes");
	a = (struct definition_attr){(char *)"../../remove", (char *)"1"};
	assert_error(manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", &a, 1, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "attribute");
	a = (struct definition_attr){(char *)"remove", (char *)"1"};
	assert_error(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, &a, 1, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "remove");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a = (struct definition_attr){(char *)"mac", big};
	assert_error(manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", &a, 1, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "mac");
	for (size_t i = 0; i < ELEMENTSOF(many); i++)
		many[i] = (struct definition_attr){(char *)"mac", (char *)"x"};
	assert_error(manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", many,
				    ELEMENTSOF(many), NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "at most 128");
	/* The limit itself is fine. */
	ck_assert_int_eq(manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", many,
					MDEV_ATTRS_MAX, NULL, &e),
			 0);
	assert_error(manager_modify(m, U1, &(struct manager_changes){.start = -1}, 8, &e), &e,
		     MANAGER_ERROR_INVALID_ARGUMENT, "flags");
	assert_error(manager_modify(m, U1, &(struct manager_changes){.start = 7}, 0, &e), &e,
		     MANAGER_ERROR_INVALID_ARGUMENT, "start");
	assert_error(manager_start(m, "../../x", &e), &e, MANAGER_ERROR_INVALID_ARGUMENT, "UUID");
	assert_error(manager_stop(m, NULL, &e), &e, MANAGER_ERROR_INVALID_ARGUMENT, "UUID");
	/* One message per rule, the value quoted and cut. */
	assert_error(manager_define(m, "a/b", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT,
		     "Invalid parent 'a/b': must be [A-Za-z0-9_.:+@-], not starting with '.'");
	memset(big, 'p', 300);
	big[300] = '\0';
	assert_error(manager_define(m, big, U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "': longer than 128 bytes");
	ck_assert_uint_lt(strlen(e.message), 200);
	assert_error(manager_start_transient(m, "mvsim", big, U2, NULL, 0, NULL, &e), &e,
		     MANAGER_ERROR_INVALID_ARGUMENT, "Invalid type 'ppp");
	a = (struct definition_attr){(char *)"", (char *)"1"};
	assert_error(manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", &a, 1, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "Invalid attribute name ''");
	assert_error(manager_start(m, "not-a-uuid", &e), &e, MANAGER_ERROR_INVALID_ARGUMENT,
		     "Invalid UUID 'not-a-uuid'");
	assert_error(manager_modify(m, U1, &(struct manager_changes){.type = "../x", .start = -1},
				    0, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "Invalid type '../x'");
	/* Nothing of the refused calls reached the disk or the kernel. */
	ck_assert_int_eq(fake_kernel.create_calls, 0);
	ck_assert_uint_eq(manager_n_devices(m), 1);
}
END_TEST

START_TEST(error_kinds_from_the_kernel)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	assert_error(
	    manager_start_transient(m, "nosuch", "mvsim-virtio_net", U1, NULL, 0, NULL, &e), &e,
	    MANAGER_ERROR_PARENT_NOT_FOUND, "nosuch");
	assert_error(manager_start_transient(m, "MVSIM", "mvsim-virtio_net", U1, NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_PARENT_NOT_FOUND,
		     "Unable to find parent device 'MVSIM'. Did you mean 'mvsim'?");
	assert_error(manager_start_transient(m, "mvsim", "mvsim-nope", U1, NULL, 0, NULL, &e), &e,
		     MANAGER_ERROR_TYPE_NOT_SUPPORTED, "mvsim-nope");
	assert_error(manager_start_transient(m, "mvsim", "mvsim-virtio_blk", U1, NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_NO_INSTANCES, "EUSERS");
	ck_assert_ptr_null(manager_get_device(m, U1)); /* a transient that never ran is not kept */

	fake_kernel.create_fail = EIO;
	assert_error(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_KERNEL, "EIO");
	fake_kernel.create_fail = EINVAL;
	assert_error(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "mvsim");

	ck_assert_int_eq(
	    manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, mac_attr, 1, NULL, &e), 0);
	assert_error(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0, NULL, &e),
		     &e, MANAGER_ERROR_ALREADY_EXISTS, U1);
	fake_kernel.remove_fail = EBUSY;
	assert_error(manager_stop(m, U1, &e), &e, MANAGER_ERROR_BUSY, U1);
	ck_assert(dev(U1)->active);

	assert_error(manager_start(m, U2, &e), &e, MANAGER_ERROR_NOT_FOUND, U2);
	assert_error(manager_stop(m, U2, &e), &e, MANAGER_ERROR_NOT_FOUND, U2);
	assert_error(manager_undefine(m, U2, &e), &e, MANAGER_ERROR_NOT_FOUND, U2);
	assert_error(manager_modify(m, U2, &(struct manager_changes){.start = 1}, 0, &e), &e,
		     MANAGER_ERROR_NOT_FOUND, U2);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	assert_error(manager_stop(m, U2, &e), &e, MANAGER_ERROR_NOT_FOUND, "not running");
	/* A transient device has no definition to start or modify. */
	assert_error(manager_modify(m, U1, &(struct manager_changes){.start = 1}, 0, &e), &e,
		     MANAGER_ERROR_NOT_FOUND, "not defined");
}
END_TEST

START_TEST(failed_start_is_recorded_and_cleared)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_blk", "manual", NULL, 0, NULL, &e), 0);
	assert_error(manager_start(m, U1, &e), &e, MANAGER_ERROR_NO_INSTANCES, "mvsim-virtio_blk");
	assert_state(U1, DEVICE_STATE_FAILED);
	ck_assert_ptr_nonnull(strstr(dev(U1)->last_error, "No instances"));
	/* Instances become available: the next start works and clears the error. */
	fake_file_write(MVSIM "/mdev_supported_types/mvsim-virtio_blk/available_instances", "1\n");
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	assert_state(U1, DEVICE_STATE_RUNNING);
	ck_assert_ptr_null(dev(U1)->last_error);
	ck_assert_str_eq(dev(U1)->nodes[0].kind, "block");
}
END_TEST

START_TEST(most_attrs_a_file_may_hold_start)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *json = NULL;
	size_t n = 0;
	FILE *f;

	f = open_memstream(&json, &n);
	fputs("{\"mdev_type\": \"mvsim-virtio_net\", \"start\": \"manual\", \"attrs\": [", f);
	for (int i = 0; i < DEFINITION_ATTRS_MAX; i++)
		fprintf(f, "%s{\"mtu\": \"%d\"}", i ? ", " : "", 1500 + i);
	fputs("]}", f);
	fclose(f);
	def_file("mvsim", U1, json);
	startup();
	ck_assert_uint_eq(dev(U1)->n_attrs, DEFINITION_ATTRS_MAX);
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	assert_state(U1, DEVICE_STATE_RUNNING);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
	/* Written in order: the last value is what the attribute holds. */
	{
		_cleanup_free_ char *mtu = fake_file_read(MVSIM "/" U1 "/mtu");

		ck_assert_str_eq(mtu, "1627");
	}
}
END_TEST

START_TEST(startup_reconciles)
{
	const struct managed_device *d;

	/* U1 runs and is defined auto: adopted, never recreated. */
	def_file("mvsim", U1, auto_net);
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", U1, "virtio", "virtio_mdev",
			NULL, true);
	/* U2 auto, parent present, not running: started. */
	def_file("mvsim", U2, auto_net);
	/* U3 auto on an absent parent: waiting. */
	def_file("gone", U3, auto_net);
	/* U4 manual: left stopped. */
	def_file("mvsim", U4, manual_net);
	/* U5 runs without a definition: adopted as transient. */
	fake_device_add("mdev_virtio", "mvsim", "mvsim-vhost_net", U5, "vhost", NULL, NULL, true);
	/* A bad file is reported and hides nothing. */
	def_file("mvsim", "66666666-6666-4666-8666-666666666666", "{ not json");

	startup();
	ck_assert_int_eq(fake_kernel.create_calls, 1);
	ck_assert_str_eq(fake_kernel.last_created, U2);
	assert_state(U1, DEVICE_STATE_RUNNING);
	ck_assert_str_eq(dev(U1)->driver, "virtio_mdev");
	assert_state(U2, DEVICE_STATE_RUNNING);
	ck_assert(running_in_sysfs(U2));
	assert_state(U3, DEVICE_STATE_WAITING_FOR_PARENT);
	assert_state(U4, DEVICE_STATE_STOPPED);
	d = dev(U5);
	ck_assert(d->active && !d->defined);
	ck_assert_str_eq(d->type, "mvsim-vhost_net");
	ck_assert_str_eq(d->class, "vhost");
	ck_assert_int_eq(d->start, DEFINITION_START_MANUAL);
	ck_assert_uint_eq(manager_n_devices(m), 5);
	/* Sorted by UUID. */
	ck_assert_str_eq(manager_device_at(m, 0)->uuid, U1);
	ck_assert_str_eq(manager_device_at(m, 4)->uuid, U5);
	ck_assert_ptr_null(manager_device_at(m, 5));
	/* Parents sorted by name: the absent one known from its definition. */
	ck_assert_uint_eq(manager_n_parents(m), 2);
	ck_assert_str_eq(manager_parent_at(m, 0)->name, "gone");
	ck_assert(!manager_parent_at(m, 0)->present);
	ck_assert_str_eq(manager_parent_at(m, 1)->name, "mvsim");
	ck_assert_str_eq(manager_parent_at(m, 1)->bus->name, "mdev_virtio");
	{
		size_t n;

		manager_bad_files(m, &n);
		ck_assert_uint_eq(n, 1);
	}
}
END_TEST

START_TEST(startup_twice_refused)
{
	startup();
	ck_assert_int_eq(manager_startup(m), -EBUSY);
}
END_TEST

START_TEST(dropped_in_file_is_picked_up)
{
	startup();
	def_file("mvsim", U1, manual_net);
	event_log_wait(&seen, event, "device added " U1);
	ck_assert(dev(U1)->defined);
	ck_assert_str_eq(dev(U1)->attrs[0].value, "02:00:00:00:00:09");
	/* Edited by hand. */
	seen_clear();
	def_file("mvsim", U1, auto_net);
	event_log_wait(&seen, event, "device changed " U1);
	ck_assert_int_eq(dev(U1)->start, DEFINITION_START_AUTO);
	ck_assert_uint_eq(dev(U1)->n_attrs, 0);
	/* Definitions are not started by being dropped in (mdevctl define never starts). */
	ck_assert_int_eq(fake_kernel.create_calls, 0);
	seen_clear();
	fake_unlink(ETC "/mvsim/" U1);
	event_log_wait(&seen, event, "device removed " U1);
	ck_assert_ptr_null(manager_get_device(m, U1));
}
END_TEST

START_TEST(reload_rereads)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	def_file("mvsim", U1, manual_net);
	ck_assert_int_eq(manager_reload(m, &e), 0);
	ck_assert(dev(U1)->defined); /* at once, without running the loop */
	assert_seen("device added " U1);
}
END_TEST

START_TEST(undefine_keeps_running_device)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "auto", mac_attr, 1, NULL, &e), 0);
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	seen_clear();
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	assert_seen("device changed " U1);
	ck_assert(!dev(U1)->defined && dev(U1)->active);
	ck_assert(running_in_sysfs(U1));
	/* It keeps the attributes it was started with. */
	ck_assert_uint_eq(dev(U1)->n_attrs, 1);
	ck_assert_str_eq(dev(U1)->attrs[0].name, "mac");
	seen_clear();
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	assert_seen("device removed " U1);
	ck_assert_ptr_null(manager_get_device(m, U1));
}
END_TEST

START_TEST(modify_definition_and_live)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	static const struct definition_attr mtu[] = {{(char *)"mtu", (char *)"9000"}};
	_cleanup_free_ char *json = NULL, *v = NULL;

	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", mac_attr, 1, NULL, &e), 0);
	seen_clear();
	ck_assert_int_eq(manager_modify(m, U1,
					&(struct manager_changes){.start = DEFINITION_START_AUTO,
								  .set_attrs = true,
								  .attrs = mtu,
								  .n_attrs = 1},
					0, &e),
			 0);
	assert_seen("device changed " U1);
	json = def_read("mvsim", U1);
	ck_assert_ptr_nonnull(strstr(json, "\"start\": \"auto\""));
	ck_assert_ptr_nonnull(strstr(json, "\"mtu\": \"9000\""));
	ck_assert_ptr_null(strstr(json, "mac"));
	assert_error(manager_modify(m, U1,
				    &(struct manager_changes){.type = "mvsim-nope", .start = -1}, 0,
				    &e),
		     &e, MANAGER_ERROR_TYPE_NOT_SUPPORTED, "mvsim-nope");
	assert_error(
	    manager_modify(m, U1, &(struct manager_changes){.start = -1}, MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
	    &e, MANAGER_ERROR_NOT_FOUND, "not running");

	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	/* Live: written to sysfs, the definition untouched. */
	ck_assert_int_eq(
	    manager_modify(m, U1,
			   &(struct manager_changes){
			       .start = -1, .set_attrs = true, .attrs = mtu, .n_attrs = 1},
			   MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
	    0);
	fake_file_write(MVSIM "/" U1 "/mtu", "1500");
	ck_assert_int_eq(
	    manager_modify(m, U1,
			   &(struct manager_changes){
			       .start = -1, .set_attrs = true, .attrs = mtu, .n_attrs = 1},
			   MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
	    0);
	v = fake_file_read(MVSIM "/" U1 "/mtu");
	ck_assert_str_eq(v, "9000");
	{
		/* A value the device already has is not written again (the kernel
		 * refuses a mac write while bound, even of the same mac). */
		_cleanup_free_ char *mtu_path = NULL;
		struct timespec old[2] = {{.tv_sec = 1000}, {.tv_sec = 1000}};
		struct stat st;

		ck_assert_int_ge(asprintf(&mtu_path, "%s" MVSIM "/" U1 "/mtu", root_get()), 0);
		ck_assert_int_eq(utimensat(AT_FDCWD, mtu_path, old, 0), 0);
		ck_assert_int_eq(
		    manager_modify(m, U1,
				   &(struct manager_changes){
				       .start = -1, .set_attrs = true, .attrs = mtu, .n_attrs = 1},
				   MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
		    0);
		ck_assert_int_eq(stat(mtu_path, &st), 0);
		ck_assert_int_eq(st.st_mtim.tv_sec, 1000);
	}
	assert_error(
	    manager_modify(m, U1,
			   &(struct manager_changes){
			       .start = -1, .set_attrs = true, .attrs = mac_attr, .n_attrs = 1},
			   MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
	    &e, MANAGER_ERROR_INVALID_ARGUMENT, "no attribute 'mac'");
	assert_error(
	    manager_modify(m, U1, &(struct manager_changes){.type = "mvsim-vhost_net", .start = -1},
			   MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
	    &e, MANAGER_ERROR_INVALID_ARGUMENT, "cannot change");
}
END_TEST

/* Play udev: the uevent for @sysname at @devpath. */
/* A uevent the kernel numbered @seqnum (0: unknown, as from a source without SEQNUM). */
static void uevent_numbered(const char *action, const char *subsystem, const char *devpath,
			    const char *mdev_state, unsigned long long seqnum)
{
	struct uevent ev = {.action = action,
			    .subsystem = subsystem,
			    .devpath = devpath,
			    .sysname = strrchr(devpath, '/') + 1,
			    .mdev_state = mdev_state,
			    .seqnum = seqnum};

	manager_handle_uevent(m, &ev);
	manager_flush(m); /* the loop comes round: queued reactions run */
}

static void uevent(const char *action, const char *subsystem, const char *devpath,
		   const char *mdev_state)
{
	uevent_numbered(action, subsystem, devpath, mdev_state, 0);
}

/*
 * An auto device whose start found no instance left starts when one frees;
 * manual definitions, and auto ones that failed for another reason, do not.
 */
START_TEST(auto_device_starts_when_an_instance_frees)
{
	static const char *const auto_blk =
	    "{\"mdev_type\": \"mvsim-virtio_blk\", \"start\": \"auto\"}";
	static const char *const manual_blk =
	    "{\"mdev_type\": \"mvsim-virtio_blk\", \"start\": \"manual\"}";
	_cleanup_(manager_error_done) struct manager_error e = {};

	/* Someone else's device holds the only instance. */
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_blk", U3, "virtio", NULL, NULL, true);
	def_file("mvsim", U1, auto_blk);
	def_file("mvsim", U2, manual_blk);
	startup();
	assert_state(U1, DEVICE_STATE_FAILED);
	ck_assert_ptr_nonnull(strstr(dev(U1)->last_error, "No instances"));
	assert_state(U2, DEVICE_STATE_STOPPED);
	/* A failure of another kind is not retried when an instance frees. */
	def_file("mvsim", U4, auto_net);
	event_log_wait(&seen, event, "device added " U4);
	fake_kernel.create_fail = EIO;
	assert_error(manager_start(m, U4, &e), &e, MANAGER_ERROR_KERNEL, "Input/output error");
	assert_state(U4, DEVICE_STATE_FAILED);

	/* The other device goes; the kernel frees its instance. */
	fake_device_remove("mdev_virtio", "mvsim", U3);
	fake_file_write(MVSIM "/mdev_supported_types/mvsim-virtio_blk/available_instances", "1\n");
	uevent("remove", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U3, NULL);
	assert_state(U1, DEVICE_STATE_RUNNING);
	ck_assert_ptr_null(dev(U1)->last_error);
	assert_state(U2, DEVICE_STATE_STOPPED);
	assert_state(U4, DEVICE_STATE_FAILED);
	ck_assert_str_eq(fake_kernel.last_created, U1);
}
END_TEST

START_TEST(parent_appears_and_leaves)
{
	startup();
	def_file("mvsim2", U1, auto_net);
	def_file("mvsim2", U2, manual_net);
	event_log_wait(&seen, event, "device added " U2);
	assert_state(U1, DEVICE_STATE_WAITING_FOR_PARENT);
	ck_assert(!manager_get_parent(m, "mvsim2")->present);

	seen_clear();
	fake_parent_add("mdev_virtio", MVSIM2, true);
	mvsim_types_add("mvsim2");
	uevent("change", "mvsim", "/devices/virtual/mvsim/mvsim2", "registered");
	assert_seen("parent changed mvsim2");
	ck_assert(manager_get_parent(m, "mvsim2")->present);
	assert_state(U1, DEVICE_STATE_RUNNING); /* auto started */
	assert_state(U2, DEVICE_STATE_STOPPED);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
	/* A duplicate announcement (add + change) starts nothing twice. */
	uevent("add", "mvsim", "/devices/virtual/mvsim/mvsim2", NULL);
	ck_assert_int_eq(fake_kernel.create_calls, 1);

	/* The parent unregisters: the kernel removed its devices first. */
	seen_clear();
	fake_device_remove("mdev_virtio", "mvsim2", U1);
	fake_unlink("/sys/class/mdev_virtio_bus/mvsim2");
	uevent("change", "mvsim", "/devices/virtual/mvsim/mvsim2", "unregistered");
	assert_seen("parent changed mvsim2");
	assert_seen("device changed " U1);
	ck_assert(!manager_get_parent(m, "mvsim2")->present);
	ck_assert_uint_eq(manager_get_parent(m, "mvsim2")->n_types, 0);
	assert_state(U1, DEVICE_STATE_WAITING_FOR_PARENT);
	assert_state(U2, DEVICE_STATE_STOPPED);
}
END_TEST

/*
 * As mdevctl, (parent, uuid) names a definition: one UUID defined on two
 * parents keeps both files; the device shows both; calls that need one
 * refuse to guess; only one can run.
 */
START_TEST(one_uuid_on_two_parents)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	static const struct definition_attr mac2[] = {
	    {(char *)"mac", (char *)"02:00:00:00:00:02"}};
	const struct managed_device *d;

	fake_parent_add("mdev_virtio", MVSIM2, true);
	mvsim_types_add("mvsim2");
	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", mac_attr, 1, NULL, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim2", U1, "mvsim-vhost_net", "auto", mac2, 1, NULL, &e), 0);
	free(def_read("mvsim", U1));
	free(def_read("mvsim2", U1));
	d = dev(U1);
	ck_assert_uint_eq(d->n_definitions, 2);
	ck_assert_str_eq(d->definitions[0].parent, "mvsim");
	ck_assert_str_eq(d->definitions[0].type, "mvsim-virtio_net");
	ck_assert_int_eq(d->definitions[0].start, DEFINITION_START_MANUAL);
	ck_assert_str_eq(d->definitions[1].parent, "mvsim2");
	ck_assert_str_eq(d->definitions[1].type, "mvsim-vhost_net");
	ck_assert_int_eq(d->definitions[1].start, DEFINITION_START_AUTO);
	ck_assert_str_eq(d->definitions[1].attrs[0].value, "02:00:00:00:00:02");
	/* Stopped: the first by parent name is the one shown. */
	ck_assert_str_eq(d->parent, "mvsim");
	ck_assert(d->defined && !d->active);
	assert_error(manager_define(m, "mvsim2", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL,
				    &e),
		     &e, MANAGER_ERROR_ALREADY_EXISTS, "mvsim2");

	/* Calls that need one definition refuse to pick. */
	assert_error(manager_start(m, U1, &e), &e, MANAGER_ERROR_AMBIGUOUS,
		     "Multiple definitions found for device " U1);
	ck_assert_ptr_nonnull(strstr(e.message, "mvsim, mvsim2"));
	assert_error(manager_modify(m, U1, &(struct manager_changes){.start = 1}, 0, &e), &e,
		     MANAGER_ERROR_AMBIGUOUS, U1);
	assert_error(manager_start_on(m, "nosuch", U1, 0, &e), &e, MANAGER_ERROR_NOT_FOUND,
		     "not defined on parent nosuch");
	assert_error(manager_start_on(m, "../x", U1, 0, &e), &e, MANAGER_ERROR_INVALID_ARGUMENT,
		     "../x");
	assert_error(manager_modify_on(m, "../x", U1, &(struct manager_changes){.start = 1}, 0, &e),
		     &e, MANAGER_ERROR_INVALID_ARGUMENT, "../x");
	assert_error(manager_undefine_on(m, "../x", U1, 0, &e), &e, MANAGER_ERROR_INVALID_ARGUMENT,
		     "../x");
	ck_assert_int_eq(fake_kernel.create_calls, 0);

	/* Modify names its definition; the other is untouched. */
	ck_assert_int_eq(manager_modify_on(m, "mvsim2", U1,
					   &(struct manager_changes){.start = -1,
								     .insert_attr = true,
								     .insert = mac_attr[0],
								     .insert_index = 0},
					   0, &e),
			 0);
	d = dev(U1);
	ck_assert_uint_eq(d->definitions[1].n_attrs, 2);
	ck_assert_str_eq(d->definitions[1].attrs[0].value, "02:00:00:00:00:01");
	ck_assert_uint_eq(d->definitions[0].n_attrs, 1);

	/* Start on one parent: the device shows what runs; the other cannot start. */
	ck_assert_int_eq(manager_start_on(m, "mvsim2", U1, 0, &e), 0);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
	d = dev(U1);
	ck_assert(d->active);
	ck_assert_str_eq(d->parent, "mvsim2");
	ck_assert_str_eq(d->type, "mvsim-vhost_net");
	ck_assert_int_eq(d->start, DEFINITION_START_AUTO);
	assert_error(manager_start_on(m, "mvsim", U1, 0, &e), &e, MANAGER_ERROR_ALREADY_EXISTS,
		     "already running on parent mvsim2");
	/* A live modify names the parent it runs on, or none. */
	assert_error(manager_modify_on(m, "mvsim", U1, &(struct manager_changes){.start = 1},
				       MDEVVIRTIO_DBUS_MODIFY_LIVE, &e),
		     &e, MANAGER_ERROR_NOT_FOUND, "not running on parent mvsim");
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);

	/* Undefine on one parent keeps the other; without a parent, every one goes. */
	assert_error(manager_undefine_on(m, "nosuch", U1, 0, &e), &e, MANAGER_ERROR_NOT_FOUND,
		     "not defined on parent nosuch");
	ck_assert_int_eq(manager_undefine_on(m, "mvsim", U1, 0, &e), 0);
	d = dev(U1);
	ck_assert_uint_eq(d->n_definitions, 1);
	ck_assert_str_eq(d->parent, "mvsim2");
	ck_assert_int_eq(manager_start(m, U1, &e), 0); /* the only one now */
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_uint_eq(dev(U1)->n_definitions, 2);
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	ck_assert_ptr_null(manager_get_device(m, U1));
	{
		_cleanup_free_ char *a = NULL, *b = NULL;
		struct stat st;

		ck_assert_int_eq(root_pathf(&a, ETC "/mvsim/%s", U1), 0);
		ck_assert_int_eq(root_pathf(&b, ETC "/mvsim2/%s", U1), 0);
		ck_assert(stat(a, &st) < 0 && stat(b, &st) < 0);
	}
}
END_TEST

START_TEST(devices_of_others_are_reflected)
{
	const struct managed_device *d;

	startup();
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", U3, "virtio", NULL, NULL, true);
	uevent("add", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U3, NULL);
	assert_seen("device added " U3);
	d = dev(U3);
	ck_assert(d->active && !d->defined && d->driver == NULL && d->n_nodes == 0);

	/* Bound, then the netdev shows up asynchronously. */
	seen_clear();
	fake_mkdir("/sys/bus/mdev_virtio/drivers/virtio_mdev");
	fake_symlink(MVSIM "/" U3 "/driver", "/sys/bus/mdev_virtio/drivers/virtio_mdev");
	uevent("bind", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U3, NULL);
	assert_seen("device changed " U3);
	ck_assert_str_eq(dev(U3)->driver, "virtio_mdev");
	seen_clear();
	fake_mkdir(MVSIM "/" U3 "/virtio4");
	fake_mkdir(MVSIM "/" U3 "/virtio4/net");
	fake_mkdir(MVSIM "/" U3 "/virtio4/net/ens9");
	uevent("add", "net", "/devices/virtual/mvsim/mvsim/" U3 "/virtio4/net/ens9", NULL);
	assert_seen("device changed " U3);
	d = dev(U3);
	ck_assert_uint_eq(d->n_nodes, 1);
	ck_assert_str_eq(d->nodes[0].name, "ens9");

	/* A vhost char device below a device is reported as its /dev node. */
	fake_mkdir(MVSIM "/" U3 "/vhost-mdev");
	fake_mkdir(MVSIM "/" U3 "/vhost-mdev/vhost-mdev-0");
	fake_file_write(MVSIM "/" U3 "/vhost-mdev/vhost-mdev-0/dev", "240:0\n");
	fake_file_write(MVSIM "/" U3 "/vhost-mdev/vhost-mdev-0/uevent",
			"MAJOR=240\nMINOR=0\nDEVNAME=vhost-mdev-0\n");
	uevent("add", "vhost-mdev", "/devices/virtual/mvsim/mvsim/" U3 "/vhost-mdev/vhost-mdev-0",
	       NULL);
	d = dev(U3);
	ck_assert_uint_eq(d->n_nodes, 2);
	ck_assert_str_eq(d->nodes[0].kind, "chardev");
	ck_assert_str_eq(d->nodes[0].name, "/dev/vhost-mdev-0");

	/* Removed by someone else. */
	seen_clear();
	fake_device_remove("mdev_virtio", "mvsim", U3);
	uevent("remove", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U3, NULL);
	assert_seen("device removed " U3);
	ck_assert_ptr_null(manager_get_device(m, U3));
	/* Unrelated events change nothing. */
	seen_clear();
	uevent("add", "net", "/devices/virtual/net/lo", NULL);
	uevent("change", "block", "/devices/virtual/block/loop0", NULL);
	ck_assert_uint_eq(seen.n, 0);
}
END_TEST

/*
 * The kernel numbers its uevents; the daemon reads /sys/kernel/uevent_seqnum
 * before it reads back a device it created. Its add and bind, and the adds
 * below it, numbered up to there are not read again (the read-back saw
 * them); one numbered after, and any remove, are.
 */
START_TEST(uevents_numbered_before_the_read_back_are_not_read)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *dir = "/devices/virtual/mvsim/mvsim/" U1;

	startup();
	fake_mkdir("/sys/kernel");
	fake_file_write("/sys/kernel/uevent_seqnum", "100\n");
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0,
						 NULL, &e),
			 0);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	seen_clear();
	/* What a re-read would find now. */
	fake_mkdir(MVSIM "/" U1 "/virtio7");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net/ens5");
	uevent_numbered("add", "mdev_virtio", dir, NULL, 98);
	uevent_numbered("bind", "mdev_virtio", dir, NULL, 99);
	uevent_numbered("add", "virtio", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7", NULL, 100);
	ck_assert_uint_eq(seen.n, 0);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	uevent_numbered("add", "net", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7/net/ens5", NULL,
			101);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(dev(U1)->n_nodes, 2);

	/* A remove goes out before sysfs changes: however it is numbered, it is read. */
	seen_clear();
	fake_device_remove("mdev_virtio", "mvsim", U1);
	uevent_numbered("remove", "mdev_virtio", dir, NULL, 97);
	assert_seen("device removed " U1);

	/* Started again with no number to read (no /sys/kernel/uevent_seqnum): all are read. */
	fake_unlink("/sys/kernel/uevent_seqnum");
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0,
						 NULL, &e),
			 0);
	seen_clear();
	fake_mkdir(MVSIM "/" U1 "/virtio8");
	fake_mkdir(MVSIM "/" U1 "/virtio8/net");
	fake_mkdir(MVSIM "/" U1 "/virtio8/net/ens6");
	uevent_numbered("add", "mdev_virtio", dir, NULL, 98);
	assert_seen("device changed " U1);
}
END_TEST

/*
 * The uevents that follow the daemon's own create (its add and bind, the
 * virtio device's, the netdev's queues) re-read no parent: the create read
 * it. Only an event of a child that can add or remove a node re-reads the
 * nodes. A device that appears behind the model's back still re-reads its
 * parent, whose instance count moved.
 */
START_TEST(uevents_after_own_create_read_only_what_moved)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *dir = "/devices/virtual/mvsim/mvsim/" U1;
	const char *avail = MVSIM "/mdev_supported_types/mvsim-virtio_net/available_instances";

	startup();
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0,
						 NULL, &e),
			 0);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	seen_clear();
	/* Were the parent re-read, this would show as a change of its types. */
	fake_file_write(avail, "1\n");
	uevent("add", "mdev_virtio", dir, NULL);
	uevent("bind", "mdev_virtio", dir, NULL);
	ck_assert_uint_eq(seen.n, 0);

	/* A queue of a netdev, a driver binding virtio<N>: no node can have moved. */
	fake_mkdir(MVSIM "/" U1 "/virtio7");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net/ens5");
	uevent("add", "queues", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7/net/ens5/queues/rx-0",
	       NULL);
	uevent("bind", "virtio", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7", NULL);
	uevent("change", "net", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7/net/ens5", NULL);
	ck_assert_uint_eq(seen.n, 0);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	uevent("add", "net", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7/net/ens5", NULL);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties, DEVICE_PROPERTY_NODES);
	ck_assert_uint_eq(dev(U1)->n_nodes, 2);

	/* Someone else's device: its parent's count is read again. */
	seen_clear();
	fake_file_write(avail, "0\n");
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", U3, "virtio", NULL, NULL, true);
	uevent("add", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U3, NULL);
	assert_seen("device added " U3);
	assert_seen("parent changed mvsim");
	{
		const struct managed_parent *p = manager_get_parent(m, "mvsim");
		int avail_net = -1;

		for (size_t i = 0; i < p->n_types; i++)
			if (streq(p->types[i].id, "mvsim-virtio_net"))
				avail_net = p->types[i].available_instances;
		ck_assert_int_eq(avail_net, 0);
	}
	seen_clear();
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	assert_seen("device removed " U1);
	seen_clear();
	uevent("unbind", "mdev_virtio", dir, NULL);
	uevent("remove", "mdev_virtio", dir, NULL);
	ck_assert_uint_eq(seen.n, 0);
}
END_TEST

START_TEST(defined_device_stopped_by_others_is_not_restarted)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	def_file("mvsim", U1, auto_net);
	startup();
	assert_state(U1, DEVICE_STATE_RUNNING);
	fake_device_remove("mdev_virtio", "mvsim", U1);
	uevent("remove", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U1, NULL);
	assert_state(U1, DEVICE_STATE_STOPPED);
	ck_assert(dev(U1)->defined);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
}
END_TEST

START_TEST(lost_uevents_rescan_everything)
{
	def_file("mvsim", U1, auto_net);
	def_file("mvsim2", U2, auto_net);
	startup();
	assert_state(U1, DEVICE_STATE_RUNNING);
	assert_state(U2, DEVICE_STATE_WAITING_FOR_PARENT);
	/* Behind the manager's back: U1 removed, U3 created, mvsim2 registered. */
	fake_device_remove("mdev_virtio", "mvsim", U1);
	fake_device_add("mdev_virtio", "mvsim", "mvsim-vhost_net", U3, "vhost", NULL, NULL, true);
	fake_parent_add("mdev_virtio", MVSIM2, true);
	mvsim_types_add("mvsim2");
	manager_handle_uevent(m, NULL);
	manager_flush(m); /* the loop comes round: the auto start runs */
	assert_state(U1, DEVICE_STATE_STOPPED);
	assert_state(U3, DEVICE_STATE_RUNNING);
	assert_state(U2, DEVICE_STATE_RUNNING); /* its parent appeared: auto start */
	ck_assert_int_eq(fake_kernel.create_calls, 2);
}
END_TEST

START_TEST(undefine_a_bad_file_and_override_a_vendor_one)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	_cleanup_free_ char *json = NULL, *vendor = NULL;
	size_t n;

	def_file("mvsim", U1, "{ broken");
	fake_mkdir("/usr");
	fake_mkdir("/usr/lib");
	fake_mkdir("/usr/lib/mdevvirtio.d");
	fake_mkdir("/usr/lib/mdevvirtio.d/mvsim");
	fake_file_write("/usr/lib/mdevvirtio.d/mvsim/" U2, manual_net);
	startup();
	manager_bad_files(m, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_null(manager_get_device(m, U1));
	/* A broken file can be cleaned up through the API. */
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	manager_bad_files(m, &n);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(def_read("mvsim", U1));

	/* Modifying a vendor definition writes the override to /etc. */
	ck_assert(dev(U2)->defined);
	ck_assert_int_eq(manager_modify(m, U2, &(struct manager_changes){.start = 1},
					MDEVVIRTIO_DBUS_MODIFY_DEFINED, &e),
			 0);
	json = def_read("mvsim", U2);
	ck_assert_ptr_nonnull(json);
	ck_assert_ptr_nonnull(strstr(json, "\"auto\""));
	vendor = fake_file_read("/usr/lib/mdevvirtio.d/mvsim/" U2);
	ck_assert_ptr_nonnull(strstr(vendor, "\"manual\""));
	ck_assert_int_eq(dev(U2)->start, DEFINITION_START_AUTO);
	/* Undefining masks the vendor file. */
	ck_assert_int_eq(manager_undefine(m, U2, &e), 0);
	ck_assert_ptr_null(manager_get_device(m, U2));
}
END_TEST

START_TEST(vfio_devices_are_managed_too)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	static const struct fake_type gpu = {"i915-GVTg_V5_4", "GVTg_V5_4", "gpu",
					     "vfio-pci",       2,	    -1};
	const struct managed_device *d;

	fake_parent_add("mdev", "/sys/devices/pci0000:00/0000:00:02.0", true);
	fake_type_add("mdev", "0000:00:02.0", &gpu);
	startup();
	ck_assert_str_eq(manager_get_parent(m, "0000:00:02.0")->bus->name, "mdev");
	ck_assert_int_eq(
	    manager_start_transient(m, "0000:00:02.0", "i915-GVTg_V5_4", U1, NULL, 0, NULL, &e), 0);
	d = dev(U1);
	ck_assert(d->active);
	ck_assert_ptr_null(d->class);
	ck_assert_str_eq(d->type, "i915-GVTg_V5_4");
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	ck_assert_ptr_null(manager_get_device(m, U1));
}
END_TEST

START_TEST(state_names)
{
	ck_assert_str_eq(device_state_to_string(DEVICE_STATE_WAITING_FOR_PARENT),
			 "waiting-for-parent");
	ck_assert_str_eq(device_state_to_string(DEVICE_STATE_FAILED), "failed");
	ck_assert_ptr_null(device_state_to_string(_DEVICE_STATE_MAX));
}
END_TEST

/* The type @id of parent mvsim as the model has it. */
static const struct mdev_type *mvsim_type(const char *id)
{
	const struct managed_parent *p = manager_get_parent(m, "mvsim");

	for (size_t i = 0; p && i < p->n_types; i++)
		if (streq(p->types[i].id, id))
			return &p->types[i];
	ck_abort_msg("no type %s on mvsim", id);
	return NULL;
}

/*
 * A create or a remove of our own re-reads the parent's instance counts and
 * nothing else of its types (a type's other files do not move with them);
 * a uevent of the parent reads it whole.
 */
START_TEST(own_create_and_remove_reread_only_instance_counts)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *type_dir = MVSIM "/mdev_supported_types/mvsim-virtio_net";
	char path[256];

	startup();
	snprintf(path, sizeof(path), "%s/description", type_dir);
	fake_file_write(path, "changed behind our back\n");
	snprintf(path, sizeof(path), "%s/available_instances", type_dir);
	fake_file_write(path, "3\n");
	seen_clear();
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0,
						 NULL, &e),
			 0);
	manager_flush(m);
	assert_seen("parent changed mvsim");
	ck_assert_int_eq(mvsim_type("mvsim-virtio_net")->available_instances, 3);
	ck_assert_str_eq(mvsim_type("mvsim-virtio_net")->description, "loopback net");
	ck_assert_int_eq(mvsim_type("mvsim-vhost_net")->available_instances, 4);

	fake_file_write(path, "4\n");
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	manager_flush(m);
	ck_assert_int_eq(mvsim_type("mvsim-virtio_net")->available_instances, 4);
	ck_assert_str_eq(mvsim_type("mvsim-virtio_net")->description, "loopback net");

	/* Nothing moved: no change of the parent. */
	seen_clear();
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0,
						 NULL, &e),
			 0);
	manager_flush(m);
	ck_assert_msg(!event_log_has(&seen, "parent changed mvsim"), "the parent changed");

	uevent("change", "mvsim", "/devices/virtual/mvsim/mvsim", "registered");
	ck_assert_str_eq(mvsim_type("mvsim-virtio_net")->description, "changed behind our back");

	/* A count that does not parse: the parent is read whole, the type's failure on record. */
	fake_file_write(path, "many\n");
	snprintf(path, sizeof(path), "%s/description", type_dir);
	fake_file_write(path, "read whole\n");
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	manager_flush(m);
	ck_assert_str_eq(mvsim_type("mvsim-virtio_net")->description, "read whole");
	ck_assert_int_eq(mvsim_type("mvsim-virtio_net")->available_instances, -1);
	ck_assert_int_ne(mvsim_type("mvsim-virtio_net")->error, 0);
	ck_assert_int_eq(mvsim_type("mvsim-vhost_net")->available_instances, 4);
}
END_TEST

/*
 * Ready does not wait for auto starts; they run back to back within a round
 * of the event loop for the round's time (at least one a round), then the
 * loop serves the rest before the next round; a start that fails is not
 * retried within the same pass.
 */
START_TEST(auto_starts_follow_ready_in_rounds)
{
	def_file("mvsim", U1, auto_net);
	def_file("mvsim", U2, auto_net);
	def_file("mvsim", U3, auto_net);
	ck_assert_int_eq(manager_startup(m), 0);
	fake_kernel.create_fail = EIO; /* the first start (U1, in UUID order) fails */
	m->autostart_round_usec = 0; /* a round's time is up after one start */
	ck_assert_int_eq(fake_kernel.create_calls, 0); /* nothing before the loop runs */
	ck_assert_int_ge(sd_event_run(event, 0), 0);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
	ck_assert_int_ge(sd_event_run(event, 0), 0);
	ck_assert_int_eq(fake_kernel.create_calls, 2);
	manager_flush(m);
	ck_assert_int_eq(fake_kernel.create_calls, 3); /* U1 is not retried in this pass */
	assert_state(U1, DEVICE_STATE_FAILED);
	assert_state(U2, DEVICE_STATE_RUNNING);
	assert_state(U3, DEVICE_STATE_RUNNING);
}
END_TEST

/* Within the round's time every candidate starts in that one round. */
START_TEST(auto_starts_share_a_round)
{
	def_file("mvsim", U1, auto_net);
	def_file("mvsim", U2, auto_net);
	def_file("mvsim", U3, auto_net);
	ck_assert_int_eq(manager_startup(m), 0);
	m->autostart_round_usec = 60 * UINT64_C(1000000); /* the fake kernel is instant */
	ck_assert_int_eq(fake_kernel.create_calls, 0);
	ck_assert_int_ge(sd_event_run(event, 0), 0);
	ck_assert_int_eq(fake_kernel.create_calls, 3);
	assert_state(U1, DEVICE_STATE_RUNNING);
	assert_state(U2, DEVICE_STATE_RUNNING);
	assert_state(U3, DEVICE_STATE_RUNNING);
	manager_flush(m);
	ck_assert_int_eq(fake_kernel.create_calls, 3);
}
END_TEST

/* A uevent handed on as udev would, without letting the loop come round. */
static void uevent_now(const char *action, const char *subsystem, const char *devpath)
{
	manager_handle_uevent(m, &(struct uevent){.action = action,
						  .subsystem = subsystem,
						  .devpath = devpath,
						  .sysname = strrchr(devpath, '/') + 1});
}

/*
 * An auto-start pass does its creates back to back and reads the devices
 * back once it is over: after the round they run as they were asked for (no
 * nodes read, the parent's instance counts as they were) and their add and
 * bind events are not read; the next round reads devices, nodes and counts.
 */
START_TEST(auto_starts_read_back_after_the_pass)
{
	static const char *const uuids[] = {U1, U2, U3};

	def_file("mvsim", U1, auto_net);
	def_file("mvsim", U2, auto_net);
	def_file("mvsim", U3, auto_net);
	ck_assert_int_eq(manager_startup(m), 0);
	m->autostart_round_usec = 60 * UINT64_C(1000000);
	ck_assert_int_ge(sd_event_run(event, 0), 0);
	ck_assert_int_eq(fake_kernel.create_calls, 3);
	for (size_t i = 0; i < ELEMENTSOF(uuids); i++) {
		assert_state(uuids[i], DEVICE_STATE_RUNNING);
		ck_assert_str_eq(dev(uuids[i])->class, "virtio");
		ck_assert_uint_eq(dev(uuids[i])->n_nodes, 0);
	}
	fake_file_write(MVSIM "/mdev_supported_types/mvsim-virtio_net/available_instances", "1\n");
	uevent_now("add", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U1);
	uevent_now("bind", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U1);
	ck_assert_uint_eq(dev(U1)->n_nodes, 0);
	ck_assert_int_eq(mvsim_type("mvsim-virtio_net")->available_instances, 4);

	manager_flush(m);
	for (size_t i = 0; i < ELEMENTSOF(uuids); i++) {
		assert_state(uuids[i], DEVICE_STATE_RUNNING);
		ck_assert_uint_eq(dev(uuids[i])->n_nodes, 1);
		ck_assert_str_eq(dev(uuids[i])->nodes[0].kind, "net");
	}
	ck_assert_int_eq(mvsim_type("mvsim-virtio_net")->available_instances, 1);
	ck_assert_int_eq(fake_kernel.create_calls, 3);
}
END_TEST

/*
 * The read-back after a pass takes the kernel's uevent number first, as a
 * D-Bus start does: adds numbered up to it are not read again, later ones are.
 */
START_TEST(auto_start_read_back_numbers_its_uevents)
{
	const char *dir = "/devices/virtual/mvsim/mvsim/" U1;

	def_file("mvsim", U1, auto_net);
	fake_mkdir("/sys/kernel");
	fake_file_write("/sys/kernel/uevent_seqnum", "100\n");
	ck_assert_int_eq(manager_startup(m), 0);
	manager_flush(m);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	fake_mkdir(MVSIM "/" U1 "/virtio7");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net");
	fake_mkdir(MVSIM "/" U1 "/virtio7/net/ens5");
	uevent_numbered("add", "net", "/devices/virtual/mvsim/mvsim/" U1 "/virtio7/net/ens5", NULL,
			100);
	ck_assert_uint_eq(dev(U1)->n_nodes, 1);
	uevent_numbered("add", "mdev_virtio", dir, NULL, 101);
	ck_assert_uint_eq(dev(U1)->n_nodes, 2);
}
END_TEST

/*
 * Before its read-back a device may go: a remove event is read at once; one
 * gone without a word is found gone by the read-back. Neither is started
 * again in that pass.
 */
START_TEST(auto_started_device_gone_before_its_read_back)
{
	def_file("mvsim", U1, auto_net);
	def_file("mvsim", U2, auto_net);
	ck_assert_int_eq(manager_startup(m), 0);
	m->autostart_round_usec = 60 * UINT64_C(1000000);
	ck_assert_int_ge(sd_event_run(event, 0), 0);
	assert_state(U1, DEVICE_STATE_RUNNING);
	assert_state(U2, DEVICE_STATE_RUNNING);

	fake_device_remove("mdev_virtio", "mvsim", U1);
	uevent_now("remove", "mdev_virtio", "/devices/virtual/mvsim/mvsim/" U1);
	assert_state(U1, DEVICE_STATE_STOPPED);
	fake_device_remove("mdev_virtio", "mvsim", U2);
	assert_state(U2, DEVICE_STATE_RUNNING); /* nothing said so yet */

	manager_flush(m);
	assert_state(U1, DEVICE_STATE_STOPPED);
	assert_state(U2, DEVICE_STATE_STOPPED);
	assert_no_run_state(U2);
	ck_assert_int_eq(fake_kernel.create_calls, 2);
}
END_TEST

/* A change names exactly the properties that changed, and moves Generation only for
 * what a definition holds. */
START_TEST(changes_name_their_properties)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	uint64_t gen;

	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", mac_attr, 1, NULL, &e), 0);
	assert_seen("device added " U1);
	gen = dev(U1)->generation;
	ck_assert_uint_gt(gen, 0);
	seen_clear();
	ck_assert_int_eq(manager_modify(m, U1,
					&(struct manager_changes){.start = DEFINITION_START_AUTO},
					0, &e),
			 0);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties, DEVICE_PROPERTY_START | DEVICE_PROPERTY_GENERATION |
							  DEVICE_PROPERTY_DEFINITIONS);
	ck_assert_uint_gt(dev(U1)->generation, gen);
	gen = dev(U1)->generation;
	seen_clear();
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties & DEVICE_PROPERTY_GENERATION, 0);
	ck_assert(last_device_properties & DEVICE_PROPERTY_ACTIVE);
	ck_assert(last_device_properties & DEVICE_PROPERTY_STATE);
	ck_assert_uint_eq(last_device_properties & (DEVICE_PROPERTY_TYPE | DEVICE_PROPERTY_ATTRS), 0);
	ck_assert_uint_eq(dev(U1)->generation, gen);
}
END_TEST

/* Nothing is delivered inside an operation; what came and went between two
 * deliveries is not delivered at all; every listener hears every change. */
static struct event_log seen2;

static void record2(struct manager *mgr, const struct manager_change_event *ev, void *userdata)
{
	if (ev->object == MANAGER_OBJECT_DEVICE)
		event_log_add(&seen2, "device %d %s", (int)ev->change, ev->id);
}

START_TEST(changes_are_deferred_and_coalesced)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	seen_clear();
	ck_assert_int_eq(manager_add_listener(m, record2, NULL), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_uint_eq(seen.n, 0); /* not from inside the call */
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_int_eq(manager_start(m, U2, &e), 0);
	manager_flush(m);
	/* U1 came and went: nothing; U2 was added (once) and is running already. */
	ck_assert(!event_log_has(&seen, "device added " U1));
	ck_assert(!event_log_has(&seen, "device removed " U1));
	event_log_assert_has(&seen, "device added " U2);
	ck_assert(!event_log_has(&seen, "device changed " U2));
	event_log_assert_has(&seen2, "device 0 " U2);
	ck_assert_uint_eq(seen2.n, seen.n);
	manager_remove_listener(m, record2, NULL);
	ck_assert_int_eq(manager_stop(m, U2, &e), 0);
	assert_seen("device changed " U2);
	ck_assert_uint_eq(seen2.n, 1);
	event_log_clear(&seen2);
}
END_TEST

/* A listener may call operations: their changes come in the next batch. */
static void start_on_add(struct manager *mgr, const struct manager_change_event *ev,
			 void *userdata)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	if (ev->object == MANAGER_OBJECT_DEVICE && ev->change == MANAGER_CHANGE_ADDED)
		ck_assert_int_eq(manager_start(mgr, ev->id, &e), 0);
}

START_TEST(listener_may_call_operations)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	startup();
	ck_assert_int_eq(manager_add_listener(m, start_on_add, NULL), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	assert_seen("device added " U1);
	assert_seen("device changed " U1);
	assert_state(U1, DEVICE_STATE_RUNNING);
	ck_assert_int_eq(fake_kernel.create_calls, 1);
}
END_TEST

/*
 * The kernel's netlink family, played: what it knows of each device
 * (fake_virtio_set), and counters for every device it knows. present false
 * makes every request fail as with the module unloaded.
 */
static struct {
	bool present;
	size_t n;
	struct mdev_nl_device devs[4];
	struct mdev_nl_config configs[4];
	int requests;
} fake_nl;

static int fake_nl_find(const char *uuid)
{
	for (size_t i = 0; i < fake_nl.n; i++)
		if (streq(fake_nl.devs[i].uuid_str, uuid))
			return (int)i;
	return -1;
}

static void fake_virtio_set(const char *uuid, uint8_t status, uint64_t driver_features,
			    uint16_t mtu)
{
	int i = fake_nl_find(uuid);

	if (i < 0) {
		ck_assert_uint_lt(fake_nl.n, ELEMENTSOF(fake_nl.devs));
		i = (int)fake_nl.n++;
	}
	fake_nl.devs[i] = (struct mdev_nl_device){.status = status,
						  .device_features = 0x130000000ULL,
						  .driver_features = driver_features,
						  .num_vqs = 3};
	snprintf(fake_nl.devs[i].uuid_str, sizeof(fake_nl.devs[i].uuid_str), "%s", uuid);
	fake_nl.configs[i] = (struct mdev_nl_config){.has_mac = true,
						     .mac = {2, 0, 0, 0, 0, 9},
						     .has_mtu = true,
						     .mtu = mtu};
}

static int fake_nl_get_device(struct manager *mgr, const char *uuid, struct mdev_nl_device *ret)
{
	int i = fake_nl_find(uuid);

	fake_nl.requests++;
	if (!fake_nl.present)
		return -ENOENT;
	if (i < 0)
		return -ENODEV;
	*ret = fake_nl.devs[i];
	return 0;
}

static int fake_nl_get_config(struct manager *mgr, const char *uuid, struct mdev_nl_config *ret)
{
	int i = fake_nl_find(uuid);

	fake_nl.requests++;
	if (!fake_nl.present)
		return -ENOENT;
	if (i < 0)
		return -ENODEV;
	*ret = fake_nl.configs[i];
	return 0;
}

static int fake_nl_dump(struct manager *mgr, mdev_nl_device_fn fn, void *userdata)
{
	fake_nl.requests++;
	if (!fake_nl.present)
		return -ENOENT;
	for (size_t i = 0; i < fake_nl.n; i++)
		ck_assert_int_eq(fn(&fake_nl.devs[i], userdata), 0);
	return (int)fake_nl.n;
}

static int fake_nl_get_stats(struct manager *mgr, const char *uuid, struct mdev_nl_stats **ret)
{
	struct mdev_nl_stats *st;

	if (!fake_nl.present)
		return -ENOENT;
	if (fake_nl_find(uuid) < 0)
		return -ENODEV;
	st = calloc(1, sizeof(*st) + sizeof(st->vqs[0]));
	ck_assert_ptr_nonnull(st);
	st->n_vqs = 1;
	st->vqs[0] = (struct mdev_nl_vq_stats){.index = 0, .kicks = 5, .bytes = 420};
	st->total = st->vqs[0];
	*ret = st;
	return 0;
}

static int fake_nl_clear_stats(struct manager *mgr, const char *uuid)
{
	return fake_nl.present ? 0 : -ENOENT;
}

static const char *fake_nl_last_error(struct manager *mgr)
{
	return "";
}

static void fake_nl_install(bool present)
{
	fake_nl = (typeof(fake_nl)){.present = present};
	manager_set_virtio_ops(m, &(struct manager_virtio_ops){
				      .get_device = fake_nl_get_device,
				      .get_config = fake_nl_get_config,
				      .dump_devices = fake_nl_dump,
				      .get_stats = fake_nl_get_stats,
				      .clear_stats = fake_nl_clear_stats,
				      .last_error = fake_nl_last_error,
				  });
}

/* A running device's status comes from the kernel and follows its events, naming what changed. */
START_TEST(virtio_status_follows_kernel_events)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	struct mdev_nl_device ev;

	fake_nl_install(true);
	fake_virtio_set(U1, 0, 0, 1500);
	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert(!dev(U1)->virtio->known); /* defined, not running */
	assert_no_run_state(U1);
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	ck_assert(dev(U1)->virtio->known);
	ck_assert_ptr_nonnull(manager_find_device(m, U1)->run);
	ck_assert_ptr_nonnull(manager_find_device(m, U1)->virtio);
	ck_assert_ptr_ne(dev(U1)->virtio, &managed_virtio_unknown);
	ck_assert_uint_eq(dev(U1)->virtio->device_features, 0x130000000ULL);
	ck_assert(dev(U1)->virtio->has_config);
	ck_assert_uint_eq(dev(U1)->virtio->config.mtu, 1500);
	seen_clear();

	/* The driver sets DRIVER_OK: Status and DriverFeatures change, nothing else. */
	fake_virtio_set(U1, 0x0f, 0x100000000ULL, 1500);
	ev = fake_nl.devs[0];
	manager_handle_virtio_event(m, MDEV_NL_EVENT_STATUS, &ev);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties,
			  DEVICE_PROPERTY_STATUS | DEVICE_PROPERTY_DRIVER_FEATURES);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0x0f);
	seen_clear();
	/* The same status again: nothing to tell. */
	manager_handle_virtio_event(m, MDEV_NL_EVENT_STATUS, &ev);
	manager_flush(m);
	ck_assert_int_eq(seen.n, 0);
	/* The config changes: only Config. */
	fake_virtio_set(U1, 0x0f, 0x100000000ULL, 9000);
	manager_handle_virtio_event(m, MDEV_NL_EVENT_CONFIG_CHANGED, &ev);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties, DEVICE_PROPERTY_CONFIG);
	ck_assert_uint_eq(dev(U1)->virtio->config.mtu, 9000);
	seen_clear();
	/* A reset (status 0). */
	fake_virtio_set(U1, 0, 0, 9000);
	ev = fake_nl.devs[0];
	manager_handle_virtio_event(m, MDEV_NL_EVENT_STATUS, &ev);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0);
	ck_assert(dev(U1)->virtio->known);
	/* An event about a device nobody runs is ignored. */
	snprintf(ev.uuid_str, sizeof(ev.uuid_str), "%s", U2);
	manager_handle_virtio_event(m, MDEV_NL_EVENT_STATUS, &ev);
	ck_assert_ptr_null(manager_get_device(m, U2));
	/* Stopped: unknown again. */
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	ck_assert(!dev(U1)->virtio->known);
	ck_assert(!dev(U1)->virtio->has_config);
	assert_no_run_state(U1);
}
END_TEST

/* The pool of published names: one copy per distinct name, gone with its last holder. */
START_TEST(names_are_pooled)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	const char *a, *b, *c, *c_other;
	char name[] = "mvsim";
	size_t before;

	startup();
	before = m->n_interned;
	ck_assert_int_eq(manager_intern(m, name, &a), 0);
	ck_assert_int_eq(manager_intern(m, "mvsim", &b), 0);
	ck_assert_ptr_eq(a, b);
	ck_assert_ptr_ne(a, name);
	ck_assert_int_eq(manager_intern(m, "other", &c_other), 0);
	ck_assert_ptr_ne(a, c_other);
	ck_assert_int_eq(manager_intern(m, NULL, &c), 0);
	ck_assert_ptr_null(c);
	manager_unintern(m, b);
	ck_assert_str_eq(a, "mvsim"); /* still held once */
	manager_unintern(m, a);
	manager_unintern(m, NULL);
	ck_assert_uint_eq(m->n_interned, before + 1); /* "other" */
	manager_unintern(m, c_other);
	ck_assert_uint_eq(m->n_interned, before);

	/* Two devices on one parent with one type share the names. */
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U2, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	ck_assert_ptr_eq(dev(U1)->parent, dev(U2)->parent);
	ck_assert_ptr_eq(dev(U1)->type, dev(U2)->type);
	ck_assert_ptr_eq(dev(U1)->definitions[0].type, dev(U2)->type);
	/* Gone with the last device that names them: the pool does not grow with churn. */
	ck_assert_int_eq(manager_undefine(m, U1, &e), 0);
	ck_assert_int_eq(manager_undefine(m, U2, &e), 0);
	manager_flush(m);
	ck_assert_uint_eq(m->n_interned, before);
}
END_TEST

/*
 * A stopped device's record holds nothing of the run: 10,000 definitions
 * cost 10,000 records (584 bytes each when the run state and both virtio
 * views were inline; the bound leaves room for a field or two).
 */
START_TEST(stopped_record_is_small)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	ck_assert_uint_le(sizeof(struct mdevice), 320);
	startup();
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	assert_no_run_state(U1);
	/* Started, then stopped: nothing of the run is left. */
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	ck_assert_ptr_nonnull(manager_find_device(m, U1)->run);
	ck_assert_int_eq(manager_stop(m, U1, &e), 0);
	assert_no_run_state(U1);
}
END_TEST

/* Lost events and the family coming back re-read everything in one dump; its going forgets it. */
START_TEST(virtio_overrun_and_family_reload)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	int requests;

	fake_nl_install(true);
	fake_virtio_set(U1, 0x07, 0, 1500);
	startup();
	ck_assert_int_eq(manager_start_transient(m, "mvsim", "mvsim-virtio_net", U1, NULL, 0, NULL,
						 &e),
			 0);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0x07);
	/* Changed in the kernel, events lost. */
	fake_virtio_set(U1, 0x0f, 0x100000000ULL, 1500);
	requests = fake_nl.requests;
	manager_handle_virtio_event(m, MDEV_NL_EVENT_OVERRUN, NULL);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0x07); /* queued, not re-entrant */
	manager_flush(m);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0x0f);
	/* One dump and one config read, not a request per device per property. */
	ck_assert_int_eq(fake_nl.requests - requests, 2);
	/* The module goes: unknown, without asking the kernel. */
	fake_nl.present = false;
	requests = fake_nl.requests;
	seen_clear();
	manager_handle_virtio_event(m, MDEV_NL_EVENT_FAMILY_DEL, NULL);
	assert_seen("device changed " U1);
	ck_assert_uint_eq(last_device_properties & DEVICE_PROPERTY_STATUS, DEVICE_PROPERTY_STATUS);
	ck_assert(!dev(U1)->virtio->known);
	ck_assert_int_eq(fake_nl.requests, requests);
	/* Back: read again. */
	fake_nl.present = true;
	manager_handle_virtio_event(m, MDEV_NL_EVENT_FAMILY_NEW, NULL);
	manager_flush(m);
	ck_assert(dev(U1)->virtio->known);
	ck_assert_uint_eq(dev(U1)->virtio->status, 0x0f);
}
END_TEST

/* Counters: each reason there are none has its own named error. */
START_TEST(virtio_statistics_errors)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	static const struct fake_type gpu = {"i915-GVTg_V5_4", "GVTg_V5_4", "gpu",
					     "vfio-pci",       2,	    -1};
	struct mdev_nl_stats *st = NULL;
	int r;

	fake_nl_install(true);
	fake_virtio_set(U1, 0x0f, 0, 1500);
	fake_parent_add("mdev", "/sys/devices/pci0000:00/0000:00:02.0", true);
	fake_type_add("mdev", "0000:00:02.0", &gpu);
	startup();
	r = manager_device_statistics(m, "not-a-uuid", &st, &e);
	assert_error(r, &e, MANAGER_ERROR_INVALID_ARGUMENT, "not-a-uuid");
	manager_error_done(&e);
	r = manager_device_statistics(m, U1, &st, &e);
	assert_error(r, &e, MANAGER_ERROR_NOT_FOUND, U1);
	manager_error_done(&e);
	ck_assert_int_eq(
	    manager_define(m, "mvsim", U1, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	r = manager_device_statistics(m, U1, &st, &e);
	assert_error(r, &e, MANAGER_ERROR_NOT_RUNNING, "not running");
	manager_error_done(&e);
	ck_assert_int_eq(manager_start(m, U1, &e), 0);
	ck_assert_int_eq(manager_device_statistics(m, U1, &st, &e), 0);
	ck_assert_uint_eq(st->total.kicks, 5);
	ck_assert_uint_eq(st->vqs[0].bytes, 420);
	free(st);
	st = NULL;
	ck_assert_int_eq(manager_device_clear_statistics(m, U1, &e), 0);
	/* A vfio device has none. */
	ck_assert_int_eq(
	    manager_start_transient(m, "0000:00:02.0", "i915-GVTg_V5_4", U2, NULL, 0, NULL, &e), 0);
	ck_assert(!dev(U2)->virtio->known);
	r = manager_device_statistics(m, U2, &st, &e);
	assert_error(r, &e, MANAGER_ERROR_NOT_SUPPORTED, "vfio");
	manager_error_done(&e);
	/* The module gone. */
	fake_nl.present = false;
	r = manager_device_statistics(m, U1, &st, &e);
	assert_error(r, &e, MANAGER_ERROR_NOT_SUPPORTED, "not registered");
	manager_error_done(&e);
	r = manager_device_clear_statistics(m, U1, &e);
	assert_error(r, &e, MANAGER_ERROR_NOT_SUPPORTED, "not registered");
	ck_assert_ptr_null(st);
}
END_TEST

static Suite *manager_suite(void)
{
	Suite *s = suite_create("manager");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, define_start_stop_undefine);
	tcase_add_test(tc, stopped_record_is_small);
	tcase_add_test(tc, names_are_pooled);
	tcase_add_test(tc, define_with_uuid_any_spelling_and_json);
	tcase_add_test(tc, define_checks_type_only_on_present_parent);
	tcase_add_test(tc, bad_input_is_refused);
	tcase_add_test(tc, error_kinds_from_the_kernel);
	tcase_add_test(tc, failed_start_is_recorded_and_cleared);
	tcase_add_test(tc, most_attrs_a_file_may_hold_start);
	tcase_add_test(tc, auto_device_starts_when_an_instance_frees);
	tcase_add_test(tc, startup_reconciles);
	tcase_add_test(tc, startup_twice_refused);
	tcase_add_test(tc, dropped_in_file_is_picked_up);
	tcase_add_test(tc, reload_rereads);
	tcase_add_test(tc, undefine_keeps_running_device);
	tcase_add_test(tc, modify_definition_and_live);
	tcase_add_test(tc, parent_appears_and_leaves);
	tcase_add_test(tc, one_uuid_on_two_parents);
	tcase_add_test(tc, devices_of_others_are_reflected);
	tcase_add_test(tc, uevents_after_own_create_read_only_what_moved);
	tcase_add_test(tc, uevents_numbered_before_the_read_back_are_not_read);
	tcase_add_test(tc, defined_device_stopped_by_others_is_not_restarted);
	tcase_add_test(tc, lost_uevents_rescan_everything);
	tcase_add_test(tc, undefine_a_bad_file_and_override_a_vendor_one);
	tcase_add_test(tc, vfio_devices_are_managed_too);
	tcase_add_test(tc, state_names);
	tcase_add_test(tc, own_create_and_remove_reread_only_instance_counts);
	tcase_add_test(tc, auto_starts_follow_ready_in_rounds);
	tcase_add_test(tc, auto_starts_share_a_round);
	tcase_add_test(tc, auto_starts_read_back_after_the_pass);
	tcase_add_test(tc, auto_start_read_back_numbers_its_uevents);
	tcase_add_test(tc, auto_started_device_gone_before_its_read_back);
	tcase_add_test(tc, changes_name_their_properties);
	tcase_add_test(tc, changes_are_deferred_and_coalesced);
	tcase_add_test(tc, listener_may_call_operations);
	tcase_add_test(tc, virtio_status_follows_kernel_events);
	tcase_add_test(tc, virtio_overrun_and_family_reload);
	tcase_add_test(tc, virtio_statistics_errors);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(manager_suite)
