/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink parsers against byte arrays (no kernel): every attribute of
 * every reply kind, events, error messages with extack, and what a broken
 * or hostile kernel could send: truncation at every length, wrong sizes,
 * missing mandatory attributes, bad strings, unknown attributes.
 */
#include <netlink/errno.h>

#include "check-main.h"
#include "mdev-netlink-parse.h"
#include "netlink-build.h"

/* A copy of @m's bytes in a buffer of exactly their size, so ASan sees any over-read. */
static struct nlmsghdr *copy_exact(struct nl_msg *m, size_t len)
{
	struct nlmsghdr *nlh = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(nlh);
	memcpy(nlh, nlmsg_hdr(m), len);
	return nlh;
}

static size_t msg_len(struct nl_msg *m)
{
	return nlmsg_hdr(m)->nlmsg_len;
}

START_TEST(device_every_attribute)
{
	struct nl_msg *m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false);
	struct mdev_nl_device d;

	ck_assert_int_eq(mdev_nl_message_check(nlmsg_hdr(m), msg_len(m)), 0);
	ck_assert_int_eq(mdev_nl_parse_device(nlmsg_hdr(m), &d), 0);
	ck_assert_mem_eq(d.uuid, nlb_uuid, 16);
	ck_assert_str_eq(d.uuid_str, NLB_UUID_STR);
	ck_assert_str_eq(d.parent, "mvsim");
	ck_assert_str_eq(d.type, "mvsim-virtio_net");
	ck_assert_uint_eq(d.class_id, MDEV_VIRTIO_CLASS_ID_VIRTIO);
	ck_assert_uint_eq(d.device_id, 1);
	ck_assert(d.has_driver);
	ck_assert_str_eq(d.driver, "virtio_mdev");
	ck_assert_uint_eq(d.status, 0x0f);
	ck_assert_uint_eq(d.device_features, 0x130000000ULL);
	ck_assert_uint_eq(d.driver_features, 0x100000000ULL);
	ck_assert_uint_eq(d.num_vqs, 3);
	ck_assert_uint_eq(d.vq_num_max, 256);
	nlmsg_free(m);

	m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, false, true);
	ck_assert_int_eq(mdev_nl_parse_device(nlmsg_hdr(m), &d), 0);
	ck_assert(!d.has_driver);
	ck_assert_str_eq(d.driver, "");
	ck_assert_str_eq(d.parent, "mvsim");
	nlmsg_free(m);
}
END_TEST

/* Only the mandatory attributes: the rest reads as zero. */
START_TEST(device_optional_attributes_default)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_GET);
	struct mdev_nl_device d;

	nlb_device_mandatory(m);
	ck_assert_int_eq(mdev_nl_parse_device(nlmsg_hdr(m), &d), 0);
	ck_assert_uint_eq(d.status, 0);
	ck_assert_uint_eq(d.device_features, 0);
	ck_assert_uint_eq(d.num_vqs, 0);
	ck_assert(!d.has_driver);
	nlmsg_free(m);
}
END_TEST

START_TEST(config_every_attribute)
{
	struct nl_msg *m = nlb_config_net(false);
	struct mdev_nl_config c;

	ck_assert_int_eq(mdev_nl_parse_config(nlmsg_hdr(m), &c), 0);
	ck_assert_str_eq(c.uuid_str, NLB_UUID_STR);
	ck_assert(c.has_device_id && c.device_id == 1);
	ck_assert(c.has_generation && c.generation == 7);
	ck_assert(c.has_mac);
	ck_assert_mem_eq(c.mac, nlb_mac, 6);
	ck_assert(c.has_mtu && c.mtu == 1500);
	ck_assert(c.has_max_vqp && c.max_vqp == 4);
	ck_assert(c.has_net_status && c.net_status == 1);
	ck_assert(!c.has_capacity && !c.has_blk_size);
	nlmsg_free(m);

	m = nlb_config_blk();
	ck_assert_int_eq(mdev_nl_parse_config(nlmsg_hdr(m), &c), 0);
	ck_assert(c.has_device_id && c.device_id == 2);
	ck_assert(c.has_generation && c.generation == 0);
	ck_assert(c.has_capacity && c.capacity == 2097152);
	ck_assert(c.has_blk_size && c.blk_size == 512);
	ck_assert(!c.has_mac && !c.has_mtu && !c.has_max_vqp && !c.has_net_status);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_DEV_CONFIG_GET);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	ck_assert_int_eq(mdev_nl_parse_config(nlmsg_hdr(m), &c), 0);
	ck_assert(!c.has_device_id && !c.has_generation && !c.has_mac && !c.has_capacity);
	nlmsg_free(m);
}
END_TEST

