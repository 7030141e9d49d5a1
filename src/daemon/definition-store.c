/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The layered definition store. Contract in definition-store.h.
 *
 * One code path decides what a <parent>/<name> means
 * (definition_layers_resolve()); a full load runs it for every name found on
 * disk into a fresh index and diffs old against new, a reload runs it for one
 * name and patches the index. The index is a sorted array: lookups by uuid
 * are a binary search, and the definitions of one uuid under several parents
 * sit next to each other.
 */
#include "definition-file.h"
#include "definition-layers.h"
#include "definition-load.h"
#include "definition-watch.h"
#include "name-check.h"

struct index {
	struct definition_entry *v;
	size_t n, size; /* used, allocated */
};

struct definition_store {
	struct index index;
	struct definition_bad_list bad;
	struct definition_watch *watch;
	definition_change_fn watch_fn; /* who hears what the watcher makes us re-read */
	void *watch_userdata;
};

static void index_clear(struct index *idx)
{
	for (size_t i = 0; i < idx->n; i++)
		definition_free(idx->v[i].def);
	free(idx->v);
	*idx = (struct index){};
}

static int entry_cmp(const char *uuid_a, const char *parent_a, const struct definition *b)
{
	int c = strcmp(uuid_a, b->uuid);

	return c ? c : strcmp(parent_a, b->parent);
}

static int entry_qsort_cmp(const void *a, const void *b)
{
	const struct definition *da = ((const struct definition_entry *)a)->def;

	return entry_cmp(da->uuid, da->parent, ((const struct definition_entry *)b)->def);
}

/* Parents are read in turn, each in UUID order: with one parent, the index comes sorted. */
static bool index_is_sorted(const struct index *idx)
{
	for (size_t i = 1; i < idx->n; i++)
		if (entry_qsort_cmp(&idx->v[i - 1], &idx->v[i]) > 0)
			return false;
	return true;
}

/* First position whose key is >= (@uuid, @parent); @parent "" finds the first of @uuid. */
static size_t index_lower_bound(const struct index *idx, const char *uuid, const char *parent)
{
	size_t lo = 0, hi = idx->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (entry_cmp(uuid, parent, idx->v[mid].def) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Room for @n entries; grown geometrically, so that a load appends in linear time. */
static int index_reserve(struct index *idx, size_t n)
{
	struct definition_entry *v;
	size_t size;

	if (n <= idx->size)
		return 0;
	size = n > 2 * idx->size + 64 ? n : 2 * idx->size + 64;
	v = reallocarray(idx->v, size, sizeof(*v));
	if (!v)
		return -ENOMEM;
	idx->v = v;
	idx->size = size;
	return 0;
}

static int index_append(struct index *idx, struct definition *d, enum definition_layer layer)
{
	int r = index_reserve(idx, idx->n + 1);

	if (r < 0)
		return r;
	idx->v[idx->n++] = (struct definition_entry){d, layer};
	return 0;
}

/*
 * Move the entries of @parent/@name (@name NULL: of the directory itself)
 * from @from to @to, which has room for all of @from.
 */
static void bad_list_extract(struct definition_bad_list *from, const char *parent, const char *name,
			     struct definition_bad_list *to)
{
	size_t j = 0;

	for (size_t i = 0; i < from->n; i++) {
		struct definition_bad_file *b = &from->v[i];

		if (streq_ptr(b->parent, parent) && streq_ptr(b->name, name))
			to->v[to->n++] = *b;
		else
			from->v[j++] = *b;
	}
	from->n = j;
}

static bool bad_list_contains(const struct definition_bad_list *l,
			      const struct definition_bad_file *b)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].layer == b->layer && streq(l->v[i].path, b->path) &&
		    streq(l->v[i].reason, b->reason))
			return true;
	return false;
}

static void emit(definition_change_fn fn, void *userdata, struct definition_store *s,
		 enum definition_change change, const char *parent, const char *uuid,
		 const struct definition_bad_file *bad)
{
	if (fn)
		fn(s, &(struct definition_event){change, parent, uuid, bad}, userdata);
}

