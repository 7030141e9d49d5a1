/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <limits.h>
#include <sys/stat.h>

#include "fake-sysfs.h"
#include "macro.h"
#include "root-path.h"

#define MAX_COMPONENTS 64

static char *real_path(const char *path)
{
	char *p = NULL;

	ck_assert_int_eq(root_path(path, &p), 0);
	return p;
}

char *fake_sysfs_new(void)
{
	char tmpl[] = "/tmp/fake-sysfs-XXXXXX";
	char *root;

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	/* Canonical, so realpath() results under it keep it as a prefix. */
	root = realpath(tmpl, NULL);
	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(root_set(root), 0);
	fake_mkdir("/sys");
	fake_mkdir("/sys/class");
	fake_mkdir("/sys/bus");
	fake_mkdir("/sys/devices");
	return root;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

void fake_sysfs_free(char *root)
{
	if (!root)
		return;
	ck_assert_int_eq(nftw(root, remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(root);
	ck_assert_int_eq(root_set(NULL), 0);
}

void fake_mkdir(const char *path)
{
	_cleanup_free_ char *p = real_path(path);

	ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", p);
}

/* mkdir -p for a logical path. */
static void mkdir_parents(const char *path)
{
	_cleanup_free_ char *copy = strdup(path);

	ck_assert_ptr_nonnull(copy);
	for (char *s = copy + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		fake_mkdir(copy);
		*s = '/';
	}
	fake_mkdir(copy);
}

void fake_file_write(const char *path, const char *content)
{
	_cleanup_free_ char *p = real_path(path);
	_cleanup_fclose_ FILE *f = fopen(p, "we");

	ck_assert_msg(f != NULL, "fopen %s: %m", p);
	fputs(content, f);
}

void fake_fifo_add(const char *path)
{
	_cleanup_free_ char *p = real_path(path);

	unlink(p);
	ck_assert_msg(mkfifo(p, 0644) == 0, "mkfifo %s: %m", p);
}

void fake_unlink(const char *path)
{
	_cleanup_free_ char *p = real_path(path);

	ck_assert_msg(unlink(p) == 0 || rmdir(p) == 0, "unlink %s: %m", p);
}

char *fake_file_read(const char *path)
{
	_cleanup_free_ char *p = real_path(path);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	if (getdelim(&buf, &n, '\0', f) < 0) {
		free(buf);
		buf = strdup("");
	}
	return buf;
}

static size_t split(char *s, char *out[static MAX_COMPONENTS])
{
	size_t n = 0;
	char *save = NULL;

	for (char *c = strtok_r(s, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		ck_assert_uint_lt(n, MAX_COMPONENTS);
		out[n++] = c;
	}
	return n;
}

/* The relative path from the directory holding @link to @target, as sysfs writes links. */
static char *relative_target(const char *link, const char *target)
{
	_cleanup_free_ char *l = strdup(link), *t = strdup(target);
	char *lc[MAX_COMPONENTS], *tc[MAX_COMPONENTS];
	char buf[PATH_MAX] = "";
	size_t nl, nt, common = 0;

	ck_assert(l && t);
	nl = split(l, lc) - 1; /* the link's own name is not a directory to climb out of */
	nt = split(t, tc);
	while (common < nl && common < nt && streq(lc[common], tc[common]))
		common++;
	for (size_t i = common; i < nl; i++)
		strcat(buf, "../");
	for (size_t i = common; i < nt; i++) {
		strcat(buf, tc[i]);
		if (i + 1 < nt)
			strcat(buf, "/");
	}
	return strdup(buf);
}

void fake_symlink(const char *path, const char *target)
{
	_cleanup_free_ char *p = real_path(path), *rel = relative_target(path, target);

	unlink(p);
	ck_assert_msg(symlink(rel, p) == 0, "symlink %s -> %s: %m", p, rel);
}

static char *pathf(const char *format, ...) _printf_(1, 2);
static char *pathf(const char *format, ...)
{
	va_list ap;
	char *s;

	va_start(ap, format);
	ck_assert_int_ge(vasprintf(&s, format, ap), 0);
	va_end(ap);
	return s;
}

void fake_bus_add(const char *bus)
{
	_cleanup_free_ char *dir = pathf("/sys/bus/%s", bus);
	_cleanup_free_ char *class = pathf("/sys/class/%s_bus", bus);
	_cleanup_free_ char *devices = pathf("%s/devices", dir),
			    *drivers = pathf("%s/drivers", dir);
	_cleanup_free_ char *autoprobe = pathf("%s/drivers_autoprobe", dir);
	_cleanup_free_ char *probe = pathf("%s/drivers_probe", dir);

	mkdir_parents(devices);
	fake_mkdir(drivers);
	fake_mkdir(class);
	fake_file_write(autoprobe, "1\n");
	fake_file_write(probe, "");
}

void fake_parent_add(const char *bus, const char *devpath, bool registered)
{
	const char *name = strrchr(devpath, '/') + 1;
	_cleanup_free_ char *link = pathf("/sys/class/%s_bus/%s", bus, name);
	_cleanup_free_ char *types = pathf("%s/mdev_supported_types", devpath);

	mkdir_parents(devpath);
	if (registered)
		fake_mkdir(types);
	fake_symlink(link, devpath);
}

char *fake_parent_path(const char *bus, const char *parent)
{
	_cleanup_free_ char *link = pathf("/sys/class/%s_bus/%s", bus, parent);
	_cleanup_free_ char *p = real_path(link);
	_cleanup_free_ char *canon = realpath(p, NULL);
	size_t n = strlen(root_get());

	ck_assert_msg(canon != NULL, "no parent %s: %m", p);
	return strdup(canon + n);
}

static void int_file_write(const char *path, int v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%d\n", v);
	fake_file_write(path, buf);
}

void fake_type_add(const char *bus, const char *parent, const struct fake_type *t)
{
	_cleanup_free_ char *pp = fake_parent_path(bus, parent);
	_cleanup_free_ char *dir = pathf("%s/mdev_supported_types/%s", pp, t->id);
	_cleanup_free_ char *create = pathf("%s/create", dir), *devices = pathf("%s/devices", dir);
	const char *files[] = {"name", "description", "device_api"};
	const char *values[] = {t->name, t->description, t->device_api};

	mkdir_parents(dir);
	for (size_t i = 0; i < ELEMENTSOF(files); i++)
		if (values[i]) {
			_cleanup_free_ char *f = pathf("%s/%s", dir, files[i]);
			_cleanup_free_ char *v = pathf("%s\n", values[i]);

			fake_file_write(f, v);
		}
	if (t->available_instances >= 0) {
		_cleanup_free_ char *f = pathf("%s/available_instances", dir);

		int_file_write(f, t->available_instances);
	}
	if (t->virtio_device_id >= 0) {
		_cleanup_free_ char *f = pathf("%s/virtio_device_id", dir);

		int_file_write(f, t->virtio_device_id);
	}
	fake_file_write(create, "");
	fake_mkdir(devices);
}

void fake_device_add(const char *bus, const char *parent, const char *type, const char *uuid,
		     const char *class, const char *driver, const char *const *attrs, bool linked)
{
	_cleanup_free_ char *pp = fake_parent_path(bus, parent);
	_cleanup_free_ char *dir = pathf("%s/%s", pp, uuid);
	_cleanup_free_ char *remove = pathf("%s/remove", dir),
			    *mdev_type = pathf("%s/mdev_type", dir);
	_cleanup_free_ char *type_dir = pathf("%s/mdev_supported_types/%s", pp, type);

	fake_mkdir(dir);
	fake_file_write(remove, "");
	fake_symlink(mdev_type, type_dir);
	if (class) {
		_cleanup_free_ char *f = pathf("%s/class", dir), *v = pathf("%s\n", class);

		fake_file_write(f, v);
	}
	if (driver) {
		_cleanup_free_ char *link = pathf("%s/driver", dir);
		_cleanup_free_ char *drv = pathf("/sys/bus/%s/drivers/%s", bus, driver);

		fake_mkdir(drv);
		fake_symlink(link, drv);
	}
	for (const char *const *a = attrs; a && *a; a++) {
		_cleanup_free_ char *f = pathf("%s/%s", dir, *a);

		fake_file_write(f, "");
	}
	if (linked) {
		_cleanup_free_ char *bus_link = pathf("/sys/bus/%s/devices/%s", bus, uuid);
		_cleanup_free_ char *type_link = pathf("%s/devices/%s", type_dir, uuid);

		fake_symlink(bus_link, dir);
		fake_symlink(type_link, dir);
	}
}
