/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * UUID spellings and path-component names: the input, cut at its first NUL,
 * is a string a user or a file name gave. Each function is checked against
 * a plain restatement of its contract (uuid-util.h, name-check.h):
 *   - uuid_normalize() succeeds exactly when the string is 32 hex digits,
 *     hyphenated 8-4-4-4-12 or not, optionally in braces, optionally after
 *     "urn:uuid:" (any case), and the result is those digits in lower case,
 *     hyphenated; it is normalised, and normalising it again is the identity;
 *   - uuid_is_normalized() holds exactly for strings normalising to themselves;
 *   - name_is_valid() holds exactly for 1..max bytes of [A-Za-z0-9_.:+@-]
 *     not starting with '.'.
 */
#include <ctype.h>
#include <errno.h>
#include <strings.h>

#include "fuzz-util.h"
#include "name-check.h"
#include "uuid-util.h"

/* The 32 lower-case digits of a UUID spelling, or false if it is not one. */
static bool uuid_reference(const char *s, char digits[static 33])
{
	size_t n, k = 0;

	if (strncasecmp(s, "urn:uuid:", 9) == 0)
		s += 9;
	n = strlen(s);
	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		s++;
		n -= 2;
	}
	if (n != 32 && n != UUID_STRING_LEN)
		return false;
	for (size_t i = 0; i < n; i++) {
		bool dash = n == UUID_STRING_LEN && (i == 8 || i == 13 || i == 18 || i == 23);

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
		if (!dash)
			digits[k++] = (char)tolower((unsigned char)s[i]);
	}
	digits[k] = '\0';
	return true;
}

static void check_uuid(const char *s)
{
	char out[UUID_STRING_LEN + 1], again[UUID_STRING_LEN + 1], digits[33], *p = digits;
	bool valid = uuid_reference(s, digits);
	int r;

	r = uuid_normalize(s, out);
	FUZZ_ASSERT((r == 0) == valid, "uuid_normalize('%s') = %d", s, r);
	FUZZ_ASSERT(r == 0 || r == -EINVAL);
	FUZZ_ASSERT(uuid_is_normalized(s) == (valid && streq(s, out)), "'%s'", s);
	if (r < 0)
		return;
	FUZZ_ASSERT(uuid_is_normalized(out), "'%s' -> '%s'", s, out);
	for (size_t i = 0; i < UUID_STRING_LEN; i++)
		if (out[i] != '-')
			FUZZ_ASSERT(out[i] == *p++, "'%s' -> '%s'", s, out);
	FUZZ_ASSERT(uuid_normalize(out, again) == 0 && streq(out, again));
}

static bool name_reference(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n == 0 || n > max || s[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.:+@-", s[i]))
			return false;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	_cleanup_free_ char *s = fuzz_strdup(data, size);
	static const size_t limits[] = {1, 2, NAME_MAX_ATTR, NAME_MAX_PARENT, NAME_MAX_TYPE};

	if (!s)
		return 0;
	check_uuid(s);
	for (size_t i = 0; i < ELEMENTSOF(limits); i++)
		FUZZ_ASSERT(name_is_valid(s, limits[i]) == name_reference(s, limits[i]),
			    "name_is_valid('%s', %zu)", s, limits[i]);
	return 0;
}