static void bad_list_emit_diff(struct definition_store *s, const struct definition_bad_list *old,
			       const struct definition_bad_list *new, definition_change_fn fn,
			       void *ud)
{
	for (size_t i = 0; i < old->n; i++)
		if (!bad_list_contains(new, &old->v[i]))
			emit(fn, ud, s, DEFINITION_BAD_REMOVED, NULL, NULL, &old->v[i]);
	for (size_t i = 0; i < new->n; i++)
		if (!bad_list_contains(old, &new->v[i]))
			emit(fn, ud, s, DEFINITION_BAD_ADDED, NULL, NULL, &new->v[i]);
}

int definition_store_new(struct definition_store **ret)
{
	struct definition_store *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	*ret = s;
	return 0;
}

struct definition_store *definition_store_free(struct definition_store *s)
{
	if (!s)
		return NULL;
	definition_watch_free(s->watch);
	index_clear(&s->index);
	definition_bad_list_clear(&s->bad);
	free(s);
	return NULL;
}

/* Put @d (owned; NULL: none) in the index for @parent/@uuid and tell what changed. */
static void index_update(struct definition_store *s, const char *parent, const char *uuid,
			 struct definition *d, enum definition_layer layer, definition_change_fn fn,
			 void *ud)
{
	struct index *idx = &s->index;
	size_t pos = index_lower_bound(idx, uuid, parent);
	bool found = pos < idx->n && entry_cmp(uuid, parent, idx->v[pos].def) == 0;
	struct definition_entry *e = &idx->v[pos];
	bool same;

	if (!found && !d)
		return;
	if (found && !d) {
		definition_free(e->def);
		memmove(e, e + 1, (idx->n - pos - 1) * sizeof(*e));
		idx->n--;
		return emit(fn, ud, s, DEFINITION_REMOVED, parent, uuid, NULL);
	}
	if (found) {
		same = e->layer == layer && definition_equal(e->def, d);
		definition_free(e->def);
		*e = (struct definition_entry){d, layer};
		if (!same)
			emit(fn, ud, s, DEFINITION_CHANGED, parent, uuid, NULL);
		return;
	}
	/* The caller reserved room for one more entry. */
	memmove(e + 1, e, (idx->n - pos) * sizeof(*e));
	*e = (struct definition_entry){d, layer};
	idx->n++;
	emit(fn, ud, s, DEFINITION_ADDED, parent, uuid, NULL);
}

/*
 * Replace the store's bad entries of @parent/@name by @new (taking them) and
 * report the difference. On failure nothing changed.
 */
static int bad_replace(struct definition_store *s, const char *parent, const char *name,
		       struct definition_bad_list *new, definition_change_fn fn, void *ud)
{
	_cleanup_(definition_bad_list_clear) struct definition_bad_list old = {};
	struct definition_bad_file *v;
	size_t n0;

