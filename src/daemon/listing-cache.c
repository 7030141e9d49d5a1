/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The pre-rendered listings (contract in listing-cache.h): collect the
 * entries as pointers into the model, sort them, stream them through the
 * shared mdevctl writer into a memfd. Nothing is kept of the model between
 * calls but the text, and that outside the daemon's own memory: a memfd's
 * pages count in no process's RSS until mapped. A reply gets its own memfd,
 * filled by the kernel (sendfile) from the cached one, because sd-bus seals
 * what it is given for good (F_SEAL_SEAL: it could not be given the same
 * one twice); sd-bus maps it only while it writes the reply to the socket,
 * so one listing sent costs one mapped copy instead of a heap copy plus the
 * reply's (sd_bus_message_append_array()). A listing handed out by
 * descriptor is the cached memfd itself, opened again read-only.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "definition.h"
#include "listing-cache.h"
#include "mdevctl-json.h"

/* The device properties a listing of each kind is made of. */
static const unsigned listing_properties[_LISTING_MAX] = {
    [LISTING_RUNNING] = DEVICE_PROPERTY_ACTIVE | DEVICE_PROPERTY_PARENT | DEVICE_PROPERTY_TYPE |
			DEVICE_PROPERTY_START | DEVICE_PROPERTY_ATTRS,
    [LISTING_DEFINED] = DEVICE_PROPERTY_DEFINITIONS | DEVICE_PROPERTY_DEFINED |
			DEVICE_PROPERTY_ACTIVE | DEVICE_PROPERTY_PARENT | DEVICE_PROPERTY_TYPE |
			DEVICE_PROPERTY_START | DEVICE_PROPERTY_ATTRS,
};

struct listing {
	int fd; /* a memfd sealed against writes; -1: not rendered since the last change */
	size_t size;
};

struct listing_cache {
	struct manager *manager;
	struct listing listings[_LISTING_MAX];
	unsigned long renders;
};

/* One entry of a listing: borrowed from the model for one rendering. */
struct entry {
	const char *parent, *uuid, *type, *start;
	const struct definition_attr *attrs;
	size_t n_attrs;
};

static void listing_drop(struct listing *l)
{
	if (l->fd >= 0)
		close(l->fd);
	*l = (struct listing){.fd = -1};
}

static void on_change(struct manager *m, const struct manager_change_event *ev, void *userdata)
{
	struct listing_cache *c = userdata;

	if (ev->object != MANAGER_OBJECT_DEVICE)
		return;
	for (size_t k = 0; k < _LISTING_MAX; k++)
		if (ev->change != MANAGER_CHANGE_CHANGED ||
		    (ev->properties & listing_properties[k]))
			listing_drop(&c->listings[k]);
}

int listing_cache_new(struct manager *m, struct listing_cache **ret)
{
	_cleanup_free_ struct listing_cache *c = calloc(1, sizeof(*c));
	int r;

	if (!c)
		return -ENOMEM;
	r = manager_add_listener(m, on_change, c);
	if (r < 0)
		return r;
	c->manager = m;
	for (size_t k = 0; k < _LISTING_MAX; k++)
		c->listings[k].fd = -1;
	*ret = TAKE_PTR(c);
	return 0;
}

struct listing_cache *listing_cache_free(struct listing_cache *c)
{
	if (!c)
		return NULL;
	manager_remove_listener(c->manager, on_change, c);
	for (size_t k = 0; k < _LISTING_MAX; k++)
		listing_drop(&c->listings[k]);
	free(c);
	return NULL;
}

static struct entry entry_of_device(const struct managed_device *d)
{
	return (struct entry){strempty(d->parent),
			      d->uuid,
			      strempty(d->type),
			      definition_start_to_string(d->start),
			      d->attrs,
			      d->n_attrs};
}

/*
 * Which of @d's definitions the device itself stands for, as the CLI's
 * model decides it: running, the one on its parent with its type (none if
 * it runs as something else); stopped, the one on its parent, else the
 * first. n_definitions if none.
 */
static size_t own_definition(const struct managed_device *d)
{
	for (size_t k = 0; k < d->n_definitions; k++) {
		const struct managed_definition *def = &d->definitions[k];

		if (streq(strempty(def->parent), strempty(d->parent)) &&
		    (!d->active || streq(strempty(def->type), strempty(d->type))))
			return k;
	}
	return d->active ? d->n_definitions : 0;
}

/* The entries of @d in the listing of @kind, appended to @v (room made by the caller). */
static size_t device_entries(const struct managed_device *d, enum listing_kind kind,
			     struct entry *v)
{
	size_t own, n = 0;

	if (kind == LISTING_RUNNING) {
		if (d->active)
			v[n++] = entry_of_device(d);
		return n;
	}
	own = own_definition(d);
	for (size_t k = 0; k < d->n_definitions; k++) {
		const struct managed_definition *def = &d->definitions[k];

		if (k == own)
			v[n++] = entry_of_device(d);
		else
			v[n++] = (struct entry){strempty(def->parent),
						d->uuid,
						strempty(def->type),
						definition_start_to_string(def->start),
						def->attrs,
						def->n_attrs};
	}
	return n;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int r = strcmp(x->parent, y->parent);

	return r ? r : strcmp(x->uuid, y->uuid);
}

static void write_entry(struct mdevctl_json_list *list, const struct entry *e)
{
	const unsigned depth = MDEVCTL_JSON_LIST_CONFIG_DEPTH;

	mdevctl_json_list_entry_begin(list, e->parent, e->uuid);
	mdevctl_json_config_begin(list->f, e->type, e->start, depth);
	for (size_t a = 0; a < e->n_attrs; a++)
		mdevctl_json_config_attr(list->f, a, e->attrs[a].name, e->attrs[a].value, depth);
	mdevctl_json_config_end(list->f, e->n_attrs, depth);
	mdevctl_json_list_entry_end(list);
}

