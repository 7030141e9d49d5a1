/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service's status line (contract in status-line.h): a manager listener
 * that sends the counts when they moved, at most once per interval, and a
 * oneshot timer that sends the ones that moved meanwhile.
 */
#include <errno.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

#include "clock-util.h"
#include "log.h"
#include "status-line.h"

struct status_line {
	struct manager *manager;
	sd_event *event;
	sd_event_source *timer; /* armed while a line waits for its interval */
	uint64_t interval_usec;
	uint64_t last_usec; /* CLOCK_MONOTONIC of the last line sent */
	size_t defined, running; /* as last sent */
	bool sent_any;
	unsigned long sent;
};

/* Send the counts if they moved since the last line. */
static void send_counts(struct status_line *s)
{
	size_t defined, running;

	manager_counts(s->manager, &defined, &running);
	if (s->sent_any && defined == s->defined && running == s->running)
		return;
	s->defined = defined;
	s->running = running;
	s->sent_any = true;
	s->last_usec = monotonic_usec();
	s->sent++;
	(void)sd_notifyf(false, "STATUS=%zu devices defined, %zu running", defined, running);
}

static int on_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
	(void)src;
	(void)usec;
	send_counts(userdata);
	return 0;
}

static void on_change(struct manager *m, const struct manager_change_event *ev, void *userdata)
{
	struct status_line *s = userdata;
	uint64_t due;
	int r;

	(void)m;
	if (ev->object != MANAGER_OBJECT_DEVICE)
		return;
	due = s->last_usec + s->interval_usec;
	if (!s->sent_any || monotonic_usec() >= due) {
		send_counts(s);
		return;
	}
	if (s->timer) {
		int enabled = SD_EVENT_OFF;

		(void)sd_event_source_get_enabled(s->timer, &enabled);
		if (enabled != SD_EVENT_OFF)
			return; /* it sends the counts as they are then */
		r = sd_event_source_set_time(s->timer, due);
		if (r >= 0)
			r = sd_event_source_set_enabled(s->timer, SD_EVENT_ONESHOT);
	} else {
		/* 10 ms, not sd-event's default of 250: the line is due at the interval. */
		r = sd_event_add_time(s->event, &s->timer, CLOCK_MONOTONIC, due, 10 * 1000, on_timer,
				      s);
		if (r >= 0)
			(void)sd_event_source_set_description(s->timer, "status-line");
	}
	if (r < 0) {
		log_debug_errno(r, "Failed to delay the status line, sending it now: %m");
		send_counts(s);
	}
}

int status_line_new(sd_event *e, struct manager *m, struct status_line **ret)
{
	struct status_line *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->manager = m;
	s->event = sd_event_ref(e);
	s->interval_usec = STATUS_LINE_INTERVAL_USEC;
	r = manager_add_listener(m, on_change, s);
	if (r < 0) {
		sd_event_unref(s->event);
		free(s);
		return r;
	}
	send_counts(s);
	*ret = s;
	return 0;
}

struct status_line *status_line_free(struct status_line *s)
{
	if (!s)
		return NULL;
	manager_remove_listener(s->manager, on_change, s);
	sd_event_source_disable_unref(s->timer);
	sd_event_unref(s->event);
	free(s);
	return NULL;
}

void status_line_set_interval(struct status_line *s, uint64_t usec)
{
	s->interval_usec = usec;
}

unsigned long status_line_sent(const struct status_line *s)
{
	return s->sent;
}