	v = reallocarray(s->bad.v, s->bad.n + new->n + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->bad.v = v;
	old.v = calloc(s->bad.n + 1, sizeof(*old.v));
	if (!old.v)
		return -ENOMEM;
	bad_list_extract(&s->bad, parent, name, &old);

	n0 = s->bad.n;
	if (new->n > 0)
		memcpy(s->bad.v + n0, new->v, new->n * sizeof(*v));
	s->bad.n += new->n;
	new->n = 0;
	bad_list_emit_diff(s, &old, &(struct definition_bad_list){s->bad.v + n0, s->bad.n - n0}, fn,
			   ud);
	return 0;
}

static int reload_key(struct definition_store *s, const char *parent, const char *name,
		      definition_change_fn fn, void *ud)
{
	_cleanup_(definition_bad_list_clear) struct definition_bad_list new = {};
	_cleanup_definition_free_ struct definition *d = NULL;
	/* Copies: the caller's strings may belong to an entry this replaces. */
	_cleanup_free_ char *p = strdup(parent), *n = strdup(name);
	enum definition_layer layer = 0;
	int r;

	if (!p || !n)
		return -ENOMEM;
	/* Room for one more entry, so index_update() cannot fail. */
	r = index_reserve(&s->index, s->index.n + 1);
	if (r < 0)
		return r;
	r = definition_layers_resolve(p, n, &new, &d, &layer);
	if (r < 0)
		return r;
	r = bad_replace(s, p, n, &new, fn, ud);
	if (r < 0)
		return r;
	index_update(s, p, n, TAKE_PTR(d), layer, fn, ud);
	return 0;
}

/* -EINVAL for "" and paths, 0 for hidden names (ignored), 1 for names to look at. */
static int name_classify(const char *s)
{
	if (isempty(s) || strchr(s, '/'))
		return -EINVAL;
	return s[0] != '.';
}

int definition_store_reload_one(struct definition_store *s, const char *parent, const char *name,
				definition_change_fn fn, void *userdata)
{
	int p = name_classify(parent), n = name_classify(name);

	if (p < 0 || n < 0)
		return -EINVAL;
	if (p == 0 || n == 0)
		return 0;
	if (!name_is_valid(parent, NAME_MAX_PARENT))
		return definition_store_reload_parent(s, parent, fn, userdata);
	return reload_key(s, parent, name, fn, userdata);
}

/* Names under @parent the store knows about: they may have gone from disk. */
static int parent_known_names(const struct definition_store *s, const char *parent,
			      struct definition_names *ns)
{
	int r;

