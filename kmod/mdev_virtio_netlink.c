// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdev_virtio_netlink.c: the "mdev_virtio" generic netlink family.
 *
 * Requests read snapshots of parents and devices (the contract is in
 * include/uapi/linux/mdev_virtio.h); only DEV_STATS_CLEAR changes anything
 * and needs CAP_NET_ADMIN.  The family lives in init_net only.
 *
 * A request calls the ops of a device it is not bound to, so it holds
 * mdev_virtio_query_sem for reading from the moment it finds the device
 * ACTIVE until it is done with it: teardown waits for that before the
 * parent's remove().  The device lock is taken around reading a device so
 * that its driver (and the driver's name) cannot change meanwhile.
 *
 * Dumps resume by position in the bus's lists.  Every change of a list or of
 * a device's visibility bumps mdev_virtio_gen, which each message of a dump
 * is checked against (NLM_F_DUMP_INTR): devices are only ever appended, so a
 * position-based resume may skip a device removed meanwhile but never
 * repeats one, and the reader learns that it should retry.
 *
 * Events are built by mdev_virtio_nl_notify() in process context by whoever
 * owns the device at that moment (its creator, its remover, its bound
 * driver or the bus's probe/remove); see mdev_virtio_events.c.
 */
#include <linux/virtio_blk.h>
#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <net/genetlink.h>
#include <uapi/linux/virtio_ids.h>

#include "mdev_virtio_private.h"

/* A DEV_STATS_GET reply is one message: this bounds its virtqueues. */
#define MDEV_VIRTIO_NL_STATS_MAX_SIZE	(64 * 1024)

enum {
	MDEV_VIRTIO_NL_MCGRP_EVENTS,
};

static const struct genl_multicast_group mdev_virtio_nl_mcgrps[] = {
	[MDEV_VIRTIO_NL_MCGRP_EVENTS] = { .name = MDEV_VIRTIO_GENL_MCGRP_EVENTS },
};

/* Requests naming one device; every other attribute is refused. */
static const struct nla_policy mdev_virtio_nl_dev_policy[MDEV_VIRTIO_ATTR_DEV_UUID + 1] = {
	[MDEV_VIRTIO_ATTR_DEV_UUID] = NLA_POLICY_EXACT_LEN(sizeof(guid_t)),
};

static struct genl_family mdev_virtio_nl_family;

/*
 * DEV_UUID is in RFC 4122 byte order, the order of the text form; a guid_t
 * (what the device is named after with %pUl) keeps its first three fields
 * little-endian.  The swap is its own inverse.
 */
static void mdev_virtio_nl_uuid_swap(u8 *dst, const u8 *src)
{
	static const u8 order[16] = { 3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15 };
	unsigned int i;

	for (i = 0; i < 16; i++)
		dst[i] = src[order[i]];
}

static int mdev_virtio_nl_put_uuid(struct sk_buff *msg, const guid_t *uuid)
{
	u8 wire[16];

	mdev_virtio_nl_uuid_swap(wire, uuid->b);
	return nla_put(msg, MDEV_VIRTIO_ATTR_DEV_UUID, sizeof(wire), wire);
}

static int mdev_virtio_nl_put_u64(struct sk_buff *msg, int attr, u64 value)
{
	return nla_put_u64_64bit(msg, attr, value, MDEV_VIRTIO_ATTR_PAD);
}

/* The attributes every message about a device carries first. */
static int mdev_virtio_nl_put_ids(struct sk_buff *msg, struct mdev_virtio_device *mdev)
{
	if (mdev_virtio_nl_put_uuid(msg, &mdev->uuid) ||
	    nla_put_string(msg, MDEV_VIRTIO_ATTR_PARENT_NAME, dev_name(mdev->dev.parent)) ||
	    nla_put_string(msg, MDEV_VIRTIO_ATTR_TYPE_ID, kobject_name(&mdev->type->kobj)) ||
	    nla_put_u16(msg, MDEV_VIRTIO_ATTR_CLASS_ID, mdev->class_id) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_VIRTIO_DEVICE_ID, mdev->device_id))
		return -EMSGSIZE;
	return 0;
}

/*
 * The DEV_GET attributes.  The caller makes the ops safe to call and the
 * driver stable (see the top of the file); an UNBIND event reports the
 * device as it is after the unbind, without a driver.
 */
static int mdev_virtio_nl_put_dev(struct sk_buff *msg, struct mdev_virtio_device *mdev, u8 cmd)
{
	const struct mdev_virtio_ops *ops = mdev->ops;
	struct device_driver *drv = mdev->dev.driver;

	if (mdev_virtio_nl_put_ids(msg, mdev))
		return -EMSGSIZE;
	if (drv && cmd != MDEV_VIRTIO_CMD_DEV_UNBIND &&
	    nla_put_string(msg, MDEV_VIRTIO_ATTR_DRIVER, drv->name))
		return -EMSGSIZE;
	if (nla_put_u8(msg, MDEV_VIRTIO_ATTR_STATUS, ops->get_status(mdev)) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_DEVICE_FEATURES, ops->get_features(mdev)) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_NUM_VQS, mdev->nvqs) ||
	    nla_put_u16(msg, MDEV_VIRTIO_ATTR_VQ_NUM_MAX, ops->get_vq_num_max(mdev)))
		return -EMSGSIZE;
	if (ops->get_driver_features &&
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_DRIVER_FEATURES,
				   ops->get_driver_features(mdev)))
		return -EMSGSIZE;
	return 0;
}

