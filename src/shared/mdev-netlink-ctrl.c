/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nlctrl's notifications about one generic netlink family (contract in
 * mdev-netlink-parse.h). The kernel announces on nlctrl's "notify" group a
 * family registered (CTRL_CMD_NEWFAMILY, with its id and multicast groups)
 * and unregistered (CTRL_CMD_DELFAMILY): that is how a listener follows
 * mdev_virtio.ko being unloaded and loaded again, when the family and its
 * group come back under ids that may differ.
 */
#include <limits.h>
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "mdev-netlink-parse.h"

#define GROUPS_MAX 64 /* more multicast groups than any family has */

static const struct nla_policy ctrl_policy[CTRL_ATTR_MAX + 1] = {
    [CTRL_ATTR_FAMILY_ID] = {.type = NLA_U16, .minlen = 2, .maxlen = 2},
    [CTRL_ATTR_FAMILY_NAME] = {.type = NLA_STRING, .maxlen = GENL_NAMSIZ},
    [CTRL_ATTR_MCAST_GROUPS] = {.type = NLA_NESTED},
};

static const struct nla_policy group_policy[CTRL_ATTR_MCAST_GRP_MAX + 1] = {
    [CTRL_ATTR_MCAST_GRP_NAME] = {.type = NLA_STRING, .maxlen = GENL_NAMSIZ},
    [CTRL_ATTR_MCAST_GRP_ID] = {.type = NLA_U32, .minlen = 4, .maxlen = 4},
};

/* Attributes must fill @len exactly (up to the last one's padding). */
static int whole(struct nlattr *head, int len)
{
	struct nlattr *nla;
	int rem;

	nla_for_each_attr(nla, head, len, rem);
	return rem > 0 ? -EBADMSG : 0;
}

/* A string attribute the policy bounded, NUL-terminated at its end. */
static bool string_is(const struct nlattr *nla, const char *want)
{
	const char *s = nla_data(nla);
	size_t len = (size_t)nla_len(nla);

	return len >= 1 && strnlen(s, len) == len - 1 && strcmp(s, want) == 0;
}

/* The id of multicast group @group in CTRL_ATTR_MCAST_GROUPS, -1 if absent. */
static int group_id(struct nlattr *groups, const char *group, int *ret)
{
	struct nlattr *nest;
	int rem, n = 0;

	*ret = -1;
	if (whole(nla_data(groups), nla_len(groups)) < 0)
		return -EBADMSG;
	nla_for_each_nested(nest, groups, rem) {
		struct nlattr *tb[CTRL_ATTR_MCAST_GRP_MAX + 1];

		if (++n > GROUPS_MAX || whole(nla_data(nest), nla_len(nest)) < 0)
			return -EBADMSG;
		if (nla_parse_nested(tb, CTRL_ATTR_MCAST_GRP_MAX, nest, group_policy) < 0)
			return -EBADMSG;
		if (!tb[CTRL_ATTR_MCAST_GRP_NAME] || !tb[CTRL_ATTR_MCAST_GRP_ID])
			return -EBADMSG;
		if (!string_is(tb[CTRL_ATTR_MCAST_GRP_NAME], group))
			continue;
		/* Group ids are small; one that is no int is no id the socket takes. */
		if (nla_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]) > INT_MAX)
			return -EBADMSG;
		*ret = (int)nla_get_u32(tb[CTRL_ATTR_MCAST_GRP_ID]);
	}
	return 0;
}

int mdev_nl_parse_family_note(struct nlmsghdr *nlh, const char *family, const char *group,
			      struct mdev_nl_family_note *ret)
{
	struct nlattr *tb[CTRL_ATTR_MAX + 1];
	struct mdev_nl_family_note note = {.group_id = -1};
	struct genlmsghdr *ghdr;
	int r;

	if (nlh->nlmsg_type != GENL_ID_CTRL)
		return -EOPNOTSUPP;
	if (!genlmsg_valid_hdr(nlh, 0))
		return -EBADMSG;
	ghdr = genlmsg_hdr(nlh);
	if (ghdr->cmd != CTRL_CMD_NEWFAMILY && ghdr->cmd != CTRL_CMD_DELFAMILY)
		return -EOPNOTSUPP; /* groups, policies: the family note says it all */
	if (whole(genlmsg_attrdata(ghdr, 0), genlmsg_attrlen(ghdr, 0)) < 0)
		return -EBADMSG;
	if (genlmsg_parse(nlh, 0, tb, CTRL_ATTR_MAX, ctrl_policy) < 0)
		return -EBADMSG;
	if (!tb[CTRL_ATTR_FAMILY_NAME] || !tb[CTRL_ATTR_FAMILY_ID])
		return -EBADMSG;
	if (!string_is(tb[CTRL_ATTR_FAMILY_NAME], family))
		return -EOPNOTSUPP;
	note.added = ghdr->cmd == CTRL_CMD_NEWFAMILY;
	note.id = nla_get_u16(tb[CTRL_ATTR_FAMILY_ID]);
	if (note.added && tb[CTRL_ATTR_MCAST_GROUPS]) {
		r = group_id(tb[CTRL_ATTR_MCAST_GROUPS], group, &note.group_id);
		if (r < 0)
			return r;
	}
	*ret = note;
	return 0;
}
