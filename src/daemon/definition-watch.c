/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * inotify on the layer directories and their parent subdirectories, telling
 * the store what to re-read (definition-watch.h; the behaviour is the
 * contract of definition_store_watch() in definition-store.h).
 *
 * A layer root only tells us about parent directories coming and going: we
 * watch new ones and re-read the whole parent (files may have been created
 * before the watch existed). A parent directory tells us about files: each
 * event re-reads that one <parent>/<name>. Re-reading is idempotent, so
 * duplicate or spurious events only cost a read. When events were lost (queue
 * overflow, a layer root removed, an allocation failure) everything is
 * reloaded and the differences are reported.
 */
#include <limits.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "definition-file.h"
#include "definition-layers.h"
#include "definition-watch.h"
#include "name-check.h"

#define ROOT_MASK                                                                           \
	(IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_DELETE_SELF | \
	 IN_MOVE_SELF | IN_ONLYDIR)
#define PARENT_MASK (ROOT_MASK | IN_CLOSE_WRITE)

struct watch_dir {
	int wd;
	enum definition_layer layer;
	char *parent; /* NULL: the layer root */
};

struct definition_watch {
	sd_event_source *source;
	int fd;
	struct watch_dir *dirs;
	size_t n_dirs;
	definition_watch_fn fn;
	void *userdata;
};

static ssize_t watch_find(const struct definition_watch *w, int wd)
{
	for (size_t i = 0; i < w->n_dirs; i++)
		if (w->dirs[i].wd == wd)
			return (ssize_t)i;
	return -1;
}

static void watch_drop(struct definition_watch *w, size_t i)
{
	free(w->dirs[i].parent);
	memmove(w->dirs + i, w->dirs + i + 1, (w->n_dirs - i - 1) * sizeof(*w->dirs));
	w->n_dirs--;
}

/*
 * What inotify_add_watch() may fail with for one directory that is missing or
 * unusable (a dangling symlink, a symlink loop, not a directory, no access):
 * that directory is skipped, the store lists it as bad when it reads it, and
 * the rest of the tree is still watched. Anything else (no memory, the watch
 * limit) is the watcher's own failure.
 */
static bool watch_error_is_local(int error)
{
	return error == ENOENT || error == ENOTDIR || error == ELOOP || error == EACCES ||
	       error == ENAMETOOLONG;
}

/* Watch <layer>[/<parent>]; a directory that is not there or unusable is skipped. */
static int watch_add(struct definition_watch *w, enum definition_layer layer, const char *parent)
{
	_cleanup_free_ char *path = NULL, *p = NULL;
	struct watch_dir *v;
	int r, wd;

	r = definition_layer_path(layer, parent, NULL, &path);
	if (r < 0)
		return r;
	wd = inotify_add_watch(w->fd, path, parent ? PARENT_MASK : ROOT_MASK);
	if (wd < 0)
		return watch_error_is_local(errno) ? 0 : -errno;
	if (watch_find(w, wd) >= 0) /* already watched (or the same inode twice) */
		return 0;
	p = parent ? strdup(parent) : NULL;
	v = reallocarray(w->dirs, w->n_dirs + 1, sizeof(*v));
	if (v)
		w->dirs = v;
	if (!v || (parent && !p)) {
		inotify_rm_watch(w->fd, wd);
		return -ENOMEM;
	}
	v[w->n_dirs++] = (struct watch_dir){wd, layer, TAKE_PTR(p)};
	return 0;
}