static int mdev_virtio_nl_fill_dev(struct sk_buff *msg, struct mdev_virtio_device *mdev, u8 cmd,
				   u32 portid, u32 seq, int flags, struct netlink_callback *cb)
{
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &mdev_virtio_nl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	if (mdev_virtio_nl_put_dev(msg, mdev, cmd)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

/**
 * mdev_virtio_nl_notify() - multicast an event about a device
 * @mdev: the device, whose ops the caller may call (it owns the device or
 *        is its bound driver, or holds mdev_virtio_query_sem and saw it ACTIVE)
 * @cmd: MDEV_VIRTIO_CMD_DEV_NEW ... MDEV_VIRTIO_CMD_DEV_CONFIG_CHANGED
 *
 * Context: process context.  An event nobody listens to costs nothing; one
 * that cannot be allocated is lost, as netlink would lose it on a full
 * socket.
 */
void mdev_virtio_nl_notify(struct mdev_virtio_device *mdev, u8 cmd)
{
	struct sk_buff *msg;

	might_sleep();
	if (!genl_has_listeners(&mdev_virtio_nl_family, &init_net, MDEV_VIRTIO_NL_MCGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return;
	if (mdev_virtio_nl_fill_dev(msg, mdev, cmd, 0, 0, 0, NULL)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_multicast(&mdev_virtio_nl_family, msg, 0, MDEV_VIRTIO_NL_MCGRP_EVENTS, GFP_KERNEL);
}

/*
 * The ACTIVE device named by the request, with a reference, or an ERR_PTR
 * with the reason in extack.  The caller holds mdev_virtio_query_sem.
 */
static struct mdev_virtio_device *mdev_virtio_nl_dev_get(struct genl_info *info)
{
	struct nlattr *attr = info->attrs[MDEV_VIRTIO_ATTR_DEV_UUID];
	struct mdev_virtio_device *mdev, *found = NULL;
	guid_t uuid;

	lockdep_assert_held(&mdev_virtio_query_sem);
	if (GENL_REQ_ATTR_CHECK(info, MDEV_VIRTIO_ATTR_DEV_UUID)) {
		NL_SET_ERR_MSG_MOD(info->extack, "attribute DEV_UUID missing");
		return ERR_PTR(-EINVAL);
	}
	mdev_virtio_nl_uuid_swap(uuid.b, nla_data(attr));

	mutex_lock(&mdev_virtio_lock);
	list_for_each_entry(mdev, &mdev_virtio_devices, node) {
		if (mdev->state == MDEV_VIRTIO_ACTIVE && guid_equal(&mdev->uuid, &uuid)) {
			found = mdev;
			get_device(&found->dev);
			break;
		}
	}
	mutex_unlock(&mdev_virtio_lock);
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr, "no device with this UUID");
		return ERR_PTR(-ENODEV);
	}
	return found;
}

static int mdev_virtio_nl_dev_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mdev_virtio_device *mdev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	down_read(&mdev_virtio_query_sem);
	mdev = mdev_virtio_nl_dev_get(info);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out;
	}
	device_lock(&mdev->dev);
	ret = mdev_virtio_nl_fill_dev(msg, mdev, MDEV_VIRTIO_CMD_DEV_GET, info->snd_portid,
				      info->snd_seq, 0, NULL);
	device_unlock(&mdev->dev);
	put_device(&mdev->dev);
out:
	up_read(&mdev_virtio_query_sem);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

/*
 * The first ACTIVE device at a position >= *@pos in the list, with a
 * reference, its position in *@pos; NULL at the end.  Records the generation
 * the dump's next message is checked against.
 */
static struct mdev_virtio_device *mdev_virtio_nl_dev_at(unsigned long *pos,
							struct netlink_callback *cb)
{
	struct mdev_virtio_device *mdev, *found = NULL;
	unsigned long i = 0;

	mutex_lock(&mdev_virtio_lock);
	cb->seq = mdev_virtio_gen;
	list_for_each_entry(mdev, &mdev_virtio_devices, node) {
		if (i >= *pos && mdev->state == MDEV_VIRTIO_ACTIVE) {
			found = mdev;
			get_device(&found->dev);
			*pos = i;
			break;
		}
		i++;
	}
	mutex_unlock(&mdev_virtio_lock);
	return found;
}

static int mdev_virtio_nl_dev_get_dumpit(struct sk_buff *msg, struct netlink_callback *cb)
{
	unsigned long pos = cb->args[0];
	struct mdev_virtio_device *mdev;
	int ret = 0;

	down_read(&mdev_virtio_query_sem);
	while ((mdev = mdev_virtio_nl_dev_at(&pos, cb))) {
		device_lock(&mdev->dev);
		ret = mdev_virtio_nl_fill_dev(msg, mdev, MDEV_VIRTIO_CMD_DEV_GET,
					      NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
					      NLM_F_MULTI, cb);
		device_unlock(&mdev->dev);
		put_device(&mdev->dev);
		if (ret)
			break;
		pos++;
	}
	up_read(&mdev_virtio_query_sem);
	cb->args[0] = pos;
	/* A full message ends this part; the dump goes on from @pos. */
	if (ret == -EMSGSIZE && msg->len)
		ret = 0;
	return ret ?: msg->len;
}

static int mdev_virtio_nl_put_type(struct sk_buff *msg, const struct mdev_virtio_type *type)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, MDEV_VIRTIO_ATTR_TYPE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_string(msg, MDEV_VIRTIO_ATTR_TYPE_ID, kobject_name(&type->kobj)) ||
	    nla_put_string(msg, MDEV_VIRTIO_ATTR_TYPE_DESCRIPTION, type->info->description ?: "") ||
	    nla_put_u16(msg, MDEV_VIRTIO_ATTR_CLASS_ID, type->class_id) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_VIRTIO_DEVICE_ID, type->device_id) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_TYPE_MAX_INSTANCES, type->max_instances) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_TYPE_AVAILABLE, type->max_instances - type->instances)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* Under mdev_virtio_lock, with the parent's unreg_sem read-held: its types are in place. */
