/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "log.h"
#include "mdev-device.h"
#include "mdev-parent.h"
#include "name-check.h"
#include "root-path.h"

#define STRINGIFY_ARG(x) #x
#define STRINGIFY(x) STRINGIFY_ARG(x)

void mdev_device_done(struct mdev_device *d)
{
	free(d->parent);
	free(d->type);
	free(d->class);
	free(d->driver);
	*d = (struct mdev_device){};
}

struct mdev_device *mdev_device_array_free(struct mdev_device *a, size_t n)
{
	for (size_t i = 0; a && i < n; i++)
		mdev_device_done(&a[i]);
	free(a);
	return NULL;
}

/* What the kernel appends to the name of a directory removed while open. */
#define DELETED " (deleted)"

/*
 * The canonical path of the directory open as @fd: the kernel's own name for
 * it (/proc/self/fd), which is what realpath() finds with a readlink() of
 * every component of the path. -ESTALE if that name cannot be trusted (no
 * /proc, or the directory was removed after it was opened).
 */
static int fd_canonical(int fd, char **ret)
{
	char proc[sizeof("/proc/self/fd/") + 3 * sizeof(int)];
	_cleanup_free_ char *buf = malloc(PATH_MAX);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, buf, PATH_MAX);
	if (n <= 0 || n >= PATH_MAX || buf[0] != '/')
		return -ESTALE;
	buf[n] = '\0';
	if ((size_t)n >= strlen(DELETED) && streq(buf + n - strlen(DELETED), DELETED))
		return -ESTALE;
	*ret = TAKE_PTR(buf);
	return 0;
}

/*
 * realpath() of @path, a directory or a link to one, asked of the kernel:
 * open, name, close, instead of a readlink() of every component. Where the
 * kernel's name will not do (no /proc, not a directory, removed meanwhile),
 * realpath() answers, as it always did.
 */
static int dir_canonical(const char *path, char **ret)
{
	_cleanup_close_ int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0 && errno == ENOENT)
		return -ENOENT;
	r = fd >= 0 ? fd_canonical(fd, ret) : -errno;
	if (r >= 0 || r == -ENOMEM)
		return r;
	*ret = realpath(path, NULL);
	return *ret ? 0 : -errno;
}

/* realpath() of <bus_dir>/devices/<uuid>[/<sub>] under the root. */
static int device_canonical(const struct mdev_bus *bus, const char *uuid, const char *sub,
			    char **ret)
{
	_cleanup_free_ char *p = NULL;
	int r;

	r = root_pathf(&p, "%s/devices/%s%s%s", bus->bus_dir, uuid, sub ? "/" : "", strempty(sub));
	return r < 0 ? r : dir_canonical(p, ret);
}

static int basename_dup(const char *path, char **ret)
{
	const char *slash = strrchr(path, '/');

	*ret = strdup(slash ? slash + 1 : path);
	return *ret ? 0 : -ENOMEM;
}

/* As mdevctl: parent = basename of the canonical parent dir, type = of mdev_type's target. */
static int device_links_read(struct mdev_device *d)
{
	_cleanup_free_ char *canon = NULL, *type = NULL, *driver = NULL;
	char *slash;
	int r;

	r = device_canonical(d->bus, d->uuid, NULL, &canon);
	if (r < 0)
		return r == -ENOENT ? -ENODEV : r;
	slash = strrchr(canon, '/');
	if (!slash || slash == canon)
		return -EINVAL;
	*slash = '\0';
	r = basename_dup(canon, &d->parent);
	if (r < 0)
		return r;
	r = device_canonical(d->bus, d->uuid, "mdev_type", &type);
	if (r < 0)
		return r;
	r = basename_dup(type, &d->type);
	if (r < 0)
		return r;
	r = device_canonical(d->bus, d->uuid, "driver", &driver);
	if (r == -ENOENT)
		return 0; /* unbound */
	return r < 0 ? r : basename_dup(driver, &d->driver);
}

