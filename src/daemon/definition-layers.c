/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layer directories on disk. Contract in definition-layers.h; the
 * precedence rules are in definition-store.h.
 */
#include <dirent.h>

#include "definition-file.h"
#include "definition-layers.h"
#include "name-check.h"
#include "root-path.h"
#include "uuid-util.h"

static const char *const layer_dirs[_DEFINITION_LAYER_MAX] = {
    [DEFINITION_LAYER_VENDOR] = "/usr/lib/mdevvirtio.d",
    [DEFINITION_LAYER_ADMIN] = "/etc/mdevvirtio.d",
    [DEFINITION_LAYER_RUNTIME] = "/run/mdevvirtio.d",
};

const char *definition_layer_dir(enum definition_layer layer)
{
	return layer < _DEFINITION_LAYER_MAX ? layer_dirs[layer] : NULL;
}

int definition_layer_path(enum definition_layer layer, const char *parent, const char *name,
			  char **ret)
{
	if (layer >= _DEFINITION_LAYER_MAX)
		return -EINVAL;
	return root_path_join(ret, layer_dirs[layer], parent ? "/" : "", strempty(parent),
			      name ? "/" : "", strempty(name), NULL);
}

/* A name we look at: not hidden (editor and temp files), not a path. */
bool definition_name_is_visible(const char *s)
{
	return !isempty(s) && s[0] != '.' && !strchr(s, '/');
}

void definition_bad_file_done(struct definition_bad_file *b)
{
	free(b->parent);
	free(b->name);
	free(b->path);
	free(b->reason);
}

void definition_bad_list_clear(struct definition_bad_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		definition_bad_file_done(&l->v[i]);
	free(l->v);
	*l = (struct definition_bad_list){};
}

int definition_bad_list_add(struct definition_bad_list *l, enum definition_layer layer,
			    const char *parent, const char *name, int error, const char *reason)
{
	struct definition_bad_file b = {.layer = layer, .error = error};
	struct definition_bad_file *v;
	int r;

	r = definition_layer_path(layer, parent, name, &b.path);
	b.parent = parent ? strdup(parent) : NULL;
	b.name = name ? strdup(name) : NULL;
	b.reason = strdup(reason ? reason : strerror(-error));
	v = reallocarray(l->v, l->n + 1, sizeof(*v));
	if (v)
		l->v = v;
	if (r < 0 || (parent && !b.parent) || (name && !b.name) || !b.reason || !v) {
		definition_bad_file_done(&b);
		return r < 0 ? r : -ENOMEM;
	}
	l->v[l->n++] = b;
	return 0;
}

void definition_names_clear(struct definition_names *ns)
{
	for (size_t i = 0; i < ns->n; i++)
		free(ns->v[i]);
	free(ns->v);
	*ns = (struct definition_names){};
}

int definition_names_add(struct definition_names *ns, const char *s)
{
	char **v = reallocarray(ns->v, ns->n + 1, sizeof(*v));

	if (!v)
		return -ENOMEM;
	ns->v = v;
	v[ns->n] = strdup(s);
	if (!v[ns->n])
		return -ENOMEM;
	ns->n++;
	return 0;
}