/* Watch every layer root and every valid parent directory in them. */
static int watch_add_all(struct definition_watch *w)
{
	_cleanup_(definition_names_clear) struct definition_names parents = {};
	_cleanup_(definition_bad_list_clear) struct definition_bad_list ignored = {};
	int r;

	for (enum definition_layer l = 0; l < _DEFINITION_LAYER_MAX; l++) {
		r = watch_add(w, l, NULL);
		if (r < 0)
			return r;
	}
	r = definition_layers_list_parents(&parents, &ignored);
	if (r < 0)
		return r;
	for (size_t i = 0; i < parents.n; i++) {
		if (!name_is_valid(parents.v[i], NAME_MAX_PARENT))
			continue;
		for (enum definition_layer l = 0; l < _DEFINITION_LAYER_MAX; l++) {
			r = watch_add(w, l, parents.v[i]);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* A parent directory moved away keeps its watch: drop it ourselves. */
static void watch_remove_parent(struct definition_watch *w, enum definition_layer layer,
				const char *parent)
{
	for (size_t i = 0; i < w->n_dirs; i++)
		if (w->dirs[i].layer == layer && streq_ptr(w->dirs[i].parent, parent)) {
			inotify_rm_watch(w->fd, w->dirs[i].wd);
			watch_drop(w, i);
			return;
		}
}

static int root_event(struct definition_watch *w, enum definition_layer layer,
		      const struct inotify_event *ev)
{
	int r;

	if (!definition_name_is_visible(ev->name))
		return 0;
	if ((ev->mask & IN_ISDIR) && (ev->mask & (IN_CREATE | IN_MOVED_TO)) &&
	    name_is_valid(ev->name, NAME_MAX_PARENT)) {
		r = watch_add(w, layer, ev->name);
		if (r < 0)
			return r;
	}
	if ((ev->mask & IN_ISDIR) && (ev->mask & IN_MOVED_FROM))
		watch_remove_parent(w, layer, ev->name);
	return w->fn(&(struct definition_watch_event){DEFINITION_WATCH_PARENT, ev->name, NULL},
		     w->userdata);
}

/* A new empty regular file is still being written: wait for IN_CLOSE_WRITE. */
static bool is_being_written(enum definition_layer layer, const char *parent, const char *name)
{
	_cleanup_free_ char *path = NULL;
	struct stat st;

	if (definition_layer_path(layer, parent, name, &path) < 0 || lstat(path, &st) < 0)
		return false;
	return S_ISREG(st.st_mode) && st.st_size == 0;
}

static int parent_event(struct definition_watch *w, const struct watch_dir *d,
			const struct inotify_event *ev)
{
	if (!definition_name_is_visible(ev->name))
		return 0;
	if ((ev->mask & IN_CREATE) && !(ev->mask & IN_ISDIR) &&
	    is_being_written(d->layer, d->parent, ev->name))
		return 0;
	return w->fn(&(struct definition_watch_event){DEFINITION_WATCH_FILE, d->parent, ev->name},
		     w->userdata);
}

/* Handle one event; *rescan is set when events were (or may have been) lost. */
static int watch_dispatch(struct definition_watch *w, const struct inotify_event *ev, bool *rescan)
{
	ssize_t i = watch_find(w, ev->wd);
	struct watch_dir *d;

	if (ev->mask & IN_Q_OVERFLOW) {
		*rescan = true;
		return 0;
	}
	if (i < 0)
		return 0;
	d = &w->dirs[i];
	if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
		/* A parent going away is also seen (and handled) in its layer root. */
		*rescan = *rescan || !d->parent;
		if (!(ev->mask & IN_IGNORED))
			inotify_rm_watch(w->fd, d->wd);
		watch_drop(w, (size_t)i);
		return 0;
	}
	if (ev->len == 0)
		return 0;
	if (!d->parent)
		return root_event(w, d->layer, ev);
	return parent_event(w, d, ev);
}

static int watch_on_io(sd_event_source *source, int fd, uint32_t revents, void *userdata)
{
	struct definition_watch *w = userdata;
	union {
		struct inotify_event ev;
		char raw[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)];
	} buf;
	bool rescan = false;

	for (;;) {
		ssize_t n = read(fd, &buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN: drained */
		for (char *p = buf.raw; p < buf.raw + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)p;

			if (watch_dispatch(w, ev, &rescan) < 0)
				rescan = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	if (rescan) {
		/* Only -ENOMEM can fail these; the store then keeps its last state. */
		(void)watch_add_all(w);
		(void)w->fn(&(struct definition_watch_event){DEFINITION_WATCH_ALL, NULL, NULL},
			    w->userdata);
	}
	return 0;
}

struct definition_watch *definition_watch_free(struct definition_watch *w)
{
	if (!w)
		return NULL;
	sd_event_source_disable_unref(w->source);
	for (size_t i = 0; i < w->n_dirs; i++)
		free(w->dirs[i].parent);
	free(w->dirs);
	if (w->fd >= 0)
		close(w->fd);
	free(w);
	return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(struct definition_watch *, definition_watch_free)

/*
 * The layers the daemon writes to should exist, so drop-ins there are seen.
 * One that is there but unusable (a symlink loop, a file) is left alone: the
 * store lists it as bad, and the other layer is still watched.
 */
static int watch_create_roots(void)
{
	static const enum definition_layer writable[] = {DEFINITION_LAYER_ADMIN,
							 DEFINITION_LAYER_RUNTIME};
	int r;

	for (size_t i = 0; i < ELEMENTSOF(writable); i++) {
		_cleanup_free_ char *path = NULL;

		r = definition_layer_path(writable[i], NULL, NULL, &path);
		if (r < 0)
			return r;
		r = definition_dir_create(path);
		if (r < 0 && r != -ENOMEM && definition_file_exists(path) > 0)
			continue;
		if (r < 0)
			return r;
	}
	return 0;
}

int definition_watch_new(sd_event *e, definition_watch_fn fn, void *userdata,
			 struct definition_watch **ret)
{
	_cleanup_(definition_watch_freep) struct definition_watch *w = NULL;
	int r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	*w = (struct definition_watch){.fd = -1, .fn = fn, .userdata = userdata};
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	r = watch_create_roots();
	if (r >= 0)
		r = watch_add_all(w);
	if (r >= 0)
		r = sd_event_add_io(e, &w->source, w->fd, EPOLLIN, watch_on_io, w);
	if (r < 0)
		return r;
	(void)sd_event_source_set_description(w->source, "definition-watch");
	*ret = TAKE_PTR(w);
	return 0;
}