START_TEST(parent_every_attribute)
{
	struct nl_msg *m = nlb_parent(false);
	struct mdev_nl_parent *p = NULL;

	ck_assert_int_eq(mdev_nl_parse_parent(nlmsg_hdr(m), &p), 0);
	ck_assert_str_eq(p->name, "mvsim");
	ck_assert_uint_eq(p->n_types, 2);
	ck_assert_str_eq(p->types[0].id, "mvsim-virtio_net");
	ck_assert_str_eq(p->types[0].description, "simulated device");
	ck_assert_uint_eq(p->types[0].class_id, MDEV_VIRTIO_CLASS_ID_VIRTIO);
	ck_assert_uint_eq(p->types[0].device_id, 1);
	ck_assert_uint_eq(p->types[0].max_instances, 16);
	ck_assert_uint_eq(p->types[0].available, 15);
	ck_assert_str_eq(p->types[1].id, "mvsim-vhost_blk");
	ck_assert_uint_eq(p->types[1].class_id, MDEV_VIRTIO_CLASS_ID_VHOST);
	ck_assert_uint_eq(p->types[1].device_id, 2);
	ck_assert_uint_eq(p->types[1].max_instances, 8);
	ck_assert_uint_eq(p->types[1].available, 8);
	free(p);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);
	nla_put_string(m, A(PARENT_NAME), "empty");
	ck_assert_int_eq(mdev_nl_parse_parent(nlmsg_hdr(m), &p), 0);
	ck_assert_str_eq(p->name, "empty");
	ck_assert_uint_eq(p->n_types, 0);
	free(p);
	nlmsg_free(m);
}
END_TEST

START_TEST(stats_every_attribute)
{
	struct nl_msg *m = nlb_stats(false);
	struct mdev_nl_stats *s = NULL;

	ck_assert_int_eq(mdev_nl_parse_stats(nlmsg_hdr(m), &s), 0);
	ck_assert_str_eq(s->uuid_str, NLB_UUID_STR);
	ck_assert_uint_eq(s->n_vqs, 3);
	for (uint32_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(s->vqs[i].index, i);
		ck_assert_uint_eq(s->vqs[i].kicks, 10 * i + 1);
		ck_assert_uint_eq(s->vqs[i].completed, 10 * i + 2);
		ck_assert_uint_eq(s->vqs[i].descriptors, 10 * i + 3);
		ck_assert_uint_eq(s->vqs[i].bytes, 10 * i + 4);
		ck_assert_uint_eq(s->vqs[i].errors, 10 * i + 5);
		ck_assert_uint_eq(s->vqs[i].drops, 10 * i + 6);
	}
	ck_assert_uint_eq(s->total.kicks, 33);
	ck_assert_uint_eq(s->total.completed, 36);
	ck_assert_uint_eq(s->total.descriptors, 39);
	ck_assert_uint_eq(s->total.bytes, 42);
	ck_assert_uint_eq(s->total.errors, 45);
	ck_assert_uint_eq(s->total.drops, 48);
	free(s);
	nlmsg_free(m);
}
END_TEST

/* Totals saturate; an index without counters reads as zeros; no vqs is fine. */
START_TEST(stats_totals_saturate)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	struct mdev_nl_stats *s = NULL;
	struct nlattr *nest;

	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nlb_vq(m, 5, UINT64_MAX - 7);
	nlb_vq(m, 9, UINT64_MAX - 7);
	nest = nla_nest_start(m, A(VQ_STATS));
	nla_put_u32(m, A(VQ_INDEX), 65535);
	nla_nest_end(m, nest);
	ck_assert_int_eq(mdev_nl_parse_stats(nlmsg_hdr(m), &s), 0);
	ck_assert_uint_eq(s->n_vqs, 3);
	ck_assert_uint_eq(s->vqs[1].index, 9);
	ck_assert_uint_eq(s->vqs[1].drops, UINT64_MAX - 1);
	ck_assert_uint_eq(s->vqs[2].index, 65535);
	ck_assert_uint_eq(s->vqs[2].kicks, 0);
	ck_assert_uint_eq(s->total.kicks, UINT64_MAX);
	ck_assert_uint_eq(s->total.drops, UINT64_MAX);
	free(s);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	ck_assert_int_eq(mdev_nl_parse_stats(nlmsg_hdr(m), &s), 0);
	ck_assert_uint_eq(s->n_vqs, 0);
	ck_assert_uint_eq(s->total.bytes, 0);
	free(s);
	nlmsg_free(m);
}
END_TEST

/* Run every parser on @nlh; returns how many accepted it. */
static int parse_all(struct nlmsghdr *nlh)
{
	struct mdev_nl_parent *p = NULL;
	struct mdev_nl_stats *s = NULL;
	struct mdev_nl_device d;
	struct mdev_nl_config c;
	enum mdev_nl_event_kind k;
	int ok = 0;

	ok += mdev_nl_parse_device(nlh, &d) == 0;
	ok += mdev_nl_parse_config(nlh, &c) == 0;
	ok += mdev_nl_parse_event(nlh, &k, &d) == 0;
	if (mdev_nl_parse_parent(nlh, &p) == 0) {
		free(p);
		ok++;
	}
	if (mdev_nl_parse_stats(nlh, &s) == 0) {
		free(s);
		ok++;
	}
	return ok;
}

/* Where the last attribute's payload ends: only its padding lies beyond. */
static size_t last_attr_end(struct nl_msg *m)
{
	struct genlmsghdr *ghdr = genlmsg_hdr(nlmsg_hdr(m));
	struct nlattr *nla, *last = NULL;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0), rem) last = nla;
	ck_assert_ptr_nonnull(last);
	return (size_t)((uint8_t *)last - (uint8_t *)nlmsg_hdr(m)) + last->nla_len;
}

