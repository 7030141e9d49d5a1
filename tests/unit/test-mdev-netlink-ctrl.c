/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * nlctrl's family notifications as the event listener reads them
 * (mdev_nl_parse_family_note): a NEWFAMILY with the family's new ids, a
 * DELFAMILY, everything that is not about our family skipped, and malformed
 * ones refused rather than misread. Messages are built as the kernel's
 * ctrl_fill_info() lays them out.
 */
#include <linux/genetlink.h>
#include <netlink/attr.h>
#include <netlink/genl/genl.h>
#include <netlink/msg.h>

#include "check-main.h"
#include "mdev-netlink-parse.h"

#define FAMILY "mdev_virtio"
#define GROUP "events"

struct group {
	const char *name;
	uint32_t id;
};

/* A notification @cmd about @family (id @id), with @groups (n, or -1 for no list). */
static struct nl_msg *note(uint8_t cmd, const char *family, uint16_t id,
			   const struct group *groups, int n)
{
	struct nl_msg *m = nlmsg_alloc();

	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 0, GENL_ID_CTRL, 0, 0, cmd, 2));
	if (family)
		ck_assert_int_eq(nla_put_string(m, CTRL_ATTR_FAMILY_NAME, family), 0);
	if (id)
		ck_assert_int_eq(nla_put_u16(m, CTRL_ATTR_FAMILY_ID, id), 0);
	ck_assert_int_eq(nla_put_u32(m, CTRL_ATTR_VERSION, 1), 0);
	if (n >= 0) {
		struct nlattr *list = nla_nest_start(m, CTRL_ATTR_MCAST_GROUPS);

		for (int i = 0; i < n; i++) {
			struct nlattr *g = nla_nest_start(m, i + 1);

			ck_assert_int_eq(nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, groups[i].name),
					 0);
			ck_assert_int_eq(nla_put_u32(m, CTRL_ATTR_MCAST_GRP_ID, groups[i].id), 0);
			nla_nest_end(m, g);
		}
		nla_nest_end(m, list);
	}
	return m;
}

static int parse(struct nl_msg *m, struct mdev_nl_family_note *ret)
{
	int r = mdev_nl_parse_family_note(nlmsg_hdr(m), FAMILY, GROUP, ret);

	nlmsg_free(m);
	return r;
}

START_TEST(new_family_with_its_group)
{
	static const struct group groups[] = {{"other", 3}, {GROUP, 27}};
	struct mdev_nl_family_note n = {};

	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY, 0x23, groups, 2), &n), 0);
	ck_assert(n.added);
	ck_assert_int_eq(n.id, 0x23);
	ck_assert_int_eq(n.group_id, 27);
}
END_TEST

START_TEST(new_family_without_the_group)
{
	static const struct group groups[] = {{"other", 3}};
	struct mdev_nl_family_note n = {};

	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY, 0x24, groups, 1), &n), 0);
	ck_assert(n.added);
	ck_assert_int_eq(n.group_id, -1);
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY, 0x24, NULL, -1), &n), 0);
	ck_assert_int_eq(n.group_id, -1);
}
END_TEST

START_TEST(del_family)
{
	static const struct group groups[] = {{GROUP, 27}};
	struct mdev_nl_family_note n = {.added = true};

	ck_assert_int_eq(parse(note(CTRL_CMD_DELFAMILY, FAMILY, 0x23, groups, 1), &n), 0);
	ck_assert(!n.added);
	ck_assert_int_eq(n.id, 0x23);
}
END_TEST

START_TEST(others_skipped)
{
	static const struct group groups[] = {{GROUP, 27}};
	struct mdev_nl_family_note n = {.id = 7};
	struct nl_msg *m;

	/* Another family, one whose name we are a prefix of, other commands. */
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, "vdpa", 0x30, groups, 1), &n), -EOPNOTSUPP);
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY "2", 0x30, groups, 1), &n),
			 -EOPNOTSUPP);
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWMCAST_GRP, FAMILY, 0x23, groups, 1), &n),
			 -EOPNOTSUPP);
	ck_assert_int_eq(parse(note(CTRL_CMD_DELMCAST_GRP, FAMILY, 0x23, groups, 1), &n),
			 -EOPNOTSUPP);
	/* Not nlctrl at all. */
	m = note(CTRL_CMD_NEWFAMILY, FAMILY, 0x23, groups, 1);
	nlmsg_hdr(m)->nlmsg_type = 0x23;
	ck_assert_int_eq(parse(m, &n), -EOPNOTSUPP);
	ck_assert_int_eq(n.id, 7); /* untouched */
}
END_TEST

