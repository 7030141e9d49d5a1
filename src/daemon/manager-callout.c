/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevctl's callouts around the manager's operations (callout.h has the
 * protocol): what a device is called and what JSON it shows the scripts,
 * pre (a refusal becomes MANAGER_ERROR_CALLOUT_REFUSED carrying the
 * script's message), post with the outcome, then every notifier, exactly as
 * mdevctl's Callout::invoke(); "get attributes" and "live modify". What the
 * scripts print on stderr goes to the journal under the device's UUID. A
 * leaf of the manager: it calls only callout.c and manager-error.c.
 *
 * The scripts run synchronously from the event loop (operations are);
 * callout.h's bounds keep one operation under sd-bus's call timeout, and
 * the watchdog is fed before an operation's scripts unless it was fed in
 * the last MANAGER_WATCHDOG_FEED_USEC (m->watchdog_feed_usec), so that they
 * may take all of CALLOUT_OPERATION_USEC within the service's WatchdogSec
 * (the event loop feeds it only every quarter of the period).
 */
#include <syslog.h>
#include <systemd/sd-daemon.h>

#include "clock-util.h"
#include "log.h"
#include "manager-internal.h"

static void callout_log(void *userdata, int level, const char *script, const char *message)
{
	const char *uuid = userdata;

	if (script)
		log_device_full(level, uuid, "Callout %s: %s", script, message);
	else
		log_device_full(level, uuid, "%s", message);
}

/* An operation's callouts start: the watchdog is fed, the cache made on first use. */
static int callouts_begin(struct manager *m, struct callout_cache **ret)
{
	uint64_t now = monotonic_usec();
	int r;

	if (sd_event_get_watchdog(m->event) > 0 &&
	    (m->watchdog_fed_usec == 0 || now - m->watchdog_fed_usec >= m->watchdog_feed_usec)) {
		(void)sd_notify(false, "WATCHDOG=1");
		m->watchdog_fed_usec = now;
	}
	if (!m->callouts) {
		r = callout_cache_new(&m->callouts);
		if (r < 0)
			return r;
	}
	*ret = m->callouts;
	return 0;
}

/* mdevctl's stdin for pre, post and live: the configuration as it will be. */
static int config_json(const char *type, bool autostart, const struct definition_attr *attrs,
		       size_t n_attrs, char **ret)
{
	_cleanup_free_ struct callout_attr *a = NULL;

	a = calloc(n_attrs ? n_attrs : 1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	for (size_t i = 0; i < n_attrs; i++)
		a[i] = (struct callout_attr){.name = attrs[i].name, .value = attrs[i].value};
	return callout_config_json(type, autostart, a, n_attrs, ret);
}

int device_callout_begin(struct manager *m, struct device_callout *c, enum callout_action action,
			 const char *parent, const char *type, const char *uuid, bool autostart,
			 const struct definition_attr *attrs, size_t n_attrs, bool force,
			 struct manager_error *e)
{
	struct callout_cache *cache;
	int r;

	*c = (struct device_callout){.action = action};
	if (!parent || !type)
		return 0; /* a half-gone device: nothing to tell a script (mdevctl refuses even) */
	memcpy(c->uuid, uuid, sizeof(c->uuid) - 1);
	c->parent = strdup(parent);
	c->type = strdup(type);
	if (!c->parent || !c->type || callouts_begin(m, &cache) < 0 ||
	    config_json(type, autostart, attrs, n_attrs, &c->json) < 0) {
		device_callout_done(c);
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	}
	callout_op_init(
	    &c->op, cache,
	    &(struct callout_device){.parent = c->parent, .type = c->type, .uuid = c->uuid},
	    callout_log, c->uuid);
	c->started = true;
	r = callout_op_call(&c->op, CALLOUT_EVENT_PRE, action, CALLOUT_STATE_NONE, c->json, NULL);
	if (r >= 0)
		return 0;
	if (force) {
		/* mdevctl's words; the action, and post after it, run as if pre agreed. */
		char *w = NULL;

		if (asprintf(&w, "Forcing operation '%s' despite callout failure. Error was: %s",
			     callout_action_to_string(action),
			     c->op.message ? c->op.message : strerror(-r)) < 0)
			w = NULL;
		log_device_warning(c->uuid, "%s", w ? w : "Forcing operation despite callout failure");
		if (e && w) {
			free(e->warning);
			e->warning = w;
		} else
			free(w);
		return 0;
	}
	c->refused = true;
	log_device_error(c->uuid, "%s", strempty(c->op.message));
	return manager_error_set(e, MANAGER_ERROR_CALLOUT_REFUSED, r, "%s",
				 c->op.message ? c->op.message : strerror(-r));
}

void device_callout_end(struct device_callout *c, int result)
{
	enum callout_state state = result >= 0 ? CALLOUT_STATE_SUCCESS : CALLOUT_STATE_FAILURE;

	if (!c->started)
		return;
	/* As mdevctl: post only after a pre that let the action run; its status is ignored. */
	if (!c->refused &&
	    callout_op_call(&c->op, CALLOUT_EVENT_POST, c->action, state, c->json, NULL) < 0)
		log_device_debug(c->uuid, "Post callout: %s", strempty(c->op.message));
	callout_op_notify(&c->op, c->action, c->refused ? CALLOUT_STATE_NONE : state);
	device_callout_done(c);
}

void device_callout_done(struct device_callout *c)
{
	if (c->started)
		callout_op_done(&c->op);
	free(c->parent);
	free(c->type);
	free(c->json);
	*c = (struct device_callout){};
}

/* "get attributes" in @op: 1 and the list it printed, 0 if no script answered. */
static int op_attributes(struct callout_op *op, struct definition_attr **ret, size_t *ret_n,
			 struct manager_error *e)
{
	_cleanup_(callout_output_done) struct callout_output o = {};
	_cleanup_free_ char *why = NULL;
	struct callout_attr *a = NULL;
	struct definition_attr *v;
	const char *script;
	size_t n = 0;
	int r;

	r = callout_op_call(op, CALLOUT_EVENT_GET, CALLOUT_ACTION_ATTRIBUTES, CALLOUT_STATE_NONE,
			    NULL, &o);
	if (r < 0)
		return manager_error_set(e, MANAGER_ERROR_CALLOUT_REFUSED, r, "%s",
					 op->message ? op->message : strerror(-r));
	if (r == 0)
		return 0;
	r = callout_attrs_parse(strempty(o.out), o.n_out, &a, &n, &why);
	if (r == -ENOMEM)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, r, "Out of memory");
	script = op->owner && strrchr(op->owner, '/') ? strrchr(op->owner, '/') + 1
						      : strempty(op->owner);
	if (r < 0)
		return manager_error_set(e, MANAGER_ERROR_CALLOUT_REFUSED, EINVAL,
					 "Callout script '%s' printed bad attributes for device "
					 "%s: %s",
					 script, op->dev.uuid, strempty(why));
	if (r == 0)
		return 0;
	/* struct callout_attr and struct definition_attr are both (name, value) of owned strings.
	 */
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		callout_attrs_free(a, n);
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	}
	for (size_t i = 0; i < n; i++)
		v[i] = (struct definition_attr){.name = a[i].name, .value = a[i].value};
	free(a);
	*ret = v;
	*ret_n = n;
	return 1;
}

