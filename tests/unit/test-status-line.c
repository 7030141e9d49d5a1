/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the daemon tells the service manager, read from a $NOTIFY_SOCKET of
 * the test's own over the daemon's model on a fake root. The status line
 * (status-line.h): the first line at once, a burst of changes as one line
 * an interval later with the last counts, a change after a quiet interval
 * at once, nothing when the counts did not move. The watchdog: a burst of
 * operations feeds it once (MANAGER_WATCHDOG_FEED_USEC), not once each.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "check-main.h"
#include "fake-kernel.h"
#include "fake-sysfs.h"
#include "manager-internal.h"
#include "status-line.h"

#define MVSIM "/sys/devices/virtual/mvsim/mvsim"
#define ETC "/etc/mdevvirtio.d"
/* Long enough for a burst of five operations under valgrind. */
#define INTERVAL (2 * UINT64_C(1000000))

static char *root;
static char sock_path[sizeof(((struct sockaddr_un *)0)->sun_path)];
static int sock = -1;
static sd_event *event;
static struct manager *m;
static struct status_line *status;

static void setup(void)
{
	static const struct fake_type net = {
	    "mvsim-virtio_net", "virtio_net", "loopback net", "virtio", 4, 1};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};

	root = fake_sysfs_new();
	fake_bus_add("mdev_virtio");
	fake_parent_add("mdev_virtio", MVSIM, true);
	fake_type_add("mdev_virtio", "mvsim", &net);
	fake_mkdir("/etc");
	fake_mkdir(ETC);
	fake_kernel = (struct fake_kernel){};

	snprintf(sock_path, sizeof(sock_path), "%s/notify", root);
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(sock, 0);
	ck_assert_int_eq(bind(sock, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(setenv("NOTIFY_SOCKET", sock_path, 1), 0);

	ck_assert_int_ge(sd_event_new(&event), 0);
	ck_assert_int_eq(manager_new(event, &m), 0);
	manager_set_kernel_ops(m, &(struct manager_kernel_ops){.create = fake_kernel_create,
							       .remove = fake_kernel_remove});
	ck_assert_int_eq(manager_startup(m), 0);
	manager_flush(m);
}

static void teardown(void)
{
	status = status_line_free(status);
	m = manager_free(m);
	event = sd_event_unref(event);
	unsetenv("NOTIFY_SOCKET");
	close(sock);
	sock = -1;
	unlink(sock_path);
	fake_sysfs_free(TAKE_PTR(root));
}

/* The next line on the socket, or NULL if none is waiting. */
static const char *next_line(void)
{
	static char buf[256];
	ssize_t n = recv(sock, buf, sizeof(buf) - 1, 0);

	if (n < 0) {
		ck_assert_int_eq(errno, EAGAIN);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void assert_line(const char *want)
{
	const char *got = next_line();

	ck_assert_msg(got, "no status line; wanted \"%s\"", want);
	ck_assert_str_eq(got, want);
}

static void assert_no_line(void)
{
	const char *got = next_line();

	ck_assert_msg(!got, "unexpected status line \"%s\"", got);
}

static void define(const char *uuid)
{
	_cleanup_(manager_error_done) struct manager_error e = {};

	ck_assert_int_eq(
	    manager_define(m, "mvsim", uuid, "mvsim-virtio_net", "manual", NULL, 0, NULL, &e), 0);
	manager_flush(m);
}

/* Run the loop for @usec of wall time. */
static void run_for(uint64_t usec)
{
	uint64_t start, now;

	ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &start), 0);
	do {
		ck_assert_int_ge(sd_event_run(event, usec), 0);
		ck_assert_int_ge(sd_event_now(event, CLOCK_MONOTONIC, &now), 0);
	} while (now - start < usec);
}

START_TEST(first_line_at_once_then_a_burst_as_one)
{
	static const char *const uuids[] = {
	    "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222",
	    "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"};
	_cleanup_(manager_error_done) struct manager_error e = {};

	ck_assert_int_eq(status_line_new(event, m, &status), 0);
	status_line_set_interval(status, INTERVAL);
	assert_line("STATUS=0 devices defined, 0 running");
	assert_no_line();

	/* A burst right after: nothing until the interval is over, then one line. */
	for (size_t i = 0; i < 4; i++)
		define(uuids[i]);
	ck_assert_int_eq(manager_start(m, uuids[0], &e), 0);
	manager_flush(m);
	assert_no_line();
	ck_assert_uint_eq(status_line_sent(status), 1);
	run_for(INTERVAL + 100 * 1000);
	assert_line("STATUS=4 devices defined, 1 running");
	assert_no_line();
	ck_assert_uint_eq(status_line_sent(status), 2);

	/* Quiet for an interval: the next change goes out at once. */
	run_for(INTERVAL + 10 * 1000);
	ck_assert_int_eq(manager_stop(m, uuids[0], &e), 0);
	manager_flush(m);
	assert_line("STATUS=4 devices defined, 0 running");

	/* A change that moves no count: no line, now or later. */
	ck_assert_int_eq(manager_modify(m, uuids[1],
					&(struct manager_changes){.start = DEFINITION_START_AUTO},
					0, &e),
			 0);
	manager_flush(m);
	run_for(INTERVAL + 100 * 1000);
	assert_no_line();
	ck_assert_uint_eq(status_line_sent(status), 3);
}
END_TEST

START_TEST(a_burst_of_operations_feeds_the_watchdog_once)
{
	_cleanup_(manager_error_done) struct manager_error e = {};
	char pid[32];
	const char *got;
	unsigned fed = 0;

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ck_assert_int_eq(setenv("WATCHDOG_PID", pid, 1), 0);
	ck_assert_int_eq(setenv("WATCHDOG_USEC", "30000000", 1), 0);
	ck_assert_int_gt(sd_event_set_watchdog(event, true), 0);
	m->watchdog_feed_usec = 60 * UINT64_C(1000000); /* ten operations under valgrind fit */
	while (next_line())
		; /* what enabling it sent */
	define("11111111-1111-4111-8111-111111111111");
	for (unsigned i = 0; i < 5; i++) {
		ck_assert_int_eq(manager_start(m, "11111111-1111-4111-8111-111111111111", &e), 0);
		ck_assert_int_eq(manager_stop(m, "11111111-1111-4111-8111-111111111111", &e), 0);
	}
	while ((got = next_line()))
		fed += streq(got, "WATCHDOG=1");
	ck_assert_uint_eq(fed, 1);
	ck_assert_int_ge(sd_event_set_watchdog(event, false), 0);
	unsetenv("WATCHDOG_PID");
	unsetenv("WATCHDOG_USEC");
}
END_TEST

static Suite *status_line_suite(void)
{
	Suite *s = suite_create("status-line");
	TCase *tc = tcase_create("status-line");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, first_line_at_once_then_a_burst_as_one);
	tcase_add_test(tc, a_burst_of_operations_feeds_the_watchdog_once);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(status_line_suite)