/*
 * Every proper prefix of a message, both as a short buffer (refused by the
 * length check) and as a message whose nlmsg_len says it is short (refused
 * by every parser: with the mandatory attributes last, each prefix either
 * ends inside an attribute or lacks one). Cutting only the last attribute's
 * padding leaves every attribute whole: that is accepted.
 */
static void check_truncations(struct nl_msg *m, int (*parse)(struct nlmsghdr *nlh))
{
	size_t full = msg_len(m), end = last_attr_end(m);

	for (size_t len = 0; len < full; len++) {
		struct nlmsghdr *nlh = copy_exact(m, len);

		ck_assert_int_eq(mdev_nl_message_check(nlh, len), -EBADMSG);
		if (len >= NLMSG_HDRLEN) {
			nlh->nlmsg_len = (uint32_t)len;
			ck_assert_int_eq(mdev_nl_message_check(nlh, len), 0);
			ck_assert_msg(parse(nlh) == (len >= end ? 0 : -EBADMSG),
				      "prefix of %zu/%zu bytes (payload ends at %zu)", len, full,
				      end);
			/* Other parsers may take a prefix (a config needs only the UUID). */
			(void)parse_all(nlh);
		}
		free(nlh);
	}
	ck_assert_int_eq(parse(nlmsg_hdr(m)), 0);
}

static int parse_device(struct nlmsghdr *nlh)
{
	struct mdev_nl_device d;

	return mdev_nl_parse_device(nlh, &d);
}

static int parse_event(struct nlmsghdr *nlh)
{
	struct mdev_nl_device d;
	enum mdev_nl_event_kind k;

	return mdev_nl_parse_event(nlh, &k, &d);
}

static int parse_config(struct nlmsghdr *nlh)
{
	struct mdev_nl_config c;

	return mdev_nl_parse_config(nlh, &c);
}

static int parse_parent(struct nlmsghdr *nlh)
{
	struct mdev_nl_parent *p = NULL;
	int r = mdev_nl_parse_parent(nlh, &p);

	free(p);
	return r;
}

static int parse_stats(struct nlmsghdr *nlh)
{
	struct mdev_nl_stats *s = NULL;
	int r = mdev_nl_parse_stats(nlh, &s);

	free(s);
	return r;
}

START_TEST(truncated_at_every_length)
{
	struct nl_msg *m;

	m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, true);
	check_truncations(m, parse_device);
	nlmsg_free(m);
	m = nlb_device(MDEV_VIRTIO_CMD_DEV_STATUS, true, true);
	check_truncations(m, parse_event);
	nlmsg_free(m);
	m = nlb_config_net(true);
	check_truncations(m, parse_config);
	nlmsg_free(m);
	m = nlb_parent(true);
	check_truncations(m, parse_parent);
	nlmsg_free(m);
	m = nlb_stats(true);
	check_truncations(m, parse_stats);
	nlmsg_free(m);
}
END_TEST

/* A message ending inside the nested attributes of a type or a vq. */
START_TEST(truncated_nested)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	struct nlattr *nest;

	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nlb_vq(m, 0, 0);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), 0);
	nest = (struct nlattr *)((uint8_t *)genlmsg_attrdata(genlmsg_hdr(nlmsg_hdr(m)), 0) + 20);
	ck_assert_int_eq(nest->nla_type & NLA_TYPE_MASK, A(VQ_STATS));
	/* The last counter sticks out of its nest; the message itself is whole. */
	nest->nla_len -= 4;
	nlmsg_hdr(m)->nlmsg_len -= 4;
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

struct sized {
	int type;
	int size;
};

/* Each fixed-size attribute one byte short, one byte long, and empty. */
START_TEST(wrong_attribute_sizes)
{
	static const struct sized device_attrs[] = {
	    {A(DEV_UUID), 16}, {A(CLASS_ID), 2},	{A(VIRTIO_DEVICE_ID), 4},
	    {A(STATUS), 1},    {A(DEVICE_FEATURES), 8}, {A(DRIVER_FEATURES), 8},
	    {A(NUM_VQS), 4},   {A(VQ_NUM_MAX), 2},
	};
	static const struct sized config_attrs[] = {
	    {A(CONFIG_GENERATION), 4}, {A(NET_MAC), 6},	     {A(NET_MTU), 2},  {A(NET_MAX_VQP), 2},
	    {A(NET_STATUS), 2},	       {A(BLK_CAPACITY), 8}, {A(BLK_SIZE), 4},
	};
	static const int deltas[] = {-1, 1, 4};
	uint8_t junk[32] = {0};

	for (size_t i = 0; i < ELEMENTSOF(device_attrs); i++)
		for (size_t j = 0; j < ELEMENTSOF(deltas); j++) {
			/* A second instance: each instance is judged, not only the one kept. */
			struct nl_msg *m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false);

			nla_put(m, device_attrs[i].type, device_attrs[i].size + deltas[j], junk);
			ck_assert_msg(parse_device(nlmsg_hdr(m)) == -EBADMSG,
				      "attribute %d of %d bytes accepted", device_attrs[i].type,
				      device_attrs[i].size + deltas[j]);
			nlmsg_free(m);
		}
	for (size_t i = 0; i < ELEMENTSOF(config_attrs); i++)
		for (size_t j = 0; j < ELEMENTSOF(deltas); j++) {
			struct nl_msg *m = nlb_config_net(false);

			nla_put(m, config_attrs[i].type, config_attrs[i].size + deltas[j], junk);
			ck_assert_msg(parse_config(nlmsg_hdr(m)) == -EBADMSG,
				      "attribute %d of %d bytes accepted", config_attrs[i].type,
				      config_attrs[i].size + deltas[j]);
			nlmsg_free(m);
		}
}
END_TEST

