/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one seam between the programs and the file system: every /sys, /etc,
 * /run and /usr/lib path is built here, prefixed with an injectable root, so
 * tests run against a fake tree without preload tricks. The root is set once
 * at start-up (from --root, else from MDEVVIRTIO_ROOT) and read everywhere.
 */
#pragma once

#include "macro.h"

#define ROOT_ENV "MDEVVIRTIO_ROOT"

/* Set the root; NULL, "" and "/" mean the real root. Must be absolute. */
int root_set(const char *root);
/* Set the root from $MDEVVIRTIO_ROOT (ignored in set-uid programs). */
int root_set_from_env(void);
/* The current root without a trailing slash; "" for the real root. */
const char *root_get(void);

/*
 * Allocate the real location of the absolute path @path under the root.
 * -EINVAL if @path is not absolute or contains a ".." component.
 */
int root_path(const char *path, char **ret);
/*
 * root_path() of the concatenation of the strings given, up to a NULL: one
 * allocation, no formatting (what the definition store does for every file).
 */
int root_path_join(char **ret, ...) _sentinel_;
int root_pathf(char **ret, const char *format, ...) _printf_(2, 3);
