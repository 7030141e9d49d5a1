/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Device UUIDs: accept every spelling mdevctl accepts (hyphenated, 32 hex
 * digits, braced, "urn:uuid:", any case) and normalise to the lower-case
 * hyphenated form the kernel uses for device names (%pUl).
 */
#pragma once

#include "macro.h"

#define UUID_STRING_LEN 36

/* Parse @s; on success write the normalised form to @ret. -EINVAL if not a UUID. */
int uuid_normalize(const char *s, char ret[static UUID_STRING_LEN + 1]);
/* True if @s is already in normalised form (what sysfs and file names use). */
bool uuid_is_normalized(const char *s);
/* A new random (version 4) UUID in normalised form. */
int uuid_generate(char ret[static UUID_STRING_LEN + 1]);
