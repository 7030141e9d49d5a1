/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A progress line for long verbs (import, start-parent-mdevs), as apt and
 * systemd-tmpfiles draw one: "Importing definitions: 1234/10000 (12%)", one
 * line rewritten with "\r" and erased at the end.
 *
 * It is drawn only when the verb's output stream is a terminal (and TERM is
 * not "dumb"); anywhere else every function here is plain output or a no-op,
 * so what a pipe, a file or a test sees is byte for byte what it saw before.
 * On a terminal:
 * - updates are drawn at most every CLI_PROGRESS_INTERVAL_USEC (by
 *   CLOCK_MONOTONIC), plus the first and the last (done == total), so
 *   10,000 items cost about ten writes a second, not 10,000;
 * - a line of the verb's own output (cli_progress_printf) erases the progress
 *   line, is printed, and the progress line is drawn again under it, all in
 *   one write(2);
 * - a log message (stderr, log.h) erases the progress line first (through
 *   log_set_console_hook), so errors and warnings stand on their own lines;
 *   the next update draws it again;
 * - the line is cut to the terminal's width, so it never wraps;
 * - SIGINT, SIGTERM or SIGHUP while it is active erase the line, then the
 *   signal is raised again under its previous disposition (the process dies
 *   of it as before, status 128 + signal); an ignored signal stays ignored.
 *
 * One reporter at a time per process (the log hook is process-wide): a
 * second cli_progress_begin() while one is active gives a disabled reporter.
 * Progress is decoration: no function here fails; out of memory or a failed
 * write just stops drawing.
 */
#pragma once

#include <stdint.h>
#include <stdio.h>

#include "macro.h"

#define CLI_PROGRESS_INTERVAL_USEC 100000ULL /* at most 10 updates a second */
#define CLI_PROGRESS_COLUMNS_DEFAULT 80 /* when the terminal does not say */

struct cli_progress {
	FILE *out;
	bool on; /* drawing (false in a zeroed struct: a disabled reporter) */
	int fd; /* out's descriptor */
	char *label;
	unsigned done, total;
	bool shown; /* the line is on the terminal now */
	uint64_t drawn_usec; /* when it was last drawn */
};

/*
 * Start reporting @total items on @out, labelled with @format ("Importing
 * definitions"; a control character in it shows as '?'). Draws "LABEL:
 * 0/TOTAL (0%)" at once on a terminal. A @total of 0 reports nothing. The
 * other functions are for after it (a zeroed struct may be ended, nothing
 * else).
 */
void cli_progress_begin(struct cli_progress *p, FILE *out, unsigned total, const char *format, ...)
    _printf_(4, 5);
/* @done items are finished; drawn if the last draw is old enough or @done is the total. */
void cli_progress_update(struct cli_progress *p, unsigned done);
/* A line of the verb's output on p->out (ending in "\n"), printed above the progress line. */
void cli_progress_printf(struct cli_progress *p, const char *format, ...) _printf_(2, 3);
/* Erase the line and stop; the reporter is disabled after it. Idempotent (a cleanup function). */
void cli_progress_end(struct cli_progress *p);

/*
 * The text of the line, without control characters: "LABEL: DONE/TOTAL
 * (PCT%)", the percentage rounded down (100 only when done), cut to
 * @columns - 1 bytes (the last column stays free, so no terminal wraps).
 * Returns the length written to @buf (NUL-terminated; @size >= 1).
 */
size_t cli_progress_format(char *buf, size_t size, const char *label, unsigned done, unsigned total,
			   unsigned columns);
/* Whether an update at @now is drawn, the last draw being at @drawn (µs). */
bool cli_progress_due(uint64_t drawn, uint64_t now, unsigned done, unsigned total);

/* Test seam: the clock updates are timed by (µs); NULL restores CLOCK_MONOTONIC. */
void cli_progress_set_clock(uint64_t (*now_usec)(void));
