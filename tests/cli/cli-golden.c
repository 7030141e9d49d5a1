/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Test driver for mdevvirtioctl without a daemon:
 *   cli-golden run FIXTURE [ARGS...]   run "mdevvirtioctl ARGS" on the fixture backend
 *                                      ($CLI_GOLDEN_ARGV0 replaces argv[0], e.g. lsmdevvirtio)
 *   cli-golden mktree FIXTURE DIR      write the fixture as an mdevctl sysfs/config tree
 */
#include "cli-fixture.h"
#include "cli-verbs.h"
#include "log.h"

int main(int argc, char *argv[])
{
	if (argc >= 3 && streq(argv[1], "run")) {
		const char *argv0 = getenv("CLI_GOLDEN_ARGV0");
		char *fixture = argv[2];

		log_open(LOG_TARGET_CONSOLE);
		log_set_prefix("mdevvirtioctl");
		/* cli_run() sees "mdevvirtioctl ARGS...": argv[0] replaces the fixture name. */
		argv[2] = (char *)(argv0 ?: "mdevvirtioctl");
		return cli_run(argc - 2, argv + 2, stdout, fixture_connect, fixture);
	}
	if (argc == 4 && streq(argv[1], "mktree")) {
		int r = fixture_make_tree(argv[2], argv[3]);

		if (r < 0)
			fprintf(stderr, "mktree: %s\n", strerror(-r));
		return r < 0 ? 1 : 0;
	}
	fprintf(stderr, "usage: cli-golden run FIXTURE [ARGS...] | mktree FIXTURE DIR\n");
	return 2;
}