START_TEST(wrong_sizes_nested)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	struct nlattr *nest;

	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nest = nla_nest_start(m, A(VQ_STATS));
	nla_put_u16(m, A(VQ_INDEX), 1);
	nla_nest_end(m, nest);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nest = nla_nest_start(m, A(VQ_STATS));
	nla_put_u32(m, A(VQ_INDEX), 1);
	nla_put_u32(m, A(STATS_BYTES), 1);
	nla_nest_end(m, nest);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);
	nla_put_string(m, A(PARENT_NAME), "mvsim");
	nlb_type(m, "mvsim-virtio_net", 1, 1, 1, 1);
	nest = nla_nest_start(m, A(TYPE));
	nla_put_string(m, A(TYPE_ID), "mvsim-virtio_blk");
	nla_put_u16(m, A(CLASS_ID), 1);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 2);
	nla_put_u32(m, A(TYPE_MAX_INSTANCES), 1);
	nla_put_u64(m, A(TYPE_AVAILABLE), 1);
	nla_nest_end(m, nest);
	ck_assert_int_eq(parse_parent(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

/* Each mandatory attribute of a device left out in turn. */
START_TEST(missing_mandatory)
{
	static const int mandatory[] = {A(DEV_UUID), A(PARENT_NAME), A(TYPE_ID), A(CLASS_ID),
					A(VIRTIO_DEVICE_ID)};

	for (size_t i = 0; i < ELEMENTSOF(mandatory); i++) {
		struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_NEW);

		if (mandatory[i] != A(DEV_UUID))
			nla_put(m, A(DEV_UUID), 16, nlb_uuid);
		if (mandatory[i] != A(PARENT_NAME))
			nla_put_string(m, A(PARENT_NAME), "mvsim");
		if (mandatory[i] != A(TYPE_ID))
			nla_put_string(m, A(TYPE_ID), "mvsim-virtio_net");
		if (mandatory[i] != A(CLASS_ID))
			nla_put_u16(m, A(CLASS_ID), 1);
		if (mandatory[i] != A(VIRTIO_DEVICE_ID))
			nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
		nlb_device_optional(m, true);
		ck_assert_int_eq(parse_device(nlmsg_hdr(m)), -EBADMSG);
		ck_assert_int_eq(parse_event(nlmsg_hdr(m)), -EBADMSG);
		nlmsg_free(m);
	}
}
END_TEST

START_TEST(missing_mandatory_nested)
{
	static const int mandatory[] = {A(TYPE_ID), A(CLASS_ID), A(VIRTIO_DEVICE_ID),
					A(TYPE_MAX_INSTANCES), A(TYPE_AVAILABLE)};
	struct nl_msg *m;
	struct nlattr *nest;

	for (size_t i = 0; i < ELEMENTSOF(mandatory); i++) {
		m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);
		nla_put_string(m, A(PARENT_NAME), "mvsim");
		nest = nla_nest_start(m, A(TYPE));
		if (mandatory[i] != A(TYPE_ID))
			nla_put_string(m, A(TYPE_ID), "mvsim-virtio_net");
		if (mandatory[i] != A(CLASS_ID))
			nla_put_u16(m, A(CLASS_ID), 1);
		if (mandatory[i] != A(VIRTIO_DEVICE_ID))
			nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
		if (mandatory[i] != A(TYPE_MAX_INSTANCES))
			nla_put_u32(m, A(TYPE_MAX_INSTANCES), 1);
		if (mandatory[i] != A(TYPE_AVAILABLE))
			nla_put_u32(m, A(TYPE_AVAILABLE), 1);
		nla_nest_end(m, nest);
		ck_assert_int_eq(parse_parent(nlmsg_hdr(m)), -EBADMSG);
		nlmsg_free(m);
	}

	/* A vq without its index. */
	m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nlb_vq(m, 0, 0);
	nest = nla_nest_start(m, A(VQ_STATS));
	nla_put_u64(m, A(STATS_KICKS), 1);
	nla_nest_end(m, nest);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);

	/* Stats and config without a UUID. */
	m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	nlb_vq(m, 0, 0);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
	m = nlb_new(MDEV_VIRTIO_CMD_DEV_CONFIG_GET);
	nla_put_u16(m, A(NET_MTU), 1500);
	ck_assert_int_eq(parse_config(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

START_TEST(vq_index_duplicate_or_out_of_range)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);

	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nlb_vq(m, 1, 0);
	nlb_vq(m, 2, 0);
	nlb_vq(m, 1, 0);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_DEV_STATS_GET);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nlb_vq(m, MDEV_NL_VQS_MAX, 0);
	ck_assert_int_eq(parse_stats(nlmsg_hdr(m)), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

/* The parent name given as raw bytes (NUL included where wanted). */
static int parse_device_named(const void *name, int len)
{
	struct nl_msg *m = nlb_new(MDEV_VIRTIO_CMD_DEV_GET);
	int r;

	nla_put(m, A(PARENT_NAME), len, name);
	nla_put(m, A(DEV_UUID), 16, nlb_uuid);
	nla_put_string(m, A(TYPE_ID), "t");
	nla_put_u16(m, A(CLASS_ID), 1);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
	r = parse_device(nlmsg_hdr(m));
	nlmsg_free(m);
	return r;
}

START_TEST(bad_strings)
{
	char longest[MDEV_NL_NAME_SIZE + 1];

	ck_assert_int_eq(parse_device_named("mvsim", 6), 0);
	ck_assert_int_eq(parse_device_named("mvsim", 5), -EBADMSG); /* unterminated */
	ck_assert_int_eq(parse_device_named("mv\0sim", 7), -EBADMSG); /* inner NUL */
	ck_assert_int_eq(parse_device_named("", 1), -EBADMSG); /* empty name */
	ck_assert_int_eq(parse_device_named("", 0), -EBADMSG); /* no payload */
	ck_assert_int_eq(parse_device_named("mv\xffsim", 7), -EBADMSG); /* not UTF-8 */
	ck_assert_int_eq(parse_device_named("mv\xc3\xa9sim", 8), 0); /* UTF-8 */
	memset(longest, 'a', sizeof(longest));
	longest[MDEV_NL_NAME_SIZE - 1] = '\0';
	ck_assert_int_eq(parse_device_named(longest, MDEV_NL_NAME_SIZE), 0);
	longest[MDEV_NL_NAME_SIZE - 1] = 'a';
	longest[MDEV_NL_NAME_SIZE] = '\0';
	ck_assert_int_eq(parse_device_named(longest, MDEV_NL_NAME_SIZE + 1), -EBADMSG);
}
END_TEST

START_TEST(description_limits)
{
	static char desc[MDEV_NL_DESCRIPTION_SIZE + 1];
	struct mdev_nl_parent *p = NULL;
	struct nl_msg *m;
	struct nlattr *nest;

	for (int over = 0; over <= 1; over++) {
		memset(desc, 'd', sizeof(desc));
		desc[MDEV_NL_DESCRIPTION_SIZE - 1 + over] = '\0';
		m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);
		nla_put_string(m, A(PARENT_NAME), "mvsim");
		nest = nla_nest_start(m, A(TYPE));
		nla_put_string(m, A(TYPE_ID), "mvsim-virtio_net");
		nla_put_string(m, A(TYPE_DESCRIPTION), desc);
		nla_put_u16(m, A(CLASS_ID), 1);
		nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
		nla_put_u32(m, A(TYPE_MAX_INSTANCES), 1);
		nla_put_u32(m, A(TYPE_AVAILABLE), 1);
		nla_nest_end(m, nest);
		if (over) {
			ck_assert_int_eq(mdev_nl_parse_parent(nlmsg_hdr(m), &p), -EBADMSG);
		} else {
			ck_assert_int_eq(mdev_nl_parse_parent(nlmsg_hdr(m), &p), 0);
			ck_assert_uint_eq(strlen(p->types[0].description),
					  MDEV_NL_DESCRIPTION_SIZE - 1);
			free(p);
		}
		nlmsg_free(m);
	}
}
END_TEST

