/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <systemd/sd-id128.h>

#include "uuid-util.h"

static void uuid_format(sd_id128_t id, char ret[static UUID_STRING_LEN + 1])
{
	snprintf(ret, UUID_STRING_LEN + 1, SD_ID128_UUID_FORMAT_STR, SD_ID128_FORMAT_VAL(id));
}

int uuid_normalize(const char *s, char ret[static UUID_STRING_LEN + 1])
{
	char buf[UUID_STRING_LEN + 1];
	sd_id128_t id;
	size_t n;

	if (!s)
		return -EINVAL;
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

bool uuid_is_normalized(const char *s)
{
	char n[UUID_STRING_LEN + 1];

	return s && uuid_normalize(s, n) == 0 && streq(s, n);
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
