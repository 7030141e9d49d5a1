/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a running device shows the host, as the model holds it: the nodes the
 * sysfs layer finds below the device (mdev_device_nodes(), mdev-nodes.c),
 * collected into an owned array of struct managed_node, and copies of it.
 */
#include "manager-internal.h"

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

static int node_found(const char *kind, const char *name, void *userdata)
{
	return node_add(userdata, kind, name);
}

int device_nodes_scan(const struct mdev_device *d, struct managed_node **ret, size_t *ret_n)
{
	struct node_list l = {};
	int r;

	r = mdev_device_nodes(d, node_found, &l);
	if (r < 0) {
		managed_nodes_free(l.v, l.n);
		return r;
	}
	*ret = l.v;
	*ret_n = l.n;
	return 0;
}