/* Attributes past the known range, at the top and in nests, are skipped. */
START_TEST(unknown_attributes_skipped)
{
	static const uint8_t junk[7] = {1, 2, 3, 4, 5, 6, 7};
	struct mdev_nl_parent *p = NULL;
	struct mdev_nl_stats *s = NULL;
	struct mdev_nl_device d;
	struct nl_msg *m;
	struct nlattr *nest;

	m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false);
	nla_put(m, MDEV_VIRTIO_ATTR_MAX + 1, sizeof(junk), junk);
	nla_put(m, MDEV_VIRTIO_ATTR_MAX + 100, 0, NULL);
	nla_put(m, NLA_TYPE_MASK, 3, junk);
	ck_assert_int_eq(mdev_nl_parse_device(nlmsg_hdr(m), &d), 0);
	ck_assert_str_eq(d.type, "mvsim-virtio_net");
	ck_assert_uint_eq(d.vq_num_max, 256);
	nlmsg_free(m);

	m = nlb_new(MDEV_VIRTIO_CMD_PARENT_GET);
	nla_put_string(m, A(PARENT_NAME), "mvsim");
	nest = nla_nest_start(m, A(TYPE));
	nla_put(m, MDEV_VIRTIO_ATTR_MAX + 1, sizeof(junk), junk);
	nla_put_string(m, A(TYPE_ID), "mvsim-virtio_net");
	nla_put_u16(m, A(CLASS_ID), 1);
	nla_put_u32(m, A(VIRTIO_DEVICE_ID), 1);
	nla_put_u32(m, A(TYPE_MAX_INSTANCES), 4);
	nla_put_u32(m, A(TYPE_AVAILABLE), 3);
	nla_nest_end(m, nest);
	ck_assert_int_eq(mdev_nl_parse_parent(nlmsg_hdr(m), &p), 0);
	ck_assert_uint_eq(p->n_types, 1);
	ck_assert_uint_eq(p->types[0].available, 3);
	free(p);
	nlmsg_free(m);

	m = nlb_stats(false);
	nest = nla_nest_start(m, A(VQ_STATS));
	nla_put_u32(m, A(VQ_INDEX), 7);
	nla_put(m, MDEV_VIRTIO_ATTR_MAX + 2, sizeof(junk), junk);
	nla_put_u64(m, A(STATS_BYTES), 99);
	nla_nest_end(m, nest);
	ck_assert_int_eq(mdev_nl_parse_stats(nlmsg_hdr(m), &s), 0);
	ck_assert_uint_eq(s->n_vqs, 4);
	ck_assert_uint_eq(s->vqs[3].bytes, 99);
	free(s);
	nlmsg_free(m);
}
END_TEST

