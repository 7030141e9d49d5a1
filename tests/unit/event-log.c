/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "event-log.h"

#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void event_log_add(struct event_log *log, const char *fmt, ...)
{
	va_list ap;
	char *line;
	int r;

	if (log->n >= EVENT_LOG_MAX)
		return;
	va_start(ap, fmt);
	r = vasprintf(&line, fmt, ap);
	va_end(ap);
	ck_assert_int_ge(r, 0);
	log->lines[log->n++] = line;
}

void event_log_clear(struct event_log *log)
{
	for (size_t i = 0; i < log->n; i++)
		free(log->lines[i]);
	log->n = 0;
}

bool event_log_has(const struct event_log *log, const char *line)
{
	for (size_t i = 0; i < log->n; i++)
		if (strcmp(log->lines[i], line) == 0)
			return true;
	return false;
}

void event_log_assert_has(const struct event_log *log, const char *line)
{
	ck_assert_msg(event_log_has(log, line), "never saw \"%s\" among %zu events (first: %s)",
		      line, log->n, log->n ? log->lines[0] : "none");
}

void event_log_wait(struct event_log *log, sd_event *event, const char *line)
{
	uint64_t start, now;

	ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &start), 0);
	for (now = start; !event_log_has(log, line) && now - start < EVENT_LOG_DEADLINE_USEC;) {
		ck_assert_int_ge(sd_event_run(event, EVENT_LOG_DEADLINE_USEC), 0);
		ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &now), 0);
	}
	event_log_assert_has(log, line);
}
