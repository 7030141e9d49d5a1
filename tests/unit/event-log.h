/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a test's change callback saw, one line per event ("added mvsim/<uuid>"),
 * and the loop runner that waits for a line with sd_event_run() and a
 * deadline, never sleeping.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-event.h>

#define EVENT_LOG_MAX 256
#define EVENT_LOG_DEADLINE_USEC (5 * 1000 * 1000)

struct event_log {
	char *lines[EVENT_LOG_MAX];
	size_t n;
};

/* Record a printf-formatted line; lines past EVENT_LOG_MAX are dropped. */
void event_log_add(struct event_log *log, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void event_log_clear(struct event_log *log);
bool event_log_has(const struct event_log *log, const char *line);
/* Fails the test, listing how much was seen, unless @line was recorded. */
void event_log_assert_has(const struct event_log *log, const char *line);
/* Run @event until @line is recorded or the deadline passes, then assert it. */
void event_log_wait(struct event_log *log, sd_event *event, const char *line);
