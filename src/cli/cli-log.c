/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MDEVCTL_LOG parsing and the mapping of its levels onto log.h's: error and
 * off keep LOG_ERR (fatal errors always show), warn LOG_WARNING, info
 * LOG_INFO, debug and trace LOG_DEBUG (trace is a flag the backend logger
 * reads). Process-wide state, like the log level it sets.
 */
#include <ctype.h>
#include <strings.h>

#include "cli-log.h"
#include "log.h"

static enum cli_log_level current = CLI_LOG_WARN;

static int level_from_name(const char *s, size_t n, enum cli_log_level *ret)
{
	static const char *const names[] = {
	    [CLI_LOG_OFF] = "off",   [CLI_LOG_ERROR] = "error", [CLI_LOG_WARN] = "warn",
	    [CLI_LOG_INFO] = "info", [CLI_LOG_DEBUG] = "debug", [CLI_LOG_TRACE] = "trace",
	};

	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], s, n) == 0) {
			*ret = (enum cli_log_level)i;
			return 0;
		}
	return -EINVAL;
}

/* "mdevctl", "mdevvirtioctl", or one of their submodules ("mdevctl::callouts"). */
static bool module_is_ours(const char *s, size_t n)
{
	static const char *const ours[] = {"mdevctl", "mdevvirtioctl"};

	for (size_t i = 0; i < ELEMENTSOF(ours); i++) {
		size_t k = strlen(ours[i]);

		if (n >= k && strncmp(s, ours[i], k) == 0 &&
		    (n == k || (n > k + 1 && s[k] == ':' && s[k + 1] == ':')))
			return true;
	}
	return false;
}

/*
 * One directive of @n bytes at @s, as env_logger reads it: "LEVEL", "MODULE"
 * (all of its messages), "MODULE=" (the same) or "MODULE=LEVEL"; an empty
 * MODULE matches everything. Sets *default_level or *our_level (-1: not set
 * yet); -EINVAL if the level is not one or there is more than one '='.
 */
static int directive_apply(const char *s, size_t n, int *default_level, int *our_level)
{
	const char *eq = memchr(s, '=', n);
	enum cli_log_level l = CLI_LOG_TRACE;
	size_t name_len = eq ? (size_t)(eq - s) : n;

	if (!eq && level_from_name(s, n, &l) >= 0) {
		*default_level = l;
		return 0;
	}
	if (eq) {
		const char *level = eq + 1;
		size_t k = n - (level - s);

		if (memchr(level, '=', k) || (k > 0 && level_from_name(level, k, &l) < 0))
			return -EINVAL;
	}
	if (name_len == 0)
		*default_level = l;
	else if (module_is_ours(s, name_len))
		*our_level = l;
	return 0;
}

int cli_log_parse(const char *spec, enum cli_log_level *ret, char **ret_bad)
{
	int default_level = -1, our_level = -1;
	const char *p, *end;

	*ret_bad = NULL;
	*ret = CLI_LOG_WARN;
	if (isempty(spec))
		return 0;
	if (strnlen(spec, CLI_LOG_SPEC_MAX + 1) > CLI_LOG_SPEC_MAX) {
		*ret_bad = strdup("(longer than 1024 characters)");
		return *ret_bad ? 0 : -ENOMEM;
	}
	/* env_logger: "directives[/filter]"; the regex filter is not ours to apply. */
	end = strchrnul(spec, '/');
	for (p = spec; p < end;) {
		const char *comma = memchr(p, ',', end - p);
		size_t n = (comma ? comma : end) - p;

		while (n > 0 && isspace((unsigned char)*p))
			p++, n--;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		if (n > 0 && directive_apply(p, n, &default_level, &our_level) < 0 && !*ret_bad) {
			*ret_bad = strndup(p, n);
			if (!*ret_bad)
				return -ENOMEM;
		}
		p = comma ? comma + 1 : end;
	}
	if (our_level >= 0)
		*ret = (enum cli_log_level)our_level;
	else if (default_level >= 0)
		*ret = (enum cli_log_level)default_level;
	return 0;
}

static int syslog_level(enum cli_log_level l)
{
	switch (l) {
	case CLI_LOG_OFF:
	case CLI_LOG_ERROR:
		return LOG_ERR;
	case CLI_LOG_WARN:
		return LOG_WARNING;
	case CLI_LOG_INFO:
		return LOG_INFO;
	case CLI_LOG_DEBUG:
	case CLI_LOG_TRACE:
		return LOG_DEBUG;
	}
	return LOG_WARNING;
}

void cli_log_setup(void)
{
	_cleanup_free_ char *bad = NULL;
	const char *spec = getenv(CLI_LOG_ENV);
	enum cli_log_level l;

	if (cli_log_parse(spec, &l, &bad) < 0) {
		log_oom();
		l = CLI_LOG_WARN;
	}
	/* Before the level applies: env_logger, too, always says what it ignored. */
	if (bad)
		log_warning("Warning: ignoring '%s' in $" CLI_LOG_ENV
			    " (expected off, error, warn, info, debug, trace or mdevctl=LEVEL)",
			    bad);
	current = l;
	log_set_max_level(syslog_level(l));
}

enum cli_log_level cli_log_level(void)
{
	return current;
}