START_TEST(control_messages_refused)
{
	struct nl_msg *m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false);
	struct nlmsghdr *nlh = nlmsg_hdr(m);

	nlh->nlmsg_type = NLMSG_ERROR;
	ck_assert_int_eq(parse_device(nlh), -EPROTO);
	ck_assert_int_eq(parse_stats(nlh), -EPROTO);
	nlh->nlmsg_type = NLMSG_DONE;
	ck_assert_int_eq(parse_parent(nlh), -EPROTO);
	ck_assert_int_eq(parse_event(nlh), -EPROTO);
	/* A family message with no room for its genl header. */
	nlh->nlmsg_type = NLB_FAMILY;
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	ck_assert_int_eq(parse_device(nlh), -EBADMSG);
	ck_assert_int_eq(parse_event(nlh), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

START_TEST(events_of_each_kind)
{
	static const struct {
		uint8_t cmd;
		enum mdev_nl_event_kind kind;
		const char *name;
	} events[] = {
	    {MDEV_VIRTIO_CMD_DEV_NEW, MDEV_NL_EVENT_NEW, "new"},
	    {MDEV_VIRTIO_CMD_DEV_DEL, MDEV_NL_EVENT_DEL, "del"},
	    {MDEV_VIRTIO_CMD_DEV_BIND, MDEV_NL_EVENT_BIND, "bind"},
	    {MDEV_VIRTIO_CMD_DEV_UNBIND, MDEV_NL_EVENT_UNBIND, "unbind"},
	    {MDEV_VIRTIO_CMD_DEV_STATUS, MDEV_NL_EVENT_STATUS, "status"},
	    {MDEV_VIRTIO_CMD_DEV_CONFIG_CHANGED, MDEV_NL_EVENT_CONFIG_CHANGED, "config-changed"},
	};
	static const uint8_t not_events[] = {
	    MDEV_VIRTIO_CMD_UNSPEC,	     MDEV_VIRTIO_CMD_PARENT_GET, MDEV_VIRTIO_CMD_DEV_GET,
	    MDEV_VIRTIO_CMD_DEV_STATS_CLEAR, MDEV_VIRTIO_CMD_MAX + 1,	 255};
	enum mdev_nl_event_kind kind;
	struct mdev_nl_device d;

	for (size_t i = 0; i < ELEMENTSOF(events); i++) {
		struct nl_msg *m = nlb_device(events[i].cmd, i % 2, false);

		kind = MDEV_NL_EVENT_OVERRUN;
		ck_assert_int_eq(mdev_nl_parse_event(nlmsg_hdr(m), &kind, &d), 0);
		ck_assert_int_eq(kind, events[i].kind);
		ck_assert_str_eq(d.uuid_str, NLB_UUID_STR);
		ck_assert_int_eq(d.has_driver, i % 2);
		ck_assert_str_eq(mdev_nl_event_kind_to_string(kind), events[i].name);
		nlmsg_free(m);
	}
	for (size_t i = 0; i < ELEMENTSOF(not_events); i++) {
		struct nl_msg *m = nlb_device(not_events[i], true, false);

		ck_assert_int_eq(mdev_nl_parse_event(nlmsg_hdr(m), &kind, &d), -EOPNOTSUPP);
		nlmsg_free(m);
	}
	ck_assert_str_eq(mdev_nl_event_kind_to_string(MDEV_NL_EVENT_OVERRUN), "overrun");
	ck_assert_str_eq(mdev_nl_event_kind_to_string(MDEV_NL_EVENT_FAMILY_NEW), "family-new");
	ck_assert_str_eq(mdev_nl_event_kind_to_string(MDEV_NL_EVENT_FAMILY_DEL), "family-del");
	ck_assert_ptr_null(mdev_nl_event_kind_to_string(MDEV_NL_EVENT_FAMILY_DEL + 1));
	ck_assert_ptr_null(mdev_nl_event_kind_to_string((enum mdev_nl_event_kind) - 1));
}
END_TEST

/* An NLMSG_ERROR as netlink_ack() builds it: capped or with the request echoed. */
static struct nlmsghdr *error_message(int error, bool capped, int echoed, const char *text,
				      uint8_t *buf, size_t size)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlmsgerr *err;
	size_t off;

	memset(buf, 0, size);
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = (capped ? NLM_F_CAPPED : 0) | (text ? NLM_F_ACK_TLVS : 0);
	err = (struct nlmsgerr *)(buf + NLMSG_HDRLEN);
	err->error = error;
	err->msg.nlmsg_len = NLMSG_HDRLEN + echoed;
	err->msg.nlmsg_type = NLB_FAMILY;
	off = NLMSG_HDRLEN + sizeof(*err) + (capped ? 0 : NLMSG_ALIGN(echoed));
	memset(buf + NLMSG_HDRLEN + sizeof(*err), 0xee, capped ? 0 : echoed);
	if (text) {
		struct nlattr *nla = (struct nlattr *)(buf + off);

		nla->nla_type = NLMSGERR_ATTR_MSG;
		nla->nla_len = NLA_HDRLEN + strlen(text) + 1;
		memcpy(buf + off + NLA_HDRLEN, text, strlen(text) + 1);
		off += NLA_ALIGN(nla->nla_len);
		/* An attribute this code does not know, after the message. */
		nla = (struct nlattr *)(buf + off);
		nla->nla_type = NLMSGERR_ATTR_MAX + 1;
		nla->nla_len = NLA_HDRLEN + 4;
		off += NLA_HDRLEN + 4;
	}
	nlh->nlmsg_len = (uint32_t)off;
	ck_assert_uint_le(off, size);
	return nlh;
}

