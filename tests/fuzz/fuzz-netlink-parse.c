/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The netlink parsers on whatever the kernel (or something posing as it)
 * might send. The input is a receive buffer: mdev_nl_message_check() judges
 * its first message, and every message libnl's receive loop would hand on
 * (nlmsg_ok/nlmsg_next) goes through every parser (NLMSG_ERROR and
 * NLMSG_DONE through mdev_nl_parse_error()). What must hold:
 *   - only the documented errnos, and outputs untouched on failure;
 *   - on success: strings terminated within their arrays, valid UTF-8, names
 *     non-empty; the UUID string normalised; has_driver iff a driver name;
 *     an event kind that is a real event; vq indexes unique and in range,
 *     totals the saturated sums of the vqs; an error's errno in range and its
 *     message printable ASCII.
 * nlctrl family notes (mdev_nl_parse_family_note) come out as what they say
 * or are left alone.
 */
#include <netlink/msg.h>

#include "fuzz-util.h"
#include "mdev-netlink-parse.h"
#include "utf8.h"

static void check_string(const char *s, size_t size, bool nonempty)
{
	FUZZ_ASSERT(strnlen(s, size) < size);
	FUZZ_ASSERT(utf8_is_valid(s), "'%s'", s);
	FUZZ_ASSERT(!nonempty || *s);
}

static bool is_parse_errno(int r)
{
	return r == -EBADMSG || r == -EPROTO || r == -ENOMEM;
}

static void check_device(const struct mdev_nl_device *d)
{
	FUZZ_ASSERT(uuid_is_normalized(d->uuid_str), "'%s'", d->uuid_str);
	check_string(d->parent, sizeof(d->parent), true);
	check_string(d->type, sizeof(d->type), true);
	check_string(d->driver, sizeof(d->driver), d->has_driver);
	FUZZ_ASSERT(d->has_driver == (d->driver[0] != '\0'));
}

static void fuzz_device(struct nlmsghdr *nlh)
{
	struct mdev_nl_device d, untouched;
	enum mdev_nl_event_kind kind = MDEV_NL_EVENT_OVERRUN;
	int r;

	memset(&d, 0xa5, sizeof(d));
	untouched = d;
	r = mdev_nl_parse_device(nlh, &d);
	FUZZ_ASSERT(r == 0 || is_parse_errno(r), "%d", r);
	if (r < 0)
		FUZZ_ASSERT(memcmp(&d, &untouched, sizeof(d)) == 0);
	else
		check_device(&d);

	memset(&d, 0xa5, sizeof(d));
	r = mdev_nl_parse_event(nlh, &kind, &d);
	FUZZ_ASSERT(r == 0 || r == -EOPNOTSUPP || is_parse_errno(r), "%d", r);
	if (r < 0) {
		FUZZ_ASSERT(memcmp(&d, &untouched, sizeof(d)) == 0);
		FUZZ_ASSERT(kind == MDEV_NL_EVENT_OVERRUN);
	} else {
		check_device(&d);
		FUZZ_ASSERT(kind > MDEV_NL_EVENT_OVERRUN && kind <= MDEV_NL_EVENT_CONFIG_CHANGED);
		FUZZ_ASSERT(mdev_nl_event_kind_to_string(kind));
	}
}

static void fuzz_config(struct nlmsghdr *nlh)
{
	struct mdev_nl_config c, untouched;
	int r;

	memset(&c, 0x5a, sizeof(c));
	untouched = c;
	r = mdev_nl_parse_config(nlh, &c);
	FUZZ_ASSERT(r == 0 || is_parse_errno(r), "%d", r);
	if (r < 0)
		FUZZ_ASSERT(memcmp(&c, &untouched, sizeof(c)) == 0);
	else
		FUZZ_ASSERT(uuid_is_normalized(c.uuid_str));
}

static void fuzz_parent(struct nlmsghdr *nlh)
{
	struct mdev_nl_parent *p = NULL;
	int r;

	r = mdev_nl_parse_parent(nlh, &p);
	FUZZ_ASSERT(r == 0 || is_parse_errno(r), "%d", r);
	if (r < 0) {
		FUZZ_ASSERT(!p);
		return;
	}
	check_string(p->name, sizeof(p->name), true);
	FUZZ_ASSERT(p->n_types <= MDEV_NL_TYPES_MAX);
	for (size_t i = 0; i < p->n_types; i++) {
		check_string(p->types[i].id, sizeof(p->types[i].id), true);
		check_string(p->types[i].description, sizeof(p->types[i].description), false);
	}
	free(p);
}

