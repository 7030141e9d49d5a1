/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevctl's callout and notifier scripts, run unmodified: a leaf that knows
 * the scripts' protocol and nothing of the manager.
 *
 * Where: callouts from <root>/usr/lib/mdevctl/scripts.d/callouts, then
 * <root>/etc/mdevctl.d/scripts.d/callouts; notifiers from the matching
 * notifiers/ directories (mdevctl's order, callout_dirs()). Within a
 * directory, scripts are tried sorted by name (bytewise, as mdevctl sorts).
 *
 * How: <script> -t <type> -e <event> -a <action> -s <state> -u <uuid>
 * -p <parent>, the device's compact mdevctl JSON on stdin (notifiers and
 * "get attributes" get an empty stdin), in its own process group, with
 * working directory "/", the daemon's environment minus systemd's
 * notification variables, no other file descriptors, default signals.
 * stdout is kept up to CALLOUT_STDOUT_MAX bytes, stderr up to
 * CALLOUT_STDERR_MAX (the rest is read and dropped so a chatty script never
 * blocks). A script still running after its bound is killed with its whole
 * process group (SIGKILL) and counts as having failed.
 *
 * Who answers (struct callout_op, one per operation, as one mdevctl
 * process): first the versioning handshake (-e get -a capabilities with
 * {"provides":...} on stdin); the first script that answers it with a
 * {"supports":...} object and an exit status other than 2 owns the device's
 * (parent, type) and is the only one asked; its declared events and actions
 * bound what it is asked. Without one, each call asks the scripts in order:
 * exit 2 means "not my type, ask the next", a script killed by a signal or
 * that cannot be executed is skipped, and the first other answer is final
 * (0 accepts, anything else refuses). A script that answered once owns the
 * rest of that operation (post goes to the script that answered pre).
 * Notifiers are all run, their status ignored.
 *
 * Time: one script may run CALLOUT_TIMEOUT_USEC; all the scripts of one
 * operation (handshake, pre, get, live, post, notifiers) share
 * CALLOUT_OPERATION_USEC, after which the rest are not started. The daemon's
 * event loop waits for them (operations are synchronous), so these bounds
 * are what one operation can add to a D-Bus call, below sd-bus's default
 * 25 s method timeout.
 *
 * Cache: the handshake's outcome per (parent, type), including "no versioned
 * script", lives as long as the callout directories hold the same scripts:
 * every operation lists them and compares name, inode, size, mode and
 * modification time with what the cache was filled from, and forgets
 * everything on any difference (a script edited, replaced or added).
 *
 * Logging: the leaf never logs; what scripts print on stderr and what the
 * leaf noticed reach the caller's callout_log_fn.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "macro.h"

#define CALLOUT_USEC_PER_SEC UINT64_C(1000000)
/* The most one script may run before it and its process group are killed. */
#define CALLOUT_TIMEOUT_USEC (10 * CALLOUT_USEC_PER_SEC)
/* The most all scripts of one operation may run together. */
#define CALLOUT_OPERATION_USEC (20 * CALLOUT_USEC_PER_SEC)
/* What is kept of a script's stdout (get attributes, capabilities). */
#define CALLOUT_STDOUT_MAX (64 * 1024)
/* What is kept of a script's stderr (the journal, a refusal's message). */
#define CALLOUT_STDERR_MAX 4096
/* Scripts looked at per directory; more are ignored (and reported). */
#define CALLOUT_SCRIPTS_MAX 256

enum callout_event {
	CALLOUT_EVENT_PRE,
	CALLOUT_EVENT_POST,
	CALLOUT_EVENT_GET,
	CALLOUT_EVENT_LIVE,
	CALLOUT_EVENT_NOTIFY,
	_CALLOUT_EVENT_MAX,
};

enum callout_action {
	CALLOUT_ACTION_START,
	CALLOUT_ACTION_STOP,
	CALLOUT_ACTION_DEFINE,
	CALLOUT_ACTION_UNDEFINE,
	CALLOUT_ACTION_MODIFY,
	CALLOUT_ACTION_ATTRIBUTES,
	CALLOUT_ACTION_CAPABILITIES,
	_CALLOUT_ACTION_MAX,
};

enum callout_state {
	CALLOUT_STATE_NONE,
	CALLOUT_STATE_SUCCESS,
	CALLOUT_STATE_FAILURE,
	_CALLOUT_STATE_MAX,
};

/* mdevctl's words: "pre", "start", "success", ...; NULL out of range. */
const char *callout_event_to_string(enum callout_event e);
const char *callout_action_to_string(enum callout_action a);
const char *callout_state_to_string(enum callout_state s);

enum callout_kind {
	CALLOUT_KIND_CALLOUT,
	CALLOUT_KIND_NOTIFIER,
};

/* The directories of @kind under the root, in mdevctl's order (a strv). */
int callout_dirs(enum callout_kind kind, char ***ret);
/* The entries of @dir (full paths), sorted by name; an empty strv if @dir is
 * missing. At most CALLOUT_SCRIPTS_MAX; *@ret_dropped (may be NULL) counts the rest. */