static int device_read_on(const struct mdev_bus *bus, const char *uuid, struct mdev_device *ret)
{
	_cleanup_(mdev_device_done) struct mdev_device d = {.bus = bus};
	_cleanup_free_ char *class_path = NULL;
	int r;

	memcpy(d.uuid, uuid, sizeof(d.uuid));
	r = device_links_read(&d);
	if (r < 0)
		return r;
	if (asprintf(&class_path, "%s/devices/%s/class", bus->bus_dir, uuid) < 0)
		return -ENOMEM;
	r = mdev_sysfs_read(class_path, &d.class);
	if (r < 0 && r != -ENOENT)
		return r;
	*ret = d;
	d = (struct mdev_device){};
	return 0;
}

int mdev_device_read(const struct mdev_bus *bus, const char *uuid, struct mdev_device *ret,
		     char **ret_error)
{
	char id[UUID_STRING_LEN + 1];
	const struct mdev_bus *b;
	int r = -ENODEV;

	if (uuid_normalize(uuid, id) < 0)
		return mdev_error(ret_error, EINVAL, "Invalid device UUID '%.64s'", strempty(uuid));
	if (bus)
		r = device_read_on(bus, id, ret);
	for (size_t i = 0; !bus && r == -ENODEV && (b = mdev_bus_get(i)); i++)
		r = device_read_on(b, id, ret);
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to read device %s", id);
	return 0;
}

/* Append the devices of @bus; devices that vanish or are half-gone are skipped. */
static int bus_devices_read(const struct mdev_bus *bus, struct mdev_device **a, size_t *n,
			    char **ret_error)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *dir = NULL;
	int r;

	if (asprintf(&dir, "%s/devices", bus->bus_dir) < 0)
		return mdev_error(ret_error, ENOMEM, "Failed to list devices");
	r = mdev_sysfs_list_dir(dir, &names);
	if (r == -ENOENT)
		return 0; /* bus module not loaded */
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to list devices of bus %s", bus->name);
	for (char **name = names; *name; name++) {
		struct mdev_device *grown;

		if (!uuid_is_normalized(*name))
			continue; /* not a device we could have made; mdevctl warns and skips too */
		grown = realloc(*a, (*n + 1) * sizeof(struct mdev_device));
		if (!grown)
			return mdev_error(ret_error, ENOMEM, "Failed to list devices");
		*a = grown;
		r = device_read_on(bus, *name, &grown[*n]);
		if (r == -ENOMEM)
			return mdev_error(ret_error, r, "Failed to list devices");
		if (r >= 0)
			(*n)++;
	}
	return 0;
}

int mdev_device_list(struct mdev_device **ret, size_t *ret_n, char **ret_error)
{
	struct mdev_device *a = NULL;
	const struct mdev_bus *bus;
	size_t n = 0;
	int r;

	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		r = bus_devices_read(bus, &a, &n, ret_error);
		if (r < 0) {
			mdev_device_array_free(a, n);
			return r;
		}
	}
	*ret = a;
	*ret_n = n;
	return 0;
}

int mdev_attr_validate(const char *name, const char *value, const char **ret_reason)
{
	const char *nl;
	size_t len;

	if (!name_is_valid(name, NAME_MAX_ATTR)) {
		*ret_reason = "invalid attribute name";
		return -EINVAL;
	}
	/* Writing these would remove the device or fake a uevent, not configure it. */
	if (streq(name, "remove") || streq(name, "uevent")) {
		*ret_reason = "attribute is a driver-core control file, not configuration";
		return -EINVAL;
	}
	len = value ? strnlen(value, MDEV_SYSFS_VALUE_MAX + 1) : 0;
	if (len == 0 || len > MDEV_SYSFS_VALUE_MAX) {
		*ret_reason =
		    "attribute value must be 1.." STRINGIFY(MDEV_SYSFS_VALUE_MAX) " bytes";
		return -EINVAL;
	}
	/* One store() takes one value; a newline inside would be a second line the driver drops. */
	nl = strchr(value, '\n');
	if (nl && nl[1] != '\0') {
		*ret_reason = "attribute value contains a newline";
		return -EINVAL;
	}
	return 0;
}

/* What a create is about; every message names it the same way. */
struct create_op {
	const char *parent, *type;
	char uuid[UUID_STRING_LEN + 1];
	const struct definition_attr *attrs;
	size_t n_attrs;
	const struct mdev_bus *bus;
	char **ret_error;
};

