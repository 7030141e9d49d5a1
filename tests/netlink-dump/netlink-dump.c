/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * netlink-dump: what the netlink client library (src/shared/mdev-netlink.h)
 * makes of the running kernel's mdev_virtio family, one "key=value ..." line
 * per object, for developers and VM tests to read or grep.
 *
 *   netlink-dump parents | devices
 *   netlink-dump device|config|stats|clear-stats UUID
 *   netlink-dump monitor [SECONDS]     events until SECONDS pass (default: forever)
 *
 * Exit status 0 on success, 1 on failure (the errno and the kernel's extack
 * message on stderr), 2 on a usage error.
 */
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

#include "mdev-netlink.h"

static void print_device(const char *prefix, const struct mdev_nl_device *d)
{
	printf("%suuid=%s parent=%s type=%s class=%u device_id=%" PRIu32 " driver=%s "
	       "status=0x%02x device_features=0x%" PRIx64 " driver_features=0x%" PRIx64
	       " num_vqs=%" PRIu32 " vq_num_max=%u\n",
	       prefix, d->uuid_str, d->parent, d->type, d->class_id, d->device_id,
	       d->has_driver ? d->driver : "-", d->status, d->device_features, d->driver_features,
	       d->num_vqs, d->vq_num_max);
}

static int on_device(const struct mdev_nl_device *d, void *userdata)
{
	print_device("device ", d);
	return 0;
}

static int on_parent(const struct mdev_nl_parent *p, void *userdata)
{
	printf("parent name=%s types=%zu\n", p->name, p->n_types);
	for (size_t i = 0; i < p->n_types; i++)
		printf("type parent=%s id=%s class=%u device_id=%" PRIu32 " max=%" PRIu32
		       " available=%" PRIu32 " description=\"%s\"\n",
		       p->name, p->types[i].id, p->types[i].class_id, p->types[i].device_id,
		       p->types[i].max_instances, p->types[i].available, p->types[i].description);
	return 0;
}

static void print_config(const struct mdev_nl_config *c)
{
	printf("config uuid=%s", c->uuid_str);
	if (c->has_device_id)
		printf(" device_id=%" PRIu32, c->device_id);
	if (c->has_generation)
		printf(" generation=%" PRIu32, c->generation);
	if (c->has_mac)
		printf(" mac=%02x:%02x:%02x:%02x:%02x:%02x", c->mac[0], c->mac[1], c->mac[2],
		       c->mac[3], c->mac[4], c->mac[5]);
	if (c->has_mtu)
		printf(" mtu=%u", c->mtu);
	if (c->has_max_vqp)
		printf(" max_vqp=%u", c->max_vqp);
	if (c->has_net_status)
		printf(" net_status=0x%x", c->net_status);
	if (c->has_capacity)
		printf(" capacity=%" PRIu64, c->capacity);
	if (c->has_blk_size)
		printf(" blk_size=%" PRIu32, c->blk_size);
	printf("\n");
}

static void print_vq(const char *what, const struct mdev_nl_vq_stats *s)
{
	printf("%s kicks=%" PRIu64 " completed=%" PRIu64 " descriptors=%" PRIu64 " bytes=%" PRIu64
	       " errors=%" PRIu64 " drops=%" PRIu64 "\n",
	       what, s->kicks, s->completed, s->descriptors, s->bytes, s->errors, s->drops);
}

static void print_stats(const struct mdev_nl_stats *s)
{
	char what[64];

	for (size_t i = 0; i < s->n_vqs; i++) {
		snprintf(what, sizeof(what), "vq index=%" PRIu32, s->vqs[i].index);
		print_vq(what, &s->vqs[i]);
	}
	print_vq("total", &s->total);
}