START_TEST(error_with_extack)
{
	uint8_t buf[512];
	struct mdev_nl_error e;
	struct nlmsghdr *nlh;

	nlh = error_message(-EBUSY, true, 0, "device is bound to a driver", buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, -EBUSY);
	ck_assert_str_eq(e.msg, "device is bound to a driver");

	/* The echoed request is stepped over, odd length and all. */
	nlh = error_message(-EINVAL, false, 22, "Unknown attribute type", buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, -EINVAL);
	ck_assert_str_eq(e.msg, "Unknown attribute type");

	nlh = error_message(-EPERM, false, 20, NULL, buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, -EPERM);
	ck_assert_str_eq(e.msg, "");

	nlh = error_message(0, true, 0, NULL, buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, 0);
}
END_TEST

START_TEST(error_message_sanitised)
{
	char text[MDEV_NL_ERROR_SIZE + 40];
	uint8_t buf[512];
	struct mdev_nl_error e;
	struct nlmsghdr *nlh;

	nlh = error_message(-EIO, true, 0, "bad\x1b[31mred\xff", buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_str_eq(e.msg, "bad?[31mred?");

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	nlh = error_message(-EIO, true, 0, text, buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_uint_eq(strlen(e.msg), MDEV_NL_ERROR_SIZE - 1);
}
END_TEST

START_TEST(error_message_malformed)
{
	uint8_t buf[512];
	struct mdev_nl_error e = {.error = 1234};
	struct nlmsghdr *nlh;
	struct nlmsgerr *err;
	size_t full, tlvs;

	/*
	 * Truncated at every length below the whole message: refused unless
	 * the cut falls between TLVs, which leaves a shorter valid message.
	 */
	nlh = error_message(-EBUSY, false, 24, "busy", buf, sizeof(buf));
	full = nlh->nlmsg_len;
	tlvs = NLMSG_HDRLEN + sizeof(*err) + 24;
	for (size_t len = NLMSG_HDRLEN; len < full; len++) {
		struct nlmsghdr *copy = malloc(len);
		bool boundary = len == tlvs || (len >= tlvs + NLA_HDRLEN + 5 &&
						len <= tlvs + NLA_ALIGN(NLA_HDRLEN + 5));

		memcpy(copy, buf, len);
		copy->nlmsg_len = (uint32_t)len;
		ck_assert_msg(mdev_nl_parse_error(copy, &e) == (boundary ? 0 : -EBADMSG), "%zu/%zu",
			      len, full);
		if (boundary)
			ck_assert_str_eq(e.msg, len == tlvs ? "" : "busy");
		free(copy);
	}
	e.error = 1234;
	nlh->nlmsg_len = NLMSG_HDRLEN + 3;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
	ck_assert_int_eq(e.error, 1234); /* untouched on failure */

	/* An echoed request said to be longer than the message, or shorter than a header. */
	nlh = error_message(-EBUSY, false, 24, "busy", buf, sizeof(buf));
	err = nlmsg_data(nlh);
	err->msg.nlmsg_len = UINT32_MAX;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
	err->msg.nlmsg_len = 3;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);

	/* Not an errno. */
	nlh = error_message(5, true, 0, NULL, buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
	nlh = error_message(-100000, true, 0, NULL, buf, sizeof(buf));
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);

	/* Not the end of a request. */
	nlh = error_message(-EBUSY, true, 0, NULL, buf, sizeof(buf));
	nlh->nlmsg_type = NLMSG_NOOP;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EPROTO);
	nlh->nlmsg_type = NLB_FAMILY;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EPROTO);
}
END_TEST

