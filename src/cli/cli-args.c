/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "cli-args.h"
#include "name-check.h"

enum opt_id {
	OPT_UUID,
	OPT_PARENT,
	OPT_TYPE,
	OPT_JSONFILE,
	OPT_ADDATTR,
	OPT_VALUE,
	OPT_DELATTR,
	OPT_INDEX,
	OPT_AUTO,
	OPT_MANUAL,
	OPT_LIVE,
	OPT_DEFINED,
	OPT_DUMPJSON,
	OPT_VERBOSE,
	OPT_FORCE,
	OPT_ENSURE,
	OPT_JSON,
	OPT_DRY_RUN,
	OPT_HELP,
	_OPT_MAX,
};

#define V(verb) (1u << (verb))
#define V_ALL (~0u)

struct cli_option {
	enum opt_id id;
	const char *long_name;
	char short_name;
	const char *arg; /* NULL: a flag */
	unsigned verbs;
	const char *help;
};

static const struct cli_option options[] = {
    {OPT_UUID, "uuid", 'u', "UUID",
     V(CLI_VERB_LIST) | V(CLI_VERB_DEFINE) | V(CLI_VERB_UNDEFINE) | V(CLI_VERB_MODIFY) |
	 V(CLI_VERB_START) | V(CLI_VERB_STOP) | V(CLI_VERB_STATUS) | V(CLI_VERB_STATS),
     "device UUID (any spelling; normalised to lower-case hyphenated)"},
    {OPT_PARENT, "parent", 'p', "PARENT",
     V(CLI_VERB_LIST) | V(CLI_VERB_DEFINE) | V(CLI_VERB_UNDEFINE) | V(CLI_VERB_MODIFY) |
	 V(CLI_VERB_START) | V(CLI_VERB_TYPES),
     "parent device, by its kernel name (case-sensitive)"},
    {OPT_TYPE, "type", 't', "TYPE", V(CLI_VERB_DEFINE) | V(CLI_VERB_MODIFY) | V(CLI_VERB_START),
     "device type, e.g. mvsim-virtio_net"},
    {OPT_JSONFILE, "jsonfile", 0, "FILE",
     V(CLI_VERB_DEFINE) | V(CLI_VERB_MODIFY) | V(CLI_VERB_START),
     "read type, start mode and attributes from an mdevctl JSON file ('/dev/stdin' works)"},
    {OPT_ADDATTR, "addattr", 0, "NAME", V(CLI_VERB_MODIFY), "add attribute NAME (with --value)"},
    {OPT_VALUE, "value", 0, "VALUE", V(CLI_VERB_MODIFY), "value of the attribute to add"},
    {OPT_DELATTR, "delattr", 0, NULL, V(CLI_VERB_MODIFY),
     "delete the attribute at --index (default: the last one)"},
    {OPT_INDEX, "index", 'i', "INDEX", V(CLI_VERB_MODIFY),
     "position for --addattr/--delattr, from 0"},
    {OPT_AUTO, "auto", 'a', NULL, V(CLI_VERB_DEFINE) | V(CLI_VERB_MODIFY),
     "start the device automatically when its parent is present"},
    {OPT_MANUAL, "manual", 'm', NULL, V(CLI_VERB_MODIFY), "start the device only on request"},
    {OPT_LIVE, "live", 'l', NULL, V(CLI_VERB_MODIFY), "apply --jsonfile to the running device"},
    {OPT_DEFINED, "defined", 'd', NULL, V(CLI_VERB_LIST) | V(CLI_VERB_MODIFY),
     "list: defined devices; modify: change the definition (with --live: as well)"},
    {OPT_DUMPJSON, "dumpjson", 0, NULL, V(CLI_VERB_LIST) | V(CLI_VERB_TYPES) | V(CLI_VERB_STATS),
     "print mdevctl's JSON"},
    {OPT_VERBOSE, "verbose", 'v', NULL, V(CLI_VERB_LIST), "also print attributes"},
    {OPT_FORCE, "force", 'f', NULL,
     V(CLI_VERB_DEFINE) | V(CLI_VERB_UNDEFINE) | V(CLI_VERB_MODIFY) | V(CLI_VERB_START) |
	 V(CLI_VERB_STOP),
     "go ahead even if a callout script refuses"},
    {OPT_ENSURE, "ensure", 0, NULL, V(CLI_VERB_START) | V(CLI_VERB_STOP),
     "succeed if the device already runs (start) or does not run (stop)"},
    {OPT_JSON, "json", 0, NULL, V(CLI_VERB_MONITOR) | V(CLI_VERB_STATUS),
     "one JSON object per line"},
    {OPT_DRY_RUN, "dry-run", 'n', NULL, V(CLI_VERB_IMPORT), "only report what would be imported"},
    {OPT_HELP, "help", 'h', NULL, V_ALL, "show this help"},
};

