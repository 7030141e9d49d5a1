/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel-facing layer against a fake sysfs of both buses. Regular files
 * cannot act like the kernel's "create" store, so creates are checked up to
 * the writes: the UUID in "create", attributes in the device directory the
 * test made beforehand, drivers_autoprobe and drivers_probe on our bus.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/inotify.h>

#include "check-main.h"
#include "fake-sysfs.h"
#include "mdev-device.h"
#include "mdev-parent.h"
#include "root-path.h"

#define MVSIM "/sys/devices/platform/mvsim"
#define GPU "/sys/devices/pci0000:00/0000:00:02.0"
#define NET_CREATE MVSIM "/mdev_supported_types/mvsim-virtio_net/create"
#define AUTOPROBE "/sys/bus/mdev_virtio/drivers_autoprobe"
#define PROBE "/sys/bus/mdev_virtio/drivers_probe"
#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define UNEW "12345678-1234-1234-1234-123456789abc"
#define UNEW_UPPER "{12345678123412341234123456789ABC}"

static char *root;

static void setup(void)
{
	static const struct fake_type mvsim_types[] = {
	    {"mvsim-virtio_net", "virtio_net", "loopback net", "virtio", 4, 1},
	    {"mvsim-vhost_net", "vhost_net", "loopback net", "vhost", 4, 1},
	    {"mvsim-virtio_blk", "virtio_blk", "ramdisk", "virtio", 0, 2},
	};
	static const struct fake_type gpu_types[] = {
	    {"i915-GVTg_V5_4", "GVTg_V5_4", "low_gm_size: 128MB", "vfio-pci", 2, -1},
	    {"i915-GVTg_V5_8", NULL, NULL, "vfio-pci", -1, -1}, /* no available_instances */
	};

	root = fake_sysfs_new();
	fake_bus_add("mdev_virtio");
	fake_bus_add("mdev");
	fake_parent_add("mdev_virtio", MVSIM, true);
	fake_parent_add("mdev", GPU, true);
	for (size_t i = 0; i < ELEMENTSOF(mvsim_types); i++)
		fake_type_add("mdev_virtio", "mvsim", &mvsim_types[i]);
	for (size_t i = 0; i < ELEMENTSOF(gpu_types); i++)
		fake_type_add("mdev", "0000:00:02.0", &gpu_types[i]);
}

static void teardown(void)
{
	fake_sysfs_free(TAKE_PTR(root));
}

static void assert_file(const char *path, const char *want)
{
	_cleanup_free_ char *got = fake_file_read(path);

	ck_assert_msg(got && streq(got, want), "%s: got '%s', want '%s'", path, strempty(got),
		      want);
}

static void assert_contains(const char *s, const char *needle)
{
	ck_assert_msg(s && strstr(s, needle), "'%s' lacks '%s'", strempty(s), needle);
}

START_TEST(bus_table)
{
	const struct mdev_bus *b;
	size_t n = 0;

	while (mdev_bus_get(n))
		n++;
	ck_assert_uint_eq(n, 2);
	b = mdev_bus_from_name("mdev_virtio");
	ck_assert_str_eq(b->class_dir, "/sys/class/mdev_virtio_bus");
	ck_assert_str_eq(b->bus_dir, "/sys/bus/mdev_virtio");
	ck_assert(b->configure_before_bind);
	b = mdev_bus_from_name("mdev");
	ck_assert_str_eq(b->class_dir, "/sys/class/mdev_bus");
	ck_assert_str_eq(b->bus_dir, "/sys/bus/mdev");
	ck_assert(!b->configure_before_bind);
	ck_assert_ptr_null(mdev_bus_from_name("vdpa"));
	ck_assert_ptr_null(mdev_bus_from_name(NULL));
}
END_TEST

START_TEST(error_wording)
{
	_cleanup_free_ char *e = NULL;

	ck_assert_int_eq(mdev_error(&e, EUSERS, "Failed to create %s", "x"), -EUSERS);
	ck_assert_str_eq(e, "Failed to create x: No instances left (EUSERS)");
	ck_assert_int_eq(mdev_error(&e, -EEXIST, "Y"), -EEXIST);
	ck_assert_str_eq(e, "Y: Device already exists (EEXIST)");
	ck_assert_int_eq(mdev_error(NULL, EBUSY, "Z"), -EBUSY);
	assert_contains(mdev_errno_describe(EBUSY), "driver is bound");
	ck_assert_str_eq(mdev_errno_describe(-ENOENT), "No such file or directory");
}
END_TEST

