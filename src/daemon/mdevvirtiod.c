/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mdevvirtiod: the manager on an sd-event loop, served on D-Bus. Start-up
 * reconciles definitions with what runs; SIGTERM/SIGINT end the loop and
 * leave every running device and every definition as it is.
 */
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>

#include "bus-api.h"
#include "log.h"
#include "manager.h"
#include "mdevctl-stamp.h"
#include "root-path.h"
#include "status-line.h"

#ifndef MDEVVIRTIO_VERSION
#define MDEVVIRTIO_VERSION "unknown"
#endif

/* --private-socket: NULL until given; "" for none. */
static char *arg_private_socket;

static void help(void)
{
	printf("%s [OPTIONS...]\n\n"
	       "Keep mediated virtio (and vfio mdev) device definitions, create devices,\n"
	       "serve org.mdevvirtio1 on the system bus.\n\n"
	       "  -h --help             Show this help\n"
	       "     --version          Show the version\n"
	       "     --root=DIR         Use DIR as the file system root (also $" ROOT_ENV ")\n"
	       "     --private-socket=PATH\n"
	       "                        Serve root on PATH directly, \"\" for not at all\n"
	       "                        (default " MDEVVIRTIO_PRIVATE_SOCKET " under the root)\n"
	       "     --log-level=LEVEL  debug, info, notice, warning, err (default info)\n",
	       program_invocation_short_name);
}

/* 1 to run, 0 to exit successfully (help, version), negative errno on bad usage. */
static int parse_argv(int argc, char *argv[])
{
	enum { ARG_VERSION = 0x100, ARG_ROOT, ARG_PRIVATE_SOCKET, ARG_LOG_LEVEL };
	static const struct option options[] = {
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, ARG_VERSION},
	    {"root", required_argument, NULL, ARG_ROOT},
	    {"private-socket", required_argument, NULL, ARG_PRIVATE_SOCKET},
	    {"log-level", required_argument, NULL, ARG_LOG_LEVEL},
	    {},
	};
	int c, r;

	while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
		switch (c) {
		case 'h':
			help();
			return 0;
		case ARG_VERSION:
			printf("mdevvirtiod %s\n", MDEVVIRTIO_VERSION);
			return 0;
		case ARG_ROOT:
			r = root_set(optarg);
			if (r < 0)
				return log_error_errno(r, "Invalid --root '%s': %m", optarg);
			break;
		case ARG_PRIVATE_SOCKET:
			if (optarg[0] != '\0' && optarg[0] != '/')
				return log_error_errno(EINVAL, "Invalid --private-socket '%s': not an "
							       "absolute path", optarg);
			free(arg_private_socket);
			arg_private_socket = strdup(optarg);
			if (!arg_private_socket)
				return log_oom();
			break;
		case ARG_LOG_LEVEL:
			r = log_level_from_string(optarg);
			if (r < 0)
				return log_error_errno(r, "Invalid --log-level '%s'", optarg);
			log_set_max_level(r);
			break;
		case '?':
			return -EINVAL;
		default:
			return -EINVAL;
		}
	if (optind < argc)
		return log_error_errno(EINVAL, "%s takes no arguments",
				       program_invocation_short_name);
	return 1;
}

static int run(int argc, char *argv[])
{
	_cleanup_manager_free_ struct manager *m = NULL;
	_cleanup_bus_api_free_ struct bus_api *api = NULL;
	_cleanup_mdevctl_stamp_free_ struct mdevctl_stamp *stamp = NULL;
	_cleanup_status_line_free_ struct status_line *status = NULL;
	sigset_t mask;
	sd_event *e = NULL;
	int r;

	log_open(LOG_TARGET_AUTO);
	log_set_prefix(program_invocation_short_name);
	/* The environment first, so --root overrides it. */
	r = root_set_from_env();
	if (r < 0)
		return log_error_errno(r, "Invalid $" ROOT_ENV ": %m");
	r = parse_argv(argc, argv);
	if (r <= 0)
		return r;
	if (!arg_private_socket) {
		r = root_path(MDEVVIRTIO_PRIVATE_SOCKET, &arg_private_socket);
		if (r < 0)
			return log_oom();
	}

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return log_error_errno(errno, "Failed to block signals: %m");
	r = sd_event_default(&e);
	if (r < 0)
		return log_error_errno(r, "Failed to allocate the event loop: %m");
	/* A NULL handler makes the signal end the loop. */
	if ((r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL)) < 0 ||
	    (r = sd_event_add_signal(e, NULL, SIGINT, NULL, NULL)) < 0) {
		log_error_errno(r, "Failed to watch signals: %m");
		goto finish;
	}
	r = sd_event_set_watchdog(e, true);
	if (r < 0)
		log_warning_errno(r, "Failed to enable the watchdog, ignoring: %m");

	r = manager_new(e, &m);
	if (r < 0) {
		log_error_errno(r, "Failed to create the manager: %m");
		goto finish;
	}
	r = manager_startup(m);
	if (r < 0)
		goto finish; /* logged */
	r = mdevctl_stamp_new(e, m, &stamp);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the mdevctl change stamp: %m");
		goto finish;
	}
	r = bus_api_new(e, m, NULL, isempty(arg_private_socket) ? NULL : arg_private_socket, &api);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the D-Bus API: %m");
		goto finish;
	}
	r = status_line_new(e, m, &status);
	if (r < 0) {
		log_error_errno(r, "Failed to set up the status line: %m");
		goto finish;
	}
	/* The last ping was before start-up: restart systemd's watchdog deadline with ready. */
	(void)sd_notify(false, sd_event_get_watchdog(e) > 0 ? "READY=1\nWATCHDOG=1" : "READY=1");
	log_info("Ready");

	r = sd_event_loop(e);
	if (r < 0)
		log_error_errno(r, "Event loop failed: %m");
	(void)sd_notify(false, "STOPPING=1\nSTATUS=Shutting down, devices left as they are");
finish:
	status = status_line_free(status);
	api = bus_api_free(api);
	stamp = mdevctl_stamp_free(stamp);
	m = manager_free(m);
	sd_event_unref(e);
	return r;
}

int main(int argc, char *argv[])
{
	int r = run(argc, argv);

	free(arg_private_socket);
	return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
