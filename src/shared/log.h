/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging for programs (never for library code above debug level).
 *
 * Every log_*_errno() returns the negative errno it was given, so a caller can
 * log and fail in one statement:
 *         return log_error_errno(r, "Failed to create '%s': %m", uuid);
 * "%m" prints strerror of that error. Messages go to stderr, or to the journal
 * (with structured fields) when stderr is connected to it or log_open() is told so.
 */
#pragma once

#include <stdarg.h>
#include <syslog.h>

#include "macro.h"

enum log_target {
	LOG_TARGET_AUTO,    /* journal if stderr is the journal (JOURNAL_STREAM), else stderr */
	LOG_TARGET_CONSOLE, /* stderr */
	LOG_TARGET_JOURNAL,
};

void log_open(enum log_target target);
void log_set_max_level(int level);
int log_get_max_level(void);
/* Parse "debug", "info", "notice", "warning", "err" or a number 0..7. */
int log_level_from_string(const char *s);
/* Prefix for console messages, usually program_invocation_short_name. */
void log_set_prefix(const char *prefix);
/*
 * Called just before a message is written to stderr (not to the journal), so
 * a program that keeps a status line on the terminal can clear it first (the
 * CLI's progress line, cli-progress.h). One hook per process; NULL removes it.
 */
void log_set_console_hook(void (*hook)(void *userdata), void *userdata);

/*
 * Log at @level with @error as errno (0: none) and optional structured journal
 * fields (e.g. "MDEV_UUID=..."), given as a NULL-terminated list before the format.
 * Returns -abs(error), or 0 when error is 0.
 */
int log_internal(int level, int error, const char *const *fields, const char *format, ...)
	_printf_(4, 5);
int log_internalv(int level, int error, const char *const *fields, const char *format,
		  va_list ap) _printf_(4, 0);

#define log_full_errno(level, error, ...) log_internal((level), (error), NULL, __VA_ARGS__)
#define log_full(level, ...) ((void)log_internal((level), 0, NULL, __VA_ARGS__))

#define log_debug(...) log_full(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_full(LOG_INFO, __VA_ARGS__)
#define log_notice(...) log_full(LOG_NOTICE, __VA_ARGS__)
#define log_warning(...) log_full(LOG_WARNING, __VA_ARGS__)
#define log_error(...) log_full(LOG_ERR, __VA_ARGS__)

#define log_debug_errno(e, ...) log_full_errno(LOG_DEBUG, (e), __VA_ARGS__)
#define log_info_errno(e, ...) log_full_errno(LOG_INFO, (e), __VA_ARGS__)
#define log_notice_errno(e, ...) log_full_errno(LOG_NOTICE, (e), __VA_ARGS__)
#define log_warning_errno(e, ...) log_full_errno(LOG_WARNING, (e), __VA_ARGS__)
#define log_error_errno(e, ...) log_full_errno(LOG_ERR, (e), __VA_ARGS__)

/*
 * About one device: the journal gets the UUID as the structured field
 * MDEV_UUID=<uuid> (so `journalctl MDEV_UUID=...` shows a device's history);
 * @uuid may be NULL. Returns like log_internal().
 */
#define LOG_FIELD_UUID "MDEV_UUID"
int log_device_internal(int level, int error, const char *uuid, const char *format, ...)
	_printf_(4, 5);

#define log_device_full_errno(level, uuid, error, ...)                                             \
	log_device_internal((level), (error), (uuid), __VA_ARGS__)
#define log_device_full(level, uuid, ...)                                                          \
	((void)log_device_internal((level), 0, (uuid), __VA_ARGS__))
#define log_device_debug(uuid, ...) log_device_full(LOG_DEBUG, (uuid), __VA_ARGS__)
#define log_device_info(uuid, ...) log_device_full(LOG_INFO, (uuid), __VA_ARGS__)
#define log_device_notice(uuid, ...) log_device_full(LOG_NOTICE, (uuid), __VA_ARGS__)
#define log_device_warning(uuid, ...) log_device_full(LOG_WARNING, (uuid), __VA_ARGS__)
#define log_device_error(uuid, ...) log_device_full(LOG_ERR, (uuid), __VA_ARGS__)
#define log_device_warning_errno(uuid, e, ...)                                                     \
	log_device_full_errno(LOG_WARNING, (uuid), (e), __VA_ARGS__)
#define log_device_error_errno(uuid, e, ...)                                                       \
	log_device_full_errno(LOG_ERR, (uuid), (e), __VA_ARGS__)

/* Out of memory: logged once, returns -ENOMEM. */
#define log_oom() log_error_errno(ENOMEM, "Out of memory.")
