/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The family's requests (API in mdev-netlink.h) on top of one round trip
 * (mdev-netlink.c) and the parsers (mdev-netlink-parse.c).
 *
 * A "do" request must be answered by exactly one reply about the UUID that
 * was asked for (else -EPROTO). A dump is collected whole before the caller
 * sees any of it, and redone up to DUMP_ATTEMPTS times while the kernel
 * marks it interrupted (the objects changed under it): the caller gets one
 * consistent snapshot or -EAGAIN.
 */
#include <systemd/sd-id128.h>

#include "mdev-netlink-internal.h"
#include "mdev-netlink-parse.h"
#include "uapi/linux/mdev_virtio.h"

#define DUMP_ATTEMPTS 5

static int uuid_from_arg(const char *uuid, uint8_t ret[static MDEV_NL_UUID_SIZE])
{
	char norm[UUID_STRING_LEN + 1];
	sd_id128_t id;

	if (uuid_normalize(uuid, norm) < 0 || sd_id128_from_string(norm, &id) < 0)
		return -EINVAL;
	memcpy(ret, id.bytes, sizeof(id.bytes));
	return 0;
}

/* The one reply of a do request. */
struct reply {
	uint8_t uuid[MDEV_NL_UUID_SIZE];
	bool got;
	struct mdev_nl_device dev;
	struct mdev_nl_config config;
	struct mdev_nl_stats *stats;
};

static int reply_check(struct reply *o, const uint8_t *uuid)
{
	if (memcmp(uuid, o->uuid, sizeof(o->uuid)) != 0)
		return -EPROTO;
	o->got = true;
	return 0;
}

static int device_reply(struct nlmsghdr *nlh, void *userdata)
{
	struct reply *o = userdata;
	int r;

	if (o->got)
		return -EPROTO;
	r = mdev_nl_parse_device(nlh, &o->dev);
	return r < 0 ? r : reply_check(o, o->dev.uuid);
}

static int config_reply(struct nlmsghdr *nlh, void *userdata)
{
	struct reply *o = userdata;
	int r;

	if (o->got)
		return -EPROTO;
	r = mdev_nl_parse_config(nlh, &o->config);
	return r < 0 ? r : reply_check(o, o->config.uuid);
}

static int stats_reply(struct nlmsghdr *nlh, void *userdata)
{
	struct reply *o = userdata;
	int r;

	if (o->got)
		return -EPROTO;
	r = mdev_nl_parse_stats(nlh, &o->stats);
	return r < 0 ? r : reply_check(o, o->stats->uuid);
}

/* One request about @uuid; @fn NULL for one answered by an ack only. */
static int request_do(struct mdev_nl *nl, uint8_t cmd, const char *uuid, mdev_nl_reply_fn fn,
		      struct reply *o)
{
	struct nl_msg *msg;
	int r;

	r = uuid_from_arg(uuid, o->uuid);
	if (r < 0)
		return r;
	r = mdev_nl_message_new(nl, cmd, 0, o->uuid, &msg);
	if (r < 0)
		return r;
	r = mdev_nl_transact(nl, msg, fn, o, NULL);
	nlmsg_free(msg);
	if (r < 0)
		return r;
	return fn && !o->got ? -EPROTO : 0;
}

int mdev_nl_get_device(struct mdev_nl *nl, const char *uuid, struct mdev_nl_device *ret)
{
	struct reply o = {};
	int r;

	r = request_do(nl, MDEV_VIRTIO_CMD_DEV_GET, uuid, device_reply, &o);
	if (r < 0)
		return r;
	*ret = o.dev;
	return 0;
}

int mdev_nl_get_config(struct mdev_nl *nl, const char *uuid, struct mdev_nl_config *ret)
{
	struct reply o = {};
	int r;

	r = request_do(nl, MDEV_VIRTIO_CMD_DEV_CONFIG_GET, uuid, config_reply, &o);
	if (r < 0)
		return r;
	*ret = o.config;
	return 0;
}

int mdev_nl_get_stats(struct mdev_nl *nl, const char *uuid, struct mdev_nl_stats **ret)
{
	struct reply o = {};
	int r;

	r = request_do(nl, MDEV_VIRTIO_CMD_DEV_STATS_GET, uuid, stats_reply, &o);
	if (r < 0) {
		free(o.stats);
		return r;
	}
	*ret = o.stats;
	return 0;
}

int mdev_nl_clear_stats(struct mdev_nl *nl, const char *uuid)
{
	struct reply o = {};

	return request_do(nl, MDEV_VIRTIO_CMD_DEV_STATS_CLEAR, uuid, NULL, &o);
}

/* A dump's objects, each allocated by @parse. */
struct snapshot {
	int (*parse)(struct nlmsghdr *nlh, void **ret);
	void **items;
	size_t n;
};

static void snapshot_clear(struct snapshot *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	s->items = NULL;
	s->n = 0;
}

static int snapshot_reply(struct nlmsghdr *nlh, void *userdata)
{
	struct snapshot *s = userdata;
	void **items, *item;
	int r;

	r = s->parse(nlh, &item);
	if (r < 0)
		return r;
	items = reallocarray(s->items, s->n + 1, sizeof(*items));
	if (!items) {
		free(item);
		return -ENOMEM;
	}
	s->items = items;
	s->items[s->n++] = item;
	return 0;
}

static int snapshot_dump(struct mdev_nl *nl, uint8_t cmd, struct snapshot *s)
{
	for (int attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		struct nl_msg *msg;
		bool interrupted = false;
		int r;

		snapshot_clear(s);
		r = mdev_nl_message_new(nl, cmd, NLM_F_DUMP, NULL, &msg);
		if (r < 0)
			return r;
		r = mdev_nl_transact(nl, msg, snapshot_reply, s, &interrupted);
		nlmsg_free(msg);
		if (r < 0)
			return r;
		if (!interrupted)
			return 0;
	}
	snapshot_clear(s);
	return -EAGAIN;
}

static int device_parse_new(struct nlmsghdr *nlh, void **ret)
{
	struct mdev_nl_device *d = malloc(sizeof(*d));
	int r;

	if (!d)
		return -ENOMEM;
	r = mdev_nl_parse_device(nlh, d);
	if (r < 0) {
		free(d);
		return r;
	}
	*ret = d;
	return 0;
}

static int parent_parse_new(struct nlmsghdr *nlh, void **ret)
{
	return mdev_nl_parse_parent(nlh, (struct mdev_nl_parent **)ret);
}

int mdev_nl_dump_devices(struct mdev_nl *nl, mdev_nl_device_fn fn, void *userdata)
{
	struct snapshot s = {.parse = device_parse_new};
	int r;

	r = snapshot_dump(nl, MDEV_VIRTIO_CMD_DEV_GET, &s);
	for (size_t i = 0; r >= 0 && i < s.n; i++)
		r = fn(s.items[i], userdata);
	if (r >= 0)
		r = (int)s.n;
	snapshot_clear(&s);
	return r;
}

int mdev_nl_dump_parents(struct mdev_nl *nl, mdev_nl_parent_fn fn, void *userdata)
{
	struct snapshot s = {.parse = parent_parse_new};
	int r;

	r = snapshot_dump(nl, MDEV_VIRTIO_CMD_PARENT_GET, &s);
	for (size_t i = 0; r >= 0 && i < s.n; i++)
		r = fn(s.items[i], userdata);
	if (r >= 0)
		r = (int)s.n;
	snapshot_clear(&s);
	return r;
}