int device_callout_attributes(struct device_callout *c, struct definition_attr **ret, size_t *ret_n,
			      struct manager_error *e)
{
	return op_attributes(&c->op, ret, ret_n, e);
}

int device_callout_get_attributes(struct manager *m, const char *parent, const char *type,
				  const char *uuid, struct definition_attr **ret, size_t *ret_n,
				  struct manager_error *e)
{
	struct callout_cache *cache;
	struct callout_op op;
	char id[UUID_STRING_LEN + 1] = "";
	int r;

	if (callouts_begin(m, &cache) < 0)
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	strncpy(id, uuid, sizeof(id) - 1);
	callout_op_init(&op, cache,
			&(struct callout_device){.parent = parent, .type = type, .uuid = id},
			callout_log, id);
	r = op_attributes(&op, ret, ret_n, e);
	callout_op_done(&op);
	return r;
}

void device_callout_notify(struct manager *m, const char *parent, const char *type,
			   const char *uuid, enum callout_action action, enum callout_state state)
{
	struct callout_cache *cache;
	struct callout_op op;
	char id[UUID_STRING_LEN + 1] = "";

	if (callouts_begin(m, &cache) < 0)
		return;
	strncpy(id, uuid, sizeof(id) - 1);
	callout_op_init(&op, cache,
			&(struct callout_device){.parent = parent, .type = type, .uuid = id},
			callout_log, id);
	callout_op_notify(&op, action, state);
	callout_op_done(&op);
}

int device_callout_live(struct manager *m, const char *parent, const char *type, const char *uuid,
			bool autostart, const struct definition_attr *attrs, size_t n_attrs,
			struct manager_error *e)
{
	struct device_callout c = {.action = CALLOUT_ACTION_MODIFY};
	struct callout_cache *cache;
	const char *script;
	int r;

	memcpy(c.uuid, uuid, sizeof(c.uuid) - 1);
	c.parent = strdup(parent);
	c.type = strdup(type);
	if (!c.parent || !c.type || callouts_begin(m, &cache) < 0 ||
	    config_json(type, autostart, attrs, n_attrs, &c.json) < 0) {
		device_callout_done(&c);
		return manager_error_set(e, MANAGER_ERROR_KERNEL, ENOMEM, "Out of memory");
	}
	callout_op_init(
	    &c.op, cache,
	    &(struct callout_device){.parent = c.parent, .type = c.type, .uuid = c.uuid},
	    callout_log, c.uuid);
	c.started = true;
	script = callout_op_versioned(&c.op);
	if (!script) {
		device_callout_done(&c);
		return manager_error_set(e, MANAGER_ERROR_INVALID_ARGUMENT, EOPNOTSUPP,
					 "Device %s on parent %s: no callout script with version "
					 "support found that supports live modify of type %s",
					 uuid, parent, type);
	}
	r = callout_op_call(&c.op, CALLOUT_EVENT_LIVE, CALLOUT_ACTION_MODIFY, CALLOUT_STATE_NONE,
			    c.json, NULL);
	if (r < 0)
		r = manager_error_set(e, MANAGER_ERROR_CALLOUT_REFUSED, r, "%s",
				      c.op.message ? c.op.message : strerror(-r));
	else
		log_device_info(uuid, "Live-modified device %s on parent %s through callout %s",
				uuid, parent, script);
	/* mdevctl's invoke_modify_live(): the notifiers hear of it, with state "none". */
	callout_op_notify(&c.op, CALLOUT_ACTION_MODIFY, CALLOUT_STATE_NONE);
	device_callout_done(&c);
	return r < 0 ? r : 0;
}
