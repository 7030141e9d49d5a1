/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* CLOCK_MONOTONIC in microseconds, the unit of sd-event's timers. */
#pragma once

#include <stdint.h>
#include <time.h>

static inline uint64_t monotonic_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}
