/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* caller-process: parsing /proc/<pid>/status and who counts as CAP_SYS_ADMIN. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "caller-process.h"
#include "check-main.h"
#include "macro.h"

#define ADMIN "0000000000200000"
#define NOCAPS "0000000000000000"

/* A status file as a 6.1 kernel writes it, with the three lines we read. */
static const char *status_text(char *buf, size_t size, const char *uids, const char *eff,
			       const char *amb)
{
	snprintf(buf, size,
		 "Name:\tbusctl\nUmask:\t0022\nState:\tR (running)\nTgid:\t42\nPid:\t42\n"
		 "Uid:\t%s\nGid:\t65534\t65534\t65534\t65534\nFDSize:\t64\n"
		 "Groups:\t\nNSpid:\t42\nCapInh:\t0000000000000000\nCapPrm:\t%s\n"
		 "CapEff:\t%s\nCapBnd:\t000001ffffffffff\nCapAmb:\t%s\n"
		 "NoNewPrivs:\t0\nSeccomp:\t0\nCpus_allowed_list:\t0-1\n",
		 uids, eff, eff, amb);
	return buf;
}

START_TEST(status_parses)
{
	struct caller_process p;
	char buf[1024];

	status_text(buf, sizeof(buf), "65534\t0\t0\t65534", ADMIN, NOCAPS);
	ck_assert_int_eq(caller_process_parse_status(buf, strlen(buf), &p), 0);
	ck_assert_uint_eq(p.uids[0], 65534);
	ck_assert_uint_eq(p.uids[1], 0);
	ck_assert_uint_eq(p.uids[2], 0);
	ck_assert_uint_eq(p.uids[3], 65534);
	ck_assert_uint_eq(p.cap_effective, 1u << 21);
	ck_assert_uint_eq(p.cap_ambient, 0);
	ck_assert(!p.same_user_namespace);

	/* No final newline, and text not NUL-terminated where it ends. */
	status_text(buf, sizeof(buf), "1\t2\t3\t4294967295", "000001ffffffffff", ADMIN);
	size_t len = strlen(buf) - 1;
	buf[len] = 'X';
	ck_assert_int_eq(caller_process_parse_status(buf, len, &p), 0);
	ck_assert_uint_eq(p.uids[3], 4294967295u);
	ck_assert_uint_eq(p.cap_effective, 0x1ffffffffffull);
	ck_assert_uint_eq(p.cap_ambient, 1u << 21);
}
END_TEST

START_TEST(bad_status_is_refused)
{
	static const char *const bad[] = {
	    "",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t" ADMIN "\n", /* no CapAmb */
	    "Uid:\t0\t0\t0\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\t0\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t4294967296\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t-1\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t-4294967295\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t+1\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t 1\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t\t1\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t1\t\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t00000000002000000\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t000000000020000\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t000000000020000G\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t00000000002000 0\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\nCapAmb:\t" ADMIN "\n",
	    "Uid:\t0\t0\t0\t0\nCapEff:\t0000000000200000\0\nCapAmb:\t" ADMIN "\n",
	};
	struct caller_process p = {.uids = {7, 7, 7, 7}};

	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_msg(caller_process_parse_status(bad[i], strlen(bad[i]), &p) == -EBADMSG,
			      "accepted bad status #%zu", i);
	ck_assert_uint_eq(p.uids[0], 7);
}
END_TEST

/* A long line of another key is skipped, not taken as malformed. */
START_TEST(long_lines_are_skipped)
{
	char buf[8192], *s = buf;
	struct caller_process p;

	s += sprintf(s, "Groups:\t");
	for (int i = 0; i < 600; i++)
		s += sprintf(s, "%d ", 1000 + i);
	sprintf(s, "\nUid:\t5\t5\t5\t5\nCapEff:\t" ADMIN "\nCapAmb:\t" ADMIN "\n");
	ck_assert_int_eq(caller_process_parse_status(buf, strlen(buf), &p), 0);
	ck_assert_uint_eq(p.uids[2], 5);
}
END_TEST

START_TEST(who_counts_as_admin)
{
	const struct caller_process admin = {
	    .uids = {1000, 1000, 1000, 1000},
	    .cap_effective = 1u << 21,
	    .cap_ambient = 1u << 21,
	    .same_user_namespace = true,
	};
	struct caller_process p;

	ck_assert(caller_process_admits(&admin, 1000));
	/* Connected as someone else. */
	ck_assert(!caller_process_admits(&admin, 1001));
	/* A set-uid exec since: effective and saved UIDs changed. */
	p = admin;
	p.uids[1] = p.uids[2] = 0;
	ck_assert(!caller_process_admits(&p, 1000));
	for (int i = 0; i < 4; i++) {
		p = admin;
		p.uids[i] = 0;
		ck_assert_msg(!caller_process_admits(&p, 1000), "admitted with UID %d changed", i);
	}
	/* A file-capability exec: effective, not ambient. */
	p = admin;
	p.cap_ambient = 0;
	ck_assert(!caller_process_admits(&p, 1000));
	/* Ambient without effective (dropped with capset). */
	p = admin;
	p.cap_effective = 0;
	ck_assert(!caller_process_admits(&p, 1000));
	/* Everything, in a user namespace of its own. */
	p = admin;
	p.cap_effective = p.cap_ambient = ~0ull;
	p.same_user_namespace = false;
	ck_assert(!caller_process_admits(&p, 1000));
	/* Other capabilities are not CAP_SYS_ADMIN. */
	p = admin;
	p.cap_effective = p.cap_ambient = ~(1ull << 21);
	ck_assert(!caller_process_admits(&p, 1000));
}
END_TEST

/* The real /proc: this process, as it is. */
START_TEST(reads_this_process)
{
	struct caller_process p = {};

	ck_assert_int_eq(caller_process_read(getpid(), &p), 0);
	ck_assert_uint_eq(p.uids[0], getuid());
	ck_assert_uint_eq(p.uids[1], geteuid());
	ck_assert(p.same_user_namespace);
	ck_assert_int_eq(caller_process_read(0, &p), -EINVAL);
	ck_assert_int_eq(caller_process_read(-1, &p), -EINVAL);
	/* PID_MAX_LIMIT is 4M: this one never exists. */
	ck_assert_int_eq(caller_process_read(1 << 23, &p), -ENOENT);
}
END_TEST

static Suite *caller_process_suite(void)
{
	Suite *s = suite_create("caller-process");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, status_parses);
	tcase_add_test(tc, bad_status_is_refused);
	tcase_add_test(tc, long_lines_are_skipped);
	tcase_add_test(tc, who_counts_as_admin);
	tcase_add_test(tc, reads_this_process);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(caller_process_suite)
