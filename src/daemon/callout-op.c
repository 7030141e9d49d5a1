/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One operation's callouts (callout.h): who answers for the device (the
 * versioning handshake, cached per (parent, type) while the callout
 * directories hold the same scripts; else the scripts in order, exit 2
 * passing on), the shared time budget, what a refusal says, and the
 * notifiers. Owns the cache; borrows the device's strings.
 */
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "callout.h"
#include "clock-util.h"
#include "utf8.h"

/* How much of a script's stderr a refusal's message carries. */
#define CALLOUT_MESSAGE_STDERR_MAX 1024

struct cache_entry {
	char *parent, *type;
	char *script; /* NULL: no versioned script for this pair */
	struct callout_supports supports;
};

struct callout_cache {
	char *fingerprint; /* what the callout directories held when the entries were made */
	struct cache_entry *entries;
	size_t n_entries;
};

int callout_cache_new(struct callout_cache **ret)
{
	*ret = calloc(1, sizeof(struct callout_cache));
	return *ret ? 0 : -ENOMEM;
}

static void cache_clear(struct callout_cache *c)
{
	for (size_t i = 0; i < c->n_entries; i++) {
		free(c->entries[i].parent);
		free(c->entries[i].type);
		free(c->entries[i].script);
	}
	free(c->entries);
	c->entries = NULL;
	c->n_entries = 0;
}

struct callout_cache *callout_cache_free(struct callout_cache *c)
{
	if (!c)
		return NULL;
	cache_clear(c);
	free(c->fingerprint);
	free(c);
	return NULL;
}

