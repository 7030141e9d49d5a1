/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Logging backend: one formatting path, two sinks (stderr, journal). The state
 * is process-wide by nature (like stderr itself) and set once at start-up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <systemd/sd-journal.h>

#include "log.h"

static int max_level = LOG_INFO;
static enum log_target target = LOG_TARGET_CONSOLE;
static const char *prefix;
static void (*console_hook)(void *userdata);
static void *console_hook_userdata;

/* JOURNAL_STREAM is "dev:ino" of the stream systemd connected to our stderr. */
static bool stderr_is_journal(void)
{
	const char *e = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2)
		return false;
	if (fstat(STDERR_FILENO, &st) < 0)
		return false;
	return st.st_dev == dev && st.st_ino == ino;
}

void log_open(enum log_target t)
{
	if (t == LOG_TARGET_AUTO)
		t = stderr_is_journal() ? LOG_TARGET_JOURNAL : LOG_TARGET_CONSOLE;
	target = t;
}

void log_set_max_level(int level)
{
	max_level = level;
}

int log_get_max_level(void)
{
	return max_level;
}

void log_set_prefix(const char *p)
{
	prefix = p;
}

void log_set_console_hook(void (*hook)(void *userdata), void *userdata)
{
	console_hook = hook;
	console_hook_userdata = userdata;
}

int log_level_from_string(const char *s)
{
	static const char *const names[] = { "emerg",	"alert", "crit", "err",
					     "warning", "notice", "info", "debug" };
	char *end;
	long l;

	if (isempty(s))
		return -EINVAL;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (streq(s, names[i]))
			return (int)i;
	if (streq(s, "error"))
		return LOG_ERR;
	errno = 0;
	l = strtol(s, &end, 10);
	if (errno || *end || l < 0 || l > LOG_DEBUG)
		return -EINVAL;
	return (int)l;
}

static void log_to_journal(int level, int error, const char *const *fields, const char *msg)
{
	struct iovec iov[16];
	char prio[32], err[32];
	_cleanup_free_ char *m = NULL;
	size_t n = 0;

	if (asprintf(&m, "MESSAGE=%s", msg) < 0)
		return;
	snprintf(prio, sizeof(prio), "PRIORITY=%d", level);
	iov[n++] = (struct iovec){ m, strlen(m) };
	iov[n++] = (struct iovec){ prio, strlen(prio) };
	if (error) {
		snprintf(err, sizeof(err), "ERRNO=%d", error);
		iov[n++] = (struct iovec){ err, strlen(err) };
	}
	for (; fields && *fields && n < ELEMENTSOF(iov); fields++)
		iov[n++] = (struct iovec){ (void *)*fields, strlen(*fields) };
	sd_journal_sendv(iov, (int)n);
}

int log_internalv(int level, int error, const char *const *fields, const char *format, va_list ap)
{
	_cleanup_free_ char *msg = NULL;
	int saved = errno;

	if (error < 0)
		error = -error;
	if (level > max_level)
		goto out;

	errno = error; /* for %m */
	if (vasprintf(&msg, format, ap) < 0)
		goto out;

	if (target == LOG_TARGET_JOURNAL) {
		log_to_journal(level, error, fields, msg);
		goto out;
	}
	if (console_hook)
		console_hook(console_hook_userdata);
	if (prefix)
		fprintf(stderr, "%s: %s\n", prefix, msg);
	else
		fprintf(stderr, "%s\n", msg);
out:
	errno = saved;
	return -error;
}

int log_internal(int level, int error, const char *const *fields, const char *format, ...)
{
	va_list ap;
	int r;

	va_start(ap, format);
	r = log_internalv(level, error, fields, format, ap);
	va_end(ap);
	return r;
}

int log_device_internal(int level, int error, const char *uuid, const char *format, ...)
{
	_cleanup_free_ char *field = NULL;
	const char *fields[2] = {};
	va_list ap;
	int r;

	if (level > max_level)
		return -abs(error);
	if (uuid && asprintf(&field, LOG_FIELD_UUID "=%s", uuid) >= 0)
		fields[0] = field;
	va_start(ap, format);
	r = log_internalv(level, error, fields, format, ap);
	va_end(ap);
	return r;
}
