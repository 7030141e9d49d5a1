/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Validation of names that end up as path components (parents, types,
 * attribute names). Anything that is not plainly a name is refused, so a
 * caller can never walk out of a sysfs or definition directory.
 */
#pragma once

#include "macro.h"

#define NAME_MAX_PARENT 128
#define NAME_MAX_TYPE 128
#define NAME_MAX_ATTR 64

/*
 * True if @s is 1..@max bytes of [A-Za-z0-9_.:+@-], is not "." or "..",
 * and does not start with '.' (no hidden files, no temp files).
 */
bool name_is_valid(const char *s, size_t max);
