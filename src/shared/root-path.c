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
	return root_path_join(ret, path, NULL);
}

int root_path_join(char **ret, ...)
{
	const char *r = root_get(), *part;
	size_t n = strlen(r), k;
	va_list ap;
	char *p;

	va_start(ap, ret);
	while ((part = va_arg(ap, const char *)))
		n += strlen(part);
	va_end(ap);
	p = malloc(n + 1);
	if (!p)
		return -ENOMEM;
	k = strlen(r);
	memcpy(p, r, k);
	va_start(ap, ret);
	while ((part = va_arg(ap, const char *))) {
		size_t l = strlen(part);

		memcpy(p + k, part, l);
		k += l;
	}
	va_end(ap);
	p[k] = '\0';
	/* The joined path below the root: absolute, no ".." component. */
	if (p[strlen(r)] != '/' || path_has_dotdot(p + strlen(r))) {
		free(p);
		return -EINVAL;
	}
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