static int mdev_virtio_nl_fill_parent(struct sk_buff *msg, struct mdev_virtio_parent *parent,
				      struct netlink_callback *cb)
{
	unsigned int i;
	void *hdr;

	hdr = genlmsg_put(msg, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			  &mdev_virtio_nl_family, NLM_F_MULTI, MDEV_VIRTIO_CMD_PARENT_GET);
	if (!hdr)
		return -EMSGSIZE;
	genl_dump_check_consistent(cb, hdr);
	if (nla_put_string(msg, MDEV_VIRTIO_ATTR_PARENT_NAME, dev_name(parent->dev)))
		goto err;
	for (i = 0; i < parent->nr_types; i++) {
		if (mdev_virtio_nl_put_type(msg, parent->types[i]))
			goto err;
	}
	genlmsg_end(msg, hdr);
	return 0;

err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int mdev_virtio_nl_parent_get_dumpit(struct sk_buff *msg, struct netlink_callback *cb)
{
	struct mdev_virtio_parent *parent;
	unsigned long pos = 0;
	int ret = 0;

	mutex_lock(&mdev_virtio_lock);
	cb->seq = mdev_virtio_gen;
	list_for_each_entry(parent, &mdev_virtio_parents, node) {
		if (pos++ < cb->args[0])
			continue;
		/* A parent being (un)registered has no stable types: leave it out. */
		if (!down_read_trylock(&parent->unreg_sem))
			continue;
		ret = mdev_virtio_nl_fill_parent(msg, parent, cb);
		up_read(&parent->unreg_sem);
		if (ret) {
			pos--;
			break;
		}
	}
	mutex_unlock(&mdev_virtio_lock);
	cb->args[0] = pos;
	if (ret == -EMSGSIZE && msg->len)
		ret = 0;
	return ret ?: msg->len;
}

/* Config space fields are little-endian for virtio 1.x devices, native for legacy ones. */
static u16 mdev_virtio_nl_cfg16(u64 features, __virtio16 v)
{
	return features & BIT_ULL(VIRTIO_F_VERSION_1) ? le16_to_cpu((__force __le16)v) :
							(__force u16)v;
}

static u32 mdev_virtio_nl_cfg32(u64 features, __virtio32 v)
{
	return features & BIT_ULL(VIRTIO_F_VERSION_1) ? le32_to_cpu((__force __le32)v) :
							(__force u32)v;
}

static u64 mdev_virtio_nl_cfg64(u64 features, __virtio64 v)
{
	return features & BIT_ULL(VIRTIO_F_VERSION_1) ? le64_to_cpu((__force __le64)v) :
							(__force u64)v;
}

/* Each field only where the device offers the feature that makes it valid. */
static int mdev_virtio_nl_put_net_config(struct sk_buff *msg, struct mdev_virtio_device *mdev,
					 u64 features)
{
	struct virtio_net_config c;

	mdev->ops->get_config(mdev, 0, &c, sizeof(c));
	if ((features & BIT_ULL(VIRTIO_NET_F_MAC)) &&
	    nla_put(msg, MDEV_VIRTIO_ATTR_NET_MAC, ETH_ALEN, c.mac))
		return -EMSGSIZE;
	if ((features & BIT_ULL(VIRTIO_NET_F_MTU)) &&
	    nla_put_u16(msg, MDEV_VIRTIO_ATTR_NET_MTU, mdev_virtio_nl_cfg16(features, c.mtu)))
		return -EMSGSIZE;
	if (nla_put_u16(msg, MDEV_VIRTIO_ATTR_NET_MAX_VQP,
			features & BIT_ULL(VIRTIO_NET_F_MQ) ?
			mdev_virtio_nl_cfg16(features, c.max_virtqueue_pairs) : 1))
		return -EMSGSIZE;
	if ((features & BIT_ULL(VIRTIO_NET_F_STATUS)) &&
	    nla_put_u16(msg, MDEV_VIRTIO_ATTR_NET_STATUS, mdev_virtio_nl_cfg16(features, c.status)))
		return -EMSGSIZE;
	return 0;
}

static int mdev_virtio_nl_put_blk_config(struct sk_buff *msg, struct mdev_virtio_device *mdev,
					 u64 features)
{
	struct virtio_blk_config c;

	mdev->ops->get_config(mdev, 0, &c, sizeof(c));
	if (mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_BLK_CAPACITY,
				   mdev_virtio_nl_cfg64(features, c.capacity)) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_BLK_SIZE,
			features & BIT_ULL(VIRTIO_BLK_F_BLK_SIZE) ?
			mdev_virtio_nl_cfg32(features, c.blk_size) : SECTOR_SIZE))
		return -EMSGSIZE;
	return 0;
}