	for (size_t i = 0; i < s->index.n; i++)
		if (streq(s->index.v[i].def->parent, parent)) {
			r = definition_names_add(ns, s->index.v[i].def->uuid);
			if (r < 0)
				return r;
		}
	for (size_t i = 0; i < s->bad.n; i++)
		if (streq_ptr(s->bad.v[i].parent, parent) && s->bad.v[i].name) {
			r = definition_names_add(ns, s->bad.v[i].name);
			if (r < 0)
				return r;
		}
	return 0;
}

int definition_store_reload_parent(struct definition_store *s, const char *parent,
				   definition_change_fn fn, void *userdata)
{
	_cleanup_(definition_names_clear) struct definition_names ns = {};
	_cleanup_(definition_bad_list_clear) struct definition_bad_list dir_bad = {};
	_cleanup_free_ char *p = NULL;
	int r = name_classify(parent);

	if (r <= 0)
		return r;
	p = strdup(parent); /* it may belong to a bad entry this replaces */
	if (!p)
		return -ENOMEM;
	r = definition_layers_list_names(p, &ns, &dir_bad);
	if (r >= 0)
		r = parent_known_names(s, p, &ns);
	if (r >= 0)
		r = bad_replace(s, p, NULL, &dir_bad, fn, userdata);
	if (r < 0)
		return r;
	definition_names_sort_uniq(&ns);
	for (size_t i = 0; i < ns.n; i++) {
		r = reload_key(s, p, ns.v[i], fn, userdata);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Move the bad files of @from to the end of @to. */
static int bad_list_take(struct definition_bad_list *to, struct definition_bad_list *from)
{
	struct definition_bad_file *v;

	if (from->n == 0)
		return 0;
	v = reallocarray(to->v, to->n + from->n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	to->v = v;
	memcpy(v + to->n, from->v, from->n * sizeof(*v));
	to->n += from->n;
	from->n = 0;
	return 0;
}

static int load_parent(const char *parent, struct index *idx, struct definition_bad_list *bad)
{
	_cleanup_(definition_listing_done) struct definition_listing ls = {};
	struct definition_load_slot *slots = NULL;
	int r;

	r = definition_layers_list(parent, &ls, bad);
	if (r >= 0)
		r = definition_load_resolve(parent, &ls, &slots);
	if (r < 0)
		return r;
	/* In listing order, as if resolved one after the other. */
	for (size_t i = 0; r >= 0 && i < ls.n; i++) {
		r = bad_list_take(bad, &slots[i].bad);
		if (r >= 0 && slots[i].def) {
			r = index_append(idx, slots[i].def, slots[i].layer);
			if (r >= 0)
				slots[i].def = NULL;
		}
	}
	definition_load_slots_free(slots, ls.n);
	return r;
}

static void index_emit_diff(struct definition_store *s, const struct index *old,
			    const struct index *new, definition_change_fn fn, void *ud)
{
	size_t i = 0, j = 0;

	while (i < old->n || j < new->n) {
		const struct definition *a = i < old->n ? old->v[i].def : NULL;
		const struct definition *b = j < new->n ? new->v[j].def : NULL;
		int c = !a ? 1 : !b ? -1 : entry_cmp(a->uuid, a->parent, b);

		if (c < 0)
			emit(fn, ud, s, DEFINITION_REMOVED, a->parent, a->uuid, NULL);
		else if (c > 0)
			emit(fn, ud, s, DEFINITION_ADDED, b->parent, b->uuid, NULL);
		else if (old->v[i].layer != new->v[j].layer || !definition_equal(a, b))
			emit(fn, ud, s, DEFINITION_CHANGED, b->parent, b->uuid, NULL);
		i += c <= 0;
		j += c >= 0;
	}
}

int definition_store_load(struct definition_store *s, definition_change_fn fn, void *userdata)
{
	_cleanup_(index_clear) struct index idx = {};
	_cleanup_(definition_bad_list_clear) struct definition_bad_list bad = {};
	_cleanup_(definition_names_clear) struct definition_names parents = {};
	struct index old_idx;
	struct definition_bad_list old_bad;
	int r;

	r = definition_layers_list_parents(&parents, &bad);
	for (size_t i = 0; r >= 0 && i < parents.n; i++)
		r = load_parent(parents.v[i], &idx, &bad);
	if (r < 0)
		return r;
	if (!index_is_sorted(&idx))
		qsort(idx.v, idx.n, sizeof(*idx.v), entry_qsort_cmp);

	/* Swap: the old lists live on in idx/bad until the cleanup, for the handler's strings. */
	old_idx = s->index;
	old_bad = s->bad;
	s->index = idx;
	s->bad = bad;
	idx = old_idx;
	bad = old_bad;
	index_emit_diff(s, &idx, &s->index, fn, userdata);
	bad_list_emit_diff(s, &bad, &s->bad, fn, userdata);
	return 0;
}

const struct definition_entry *definition_store_entries(const struct definition_store *s,
							size_t *ret_n)
{
	*ret_n = s->index.n;
	return s->index.v;
}

const struct definition_entry *definition_store_get(const struct definition_store *s,
						    const char *parent, const char *uuid)
{
	size_t pos;

	if (!parent || !uuid)
		return NULL;
	pos = index_lower_bound(&s->index, uuid, parent);
	if (pos < s->index.n && entry_cmp(uuid, parent, s->index.v[pos].def) == 0)
		return &s->index.v[pos];
	return NULL;
}

size_t definition_store_find_uuid(const struct definition_store *s, const char *uuid,
				  const struct definition_entry **ret_first)
{
	size_t pos = index_lower_bound(&s->index, uuid, ""), n = 0;

	while (pos + n < s->index.n && streq(s->index.v[pos + n].def->uuid, uuid))
		n++;
	*ret_first = n > 0 ? &s->index.v[pos] : NULL;
	return n;
}

const struct definition_bad_file *definition_store_bad_files(const struct definition_store *s,
							     size_t *ret_n)
{
	*ret_n = s->bad.n;
	return s->bad.v;
}

int definition_store_save(struct definition_store *s, const struct definition *d,
			  enum definition_layer layer, definition_change_fn fn, void *userdata)
{
	_cleanup_free_ char *data = NULL, *dir = NULL;
	size_t size;
	int r;

	if (layer == DEFINITION_LAYER_VENDOR)
		return -EROFS;
	r = definition_to_json(d, &data, &size);
	if (r >= 0)
		r = definition_layer_path(layer, d->parent, NULL, &dir);
	if (r >= 0)
		r = definition_file_write(dir, d->uuid, data, size);
	if (r < 0)
		return r;
	return reload_key(s, d->parent, d->uuid, fn, userdata);
}

static bool bad_has_key(const struct definition_store *s, const char *parent, const char *name)
{
	for (size_t i = 0; i < s->bad.n; i++)
		if (streq_ptr(s->bad.v[i].parent, parent) && streq_ptr(s->bad.v[i].name, name))
			return true;
	return false;
}

/* Unlink @parent/@name from @layer; 1 if it was there. */
static int layer_unlink(enum definition_layer layer, const char *parent, const char *name)
{
	_cleanup_free_ char *dir = NULL;
	int r;

	r = definition_layer_path(layer, parent, NULL, &dir);
	if (r >= 0)
		r = definition_file_unlink(dir, name);
	if (r == -ENOENT || r == -ENOTDIR)
		return 0;
	return r < 0 ? r : 1;
}

/* Hide the vendor file of @parent/@name with a mask in ADMIN, or unlink the ADMIN file. */
static int admin_unlink_or_mask(const char *parent, const char *name)
{
	_cleanup_free_ char *vendor = NULL, *admin = NULL;
	int r;

	r = definition_layer_path(DEFINITION_LAYER_VENDOR, parent, name, &vendor);
	if (r < 0)
		return r;
	r = definition_file_exists(vendor);
	if (r == 0)
		return layer_unlink(DEFINITION_LAYER_ADMIN, parent, name);
	r = definition_layer_path(DEFINITION_LAYER_ADMIN, parent, NULL, &admin);
	if (r < 0)
		return r;
	return definition_file_mask(admin, name);
}

int definition_store_remove(struct definition_store *s, const char *parent, const char *uuid,
			    definition_change_fn fn, void *userdata)
{
	int r;

	if (name_classify(parent) <= 0 || name_classify(uuid) <= 0)
		return -EINVAL;
	if (!definition_store_get(s, parent, uuid) && !bad_has_key(s, parent, uuid))
		return -ENOENT;
	r = layer_unlink(DEFINITION_LAYER_RUNTIME, parent, uuid);
	if (r >= 0)
		r = admin_unlink_or_mask(parent, uuid);
	if (r < 0)
		return r;
	return definition_store_reload_one(s, parent, uuid, fn, userdata);
}

int definition_store_remove_temp(definition_temp_fn fn, void *userdata)
{
	static const enum definition_layer writable[] = {DEFINITION_LAYER_ADMIN,
							 DEFINITION_LAYER_RUNTIME};
	int n = 0, r;

	for (size_t i = 0; i < ELEMENTSOF(writable); i++) {
		_cleanup_free_ char *dir = NULL;

		r = definition_layer_path(writable[i], NULL, NULL, &dir);
		if (r >= 0)
			r = definition_dir_remove_temp(dir, fn, userdata);
		if (r < 0)
			return r;
		n += r;
	}
	return n;
}

/* What the watcher saw, re-read; the differences go to the watch's listener. */
static int store_on_watch(const struct definition_watch_event *ev, void *userdata)
{
	struct definition_store *s = userdata;

	switch (ev->kind) {
	case DEFINITION_WATCH_FILE:
		return definition_store_reload_one(s, ev->parent, ev->name, s->watch_fn,
						   s->watch_userdata);
	case DEFINITION_WATCH_PARENT:
		return definition_store_reload_parent(s, ev->parent, s->watch_fn,
						      s->watch_userdata);
	default:
		return definition_store_load(s, s->watch_fn, s->watch_userdata);
	}
}

int definition_store_watch(struct definition_store *s, sd_event *e, definition_change_fn fn,
			   void *userdata)
{
	if (s->watch)
		return -EBUSY;
	s->watch_fn = fn;
	s->watch_userdata = userdata;
	return definition_watch_new(e, store_on_watch, s, &s->watch);
}