START_TEST(parents_of_both_buses)
{
	struct mdev_parent *p = NULL;
	const struct mdev_type *t;
	char *e = NULL;
	size_t n = 0;

	ck_assert_int_eq(mdev_parent_list(&p, &n, &e), 0);
	ck_assert_ptr_null(e);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(p[0].name, "mvsim");
	ck_assert_str_eq(p[0].bus->name, "mdev_virtio");
	ck_assert_int_eq(p[0].error, 0);
	ck_assert_uint_eq(p[0].n_types, 3);
	/* sorted by id */
	ck_assert_str_eq(p[0].types[0].id, "mvsim-vhost_net");
	ck_assert_str_eq(p[0].types[1].id, "mvsim-virtio_blk");
	ck_assert_str_eq(p[0].types[2].id, "mvsim-virtio_net");
	t = mdev_parent_find_type(&p[0], "mvsim-virtio_blk");
	ck_assert_str_eq(t->name, "virtio_blk");
	ck_assert_str_eq(t->description, "ramdisk");
	ck_assert_str_eq(t->device_api, "virtio");
	ck_assert_int_eq(t->available_instances, 0);
	ck_assert_int_eq(t->virtio_device_id, 2);
	ck_assert_int_eq(t->error, 0);
	ck_assert_ptr_null(mdev_parent_find_type(&p[0], "nope"));

	ck_assert_str_eq(p[1].name, "0000:00:02.0");
	ck_assert_str_eq(p[1].bus->name, "mdev");
	t = mdev_parent_find_type(&p[1], "i915-GVTg_V5_4");
	ck_assert_int_eq(t->available_instances, 2);
	ck_assert_int_eq(t->virtio_device_id, -1);
	ck_assert_int_eq(t->error, 0);
	mdev_parent_array_free(p, n);
}
END_TEST

START_TEST(type_missing_a_file_is_reported_alone)
{
	struct mdev_parent p = {};
	const struct mdev_type *t;

	ck_assert_int_eq(mdev_parent_read(mdev_bus_from_name("mdev"), "0000:00:02.0", &p, NULL), 0);
	ck_assert_int_eq(p.error, 0);
	ck_assert_uint_eq(p.n_types, 2);
	t = mdev_parent_find_type(&p, "i915-GVTg_V5_8");
	ck_assert_int_eq(t->error, -ENOENT);
	ck_assert_str_eq(t->error_message,
			 "Failed to read available_instances of type i915-GVTg_V5_8 on parent "
			 "0000:00:02.0: No such file or directory (ENOENT)");
	/* the rest of the type and the other type are still there */
	ck_assert_str_eq(t->device_api, "vfio-pci");
	ck_assert_ptr_null(t->name);
	ck_assert_int_eq(t->available_instances, -1);
	ck_assert_int_eq(mdev_parent_find_type(&p, "i915-GVTg_V5_4")->error, 0);
	mdev_parent_done(&p);
}
END_TEST

START_TEST(bad_number_is_reported)
{
	struct mdev_parent p = {};
	const struct mdev_type *t;

	fake_file_write(MVSIM "/mdev_supported_types/mvsim-vhost_net/available_instances", "-3\n");
	fake_file_write(MVSIM "/mdev_supported_types/mvsim-virtio_net/virtio_device_id", "x\n");
	ck_assert_int_eq(mdev_parent_read(mdev_bus_from_name("mdev_virtio"), "mvsim", &p, NULL), 0);
	t = mdev_parent_find_type(&p, "mvsim-vhost_net");
	ck_assert_int_eq(t->error, -EINVAL);
	assert_contains(t->error_message, "available_instances of type mvsim-vhost_net");
	t = mdev_parent_find_type(&p, "mvsim-virtio_net");
	ck_assert_int_eq(t->error, -EINVAL);
	assert_contains(t->error_message, "virtio_device_id");
	ck_assert_int_eq(t->available_instances, 4);
	mdev_parent_done(&p);
}
END_TEST