struct cli_verb_info {
	const char *name;
	const char *synopsis;
	const char *help;
};

static const struct cli_verb_info verbs[_CLI_VERB_MAX] = {
    [CLI_VERB_LIST] = {"list", "[-d] [-v] [--dumpjson] [-u UUID] [-p PARENT]",
		       "list running (or, with -d, defined) devices"},
    [CLI_VERB_DEFINE] = {"define", "[-u UUID] [-p PARENT] [-t TYPE] [-a] [--jsonfile FILE]",
			 "persist a device definition"},
    [CLI_VERB_UNDEFINE] = {"undefine", "-u UUID [-p PARENT]", "delete a device definition"},
    [CLI_VERB_MODIFY] = {"modify",
			 "-u UUID [-p PARENT] [-t TYPE] {-a | -m | --addattr NAME --value V "
			 "[-i INDEX] | --delattr [-i INDEX] | --jsonfile FILE [-l] [-d]}",
			 "change a definition (or, with --live, the running device)"},
    [CLI_VERB_START] = {"start", "[-u UUID] [-p PARENT] [-t TYPE] [--jsonfile FILE]",
			"start a defined device, or a transient one"},
    [CLI_VERB_STOP] = {"stop", "-u UUID", "stop a running device"},
    [CLI_VERB_TYPES] = {"types", "[-p PARENT] [--dumpjson]", "list parents and their types"},
    [CLI_VERB_START_PARENT_MDEVS] = {"start-parent-mdevs", "PARENT",
				     "start the parent's auto devices"},
    [CLI_VERB_STATUS] = {"status", "[--json] UUID",
			 "show one device: state, class, driver, nodes, last error"},
    [CLI_VERB_MONITOR] = {"monitor", "[--json]", "print changes as they happen"},
    [CLI_VERB_IMPORT] = {"import", "[-n] [DIR]",
			 "define every device of an mdevctl tree (default /etc/mdevctl.d)"},
    [CLI_VERB_STATS] = {"stats", "[--dumpjson] UUID", "show a running device's virtqueue counters"},
};

const char *cli_verb_to_string(enum cli_verb v)
{
	if (v <= CLI_VERB_NONE || v >= _CLI_VERB_MAX)
		return NULL;
	return verbs[v].name;
}

enum cli_verb cli_verb_from_string(const char *s)
{
	for (enum cli_verb v = CLI_VERB_NONE + 1; v < _CLI_VERB_MAX; v++)
		if (streq(verbs[v].name, s))
			return v;
	return CLI_VERB_NONE;
}

_printf_(2, 3) static int usage_error(char **ret_error, const char *format, ...)
{
	va_list ap;

	va_start(ap, format);
	if (vasprintf(ret_error, format, ap) < 0)
		*ret_error = NULL;
	va_end(ap);
	return *ret_error ? -EINVAL : -ENOMEM;
}

static const struct cli_option *option_find_long(const char *name, size_t n)
{
	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		if (strlen(options[i].long_name) == n &&
		    strncmp(options[i].long_name, name, n) == 0)
			return &options[i];
	return NULL;
}

static const struct cli_option *option_find_short(char c)
{
	for (size_t i = 0; i < ELEMENTSOF(options); i++)
		if (options[i].short_name == c)
			return &options[i];
	return NULL;
}

static int parse_index(const char *s, long *ret, char **ret_error)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (isempty(s) || *end || errno || v < 0 || v > CLI_INDEX_MAX)
		return usage_error(ret_error, "Invalid index '%s': expected a number 0..%d", s,
				   CLI_INDEX_MAX);
	*ret = v;
	return 0;
}

