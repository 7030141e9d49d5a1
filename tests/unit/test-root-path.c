/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check-main.h"
#include "root-path.h"

static void teardown(void)
{
	ck_assert_int_eq(root_set(NULL), 0);
	unsetenv(ROOT_ENV);
}

START_TEST(real_root_is_identity)
{
	_cleanup_free_ char *p = NULL;

	ck_assert_str_eq(root_get(), "");
	ck_assert_int_eq(root_path("/sys/bus/mdev_virtio", &p), 0);
	ck_assert_str_eq(p, "/sys/bus/mdev_virtio");
}
END_TEST

START_TEST(root_prefixes_every_tree)
{
	static const char *const paths[] = { "/sys/class/mdev_bus", "/etc/mdevvirtio.d/p/u",
					     "/run/mdevvirtio.d", "/usr/lib/mdevvirtio.d" };

	ck_assert_int_eq(root_set("/tmp/fake//"), 0);
	ck_assert_str_eq(root_get(), "/tmp/fake");
	for (size_t i = 0; i < ELEMENTSOF(paths); i++) {
		_cleanup_free_ char *p = NULL, *want = NULL;

		ck_assert_int_eq(root_path(paths[i], &p), 0);
		ck_assert_int_ge(asprintf(&want, "/tmp/fake%s", paths[i]), 0);
		ck_assert_str_eq(p, want);
	}
}
END_TEST

START_TEST(slash_and_empty_mean_real_root)
{
	ck_assert_int_eq(root_set("/tmp/x"), 0);
	ck_assert_int_eq(root_set("/"), 0);
	ck_assert_str_eq(root_get(), "");
	ck_assert_int_eq(root_set("/tmp/x"), 0);
	ck_assert_int_eq(root_set(""), 0);
	ck_assert_str_eq(root_get(), "");
}
END_TEST

START_TEST(relative_and_dotdot_refused)
{
	_cleanup_free_ char *p = NULL;

	ck_assert_int_eq(root_set("relative/root"), -EINVAL);
	ck_assert_int_eq(root_set("/tmp/../etc"), -EINVAL);
	ck_assert_int_eq(root_path("etc/passwd", &p), -EINVAL);
	ck_assert_int_eq(root_path("/etc/mdevvirtio.d/../../passwd", &p), -EINVAL);
	ck_assert_int_eq(root_path("/sys/..", &p), -EINVAL);
	ck_assert_ptr_null(p);
	/* ".." inside a name is not a parent reference */
	ck_assert_int_eq(root_path("/etc/a..b/..c", &p), 0);
	ck_assert_str_eq(p, "/etc/a..b/..c");
}
END_TEST

START_TEST(env_sets_root)
{
	_cleanup_free_ char *p = NULL;

	setenv(ROOT_ENV, "/srv/fakeroot", 1);
	ck_assert_int_eq(root_set_from_env(), 0);
	ck_assert_int_eq(root_pathf(&p, "/sys/bus/%s/devices", "mdev"), 0);
	ck_assert_str_eq(p, "/srv/fakeroot/sys/bus/mdev/devices");
}
END_TEST

static Suite *root_path_suite(void)
{
	Suite *s = suite_create("root-path");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, real_root_is_identity);
	tcase_add_test(tc, root_prefixes_every_tree);
	tcase_add_test(tc, slash_and_empty_mean_real_root);
	tcase_add_test(tc, relative_and_dotdot_refused);
	tcase_add_test(tc, env_sets_root);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(root_path_suite)
