/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <systemd/sd-id128.h>

#include "uuid-util.h"

/*
 * Formatting and checking are by hand: the daemon checks the UUID of an object
 * path on every property read, and printf-family formatting dominated that.
 */
static bool is_dash_position(size_t i)
{
	return i == 8 || i == 13 || i == 18 || i == 23;
}

static void uuid_format(sd_id128_t id, char ret[static UUID_STRING_LEN + 1])
{
	static const char hex[] = "0123456789abcdef";
	size_t k = 0;

	for (size_t i = 0; i < sizeof(id.bytes); i++) {
		if (is_dash_position(k))
			ret[k++] = '-';
		ret[k++] = hex[id.bytes[i] >> 4];
		ret[k++] = hex[id.bytes[i] & 0xf];
	}
	ret[k] = '\0';
}

bool uuid_is_normalized(const char *s)
{
	if (!s)
		return false;
	for (size_t i = 0; i < UUID_STRING_LEN; i++) {
		char c = s[i]; /* a NUL fails both tests, so s is never read past its end */

		if (is_dash_position(i) ? c != '-'
					: !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return false;
	}
	return s[UUID_STRING_LEN] == '\0';
}

int uuid_normalize(const char *s, char ret[static UUID_STRING_LEN + 1])
{
	char buf[UUID_STRING_LEN + 1];
	sd_id128_t id;
	size_t n;

	if (!s)
		return -EINVAL;
	if (uuid_is_normalized(s)) {
		memcpy(ret, s, UUID_STRING_LEN + 1);
		return 0;
	}
	if (strncasecmp(s, "urn:uuid:", 9) == 0)
		s += 9;
	n = strlen(s);
	if (n >= 2 && s[0] == '{' && s[n - 1] == '}') {
		s++;
		n -= 2;
	}
	if (n != 32 && n != UUID_STRING_LEN)
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sd_id128_from_string(buf, &id) < 0)
		return -EINVAL;
	uuid_format(id, ret);
	return 0;
}

int uuid_generate(char ret[static UUID_STRING_LEN + 1])
{
	sd_id128_t id;
	int r;

	r = sd_id128_randomize(&id);
	if (r < 0)
		return r;
	uuid_format(id, ret);
	return 0;
}
