/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The verbs that change something: define, undefine, modify, start, stop,
 * start-parent-mdevs. Each resolves mdevctl's rules against the daemon's
 * current model, then makes one D-Bus call (start-parent-mdevs: one per
 * device). A UUID the daemon generated is printed on stdout, as mdevctl does.
 */
#include "cli-json.h"
#include "cli-progress.h"
#include "cli-verbs-internal.h"
#include "log.h"

/* Read and check a --jsonfile; reports errors itself. */
static int read_config(const char *path, char **ret_text, struct cli_config *ret)
{
	_cleanup_free_ char *text = NULL, *error = NULL;
	int r;

	r = cli_read_file(path, &text);
	if (r == -EFBIG)
		return log_error_errno(r, "Failed to read '%s': larger than %d bytes", path,
				       CLI_JSONFILE_MAX);
	if (r < 0)
		return log_error_errno(r, "Failed to read '%s': %m", path);
	r = cli_config_parse(text, ret, &error);
	if (r < 0)
		return log_error_errno(r, "Invalid device configuration in '%s': %s", path,
				       error ? error : "out of memory");
	if (ret_text)
		*ret_text = TAKE_PTR(text);
	return 0;
}

/* --force: a refusing pre callout only warns (mdevctl's -f). */
static unsigned force_flag(const struct cli_command *cmd)
{
	return cmd->force ? MDEVVIRTIO_DBUS_FLAG_FORCE : 0;
}

/* start --ensure: the daemon's AlreadyExists (it runs) is success. */
static bool already_running(const struct cli_command *cmd, const sd_bus_error *error)
{
	if (!cmd->ensure || !sd_bus_error_has_name(error, MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS))
		return false;
	log_info("Device %s already runs", cmd->uuid);
	return true;
}

static void print_generated(const struct cli_context *c, const char *uuid)
{
	if (!c->cmd->has_uuid && uuid)
		fprintf(c->out, "%s\n", uuid);
}

static int define_from_file(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(cli_config_done) struct cli_config cfg = {};
	_cleanup_free_ char *text = NULL, *uuid = NULL;
	const struct cli_command *cmd = c->cmd;
	int r;

	if (read_config(cmd->jsonfile, &text, &cfg) < 0)
		return CLI_EXIT_FAILURE;
	if (!cmd->parent) {
		log_error("Parent device required to define device via '%s'", cmd->jsonfile);
		return CLI_EXIT_FAILURE;
	}
	r = c->backend->define_json(c->backend->userdata, cmd->parent,
				    cmd->has_uuid ? cmd->uuid : "", text, force_flag(cmd), &uuid,
				    &error);
	if (r < 0)
		return cli_report_error(r, &error, "define",
					cmd->has_uuid ? cmd->uuid : cmd->parent);
	print_generated(c, uuid);
	log_info("Defined device %s on parent %s from '%s'", uuid ?: cmd->uuid, cmd->parent,
		 cmd->jsonfile);
	return CLI_EXIT_OK;
}

int cli_verb_define(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const struct cli_command *cmd = c->cmd;
	const char *parent = cmd->parent, *type = cmd->type;
	const struct cli_device *d = NULL;
	_cleanup_free_ char *uuid = NULL;
	int r;

	if (cmd->jsonfile)
		return define_from_file(c);

	/*
	 * "define -u U" promotes a running device: parent, type and attrs from
	 * it. As mdevctl: -p may name another parent (the running device's type
	 * and attrs still serve), -t without -p is refused even for a running
	 * device, and -p -t define what they say whatever runs.
	 */
	if (cmd->has_uuid && (!parent || !type)) {
		if (cli_load(c, CLI_LOAD_DEVICE, cmd->uuid, &m) < 0)
			return CLI_EXIT_FAILURE;
		d = cli_model_find_device(m, cmd->uuid);
		if (d && !d->active)
			d = NULL;
	}
	if (!parent && (!d || type)) { /* then -u was given: cli_parse() wants -u or -p */
		if (d)
			log_error("No parent specified: device '%s' runs on parent '%s', but "
				  "'--type' needs '--parent'",
				  cmd->uuid, d->parent);
		else
			log_error("No parent specified: device '%s' is not running", cmd->uuid);
		return CLI_EXIT_FAILURE;
	}
	if (d) {
		log_debug("Device %s runs on parent %s as %s with %zu attribute%s", d->uuid,
			  d->parent, d->type, d->n_attrs, d->n_attrs == 1 ? "" : "s");
		parent = parent ?: d->parent;
		type = type ?: d->type;
	}
	if (!type) {
		if (cmd->has_uuid)
			log_error("No type specified for device '%s' on parent '%s'", cmd->uuid,
				  parent);
		else
			log_error("No type specified for a device on parent '%s'", parent);
		return CLI_EXIT_FAILURE;
	}
	r = c->backend->define(c->backend->userdata, parent, cmd->has_uuid ? cmd->uuid : "", type,
			       cmd->auto_start ? "auto" : "manual", d ? d->attrs : NULL,
			       d ? d->n_attrs : 0, force_flag(cmd), &uuid, &error);
	if (r < 0)
		return cli_report_error(r, &error, "define", cmd->has_uuid ? cmd->uuid : parent);
	print_generated(c, uuid);
	log_info("Defined %s device %s on parent %s (%s)", type, uuid ?: cmd->uuid, parent,
		 cmd->auto_start ? "auto" : "manual");
	return CLI_EXIT_OK;
}

