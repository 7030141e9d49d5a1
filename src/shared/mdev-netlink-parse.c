/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Replies and events of the mdev_virtio family as C structs (contract in
 * mdev-netlink-parse.h). libnl walks the attributes and checks them against
 * one policy for the family's single attribute space; what libnl lets
 * through and we refuse is done here: a size other than the exact one of an
 * integer, bytes left over after the last whole attribute (a truncated
 * message libnl would read as a shorter one), strings with an inner NUL or
 * not UTF-8, and missing mandatory attributes.
 */
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>
#include <systemd/sd-id128.h>

#include "uapi/linux/mdev_virtio.h"
#include "mdev-netlink-parse.h"
#include "utf8.h"

#define A(name) MDEV_VIRTIO_ATTR_##name
#define EXACT(t, size)                                          \
	{                                                       \
		.type = (t), .minlen = (size), .maxlen = (size) \
	}
#define STRING(size)                                 \
	{                                            \
		.type = NLA_STRING, .maxlen = (size) \
	}

/* Sizes are exact: libnl alone would take a u32 of 8 bytes, or of 5. */
static const struct nla_policy policy[A(MAX) + 1] = {
    [A(PARENT_NAME)] = STRING(MDEV_NL_NAME_SIZE),
    [A(TYPE)] = {.type = NLA_NESTED},
    [A(TYPE_ID)] = STRING(MDEV_NL_NAME_SIZE),
    [A(TYPE_DESCRIPTION)] = STRING(MDEV_NL_DESCRIPTION_SIZE),
    [A(TYPE_MAX_INSTANCES)] = EXACT(NLA_U32, 4),
    [A(TYPE_AVAILABLE)] = EXACT(NLA_U32, 4),
    [A(CLASS_ID)] = EXACT(NLA_U16, 2),
    [A(VIRTIO_DEVICE_ID)] = EXACT(NLA_U32, 4),
    [A(DEV_UUID)] = EXACT(NLA_UNSPEC, MDEV_NL_UUID_SIZE),
    [A(DRIVER)] = STRING(MDEV_NL_NAME_SIZE),
    [A(STATUS)] = EXACT(NLA_U8, 1),
    [A(DEVICE_FEATURES)] = EXACT(NLA_U64, 8),
    [A(DRIVER_FEATURES)] = EXACT(NLA_U64, 8),
    [A(NUM_VQS)] = EXACT(NLA_U32, 4),
    [A(VQ_NUM_MAX)] = EXACT(NLA_U16, 2),
    [A(CONFIG_GENERATION)] = EXACT(NLA_U32, 4),
    [A(NET_MAC)] = EXACT(NLA_UNSPEC, MDEV_NL_MAC_SIZE),
    [A(NET_MTU)] = EXACT(NLA_U16, 2),
    [A(NET_MAX_VQP)] = EXACT(NLA_U16, 2),
    [A(NET_STATUS)] = EXACT(NLA_U16, 2),
    [A(BLK_CAPACITY)] = EXACT(NLA_U64, 8),
    [A(BLK_SIZE)] = EXACT(NLA_U32, 4),
    [A(VQ_STATS)] = {.type = NLA_NESTED},
    [A(VQ_INDEX)] = EXACT(NLA_U32, 4),
    [A(STATS_KICKS)] = EXACT(NLA_U64, 8),
    [A(STATS_COMPLETED)] = EXACT(NLA_U64, 8),
    [A(STATS_DESCRIPTORS)] = EXACT(NLA_U64, 8),
    [A(STATS_BYTES)] = EXACT(NLA_U64, 8),
    [A(STATS_ERRORS)] = EXACT(NLA_U64, 8),
    [A(STATS_DROPS)] = EXACT(NLA_U64, 8),
};

typedef struct nlattr *attr_table[A(MAX) + 1];