START_TEST(unregistered_parent_listed_with_error)
{
	struct mdev_parent *p = NULL;
	size_t n = 0;

	fake_parent_add("mdev", "/sys/devices/pci0000:00/0000:00:03.0", false);
	ck_assert_int_eq(mdev_parent_list(&p, &n, NULL), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(p[1].name, "0000:00:02.0");
	ck_assert_uint_eq(p[1].n_types, 2);
	ck_assert_str_eq(p[2].name, "0000:00:03.0");
	ck_assert_int_eq(p[2].error, -ENOENT);
	ck_assert_uint_eq(p[2].n_types, 0);
	assert_contains(p[2].error_message,
			"Failed to list types of parent 0000:00:03.0 on bus mdev");
	mdev_parent_array_free(p, n);
}
END_TEST

START_TEST(parent_read_errors)
{
	_cleanup_free_ char *e = NULL;
	struct mdev_parent p = {};
	const struct mdev_bus *virtio = mdev_bus_from_name("mdev_virtio");

	ck_assert_int_eq(mdev_parent_read(virtio, "nosuch", &p, &e), -ENODEV);
	ck_assert_str_eq(e, "Failed to read parent nosuch on bus mdev_virtio: "
			    "No such device (ENODEV)");
	ck_assert_int_eq(mdev_parent_read(virtio, "../../etc", &p, &e), -EINVAL);
	ck_assert_int_eq(mdev_parent_read(virtio, "0000:00:02.0", &p, NULL), -ENODEV);
	ck_assert_ptr_null(p.name);
}
END_TEST

START_TEST(no_buses_loaded)
{
	struct mdev_parent *p = NULL;
	struct mdev_device *d = NULL;
	size_t n = 1;

	fake_sysfs_free(root);
	root = fake_sysfs_new();
	ck_assert_int_eq(mdev_parent_list(&p, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	n = 1;
	ck_assert_int_eq(mdev_device_list(&d, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	free(p);
	free(d);
}
END_TEST

static void add_running_devices(void)
{
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", U1, "virtio", "virtio_mdev",
			NULL, true);
	fake_device_add("mdev", "0000:00:02.0", "i915-GVTg_V5_4", U2, NULL, NULL, NULL, true);
}

START_TEST(devices_of_both_buses)
{
	struct mdev_device *d = NULL;
	char *e = NULL;
	size_t n = 0;

	add_running_devices();
	/* mdevctl skips what is not a UUID, and so do we */
	fake_mkdir("/sys/bus/mdev/devices/not-a-uuid");
	ck_assert_int_eq(mdev_device_list(&d, &n, &e), 0);
	ck_assert_ptr_null(e);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(d[0].uuid, U1);
	ck_assert_str_eq(d[0].bus->name, "mdev_virtio");
	ck_assert_str_eq(d[0].parent, "mvsim");
	ck_assert_str_eq(d[0].type, "mvsim-virtio_net");
	ck_assert_str_eq(d[0].class, "virtio");
	ck_assert_str_eq(d[0].driver, "virtio_mdev");
	ck_assert_str_eq(d[1].uuid, U2);
	ck_assert_str_eq(d[1].bus->name, "mdev");
	ck_assert_str_eq(d[1].parent, "0000:00:02.0");
	ck_assert_str_eq(d[1].type, "i915-GVTg_V5_4");
	ck_assert_ptr_null(d[1].class);
	ck_assert_ptr_null(d[1].driver);
	mdev_device_array_free(d, n);
}
END_TEST

START_TEST(fake_links_look_like_the_kernels)
{
	_cleanup_free_ char *p = NULL;
	char buf[256];
	ssize_t n;

	add_running_devices();
	ck_assert_int_eq(root_path("/sys/bus/mdev/devices/" U2, &p), 0);
	n = readlink(p, buf, sizeof(buf) - 1);
	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
	ck_assert_str_eq(buf, "../../../devices/pci0000:00/0000:00:02.0/" U2);
}
END_TEST

START_TEST(parent_is_the_canonical_directory)
{
	struct mdev_device d = {};

	/*
	 * The bus link goes through a symlinked directory named "alias"; the
	 * parent is what the path resolves to, not a name seen on the way.
	 */
	fake_device_add("mdev_virtio", "mvsim", "mvsim-vhost_net", U1, "vhost", NULL, NULL, false);
	fake_mkdir("/sys/devices/virtual");
	fake_symlink("/sys/devices/virtual/alias", MVSIM);
	fake_symlink("/sys/bus/mdev_virtio/devices/" U1, "/sys/devices/virtual/alias/" U1);
	ck_assert_int_eq(mdev_device_read(NULL, U1, &d, NULL), 0);
	ck_assert_str_eq(d.parent, "mvsim");
	ck_assert_str_eq(d.type, "mvsim-vhost_net");
	ck_assert_str_eq(d.class, "vhost");
	ck_assert_ptr_null(d.driver);
	mdev_device_done(&d);
}
END_TEST

START_TEST(device_read_any_spelling_and_errors)
{
	_cleanup_free_ char *e = NULL;
	struct mdev_device d = {};

	add_running_devices();
	ck_assert_int_eq(
	    mdev_device_read(NULL, "urn:uuid:AAAAAAAABBBBCCCCDDDDEEEEEEEEEEEE", &d, NULL), 0);
	ck_assert_str_eq(d.uuid, U2);
	mdev_device_done(&d);
	/* restricted to a bus it is not on */
	ck_assert_int_eq(mdev_device_read(mdev_bus_from_name("mdev_virtio"), U2, &d, &e), -ENODEV);
	ck_assert_int_eq(mdev_device_read(NULL, UNEW, &d, &e), -ENODEV);
	ck_assert_str_eq(e, "Failed to read device " UNEW ": No such device (ENODEV)");
	ck_assert_int_eq(mdev_device_read(NULL, "1234", &d, &e), -EINVAL);
	assert_contains(e, "Invalid device UUID '1234'");
	ck_assert_ptr_null(d.parent);
}
END_TEST

/*
 * Watch one attribute store from the kernel's side: the attribute is a FIFO
 * whose pipe the test fills first, so the writer blocks inside its store.
 * When inotify reports the open, the thread looks at the other files (what
 * was written before, what was not yet), then drains the pipe and keeps what
 * the writer stored.
 */
struct store_probe {
	int fd, inotify;
	size_t want_len;
	char value[64];
	char *autoprobe, *create, *probe, *mtu, *max_vqp;
};

static void probe_arm(struct store_probe *sp, const char *fifo)
{
	_cleanup_free_ char *p = NULL;
	char junk[4096];

	ck_assert_int_eq(root_path(fifo, &p), 0);
	fake_fifo_add(fifo);
	sp->fd = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ck_assert_int_ge(sp->fd, 0);
	ck_assert_int_eq(fcntl(sp->fd, F_SETPIPE_SZ, (int)sizeof(junk)), (int)sizeof(junk));
	memset(junk, 'j', sizeof(junk));
	ck_assert_int_eq(write(sp->fd, junk, sizeof(junk)), (ssize_t)sizeof(junk));
	ck_assert_int_lt(write(sp->fd, junk, 1), 0); /* full: the next store will block */
	sp->inotify = inotify_init1(IN_CLOEXEC);
	ck_assert_int_ge(sp->inotify, 0);
	ck_assert_int_ge(inotify_add_watch(sp->inotify, p, IN_OPEN), 0);
}

static void *probe_run(void *arg)
{
	struct store_probe *sp = arg;
	struct pollfd pfd = {.fd = sp->inotify, .events = POLLIN};
	char buf[4096 + sizeof(struct inotify_event) + 256];
	size_t junk = 0, got = 0;
	ssize_t k;

	if (poll(&pfd, 1, 10000) <= 0 || read(sp->inotify, buf, sizeof(buf)) <= 0)
		return NULL;
	sp->autoprobe = fake_file_read(AUTOPROBE);
	sp->create = fake_file_read(NET_CREATE);
	sp->probe = fake_file_read(PROBE);
	sp->mtu = fake_file_read(MVSIM "/" UNEW "/mtu");
	sp->max_vqp = fake_file_read(MVSIM "/" UNEW "/max_vqp");
	pfd.fd = sp->fd;
	while (got < sp->want_len && poll(&pfd, 1, 10000) > 0 &&
	       (k = read(sp->fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < k; i++) {
			if (junk < 4096)
				junk++;
			else if (got < sizeof(sp->value) - 1)
				sp->value[got++] = buf[i];
		}
	return NULL;
}

static void probe_done(struct store_probe *sp)
{
	close(sp->fd);
	close(sp->inotify);
	free(sp->autoprobe);
	free(sp->create);
	free(sp->probe);
	free(sp->mtu);
	free(sp->max_vqp);
}

START_TEST(create_configures_before_bind)
{
	static const struct definition_attr attrs[] = {
	    {"mtu", "1500"}, {"mac", "02:00:00:00:00:01\n"}, {"max_vqp", "2"}};
	static const char *const files[] = {"mtu", "max_vqp", NULL};
	struct store_probe sp = {.want_len = strlen(attrs[1].value)};
	char *e = NULL;
	pthread_t t;

	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", UNEW, "virtio", NULL, files,
			false);
	probe_arm(&sp, MVSIM "/" UNEW "/mac");
	ck_assert_int_eq(pthread_create(&t, NULL, probe_run, &sp), 0);
	ck_assert_int_eq(mdev_device_create("mvsim", "mvsim-virtio_net", UNEW_UPPER, attrs, 3, &e),
			 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_ptr_null(e);
	/* while "mac" was being stored: unbound bus, created, earlier attrs only, not probed */
	ck_assert_str_eq(strempty(sp.autoprobe), "0");
	ck_assert_str_eq(strempty(sp.create), UNEW);
	ck_assert_str_eq(strempty(sp.mtu), "1500");
	ck_assert_str_eq(strempty(sp.max_vqp), "");
	ck_assert_str_eq(strempty(sp.probe), "");
	ck_assert_str_eq(sp.value, "02:00:00:00:00:01\n");
	/* afterwards: the rest configured, probed, autoprobe back on (rewritten, no "\n") */
	assert_file(MVSIM "/" UNEW "/max_vqp", "2");
	assert_file(PROBE, UNEW);
	assert_file(AUTOPROBE, "1");
	assert_file(MVSIM "/" UNEW "/remove", "");
	probe_done(&sp);
}
END_TEST

START_TEST(create_without_attrs_leaves_autoprobe_alone)
{
	char *e = (char *)"untouched";

	ck_assert_int_eq(mdev_device_create("mvsim", "mvsim-virtio_net", UNEW, NULL, 0, &e), 0);
	ck_assert_str_eq(e, "untouched");
	assert_file(NET_CREATE, UNEW);
	assert_file(AUTOPROBE, "1\n");
	assert_file(PROBE, "");
}
END_TEST

START_TEST(create_keeps_autoprobe_someone_turned_off)
{
	static const struct definition_attr attrs[] = {{"mac", "02:00:00:00:00:02"}};
	static const char *const files[] = {"mac", NULL};

	fake_file_write(AUTOPROBE, "0\n");
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", UNEW, "virtio", NULL, files,
			false);
	ck_assert_int_eq(mdev_device_create("mvsim", "mvsim-virtio_net", UNEW, attrs, 1, NULL), 0);
	assert_file(MVSIM "/" UNEW "/mac", "02:00:00:00:00:02");
	assert_file(PROBE, UNEW);
	assert_file(AUTOPROBE, "0\n");
}
END_TEST

START_TEST(create_vfio_writes_attrs_after_create)
{
	/* order matters and names may repeat (mdevctl): the last write wins */
	static const struct definition_attr attrs[] = {{"x", "1"}, {"y", "2"}, {"x", "3"}};
	static const char *const files[] = {"x", "y", NULL};

	fake_device_add("mdev", "0000:00:02.0", "i915-GVTg_V5_4", UNEW, NULL, NULL, files, false);
	ck_assert_int_eq(mdev_device_create("0000:00:02.0", "i915-GVTg_V5_4", UNEW, attrs, 3, NULL),
			 0);
	assert_file(GPU "/mdev_supported_types/i915-GVTg_V5_4/create", UNEW);
	assert_file(GPU "/" UNEW "/x", "3");
	assert_file(GPU "/" UNEW "/y", "2");
	assert_file("/sys/bus/mdev/drivers_autoprobe", "1\n");
	assert_file("/sys/bus/mdev/drivers_probe", "");
	assert_file(GPU "/" UNEW "/remove", "");
}
END_TEST

/*
 * Create must fail with @err and a message containing @msg_part (or, if it
 * starts with '=', being the rest), before anything reached "create".
 */
static void assert_create_refused(const char *parent, const char *type, const char *uuid,
				  const struct definition_attr *attrs, size_t n, int err,
				  const char *msg_part)
{
	_cleanup_free_ char *e = NULL;

	ck_assert_int_eq(mdev_device_create(parent, type, uuid, attrs, n, &e), err);
	if (msg_part[0] == '=')
		ck_assert_str_eq(strempty(e), msg_part + 1);
	else
		assert_contains(e, msg_part);
	assert_file(NET_CREATE, "");
	assert_file(AUTOPROBE, "1\n");
}

START_TEST(create_refuses_unknown_parent_and_type)
{
	/* mdevctl's sentences, whole (MDev::create in its src/mdev.rs) */
	assert_create_refused("nosuch", "mvsim-virtio_net", UNEW, NULL, 0, -ENODEV,
			      "=Unable to find parent device 'nosuch'");
	assert_create_refused("MVSIM", "mvsim-virtio_net", UNEW, NULL, 0, -ENODEV,
			      "=Unable to find parent device 'MVSIM'. Did you mean 'mvsim'?");
	assert_create_refused("mvsim", "mvsim-virtio_gpu", UNEW, NULL, 0, -EOPNOTSUPP,
			      "=Parent mvsim does not support mdev type mvsim-virtio_gpu");
	/* a type of the other bus's parent is not offered here */
	assert_create_refused("mvsim", "i915-GVTg_V5_4", UNEW, NULL, 0, -EOPNOTSUPP,
			      "Parent mvsim does not support mdev type i915-GVTg_V5_4");
	assert_create_refused("mvsim", "mvsim-virtio_blk", UNEW, NULL, 0, -EUSERS,
			      "Failed to create mvsim-virtio_blk device " UNEW
			      " on parent mvsim: No instances left (EUSERS)");
	assert_file(MVSIM "/mdev_supported_types/mvsim-virtio_blk/create", "");
}
END_TEST

START_TEST(create_refuses_unregistered_parent)
{
	fake_parent_add("mdev", "/sys/devices/pci0000:00/0000:00:03.0", false);
	assert_create_refused("0000:00:03.0", "i915-GVTg_V5_4", UNEW, NULL, 0, -ENODEV,
			      "=Parent 0000:00:03.0 is not currently registered for mdev "
			      "support");
}
END_TEST

START_TEST(create_refuses_bad_input)
{
	static const char *const bad_names[] = {"../../x", "a/b",    "",
						".hidden", "remove", "uevent"};
	_cleanup_free_ char *big = malloc(MDEV_SYSFS_VALUE_MAX + 2);
	struct definition_attr many[MDEV_ATTRS_MAX + 1];

	assert_create_refused("mvsim", "mvsim-virtio_net", "xyz", NULL, 0, -EINVAL,
			      "device xyz on parent mvsim (invalid UUID)");
	assert_create_refused("mvsim", "mvsim-virtio_net", NULL, NULL, 0, -EINVAL, "invalid UUID");
	assert_create_refused("../mvsim", "mvsim-virtio_net", UNEW, NULL, 0, -EINVAL,
			      "invalid parent name");
	assert_create_refused("mvsim", "x/../../y", UNEW, NULL, 0, -EINVAL, "invalid type name");
	for (size_t i = 0; i < ELEMENTSOF(bad_names); i++) {
		const struct definition_attr a[] = {{"mac", "1"}, {(char *)bad_names[i], "1"}};

		assert_create_refused("mvsim", "mvsim-virtio_net", UNEW, a, 2, -EINVAL,
				      "attribute");
	}
	memset(big, 'a', MDEV_SYSFS_VALUE_MAX + 1);
	big[MDEV_SYSFS_VALUE_MAX + 1] = '\0';
	assert_create_refused("mvsim", "mvsim-virtio_net", UNEW,
			      (const struct definition_attr[]){{"mac", big}}, 1, -EINVAL,
			      "attribute 'mac': attribute value must be 1..4095 bytes");
	big[MDEV_SYSFS_VALUE_MAX] = '\0'; /* exactly the limit is fine to validate */
	ck_assert_int_eq(mdev_attr_validate("mac", big, &(const char *){NULL}), 0);
	assert_create_refused("mvsim", "mvsim-virtio_net", UNEW,
			      (const struct definition_attr[]){{"mac", "a\nb"}}, 1, -EINVAL,
			      "contains a newline");
	assert_create_refused("mvsim", "mvsim-virtio_net", UNEW,
			      (const struct definition_attr[]){{"mac", ""}}, 1, -EINVAL, "1..4095");
	for (size_t i = 0; i < ELEMENTSOF(many); i++)
		many[i] = (struct definition_attr){"mac", "1"};
	assert_create_refused("mvsim", "mvsim-virtio_net", UNEW, many, ELEMENTSOF(many), -E2BIG,
			      "too many attributes");
}
END_TEST

START_TEST(create_refuses_running_uuid)
{
	add_running_devices();
	assert_create_refused("mvsim", "mvsim-vhost_net", U1, NULL, 0, -EEXIST,
			      "(already running on parent mvsim as type mvsim-virtio_net): Device "
			      "already exists (EEXIST)");
	assert_create_refused("mvsim", "mvsim-vhost_net", U2, NULL, 0, -EEXIST,
			      "already running on parent 0000:00:02.0");
}
END_TEST

START_TEST(create_removes_device_when_an_attr_fails)
{
	static const struct definition_attr attrs[] = {
	    {"mtu", "1500"}, {"nosuch", "1"}, {"max_vqp", "2"}};
	static const char *const files[] = {"mtu", "max_vqp", NULL};
	_cleanup_free_ char *e = NULL;

	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", UNEW, "virtio", NULL, files,
			false);
	ck_assert_int_eq(mdev_device_create("mvsim", "mvsim-virtio_net", UNEW, attrs, 3, &e),
			 -ENOENT);
	ck_assert_str_eq(e,
			 "Failed to write '1' to attribute nosuch of mvsim-virtio_net device " UNEW
			 " on parent mvsim: No such file or directory (ENOENT)");
	assert_file(NET_CREATE, UNEW);
	assert_file(MVSIM "/" UNEW "/mtu", "1500");
	assert_file(MVSIM "/" UNEW "/max_vqp", "");
	assert_file(MVSIM "/" UNEW "/remove", "1");
	assert_file(PROBE, "");
	assert_file(AUTOPROBE, "1");
}
END_TEST

START_TEST(create_refuses_to_configure_a_bound_device)
{
	static const struct definition_attr attrs[] = {{"mac", "02:00:00:00:00:01"}};
	static const char *const files[] = {"mac", NULL};
	_cleanup_free_ char *e = NULL;

	/* as if another writer turned autoprobe back on and virtio_mdev bound it */
	fake_device_add("mdev_virtio", "mvsim", "mvsim-virtio_net", UNEW, "virtio", "virtio_mdev",
			files, false);
	ck_assert_int_eq(mdev_device_create("mvsim", "mvsim-virtio_net", UNEW, attrs, 1, &e),
			 -EBUSY);
	assert_contains(e, "another writer turned drivers_autoprobe back on");
	assert_contains(e, "(EBUSY)");
	assert_file(MVSIM "/" UNEW "/mac", "");
	assert_file(MVSIM "/" UNEW "/remove", "1");
	assert_file(AUTOPROBE, "1");
}
END_TEST

START_TEST(create_vfio_removes_device_when_an_attr_fails)
{
	static const struct definition_attr attrs[] = {{"assign_adapter", "5"}};
	_cleanup_free_ char *e = NULL;

	fake_device_add("mdev", "0000:00:02.0", "i915-GVTg_V5_4", UNEW, NULL, NULL, NULL, false);
	ck_assert_int_eq(mdev_device_create("0000:00:02.0", "i915-GVTg_V5_4", UNEW, attrs, 1, &e),
			 -ENOENT);
	assert_contains(e, "attribute assign_adapter of i915-GVTg_V5_4 device " UNEW
			   " on parent 0000:00:02.0");
	assert_file(GPU "/" UNEW "/remove", "1");
}
END_TEST

START_TEST(remove_writes_one)
{
	char *e = (char *)"untouched";

	add_running_devices();
	ck_assert_int_eq(mdev_device_remove(U2, &e), 0);
	ck_assert_int_eq(mdev_device_remove("11111111222233334444555555555555", &e), 0);
	ck_assert_str_eq(e, "untouched");
	assert_file(GPU "/" U2 "/remove", "1");
	assert_file(MVSIM "/" U1 "/remove", "1");
}
END_TEST

START_TEST(remove_errors_name_the_device)
{
	_cleanup_free_ char *e = NULL;

	add_running_devices();
	ck_assert_int_eq(mdev_device_remove(UNEW, &e), -ENODEV);
	ck_assert_str_eq(e, "Failed to remove device " UNEW ": No such device (ENODEV)");
	ck_assert_int_eq(mdev_device_remove("not-a-uuid", &e), -EINVAL);
	assert_contains(e, "'not-a-uuid' (invalid UUID)");
	/* a store the kernel refuses; a directory stands in for the refusal */
	fake_unlink(MVSIM "/" U1 "/remove");
	fake_mkdir(MVSIM "/" U1 "/remove");
	ck_assert_int_eq(mdev_device_remove(U1, &e), -EISDIR);
	assert_contains(e, "Failed to remove mvsim-virtio_net device " U1 " on parent mvsim: ");
}
END_TEST

START_TEST(half_gone_device_skipped_but_removable)
{
	struct mdev_device *d = NULL;
	size_t n = 0;

	add_running_devices();
	fake_device_add("mdev_virtio", "mvsim", "mvsim-vhost_net", UNEW, "vhost", NULL, NULL, true);
	fake_unlink(MVSIM "/" UNEW "/mdev_type");
	ck_assert_int_eq(mdev_device_list(&d, &n, NULL), 0);
	ck_assert_uint_eq(n, 2);
	mdev_device_array_free(d, n);
	ck_assert_int_eq(mdev_device_remove(UNEW, NULL), 0);
	assert_file(MVSIM "/" UNEW "/remove", "1");
}
END_TEST

/* mdev_device_nodes() collects into a string: "kind:name kind:name ". */
static int node_collect(const char *kind, const char *name, void *userdata)
{
	char *buf = userdata;
	size_t len = strlen(buf);

	snprintf(buf + len, 512 - len, "%s:%s ", kind, name);
	return 0;
}

START_TEST(nodes_follow_no_links)
{
	struct mdev_device d = {};
	char seen[512] = "";

	add_running_devices();
	fake_mkdir(MVSIM "/" U1 "/virtio3");
	fake_mkdir(MVSIM "/" U1 "/virtio3/net");
	fake_mkdir(MVSIM "/" U1 "/virtio3/net/eth7");
	/* Elsewhere, what links below the device point to: none of it is the device's. */
	fake_mkdir("/sys/devices/elsewhere");
	fake_mkdir("/sys/devices/elsewhere/net");
	fake_mkdir("/sys/devices/elsewhere/net/eth99");
	fake_mkdir("/sys/devices/elsewhere/vhost-mdev-9");
	fake_file_write("/sys/devices/elsewhere/vhost-mdev-9/dev", "240:9\n");
	fake_symlink(MVSIM "/" U1 "/virtio3/block", "/sys/devices/elsewhere/net");
	fake_symlink(MVSIM "/" U1 "/net", "/sys/devices/elsewhere/net");
	fake_symlink(MVSIM "/" U1 "/vhost-link", "/sys/devices/elsewhere");
	fake_symlink(MVSIM "/" U1 "/vhost-mdev-9", "/sys/devices/elsewhere/vhost-mdev-9");
	ck_assert_int_eq(mdev_device_read(NULL, U1, &d, NULL), 0);
	ck_assert_int_eq(mdev_device_nodes(&d, node_collect, seen), 0);
	ck_assert_str_eq(seen, "net:eth7 ");
	mdev_device_done(&d);
}
END_TEST

START_TEST(subdirs_are_real_directories_sorted)
{
	char **names = NULL;

	fake_mkdir("/sys/devices/x");
	fake_mkdir("/sys/devices/x/b");
	fake_mkdir("/sys/devices/x/a");
	fake_mkdir("/sys/devices/x/Z");
	fake_file_write("/sys/devices/x/file", "1\n");
	fake_symlink("/sys/devices/x/link", "/sys/devices/x/a");
	ck_assert_int_eq(mdev_sysfs_list_subdirs("/sys/devices/x", &names), 0);
	ck_assert_ptr_nonnull(names);
	ck_assert_str_eq(names[0], "Z");
	ck_assert_str_eq(names[1], "a");
	ck_assert_str_eq(names[2], "b");
	ck_assert_ptr_null(names[3]);
	strv_free(names);
	ck_assert_int_eq(mdev_sysfs_list_dir("/sys/devices/x", &names), 0);
	ck_assert_str_eq(names[3], "file");
	ck_assert_str_eq(names[4], "link");
	ck_assert_ptr_null(names[5]);
	strv_free(names);
	ck_assert_int_eq(mdev_sysfs_list_subdirs("/sys/devices/none", &names), -ENOENT);
	ck_assert_int_eq(mdev_sysfs_list_subdirs("/sys/devices/x/file", &names), -ENOTDIR);
}
END_TEST

/* A value up to MDEV_SYSFS_VALUE_MAX bytes reads whole in one read; one byte more is refused. */
START_TEST(sysfs_read_sizes)
{
	char *big = malloc(MDEV_SYSFS_VALUE_MAX + 2), *v = NULL;

	ck_assert_ptr_nonnull(big);
	fake_mkdir("/sys/devices/x");
	memset(big, 'a', MDEV_SYSFS_VALUE_MAX);
	big[MDEV_SYSFS_VALUE_MAX] = '\0';
	fake_file_write("/sys/devices/x/max", big);
	ck_assert_int_eq(mdev_sysfs_read("/sys/devices/x/max", &v), 0);
	ck_assert_uint_eq(strlen(v), MDEV_SYSFS_VALUE_MAX);
	free(v);
	big[MDEV_SYSFS_VALUE_MAX] = 'a';
	big[MDEV_SYSFS_VALUE_MAX + 1] = '\0';
	fake_file_write("/sys/devices/x/over", big);
	ck_assert_int_eq(mdev_sysfs_read("/sys/devices/x/over", &v), -EFBIG);
	fake_file_write("/sys/devices/x/empty", "");
	ck_assert_int_eq(mdev_sysfs_read("/sys/devices/x/empty", &v), 0);
	ck_assert_str_eq(v, "");
	free(v);
	fake_file_write("/sys/devices/x/line", "virtio\n");
	ck_assert_int_eq(mdev_sysfs_read("/sys/devices/x/line", &v), 0);
	ck_assert_str_eq(v, "virtio");
	free(v);
	ck_assert_int_eq(mdev_sysfs_read("/sys/devices/x/none", &v), -ENOENT);
	free(big);
}
END_TEST

/* The kernel's last uevent number, as /sys/kernel/uevent_seqnum prints it; anything else refused. */
START_TEST(uevent_seqnum_parsed_or_refused)
{
	static const char *const bad[] = {"", "x", "12x", "-1", " 7", "99999999999999999999999"};
	uint64_t v = 0;

	ck_assert_int_eq(mdev_uevent_seqnum(&v), -ENOENT);
	fake_mkdir("/sys/kernel");
	fake_file_write("/sys/kernel/uevent_seqnum", "18446744073709551615\n");
	ck_assert_int_eq(mdev_uevent_seqnum(&v), 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		fake_file_write("/sys/kernel/uevent_seqnum", bad[i]);
		ck_assert_msg(mdev_uevent_seqnum(&v) == -EINVAL, "'%s' taken", bad[i]);
	}
}
END_TEST

static Suite *mdev_sysfs_suite(void)
{
	Suite *s = suite_create("mdev-sysfs");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, bus_table);
	tcase_add_test(tc, error_wording);
	tcase_add_test(tc, parents_of_both_buses);
	tcase_add_test(tc, type_missing_a_file_is_reported_alone);
	tcase_add_test(tc, bad_number_is_reported);
	tcase_add_test(tc, unregistered_parent_listed_with_error);
	tcase_add_test(tc, parent_read_errors);
	tcase_add_test(tc, no_buses_loaded);
	tcase_add_test(tc, devices_of_both_buses);
	tcase_add_test(tc, fake_links_look_like_the_kernels);
	tcase_add_test(tc, parent_is_the_canonical_directory);
	tcase_add_test(tc, device_read_any_spelling_and_errors);
	tcase_add_test(tc, create_configures_before_bind);
	tcase_add_test(tc, create_without_attrs_leaves_autoprobe_alone);
	tcase_add_test(tc, create_keeps_autoprobe_someone_turned_off);
	tcase_add_test(tc, create_vfio_writes_attrs_after_create);
	tcase_add_test(tc, create_refuses_unknown_parent_and_type);
	tcase_add_test(tc, create_refuses_unregistered_parent);
	tcase_add_test(tc, create_refuses_bad_input);
	tcase_add_test(tc, create_refuses_running_uuid);
	tcase_add_test(tc, create_removes_device_when_an_attr_fails);
	tcase_add_test(tc, create_refuses_to_configure_a_bound_device);
	tcase_add_test(tc, create_vfio_removes_device_when_an_attr_fails);
	tcase_add_test(tc, remove_writes_one);
	tcase_add_test(tc, remove_errors_name_the_device);
	tcase_add_test(tc, half_gone_device_skipped_but_removable);
	tcase_add_test(tc, nodes_follow_no_links);
	tcase_add_test(tc, subdirs_are_real_directories_sorted);
	tcase_add_test(tc, sysfs_read_sizes);
	tcase_add_test(tc, uevent_seqnum_parsed_or_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(mdev_sysfs_suite)
