/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdlib.h>

#include "root-path.h"

static char *root; /* NULL: the real root */

static bool path_has_dotdot(const char *p)
{
	for (const char *s = p; (s = strstr(s, "..")); s += 2) {
		bool starts = s == p || s[-1] == '/';
		bool ends = s[2] == '\0' || s[2] == '/';
		if (starts && ends)
			return true;
	}
	return false;
}

int root_set(const char *r)
{
	char *copy;
	size_t n;

	if (isempty(r) || streq(r, "/")) {
		free(root);
		root = NULL;
		return 0;
	}
	if (r[0] != '/' || path_has_dotdot(r))
		return -EINVAL;
	copy = strdup(r);
	if (!copy)
		return -ENOMEM;
	for (n = strlen(copy); n > 1 && copy[n - 1] == '/'; n--)
		copy[n - 1] = '\0';
	free(root);
	root = copy;
	return 0;
}

int root_set_from_env(void)
{
	return root_set(secure_getenv(ROOT_ENV));
}

const char *root_get(void)
{
	return root ? root : "";
}

int root_path(const char *path, char **ret)
{
	char *p;

	if (!path || path[0] != '/' || path_has_dotdot(path))
		return -EINVAL;
	if (asprintf(&p, "%s%s", root_get(), path) < 0)
		return -ENOMEM;
	*ret = p;
	return 0;
}

int root_pathf(char **ret, const char *format, ...)
{
	_cleanup_free_ char *path = NULL;
	va_list ap;
	int r;

	va_start(ap, format);
	r = vasprintf(&path, format, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	return root_path(path, ret);
}