int mdev_nl_message_check(const void *buf, size_t size)
{
	const struct nlmsghdr *nlh = buf;

	if (!buf || size < NLMSG_HDRLEN)
		return -EBADMSG;
	if (nlh->nlmsg_len < NLMSG_HDRLEN || nlh->nlmsg_len > size)
		return -EBADMSG;
	return 0;
}

/* Attributes must fill @len exactly, up to the padding of the last one. */
static int attrs_parse(attr_table tb, struct nlattr *head, int len)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem);
	if (rem > 0)
		return -EBADMSG;
	return nla_parse(tb, A(MAX), head, len, policy) < 0 ? -EBADMSG : 0;
}

static int nested_parse(attr_table tb, struct nlattr *nest)
{
	return attrs_parse(tb, nla_data(nest), nla_len(nest));
}

/* The generic netlink header of a family message, and its command. */
static int message_header(struct nlmsghdr *nlh, uint8_t *ret_cmd)
{
	if (nlh->nlmsg_type < NLMSG_MIN_TYPE)
		return -EPROTO;
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	if (ret_cmd)
		*ret_cmd = genlmsg_hdr(nlh)->cmd;
	return 0;
}

/* The top-level attributes of a message message_header() accepted. */
static int message_attrs(struct nlmsghdr *nlh, attr_table tb)
{
	struct genlmsghdr *ghdr = genlmsg_hdr(nlh);

	if (attrs_parse(tb, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0)) < 0)
		return -EBADMSG;
	/* genlmsg_parse() again, now that the stream is known to be whole. */
	if (genlmsg_parse(nlh, 0, tb, A(MAX), policy) < 0)
		return -EBADMSG;
	return 0;
}

static int message_parse(struct nlmsghdr *nlh, attr_table tb)
{
	int r = message_header(nlh, NULL);

	return r < 0 ? r : message_attrs(nlh, tb);
}

/* Copy a string attribute the policy bounded to @size; @nonempty for names. */
static int string_get(const struct nlattr *nla, char *buf, size_t size, bool nonempty)
{
	const char *s = nla_data(nla);
	size_t len = (size_t)nla_len(nla); /* >= 1, ends in NUL: the policy checked */

	if (len > size || strnlen(s, len) != len - 1)
		return -EBADMSG;
	if ((nonempty && len == 1) || !utf8_is_valid(s))
		return -EBADMSG;
	memcpy(buf, s, len);
	return 0;
}

static int uuid_get(const struct nlattr *nla, uint8_t uuid[static MDEV_NL_UUID_SIZE],
		    char uuid_str[static UUID_STRING_LEN + 1])
{
	sd_id128_t id;

	if (!nla)
		return -EBADMSG;
	memcpy(id.bytes, nla_data(nla), sizeof(id.bytes));
	memcpy(uuid, id.bytes, sizeof(id.bytes));
	sd_id128_to_uuid_string(id, uuid_str);
	return 0;
}

static int device_from_attrs(attr_table tb, struct mdev_nl_device *ret)
{
	struct mdev_nl_device d = {};
	int r;

	if (!tb[A(PARENT_NAME)] || !tb[A(TYPE_ID)] || !tb[A(CLASS_ID)] || !tb[A(VIRTIO_DEVICE_ID)])
		return -EBADMSG;
	r = uuid_get(tb[A(DEV_UUID)], d.uuid, d.uuid_str);
	if (r < 0)
		return r;
	r = string_get(tb[A(PARENT_NAME)], d.parent, sizeof(d.parent), true);
	if (r < 0)
		return r;
	r = string_get(tb[A(TYPE_ID)], d.type, sizeof(d.type), true);
	if (r < 0)
		return r;
	if (tb[A(DRIVER)]) {
		r = string_get(tb[A(DRIVER)], d.driver, sizeof(d.driver), true);
		if (r < 0)
			return r;
		d.has_driver = true;
	}
	d.class_id = nla_get_u16(tb[A(CLASS_ID)]);
	d.device_id = nla_get_u32(tb[A(VIRTIO_DEVICE_ID)]);
	if (tb[A(STATUS)])
		d.status = nla_get_u8(tb[A(STATUS)]);
	if (tb[A(DEVICE_FEATURES)])
		d.device_features = nla_get_u64(tb[A(DEVICE_FEATURES)]);
	if (tb[A(DRIVER_FEATURES)])
		d.driver_features = nla_get_u64(tb[A(DRIVER_FEATURES)]);
	if (tb[A(NUM_VQS)])
		d.num_vqs = nla_get_u32(tb[A(NUM_VQS)]);
	if (tb[A(VQ_NUM_MAX)])
		d.vq_num_max = nla_get_u16(tb[A(VQ_NUM_MAX)]);
	*ret = d;
	return 0;
}

