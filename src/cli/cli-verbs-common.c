/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What every verb shares: loading the model through the backend and turning
 * a failed call into one message (permission, daemon unreachable, or the
 * daemon's own message). Calls nothing of the verbs.
 */
#include "cli-verbs-internal.h"
#include "log.h"

static bool error_is_access_denied(int r, const sd_bus_error *error)
{
	return sd_bus_error_has_name(error, MDEVVIRTIO_DBUS_ERROR_ACCESS_DENIED) ||
	       sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED) ||
	       sd_bus_error_has_name(error, SD_BUS_ERROR_INTERACTIVE_AUTHORIZATION_REQUIRED) ||
	       (!sd_bus_error_is_set(error) && (r == -EACCES || r == -EPERM));
}

static bool error_is_unreachable(const sd_bus_error *error)
{
	return sd_bus_error_has_name(error, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
	       sd_bus_error_has_name(error, SD_BUS_ERROR_NAME_HAS_NO_OWNER) ||
	       sd_bus_error_has_name(error, SD_BUS_ERROR_NO_SERVER) ||
	       sd_bus_error_has_name(error, "org.freedesktop.DBus.Error.Spawn.ServiceNotFound");
}

int cli_report_error(int r, const sd_bus_error *error, const char *what, const char *object)
{
	const char *msg = sd_bus_error_is_set(error) && error->message ? error->message : NULL;

	if (error_is_access_denied(r, error))
		log_error("Permission denied: changing '%s' (%s) needs root or CAP_SYS_ADMIN%s%s",
			  object, what, msg ? ": " : "", strempty(msg));
	else if (error_is_unreachable(error))
		log_error("Failed to %s '%s': mdevvirtiod is not available on the system bus: %s",
			  what, object, strempty(msg));
	else if (msg)
		log_error("Failed to %s '%s': %s", what, object, msg);
	else
		log_error_errno(r, "Failed to %s '%s': %m", what, object);
	return CLI_EXIT_FAILURE;
}

int cli_load(const struct cli_context *c, enum cli_load_scope scope, const char *uuid,
	     struct cli_model **ret)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = c->backend->load(c->backend->userdata, scope, uuid, ret, &error);
	if (r < 0) {
		cli_report_error(r, &error, "query", MDEVVIRTIO_DBUS_NAME);
		return r;
	}
	return 0;
}
