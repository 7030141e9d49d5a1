/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check-main.h"
#include "name-check.h"

START_TEST(real_names_pass)
{
	static const char *const good[] = { "mvsim", "0000:00:02.0", "mvsim-virtio_net",
					    "i915-GVTg_V5_4", "vfio_ap-passthrough", "0.0.0a2b",
					    "assign_adapter", "nvidia-63" };

	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		ck_assert_msg(name_is_valid(good[i], NAME_MAX_TYPE), "refused '%s'", good[i]);
}
END_TEST

START_TEST(path_tricks_refused)
{
	static const char *const bad[] = { "", ".", "..", "../etc", "a/b", "/abs", ".hidden",
					   "with space", "tab\there", "new\nline", "semi;colon",
					   "quote'", "star*", "ünïcode" };

	ck_assert(!name_is_valid(NULL, 10));
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(!name_is_valid(bad[i], NAME_MAX_TYPE), "accepted '%s'", bad[i]);
}
END_TEST

START_TEST(length_limit_is_exact)
{
	char s[NAME_MAX_ATTR + 2];

	memset(s, 'a', sizeof(s));
	s[NAME_MAX_ATTR] = '\0';
	ck_assert(name_is_valid(s, NAME_MAX_ATTR));
	s[NAME_MAX_ATTR] = 'a';
	s[NAME_MAX_ATTR + 1] = '\0';
	ck_assert(!name_is_valid(s, NAME_MAX_ATTR));
}
END_TEST

static Suite *name_suite(void)
{
	Suite *s = suite_create("name-check");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, real_names_pass);
	tcase_add_test(tc, path_tricks_refused);
	tcase_add_test(tc, length_limit_is_exact);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(name_suite)
