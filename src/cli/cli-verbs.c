/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The read-only verbs (list, types, status) and the dispatcher. Changing
 * verbs are in cli-verbs-change.c, import in cli-import.c, what they share
 * (loading, reporting errors) in cli-verbs-common.c.
 */
#include "cli-backend-log.h"
#include "cli-format.h"
#include "cli-log.h"
#include "cli-verbs-internal.h"
#include "log.h"

static void warn_bad_definitions(const struct cli_model *m)
{
	for (size_t i = 0; i < m->n_bad_definitions; i++)
		log_warning("Warning: ignoring bad definition '%s': %s", m->bad_definitions[i].name,
			    m->bad_definitions[i].value);
}

/*
 * An unfiltered --dumpjson listing as the daemon pre-renders it: the same
 * bytes as the model path, without a record per device. -EOPNOTSUPP where
 * the backend or the daemon cannot; else the exit code.
 */
static int list_prerendered(const struct cli_context *c, bool defined)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_cli_model_free_ struct cli_model *bad = NULL;
	_cleanup_free_ char *json = NULL;
	size_t size;
	int r;

	if (!c->backend->list_json)
		return -EOPNOTSUPP;
	r = c->backend->list_json(c->backend->userdata, defined, &json, &size, &bad, &error);
	if (r == -EOPNOTSUPP)
		return r;
	if (r < 0)
		return cli_report_error(r, &error, "query", MDEVVIRTIO_DBUS_NAME);
	if (defined)
		warn_bad_definitions(bad);
	fwrite(json, 1, size, c->out);
	return CLI_EXIT_OK;
}

static int verb_list(const struct cli_context *c)
{
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const struct cli_command *cmd = c->cmd;
	struct cli_list_filter flt = {
	    .defined = cmd->defined,
	    .uuid = cmd->has_uuid ? cmd->uuid : NULL,
	    .parent = cmd->parent,
	};
	enum cli_load_scope scope;
	int r;

	if (cmd->dumpjson && !flt.uuid && !flt.parent) {
		r = list_prerendered(c, cmd->defined);
		if (r != -EOPNOTSUPP)
			return r;
	}
	/* Running devices only: the daemon sends those, not every definition. */
	scope = flt.uuid ? CLI_LOAD_DEVICE : cmd->defined ? CLI_LOAD_ALL : CLI_LOAD_ACTIVE;
	if (cli_load(c, scope, flt.uuid, &m) < 0)
		return CLI_EXIT_FAILURE;
	if (cmd->defined)
		warn_bad_definitions(m);
	r = cmd->dumpjson ? cli_format_list_json(c->out, m, &flt)
			  : cli_format_list_text(c->out, m, &flt, cmd->verbose);
	if (r < 0)
		return log_oom(), CLI_EXIT_FAILURE;
	return CLI_EXIT_OK;
}

static int verb_types(const struct cli_context *c)
{
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	int r;

	if (cli_load(c, CLI_LOAD_PARENTS, NULL, &m) < 0)
		return CLI_EXIT_FAILURE;
	r = c->cmd->dumpjson ? cli_format_types_json(c->out, m, c->cmd->parent)
			     : cli_format_types_text(c->out, m, c->cmd->parent);
	if (r < 0)
		return log_oom(), CLI_EXIT_FAILURE;
	return CLI_EXIT_OK;
}

static int verb_status(const struct cli_context *c)
{
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const struct cli_device *d;
	int r;

	if (cli_load(c, CLI_LOAD_DEVICE, c->cmd->uuid, &m) < 0)
		return CLI_EXIT_FAILURE;
	d = cli_model_find_device(m, c->cmd->uuid);
	if (!d) {
		log_error("Device '%s' is neither defined nor running", c->cmd->uuid);
		return CLI_EXIT_FAILURE;
	}
	r = c->cmd->json ? cli_format_status_json(c->out, d) : cli_format_status_text(c->out, d);
	if (r < 0)
		return log_oom(), CLI_EXIT_FAILURE;
	return CLI_EXIT_OK;
}

static int verb_monitor(const struct cli_context *c)
{
	int r;

	if (!c->backend->monitor) {
		log_error("Monitoring is not available here");
		return CLI_EXIT_FAILURE;
	}
	r = c->backend->monitor(c->backend->userdata, c->cmd->json, c->out);
	return r < 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

typedef int (*verb_fn)(const struct cli_context *c);

static const verb_fn verb_table[_CLI_VERB_MAX] = {
    [CLI_VERB_LIST] = verb_list,
    [CLI_VERB_TYPES] = verb_types,
    [CLI_VERB_STATUS] = verb_status,
    [CLI_VERB_MONITOR] = verb_monitor,
    [CLI_VERB_DEFINE] = cli_verb_define,
    [CLI_VERB_UNDEFINE] = cli_verb_undefine,
    [CLI_VERB_MODIFY] = cli_verb_modify,
    [CLI_VERB_START] = cli_verb_start,
    [CLI_VERB_STOP] = cli_verb_stop,
    [CLI_VERB_START_PARENT_MDEVS] = cli_verb_start_parent_mdevs,
    [CLI_VERB_IMPORT] = cli_verb_import,
    [CLI_VERB_STATS] = cli_verb_stats,
};

int cli_verb_run(const struct cli_context *c)
{
	verb_fn fn = verb_table[c->cmd->verb];

	return fn ? fn(c) : CLI_EXIT_USAGE;
}

int cli_run(int argc, char **argv, FILE *out, cli_connect_t connect, void *connect_userdata)
{
	const char *name = argc > 0 ? strrchr(argv[0], '/') : NULL;
	_cleanup_free_ char *error = NULL;
	struct cli_backend backend = {};
	struct cli_command cmd;
	int r;

	cli_log_setup();
	name = name ? name + 1 : argc > 0 ? argv[0] : "";
	r = cli_parse(argc, argv, streq(name, "lsmdev") || streq(name, "lsmdevvirtio"), &cmd,
		      &error);
	if (r < 0) {
		log_error("%s", error ? error : "Out of memory.");
		if (r == -EINVAL)
			log_error("Try '%s --help' for more information.", "mdevvirtioctl");
		return r == -EINVAL ? CLI_EXIT_USAGE : CLI_EXIT_FAILURE;
	}
	if (cmd.version) {
		fprintf(out, "mdevvirtioctl %s\n", MDEVVIRTIO_VERSION);
		return CLI_EXIT_OK;
	}
	if (cmd.help || cmd.verb == CLI_VERB_NONE) {
		cli_help(out, cmd.verb);
		return CLI_EXIT_OK;
	}
	r = connect(connect_userdata, &backend);
	if (r < 0) {
		log_error_errno(r, "Failed to connect to the system bus: %m");
		return CLI_EXIT_FAILURE;
	}
	if (cli_log_level() >= CLI_LOG_DEBUG && cli_backend_log_wrap(&backend) < 0)
		log_warning("Warning: out of memory, not logging the calls to mdevvirtiod");
	r = cli_verb_run(&(struct cli_context){.cmd = &cmd, .backend = &backend, .out = out});
	if (backend.free)
		backend.free(backend.userdata);
	if (fflush(out) != 0 && r == CLI_EXIT_OK) {
		log_error_errno(errno, "Failed to write output: %m");
		r = CLI_EXIT_FAILURE;
	}
	return r;
}
