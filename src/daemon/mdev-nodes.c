/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a running device shows the host, found in sysfs below the device
 * (contract in mdev-device.h):
 *   <dev>/virtio<N>/net/<ifname>      -> ("net", ifname)
 *   <dev>/virtio<N>/block/<disk>      -> ("block", disk)
 *   <dev>/<class>/<name>/dev          -> ("chardev", "/dev/<DEVNAME>")  (vhost)
 *   <dev>/<name>/dev                  -> likewise
 * Class devices hang off a bus device in a "glue" directory named after
 * their class, which is why net and block are one level below virtio<N>.
 * Symlinks (driver, subsystem, mdev_type, ...) are never followed.
 */
#include "mdev-bus.h"
#include "mdev-device.h"
#include "root-path.h"

struct nodes_walk {
	mdev_node_fn fn;
	void *userdata;
};

static int list_dir(const char *path, bool dirs_only, char ***ret)
{
	int r = dirs_only ? mdev_sysfs_list_subdirs(path, ret) : mdev_sysfs_list_dir(path, ret);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret = NULL; /* vanished meanwhile, or not a directory: nothing there */
		return 0;
	}
	return 0;
}

/* <dir>/<name> is a device node's sysfs directory: add it as a chardev. */
static int chardev_add(struct nodes_walk *w, const char *dir, const char *name)
{
	_cleanup_free_ char *dev = NULL, *uevent = NULL, *content = NULL, *node = NULL;
	const char *devname = name;
	int r;

	if (asprintf(&dev, "%s/%s/dev", dir, name) < 0 ||
	    asprintf(&uevent, "%s/%s/uevent", dir, name) < 0)
		return -ENOMEM;
	r = mdev_sysfs_exists(dev);
	if (r <= 0)
		return r == -ENOMEM ? r : 0;
	/* DEVNAME may contain a directory ("vhost/x"); the sysfs name never does. */
	if (mdev_sysfs_read(uevent, &content) >= 0)
		for (char *save = NULL, *line = strtok_r(content, "\n", &save); line;
		     line = strtok_r(NULL, "\n", &save))
			if (strncmp(line, "DEVNAME=", 8) == 0 && line[8]) {
				devname = line + 8;
				break;
			}
	if (asprintf(&node, "/dev/%s", devname) < 0)
		return -ENOMEM;
	return w->fn("chardev", node, w->userdata);
}

/* Every entry of <dir>/<sub> as a @kind node (net/<if>, block/<disk>). */
static int class_dir_add(struct nodes_walk *w, const char *dir, const char *sub, const char *kind)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s", dir, sub) < 0)
		return -ENOMEM;
	r = list_dir(path, false, &names);
	for (char **n = names; r >= 0 && n && *n; n++)
		r = w->fn(kind, *n, w->userdata);
	return r;
}

/* The real directories below @dir (the directory listing says which: no stat each). */
static int scan_dir(struct nodes_walk *w, const char *dir, unsigned depth)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	r = list_dir(dir, true, &names);
	for (char **n = names; r >= 0 && n && *n; n++) {
		_cleanup_free_ char *child = NULL;

		if (streq(*n, "net"))
			r = class_dir_add(w, dir, *n, "net");
		else if (streq(*n, "block"))
			r = class_dir_add(w, dir, *n, "block");
		else if (streq(*n, "power"))
			continue;
		else if ((r = chardev_add(w, dir, *n)) < 0)
			break;
		else if (depth == 0 && asprintf(&child, "%s/%s", dir, *n) < 0)
			r = -ENOMEM;
		else if (depth == 0)
			r = scan_dir(w, child, depth + 1); /* virtio<N>/, or a class glue dir */
	}
	return r;
}

int mdev_device_nodes(const struct mdev_device *d, mdev_node_fn fn, void *userdata)
{
	struct nodes_walk w = {.fn = fn, .userdata = userdata};
	_cleanup_free_ char *dir = NULL;

	if (asprintf(&dir, "%s/devices/%s", d->bus->bus_dir, d->uuid) < 0)
		return -ENOMEM;
	/* The bus entry is a link; below it everything is a real directory. */
	return scan_dir(&w, dir, 0);
}