/* Every callout script's name and identity (@scripts), one line each. */
static int scripts_fingerprint(char **scripts, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t size = 0;
	FILE *f;

	if (!scripts[0]) {
		/* No script at all, the usual case: no stream for nothing. */
		*ret = strdup("");
		return *ret ? 0 : -ENOMEM;
	}
	f = open_memstream(&buf, &size);
	if (!f)
		return -ENOMEM;
	for (char **s = scripts; *s; s++) {
		struct stat st;

		if (stat(*s, &st) < 0)
			st = (struct stat){};
		fprintf(f, "%s %ju:%ju %jo %jd %jd.%09ld %jd.%09ld\n", *s, (uintmax_t)st.st_dev,
			(uintmax_t)st.st_ino, (uintmax_t)st.st_mode, (intmax_t)st.st_size,
			(intmax_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
			(intmax_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
	}
	if (fclose(f) != 0)
		return -ENOMEM;
	*ret = TAKE_PTR(buf);
	return 0;
}

/* Forget every entry if the scripts are not the ones they were made from. */
static int cache_validate(struct callout_cache *c, char **scripts)
{
	char *now = NULL;
	int r;

	r = scripts_fingerprint(scripts, &now);
	if (r < 0)
		return r;
	if (c->fingerprint && streq(c->fingerprint, now)) {
		free(now);
		return 0;
	}
	cache_clear(c);
	free(c->fingerprint);
	c->fingerprint = now;
	return 1;
}

static struct cache_entry *cache_find(struct callout_cache *c, const char *parent, const char *type)
{
	for (size_t i = 0; i < c->n_entries; i++)
		if (streq(c->entries[i].parent, parent) && streq(c->entries[i].type, type))
			return &c->entries[i];
	return NULL;
}

static int cache_add(struct callout_cache *c, const char *parent, const char *type,
		     const char *script, const struct callout_supports *sup)
{
	struct cache_entry *grown, *e;

	grown = realloc(c->entries, (c->n_entries + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	c->entries = grown;
	e = &grown[c->n_entries];
	*e = (struct cache_entry){.supports = *sup};
	e->parent = strdup(parent);
	e->type = strdup(type);
	e->script = script ? strdup(script) : NULL;
	if (!e->parent || !e->type || (script && !e->script)) {
		free(e->parent);
		free(e->type);
		free(e->script);
		return -ENOMEM;
	}
	c->n_entries++;
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

void callout_op_init(struct callout_op *op, struct callout_cache *cache,
		     const struct callout_device *dev, callout_log_fn log, void *userdata)
{
	*op = (struct callout_op){.cache = cache,
				  .dev = *dev,
				  .log = log,
				  .userdata = userdata,
				  .deadline = monotonic_usec() + CALLOUT_OPERATION_USEC};
}

void callout_op_done(struct callout_op *op)
{
	if (!op)
		return;
	free(op->owner);
	free(op->message);
	op->owner = op->message = NULL;
	op->callouts = strv_free(op->callouts);
	op->notifiers = strv_free(op->notifiers);
}

/*
 * The scripts of @kind's directories in order (borrowed from @op), listed
 * once per operation: a directory read is a round trip on a network or 9p
 * root, and mdevctl too sees one listing per command.
 */
static int op_scripts(struct callout_op *op, enum callout_kind kind, char ***ret)
{
	char ***slot = kind == CALLOUT_KIND_NOTIFIER ? &op->notifiers : &op->callouts;
	_cleanup_strv_free_ char **dirs = NULL, **all = NULL;
	size_t n = 0;
	int r;

	if (*slot) {
		*ret = *slot;
		return 0;
	}
	r = callout_dirs(kind, &dirs);
	if (r < 0)
		return r;
	all = calloc(1, sizeof(char *));
	if (!all)
		return -ENOMEM;
	for (char **d = dirs; *d; d++) {
		_cleanup_strv_free_ char **scripts = NULL;
		size_t k = 0;
		char **grown;

		r = callout_dir_scripts(*d, &scripts, NULL);
		if (r == -ENOMEM)
			return r;
		if (r < 0)
			continue; /* unreadable: as if empty, as before */
		while (scripts[k])
			k++;
		grown = realloc(all, (n + k + 1) * sizeof(char *));
		if (!grown)
			return -ENOMEM;
		all = grown;
		memcpy(all + n, scripts, k * sizeof(char *));
		n += k;
		all[n] = NULL;
		scripts[0] = NULL; /* moved */
	}
	*ret = *slot = TAKE_PTR(all);
	return 0;
}

static void op_log(struct callout_op *op, int level, const char *script, const char *format, ...)
    _printf_(4, 5);
static void op_log(struct callout_op *op, int level, const char *script, const char *format, ...)
{
	_cleanup_free_ char *msg = NULL;
	va_list ap;

	if (!op->log)
		return;
	va_start(ap, format);
	if (vasprintf(&msg, format, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (msg)
		op->log(op->userdata, level, script, msg);
}

/* Printable for a log line or a D-Bus message: control bytes and broken UTF-8 become '?'. */
static void sanitize(char *s)
{
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 && *p != '\n' && *p != '\t')
			*p = '?';
	if (!utf8_is_valid(s))
		for (char *p = s; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
}

/* What the script printed on stderr goes to the journal, a line at a time, with its name. */
static void op_log_stderr(struct callout_op *op, const char *script, struct callout_output *o,
			  int level)
{
	char *line, *next;

	if (!o->err || o->n_err == 0)
		return;
	sanitize(o->err);
	for (line = o->err; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (*line)
			op_log(op, level, base_name(script), "%s", line);
		if (next)
			next[-1] = '\n'; /* kept whole for a refusal's message */
	}
	if (o->err_truncated)
		op_log(op, level, base_name(script), "(stderr cut at %d bytes)",
		       CALLOUT_STDERR_MAX);
}

static int op_fail(struct callout_op *op, int r, const char *format, ...) _printf_(3, 4);
static int op_fail(struct callout_op *op, int r, const char *format, ...)
{
	va_list ap;

	free(op->message);
	va_start(ap, format);
	if (vasprintf(&op->message, format, ap) < 0)
		op->message = NULL;
	va_end(ap);
	return r;
}

/* Run @script for @event/@action. 0 ran (*@o filled), -ETIME no time left, <0 not started. */
static int op_exec(struct callout_op *op, const char *script, enum callout_event event,
		   enum callout_action action, enum callout_state state, const char *input,
		   struct callout_output *o)
{
	_cleanup_strv_free_ char **argv = NULL;
	uint64_t now = monotonic_usec(), timeout;
	int r;

	if (now >= op->deadline)
		return -ETIME;
	timeout = op->deadline - now;
	if (timeout > CALLOUT_TIMEOUT_USEC)
		timeout = CALLOUT_TIMEOUT_USEC;
	r = callout_argv(script, &op->dev, event, action, state, &argv);
	if (r < 0)
		return r;
	r = callout_exec(argv, input, timeout, o);
	if (r < 0) {
		op_log(op, LOG_DEBUG, NULL, "Cannot execute callout script %s: %s", script,
		       strerror(-r));
		return r == -ETIME ? -EIO : r;
	}
	op_log_stderr(op, script, o, o->status == 0 || o->status == 2 ? LOG_NOTICE : LOG_WARNING);
	if (o->timed_out)
		op_log(op, LOG_WARNING, base_name(script),
		       "Killed after %" PRIu64 " ms (%s %s of device %s): callouts may run at "
		       "most %" PRIu64 " s each, %" PRIu64 " s per operation",
		       timeout / 1000, callout_event_to_string(event),
		       callout_action_to_string(action), op->dev.uuid,
		       CALLOUT_TIMEOUT_USEC / CALLOUT_USEC_PER_SEC,
		       CALLOUT_OPERATION_USEC / CALLOUT_USEC_PER_SEC);
	else if (o->status < 0)
		op_log(op, LOG_WARNING, base_name(script), "Terminated by signal %s",
		       strsignal(o->signal));
	return 0;
}

/* The handshake over every callout script; the first versioned answer owns the pair. */
static int op_handshake(struct callout_op *op, char **ret_script, struct callout_supports *ret)
{
	bool incomplete = false;
	char **scripts;
	int r;

	r = op_scripts(op, CALLOUT_KIND_CALLOUT, &scripts);
	if (r < 0)
		return r;
	for (char **s = scripts; *s; s++) {
		_cleanup_(callout_output_done) struct callout_output o = {};
		struct callout_supports sup;

		r = op_exec(op, *s, CALLOUT_EVENT_GET, CALLOUT_ACTION_CAPABILITIES,
			    CALLOUT_STATE_NONE, callout_provides_json(), &o);
		if (r == -ENOMEM)
			return r;
		/* Out of time: not cached, asked again next time. What cannot be
		 * executed stays so until the directory changes. */
		if (r == -ETIME || (r >= 0 && o.timed_out))
			incomplete = true;
		if (r < 0 || o.timed_out)
			continue;
		if (o.status < 0 || o.status == 2 ||
		    callout_supports_parse(strempty(o.out), o.n_out, &sup) < 0)
			continue;
		if (sup.unknown_actions || sup.unknown_events)
			op_log(op, LOG_WARNING, base_name(*s),
			       "Declares %s this daemon does not know, ignored",
			       sup.unknown_actions ? "actions" : "events");
		if (!(*ret_script = strdup(*s)))
			return -ENOMEM;
		*ret = sup;
		return 1;
	}
	return incomplete ? -EAGAIN : 0;
}

static void op_lookup(struct callout_op *op)
{
	struct callout_supports sup = {};
	struct cache_entry *e;
	char *script = NULL;
	char **scripts;
	int r;

	op->looked_up = true;
	if (op_scripts(op, CALLOUT_KIND_CALLOUT, &scripts) < 0 ||
	    cache_validate(op->cache, scripts) < 0)
		return;
	e = cache_find(op->cache, op->dev.parent, op->dev.type);
	if (e) {
		if (e->script && !(op->owner = strdup(e->script)))
			return;
		op->versioned = !!e->script;
		op->supports = e->supports;
		return;
	}
	r = op_handshake(op, &script, &sup);
	if (r < 0 && r != -EAGAIN)
		return;
	if (r != -EAGAIN)
		(void)cache_add(op->cache, op->dev.parent, op->dev.type, script, &sup);
	if (r > 0) {
		op_log(op, LOG_DEBUG, base_name(script),
		       "Versioned callout (version %u) for type %s on parent %s", sup.version,
		       op->dev.type, op->dev.parent);
		op->owner = script;
		op->versioned = true;
		op->supports = sup;
	}
}

const char *callout_op_versioned(struct callout_op *op)
{
	if (!op->looked_up)
		op_lookup(op);
	return op->versioned ? op->owner : NULL;
}

/*
 * What a script said, for a one-line message: its stderr (already made
 * printable) with lines joined by "; ", cut at CALLOUT_MESSAGE_STDERR_MAX.
 */
static void stderr_summary(const struct callout_output *o, char *buf, size_t size)
{
	size_t n = o->n_err, k = 0;

	while (n > 0 && (o->err[n - 1] == '\n' || o->err[n - 1] == ' '))
		n--;
	for (size_t i = 0; i < n && k + 5 < size; i++) {
		if (o->err[i] != '\n') {
			buf[k++] = o->err[i];
		} else if (k > 0 && buf[k - 1] != ' ') {
			buf[k++] = ';';
			buf[k++] = ' ';
		}
	}
	if (k + 5 >= size)
		memcpy(buf + k, "...", 3), k += 3;
	buf[k] = '\0';
}

/* The refusal's message: which script, what for, how it ended, what it said. */
static int op_refused(struct callout_op *op, const char *script, enum callout_event event,
		      enum callout_action action, const struct callout_output *o)
{
	char said[CALLOUT_MESSAGE_STDERR_MAX + 1];

	stderr_summary(o, said, sizeof(said));
	if (o->timed_out)
		return op_fail(op, -ETIME,
			       "Callout script '%s' did not answer %s %s of device %s on parent %s "
			       "in time and was killed%s%s",
			       base_name(script), callout_event_to_string(event),
			       callout_action_to_string(action), op->dev.uuid, op->dev.parent,
			       *said ? ": " : "", said);
	return op_fail(
	    op, -ECANCELED,
	    "Callout script '%s' refused %s %s of device %s on parent %s (status %d)%s%s",
	    base_name(script), callout_event_to_string(event), callout_action_to_string(action),
	    op->dev.uuid, op->dev.parent, o->status, *said ? ": " : "", said);
}

static int op_out_of_time(struct callout_op *op, const char *script, enum callout_event event,
			  enum callout_action action)
{
	return op_fail(op, -ETIME,
		       "No time left to run callout script '%s' for %s %s of device %s: the "
		       "callouts of one operation may run %" PRIu64 " s together",
		       base_name(script), callout_event_to_string(event),
		       callout_action_to_string(action), op->dev.uuid,
		       CALLOUT_OPERATION_USEC / CALLOUT_USEC_PER_SEC);
}

static void output_give(struct callout_output *o, struct callout_output *ret)
{
	if (ret) {
		callout_output_done(ret);
		*ret = *o;
		*o = (struct callout_output){};
	}
}

/* The script that owns the device in this operation answers (or cannot). */
static int op_call_owner(struct callout_op *op, enum callout_event event,
			 enum callout_action action, enum callout_state state, const char *input,
			 struct callout_output *ret)
{
	_cleanup_(callout_output_done) struct callout_output o = {};
	int r;

	if (op->versioned &&
	    (!(op->supports.events & (1u << event)) || !(op->supports.actions & (1u << action))))
		return op_fail(op, -ECANCELED,
			       "Callout script '%s' does not support %s '%s' (device %s on "
			       "parent %s)",
			       base_name(op->owner),
			       !(op->supports.actions & (1u << action)) ? "action" : "event",
			       !(op->supports.actions & (1u << action))
				   ? callout_action_to_string(action)
				   : callout_event_to_string(event),
			       op->dev.uuid, op->dev.parent);
	r = op_exec(op, op->owner, event, action, state, input, &o);
	if (r == -ETIME)
		return op_out_of_time(op, op->owner, event, action);
	if (r < 0)
		return op_fail(op, r == -ENOMEM ? r : -ECANCELED,
			       "Failed to execute callout script '%s': %s", base_name(op->owner),
			       strerror(-r));
	/* As mdevctl: an owner killed by a signal (not by us) has not refused. */
	if (o.timed_out || o.status > 0)
		return op_refused(op, op->owner, event, action, &o);
	output_give(&o, ret);
	return 1;
}

int callout_op_call(struct callout_op *op, enum callout_event event, enum callout_action action,
		    enum callout_state state, const char *input, struct callout_output *ret)
{
	char **scripts;
	int r;

	if (!op->looked_up)
		op_lookup(op);
	if (op->owner)
		return op_call_owner(op, event, action, state, input, ret);
	r = op_scripts(op, CALLOUT_KIND_CALLOUT, &scripts);
	if (r < 0)
		return op_fail(op, r, "Out of memory");
	for (char **s = scripts; *s; s++) {
		_cleanup_(callout_output_done) struct callout_output o = {};

		r = op_exec(op, *s, event, action, state, input, &o);
		if (r == -ETIME)
			return op_out_of_time(op, *s, event, action);
		if (r == -ENOMEM)
			return op_fail(op, r, "Out of memory");
		if (r < 0 || (o.status < 0 && !o.timed_out) || o.status == 2)
			continue; /* not executable, killed, or not its type: the next */
		if (o.timed_out)
			return op_refused(op, *s, event, action, &o);
		if (!(op->owner = strdup(*s)))
			return op_fail(op, -ENOMEM, "Out of memory");
		if (o.status != 0)
			return op_refused(op, *s, event, action, &o);
		output_give(&o, ret);
		return 1;
	}
	return 0;
}

void callout_op_notify(struct callout_op *op, enum callout_action action, enum callout_state state)
{
	char **scripts;

	if (op_scripts(op, CALLOUT_KIND_NOTIFIER, &scripts) < 0)
		return;
	for (char **s = scripts; *s; s++) {
		_cleanup_(callout_output_done) struct callout_output o = {};

		if (op_exec(op, *s, CALLOUT_EVENT_NOTIFY, action, state, NULL, &o) == -ETIME) {
			op_log(op, LOG_WARNING, base_name(*s),
			       "Not run for %s of device %s: no time left of the "
			       "operation's %" PRIu64 " s",
			       callout_action_to_string(action), op->dev.uuid,
			       CALLOUT_OPERATION_USEC / CALLOUT_USEC_PER_SEC);
			return;
		}
	}
}