int callout_dir_scripts(const char *dir, char ***ret, size_t *ret_dropped);

/* The device a script is told about. */
struct callout_device {
	const char *parent;
	const char *type;
	const char *uuid;
};

/* The argv of one call: @script and mdevctl's twelve arguments (a strv). */
int callout_argv(const char *script, const struct callout_device *dev, enum callout_event event,
		 enum callout_action action, enum callout_state state, char ***ret);

/* A (name, value) pair of a device's configuration. */
struct callout_attr {
	char *name;
	char *value;
};
void callout_attrs_free(struct callout_attr *a, size_t n);

/*
 * The compact JSON mdevctl gives pre, post and live on stdin:
 * {"mdev_type":"T","start":"auto|manual","attrs":[{"name":"value"},...]}.
 */
int callout_config_json(const char *type, bool autostart, const struct callout_attr *attrs,
			size_t n_attrs, char **ret);

/*
 * What "get attributes" printed, as mdevctl reads it: trailing NULs dropped;
 * empty or null means none (*@ret_n 0, returns 0); "[{}]" means an empty list;
 * otherwise an array of one-key objects with string values (returns 1).
 * -EINVAL with *@ret_error naming what is wrong.
 */
int callout_attrs_parse(const char *text, size_t size, struct callout_attr **ret, size_t *ret_n,
			char **ret_error);

/* What a script may be asked, from its handshake answer. */
struct callout_supports {
	unsigned version;
	unsigned events; /* 1u << enum callout_event */
	unsigned actions; /* 1u << enum callout_action */
	bool unknown_events, unknown_actions; /* names this daemon does not know */
};
/* The handshake's stdin: {"provides":{"version":2,"actions":[...],"events":[...]}}. */
const char *callout_provides_json(void);
/* Parse a {"supports":{"version":N,"actions":[..],"events":[..]}} answer. */
int callout_supports_parse(const char *text, size_t size, struct callout_supports *ret);

/* How one script run ended. */
struct callout_output {
	int status; /* exit status; -1 if it was killed by a signal (or timed out) */
	int signal; /* the signal that ended it, 0 if it exited */
	bool timed_out;
	char *out; /* stdout, NUL-terminated, at most CALLOUT_STDOUT_MAX bytes */
	size_t n_out;
	char *err; /* stderr likewise, at most CALLOUT_STDERR_MAX bytes */
	size_t n_err;
	bool err_truncated;
};
void callout_output_done(struct callout_output *o);

/*
 * Run @argv (argv[0] is the script), @input on stdin (NULL: empty), for at
 * most @timeout_usec. 0 when it ran (however it ended, see *@ret); a
 * negative errno if it could not be started (ENOENT, EACCES, ENOEXEC, ...).
 */
int callout_exec(char *const *argv, const char *input, uint64_t timeout_usec,
		 struct callout_output *ret);

struct callout_cache;
int callout_cache_new(struct callout_cache **ret);
struct callout_cache *callout_cache_free(struct callout_cache *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct callout_cache *, callout_cache_free)

/* @level is a syslog level; @script the script's file name, NULL for the leaf itself. */
typedef void (*callout_log_fn)(void *userdata, int level, const char *script, const char *message);

/* One operation's calls (see the top of this file). */
struct callout_op {
	struct callout_cache *cache;
	struct callout_device dev;
	callout_log_fn log;
	void *userdata;
	uint64_t deadline; /* CLOCK_MONOTONIC, usec */
	bool looked_up; /* the handshake has been tried */
	char *owner; /* the script that answers for the device in this operation */
	bool versioned; /* ... found by the handshake: supports applies */
	struct callout_supports supports;
	char *message; /* why the last call failed, for the caller */
	/* The scripts of the callout and notifier directories, in order, listed on
	 * first use: once per operation, however many calls it makes (NULL: not yet). */
	char **callouts, **notifiers;
};

/* Start an operation on @dev (the strings are borrowed for its lifetime). */
void callout_op_init(struct callout_op *op, struct callout_cache *cache,
		     const struct callout_device *dev, callout_log_fn log, void *userdata);
void callout_op_done(struct callout_op *op);

/*
 * Ask the owner (or the scripts in order) @event/@action with @state and
 * @input on stdin. Returns 0 if no script handles the device, 1 if one
 * accepted (its output in *@ret, which may be NULL), or: -ECANCELED it
 * refused (exit status not 0 or 2, or a versioned script that does not
 * support @event/@action), -ETIME it ran out of time (its own bound or the
 * operation's); op->message then says which script and why, with its stderr.
 */
int callout_op_call(struct callout_op *op, enum callout_event event, enum callout_action action,
		    enum callout_state state, const char *input, struct callout_output *ret);

/* The versioned script for the device, found by the handshake (cached); NULL if none. */
const char *callout_op_versioned(struct callout_op *op);

/* Run every notifier with -e notify -a @action -s @state, empty stdin. */
void callout_op_notify(struct callout_op *op, enum callout_action action, enum callout_state state);