/*
 * The definition @cmd names (with -p: only on that parent); reports if there
 * is none, or (without -p) if there are several, in mdevctl's words for
 * modify (undefine without -p takes them all and never asks).
 */
static const struct cli_device *find_defined(const struct cli_model *m,
					     const struct cli_command *cmd)
{
	const struct cli_device *d;
	size_t n = cli_model_find_defined(m, cmd->uuid, cmd->parent, &d);

	if (n == 1)
		return d;
	if (n > 1)
		log_error("Multiple definitions found for %s, specify a parent", cmd->uuid);
	else if (cmd->parent)
		log_error("Device '%s' is not defined on parent '%s'", cmd->uuid, cmd->parent);
	else
		log_error("Device '%s' is not defined", cmd->uuid);
	return NULL;
}

int cli_verb_undefine(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	int r;

	/* Without -p, as mdevctl: every parent's definition of the UUID goes. */
	if (c->cmd->parent) {
		const struct cli_device *d;

		if (cli_load(c, CLI_LOAD_DEVICE, c->cmd->uuid, &m) < 0)
			return CLI_EXIT_FAILURE;
		if (cli_model_find_defined(m, c->cmd->uuid, c->cmd->parent, &d) == 0) {
			log_error("No devices match the specified uuid: '%s' is not defined on "
				  "parent '%s'",
				  c->cmd->uuid, c->cmd->parent);
			return CLI_EXIT_FAILURE;
		}
	}
	r = c->backend->undefine(c->backend->userdata, c->cmd->parent, c->cmd->uuid,
				 force_flag(c->cmd), &error);
	if (r < 0)
		return cli_report_error(r, &error, "undefine", c->cmd->uuid);
	if (c->cmd->parent)
		log_info("Undefined device %s on parent %s", c->cmd->uuid, c->cmd->parent);
	else
		log_info("Undefined device %s", c->cmd->uuid);
	return CLI_EXIT_OK;
}

/*
 * --addattr/--delattr as an edit the daemon applies to the list the device
 * has when the call arrives, so that concurrent edits never overwrite each
 * other. The index is checked here first against what was loaded, for
 * mdevctl's message; the daemon checks again against what it has.
 */
static int edit_attrs(const struct cli_command *cmd, const struct cli_device *d,
		      struct cli_changes *ch)
{
	size_t n = d->n_attrs;

	if (cmd->addattr ? cmd->index > (long)n : (cmd->index >= (long)n && cmd->index >= 0)) {
		log_error("Attribute index %ld is invalid for device '%s', which has %zu "
			  "attribute%s",
			  cmd->index, cmd->uuid, n, n == 1 ? "" : "s");
		return -EINVAL;
	}
	if (cmd->addattr) {
		ch->insert_attr = true;
		ch->insert = (struct cli_attr){(char *)cmd->addattr, (char *)cmd->value};
		ch->insert_index = cmd->index >= 0 ? cmd->index : -1;
	} else if (n > 0) {
		ch->delete_attr = true;
		ch->delete_index = cmd->index >= 0 ? cmd->index : -1;
	} else {
		/* Nothing to delete: as mdevctl, an unchanged (empty) list. */
		ch->set_attrs = true;
		ch->attrs = NULL;
		ch->n_attrs = 0;
	}
	return 0;
}

