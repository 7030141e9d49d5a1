/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The fixture as the files mdevctl reads: vfio-mdev sysfs (parents under
 * sys/class/mdev_bus, running devices under sys/bus/mdev/devices, with
 * mdev_type links) and /etc/mdevctl.d definitions. Symlinks are absolute so
 * they still resolve when sys/class and sys/bus are bind-mounted over the
 * real ones in a private mount namespace.
 */
#include <stdarg.h>
#include <sys/stat.h>

#include "cli-fixture.h"
#include "cli-json.h"

static int mkdirs(const char *path)
{
	_cleanup_free_ char *p = strdup(path);

	if (!p)
		return -ENOMEM;
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				return -errno;
			*s = '/';
		}
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

static int write_file(const char *path, const char *content)
{
	_cleanup_fclose_ FILE *f = fopen(path, "we");

	if (!f)
		return -errno;
	fputs(content, f);
	return fflush(f) == 0 ? 0 : -errno;
}

_printf_(2, 3) static int pathf(char **p, const char *format, ...)
{
	va_list ap;
	int r = 0;

	free(*p);
	va_start(ap, format);
	r = vasprintf(p, format, ap);
	va_end(ap);
	return r < 0 ? -ENOMEM : 0;
}

static int make_type(const char *pdir, const struct cli_type *t)
{
	_cleanup_free_ char *d = NULL, *p = NULL, *n = NULL;
	int r = 0;

	if (pathf(&d, "%s/mdev_supported_types/%s", pdir, t->id) < 0 ||
	    pathf(&p, "%s/devices", d) < 0 || (r = mkdirs(p)) < 0)
		return r < 0 ? r : -ENOMEM;
	if (asprintf(&n, "%u\n", t->available_instances) < 0)
		return -ENOMEM;
	if (pathf(&p, "%s/available_instances", d) < 0 || write_file(p, n) < 0 ||
	    pathf(&p, "%s/device_api", d) < 0 || write_file(p, t->device_api) < 0 ||
	    pathf(&p, "%s/create", d) < 0 || write_file(p, "") < 0)
		return -EIO;
	if (*t->name && (pathf(&p, "%s/name", d) < 0 || write_file(p, t->name) < 0))
		return -EIO;
	if (*t->description &&
	    (pathf(&p, "%s/description", d) < 0 || write_file(p, t->description) < 0))
		return -EIO;
	return 0;
}

static int make_parent(const char *dir, const struct cli_parent *par)
{
	_cleanup_free_ char *pdir = NULL, *link = NULL;
	int r = 0;

	if (pathf(&pdir, "%s/sys/devices/%s", dir, par->name) < 0 || (r = mkdirs(pdir)) < 0)
		return r < 0 ? r : -ENOMEM;
	if (!par->present)
		return 0;
	if (pathf(&link, "%s/sys/class/mdev_bus/%s", dir, par->name) < 0)
		return -ENOMEM;
	if (symlink(pdir, link) < 0)
		return -errno;
	for (size_t i = 0; i < par->n_types; i++)
		if ((r = make_type(pdir, &par->types[i])) < 0)
			return r;
	return 0;
}

static int make_device(const char *dir, const struct cli_device *d)
{
	_cleanup_free_ char *p = NULL, *q = NULL, *json = NULL;
	int r = 0;

	if (d->active) {
		if (pathf(&p, "%s/sys/devices/%s/%s", dir, d->parent, d->uuid) < 0 ||
		    (r = mkdirs(p)) < 0)
			return r < 0 ? r : -ENOMEM;
		if (pathf(&q, "%s/sys/bus/mdev/devices/%s", dir, d->uuid) < 0 || symlink(p, q) < 0)
			return -errno;
		if (pathf(&q, "%s/sys/devices/%s/mdev_supported_types/%s", dir, d->parent,
			  d->type) < 0 ||
		    pathf(&p, "%s/sys/devices/%s/%s/mdev_type", dir, d->parent, d->uuid) < 0 ||
		    symlink(q, p) < 0)
			return -errno;
	}
	if (d->defined) {
		_cleanup_json_put_ struct json_object *o =
		    cli_json_config_new(d->type, d->start, d->attrs, d->n_attrs);

		if (!o || cli_json_to_string(o, true, &json) < 0)
			return -ENOMEM;
		if (pathf(&p, "%s/etc/mdevctl.d/%s", dir, d->parent) < 0 || (r = mkdirs(p)) < 0)
			return r < 0 ? r : -ENOMEM;
		if (pathf(&p, "%s/etc/mdevctl.d/%s/%s", dir, d->parent, d->uuid) < 0 ||
		    write_file(p, json) < 0)
			return -EIO;
	}
	return 0;
}

int fixture_make_tree(const char *fixture, const char *dir)
{
	_cleanup_json_put_ struct json_object *root = json_object_from_file(fixture);
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const char *subdirs[] = {"sys/class/mdev_bus", "sys/bus/mdev/devices", "sys/devices",
				 "etc/mdevctl.d/scripts.d/callouts",
				 "etc/mdevctl.d/scripts.d/notifiers"};
	int r = 0;

	if (!root)
		return -EINVAL;
	r = fixture_load_model(root, &m);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ELEMENTSOF(subdirs); i++) {
		_cleanup_free_ char *p = NULL;

		if (pathf(&p, "%s/%s", dir, subdirs[i]) < 0 || (r = mkdirs(p)) < 0)
			return r < 0 ? r : -ENOMEM;
	}
	for (size_t i = 0; i < m->n_parents; i++)
		if ((r = make_parent(dir, &m->parents[i])) < 0)
			return r;
	for (size_t i = 0; i < m->n_devices; i++)
		if ((r = make_device(dir, &m->devices[i])) < 0)
			return r;
	return 0;
}
