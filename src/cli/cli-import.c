/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "import [DIR]": bring an existing mdevctl tree (<DIR>/<parent>/<uuid>,
 * default /etc/mdevctl.d under the root) into the daemon, one DefineJSON per
 * file, in sorted order. Every file is reported on stdout: imported, or
 * skipped and why. Only errors that are not about one file's content (no
 * permission, daemon gone) make the exit status 1. Content D-Bus cannot
 * carry (bytes that are not UTF-8) is a content problem: it is found here,
 * before the call, and the file is skipped.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "cli-json.h"
#include "cli-verbs-internal.h"
#include "log.h"
#include "name-check.h"
#include "root-path.h"
#include "utf8.h"

struct import_stats {
	unsigned imported, skipped, failed;
};

static void skip(const struct cli_context *c, struct import_stats *st, const char *dir,
		 const char *name, const char *reason)
{
	fprintf(c->out, "Skipped %s/%s: %s\n", dir, name, reason);
	st->skipped++;
}

static int entries(const char *dir, struct dirent ***ret)
{
	int n = scandir(dir, ret, NULL, alphasort);

	return n < 0 ? -errno : n;
}

static void free_entries(struct dirent **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* One definition file; returns < 0 only for errors that should stop the import. */
static int import_file(const struct cli_context *c, struct import_stats *st, const char *pdir,
		       const char *parent, const char *name)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(cli_config_done) struct cli_config cfg = {};
	_cleanup_free_ char *path = NULL, *text = NULL, *why = NULL, *uuid_ret = NULL;
	char uuid[UUID_STRING_LEN + 1];
	struct stat s;
	ssize_t bad;
	int r;

	if (asprintf(&path, "%s/%s", pdir, name) < 0)
		return log_oom();
	if (uuid_normalize(name, uuid) < 0)
		return skip(c, st, pdir, name, "file name is not a UUID"), 0;
	if (lstat(path, &s) < 0 || !S_ISREG(s.st_mode))
		return skip(c, st, pdir, name, "not a regular file"), 0;
	r = cli_read_file(path, &text);
	if (r < 0)
		return skip(c, st, pdir, name, r == -EFBIG ? "file too large" : strerror(-r)), 0;
	bad = utf8_invalid_at(text);
	if (bad >= 0) {
		if (asprintf(&why, "not valid UTF-8 (byte %zd), which D-Bus cannot carry", bad) < 0)
			return log_oom();
		return skip(c, st, pdir, name, why), 0;
	}
	r = cli_config_parse(text, &cfg, &why);
	if (r < 0)
		return skip(c, st, pdir, name, why ? why : "out of memory"), 0;
	if (c->cmd->dry_run) {
		fprintf(c->out, "Would import %s/%s (%s, %s)\n", parent, uuid, cfg.type, cfg.start);
		st->imported++;
		return 0;
	}
	r = c->backend->define_json(c->backend->userdata, parent, uuid, text, 0, &uuid_ret, &error);
	if (r >= 0) {
		fprintf(c->out, "Imported %s/%s\n", parent, uuid);
		st->imported++;
		return 0;
	}
	if (sd_bus_error_has_names(&error, MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS,
				   MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
				   MDEVVIRTIO_DBUS_ERROR_TYPE_NOT_SUPPORTED))
		return skip(c, st, pdir, name, error.message), 0;
	cli_report_error(r, &error, "import", path);
	st->failed++;
	/* Permission and connection problems will not get better with the next file. */
	return sd_bus_error_has_names(&error, MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED,
				      SD_BUS_ERROR_ACCESS_DENIED, SD_BUS_ERROR_SERVICE_UNKNOWN,
				      SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
		       r == -EACCES || r == -EPERM
		   ? r
		   : 0;
}

static int import_parent(const struct cli_context *c, struct import_stats *st, const char *dir,
			 const char *parent)
{
	_cleanup_free_ char *pdir = NULL;
	struct dirent **v = NULL;
	int n, r = 0;

	if (asprintf(&pdir, "%s/%s", dir, parent) < 0)
		return log_oom();
	n = entries(pdir, &v);
	if (n < 0)
		return skip(c, st, dir, parent, strerror(-n)), 0;
	for (int i = 0; i < n && r >= 0; i++)
		if (v[i]->d_name[0] != '.')
			r = import_file(c, st, pdir, parent, v[i]->d_name);
	free_entries(v, n);
	return r;
}

static int import_tree(const struct cli_context *c, struct import_stats *st, const char *dir)
{
	struct dirent **v = NULL;
	int n, r = 0;

	n = entries(dir, &v);
	if (n < 0)
		return log_error_errno(n, "Failed to read '%s': %m", dir);
	for (int i = 0; i < n && r >= 0; i++) {
		const char *name = v[i]->d_name;
		_cleanup_free_ char *path = NULL;
		struct stat s;

		/* Hidden names are not definitions, as in the daemon's own tree: editor
		 * files, and the stamp mdevvirtiod keeps in /etc/mdevctl.d for libvirt. */
		if (name[0] == '.')
			continue;
		if (asprintf(&path, "%s/%s", dir, name) < 0) {
			r = log_oom();
			break;
		}
		if (streq(name, "scripts.d"))
			skip(c, st, dir, name,
			     "callout and notifier scripts, not definitions");
		else if (stat(path, &s) < 0 || !S_ISDIR(s.st_mode))
			skip(c, st, dir, name, "not a parent directory");
		else if (!name_is_valid(name, NAME_MAX_PARENT))
			skip(c, st, dir, name, "not a valid parent name");
		else
			r = import_parent(c, st, dir, name);
	}
	free_entries(v, n);
	return r;
}

int cli_verb_import(const struct cli_context *c)
{
	_cleanup_free_ char *dflt = NULL;
	struct import_stats st = {};
	const char *dir = c->cmd->import_dir;
	int r;

	if (!dir) {
		r = root_path("/etc/mdevctl.d", &dflt);
		if (r < 0)
			return log_error_errno(r, "Failed to find /etc/mdevctl.d: %m"),
			       CLI_EXIT_FAILURE;
		dir = dflt;
	}
	r = import_tree(c, &st, dir);
	fprintf(c->out, "%u %s, %u skipped, %u failed\n", st.imported,
		c->cmd->dry_run ? "to import" : "imported", st.skipped, st.failed);
	return r < 0 || st.failed > 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