static int check_name(const char *what, const char *s, size_t max, char **ret_error)
{
	if (!name_is_valid(s, max))
		return usage_error(ret_error,
				   "Invalid %s name '%s': expected 1..%zu characters of "
				   "[A-Za-z0-9_.:+@-], not starting with '.'",
				   what, s, max);
	return 0;
}

/* Store one option; @seen catches repetitions (mdevctl refuses them too). */
static int option_apply(struct cli_command *c, const struct cli_option *o, const char *arg,
			bool *seen, char **ret_error)
{
	if (seen[o->id] && o->id != OPT_HELP)
		return usage_error(ret_error, "Option '--%s' given more than once", o->long_name);
	seen[o->id] = true;

	switch (o->id) {
	case OPT_UUID:
		if (uuid_normalize(arg, c->uuid) < 0)
			return usage_error(ret_error, "Invalid UUID '%s'", arg);
		c->has_uuid = true;
		return 0;
	case OPT_PARENT:
		c->parent = arg;
		return check_name("parent", arg, NAME_MAX_PARENT, ret_error);
	case OPT_TYPE:
		c->type = arg;
		return check_name("type", arg, NAME_MAX_TYPE, ret_error);
	case OPT_JSONFILE:
		if (isempty(arg))
			return usage_error(ret_error, "Option '--jsonfile' needs a file name");
		c->jsonfile = arg;
		return 0;
	case OPT_ADDATTR:
		c->addattr = arg;
		return check_name("attribute", arg, NAME_MAX_ATTR, ret_error);
	case OPT_VALUE:
		c->value = arg;
		return 0;
	case OPT_INDEX:
		return parse_index(arg, &c->index, ret_error);
	case OPT_DELATTR:
		c->delattr = true;
		return 0;
	case OPT_AUTO:
		c->auto_start = true;
		return 0;
	case OPT_MANUAL:
		c->manual = true;
		return 0;
	case OPT_LIVE:
		c->live = true;
		return 0;
	case OPT_DEFINED:
		c->defined = true;
		return 0;
	case OPT_DUMPJSON:
		c->dumpjson = true;
		return 0;
	case OPT_VERBOSE:
		c->verbose = true;
		return 0;
	case OPT_FORCE:
		c->force = true;
		return 0;
	case OPT_ENSURE:
		c->ensure = true;
		return 0;
	case OPT_JSON:
		c->json = true;
		return 0;
	case OPT_DRY_RUN:
		c->dry_run = true;
		return 0;
	case OPT_HELP:
		c->help = true;
		return 0;
	case _OPT_MAX:
		break;
	}
	return -EINVAL;
}

static int option_check_verb(const struct cli_command *c, const struct cli_option *o,
			     char **ret_error)
{
	if (o->verbs & V(c->verb))
		return 0;
	return usage_error(ret_error, "Option '--%s' is not valid for '%s'", o->long_name,
			   cli_verb_to_string(c->verb));
}

/* "--name", "--name=value" or "--name value"; advances *i past a separate value. */
static int parse_long(struct cli_command *c, int argc, char *const *argv, int *i, bool *seen,
		      char **ret_error)
{
	const char *name = argv[*i] + 2, *eq = strchr(name, '='), *arg = NULL;
	const struct cli_option *o;
	int r;

	o = option_find_long(name, eq ? (size_t)(eq - name) : strlen(name));
	if (!o)
		return usage_error(ret_error, "Unknown option '%s'", argv[*i]);
	r = option_check_verb(c, o, ret_error);
	if (r < 0)
		return r;
	if (!o->arg) {
		if (eq)
			return usage_error(ret_error, "Option '--%s' takes no value", o->long_name);
	} else if (eq) {
		arg = eq + 1;
	} else {
		if (*i + 1 >= argc)
			return usage_error(ret_error, "Option '--%s' needs a value (%s)",
					   o->long_name, o->arg);
		arg = argv[++*i];
	}
	return option_apply(c, o, arg, seen, ret_error);
}

