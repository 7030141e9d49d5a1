/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * "import [DIR]": bring an existing mdevctl tree (<DIR>/<parent>/<uuid>,
 * default /etc/mdevctl.d under the root) into the daemon, one DefineJSON per
 * file, in sorted order. Every file is reported on stdout: imported, or
 * skipped and why. Only errors that are not about one file's content (no
 * permission, daemon gone) make the exit status 1. Content D-Bus cannot
 * carry (bytes that are not UTF-8) is a content problem: it is found here,
 * before the call, and the file is skipped. On a terminal a progress line
 * counts the files (cli-progress.h); they are counted before the first one
 * is read.
 */
#include <dirent.h>
#include <sys/stat.h>

#include "cli-json.h"
#include "cli-progress.h"
#include "cli-verbs-internal.h"
#include "log.h"
#include "name-check.h"
#include "root-path.h"
#include "utf8.h"

struct import_stats {
	unsigned imported, skipped, failed;
	unsigned seen; /* files gone through, for the progress line */
	struct cli_progress progress; /* every line of output goes through it */
};

static void skip(struct import_stats *st, const char *dir, const char *name, const char *reason)
{
	cli_progress_printf(&st->progress, "Skipped %s/%s: %s\n", dir, name, reason);
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
		return skip(st, pdir, name, "file name is not a UUID"), 0;
	if (lstat(path, &s) < 0 || !S_ISREG(s.st_mode))
		return skip(st, pdir, name, "not a regular file"), 0;
	r = cli_read_file(path, &text);
	if (r < 0)
		return skip(st, pdir, name, r == -EFBIG ? "file too large" : strerror(-r)), 0;
	bad = utf8_invalid_at(text);
	if (bad >= 0) {
		if (asprintf(&why, "not valid UTF-8 (byte %zd), which D-Bus cannot carry", bad) < 0)
			return log_oom();
		return skip(st, pdir, name, why), 0;
	}
	r = cli_config_parse(text, &cfg, &why);
	if (r < 0)
		return skip(st, pdir, name, why ? why : "out of memory"), 0;
	if (c->cmd->dry_run) {
		cli_progress_printf(&st->progress, "Would import %s/%s (%s, %s)\n", parent, uuid,
				    cfg.type, cfg.start);
		st->imported++;
		return 0;
	}
	r = c->backend->define_json(c->backend->userdata, parent, uuid, text, 0, &uuid_ret, &error);
	if (r >= 0) {
		cli_progress_printf(&st->progress, "Imported %s/%s\n", parent, uuid);
		st->imported++;
		return 0;
	}
	if (sd_bus_error_has_names(&error, MDEVVIRTIO_DBUS_ERROR_ALREADY_EXISTS,
				   MDEVVIRTIO_DBUS_ERROR_INVALID_ARGUMENT,
				   MDEVVIRTIO_DBUS_ERROR_TYPE_NOT_SUPPORTED))
		return skip(st, pdir, name, error.message), 0;
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
		return skip(st, dir, parent, strerror(-n)), 0;
	for (int i = 0; i < n && r >= 0; i++)
		if (v[i]->d_name[0] != '.') {
			r = import_file(c, st, pdir, parent, v[i]->d_name);
			cli_progress_update(&st->progress, ++st->seen);
		}
	free_entries(v, n);
	return r;
}

/*
 * Why the entry @name (at @path) of the tree is not a parent directory to
 * import from; NULL if it is one. Hidden names are not definitions, as in the
 * daemon's own tree: editor files, and the stamp mdevvirtiod keeps in
 * /etc/mdevctl.d for libvirt; the caller passes over them without a word.
 */
static const char *parent_skip_reason(const char *path, const char *name)
{
	struct stat s;

	if (streq(name, "scripts.d"))
		return "callout and notifier scripts, not definitions";
	if (stat(path, &s) < 0 || !S_ISDIR(s.st_mode))
		return "not a parent directory";
	if (!name_is_valid(name, NAME_MAX_PARENT))
		return "not a valid parent name";
	return NULL;
}

/* The files import_parent() will go through in @pdir (0 if it cannot be read). */
static unsigned count_files(const char *pdir)
{
	DIR *d = opendir(pdir);
	struct dirent *de;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The files the whole import will go through, for the progress line. */
static unsigned count_tree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		_cleanup_free_ char *path = NULL;

		if (de->d_name[0] == '.' || asprintf(&path, "%s/%s", dir, de->d_name) < 0)
			continue;
		if (!parent_skip_reason(path, de->d_name))
			n += count_files(path);
	}
	closedir(d);
	return n;
}

static int import_tree(const struct cli_context *c, struct import_stats *st, const char *dir)
{
	struct dirent **v = NULL;
	int n, r = 0;

	n = entries(dir, &v);
	if (n < 0)
		return log_error_errno(n, "Failed to read '%s': %m", dir);
	for (int i = 0; i < n && r >= 0; i++) {
		const char *name = v[i]->d_name, *why;
		_cleanup_free_ char *path = NULL;

		if (name[0] == '.') /* see parent_skip_reason() */
			continue;
		if (asprintf(&path, "%s/%s", dir, name) < 0) {
			r = log_oom();
			break;
		}
		why = parent_skip_reason(path, name);
		if (why)
			skip(st, dir, name, why);
		else
			r = import_parent(c, st, dir, name);
	}
	free_entries(v, n);
	return r;
}

static void import_stats_done(struct import_stats *st)
{
	cli_progress_end(&st->progress);
}

int cli_verb_import(const struct cli_context *c)
{
	_cleanup_free_ char *dflt = NULL;
	_cleanup_(import_stats_done) struct import_stats st = {};
	const char *dir = c->cmd->import_dir;
	int r;

	if (!dir) {
		r = root_path("/etc/mdevctl.d", &dflt);
		if (r < 0)
			return log_error_errno(r, "Failed to find /etc/mdevctl.d: %m"),
			       CLI_EXIT_FAILURE;
		dir = dflt;
	}
	cli_progress_begin(&st.progress, c->out, count_tree(dir), "%s definitions",
			   c->cmd->dry_run ? "Checking" : "Importing");
	r = import_tree(c, &st, dir);
	cli_progress_end(&st.progress);
	fprintf(c->out, "%u %s, %u skipped, %u failed\n", st.imported,
		c->cmd->dry_run ? "to import" : "imported", st.skipped, st.failed);
	return r < 0 || st.failed > 0 ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}