static int create_fail(const struct create_op *op, int r, const char *detail)
{
	return mdev_error(
	    op->ret_error, r, "Failed to create %.128s device %s on parent %.128s%s%s%s", op->type,
	    op->uuid, op->parent, detail ? " (" : "", strempty(detail), detail ? ")" : "");
}

/*
 * A parent or type that is not there: mdevctl's sentence, which names both,
 * is the whole message (users and scripts know it; the caller names the device).
 */
static int create_fail_locate(const struct create_op *op, int r, char **reason)
{
	if (!*reason)
		return create_fail(op, r, NULL);
	log_debug("Failed to create %s device %s: %s", op->type, op->uuid, *reason);
	if (op->ret_error) {
		free(*op->ret_error);
		*op->ret_error = TAKE_PTR(*reason);
	}
	return negative_errno(r);
}

static int create_validate(struct create_op *op, const char *uuid)
{
	const char *reason;
	int r;

	if (uuid_normalize(uuid, op->uuid) < 0) {
		snprintf(op->uuid, sizeof(op->uuid), "%.*s", UUID_STRING_LEN, strempty(uuid));
		return create_fail(op, -EINVAL, "invalid UUID");
	}
	if (!name_is_valid(op->parent, NAME_MAX_PARENT))
		return create_fail(op, -EINVAL, "invalid parent name");
	if (!name_is_valid(op->type, NAME_MAX_TYPE))
		return create_fail(op, -EINVAL, "invalid type name");
	for (size_t i = 0; i < op->n_attrs; i++) {
		r = mdev_attr_validate(op->attrs[i].name, op->attrs[i].value, &reason);
		if (r < 0)
			return mdev_error(op->ret_error, r,
					  "Failed to create %s device %s on parent %s: attribute "
					  "'%.64s': %s",
					  op->type, op->uuid, op->parent,
					  strempty(op->attrs[i].name), reason);
	}
	return 0;
}

/* mdevctl refuses a UUID that runs anywhere; so do we, naming where it runs. */
static int create_check_absent(const struct create_op *op)
{
	_cleanup_(mdev_device_done) struct mdev_device d = {};
	_cleanup_free_ char *where = NULL;
	int r;

	r = mdev_device_read(NULL, op->uuid, &d, NULL);
	if (r == -ENODEV)
		return 0;
	if (r >= 0 &&
	    asprintf(&where, "already running on parent %s as type %s", d.parent, d.type) < 0)
		where = NULL;
	return create_fail(op, -EEXIST, where ? where : "already running");
}

static int create_store(const struct create_op *op)
{
	_cleanup_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s/mdev_supported_types/%s/create", op->bus->class_dir, op->parent,
		     op->type) < 0)
		return create_fail(op, -ENOMEM, NULL);
	r = mdev_sysfs_write(path, op->uuid);
	return r < 0 ? create_fail(op, r, NULL) : 0;
}

/*
 * During a create the device is addressed through its parent,
 * <class_dir>/<parent>/<uuid>: the directory the create store makes before it
 * returns (the bus link points to the same one), named by what we created
 * rather than by whatever a UUID link says.
 */
static int create_file_path(const struct create_op *op, const char *file, char **ret)
{
	if (asprintf(ret, "%s/%s/%s/%s", op->bus->class_dir, op->parent, op->uuid, file) < 0)
		return -ENOMEM;
	return 0;
}

static int create_file_write(const struct create_op *op, const char *file, const char *value)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = create_file_path(op, file, &path);
	return r < 0 ? r : mdev_sysfs_write(path, value);
}

static int create_attrs_write(const struct create_op *op)
{
	for (size_t i = 0; i < op->n_attrs; i++) {
		const struct definition_attr *a = &op->attrs[i];
		int r;

		r = create_file_write(op, a->name, a->value);
		if (r < 0)
			return mdev_error(op->ret_error, r,
					  "Failed to write '%.64s' to attribute %s of %s device %s "
					  "on parent %s",
					  a->value, a->name, op->type, op->uuid, op->parent);
	}
	return 0;
}

