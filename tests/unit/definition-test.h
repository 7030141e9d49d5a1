/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the definition store and watch tests: a temporary root
 * installed with root_set(), and files under it by their logical path
 * ("/etc/mdevvirtio.d/..."). Every helper asserts on failure.
 */
#pragma once

#include <check.h>
#include <ftw.h>
#include <sys/stat.h>

#include "definition-store.h"
#include "root-path.h"

#define U1 "11111111-2222-3333-4444-555555555555"
#define U2 "22222222-2222-3333-4444-555555555555"
#define U3 "33333333-2222-3333-4444-555555555555"
#define VENDOR "/usr/lib/mdevvirtio.d"
#define ADMIN "/etc/mdevvirtio.d"
#define RUNTIME "/run/mdevvirtio.d"

/* The file mdevctl master writes for {mvsim-virtio_net, auto, mac} (DESIGN.md §2). */
#define GOLDEN_NET                                 \
	"{\n"                                      \
	"  \"mdev_type\": \"mvsim-virtio_net\",\n" \
	"  \"start\": \"auto\",\n"                 \
	"  \"attrs\": [\n"                         \
	"    {\n"                                  \
	"      \"mac\": \"02:00:00:00:00:01\"\n"   \
	"    }\n"                                  \
	"  ]\n"                                    \
	"}"
#define GOLDEN_BLK                                 \
	"{\n"                                      \
	"  \"mdev_type\": \"mvsim-virtio_blk\",\n" \
	"  \"start\": \"manual\",\n"               \
	"  \"attrs\": []\n"                        \
	"}"

static inline char *test_path(const char *path)
{
	char *p = NULL;

	ck_assert_int_eq(root_path(path, &p), 0);
	return p;
}

static inline char *test_root_new(void)
{
	char tmpl[] = "/tmp/mdevvirtio-defs-XXXXXX";

	ck_assert_ptr_nonnull(mkdtemp(tmpl));
	ck_assert_int_eq(root_set(tmpl), 0);
	return strdup(tmpl);
}

static inline int test_remove_one(const char *path, const struct stat *st, int flag,
				  struct FTW *ftw)
{
	return remove(path);
}

static inline void test_rm_rf(const char *path)
{
	_cleanup_free_ char *p = test_path(path);

	ck_assert_int_eq(nftw(p, test_remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static inline void test_root_free(char *root)
{
	ck_assert_int_eq(nftw(root, test_remove_one, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(root);
	ck_assert_int_eq(root_set(NULL), 0);
}

/* mkdir -p of the directory part of @path (a logical path). */
static inline void test_mkdir_parents(const char *path)
{
	_cleanup_free_ char *p = test_path(path);

	for (char *s = p + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		ck_assert_msg(mkdir(p, 0755) == 0 || errno == EEXIST, "mkdir %s: %m", p);
		*s = '/';
	}
}

static inline void test_write_n(const char *path, const char *data, size_t n)
{
	_cleanup_free_ char *p = test_path(path);
	_cleanup_fclose_ FILE *f = NULL;

	test_mkdir_parents(path);
	f = fopen(p, "we");
	ck_assert_msg(f != NULL, "fopen %s: %m", p);
	ck_assert_int_eq(fwrite(data, 1, n, f), n);
}

static inline void test_write(const char *path, const char *data)
{
	test_write_n(path, data, strlen(data));
}

static inline void test_symlink(const char *path, const char *target)
{
	_cleanup_free_ char *p = test_path(path);

	test_mkdir_parents(path);
	ck_assert_msg(symlink(target, p) == 0, "symlink %s: %m", p);
}

/* The content of @path, or NULL if it does not exist. */
static inline char *test_read(const char *path)
{
	_cleanup_free_ char *p = test_path(path);
	_cleanup_fclose_ FILE *f = fopen(p, "re");
	char *buf = NULL;
	size_t n = 0;

	if (!f)
		return NULL;
	ck_assert_int_eq(getdelim(&buf, &n, '\0', f) >= 0 || feof(f), 1);
	return buf ? buf : strdup("");
}

static inline bool test_exists(const char *path)
{
	_cleanup_free_ char *p = test_path(path);
	struct stat st;

	return lstat(p, &st) == 0;
}
