/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <ftw.h>
#include <stdarg.h>
#include <sys/stat.h>

#include "fake-kernel.h"
#include "fake-sysfs.h"
#include "mdev-bus.h"
#include "mdev-parent.h"
#include "root-path.h"

struct fake_kernel fake_kernel;

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void fake_rm_rf(const char *path)
{
	_cleanup_free_ char *p = NULL;

	ck_assert_int_eq(root_path(path, &p), 0);
	(void)nftw(p, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *str_printf(const char *format, ...) _printf_(1, 2);
static char *str_printf(const char *format, ...)
{
	va_list ap;
	char *s;

	va_start(ap, format);
	ck_assert_int_ge(vasprintf(&s, format, ap), 0);
	va_end(ap);
	return s;
}

/* What a bound virtio device shows: driver link and virtio0/<class>/<name>. */
static void fake_bind(const char *bus, const char *dir, const char *type, int n)
{
	_cleanup_free_ char *drv = str_printf("/sys/bus/%s/drivers/virtio_mdev", bus);
	_cleanup_free_ char *link = str_printf("%s/driver", dir);
	_cleanup_free_ char *virtio = str_printf("%s/virtio%d", dir, n);
	const char *cls = strstr(type, "blk") ? "block" : "net";
	_cleanup_free_ char *cdir = str_printf("%s/%s", virtio, cls);
	_cleanup_free_ char *node = streq(cls, "net") ? str_printf("%s/eth%d", cdir, n)
						      : str_printf("%s/vd%c", cdir, 'a' + n);

	fake_mkdir(drv);
	fake_symlink(link, drv);
	fake_mkdir(virtio);
	fake_mkdir(cdir);
	fake_mkdir(node);
}

int fake_kernel_create(const char *parent, const char *type, const char *uuid,
		       const struct definition_attr *attrs, size_t n_attrs, char **ret_error)
{
	const struct mdev_bus *bus = NULL;
	_cleanup_free_ char *api = NULL, *pp = NULL, *dir = NULL, *api_path = NULL;
	const char *names[MDEV_ATTRS_MAX + 1] = {};
	int r;

	fake_kernel.create_calls++;
	if (fake_kernel.create_fail) {
		r = fake_kernel.create_fail;
		fake_kernel.create_fail = 0;
		return mdev_error(ret_error, r, "Failed to create %s device %s on parent %s", type,
				  uuid, parent);
	}
	/* The directory the kernel makes, if the real code will get as far as the store. */
	if (mdev_parent_locate(parent, type, &bus, NULL) >= 0 && uuid_is_normalized(uuid)) {
		for (size_t i = 0; i < n_attrs && i < MDEV_ATTRS_MAX; i++)
			names[i] = attrs[i].name;
		pp = fake_parent_path(bus->name, parent);
		api_path = str_printf("%s/%s/mdev_supported_types/%s/device_api", bus->class_dir,
				      parent, type);
		(void)mdev_sysfs_read(api_path, &api);
		fake_device_add(bus->name, parent, type, uuid,
				api && (streq(api, "virtio") || streq(api, "vhost")) ? api : NULL,
				NULL, names, false);
		dir = str_printf("%s/%s", pp, uuid);
	}
	r = mdev_device_create(parent, type, uuid, attrs, n_attrs, ret_error);
	if (r < 0) {
		if (dir)
			fake_rm_rf(dir);
		return r;
	}
	ck_assert_ptr_nonnull(dir);
	{
		_cleanup_free_ char *bus_link = str_printf("%s/devices/%s", bus->bus_dir, uuid);
		_cleanup_free_ char *type_link =
		    str_printf("%s/mdev_supported_types/%s/devices/%s", pp, type, uuid);

		fake_symlink(bus_link, dir);
		fake_symlink(type_link, dir);
	}
	if (api && streq(api, "virtio"))
		fake_bind(bus->name, dir, type, fake_kernel.create_calls);
	snprintf(fake_kernel.last_created, sizeof(fake_kernel.last_created), "%s", uuid);
	return 0;
}

void fake_device_remove(const char *bus, const char *parent, const char *uuid)
{
	const struct mdev_bus *b = mdev_bus_from_name(bus);
	_cleanup_free_ char *pp = fake_parent_path(bus, parent);
	_cleanup_free_ char *bus_link = str_printf("%s/devices/%s", b->bus_dir, uuid);
	_cleanup_free_ char *dir = str_printf("%s/%s", pp, uuid);
	_cleanup_free_ char *type = NULL, *type_link = NULL, *mdev_type = NULL, *canon = NULL;
	_cleanup_free_ char *real = NULL;

	mdev_type = str_printf("%s/mdev_type", dir);
	ck_assert_int_eq(root_path(mdev_type, &real), 0);
	canon = realpath(real, NULL);
	if (canon) {
		type = strdup(strrchr(canon, '/') + 1);
		type_link = str_printf("%s/mdev_supported_types/%s/devices/%s", pp, type, uuid);
		fake_unlink(type_link);
	}
	fake_unlink(bus_link);
	fake_rm_rf(dir);
}

int fake_kernel_remove(const char *uuid, char **ret_error)
{
	_cleanup_(mdev_device_done) struct mdev_device d = {};
	int r;

	fake_kernel.remove_calls++;
	if (fake_kernel.remove_fail) {
		r = fake_kernel.remove_fail;
		fake_kernel.remove_fail = 0;
		return mdev_error(ret_error, r, "Failed to remove device %s", uuid);
	}
	r = mdev_device_read(NULL, uuid, &d, NULL);
	if (r < 0)
		return mdev_device_remove(uuid, ret_error);
	r = mdev_device_remove(uuid, ret_error);
	if (r >= 0)
		fake_device_remove(d.bus->name, d.parent, d.uuid);
	return r;
}
