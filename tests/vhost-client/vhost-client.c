/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * vhost-client: a small vhost-vdpa client for tests. It drives a vhost-vdpa
 * character device (upstream vhost_vdpa or anything speaking its UAPI) the way
 * DPDK and QEMU do, then runs one mode's traffic and checks. See README.md.
 *
 * Exit: 0 every check held, 1 a check failed, 2 usage.
 */
#include "client.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool client_verbose;

const char *errno_name(int e)
{
	static char buf[16];
	const char *n;

	if (e == 0)
		return "0";
	n = strerrorname_np(e);
	if (n)
		return n;
	snprintf(buf, sizeof(buf), "errno %d", e);
	return buf;
}

long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct {
	const char *name;
	int (*run)(const struct client_opts *o);
	const char *help;
} modes[] = {
    {"info", mode_info, "set up and tear down, print what the device reports"},
    {"net", mode_net, "send and receive test frames (virtio-net)"},
    {"blk", mode_blk, "write, flush, read back and compare (virtio-blk)"},
    {"abuse", mode_abuse, "bad input; every errno compared to upstream vhost_vdpa's"},
    {"offload", mode_offload, "checksum and TSO offloads of a device in loopback (virtio-net)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: vhost-client [OPTIONS] MODE NODE\n\nmodes:\n");
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		fprintf(f, "  %-7s %s\n", modes[i].name, modes[i].help);
	fprintf(f,
		"\noptions:\n"
		"  --iova-va         map the DMA region with IOVA = VA (as DPDK does);\n"
		"                    default: an IOVA different from the VA\n"
		"  --mem MIB         size of the DMA region (default 4)\n"
		"  --map-pages       map the region one page per IOTLB UPDATE (in one batch):\n"
		"                    an IOTLB entry per page, as a fragmented guest RAM gives\n"
		"  --queue-size N    vring size, a power of two (default min(256, device max))\n"
		"  --timeout S       seconds the traffic of a mode may take (default 10)\n"
		"  -v, --verbose     print every step\n"
		"  -h, --help        this text\n"
		"net:\n"
		"  --tx N            frames to send (default 100)\n"
		"  --rx N            valid test frames to wait for (default 100)\n"
		"  --size BYTES      Ethernet frame size, 60-1514 (default 256)\n"
		"  --src-mac MAC     source (default: the device's MAC, else 02:00:00:00:00:01)\n"
		"  --dst-mac MAC     destination (default ff:ff:ff:ff:ff:ff)\n"
		"  --rx-any          count every received frame of ethertype 0x88b5, whatever\n"
		"                    its payload (frames of another sender, e.g. a peer interface)\n"
		"  --suspend         after the traffic, VHOST_VDPA_SUSPEND: 8 more frames kicked\n"
		"                    must not be consumed (needs VHOST_BACKEND_F_SUSPEND)\n"
		"blk:\n"
		"  --kib N           KiB written and read back, in 64 KiB pieces (default 384)\n");
}

