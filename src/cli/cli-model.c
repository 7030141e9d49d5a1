/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cli-model.h"

struct cli_model *cli_model_new(void)
{
	return calloc(1, sizeof(struct cli_model));
}

void cli_attrs_free(struct cli_attr *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

static void definitions_free(struct cli_definition *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].parent);
		free(v[i].type);
		free(v[i].start);
		cli_attrs_free(v[i].attrs, v[i].n_attrs);
	}
	free(v);
}

static void device_done(struct cli_device *d)
{
	definitions_free(d->definitions, d->n_definitions);
	free(d->uuid);
	free(d->parent);
	free(d->type);
	free(d->class);
	free(d->start);
	free(d->state);
	free(d->last_error);
	free(d->driver);
	cli_attrs_free(d->attrs, d->n_attrs);
	cli_attrs_free(d->nodes, d->n_nodes);
	strv_free(d->status);
	cli_attrs_free(d->config, d->n_config);
}

struct cli_stats *cli_stats_free(struct cli_stats *s)
{
	if (s) {
		free(s->queues);
		free(s);
	}
	return NULL;
}

static void parent_done(struct cli_parent *p)
{
	free(p->name);
	free(p->bus);
	for (size_t i = 0; i < p->n_types; i++) {
		free(p->types[i].id);
		free(p->types[i].name);
		free(p->types[i].description);
		free(p->types[i].device_api);
	}
	free(p->types);
}

struct cli_model *cli_model_free(struct cli_model *m)
{
	if (!m)
		return NULL;
	for (size_t i = 0; i < m->n_devices; i++)
		device_done(&m->devices[i]);
	free(m->devices);
	for (size_t i = 0; i < m->n_parents; i++)
		parent_done(&m->parents[i]);
	free(m->parents);
	cli_attrs_free(m->bad_definitions, m->n_bad_definitions);
	free(m);
	return NULL;
}

/* Grow *v (of *n elements of @size) by one zeroed element. */
static void *vector_append(void **v, size_t *n, size_t size)
{
	char *nv = reallocarray(*v, *n + 1, size);

	if (!nv)
		return NULL;
	memset(nv + *n * size, 0, size);
	*v = nv;
	return nv + (*n)++ * size;
}

struct cli_device *cli_model_add_device(struct cli_model *m)
{
	return vector_append((void **)&m->devices, &m->n_devices, sizeof(struct cli_device));
}

struct cli_parent *cli_model_add_parent(struct cli_model *m)
{
	return vector_append((void **)&m->parents, &m->n_parents, sizeof(struct cli_parent));
}

struct cli_type *cli_parent_add_type(struct cli_parent *p)
{
	return vector_append((void **)&p->types, &p->n_types, sizeof(struct cli_type));
}

int cli_attrs_append(struct cli_attr **v, size_t *n, const char *name, const char *value)
{
	_cleanup_free_ char *a = strdup(name), *b = strdup(value);
	struct cli_attr *e;

	if (!a || !b)
		return -ENOMEM;
	e = vector_append((void **)v, n, sizeof(struct cli_attr));
	if (!e)
		return -ENOMEM;
	e->name = TAKE_PTR(a);
	e->value = TAKE_PTR(b);
	return 0;
}

int cli_device_add_definition(struct cli_device *d, const char *parent, const char *type,
			      const char *start, struct cli_definition **ret)
{
	_cleanup_free_ char *p = strdup(parent), *t = strdup(type), *s = strdup(start);
	struct cli_definition *def;

	if (!p || !t || !s)
		return -ENOMEM;
	def = vector_append((void **)&d->definitions, &d->n_definitions, sizeof(*def));
	if (!def)
		return -ENOMEM;
	def->parent = TAKE_PTR(p);
	def->type = TAKE_PTR(t);
	def->start = TAKE_PTR(s);
	*ret = def;
	return 0;
}

static int attrs_copy(const struct cli_attr *a, size_t n, struct cli_attr **v, size_t *nv)
{
	for (size_t i = 0; i < n; i++)
		if (cli_attrs_append(v, nv, a[i].name, a[i].value) < 0)
			return -ENOMEM;
	return 0;
}

static int dup_or_empty(char **field, const char *s)
{
	*field = strdup(s ? s : "");
	return *field ? 0 : -ENOMEM;
}

/* Entry @out for definition @def of @d's UUID, which does not run there. */
static int entry_from_definition(struct cli_device *out, const struct cli_device *d,
				 const struct cli_definition *def)
{
	out->defined = true;
	if (dup_or_empty(&out->uuid, d->uuid) < 0 || dup_or_empty(&out->parent, def->parent) < 0 ||
	    dup_or_empty(&out->type, def->type) < 0 || dup_or_empty(&out->start, def->start) < 0 ||
	    dup_or_empty(&out->state, "stopped") < 0)
		return -ENOMEM;
	return attrs_copy(def->attrs, def->n_attrs, &out->attrs, &out->n_attrs);
}

