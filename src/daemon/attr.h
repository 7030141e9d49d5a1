/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one attribute type of the daemon, end to end: a (name, value) pair as a
 * definition file lists it, the manager and the D-Bus layer pass it, and the
 * sysfs layer writes it to <device>/<name>. Both strings are owned by whoever
 * owns the array (a definition, a managed device), or borrowed for a call.
 */
#pragma once

struct definition_attr {
	char *name;
	char *value;
};