static int mdev_virtio_nl_fill_config(struct sk_buff *msg, struct mdev_virtio_device *mdev,
				      struct genl_info *info)
{
	const struct mdev_virtio_ops *ops = mdev->ops;
	u64 features = ops->get_features(mdev);
	void *hdr;
	int ret = 0;

	hdr = genlmsg_put_reply(msg, info, &mdev_virtio_nl_family, 0,
				MDEV_VIRTIO_CMD_DEV_CONFIG_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (mdev_virtio_nl_put_ids(msg, mdev) ||
	    nla_put_u32(msg, MDEV_VIRTIO_ATTR_CONFIG_GENERATION,
			ops->get_generation ? ops->get_generation(mdev) : 0))
		goto err;
	switch (mdev->device_id) {
	case VIRTIO_ID_NET:
		ret = mdev_virtio_nl_put_net_config(msg, mdev, features);
		break;
	case VIRTIO_ID_BLOCK:
		ret = mdev_virtio_nl_put_blk_config(msg, mdev, features);
		break;
	}
	if (ret)
		goto err;
	genlmsg_end(msg, hdr);
	return 0;

err:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int mdev_virtio_nl_config_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mdev_virtio_device *mdev;
	struct sk_buff *msg;
	int ret;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	down_read(&mdev_virtio_query_sem);
	mdev = mdev_virtio_nl_dev_get(info);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out;
	}
	ret = mdev_virtio_nl_fill_config(msg, mdev, info);
	put_device(&mdev->dev);
out:
	up_read(&mdev_virtio_query_sem);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int mdev_virtio_nl_put_vq_stats(struct sk_buff *msg, u32 idx,
				       const struct mdev_virtio_vq_stats *s)
{
	struct nlattr *nest;

	nest = nla_nest_start(msg, MDEV_VIRTIO_ATTR_VQ_STATS);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(msg, MDEV_VIRTIO_ATTR_VQ_INDEX, idx) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_KICKS, s->kicks) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_COMPLETED, s->completed) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_DESCRIPTORS, s->descriptors) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_BYTES, s->bytes) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_ERRORS, s->errors) ||
	    mdev_virtio_nl_put_u64(msg, MDEV_VIRTIO_ATTR_STATS_DROPS, s->drops)) {
		nla_nest_cancel(msg, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(msg, nest);
	return 0;
}

/* The reply's size: the identifiers and one nest of counters per queue. */
static size_t mdev_virtio_nl_stats_size(const struct mdev_virtio_device *mdev)
{
	size_t vq = nla_total_size(0) + nla_total_size(sizeof(u32)) +
		    6 * nla_total_size_64bit(sizeof(u64));

	return NLMSG_DEFAULT_SIZE + (size_t)mdev->nvqs * vq;
}

static int mdev_virtio_nl_fill_stats(struct sk_buff *msg, struct mdev_virtio_device *mdev,
				     struct genl_info *info)
{
	struct mdev_virtio_vq_stats stats;
	unsigned int i;
	void *hdr;
	int ret;

	hdr = genlmsg_put_reply(msg, info, &mdev_virtio_nl_family, 0,
				MDEV_VIRTIO_CMD_DEV_STATS_GET);
	if (!hdr)
		return -EMSGSIZE;
	ret = -EMSGSIZE;
	if (mdev_virtio_nl_put_ids(msg, mdev))
		goto err;
	for (i = 0; i < mdev->nvqs; i++) {
		memset(&stats, 0, sizeof(stats));
		ret = mdev->ops->get_vq_stats(mdev, i, &stats);
		if (ret) {
			NL_SET_ERR_MSG_MOD(info->extack,
					   "the parent failed to read a virtqueue's counters");
			goto err;
		}
		ret = mdev_virtio_nl_put_vq_stats(msg, i, &stats);
		if (ret)
			goto err;
	}
	genlmsg_end(msg, hdr);
	return 0;

err:
	genlmsg_cancel(msg, hdr);
	return ret;
}

static int mdev_virtio_nl_stats_get_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mdev_virtio_device *mdev;
	struct sk_buff *msg = NULL;
	size_t size;
	int ret;

	down_read(&mdev_virtio_query_sem);
	mdev = mdev_virtio_nl_dev_get(info);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out;
	}
	ret = -EOPNOTSUPP;
	if (!mdev->ops->get_vq_stats) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device's parent keeps no statistics");
		goto put;
	}
	size = mdev_virtio_nl_stats_size(mdev);
	ret = -EMSGSIZE;
	if (size > MDEV_VIRTIO_NL_STATS_MAX_SIZE) {
		NL_SET_ERR_MSG_MOD(info->extack, "the device has too many virtqueues for one reply");
		goto put;
	}
	ret = -ENOMEM;
	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		goto put;
	ret = mdev_virtio_nl_fill_stats(msg, mdev, info);
