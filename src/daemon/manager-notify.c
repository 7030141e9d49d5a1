/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one deferred event source of the manager: the model's changes are
 * queued here (one pending change per object, coalesced) and so are the
 * reactions to facts (starting `auto` devices, queued by manager-run.c as a
 * function and its arguments, so this file calls no other part of the
 * manager); when the event loop comes
 * round, the source runs the reactions, then delivers the changes to every
 * listener, and repeats while either made more. Nothing here is called from
 * inside an operation's own call chain except the queueing functions, so no
 * listener and no reaction ever runs re-entrantly.
 *
 * Ownership: m->pending owns the pending changes; a record points at its own
 * (d->pending) and the change points back (pc->slot) until it is delivered
 * or the record is freed, whichever comes first.
 */
#include "log.h"
#include "manager-internal.h"

struct manager_listener {
	manager_listener_fn fn;
	void *userdata;
};

struct pending_change {
	enum manager_object object;
	char *id;
	bool announced; /* the listeners knew the object before this batch */
	bool exists; /* it exists now */
	unsigned properties;
	struct pending_change **slot; /* the record's pointer to us, NULL once freed */
};

struct reaction {
	manager_reaction_fn fn;
	char *parent; /* NULL: any */
	bool narrow;
};

static int on_defer(sd_event_source *s, void *userdata);

static void schedule(struct manager *m)
{
	int r;

	if (m->flushing)
		return; /* the running flush loops until nothing is left */
	if (!m->defer) {
		r = sd_event_add_defer(m->event, &m->defer, on_defer, m);
		if (r < 0) {
			log_error_errno(r, "Failed to queue change notifications: %m");
			return;
		}
		(void)sd_event_source_set_description(m->defer, "manager-notify");
	}
	r = sd_event_source_set_enabled(m->defer, SD_EVENT_ONESHOT);
	if (r < 0)
		log_error_errno(r, "Failed to queue change notifications: %m");
}

static void pending_free(struct pending_change *pc)
{
	if (!pc)
		return;
	if (pc->slot)
		*pc->slot = NULL;
	free(pc->id);
	free(pc);
}

/* The pending change behind *@slot, made if there is none. */
static struct pending_change *pending_get(struct manager *m, struct pending_change **slot,
					  enum manager_object object, const char *id,
					  enum manager_change change)
{
	struct pending_change *pc = *slot, **grown;

	if (pc)
		return pc;
	if (m->n_listeners == 0)
		return NULL; /* nobody would hear it */
	pc = calloc(1, sizeof(*pc));
	grown = pc ? realloc(m->pending, (m->n_pending + 1) * sizeof(*grown)) : NULL;
	if (!grown || !(pc->id = strdup(id))) {
		if (grown)
			m->pending = grown;
		free(pc);
		log_oom();
		return NULL;
	}
	m->pending = grown;
	pc->object = object;
	pc->announced = change != MANAGER_CHANGE_ADDED;
	pc->exists = true;
	pc->slot = slot;
	*slot = pc;
	m->pending[m->n_pending++] = pc;
	schedule(m);
	return pc;
}

static void pending_update(struct pending_change *pc, enum manager_change change,
			   unsigned properties)
{
	if (!pc)
		return;
	pc->properties |= properties;
	if (change == MANAGER_CHANGE_REMOVED) {
		pc->exists = false;
		/* The record goes: a later one of the same id gets its own change. */
		if (pc->slot)
			*pc->slot = NULL;
		pc->slot = NULL;
	}
}

void notify_device(struct manager *m, struct mdevice *d, enum manager_change change,
		   unsigned properties)
{
	pending_update(pending_get(m, &d->pending, MANAGER_OBJECT_DEVICE, d->pub.uuid, change),
		       change, properties);
}

void notify_parent(struct manager *m, struct mparent *p, enum manager_change change,
		   unsigned properties)
{
	pending_update(pending_get(m, &p->pending, MANAGER_OBJECT_PARENT, p->pub.name, change),
		       change, properties);
}

void notify_manager(struct manager *m, unsigned properties)
{
	pending_update(pending_get(m, &m->pending_manager, MANAGER_OBJECT_MANAGER, "",
				   MANAGER_CHANGE_CHANGED),
		       MANAGER_CHANGE_CHANGED, properties);
}

void notify_forget(struct pending_change *pc)
{
	if (pc)
		pc->slot = NULL;
}