int cli_verb_modify(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(cli_config_done) struct cli_config cfg = {};
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const struct cli_command *cmd = c->cmd;
	struct cli_changes ch = {.type = cmd->type};
	const struct cli_device *d;
	unsigned flags = MDEVVIRTIO_DBUS_MODIFY_DEFINED;
	int r;

	/* mdevctl: the stored definition is named by (parent, uuid); a live one by what runs. */
	if (cmd->jsonfile && !cmd->live && !cmd->parent) {
		log_error("Parent device required to modify device '%s' via '%s'", cmd->uuid,
			  cmd->jsonfile);
		return CLI_EXIT_FAILURE;
	}
	if (cli_load(c, CLI_LOAD_DEVICE, cmd->uuid, &m) < 0)
		return CLI_EXIT_FAILURE;
	if (cmd->live) {
		flags = MDEVVIRTIO_DBUS_MODIFY_LIVE | (cmd->defined ? MDEVVIRTIO_DBUS_MODIFY_DEFINED : 0);
		d = cli_model_find_device(m, cmd->uuid);
		if (!d || !d->active || (cmd->parent && !streq(cmd->parent, d->parent))) {
			log_error("Device '%s' is not running%s%s", cmd->uuid,
				  cmd->parent ? " on parent " : "", strempty(cmd->parent));
			return CLI_EXIT_FAILURE;
		}
	} else if (!(d = find_defined(m, cmd)))
		return CLI_EXIT_FAILURE;

	if (cmd->jsonfile) {
		if (read_config(cmd->jsonfile, NULL, &cfg) < 0)
			return CLI_EXIT_FAILURE;
		ch = (struct cli_changes){.type = cfg.type,
					  .start = cfg.start,
					  .set_attrs = true,
					  .attrs = cfg.attrs,
					  .n_attrs = cfg.n_attrs};
	}
	if (cmd->auto_start || cmd->manual)
		ch.start = cmd->auto_start ? "auto" : "manual";
	if ((cmd->addattr || cmd->delattr) && edit_attrs(cmd, d, &ch) < 0)
		return CLI_EXIT_FAILURE;
	r = c->backend->modify(c->backend->userdata, cmd->parent, cmd->uuid, &ch,
			       flags | force_flag(cmd), &error);
	if (r < 0)
		return cli_report_error(r, &error, "modify", cmd->uuid);
	log_info("Modified device %s%s", cmd->uuid,
		 cmd->live ? (cmd->defined ? " (running and defined)" : " (running)") : "");
	return CLI_EXIT_OK;
}

static int start_transient(const struct cli_context *c, const char *type,
			   const struct cli_attr *attrs, size_t n_attrs)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	const struct cli_command *cmd = c->cmd;
	_cleanup_free_ char *uuid = NULL;
	int r;

	r = c->backend->start_transient(c->backend->userdata, cmd->parent, type,
					cmd->has_uuid ? cmd->uuid : "", attrs, n_attrs,
					force_flag(cmd), &uuid, &error);
	if (r < 0 && already_running(cmd, &error))
		return CLI_EXIT_OK;
	if (r < 0)
		return cli_report_error(r, &error, "start",
					cmd->has_uuid ? cmd->uuid : cmd->parent);
	print_generated(c, uuid);
	log_info("Started transient %s device %s on parent %s", type, uuid ?: cmd->uuid,
		 cmd->parent);
	return CLI_EXIT_OK;
}

