/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verbs: a parsed command plus a backend in, output on @out, errors on
 * stderr (naming the object), an exit status out: 0 ok, 1 failure, 2 usage.
 * cli_run() is the whole program minus the choice of backend, so the tests
 * run exactly what users run.
 */
#pragma once

#include "cli-args.h"
#include "cli-backend.h"

#define CLI_EXIT_OK 0
#define CLI_EXIT_FAILURE 1
#define CLI_EXIT_USAGE 2

struct cli_context {
	const struct cli_command *cmd;
	const struct cli_backend *backend;
	FILE *out;
};

int cli_verb_run(const struct cli_context *c);
typedef int (*cli_connect_t)(void *userdata, struct cli_backend *ret);
/*
 * Parse argv and run. @connect fills the backend, only for commands that need
 * one (not for --help or usage errors); backend->free() is called at the end.
 */
int cli_run(int argc, char **argv, FILE *out, cli_connect_t connect, void *connect_userdata);
/* Report a failed backend call: "Failed to <what> '<object>': <daemon message>". */
int cli_report_error(int r, const sd_bus_error *error, const char *what, const char *object);
