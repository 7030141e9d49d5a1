/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevvirtioctl: mdevctl's command line over the mdevvirtiod D-Bus API.
 * Everything but the choice of the D-Bus backend is cli_run(), which the
 * tests drive with a fixture backend.
 */
#include "cli-dbus.h"
#include "cli-verbs.h"
#include "log.h"
#include "root-path.h"

int main(int argc, char *argv[])
{
	int r;

	log_open(LOG_TARGET_CONSOLE);
	log_set_prefix("mdevvirtioctl");
	r = root_set_from_env();
	if (r < 0) {
		log_error_errno(r, "Invalid $" ROOT_ENV ": %m");
		return CLI_EXIT_FAILURE;
	}
	return cli_run(argc, argv, stdout, cli_dbus_connect, NULL);
}
