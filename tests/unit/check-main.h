/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main() for a Check test program: run one suite, exit non-zero on any failure. */
#pragma once

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                                                       \
	int main(void)                                                                             \
	{                                                                                          \
		SRunner *sr = srunner_create(suite_fn());                                          \
		int failed;                                                                        \
		srunner_run_all(sr, CK_NORMAL);                                                    \
		failed = srunner_ntests_failed(sr);                                                \
		srunner_free(sr);                                                                  \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;                                       \
	}
