/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MDEVCTL_LOG: mdevctl's verbosity variable (env_logger's syntax) for
 * mdevvirtioctl. A spec is a comma-separated list of directives: a level
 * ("off", "error", "warn", "info", "debug", "trace"; any case) that sets the
 * default, "mdevctl=LEVEL" or "mdevvirtioctl=LEVEL" (also "mdevctl::module=...")
 * that sets ours, or a bare "mdevctl"/"mdevvirtioctl" meaning trace. A
 * "/regex" filter suffix is accepted and ignored; directives for other
 * modules (mdevctl's Rust crates) are ignored. Unset or empty: warn.
 *
 * What the levels print is in mdevvirtioctl(8), ENVIRONMENT. Errors that end
 * the command are printed at every level, "off" included, as mdevctl's
 * "Error:" line is.
 */
#pragma once

#include "macro.h"

#define CLI_LOG_ENV "MDEVCTL_LOG"
/* Longest spec read; a longer one is refused as a whole (and warned about). */
#define CLI_LOG_SPEC_MAX 1024

enum cli_log_level {
	CLI_LOG_OFF,
	CLI_LOG_ERROR,
	CLI_LOG_WARN,
	CLI_LOG_INFO,
	CLI_LOG_DEBUG,
	CLI_LOG_TRACE,
};

/*
 * Parse @spec into *@ret (warn if NULL or empty). A directive that is not
 * understood is skipped; the first one is named in *@ret_bad (allocated; NULL
 * if all were understood). -ENOMEM only.
 */
int cli_log_parse(const char *spec, enum cli_log_level *ret, char **ret_bad);
/* Read $MDEVCTL_LOG, set the log level it asks for, warn about what was ignored. */
void cli_log_setup(void);
/* The level cli_log_setup() set (warn before it is called). */
enum cli_log_level cli_log_level(void);