START_TEST(malformed_refused)
{
	static const struct group groups[] = {{GROUP, 27}};
	struct mdev_nl_family_note n = {.id = 7};
	struct nl_msg *m;

	/* Without an id or a name. */
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY, 0, groups, 1), &n), -EBADMSG);
	ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, NULL, 0x23, groups, 1), &n), -EBADMSG);
	/*
	 * Every proper prefix past the genl header is refused, or (cut just
	 * before the group list, which is optional) read without the group:
	 * never a group id read from a cut entry.
	 */
	m = note(CTRL_CMD_NEWFAMILY, FAMILY, 0x23, groups, 1);
	for (uint32_t len = nlmsg_hdr(m)->nlmsg_len - 1; len > NLMSG_HDRLEN + GENL_HDRLEN; len--) {
		int r;

		nlmsg_hdr(m)->nlmsg_len = len;
		n.group_id = 99;
		r = mdev_nl_parse_family_note(nlmsg_hdr(m), FAMILY, GROUP, &n);
		ck_assert_msg(r == -EBADMSG || (r == 0 && n.group_id == -1), "len %u: %d, group %d",
			      len, r, n.group_id);
	}
	n.id = 7;
	nlmsg_free(m);
	/* A header too short for genl. */
	m = note(CTRL_CMD_NEWFAMILY, FAMILY, 0x23, groups, 1);
	nlmsg_hdr(m)->nlmsg_len = NLMSG_HDRLEN + 2;
	ck_assert_int_eq(parse(m, &n), -EBADMSG);
	/* A group entry without its id. */
	m = nlmsg_alloc();
	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 0, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2));
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, FAMILY);
	nla_put_u16(m, CTRL_ATTR_FAMILY_ID, 0x23);
	{
		struct nlattr *list = nla_nest_start(m, CTRL_ATTR_MCAST_GROUPS);
		struct nlattr *g = nla_nest_start(m, 1);

		nla_put_string(m, CTRL_ATTR_MCAST_GRP_NAME, GROUP);
		nla_nest_end(m, g);
		nla_nest_end(m, list);
	}
	ck_assert_int_eq(parse(m, &n), -EBADMSG);
	/* A group id no socket takes (the fuzzer's find: it read as a negative int). */
	{
		static const struct group huge[] = {{GROUP, 0x80000000u}};

		ck_assert_int_eq(parse(note(CTRL_CMD_NEWFAMILY, FAMILY, 0x23, huge, 1), &n),
				 -EBADMSG);
	}
	/* An id of the wrong size. */
	m = nlmsg_alloc();
	ck_assert_ptr_nonnull(genlmsg_put(m, 0, 0, GENL_ID_CTRL, 0, 0, CTRL_CMD_NEWFAMILY, 2));
	nla_put_string(m, CTRL_ATTR_FAMILY_NAME, FAMILY);
	nla_put_u32(m, CTRL_ATTR_FAMILY_ID, 0x23);
	ck_assert_int_eq(parse(m, &n), -EBADMSG);
	ck_assert_int_eq(n.id, 7); /* untouched */
}
END_TEST

static Suite *netlink_ctrl_suite(void)
{
	Suite *s = suite_create("mdev-netlink-ctrl");
	TCase *tc = tcase_create("family-note");

	tcase_add_test(tc, new_family_with_its_group);
	tcase_add_test(tc, new_family_without_the_group);
	tcase_add_test(tc, del_family);
	tcase_add_test(tc, others_skipped);
	tcase_add_test(tc, malformed_refused);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(netlink_ctrl_suite)
