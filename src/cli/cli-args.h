/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevvirtioctl's command line: argv in, one struct cli_command out. Pure and
 * side-effect free (no I/O, no D-Bus), so every argv shape libvirt emits and
 * every bad input is unit-tested. Accepts mdevctl's verbs and options with
 * mdevctl's constraints, "--opt value" and "--opt=value", bundled short flags
 * ("-dv"), and normalises UUIDs. Usage errors come back as -EINVAL with a
 * message naming the bad argument; the caller exits 2.
 */
#pragma once

#include "macro.h"
#include "uuid-util.h"

enum cli_verb {
	CLI_VERB_NONE,
	CLI_VERB_LIST,
	CLI_VERB_DEFINE,
	CLI_VERB_UNDEFINE,
	CLI_VERB_MODIFY,
	CLI_VERB_START,
	CLI_VERB_STOP,
	CLI_VERB_TYPES,
	CLI_VERB_START_PARENT_MDEVS,
	CLI_VERB_STATUS,
	CLI_VERB_MONITOR,
	CLI_VERB_IMPORT,
	CLI_VERB_STATS,
	_CLI_VERB_MAX,
};

/* Every string points into argv (never freed); uuid is a normalised copy. */
struct cli_command {
	enum cli_verb verb;
	bool help;
	bool version;

	bool has_uuid;
	char uuid[UUID_STRING_LEN + 1];
	const char *parent;
	const char *type;
	const char *jsonfile;
	const char *addattr;
	const char *value;
	const char *import_dir;
	long index; /* -1: not given */

	bool delattr;
	bool auto_start;
	bool manual;
	bool live;
	bool defined;
	bool dumpjson;
	bool verbose;
	bool force;
	bool ensure; /* start, stop: already in that state is success (not mdevctl's) */
	bool json; /* monitor, status: one JSON object per line */
	bool dry_run; /* import */
};

/* Limits on user input (STYLE: every limit explicit). */
#define CLI_ARGS_MAX 256
#define CLI_INDEX_MAX 1024

const char *cli_verb_to_string(enum cli_verb v);
enum cli_verb cli_verb_from_string(const char *s);

/*
 * Parse argv (argv[0] is the program name). @as_lsmdev: behave as "list"
 * without a verb word, as lsmdev does. On -EINVAL *ret_error is an allocated
 * usage message (without program name or trailing newline).
 */
int cli_parse(int argc, char *const *argv, bool as_lsmdev, struct cli_command *ret,
	      char **ret_error);

/* Help text for one verb (CLI_VERB_NONE: overview of all verbs). */
void cli_help(FILE *f, enum cli_verb verb);
