/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The UTF-8 check of utf8.h. */
#include <stddef.h>

#include "utf8.h"

/* Length of the UTF-8 sequence led by @c (0: no lead byte), and the range of its 2nd byte. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return 2;
	if (c >= 0xe0 && c <= 0xef) {
		*lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
		*hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		*lo = c == 0xf0 ? 0x90 : 0x80;
		*hi = c == 0xf4 ? 0x8f : 0xbf; /* nothing above U+10FFFF */
		return 4;
	}
	return 0;
}

ssize_t utf8_invalid_at(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned char lo, hi;

	for (size_t n; *p; p += n) {
		n = utf8_lead(*p, &lo, &hi);
		if (n == 0)
			return (ssize_t)(p - (const unsigned char *)s);
		/* A NUL among the continuation bytes is out of range too. */
		for (size_t i = 1; i < n; i++, lo = 0x80, hi = 0xbf)
			if (p[i] < lo || p[i] > hi)
				return (ssize_t)(p - (const unsigned char *)s);
	}
	return -1;
}