static int names_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void definition_names_sort_uniq(struct definition_names *ns)
{
	size_t j = 0;

	if (ns->n > 0)
		qsort(ns->v, ns->n, sizeof(*ns->v), names_cmp);
	for (size_t i = 0; i < ns->n; i++) {
		if (j > 0 && streq(ns->v[j - 1], ns->v[i]))
			free(ns->v[i]);
		else
			ns->v[j++] = ns->v[i];
	}
	ns->n = j;
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* Add the visible entries of the directory @path to @ns. */
static int dir_list(const char *path, struct definition_names *ns)
{
	_cleanup_(closedirp) DIR *d = opendir(path);
	struct dirent *de;
	int r;

	if (!d)
		return -errno;
	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!definition_name_is_visible(de->d_name))
			continue;
		r = definition_names_add(ns, de->d_name);
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

/*
 * Collect the file names under @parent in every layer into @ns, and the
 * problems with the directories themselves into @bad.
 */
int definition_layers_list_names(const char *parent, struct definition_names *ns,
				 struct definition_bad_list *bad)
{
	bool valid = name_is_valid(parent, NAME_MAX_PARENT);

	for (enum definition_layer l = 0; l < _DEFINITION_LAYER_MAX; l++) {
		_cleanup_free_ char *path = NULL;
		int r;

		r = definition_layer_path(l, parent, NULL, &path);
		if (r < 0)
			return r;
		if (!valid) {
			r = definition_file_exists(path);
			if (r != 0)
				r = definition_bad_list_add(
				    bad, l, parent, NULL, -EINVAL,
				    "Invalid parent directory name (allowed are "
				    "A-Z a-z 0-9 and _.:+@-, at most 128 bytes)");
		} else {
			r = dir_list(path, ns);
			if (r == -ENOENT)
				r = 0;
			else if (r < 0 && r != -ENOMEM)
				r = definition_bad_list_add(bad, l, parent, NULL, r,
							    r == -ENOTDIR ? "Not a directory"
									  : NULL);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

/* The parent directory names of all layers, and problems with the layer directories. */
int definition_layers_list_parents(struct definition_names *parents,
				   struct definition_bad_list *bad)
{
	for (enum definition_layer l = 0; l < _DEFINITION_LAYER_MAX; l++) {
		_cleanup_free_ char *path = NULL;
		int r;

		r = definition_layer_path(l, NULL, NULL, &path);
		if (r < 0)
			return r;
		r = dir_list(path, parents);
		if (r == -ENOENT)
			continue;
		if (r < 0 && r != -ENOMEM)
			r = definition_bad_list_add(bad, l, NULL, NULL, r,
						    r == -ENOTDIR ? "Not a directory" : NULL);
		if (r < 0)
			return r;
	}
	definition_names_sort_uniq(parents);
	return 0;
}

void definition_listing_done(struct definition_listing *l)
{
	for (enum definition_layer i = 0; i < _DEFINITION_LAYER_MAX; i++)
		if (l->dirs[i])
			closedir(l->dirs[i]);
	free(l->v);
	free(l->pool);
	*l = (struct definition_listing){};
}

static int listing_add(struct definition_listing *l, const char *name, enum definition_layer layer,
		       unsigned char type)
{
	size_t len = strlen(name) + 1;
	struct definition_seen *e;

	if (l->pool_used + len > l->pool_size) {
		size_t size = 2 * l->pool_size + len + 4096;
		char *p;

		if (size > UINT32_MAX)
			return -ENOMEM; /* offsets are 32 bits: four billion bytes of names */
		p = realloc(l->pool, size);
		if (!p)
			return -ENOMEM;
		l->pool = p;
		l->pool_size = size;
	}
	if (l->n == l->v_size) {
		size_t size = 2 * l->v_size + 64;

		e = reallocarray(l->v, size, sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->v = e;
		l->v_size = size;
	}
	memcpy(l->pool + l->pool_used, name, len);
	e = &l->v[l->n++];
	*e = (struct definition_seen){.name = (uint32_t)l->pool_used, .layers = 1u << layer};
	e->types[layer] = type;
	l->pool_used += len;
	return 0;
}

/* The visible entries of @d into @l as seen in @layer. */
static int listing_read(struct definition_listing *l, DIR *d, enum definition_layer layer)
{
	struct dirent *de;
	int r;

	for (errno = 0; (de = readdir(d)); errno = 0) {
		if (!definition_name_is_visible(de->d_name))
			continue;
		r = listing_add(l, de->d_name, layer, de->d_type);
		if (r < 0)
			return r;
	}
	return errno ? -errno : 0;
}

static int seen_cmp(const void *a, const void *b, void *pool)
{
	return strcmp((const char *)pool + ((const struct definition_seen *)a)->name,
		      (const char *)pool + ((const struct definition_seen *)b)->name);
}

/* Sort by name and merge the entries of one name from several layers. */
static void listing_merge(struct definition_listing *l)
{
	size_t j = 0;

	if (l->n > 1)
		qsort_r(l->v, l->n, sizeof(*l->v), seen_cmp, l->pool);
	for (size_t i = 0; i < l->n; i++) {
		struct definition_seen *e = &l->v[i];

		if (j > 0 && seen_cmp(&l->v[j - 1], e, l->pool) == 0) {
			l->v[j - 1].layers |= e->layers;
			for (enum definition_layer k = 0; k < _DEFINITION_LAYER_MAX; k++)
				if (e->layers & (1u << k))
					l->v[j - 1].types[k] = e->types[k];
		} else
			l->v[j++] = *e;
	}
	l->n = j;
}

/* The same names and the same problems as definition_layers_list_names(), in the same order. */
int definition_layers_list(const char *parent, struct definition_listing *l,
			   struct definition_bad_list *bad)
{
	_cleanup_(definition_names_clear) struct definition_names none = {};
	int r;

	if (!name_is_valid(parent, NAME_MAX_PARENT))
		return definition_layers_list_names(parent, &none, bad);
	for (enum definition_layer k = 0; k < _DEFINITION_LAYER_MAX; k++) {
		_cleanup_free_ char *path = NULL;

		r = definition_layer_path(k, parent, NULL, &path);
		if (r < 0)
			return r;
		l->dirs[k] = opendir(path);
		r = l->dirs[k] ? listing_read(l, l->dirs[k], k) : -errno;
		if (r == -ENOENT)
			r = 0;
		else if (r < 0 && r != -ENOMEM)
			r = definition_bad_list_add(bad, k, parent, NULL, r,
						    r == -ENOTDIR ? "Not a directory" : NULL);
		if (r < 0)
			return r;
	}
	listing_merge(l);
	return 0;
}

/*
 * What <parent>/<name> means, over all layers: *ret_def is the winning
 * definition (NULL if none, masked or bad), bad files go to @bad. With @e,
 * only the layers that listed the name are looked at, and a file listed as
 * regular is read relative to its open directory; anything else (and
 * anything that is no longer what the listing said) is read by path.
 */
static int resolve(const char *parent, const char *name, const struct definition_listing *ls,
		   const struct definition_seen *e, struct definition_bad_list *bad,
		   struct definition **ret_def, enum definition_layer *ret_layer)
{
	bool valid = uuid_is_normalized(name);

	*ret_def = NULL;
	for (int l = _DEFINITION_LAYER_MAX - 1; l >= 0; l--) {
		_cleanup_free_ char *path = NULL, *reason = NULL;
		int r = -ESTALE;

		if (e && !(e->layers & (1u << l)))
			continue;
		if (!valid) {
			r = e ? 1 : 0;
			if (!e) {
				r = definition_layer_path(l, parent, name, &path);
				if (r < 0)
					return r;
				r = definition_file_exists(path);
			}
			if (r != 0)
				r = definition_bad_list_add(
				    bad, l, parent, name, -EINVAL,
				    "File name is not a normalised (lower-case, "
				    "hyphenated) UUID");
			if (r < 0)
				return r;
			continue;
		}
		if (e && e->types[l] == DT_REG && ls->dirs[l])
			r = definition_file_read_at(dirfd(ls->dirs[l]), name, parent, name, ret_def,
						    &reason);
		if (r == -ESTALE && !reason) {
			r = definition_layer_path(l, parent, name, &path);
			if (r < 0)
				return r;
			r = definition_file_read(path, parent, name, ret_def, &reason);
		}
		if (r == DEFINITION_FILE_ABSENT)
			continue;
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			return definition_bad_list_add(bad, l, parent, name, r, reason);
		*ret_layer = l;
		return 0;
	}
	return 0;
}

int definition_layers_resolve(const char *parent, const char *name, struct definition_bad_list *bad,
			      struct definition **ret_def, enum definition_layer *ret_layer)
{
	return resolve(parent, name, NULL, NULL, bad, ret_def, ret_layer);
}

int definition_layers_resolve_seen(const char *parent, const struct definition_listing *l,
				   const struct definition_seen *e, struct definition_bad_list *bad,
				   struct definition **ret_def, enum definition_layer *ret_layer)
{
	return resolve(parent, definition_listing_name(l, e), l, e, bad, ret_def, ret_layer);
}