void manager_react(struct manager *m, manager_reaction_fn fn, const char *parent, bool narrow)
{
	struct reaction *grown;
	char *copy = NULL;

	for (size_t i = 0; i < m->n_reactions; i++) {
		const struct reaction *q = &m->reactions[i];

		/* Already queued, or covered by a wider one. */
		if (q->fn == fn && (!q->parent || streq_ptr(q->parent, parent)) &&
		    (!q->narrow || narrow))
			return;
	}
	if ((parent && !(copy = strdup(parent))) ||
	    !(grown = realloc(m->reactions, (m->n_reactions + 1) * sizeof(*grown)))) {
		free(copy);
		log_oom();
		return;
	}
	m->reactions = grown;
	m->reactions[m->n_reactions++] = (struct reaction){fn, copy, narrow};
	schedule(m);
}

static void run_reactions(struct manager *m)
{
	struct reaction *v = m->reactions;
	size_t n = m->n_reactions;

	/* Reactions may queue more; those run in the next round. */
	m->reactions = NULL;
	m->n_reactions = 0;
	for (size_t i = 0; i < n; i++) {
		v[i].fn(m, v[i].parent, v[i].narrow);
		free(v[i].parent);
	}
	free(v);
}

/* Every listener of @listeners (a copy: a listener may add or remove listeners). */
static void deliver(struct manager *m, const struct manager_listener *listeners, size_t n,
		    const struct manager_change_event *ev)
{
	for (size_t i = 0; i < n; i++)
		listeners[i].fn(m, ev, listeners[i].userdata);
}

static void deliver_pending(struct manager *m)
{
	struct pending_change **v = m->pending;
	size_t n = m->n_pending, n_listeners = m->n_listeners;
	_cleanup_free_ struct manager_listener *listeners = NULL;

	if (n > 0 && n_listeners > 0) {
		listeners = malloc(n_listeners * sizeof(*listeners));
		if (listeners)
			memcpy(listeners, m->listeners, n_listeners * sizeof(*listeners));
		else
			log_oom();
	}
	if (!listeners)
		n_listeners = 0;

	m->pending = NULL;
	m->n_pending = 0;
	/* Detach first: a listener's operations start a new batch. */
	for (size_t i = 0; i < n; i++)
		if (v[i]->slot) {
			*v[i]->slot = NULL;
			v[i]->slot = NULL;
		}
	for (size_t i = 0; i < n; i++) {
		struct pending_change *pc = v[i];
		struct manager_change_event ev = {pc->object, MANAGER_CHANGE_CHANGED, pc->id,
						  pc->properties};

		if (!pc->announced && pc->exists)
			ev.change = MANAGER_CHANGE_ADDED;
		else if (pc->announced && !pc->exists)
			ev.change = MANAGER_CHANGE_REMOVED;
		else if (!pc->announced || pc->properties == 0)
			continue; /* came and went, or nothing visible changed */
		if (ev.change != MANAGER_CHANGE_CHANGED)
			ev.properties = ~0u;
		deliver(m, listeners, n_listeners, &ev);
	}
	for (size_t i = 0; i < n; i++)
		pending_free(v[i]);
	free(v);
}

void manager_flush(struct manager *m)
{
	if (m->flushing)
		return;
	m->flushing = true;
	while (m->n_reactions > 0 || m->n_pending > 0) {
		run_reactions(m);
		deliver_pending(m);
	}
	m->flushing = false;
}

/* From the loop: one round, then let the loop serve others before the next. */
static int on_defer(sd_event_source *s, void *userdata)
{
	struct manager *m = userdata;

	m->flushing = true;
	run_reactions(m);
	deliver_pending(m);
	m->flushing = false;
	if (m->n_reactions > 0 || m->n_pending > 0)
		schedule(m);
	return 0;
}

int manager_add_listener(struct manager *m, manager_listener_fn fn, void *userdata)
{
	struct manager_listener *grown;

	grown = realloc(m->listeners, (m->n_listeners + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	m->listeners = grown;
	m->listeners[m->n_listeners++] = (struct manager_listener){fn, userdata};
	return 0;
}

void manager_remove_listener(struct manager *m, manager_listener_fn fn, void *userdata)
{
	for (size_t i = 0; i < m->n_listeners; i++)
		if (m->listeners[i].fn == fn && m->listeners[i].userdata == userdata) {
			memmove(m->listeners + i, m->listeners + i + 1,
				(m->n_listeners - i - 1) * sizeof(*m->listeners));
			m->n_listeners--;
			return;
		}
}

void notify_done(struct manager *m)
{
	for (size_t i = 0; i < m->n_pending; i++)
		pending_free(m->pending[i]);
	free(m->pending);
	m->pending = NULL;
	m->n_pending = 0;
	for (size_t i = 0; i < m->n_reactions; i++)
		free(m->reactions[i].parent);
	free(m->reactions);
	m->reactions = NULL;
	m->n_reactions = 0;
	free(m->listeners);
	m->listeners = NULL;
	m->n_listeners = 0;
	m->defer = sd_event_source_disable_unref(m->defer);
}
