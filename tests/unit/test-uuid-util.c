/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "check-main.h"
#include "uuid-util.h"

#define NORM "aaaaaaaa-2222-3333-4444-555555555555"

START_TEST(mdevctl_spellings_normalise)
{
	static const char *const spellings[] = {
	    NORM,
	    "AAAAAAAA-2222-3333-4444-555555555555",
	    "aaaaaaaa222233334444555555555555",
	    "AAAAAAAA222233334444555555555555",
	    "{aaaaaaaa-2222-3333-4444-555555555555}",
	    "urn:uuid:aaaaaaaa-2222-3333-4444-555555555555",
	};
	char out[UUID_STRING_LEN + 1];

	for (size_t i = 0; i < ELEMENTSOF(spellings); i++) {
		ck_assert_int_eq(uuid_normalize(spellings[i], out), 0);
		ck_assert_str_eq(out, NORM);
	}
	ck_assert(uuid_is_normalized(NORM));
	for (size_t i = 1; i < ELEMENTSOF(spellings); i++)
		ck_assert_msg(!uuid_is_normalized(spellings[i]), "'%s' taken as normalised",
			      spellings[i]);
	ck_assert(!uuid_is_normalized("aaaaaaaa-2222-3333-4444-55555555555"));
	ck_assert(!uuid_is_normalized("aaaaaaaa-2222-3333-4444-5555555555555"));
	ck_assert(!uuid_is_normalized("aaaaaaaa-2222-3333-4444-55555555555g"));
	ck_assert(!uuid_is_normalized("aaaaaaaa2-222-3333-4444-555555555555"));
	ck_assert(!uuid_is_normalized(""));
	ck_assert(!uuid_is_normalized(NULL));
}
END_TEST

/* Every byte value formats as two lower-case hex digits, in order. */
START_TEST(formatting_round_trips)
{
	static const char *const in[] = {
	    "00000000-0000-0000-0000-000000000000",
	    "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF",
	    "0123456789ABCDEF0123456789abcdef",
	    "{f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f}",
	};
	static const char *const want[] = {
	    "00000000-0000-0000-0000-000000000000",
	    "ffffffff-ffff-ffff-ffff-ffffffffffff",
	    "01234567-89ab-cdef-0123-456789abcdef",
	    "f0e1d2c3-b4a5-9687-7869-5a4b3c2d1e0f",
	};
	char out[UUID_STRING_LEN + 1];

	for (size_t i = 0; i < ELEMENTSOF(in); i++) {
		ck_assert_int_eq(uuid_normalize(in[i], out), 0);
		ck_assert_str_eq(out, want[i]);
		ck_assert(uuid_is_normalized(out));
	}
}
END_TEST

START_TEST(bad_uuids_refused)
{
	static const char *const bad[] = {
	    "",
	    "not-a-uuid",
	    "aaaaaaaa-2222-3333-4444-55555555555", /* one short */
	    "aaaaaaaa-2222-3333-4444-5555555555555", /* one long */
	    "gaaaaaaa-2222-3333-4444-555555555555", /* not hex */
	    "aaaaaaaa_2222_3333_4444_555555555555", /* wrong separators */
	    "aaaaaaaa-2222-3333-4444-555555555555\n",
	    "../../../../etc/passwd/aaaaaaaa-222",
	    "{aaaaaaaa-2222-3333-4444-555555555555",
	};
	char out[UUID_STRING_LEN + 1] = "untouched";

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(uuid_normalize(bad[i], out) == -EINVAL, "accepted '%s'", bad[i]);
	ck_assert_int_eq(uuid_normalize(NULL, out), -EINVAL);
	ck_assert_str_eq(out, "untouched");
}
END_TEST

START_TEST(generated_are_v4_and_distinct)
{
	char a[UUID_STRING_LEN + 1], b[UUID_STRING_LEN + 1];

	ck_assert_int_eq(uuid_generate(a), 0);
	ck_assert_int_eq(uuid_generate(b), 0);
	ck_assert(uuid_is_normalized(a));
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(a[14], '4');
}
END_TEST

static Suite *uuid_suite(void)
{
	Suite *s = suite_create("uuid-util");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mdevctl_spellings_normalise);
	tcase_add_test(tc, bad_uuids_refused);
	tcase_add_test(tc, formatting_round_trips);
	tcase_add_test(tc, generated_are_v4_and_distinct);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(uuid_suite)