static uint64_t sum(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static void fuzz_stats(struct nlmsghdr *nlh)
{
	static uint8_t seen[MDEV_NL_VQS_MAX];
	struct mdev_nl_vq_stats total = {};
	struct mdev_nl_stats *s = NULL;
	int r;

	r = mdev_nl_parse_stats(nlh, &s);
	FUZZ_ASSERT(r == 0 || is_parse_errno(r), "%d", r);
	if (r < 0) {
		FUZZ_ASSERT(!s);
		return;
	}
	FUZZ_ASSERT(uuid_is_normalized(s->uuid_str));
	FUZZ_ASSERT(s->n_vqs <= MDEV_NL_VQS_MAX);
	memset(seen, 0, sizeof(seen));
	for (size_t i = 0; i < s->n_vqs; i++) {
		const struct mdev_nl_vq_stats *vq = &s->vqs[i];

		FUZZ_ASSERT(vq->index < MDEV_NL_VQS_MAX && !seen[vq->index], "%u", vq->index);
		seen[vq->index] = 1;
		total.kicks = sum(total.kicks, vq->kicks);
		total.completed = sum(total.completed, vq->completed);
		total.descriptors = sum(total.descriptors, vq->descriptors);
		total.bytes = sum(total.bytes, vq->bytes);
		total.errors = sum(total.errors, vq->errors);
		total.drops = sum(total.drops, vq->drops);
	}
	FUZZ_ASSERT(memcmp(&total, &s->total, sizeof(total)) == 0);
	free(s);
}

/* nlctrl's family notes: only our family's, ids as sent, output untouched otherwise. */
static void fuzz_family_note(struct nlmsghdr *nlh)
{
	struct mdev_nl_family_note n = {.id = 7, .group_id = -7}, untouched = n;
	int r;

	r = mdev_nl_parse_family_note(nlh, "mdev_virtio", "events", &n);
	FUZZ_ASSERT(r == 0 || r == -EOPNOTSUPP || r == -EBADMSG, "%d", r);
	if (r < 0)
		FUZZ_ASSERT(memcmp(&n, &untouched, sizeof(n)) == 0);
	else
		FUZZ_ASSERT(n.group_id >= -1 && (n.added || n.group_id == -1));
}

static void fuzz_error(struct nlmsghdr *nlh)
{
	struct mdev_nl_error e = {.error = 1};
	int r;

	r = mdev_nl_parse_error(nlh, &e);
	FUZZ_ASSERT(r == 0 || r == -EBADMSG || r == -EPROTO, "%d", r);
	if (r < 0) {
		FUZZ_ASSERT(e.error == 1);
		return;
	}
	FUZZ_ASSERT(e.error <= 0 && e.error >= -4095, "%d", e.error);
	FUZZ_ASSERT(strnlen(e.msg, sizeof(e.msg)) < sizeof(e.msg));
	FUZZ_ASSERT(fuzz_is_printable_ascii(e.msg), "'%s'", e.msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly @size bytes, so any read past them is an ASan report. */
	struct nlmsghdr *buf = malloc(size ? size : 1), *nlh;
	int rem = (int)size, r;

	if (!buf || size > INT32_MAX) {
		free(buf);
		return 0;
	}
	memcpy(buf, data, size);
	r = mdev_nl_message_check(buf, size);
	FUZZ_ASSERT(r == 0 || r == -EBADMSG);
	FUZZ_ASSERT((r == 0) == (size >= NLMSG_HDRLEN && buf->nlmsg_len >= NLMSG_HDRLEN &&
				 buf->nlmsg_len <= size));
	for (nlh = buf; nlmsg_ok(nlh, rem); nlh = nlmsg_next(nlh, &rem)) {
		FUZZ_ASSERT(mdev_nl_message_check(nlh, (size_t)rem) == 0);
		fuzz_device(nlh);
		fuzz_config(nlh);
		fuzz_parent(nlh);
		fuzz_stats(nlh);
		fuzz_error(nlh);
		fuzz_family_note(nlh);
	}
	free(buf);
	return 0;
}
