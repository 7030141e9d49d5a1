/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>

#include "cli-format.h"

bool cli_list_selects(const struct cli_list_filter *flt, const struct cli_device *d)
{
	if (flt->defined ? !d->defined : !d->active)
		return false;
	if (flt->uuid && !streq(flt->uuid, d->uuid))
		return false;
	if (flt->parent && !streq(flt->parent, d->parent))
		return false;
	return true;
}

char *cli_type_text(const char *s, bool description)
{
	size_t n;
	char *r, *w;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	/* Worst case every byte is a newline that becomes ", ". */
	r = malloc(2 * n + 1);
	if (!r)
		return NULL;
	w = r;
	for (size_t i = 0; i < n; i++) {
		if (description && s[i] == '\n') {
			*w++ = ',';
			*w++ = ' ';
		} else
			*w++ = s[i];
	}
	*w = '\0';
	return r;
}
