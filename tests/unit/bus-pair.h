/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A bus connection on one end of a socketpair, for tests that build, seal
 * and read messages without a bus daemon: bus_pair_setup() as a Check
 * fixture's setup, bus_pair_teardown() as its teardown (never flushing: the
 * peer never answers). One per test program.
 */
#pragma once

#include <check.h>
#include <sys/socket.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

static sd_bus *bus;
static int bus_pair_peer_fd = -1;

static inline void bus_pair_setup(void)
{
	int fds[2];

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
	ck_assert_int_ge(sd_bus_new(&bus), 0);
	ck_assert_int_ge(sd_bus_set_fd(bus, fds[0], fds[0]), 0);
	ck_assert_int_ge(sd_bus_start(bus), 0);
	bus_pair_peer_fd = fds[1];
}

static inline void bus_pair_teardown(void)
{
	bus = sd_bus_close_unref(bus);
	close(bus_pair_peer_fd);
}