/* "-dv", "-uVALUE", "-u=VALUE", "-u VALUE". */
static int parse_short(struct cli_command *c, int argc, char *const *argv, int *i, bool *seen,
		       char **ret_error)
{
	const char *s = argv[*i] + 1;

	for (; *s; s++) {
		const struct cli_option *o = option_find_short(*s);
		const char *arg = NULL;
		int r;

		if (!o)
			return usage_error(ret_error, "Unknown option '-%c'", *s);
		r = option_check_verb(c, o, ret_error);
		if (r < 0)
			return r;
		if (o->arg) {
			if (s[1])
				arg = s[1] == '=' ? s + 2 : s + 1;
			else if (*i + 1 < argc)
				arg = argv[++*i];
			else
				return usage_error(ret_error, "Option '-%c' needs a value (%s)", *s,
						   o->arg);
			return option_apply(c, o, arg, seen, ret_error);
		}
		r = option_apply(c, o, NULL, seen, ret_error);
		if (r < 0)
			return r;
	}
	return 0;
}

static int parse_positional(struct cli_command *c, const char *arg, char **ret_error)
{
	switch (c->verb) {
	case CLI_VERB_START_PARENT_MDEVS:
		if (c->parent)
			break;
		c->parent = arg;
		return check_name("parent", arg, NAME_MAX_PARENT, ret_error);
	case CLI_VERB_STATUS:
	case CLI_VERB_STATS:
		if (c->has_uuid)
			break;
		if (uuid_normalize(arg, c->uuid) < 0)
			return usage_error(ret_error, "Invalid UUID '%s'", arg);
		c->has_uuid = true;
		return 0;
	case CLI_VERB_IMPORT:
		if (c->import_dir)
			break;
		c->import_dir = arg;
		return 0;
	default:
		break;
	}
	return usage_error(ret_error, "Unexpected argument '%s' for '%s'", arg,
			   cli_verb_to_string(c->verb));
}

#define REQUIRE(cond, ...)                                          \
	do {                                                        \
		if (!(cond))                                        \
			return usage_error(ret_error, __VA_ARGS__); \
	} while (0)
#define CONFLICT(a, b, na, nb) REQUIRE(!((a) && (b)), "Options '%s' and '%s' conflict", na, nb)

/*
 * mdevctl (master) requires exactly one of --auto, --manual, --addattr,
 * --delattr and --jsonfile (a clap ArgGroup, so a usage error); --type only
 * goes with one of them. mdevctl 1.2 accepted none, or several.
 */
static int check_modify(const struct cli_command *c, char **ret_error)
{
	bool value = c->value != NULL, index = c->index >= 0, type = c->type != NULL;
	int changes = c->auto_start + c->manual + !!c->addattr + c->delattr + !!c->jsonfile;

	REQUIRE(c->has_uuid, "Command 'modify' needs --uuid");
	REQUIRE(!c->addattr || value, "Option '--addattr' needs '--value'");
	REQUIRE(!value || c->addattr, "Option '--value' needs '--addattr'");
	CONFLICT(c->addattr, c->delattr, "--addattr", "--delattr");
	REQUIRE(!index || c->addattr || c->delattr,
		"Option '--index' needs '--addattr' or '--delattr'");
	CONFLICT(c->auto_start, c->manual, "--auto", "--manual");
	CONFLICT(c->auto_start || c->manual, index || value, "--auto/--manual", "--index/--value");
	REQUIRE(!c->live || c->jsonfile, "Option '--live' needs '--jsonfile'");
	CONFLICT(c->jsonfile, type || index || value, "--jsonfile", "--type/--index/--value");
	REQUIRE(changes > 0,
		"Command 'modify' needs one of --auto, --manual, --addattr, --delattr, --jsonfile%s",
		type ? " (--type goes with one of them)" : "");
	REQUIRE(changes == 1,
		"Command 'modify' takes only one of --auto, --manual, --addattr, --delattr, "
		"--jsonfile");
	return 0;
}

