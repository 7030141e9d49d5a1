/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a running device shows the host, found in sysfs below the device:
 *   <dev>/virtio<N>/net/<ifname>      -> ("net", ifname)
 *   <dev>/virtio<N>/block/<disk>      -> ("block", disk)
 *   <dev>/<class>/<name>/dev          -> ("chardev", "/dev/<DEVNAME>")  (vhost)
 *   <dev>/<name>/dev                  -> likewise
 * Class devices hang off a bus device in a "glue" directory named after
 * their class, which is why net and block are one level below virtio<N>.
 * Symlinks (driver, subsystem, mdev_type, ...) are never followed.
 */
#include <sys/stat.h>

#include "manager-internal.h"
#include "root-path.h"

void managed_nodes_free(struct managed_node *n, size_t count)
{
	for (size_t i = 0; n && i < count; i++) {
		free(n[i].kind);
		free(n[i].name);
	}
	free(n);
}

int managed_nodes_dup(const struct managed_node *n, size_t count, struct managed_node **ret)
{
	struct managed_node *c;

	*ret = NULL;
	if (count == 0)
		return 0;
	c = calloc(count, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		c[i].kind = strdup(n[i].kind);
		c[i].name = strdup(n[i].name);
		if (!c[i].kind || !c[i].name) {
			managed_nodes_free(c, count);
			return -ENOMEM;
		}
	}
	*ret = c;
	return 0;
}

struct node_list {
	struct managed_node *v;
	size_t n;
};

static int node_add(struct node_list *l, const char *kind, const char *name)
{
	struct managed_node *grown = realloc(l->v, (l->n + 1) * sizeof(*grown));

	if (!grown)
		return -ENOMEM;
	l->v = grown;
	grown[l->n] = (struct managed_node){.kind = strdup(kind), .name = strdup(name)};
	if (!grown[l->n].kind || !grown[l->n].name) {
		free(grown[l->n].kind);
		free(grown[l->n].name);
		return -ENOMEM;
	}
	l->n++;
	return 0;
}

/* A real directory (not a link to one) at the sysfs path @path. */
static bool is_real_dir(const char *path)
{
	_cleanup_free_ char *p = NULL;
	struct stat st;

	if (root_path(path, &p) < 0 || lstat(p, &st) < 0)
		return false;
	return S_ISDIR(st.st_mode);
}

static int list_dir(const char *path, char ***ret)
{
	int r = mdev_sysfs_list_dir(path, ret);

	if (r == -ENOMEM)
		return r;
	if (r < 0) {
		*ret = NULL; /* vanished meanwhile, or not a directory: nothing there */
		return 0;
	}
	return 0;
}

/* <dir>/<name> is a device node's sysfs directory: add it as a chardev. */
static int chardev_add(struct node_list *l, const char *dir, const char *name)
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
	return node_add(l, "chardev", node);
}

/* Every entry of <dir>/<sub> as a @kind node (net/<if>, block/<disk>). */
static int class_dir_add(struct node_list *l, const char *dir, const char *sub, const char *kind)
{
	_cleanup_strv_free_ char **names = NULL;
	_cleanup_free_ char *path = NULL;
	int r;

	if (asprintf(&path, "%s/%s", dir, sub) < 0)
		return -ENOMEM;
	r = list_dir(path, &names);
	for (char **n = names; r >= 0 && n && *n; n++)
		r = node_add(l, kind, *n);
	return r;
}

static int scan_dir(struct node_list *l, const char *dir, unsigned depth)
{
	_cleanup_strv_free_ char **names = NULL;
	int r;

	r = list_dir(dir, &names);
	for (char **n = names; r >= 0 && n && *n; n++) {
		_cleanup_free_ char *child = NULL;

		if (streq(*n, "net"))
			r = class_dir_add(l, dir, *n, "net");
		else if (streq(*n, "block"))
			r = class_dir_add(l, dir, *n, "block");
		else if (streq(*n, "power"))
			continue;
		else if (asprintf(&child, "%s/%s", dir, *n) < 0)
			r = -ENOMEM;
		else if (!is_real_dir(child))
			continue;
		else if ((r = chardev_add(l, dir, *n)) < 0)
			break;
		else if (depth == 0)
			r = scan_dir(l, child, depth + 1); /* virtio<N>/, or a class glue dir */
	}
	return r;
}

int device_nodes_scan(const struct mdev_device *d, struct managed_node **ret, size_t *ret_n)
{
	struct node_list l = {};
	_cleanup_free_ char *dir = NULL;
	int r;

	if (asprintf(&dir, "%s/devices/%s", d->bus->bus_dir, d->uuid) < 0)
		return -ENOMEM;
	/* The bus entry is a link; below it everything is a real directory. */
	r = scan_dir(&l, dir, 0);
	if (r < 0) {
		managed_nodes_free(l.v, l.n);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}