/* Undo a create after a later step failed with @r; the first error stays the message. */
static int create_rollback(const struct create_op *op, int r)
{
	int k;
	char *msg;

	k = create_file_write(op, "remove", "1");
	if (k < 0 && op->ret_error && *op->ret_error &&
	    asprintf(&msg, "%s; removing the device again failed too: %s", *op->ret_error,
		     strerror(-k)) >= 0) {
		free(*op->ret_error);
		*op->ret_error = msg;
	}
	return r;
}

static int create_then_configure(const struct create_op *op)
{
	int r;

	r = create_store(op);
	if (r < 0)
		return r;
	r = create_attrs_write(op);
	return r < 0 ? create_rollback(op, r) : 0;
}

static int bus_file(const struct mdev_bus *bus, const char *file, char **ret)
{
	return asprintf(ret, "%s/%s", bus->bus_dir, file) < 0 ? -ENOMEM : 0;
}

/*
 * Configure-before-bind (DESIGN.md §1). drivers_autoprobe is one switch for
 * the whole bus, shared with every other writer. The daemon is single-threaded,
 * so its own creates never interleave; against other writers we:
 *  - turn it off only if we find it on, and turn back on only what we turned
 *    off: an admin (or another tool mid-create) who set 0 keeps 0, and we never
 *    "restore" a 0 we merely observed, which would leave it off for good;
 *  - keep the window to the create store, the attribute stores and one probe;
 *  - check the new device is still unbound before configuring it: if another
 *    writer turned autoprobe back on meanwhile, a driver may have bound it, and
 *    we fail with -EBUSY and remove it rather than configure a live device;
 *  - bind ours through drivers_probe, which works whatever the switch says.
 * What remains: a device someone else creates with a plain "create" inside our
 * window stays unbound until it is written to drivers_probe. A lock would not
 * close that gap (other tools would not take it), so we keep the window short.
 */
static int autoprobe_disable(const struct create_op *op, bool *ret_changed)
{
	_cleanup_free_ char *path = NULL, *v = NULL;
	int r;

	r = bus_file(op->bus, "drivers_autoprobe", &path);
	if (r >= 0)
		r = mdev_sysfs_read(path, &v);
	if (r < 0)
		return create_fail(op, r, "cannot read drivers_autoprobe");
	if (!streq(v, "1")) {
		*ret_changed = false;
		return 0;
	}
	r = mdev_sysfs_write(path, "0");
	if (r < 0)
		return create_fail(op, r, "cannot turn drivers_autoprobe off");
	*ret_changed = true;
	return 0;
}

static int autoprobe_enable(const struct mdev_bus *bus)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_file(bus, "drivers_autoprobe", &path);
	return r < 0 ? r : mdev_sysfs_write(path, "1");
}

static int device_unbound_check(const struct create_op *op)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = create_file_path(op, "driver", &path);
	if (r >= 0)
		r = mdev_sysfs_exists(path);
	if (r > 0)
		return create_fail(op, -EBUSY,
				   "a driver bound it before it was configured: another writer "
				   "turned drivers_autoprobe back on");
	return r < 0 ? create_fail(op, r, NULL) : 0;
}

static int device_probe(const struct create_op *op)
{
	_cleanup_free_ char *path = NULL;
	int r;

	r = bus_file(op->bus, "drivers_probe", &path);
	if (r >= 0)
		r = mdev_sysfs_write(path, op->uuid);
	return r < 0 ? create_fail(op, r, "binding a driver through drivers_probe failed") : 0;
}

static int create_unbound(const struct create_op *op)
{
	bool changed = false;
	int r, k;

	r = autoprobe_disable(op, &changed);
	if (r < 0)
		return r;
	r = create_store(op);
	if (r >= 0) {
		r = device_unbound_check(op);
		if (r >= 0)
			r = create_attrs_write(op);
		if (r >= 0)
			r = device_probe(op);
		if (r < 0)
			create_rollback(op, r);
	}
	if (!changed)
		return r;
	k = autoprobe_enable(op->bus);
	/* Leaving the bus with autoprobe off breaks every later plain create: fail loudly. */
	if (k < 0 && r >= 0)
		return create_rollback(op,
				       create_fail(op, k, "cannot turn drivers_autoprobe back on"));
	return r;
}