int cli_verb_start(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(cli_config_done) struct cli_config cfg = {};
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	const struct cli_command *cmd = c->cmd;
	const struct cli_device *d;
	int r;

	/* --jsonfile: a transient device of that config; any definition is ignored. */
	if (cmd->jsonfile) {
		if (read_config(cmd->jsonfile, NULL, &cfg) < 0)
			return CLI_EXIT_FAILURE;
		if (!cmd->parent) {
			log_error("Parent device required to start device via '%s'", cmd->jsonfile);
			return CLI_EXIT_FAILURE;
		}
		return start_transient(c, cfg.type, cfg.attrs, cfg.n_attrs);
	}
	if (cmd->has_uuid) {
		if (cli_load(c, CLI_LOAD_DEVICE, cmd->uuid, &m) < 0)
			return CLI_EXIT_FAILURE;
		d = cli_model_find_device(m, cmd->uuid);
		if (cmd->ensure && d && d->active) {
			log_info("Device %s already runs on parent %s", d->uuid, d->parent);
			return CLI_EXIT_OK;
		}
		if (cli_model_find_defined(m, cmd->uuid, cmd->parent, &d) > 1) {
			log_error("Multiple definitions found for device %s. Please specify a "
				  "parent.",
				  cmd->uuid);
			return CLI_EXIT_FAILURE;
		}
		if (d) {
			if (cmd->type && !streq(cmd->type, d->type)) {
				log_error(
				    "Device '%s' already exists on parent '%s' with type '%s'",
				    d->uuid, d->parent, d->type);
				return CLI_EXIT_FAILURE;
			}
			r = c->backend->start(c->backend->userdata, cmd->parent, cmd->uuid,
					      force_flag(cmd), &error);
			if (r < 0 && already_running(cmd, &error))
				return CLI_EXIT_OK;
			if (r < 0)
				return cli_report_error(r, &error, "start", cmd->uuid);
			log_info("Started device %s on parent %s", d->uuid, d->parent);
			return CLI_EXIT_OK;
		}
	}
	/* Not a definition: a transient device, which needs both (mdevctl's wording). */
	if (cmd->type && !cmd->parent) {
		log_error("can't provide type without parent: device '%s' is not defined",
			  cmd->uuid);
		return CLI_EXIT_FAILURE;
	}
	if (!cmd->parent || !cmd->type) {
		if (!cmd->has_uuid)
			log_error("Device is insufficiently specified: give '--type' to start a "
				  "transient device on parent '%s'",
				  cmd->parent);
		else if (cmd->parent)
			log_error("Device is insufficiently specified: device '%s' is not defined "
				  "on parent '%s'; give '--type' to start a transient device",
				  cmd->uuid, cmd->parent);
		else
			log_error("Device is insufficiently specified: device '%s' is not "
				  "defined; give '--parent' and '--type' to start a transient "
				  "device",
				  cmd->uuid);
		return CLI_EXIT_FAILURE;
	}
	return start_transient(c, cmd->type, NULL, 0);
}

int cli_verb_stop(const struct cli_context *c)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = c->backend->stop(c->backend->userdata, c->cmd->uuid, force_flag(c->cmd), &error);
	/* --ensure: NotFound (unknown, or not running) is what was asked for. */
	if (r < 0 && c->cmd->ensure && sd_bus_error_has_name(&error, MDEVVIRTIO_DBUS_ERROR_NOT_FOUND)) {
		log_info("Device %s is not running", c->cmd->uuid);
		return CLI_EXIT_OK;
	}
	if (r < 0)
		return cli_report_error(r, &error, "stop", c->cmd->uuid);
	log_info("Stopped device %s", c->cmd->uuid);
	return CLI_EXIT_OK;
}

static bool start_parent_wants(const struct cli_device *d, const char *parent)
{
	return d->defined && !d->active && streq(d->start, "auto") && streq(d->parent, parent);
}

/*
 * What mdevctl's udev rule runs. The daemon starts auto devices itself; this
 * stays for scripts that call it. Failures are warnings and the exit status
 * stays 0, as with mdevctl; devices already running are skipped, not errors.
 * On a terminal a progress line counts the devices (cli-progress.h).
 */
int cli_verb_start_parent_mdevs(const struct cli_context *c)
{
	_cleanup_cli_model_free_ struct cli_model *m = NULL;
	_cleanup_(cli_progress_end) struct cli_progress progress = {};
	unsigned total = 0, done = 0;

	if (cli_load(c, CLI_LOAD_ALL, NULL, &m) < 0)
		return CLI_EXIT_FAILURE;
	for (size_t i = 0; i < m->n_devices; i++)
		total += start_parent_wants(&m->devices[i], c->cmd->parent);
	cli_progress_begin(&progress, c->out, total, "Starting devices of %s", c->cmd->parent);
	for (size_t i = 0; i < m->n_devices; i++) {
		_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
		const struct cli_device *d = &m->devices[i];
		int r;

		if (!start_parent_wants(d, c->cmd->parent))
			continue;
		r = c->backend->start(c->backend->userdata, d->parent, d->uuid, 0, &error);
		if (sd_bus_error_has_name(&error, MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS))
			/* Started meanwhile: the daemon starts auto devices itself. */
			log_debug("Device %s already runs: %s", d->uuid, error.message);
		else if (r < 0)
			log_warning("Warning: failed to start '%s' on '%s': %s", d->uuid, d->parent,
				    sd_bus_error_is_set(&error) ? error.message : strerror(-r));
		else
			log_info("Started device %s on parent %s", d->uuid, d->parent);
		cli_progress_update(&progress, ++done);
	}
	return CLI_EXIT_OK;
}
