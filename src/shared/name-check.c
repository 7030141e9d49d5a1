/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "name-check.h"

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       strchr("_.:+@-", c);
}

bool name_is_valid(const char *s, size_t max)
{
	size_t n;

	if (isempty(s) || s[0] == '.')
		return false;
	n = strnlen(s, max + 1);
	if (n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char_ok(s[i]))
			return false;
	return true;
}