static int parse_ulong(const char *s, unsigned long min, unsigned long max, unsigned long *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

enum {
	OPT_IOVA_VA = 0x100,
	OPT_MEM,
	OPT_QUEUE_SIZE,
	OPT_TIMEOUT,
	OPT_TX,
	OPT_RX,
	OPT_SIZE,
	OPT_SRC_MAC,
	OPT_DST_MAC,
	OPT_KIB,
	OPT_RX_ANY,
	OPT_SUSPEND,
	OPT_MAP_PAGES,
};

static int parse_args(int argc, char **argv, struct client_opts *o, int *ret_mode)
{
	static const struct option longopts[] = {
	    {"iova-va", no_argument, NULL, OPT_IOVA_VA},
	    {"mem", required_argument, NULL, OPT_MEM},
	    {"queue-size", required_argument, NULL, OPT_QUEUE_SIZE},
	    {"timeout", required_argument, NULL, OPT_TIMEOUT},
	    {"tx", required_argument, NULL, OPT_TX},
	    {"rx", required_argument, NULL, OPT_RX},
	    {"size", required_argument, NULL, OPT_SIZE},
	    {"src-mac", required_argument, NULL, OPT_SRC_MAC},
	    {"dst-mac", required_argument, NULL, OPT_DST_MAC},
	    {"kib", required_argument, NULL, OPT_KIB},
	    {"rx-any", no_argument, NULL, OPT_RX_ANY},
	    {"suspend", no_argument, NULL, OPT_SUSPEND},
	    {"map-pages", no_argument, NULL, OPT_MAP_PAGES},
	    {"verbose", no_argument, NULL, 'v'},
	    {"help", no_argument, NULL, 'h'},
	    {}};
	unsigned long v;
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) >= 0) {
		int r = 0;

		switch (c) {
		case OPT_IOVA_VA:
			o->iova_va = true;
			break;
		case OPT_MEM:
			r = parse_ulong(optarg, 1, 1024, &v);
			o->mem_size = (size_t)v << 20;
			break;
		case OPT_QUEUE_SIZE:
			r = parse_ulong(optarg, 1, 32768, &v);
			if (r == 0 && (v & (v - 1)))
				r = -EINVAL;
			o->queue_size = (unsigned int)v;
			break;
		case OPT_TIMEOUT:
			r = parse_ulong(optarg, 1, 3600, &v);
			o->timeout_ms = (int)v * 1000;
			break;
		case OPT_TX:
			r = parse_ulong(optarg, 0, 100000000, &o->tx);
			break;
		case OPT_RX:
			r = parse_ulong(optarg, 0, 100000000, &o->rx);
			break;
		case OPT_SIZE:
			r = parse_ulong(optarg, 60, 1514, &v);
			o->frame_size = (unsigned int)v;
			break;
		case OPT_SRC_MAC:
			r = parse_mac(optarg, o->src_mac);
			o->src_set = true;
			break;
		case OPT_DST_MAC:
			r = parse_mac(optarg, o->dst_mac);
			o->dst_set = true;
			break;
		case OPT_KIB:
			r = parse_ulong(optarg, 64, 65536, &v);
			o->blk_kib = (unsigned int)v;
			break;
		case OPT_RX_ANY:
			o->rx_any = true;
			break;
		case OPT_SUSPEND:
			o->suspend = true;
			break;
		case OPT_MAP_PAGES:
			o->map_pages = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			complain("Try 'vhost-client --help'.\n");
			return -EINVAL;
		}
		if (r < 0) {
			complain("vhost-client: invalid value '%s' for --%s; try 'vhost-client "
				 "--help'.\n",
				 optarg, longopts[c - OPT_IOVA_VA].name);
			return -EINVAL;
		}
	}
	if (argc - optind != 2) {
		complain("vhost-client: expected MODE and NODE; try 'vhost-client --help'.\n");
		return -EINVAL;
	}
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(argv[optind], modes[i].name) == 0)
			*ret_mode = (int)i;
	if (*ret_mode < 0) {
		complain("vhost-client: unknown mode '%s'; try 'vhost-client --help'.\n",
			 argv[optind]);
		return -EINVAL;
	}
	o->path = argv[optind + 1];
	return 0;
}

int main(int argc, char **argv)
{
	struct client_opts o = {
	    .mem_size = 4u << 20,
	    .timeout_ms = 10000,
	    .tx = 100,
	    .rx = 100,
	    .frame_size = 256,
	    .blk_kib = 384,
	};
	int mode = -1;

	if (parse_args(argc, argv, &o, &mode) < 0)
		return EXIT_USAGE;
	client_verbose = o.verbose;
	setvbuf(stdout, NULL, _IOLBF, 0);
	return modes[mode].run(&o) == 0 ? 0 : EXIT_CHECK_FAILED;
}
