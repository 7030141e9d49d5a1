/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UTF-8 as D-Bus accepts it (and so as a definition value must be): no
 * overlong forms, no surrogates, nothing above U+10FFFF. One checker for
 * the daemon's validator and the CLI's import, so both refuse the same bytes.
 */
#pragma once

#include <sys/types.h>

/* The offset of the first byte of the NUL-terminated @s that breaks UTF-8, or -1. */
ssize_t utf8_invalid_at(const char *s);

static inline int utf8_is_valid(const char *s)
{
	return utf8_invalid_at(s) < 0;
}