int mdev_nl_parse_device(struct nlmsghdr *nlh, struct mdev_nl_device *ret)
{
	attr_table tb;
	int r;

	r = message_parse(nlh, tb);
	if (r < 0)
		return r;
	return device_from_attrs(tb, ret);
}

static const enum mdev_nl_event_kind event_kinds[] = {
    [MDEV_VIRTIO_CMD_DEV_NEW] = MDEV_NL_EVENT_NEW,
    [MDEV_VIRTIO_CMD_DEV_DEL] = MDEV_NL_EVENT_DEL,
    [MDEV_VIRTIO_CMD_DEV_BIND] = MDEV_NL_EVENT_BIND,
    [MDEV_VIRTIO_CMD_DEV_UNBIND] = MDEV_NL_EVENT_UNBIND,
    [MDEV_VIRTIO_CMD_DEV_STATUS] = MDEV_NL_EVENT_STATUS,
    [MDEV_VIRTIO_CMD_DEV_CONFIG_CHANGED] = MDEV_NL_EVENT_CONFIG_CHANGED,
};

int mdev_nl_parse_event(struct nlmsghdr *nlh, enum mdev_nl_event_kind *ret_kind,
			struct mdev_nl_device *ret_dev)
{
	struct mdev_nl_device d;
	attr_table tb;
	uint8_t cmd;
	int r;

	r = message_header(nlh, &cmd);
	if (r < 0)
		return r;
	/* OVERRUN is 0, so a hole in the table is a command that is no event. */
	if (cmd >= ELEMENTSOF(event_kinds) || event_kinds[cmd] == MDEV_NL_EVENT_OVERRUN)
		return -EOPNOTSUPP;
	r = message_attrs(nlh, tb);
	if (r < 0)
		return r;
	r = device_from_attrs(tb, &d);
	if (r < 0)
		return r;
	*ret_kind = event_kinds[cmd];
	*ret_dev = d;
	return 0;
}

int mdev_nl_parse_config(struct nlmsghdr *nlh, struct mdev_nl_config *ret)
{
	struct mdev_nl_config c = {};
	attr_table tb;
	int r;

	r = message_parse(nlh, tb);
	if (r < 0)
		return r;
	r = uuid_get(tb[A(DEV_UUID)], c.uuid, c.uuid_str);
	if (r < 0)
		return r;
	if ((c.has_device_id = tb[A(VIRTIO_DEVICE_ID)]))
		c.device_id = nla_get_u32(tb[A(VIRTIO_DEVICE_ID)]);
	if ((c.has_generation = tb[A(CONFIG_GENERATION)]))
		c.generation = nla_get_u32(tb[A(CONFIG_GENERATION)]);
	if ((c.has_mac = tb[A(NET_MAC)]))
		memcpy(c.mac, nla_data(tb[A(NET_MAC)]), sizeof(c.mac));
	if ((c.has_mtu = tb[A(NET_MTU)]))
		c.mtu = nla_get_u16(tb[A(NET_MTU)]);
	if ((c.has_max_vqp = tb[A(NET_MAX_VQP)]))
		c.max_vqp = nla_get_u16(tb[A(NET_MAX_VQP)]);
	if ((c.has_net_status = tb[A(NET_STATUS)]))
		c.net_status = nla_get_u16(tb[A(NET_STATUS)]);
	if ((c.has_capacity = tb[A(BLK_CAPACITY)]))
		c.capacity = nla_get_u64(tb[A(BLK_CAPACITY)]);
	if ((c.has_blk_size = tb[A(BLK_SIZE)]))
		c.blk_size = nla_get_u32(tb[A(BLK_SIZE)]);
	*ret = c;
	return 0;
}