int mdev_device_create(const char *parent, const char *type, const char *uuid,
		       const struct definition_attr *attrs, size_t n_attrs, char **ret_error)
{
	struct create_op op = {.parent = strempty(parent),
			       .type = strempty(type),
			       .attrs = attrs,
			       .n_attrs = n_attrs,
			       .ret_error = ret_error};
	_cleanup_free_ char *reason = NULL;
	int r;

	if (n_attrs > MDEV_ATTRS_MAX)
		return create_fail(&op, -E2BIG, "too many attributes");
	r = create_validate(&op, uuid);
	if (r < 0)
		return r;
	r = create_check_absent(&op);
	if (r < 0)
		return r;
	r = mdev_parent_locate(op.parent, op.type, &op.bus, &reason);
	if (r < 0)
		return create_fail_locate(&op, r, &reason);
	if (op.bus->configure_before_bind && n_attrs > 0)
		return create_unbound(&op);
	return create_then_configure(&op);
}

/* The bus on which @uuid runs, in *@ret_dev its device path; -ENODEV if none. */
static int device_find(const char *uuid, const struct mdev_bus **ret_bus, char **ret_dev)
{
	const struct mdev_bus *bus;

	for (size_t i = 0; (bus = mdev_bus_get(i)); i++) {
		_cleanup_free_ char *dev = NULL;
		int r;

		if (asprintf(&dev, "%s/devices/%s", bus->bus_dir, uuid) < 0)
			return -ENOMEM;
		r = mdev_sysfs_exists(dev);
		if (r < 0)
			return r;
		if (r > 0) {
			*ret_bus = bus;
			*ret_dev = TAKE_PTR(dev);
			return 0;
		}
	}
	return -ENODEV;
}

/* A value read back (trailing newline stripped) against one to write (which
 * may end in one newline). */
static bool sysfs_value_equal(const char *current, const char *value)
{
	size_t n = strlen(value);

	if (n > 0 && value[n - 1] == '\n')
		n--;
	return strlen(current) == n && memcmp(current, value, n) == 0;
}

int mdev_device_attr_set(const struct mdev_device *d, const char *name, const char *value)
{
	_cleanup_free_ char *path = NULL, *current = NULL;
	const char *reason;

	if (mdev_attr_validate(name, value, &reason) < 0)
		return -EINVAL; /* the manager validated it: never a path outside the device */
	if (asprintf(&path, "%s/devices/%s/%s", d->bus->bus_dir, d->uuid, name) < 0)
		return -ENOMEM;
	if (mdev_sysfs_read(path, &current) >= 0 && sysfs_value_equal(current, value))
		return 1;
	return mdev_sysfs_write(path, value);
}

int mdev_device_remove(const char *uuid, char **ret_error)
{
	_cleanup_(mdev_device_done) struct mdev_device d = {};
	_cleanup_free_ char *dev = NULL, *remove = NULL;
	char id[UUID_STRING_LEN + 1];
	const struct mdev_bus *bus;
	int r;

	if (uuid_normalize(uuid, id) < 0)
		return mdev_error(ret_error, EINVAL,
				  "Failed to remove device '%.64s' (invalid UUID)", strempty(uuid));
	/* Existence, not a full read: a half-gone device (no mdev_type) can still be removed. */
	r = device_find(id, &bus, &dev);
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to remove device %s", id);
	(void)mdev_device_read(bus, id, &d, NULL); /* only to name parent and type */
	if (asprintf(&remove, "%s/remove", dev) < 0)
		return mdev_error(ret_error, ENOMEM, "Failed to remove device %s", id);
	r = mdev_sysfs_write(remove, "1");
	if (r < 0 && d.parent)
		return mdev_error(ret_error, r, "Failed to remove %s device %s on parent %s",
				  d.type, id, d.parent);
	if (r < 0)
		return mdev_error(ret_error, r, "Failed to remove device %s on bus %s", id,
				  bus->name);
	return 0;
}