/* Whether the entries come sorted in device order (@buf: room for one device's). */
static bool entries_in_order(const struct manager *m, enum listing_kind kind, struct entry *buf)
{
	size_t n_devices = manager_n_devices(m);
	struct entry prev = {};
	bool have = false, sorted = true;

	for (size_t i = 0; i < n_devices; i++) {
		size_t k = device_entries(manager_device_at(m, i), kind, buf);

		for (size_t j = 0; j < k; j++) {
			if (have && entry_cmp(&prev, &buf[j]) > 0)
				sorted = false;
			prev = buf[j];
			have = true;
		}
	}
	return sorted;
}

/*
 * Write the listing of @kind to @f. Devices come sorted by UUID, and with
 * one parent (the usual case) so do the entries: then they are written as
 * they come, without an array of them all.
 */
static int write_listing(const struct manager *m, enum listing_kind kind, FILE *f)
{
	struct mdevctl_json_list list = MDEVCTL_JSON_LIST_INIT(f);
	size_t n_devices = manager_n_devices(m), n = 0, room = 0, most = 1;
	_cleanup_free_ struct entry *v = NULL;

	for (size_t i = 0; i < n_devices; i++) {
		size_t k = kind == LISTING_RUNNING ? 1 : manager_device_at(m, i)->n_definitions;

		room += k;
		most = k > most ? k : most;
	}
	v = reallocarray(NULL, most, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (entries_in_order(m, kind, v)) {
		for (size_t i = 0; i < n_devices; i++) {
			size_t k = device_entries(manager_device_at(m, i), kind, v);

			for (size_t j = 0; j < k; j++)
				write_entry(&list, &v[j]);
		}
		mdevctl_json_list_end(&list);
		return 0;
	}
	free(v);
	v = reallocarray(NULL, room ?: 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (size_t i = 0; i < n_devices; i++)
		n += device_entries(manager_device_at(m, i), kind, v + n);
	qsort(v, n, sizeof(*v), entry_cmp);
	for (size_t i = 0; i < n; i++)
		write_entry(&list, &v[i]);
	mdevctl_json_list_end(&list);
	return 0;
}

/* Big writes, few system calls: 2 MB at 10,000 definitions is 32 of them. */
#define RENDER_BUFFER_SIZE (64 * 1024)

static int render(const struct manager *m, enum listing_kind kind, struct listing *ret)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	struct stat st;
	FILE *f;
	int dup_fd, r;

	fd = memfd_create("mdevvirtio-listing", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (dup_fd < 0)
		return -errno;
	f = fdopen(dup_fd, "w");
	if (!f) {
		r = -errno;
		close(dup_fd);
		return r;
	}
	buf = malloc(RENDER_BUFFER_SIZE);
	if (!buf || setvbuf(f, buf, _IOFBF, RENDER_BUFFER_SIZE) != 0) {
		fclose(f);
		return -ENOMEM;
	}
	/* Ours alone: no lock per character written. */
	(void)__fsetlocking(f, FSETLOCKING_BYCALLER);
	r = write_listing(m, kind, f);
	if (fflush(f) != 0 && r >= 0)
		r = errno > 0 ? -errno : -EIO;
	if (fclose(f) != 0 && r >= 0)
		r = errno > 0 ? -errno : -EIO;
	if (r < 0)
		return r;
	/* Immutable from now on, whoever it is lent to. */
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE) < 0 ||
	    fstat(fd, &st) < 0)
		return -errno;
	*ret = (struct listing){TAKE_FD(fd), (size_t)st.st_size};
	return 0;
}

int listing_cache_get(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
		      size_t *ret_size)
{
	struct listing *l = &c->listings[kind];
	int r;

	if (l->fd < 0) {
		r = render(c->manager, kind, l);
		if (r < 0)
			return r;
		c->renders++;
	}
	*ret_fd = l->fd;
	*ret_size = l->size;
	return 0;
}

/* A fresh memfd with @size bytes of @in. */
static int memfd_copy(int in, size_t size, int *ret)
{
	_cleanup_close_ int fd = -1;
	off_t offset = 0;

	fd = memfd_create("mdevvirtio-reply", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	while ((size_t)offset < size) {
		ssize_t n = sendfile(fd, in, &offset, size - (size_t)offset);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO; /* cannot happen: the cached memfd is sealed */
	}
	*ret = TAKE_FD(fd);
	return 0;
}

int listing_cache_open(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
		       size_t *ret_size)
{
	size_t size;
	int fd, r;

	r = listing_cache_get(c, kind, &fd, &size);
	if (r < 0)
		return r;
	r = memfd_copy(fd, size, ret_fd);
	if (r < 0)
		return r;
	*ret_size = size;
	return 0;
}

int listing_cache_open_read_only(struct listing_cache *c, enum listing_kind kind, int *ret_fd,
				 size_t *ret_size)
{
	char path[sizeof("/proc/self/fd/") + 3 * sizeof(int)];
	size_t size;
	int fd, r;

	r = listing_cache_get(c, kind, &fd, &size);
	if (r < 0)
		return r;
	/* A new open of the same memfd: a dup would share the cache's
	 * read-write file description with whoever receives it. */
	(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	*ret_fd = fd;
	*ret_size = size;
	return 0;
}

unsigned long listing_cache_renders(const struct listing_cache *c)
{
	return c->renders;
}