/* The number of top-level attributes of @type (the stream is known to be whole). */
static size_t attrs_count(struct nlmsghdr *nlh, int type)
{
	struct genlmsghdr *ghdr = genlmsg_hdr(nlh);
	struct nlattr *nla;
	size_t n = 0;
	int rem;

	nla_for_each_attr(nla, genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0),
			  rem) if (nla_type(nla) == type) n++;
	return n;
}

#define for_each_top_attr(nla, nlh, rem)                              \
	nla_for_each_attr(nla, genlmsg_attrdata(genlmsg_hdr(nlh), 0), \
			  genlmsg_attrlen(genlmsg_hdr(nlh), 0), rem)

static int type_parse(struct nlattr *nest, struct mdev_nl_type *ret)
{
	struct mdev_nl_type t = {};
	attr_table tb;
	int r;

	r = nested_parse(tb, nest);
	if (r < 0)
		return r;
	if (!tb[A(TYPE_ID)] || !tb[A(CLASS_ID)] || !tb[A(VIRTIO_DEVICE_ID)] ||
	    !tb[A(TYPE_MAX_INSTANCES)] || !tb[A(TYPE_AVAILABLE)])
		return -EBADMSG;
	r = string_get(tb[A(TYPE_ID)], t.id, sizeof(t.id), true);
	if (r < 0)
		return r;
	if (tb[A(TYPE_DESCRIPTION)]) {
		r = string_get(tb[A(TYPE_DESCRIPTION)], t.description, sizeof(t.description),
			       false);
		if (r < 0)
			return r;
	}
	t.class_id = nla_get_u16(tb[A(CLASS_ID)]);
	t.device_id = nla_get_u32(tb[A(VIRTIO_DEVICE_ID)]);
	t.max_instances = nla_get_u32(tb[A(TYPE_MAX_INSTANCES)]);
	t.available = nla_get_u32(tb[A(TYPE_AVAILABLE)]);
	*ret = t;
	return 0;
}

int mdev_nl_parse_parent(struct nlmsghdr *nlh, struct mdev_nl_parent **ret)
{
	_cleanup_free_ struct mdev_nl_parent *p = NULL;
	struct nlattr *nla;
	attr_table tb;
	size_t n;
	int r, rem;

	r = message_parse(nlh, tb);
	if (r < 0)
		return r;
	if (!tb[A(PARENT_NAME)])
		return -EBADMSG;
	n = attrs_count(nlh, A(TYPE));
	if (n > MDEV_NL_TYPES_MAX)
		return -EBADMSG;
	p = calloc(1, sizeof(*p) + n * sizeof(p->types[0]));
	if (!p)
		return -ENOMEM;
	r = string_get(tb[A(PARENT_NAME)], p->name, sizeof(p->name), true);
	if (r < 0)
		return r;
	for_each_top_attr(nla, nlh, rem)
	{
		if (nla_type(nla) != A(TYPE))
			continue;
		r = type_parse(nla, &p->types[p->n_types++]);
		if (r < 0)
			return r;
	}
	*ret = TAKE_PTR(p);
	return 0;
}

