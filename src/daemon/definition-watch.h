/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The inotify watcher behind definition_store_watch(). Internal to the store,
 * which owns the watcher and frees it with itself.
 */
#pragma once

#include <systemd/sd-event.h>

#include "definition-store.h"

struct definition_watch;

int definition_watch_new(struct definition_store *s, sd_event *e, definition_change_fn fn,
			 void *userdata, struct definition_watch **ret);
struct definition_watch *definition_watch_free(struct definition_watch *w);