/* NLMSG_DONE: the dump's status, and the extack of a dump that failed midway. */
START_TEST(done_with_status)
{
	uint32_t buf[32] = {0};
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct nlattr *nla = (struct nlattr *)(buf + 5);
	struct mdev_nl_error e;

	nlh->nlmsg_type = NLMSG_DONE;
	nlh->nlmsg_len = NLMSG_HDRLEN;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, 0);
	nlh->nlmsg_len = NLMSG_HDRLEN + 2;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);

	buf[4] = (uint32_t)-EMSGSIZE;
	nlh->nlmsg_flags = NLM_F_MULTI | NLM_F_ACK_TLVS;
	nla->nla_type = NLMSGERR_ATTR_MSG;
	nla->nla_len = NLA_HDRLEN + 8;
	memcpy(nla + 1, "too big", 8);
	nlh->nlmsg_len = NLMSG_HDRLEN + 4 + NLA_HDRLEN + 8;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), 0);
	ck_assert_int_eq(e.error, -EMSGSIZE);
	ck_assert_str_eq(e.msg, "too big");
	nlh->nlmsg_len -= 1; /* the message's NUL cut off */
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
	nlh->nlmsg_len = NLMSG_HDRLEN; /* TLVs announced, not even a status */
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
	buf[4] = 1;
	nlh->nlmsg_len = NLMSG_HDRLEN + 4;
	ck_assert_int_eq(mdev_nl_parse_error(nlh, &e), -EBADMSG);
}
END_TEST

START_TEST(message_check)
{
	struct nl_msg *m = nlb_device(MDEV_VIRTIO_CMD_DEV_GET, true, false);
	struct nlmsghdr *nlh = nlmsg_hdr(m);
	size_t len = nlh->nlmsg_len;

	ck_assert_int_eq(mdev_nl_message_check(NULL, 100), -EBADMSG);
	ck_assert_int_eq(mdev_nl_message_check(nlh, len), 0);
	ck_assert_int_eq(mdev_nl_message_check(nlh, len + 100), 0);
	ck_assert_int_eq(mdev_nl_message_check(nlh, len - 1), -EBADMSG);
	ck_assert_int_eq(mdev_nl_message_check(nlh, NLMSG_HDRLEN - 1), -EBADMSG);
	nlh->nlmsg_len = NLMSG_HDRLEN - 1;
	ck_assert_int_eq(mdev_nl_message_check(nlh, len), -EBADMSG);
	nlmsg_free(m);
}
END_TEST

START_TEST(nle_codes_become_errnos)
{
	ck_assert_int_eq(mdev_nl_errno_from_nle(0), 0);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_OBJ_NOTFOUND), -ENOENT);
	ck_assert_int_eq(mdev_nl_errno_from_nle(NLE_OBJ_NOTFOUND), -ENOENT);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_PERM), -EPERM);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_NOACCESS), -EACCES);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_NOMEM), -ENOMEM);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_DUMP_INTR), -EAGAIN);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_BUSY), -EBUSY);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_MSG_TRUNC), -EBADMSG);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_OPNOTSUPP), -EOPNOTSUPP);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-NLE_FAILURE), -EIO);
	ck_assert_int_eq(mdev_nl_errno_from_nle(-(NLE_MAX + 1)), -EIO);
	ck_assert_int_eq(mdev_nl_errno_from_nle(INT32_MIN), -EIO);
	/* Every code maps to a negative errno. */
	for (int i = 1; i <= NLE_MAX; i++)
		ck_assert_int_lt(mdev_nl_errno_from_nle(-i), 0);
}
END_TEST

static Suite *netlink_suite(void)
{
	Suite *s = suite_create("mdev-netlink");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, device_every_attribute);
	tcase_add_test(tc, device_optional_attributes_default);
	tcase_add_test(tc, config_every_attribute);
	tcase_add_test(tc, parent_every_attribute);
	tcase_add_test(tc, stats_every_attribute);
	tcase_add_test(tc, stats_totals_saturate);
	tcase_add_test(tc, truncated_at_every_length);
	tcase_add_test(tc, truncated_nested);
	tcase_add_test(tc, wrong_attribute_sizes);
	tcase_add_test(tc, wrong_sizes_nested);
	tcase_add_test(tc, missing_mandatory);
	tcase_add_test(tc, missing_mandatory_nested);
	tcase_add_test(tc, vq_index_duplicate_or_out_of_range);
	tcase_add_test(tc, bad_strings);
	tcase_add_test(tc, description_limits);
	tcase_add_test(tc, unknown_attributes_skipped);
	tcase_add_test(tc, control_messages_refused);
	tcase_add_test(tc, events_of_each_kind);
	tcase_add_test(tc, error_with_extack);
	tcase_add_test(tc, error_message_sanitised);
	tcase_add_test(tc, error_message_malformed);
	tcase_add_test(tc, done_with_status);
	tcase_add_test(tc, message_check);
	tcase_add_test(tc, nle_codes_become_errnos);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(netlink_suite)
