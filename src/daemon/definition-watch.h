/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inotify watcher behind definition_store_watch(): a leaf that knows the
 * layer directories and hands plain events (what to re-read) to a callback;
 * it never reads a definition itself. The store owns it and frees it with
 * itself.
 */
#pragma once

#include <systemd/sd-event.h>

enum definition_watch_kind {
	DEFINITION_WATCH_FILE, /* <parent>/<name> changed in some layer */
	DEFINITION_WATCH_PARENT, /* the directory <parent> appeared or went in some layer */
	DEFINITION_WATCH_ALL, /* events were (or may have been) lost: re-read everything */
};

struct definition_watch_event {
	enum definition_watch_kind kind;
	const char *parent; /* FILE, PARENT */
	const char *name; /* FILE */
};

/* A negative return (it could not re-read: -ENOMEM) makes the watcher send ALL later. */
typedef int (*definition_watch_fn)(const struct definition_watch_event *ev, void *userdata);

struct definition_watch;

int definition_watch_new(sd_event *e, definition_watch_fn fn, void *userdata,
			 struct definition_watch **ret);
struct definition_watch *definition_watch_free(struct definition_watch *w);
