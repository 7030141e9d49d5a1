/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* utf8: what D-Bus takes as UTF-8, and where the first bad byte is. */
#include "check-main.h"
#include "macro.h"
#include "utf8.h"

START_TEST(valid_text)
{
	static const char *const good[] = {
	    "",
	    "mac",
	    "caf\xc3\xa9",
	    "\xe2\x82\xac",
	    "\xf0\x9f\x98\x80",
	    "\xef\xbf\xbf",
	    "\xf4\x8f\xbf\xbf", /* U+10FFFF, the last one */
	};

	for (size_t i = 0; i < ELEMENTSOF(good); i++)
		ck_assert_msg(utf8_invalid_at(good[i]) == -1, "refused good #%zu", i);
}
END_TEST

START_TEST(invalid_text)
{
	static const struct {
		const char *s;
		ssize_t at;
	} bad[] = {
	    {"ab\xff", 2}, /* not a lead byte */
	    {"\xc0\xaf", 0}, /* overlong '/' */
	    {"\xe0\x80\xaf", 0}, /* overlong, 3 bytes */
	    {"x\xed\xa0\x80", 1}, /* a surrogate */
	    {"\xf4\x90\x80\x80", 0}, /* above U+10FFFF */
	    {"\xf5\x80\x80\x80", 0}, /* not a lead byte */
	    {"caf\xc3", 3}, /* cut short by the end */
	    {"\xe2\x82", 0}, /* likewise */
	    {"\xe2\x28\xa1", 0}, /* a bad continuation */
	    {"ok \xe9t\xe9", 3}, /* Latin-1 */
	};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(utf8_invalid_at(bad[i].s) == bad[i].at, "bad #%zu: %zd, expected %zd",
			      i, utf8_invalid_at(bad[i].s), bad[i].at);
	ck_assert(!utf8_is_valid("\xc0\xaf"));
	ck_assert(utf8_is_valid("caf\xc3\xa9"));
}
END_TEST

static Suite *utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, valid_text);
	tcase_add_test(tc, invalid_text);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(utf8_suite)