static int on_event(enum mdev_nl_event_kind kind, const struct mdev_nl_device *dev, void *userdata)
{
	char prefix[32];

	if (!dev) {
		printf("event=%s\n", mdev_nl_event_kind_to_string(kind));
	} else {
		snprintf(prefix, sizeof(prefix), "event=%s ", mdev_nl_event_kind_to_string(kind));
		print_device(prefix, dev);
	}
	fflush(stdout);
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int monitor(const char *seconds)
{
	struct mdev_nl_events *ev = NULL;
	uint64_t end = 0;
	int r;

	if (seconds) {
		char *e;
		unsigned long s = strtoul(seconds, &e, 10);

		if (*e || !*seconds || s > 86400) {
			fprintf(stderr, "netlink-dump: bad number of seconds '%s'\n", seconds);
			return 2;
		}
		end = now_ms() + s * 1000;
	}
	r = mdev_nl_events_open(&ev);
	if (r < 0) {
		fprintf(stderr, "netlink-dump: listening to events: %s\n", strerror(-r));
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	for (;;) {
		struct pollfd p = {.fd = mdev_nl_events_fd(ev), .events = POLLIN};
		uint64_t now = now_ms();
		int timeout = end ? (now >= end ? 0 : (int)(end - now)) : -1;

		if (end && now >= end)
			break;
		if (poll(&p, 1, timeout) < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		r = mdev_nl_events_process(ev, on_event, NULL);
		if (r < 0)
			break;
	}
	mdev_nl_events_close(ev);
	if (r < 0) {
		fprintf(stderr, "netlink-dump: reading events: %s\n", strerror(-r));
		return 1;
	}
	return 0;
}

static int request(struct mdev_nl *nl, const char *verb, const char *uuid)
{
	struct mdev_nl_stats *s = NULL;
	struct mdev_nl_device d;
	struct mdev_nl_config c;
	int r;

	if (streq(verb, "parents"))
		return mdev_nl_dump_parents(nl, on_parent, NULL);
	if (streq(verb, "devices"))
		return mdev_nl_dump_devices(nl, on_device, NULL);
	if (streq(verb, "device")) {
		r = mdev_nl_get_device(nl, uuid, &d);
		if (r >= 0)
			print_device("device ", &d);
		return r;
	}
	if (streq(verb, "config")) {
		r = mdev_nl_get_config(nl, uuid, &c);
		if (r >= 0)
			print_config(&c);
		return r;
	}
	if (streq(verb, "stats")) {
		r = mdev_nl_get_stats(nl, uuid, &s);
		if (r >= 0)
			print_stats(s);
		free(s);
		return r;
	}
	return mdev_nl_clear_stats(nl, uuid);
}

static bool needs_uuid(const char *verb)
{
	return streq(verb, "device") || streq(verb, "config") || streq(verb, "stats") ||
	       streq(verb, "clear-stats");
}

int main(int argc, char **argv)
{
	struct mdev_nl *nl = NULL;
	const char *verb = argc > 1 ? argv[1] : "";
	int r;

	if (streq(verb, "monitor") && argc <= 3)
		return monitor(argc == 3 ? argv[2] : NULL);
	if (!((argc == 2 && (streq(verb, "parents") || streq(verb, "devices"))) ||
	      (argc == 3 && needs_uuid(verb)))) {
		fprintf(stderr, "usage: netlink-dump parents|devices\n"
				"       netlink-dump device|config|stats|clear-stats UUID\n"
				"       netlink-dump monitor [SECONDS]\n");
		return 2;
	}
	r = mdev_nl_open(&nl);
	if (r < 0) {
		fprintf(stderr, "netlink-dump: family '%s': %s\n", "mdev_virtio", strerror(-r));
		return 1;
	}
	r = request(nl, verb, argc == 3 ? argv[2] : NULL);
	if (r < 0) {
		const char *msg = mdev_nl_last_error(nl);

		fprintf(stderr, "netlink-dump: %s%s%s: %s%s%s\n", verb, argc == 3 ? " " : "",
			argc == 3 ? argv[2] : "", strerror(-r), *msg ? ": " : "", msg);
	}
	mdev_nl_close(nl);
	return r < 0 ? 1 : 0;
}