/*
 * The daemon's device @i is the UUID with its selected definition (or what
 * runs); its other definitions become entries of their own, appended.
 */
static int device_split(struct cli_model *m, size_t i)
{
	struct cli_device *d = &m->devices[i];
	struct cli_definition *defs = TAKE_PTR(d->definitions);
	size_t n = d->n_definitions, own = n;
	int r = 0;

	d->n_definitions = 0;
	d->has_definitions = false;
	for (size_t k = 0; k < n; k++)
		if (d->active ? streq_ptr(defs[k].parent, d->parent) &&
				    streq_ptr(defs[k].type, d->type)
			      : streq_ptr(defs[k].parent, d->parent)) {
			own = k;
			break;
		}
	/* Stopped: the device is its first definition; running: what runs. */
	if (!d->active && own == n && n > 0)
		own = 0;
	d->defined = own < n;
	for (size_t k = 0; r >= 0 && k < n; k++) {
		struct cli_device *e;

		if (k == own)
			continue;
		e = cli_model_add_device(m); /* moves m->devices */
		if (!e) {
			r = -ENOMEM;
			break;
		}
		r = entry_from_definition(e, &m->devices[i], &defs[k]);
	}
	definitions_free(defs, n);
	return r;
}

static int fill(char **s, const char *dflt)
{
	if (*s)
		return 0;
	*s = strdup(dflt);
	return *s ? 0 : -ENOMEM;
}

static int device_cmp(const void *a, const void *b)
{
	const struct cli_device *x = a, *y = b;
	int r = strcmp(x->parent, y->parent);

	return r ? r : strcmp(x->uuid, y->uuid);
}

static int parent_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cli_parent *)a)->name, ((const struct cli_parent *)b)->name);
}

static int type_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cli_type *)a)->id, ((const struct cli_type *)b)->id);
}

static int device_finish(struct cli_device *d)
{
	char **fields[] = {&d->uuid,  &d->parent,     &d->type,	 &d->class,
			   &d->state, &d->last_error, &d->driver};

	for (size_t i = 0; i < ELEMENTSOF(fields); i++)
		if (fill(fields[i], "") < 0)
			return -ENOMEM;
	return fill(&d->start, "manual");
}

static int parent_finish(struct cli_parent *p)
{
	if (fill(&p->name, "") < 0 || fill(&p->bus, "") < 0)
		return -ENOMEM;
	for (size_t i = 0; i < p->n_types; i++) {
		struct cli_type *t = &p->types[i];

		if (fill(&t->id, "") < 0 || fill(&t->name, "") < 0 ||
		    fill(&t->description, "") < 0 || fill(&t->device_api, "") < 0)
			return -ENOMEM;
	}
	if (p->n_types > 0)
		qsort(p->types, p->n_types, sizeof(struct cli_type), type_cmp);
	return 0;
}

int cli_model_finish(struct cli_model *m)
{
	for (size_t i = 0, n = m->n_devices; i < n; i++)
		if (m->devices[i].has_definitions && device_split(m, i) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < m->n_devices; i++)
		if (device_finish(&m->devices[i]) < 0)
			return -ENOMEM;
	for (size_t i = 0; i < m->n_parents; i++)
		if (parent_finish(&m->parents[i]) < 0)
			return -ENOMEM;
	if (m->n_devices > 0)
		qsort(m->devices, m->n_devices, sizeof(struct cli_device), device_cmp);
	if (m->n_parents > 0)
		qsort(m->parents, m->n_parents, sizeof(struct cli_parent), parent_cmp);
	return 0;
}

const struct cli_device *cli_model_find_device(const struct cli_model *m, const char *uuid)
{
	const struct cli_device *first = NULL;

	for (size_t i = 0; i < m->n_devices; i++)
		if (streq(m->devices[i].uuid, uuid)) {
			if (m->devices[i].active)
				return &m->devices[i];
			first = first ?: &m->devices[i];
		}
	return first;
}

size_t cli_model_find_defined(const struct cli_model *m, const char *uuid, const char *parent,
			      const struct cli_device **ret)
{
	size_t n = 0;

	*ret = NULL;
	for (size_t i = 0; i < m->n_devices; i++) {
		const struct cli_device *d = &m->devices[i];

		if (!d->defined || !streq(d->uuid, uuid) || (parent && !streq(d->parent, parent)))
			continue;
		if (n++ == 0)
			*ret = d;
	}
	return n;
}

const struct cli_parent *cli_model_find_parent(const struct cli_model *m, const char *name)
{
	for (size_t i = 0; i < m->n_parents; i++)
		if (streq(m->parents[i].name, name))
			return &m->parents[i];
	return NULL;
}