static int command_check(const struct cli_command *c, char **ret_error)
{
	switch (c->verb) {
	/*
	 * define and start: only what mdevctl's clap rules refuse is a usage
	 * error; a missing parent or type is found by the verb (exit 1, as
	 * mdevctl), since a running device may supply them.
	 */
	case CLI_VERB_DEFINE:
		REQUIRE(c->has_uuid || c->parent, "Command 'define' needs --uuid or --parent");
		CONFLICT(c->jsonfile, c->type, "--jsonfile", "--type");
		CONFLICT(c->jsonfile, c->auto_start, "--jsonfile", "--auto");
		return 0;
	case CLI_VERB_UNDEFINE:
	case CLI_VERB_STOP:
	case CLI_VERB_STATUS:
	case CLI_VERB_STATS:
		REQUIRE(c->has_uuid, "Command '%s' needs a UUID", cli_verb_to_string(c->verb));
		return 0;
	case CLI_VERB_MODIFY:
		return check_modify(c, ret_error);
	case CLI_VERB_START:
		REQUIRE(c->has_uuid || c->parent, "Command 'start' needs --uuid or --parent");
		CONFLICT(c->jsonfile, c->type, "--jsonfile", "--type");
		return 0;
	case CLI_VERB_START_PARENT_MDEVS:
		REQUIRE(c->parent, "Command 'start-parent-mdevs' needs a parent");
		return 0;
	default:
		return 0;
	}
}

int cli_parse(int argc, char *const *argv, bool as_lsmdev, struct cli_command *ret,
	      char **ret_error)
{
	struct cli_command c = {.index = -1};
	bool seen[_OPT_MAX] = {};
	bool options_end = false;
	int i = 1, r;

	*ret_error = NULL;
	if (argc > CLI_ARGS_MAX)
		return usage_error(ret_error, "Too many arguments (at most %d)", CLI_ARGS_MAX);

	if (as_lsmdev)
		c.verb = CLI_VERB_LIST;
	else {
		/* Before the verb only the global -h/--help and -V/--version. */
		for (; i < argc && argv[i][0] == '-'; i++) {
			if (streq(argv[i], "-h") || streq(argv[i], "--help"))
				c.help = true;
			else if (streq(argv[i], "-V") || streq(argv[i], "--version"))
				c.version = true;
			else
				return usage_error(ret_error,
						   "Unknown option '%s' (expected a command first)",
						   argv[i]);
		}
		if (i >= argc) {
			if (c.help || c.version) {
				*ret = c;
				return 0;
			}
			return usage_error(ret_error, "Missing command; try '--help'");
		}
		c.verb = cli_verb_from_string(argv[i]);
		if (c.verb == CLI_VERB_NONE)
			return usage_error(ret_error, "Unknown command '%s'", argv[i]);
		i++;
	}

	for (; i < argc; i++) {
		const char *a = argv[i];

		if (options_end || a[0] != '-' || streq(a, "-"))
			r = parse_positional(&c, a, ret_error);
		else if (streq(a, "--")) {
			options_end = true;
			r = 0;
		} else if (a[1] == '-')
			r = parse_long(&c, argc, argv, &i, seen, ret_error);
		else
			r = parse_short(&c, argc, argv, &i, seen, ret_error);
		if (r < 0)
			return r;
	}

	/* Like mdevctl (clap): help wins over every constraint, which libvirt's probe relies on. */
	if (!c.help) {
		r = command_check(&c, ret_error);
		if (r < 0)
			return r;
	}
	*ret = c;
	return 0;
}

void cli_help(FILE *f, enum cli_verb verb)
{
	if (verb == CLI_VERB_NONE) {
		fputs("mdevvirtioctl COMMAND [OPTIONS...]\n\n"
		      "Manage mediated devices (mdev_virtio and vfio mdev) through mdevvirtiod,\n"
		      "with mdevctl's commands and options.\n\nCommands:\n",
		      f);
		for (enum cli_verb v = CLI_VERB_NONE + 1; v < _CLI_VERB_MAX; v++)
			fprintf(f, "  %-20s %s\n", verbs[v].name, verbs[v].help);
		fputs("\nOptions:\n  -h, --help           show help (also after a command)\n"
		      "  -V, --version        show the version\n\n"
		      "Exit status: 0 success, 1 failure, 2 usage error. See mdevvirtioctl(8).\n",
		      f);
		return;
	}
	fprintf(f, "mdevvirtioctl %s %s\n\n%s.\n\nOptions:\n", verbs[verb].name,
		verbs[verb].synopsis, verbs[verb].help);
	for (size_t i = 0; i < ELEMENTSOF(options); i++) {
		const struct cli_option *o = &options[i];
		char left[64];

		if (!(o->verbs & V(verb)))
			continue;
		if (o->short_name)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", o->long_name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		fprintf(f, "  %-24s %s\n", left, o->help);
	}
}