put:
	put_device(&mdev->dev);
out:
	up_read(&mdev_virtio_query_sem);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int mdev_virtio_nl_stats_clear_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct mdev_virtio_device *mdev;
	unsigned int i;
	int ret = 0;

	down_read(&mdev_virtio_query_sem);
	mdev = mdev_virtio_nl_dev_get(info);
	if (IS_ERR(mdev)) {
		ret = PTR_ERR(mdev);
		goto out;
	}
	if (mdev->ops->clear_vq_stats) {
		for (i = 0; i < mdev->nvqs; i++)
			mdev->ops->clear_vq_stats(mdev, i);
	} else {
		NL_SET_ERR_MSG_MOD(info->extack, "the device's parent keeps no statistics");
		ret = -EOPNOTSUPP;
	}
	put_device(&mdev->dev);
out:
	up_read(&mdev_virtio_query_sem);
	return ret;
}

static const struct genl_ops mdev_virtio_nl_ops[] = {
	{
		.cmd = MDEV_VIRTIO_CMD_PARENT_GET,
		/* No policy: a dump of parents takes no attributes. */
		.dumpit = mdev_virtio_nl_parent_get_dumpit,
	}, {
		.cmd = MDEV_VIRTIO_CMD_DEV_GET,
		.policy = mdev_virtio_nl_dev_policy,
		.maxattr = MDEV_VIRTIO_ATTR_DEV_UUID,
		.doit = mdev_virtio_nl_dev_get_doit,
		.dumpit = mdev_virtio_nl_dev_get_dumpit,
	}, {
		.cmd = MDEV_VIRTIO_CMD_DEV_CONFIG_GET,
		.policy = mdev_virtio_nl_dev_policy,
		.maxattr = MDEV_VIRTIO_ATTR_DEV_UUID,
		.doit = mdev_virtio_nl_config_get_doit,
	}, {
		.cmd = MDEV_VIRTIO_CMD_DEV_STATS_GET,
		.policy = mdev_virtio_nl_dev_policy,
		.maxattr = MDEV_VIRTIO_ATTR_DEV_UUID,
		.doit = mdev_virtio_nl_stats_get_doit,
	}, {
		.cmd = MDEV_VIRTIO_CMD_DEV_STATS_CLEAR,
		.flags = GENL_ADMIN_PERM,
		.policy = mdev_virtio_nl_dev_policy,
		.maxattr = MDEV_VIRTIO_ATTR_DEV_UUID,
		.doit = mdev_virtio_nl_stats_clear_doit,
	},
};

static struct genl_family mdev_virtio_nl_family __ro_after_init = {
	.name = MDEV_VIRTIO_GENL_NAME,
	.version = MDEV_VIRTIO_GENL_VERSION,
	.maxattr = MDEV_VIRTIO_ATTR_MAX,
	.netnsok = false,
	/* Our own locks serialise what needs it; genl_mutex is not needed. */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = mdev_virtio_nl_ops,
	.n_ops = ARRAY_SIZE(mdev_virtio_nl_ops),
	.mcgrps = mdev_virtio_nl_mcgrps,
	.n_mcgrps = ARRAY_SIZE(mdev_virtio_nl_mcgrps),
};

int mdev_virtio_nl_init(void)
{
	return genl_register_family(&mdev_virtio_nl_family);
}

void mdev_virtio_nl_exit(void)
{
	genl_unregister_family(&mdev_virtio_nl_family);
}
