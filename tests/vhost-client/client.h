/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the modes of vhost-client share: the options of one run, the output
 * helpers, and the mode entry points. A mode returns 0 when every check held,
 * 1 when one failed (it has said which on stderr).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define EXIT_CHECK_FAILED 1
#define EXIT_USAGE 2

struct client_opts {
	const char *path;
	bool iova_va; /* IOVA = VA, as DPDK maps */
	size_t mem_size; /* the one DMA region, bytes */
	bool map_pages; /* mapped one page per IOTLB UPDATE: an entry per page */
	unsigned int queue_size; /* 0: min(256, VHOST_VDPA_GET_VRING_NUM) */
	int timeout_ms; /* the traffic phase of a mode, in total */
	bool verbose;

	/* net */
	unsigned long tx, rx;
	unsigned int frame_size; /* Ethernet frame without the virtio-net header */
	uint8_t src_mac[6], dst_mac[6];
	bool src_set, dst_set;
	bool rx_any; /* any 0x88b5 frame counts as received, not only ours */
	bool suspend; /* after the traffic: SUSPEND, then nothing may move */

	/* blk */
	unsigned int blk_kib; /* total patterned data written and read back */
};

extern bool client_verbose;

#define say(...) printf(__VA_ARGS__)
#define info(...)                            \
	do {                                 \
		if (client_verbose)          \
			printf(__VA_ARGS__); \
	} while (0)
#define complain(...) fprintf(stderr, __VA_ARGS__)

/* "EBUSY" for EBUSY, "0" for 0: errnos as the checks print them. */
const char *errno_name(int e);
long long now_ms(void);

int mode_info(const struct client_opts *o);
int mode_net(const struct client_opts *o);
int mode_blk(const struct client_opts *o);
int mode_abuse(const struct client_opts *o);
int mode_offload(const struct client_opts *o);