static uint64_t add_saturated(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void stats_add(struct mdev_nl_vq_stats *sum, const struct mdev_nl_vq_stats *s)
{
	sum->kicks = add_saturated(sum->kicks, s->kicks);
	sum->completed = add_saturated(sum->completed, s->completed);
	sum->descriptors = add_saturated(sum->descriptors, s->descriptors);
	sum->bytes = add_saturated(sum->bytes, s->bytes);
	sum->errors = add_saturated(sum->errors, s->errors);
	sum->drops = add_saturated(sum->drops, s->drops);
}

static uint64_t u64_or_0(const struct nlattr *nla)
{
	return nla ? nla_get_u64(nla) : 0;
}

static int vq_stats_parse(struct nlattr *nest, struct mdev_nl_vq_stats *ret)
{
	attr_table tb;
	int r;

	r = nested_parse(tb, nest);
	if (r < 0)
		return r;
	if (!tb[A(VQ_INDEX)] || nla_get_u32(tb[A(VQ_INDEX)]) >= MDEV_NL_VQS_MAX)
		return -EBADMSG;
	*ret = (struct mdev_nl_vq_stats){
	    .index = nla_get_u32(tb[A(VQ_INDEX)]),
	    .kicks = u64_or_0(tb[A(STATS_KICKS)]),
	    .completed = u64_or_0(tb[A(STATS_COMPLETED)]),
	    .descriptors = u64_or_0(tb[A(STATS_DESCRIPTORS)]),
	    .bytes = u64_or_0(tb[A(STATS_BYTES)]),
	    .errors = u64_or_0(tb[A(STATS_ERRORS)]),
	    .drops = u64_or_0(tb[A(STATS_DROPS)]),
	};
	return 0;
}

int mdev_nl_parse_stats(struct nlmsghdr *nlh, struct mdev_nl_stats **ret)
{
	_cleanup_free_ struct mdev_nl_stats *s = NULL;
	_cleanup_free_ uint8_t *seen = NULL;
	struct nlattr *nla;
	attr_table tb;
	size_t n;
	int r, rem;

	r = message_parse(nlh, tb);
	if (r < 0)
		return r;
	n = attrs_count(nlh, A(VQ_STATS));
	if (n > MDEV_NL_VQS_MAX)
		return -EBADMSG;
	s = calloc(1, sizeof(*s) + n * sizeof(s->vqs[0]));
	seen = calloc(MDEV_NL_VQS_MAX / 8, 1);
	if (!s || !seen)
		return -ENOMEM;
	r = uuid_get(tb[A(DEV_UUID)], s->uuid, s->uuid_str);
	if (r < 0)
		return r;
	for_each_top_attr(nla, nlh, rem)
	{
		struct mdev_nl_vq_stats *vq = &s->vqs[s->n_vqs];

		if (nla_type(nla) != A(VQ_STATS))
			continue;
		r = vq_stats_parse(nla, vq);
		if (r < 0)
			return r;
		if (seen[vq->index / 8] & (1u << (vq->index % 8)))
			return -EBADMSG;
		seen[vq->index / 8] |= 1u << (vq->index % 8);
		stats_add(&s->total, vq);
		s->n_vqs++;
	}
	*ret = TAKE_PTR(s);
	return 0;
}

const char *mdev_nl_event_kind_to_string(enum mdev_nl_event_kind kind)
{
	static const char *const names[] = {
	    [MDEV_NL_EVENT_OVERRUN] = "overrun",
	    [MDEV_NL_EVENT_NEW] = "new",
	    [MDEV_NL_EVENT_DEL] = "del",
	    [MDEV_NL_EVENT_BIND] = "bind",
	    [MDEV_NL_EVENT_UNBIND] = "unbind",
	    [MDEV_NL_EVENT_STATUS] = "status",
	    [MDEV_NL_EVENT_CONFIG_CHANGED] = "config-changed",
	    [MDEV_NL_EVENT_FAMILY_NEW] = "family-new",
	    [MDEV_NL_EVENT_FAMILY_DEL] = "family-del",
	};

	if ((unsigned)kind >= ELEMENTSOF(names))
		return NULL;
	return names[kind];
}
