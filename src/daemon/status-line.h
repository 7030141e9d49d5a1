/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The service's status line: "STATUS=<N> devices defined, <M> running" to
 * the service manager (sd_notify), what `systemctl status mdevvirtiod`
 * shows. A listener of the manager: after a batch of device changes the
 * counts are compared with the last ones sent and sent if they moved.
 *
 * PID 1 turns every STATUS= into a PropertiesChanged of the unit on the
 * system bus; a hundred auto devices starting one a round would cost it a
 * hundred of those while udev and the daemon need the CPU. So the line goes
 * out at once when it has been quiet for STATUS_LINE_INTERVAL_USEC, and
 * otherwise once that interval after the last one, with the counts as they
 * are then: at most one line per interval, the last counts always sent.
 *
 * Ownership: the status line is a listener of @m and must be freed before
 * it; its timer is a source of @e.
 */
#pragma once

#include <stdint.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "manager.h"

#define STATUS_LINE_INTERVAL_USEC (500 * UINT64_C(1000))

struct status_line;

/* Listen to @m on @e and send the first line now. -ENOMEM or 0. */
int status_line_new(sd_event *e, struct manager *m, struct status_line **ret);
struct status_line *status_line_free(struct status_line *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct status_line *, status_line_free)
#define _cleanup_status_line_free_ _cleanup_(status_line_freep)

/* Another interval than STATUS_LINE_INTERVAL_USEC (tests under valgrind). */
void status_line_set_interval(struct status_line *s, uint64_t usec);
/* How many lines were sent (tests, the debug log). */
unsigned long status_line_sent(const struct status_line *s);
