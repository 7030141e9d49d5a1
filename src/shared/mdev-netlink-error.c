/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The two foreign error spaces of netlink, translated at the boundary (see
 * mdev-netlink-parse.h): the kernel's NLMSG_ERROR (or a dump's NLMSG_DONE)
 * with its extended ack (the errno and the human message a driver set with
 * NL_SET_ERR_MSG), and libnl's -NLE_* codes.
 */
#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>

#include "mdev-netlink-parse.h"

#define ERRNO_MAX 4095

/*
 * The errno and where the TLVs start: in an NLMSG_ERROR after struct
 * nlmsgerr and, unless capped, the echoed request; in an NLMSG_DONE after
 * the dump's int status (a DONE without one ended a dump that succeeded).
 */
static int control_header(const struct nlmsghdr *nlh, int *ret_error, size_t *ret_off)
{
	const struct nlmsgerr *err = nlmsg_data(nlh);
	size_t off;

	if (nlh->nlmsg_type == NLMSG_DONE) {
		if (nlh->nlmsg_len == NLMSG_HDRLEN && !(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
			*ret_error = 0;
			*ret_off = NLMSG_HDRLEN;
			return 0;
		}
		if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(int))
			return -EBADMSG;
		*ret_error = *(const int *)nlmsg_data(nlh);
		*ret_off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(int));
		return *ret_off > nlh->nlmsg_len ? -EBADMSG : 0;
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + sizeof(*err))
		return -EBADMSG;
	off = NLMSG_HDRLEN + sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		if (err->msg.nlmsg_len < NLMSG_HDRLEN)
			return -EBADMSG;
		off += NLMSG_ALIGN((size_t)err->msg.nlmsg_len - NLMSG_HDRLEN);
	}
	if (off > nlh->nlmsg_len)
		return -EBADMSG;
	*ret_error = err->error;
	*ret_off = off;
	return 0;
}

/* The message as printable ASCII, cut to fit: it ends up in logs and D-Bus errors. */
static void error_msg_copy(char *dst, size_t size, const struct nlattr *nla)
{
	const char *s = nla_data(nla);
	size_t n = strnlen(s, (size_t)nla_len(nla));

	if (n >= size)
		n = size - 1;
	for (size_t i = 0; i < n; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	dst[n] = '\0';
}

int mdev_nl_parse_error(struct nlmsghdr *nlh, struct mdev_nl_error *ret)
{
	static const struct nla_policy policy[NLMSGERR_ATTR_MAX + 1] = {
	    [NLMSGERR_ATTR_MSG] = {.type = NLA_STRING},
	};
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1], *nla;
	struct mdev_nl_error e = {};
	size_t off;
	int r, rem;

	if (nlh->nlmsg_type != NLMSG_ERROR && nlh->nlmsg_type != NLMSG_DONE)
		return -EPROTO;
	r = control_header(nlh, &e.error, &off);
	if (r < 0)
		return r;
	if (e.error > 0 || e.error < -ERRNO_MAX)
		return -EBADMSG;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		nla_for_each_attr(nla, (struct nlattr *)((uint8_t *)nlh + off),
				  (int)(nlh->nlmsg_len - off), rem);
		if (rem > 0)
			return -EBADMSG;
		if (nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((uint8_t *)nlh + off),
			      (int)(nlh->nlmsg_len - off), policy) < 0)
			return -EBADMSG;
		if (tb[NLMSGERR_ATTR_MSG])
			error_msg_copy(e.msg, sizeof(e.msg), tb[NLMSGERR_ATTR_MSG]);
	}
	*ret = e;
	return 0;
}

int mdev_nl_errno_from_nle(int nle)
{
	static const int errnos[] = {
	    [NLE_SUCCESS] = 0,
	    [NLE_FAILURE] = EIO,
	    [NLE_INTR] = EINTR,
	    [NLE_BAD_SOCK] = EBADF,
	    [NLE_AGAIN] = EAGAIN,
	    [NLE_NOMEM] = ENOMEM, /* also what libnl makes of ENOBUFS */
	    [NLE_EXIST] = EEXIST,
	    [NLE_INVAL] = EINVAL,
	    [NLE_RANGE] = ERANGE,
	    [NLE_MSGSIZE] = EMSGSIZE,
	    [NLE_OPNOTSUPP] = EOPNOTSUPP,
	    [NLE_AF_NOSUPPORT] = EAFNOSUPPORT,
	    [NLE_OBJ_NOTFOUND] = ENOENT,
	    [NLE_NOATTR] = ENODATA,
	    [NLE_MISSING_ATTR] = EBADMSG,
	    [NLE_AF_MISMATCH] = EAFNOSUPPORT,
	    [NLE_SEQ_MISMATCH] = EPROTO,
	    [NLE_MSG_OVERFLOW] = ENOBUFS, /* an NLMSG_OVERRUN message */
	    [NLE_MSG_TRUNC] = EBADMSG,
	    [NLE_NOADDR] = EADDRNOTAVAIL,
	    [NLE_SRCRT_NOSUPPORT] = EOPNOTSUPP,
	    [NLE_MSG_TOOSHORT] = EBADMSG,
	    [NLE_MSGTYPE_NOSUPPORT] = EOPNOTSUPP,
	    [NLE_OBJ_MISMATCH] = EINVAL,
	    [NLE_NOCACHE] = ENOENT,
	    [NLE_BUSY] = EBUSY,
	    [NLE_PROTO_MISMATCH] = EPROTONOSUPPORT,
	    [NLE_NOACCESS] = EACCES,
	    [NLE_PERM] = EPERM,
	    [NLE_PKTLOC_FILE] = ENOENT,
	    [NLE_PARSE_ERR] = EBADMSG,
	    [NLE_NODEV] = ENODEV,
	    [NLE_IMMUTABLE] = EROFS,
	    [NLE_DUMP_INTR] = EAGAIN,
	    [NLE_ATTRSIZE] = ERANGE,
	};
	unsigned int i = nle < 0 ? (unsigned int)-(long)nle : (unsigned int)nle;

	if (i >= ELEMENTSOF(errnos))
		return -EIO;
	return -errnos[i];
}
