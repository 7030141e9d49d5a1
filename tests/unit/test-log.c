/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "check-main.h"
#include "log.h"

/* Run @fn with stderr redirected to a memory file; return what it printed. */
static char *capture_stderr(int (*fn)(void), int *ret)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem;
	int saved, fd;

	fflush(stderr);
	saved = dup(STDERR_FILENO);
	fd = fileno(mem = tmpfile());
	dup2(fd, STDERR_FILENO);
	*ret = fn();
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	rewind(mem);
	if (getdelim(&buf, &len, '\0', mem) < 0) {
		free(buf);
		buf = strdup("");
	}
	fclose(mem);
	return buf;
}

static int log_eexist(void)
{
	return log_error_errno(EEXIST, "Failed to create '%s': %m", "1234");
}

static int log_negative(void)
{
	return log_warning_errno(-ENOENT, "Parent '%s' not found: %m", "mvsim");
}

static int log_debug_hidden(void)
{
	log_debug("this is %s", "hidden");
	return 0;
}

static int log_device_busy(void)
{
	return log_device_error_errno("11111111-2222-3333-4444-555555555555", EBUSY,
				      "Device %s is busy: %m", "11111111");
}

static int log_device_hidden(void)
{
	log_device_debug(NULL, "device %s", "hidden");
	return 0;
}

static void setup(void)
{
	log_open(LOG_TARGET_CONSOLE);
	log_set_prefix("unit");
	log_set_max_level(LOG_INFO);
}

START_TEST(errno_is_returned_negative_and_printed)
{
	_cleanup_free_ char *out = NULL;
	int r;

	out = capture_stderr(log_eexist, &r);
	ck_assert_int_eq(r, -EEXIST);
	ck_assert_str_eq(out, "unit: Failed to create '1234': File exists\n");

	free(out);
	out = capture_stderr(log_negative, &r);
	ck_assert_int_eq(r, -ENOENT);
	ck_assert_str_eq(out, "unit: Parent 'mvsim' not found: No such file or directory\n");
}
END_TEST

START_TEST(level_filters_but_still_returns)
{
	_cleanup_free_ char *out = NULL;
	int r;

	out = capture_stderr(log_debug_hidden, &r);
	ck_assert_str_eq(out, "");
	log_set_max_level(LOG_ERR);
	ck_assert_int_eq(log_warning_errno(EBUSY, "not shown"), -EBUSY);
}
END_TEST

START_TEST(errno_preserved)
{
	log_set_max_level(LOG_ERR);
	errno = EAGAIN;
	log_info_errno(EINVAL, "x");
	log_error_errno(EINVAL, "preserved: %m");
	ck_assert_int_eq(errno, EAGAIN);
	ck_assert_int_eq(log_info_errno(0, "no error"), 0);
}
END_TEST

START_TEST(level_names)
{
	ck_assert_int_eq(log_level_from_string("debug"), LOG_DEBUG);
	ck_assert_int_eq(log_level_from_string("err"), LOG_ERR);
	ck_assert_int_eq(log_level_from_string("error"), LOG_ERR);
	ck_assert_int_eq(log_level_from_string("4"), LOG_WARNING);
	ck_assert_int_eq(log_level_from_string("8"), -EINVAL);
	ck_assert_int_eq(log_level_from_string("verbose"), -EINVAL);
	ck_assert_int_eq(log_level_from_string(""), -EINVAL);
}
END_TEST

START_TEST(device_messages)
{
	_cleanup_free_ char *out = NULL;
	int r;

	out = capture_stderr(log_device_busy, &r);
	ck_assert_int_eq(r, -EBUSY);
	ck_assert_str_eq(out, "unit: Device 11111111 is busy: Device or resource busy\n");
	free(out);
	out = capture_stderr(log_device_hidden, &r);
	ck_assert_int_eq(r, 0);
	ck_assert_str_eq(out, "");
}
END_TEST

static Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, errno_is_returned_negative_and_printed);
	tcase_add_test(tc, level_filters_but_still_returns);
	tcase_add_test(tc, errno_preserved);
	tcase_add_test(tc, level_names);
	tcase_add_test(tc, device_messages);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(log_suite)
