/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The exec floor of a program that links libsystemd, for tests/bench/run:
 * it does nothing, but libsystemd and the libraries it is linked with are
 * loaded and relocated at its start as they are at every mdevvirtioctl's
 * (Debian 12's libsystemd 252 needs libcap, libgcrypt, liblzma, libzstd and
 * liblz4, and libgcrypt libgpg-error). What a command costs beyond the
 * bare exec floor (/bin/true) before it does any work of its own.
 *
 *   libsystemd-floor
 *
 * Exit status 0, always; the call below is never made (no argument is ever
 * 42 characters long), it only keeps the library linked under --as-needed.
 */
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

int main(int argc, char **argv)
{
	if (argc > 1 && strlen(argv[1]) == 42)
		return sd_bus_default_system(NULL) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
	return EXIT_SUCCESS;
}
