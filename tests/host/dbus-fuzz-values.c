/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dbus-fuzz's random arguments: a seeded generator, random complete types,
 * and values for any signature, drawn from edge values (tricky strings, huge
 * strings and arrays one call in big_every, variants of every type).
 * Contract in dbus-fuzz.h.
 */
#include <fcntl.h>
#include <stdint.h>

#include "dbus-fuzz.h"

/* ------------------------------------------------------------- random */

uint64_t rnd(struct fuzz *f)
{
	/* xorshift64*: small, and the same everywhere for a seed. */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ULL;
}

unsigned rnd_below(struct fuzz *f, unsigned n)
{
	return n ? (unsigned)(rnd(f) % n) : 0;
}

bool one_in(struct fuzz *f, unsigned n)
{
	return n && rnd_below(f, n) == 0;
}

static const char *const tricky_strings[] = {
    "",
    "mvsim",
    "0000:00:02.0",
    "mvsim-virtio_net",
    "mvsim-vhost_blk",
    "i915-GVTg_V5_4",
    "auto",
    "manual",
    "type",
    "start",
    "attrs",
    "mac",
    "mtu",
    "capacity",
    "remove",
    "uevent",
    "create",
    "peer",
    FUZZ_UUID,
    "F0220000-0000-4000-8000-000000000000",
    "f0220000000040008000000000000000",
    "f022000000004000800000000000000",
    "{f0220000-0000-4000-8000-000000000000}",
    "f0220000-0000-4000-8000-0000000000001",
    "00000000-0000-0000-0000-000000000000",
    "..",
    ".",
    "/",
    "../",
    "../../etc/shadow",
    "mvsim/../..",
    "mvsim/x",
    ".#x",
    "-",
    "a b",
    "%s%s%s%n",
    "\\",
    "\"",
    "'",
    "\n",
    "\t",
    "\x01\x02\x7f",
    "\xc3\xa9\xe6\xbc\xa2",
    "\xf0\x9f\x98\x80",
    "\xe2\x80\xae"
    "gnp.exe",
    "02:00:00:00:00:01",
    "65535",
    "-1",
    "18446744073709551616",
    "0x10",
    "0100",
    "{}",
    "{\"mdev_type\":\"mvsim-virtio_net\"}",
    "{\"mdev_type\":\"mvsim-virtio_net\",\"start\":\"manual\",\"attrs\":[{\"mac\":\"x\"}]}",
    "[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]",
    API_NAME,
    API_ROOT,
    MANAGER_IFACE,
    "org.mdevvirtio1.Device",
    "org.mdevvirtio1.Parent",
    "org.freedesktop.DBus.Properties",
};

/* A new string: a tricky one, random junk, or (one call in big_every) a huge one. */
char *rnd_string(struct fuzz *f, bool allow_big)
{
	static const char junk[] = "abcXYZ019-_.:+@/ %\\\"'{}[],\n\t\x01\x1f\x7f";
	size_t n, i;
	char *s;

	if (allow_big && f->big_left && one_in(f, 2)) {
		f->big_left = 0;
		static const size_t sizes[] = {4096, 4097, 65536, 65537, HUGE_STRING};

		n = sizes[rnd_below(f, ELEMENTSOF(sizes))];
	} else if (!one_in(f, 3)) {
		return strdup(tricky_strings[rnd_below(f, ELEMENTSOF(tricky_strings))]);
	} else {
		n = rnd_below(f, 200);
	}
	s = malloc(n + 1);
	if (!s)
		return NULL;
	for (i = 0; i < n; i++)
		s[i] = junk[rnd_below(f, sizeof(junk) - 1)];
	s[n] = '\0';
	return s;
}

void rnd_path(struct fuzz *f, char *buf, size_t size)
{
	static const char *const prefixes[] = {
	    "/",
	    API_ROOT,
	    API_ROOT "/devices",
	    API_ROOT "/parents",
	    "/org",
	    "/org/freedesktop/DBus",
	};
	static const char *const labels[] = {
	    "x",
	    "_2e_2e",
	    "mvsim",
	    "f0220000_2d0000_2d4000_2d8000_2d000000000000",
	    "_",
	    "a_2fb",
	    "_30000_3a00_3a02_2e0",
	    "_66",
	    "devices",
	    "parents",
	};
	const char *p = prefixes[rnd_below(f, ELEMENTSOF(prefixes))];
	unsigned n = rnd_below(f, 3);

	snprintf(buf, size, "%s", p);
	while (n--) {
		size_t len = strlen(buf);

		snprintf(buf + len, size - len, "%s%s", streq(buf, "/") ? "" : "/",
			 labels[rnd_below(f, ELEMENTSOF(labels))]);
	}
}

/* --------------------------------------------------------- signatures */

size_t type_len(const char *s)
{
	size_t n;

	switch (*s) {
	case 'a':
		n = type_len(s + 1);
		return n ? n + 1 : 0;
	case '(':
	case '{': {
		char close = *s == '(' ? ')' : '}';

		n = 1;
		while (s[n] && s[n] != close) {
			size_t k = type_len(s + n);

			if (!k)
				return 0;
			n += k;
		}
		return s[n] ? n + 1 : 0;
	}
	case '\0':
		return 0;
	default:
		return 1;
	}
}

void rnd_type(struct fuzz *f, char *buf, unsigned depth)
{
	static const char basic[] = "ybnqiuxtdsogh";
	size_t len = strlen(buf);
	/* Past 160 bytes only basic types: what is still open closes within 256. */
	unsigned k = depth >= 3 || len > 160 ? 0 : rnd_below(f, 10);

	if (k <= 5) {
		buf[len] = basic[rnd_below(f, sizeof(basic) - 1)];
		/* Each 'h' is one descriptor (arrays of them have one element):
		 * the bus takes only so many per message. */
		if (buf[len] == 'h' && f->fds_left == 0)
			buf[len] = 'u';
		else if (buf[len] == 'h')
			f->fds_left--;
		buf[len + 1] = '\0';
	} else if (k == 6) {
		strcat(buf, "v");
	} else if (k == 7) {
		strcat(buf, "a");
		rnd_type(f, buf, depth + 1);
	} else if (k == 8) {
		len = strlen(buf);
		snprintf(buf + len, 4, "a{%c", "ysiuo"[rnd_below(f, 5)]);
		rnd_type(f, buf, depth + 1);
		strcat(buf, "}");
	} else {
		unsigned n = 1 + rnd_below(f, 3);

		strcat(buf, "(");
		while (n--)
			rnd_type(f, buf, depth + 1);
		strcat(buf, ")");
	}
}

/* ------------------------------------------------------------- values */

static int append_array(struct fuzz *f, sd_bus_message *m, const char *t, unsigned depth)
{
	_cleanup_free_ char *elem = strndup(t + 1, type_len(t + 1));
	unsigned n, i;
	int r;

	if (!elem)
		return -ENOMEM;
	/* Huge only with small elements (basic types, structs of them): 100,000
	 * of them stay well below the bus's 32 MiB message limit. */
	if (f->big_left && strlen(elem) <= 4 && !strpbrk(elem, "avh") && one_in(f, 2)) {
		f->big_left = 0;
		n = HUGE_ARRAY;
	} else if (one_in(f, 3)) {
		n = 0;
	} else if (strchr(elem, 'h')) {
		n = 1; /* with fds_left, that bounds the descriptors of a message */
	} else {
		n = 1 + rnd_below(f, depth == 0 && one_in(f, 8) ? 300 : 4);
	}
	r = sd_bus_message_open_container(m, 'a', elem);
	if (r < 0)
		return r;
	for (i = 0; i < n; i++) {
		r = append_value(f, m, elem, depth + 1);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(m);
}

static int append_struct(struct fuzz *f, sd_bus_message *m, const char *t, unsigned depth)
{
	size_t len = type_len(t);
	_cleanup_free_ char *inner = strndup(t + 1, len - 2);
	char kind = *t == '(' ? 'r' : 'e';
	int r;

	if (!inner)
		return -ENOMEM;
	r = sd_bus_message_open_container(m, kind, inner);
	if (r < 0)
		return r;
	for (const char *p = inner; *p; p += type_len(p)) {
		r = append_value(f, m, p, depth + 1);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(m);
}

static int append_variant(struct fuzz *f, sd_bus_message *m, unsigned depth)
{
	char inner[256] = "";
	int r;

	/* Modify's keys want s and a(ss): offer those often, anything else too. */
	if (one_in(f, 3))
		strcpy(inner, one_in(f, 2) ? "s" : "a(ss)");
	else
		rnd_type(f, inner, depth > 2 ? 3 : depth);
	r = sd_bus_message_open_container(m, 'v', inner);
	if (r < 0)
		return r;
	r = append_value(f, m, inner, depth + 1);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(m);
}

static int append_basic(struct fuzz *f, sd_bus_message *m, char t)
{
	static const uint64_t edges[] = {0,	     1,		2,	   3,	   0x7f,
					 0x80,	     0xff,	0x7fff,	   0xffff, 0x7fffffff,
					 0xffffffff, INT64_MAX, UINT64_MAX};
	uint64_t v = one_in(f, 2) ? edges[rnd_below(f, ELEMENTSOF(edges))] : rnd(f);
	_cleanup_free_ char *s = NULL;
	char buf[256];

	switch (t) {
	case 'y':
		return sd_bus_message_append_basic(m, t, &(uint8_t){(uint8_t)v});
	case 'b':
		return sd_bus_message_append_basic(m, t, &(int){(int)(v & 1)});
	case 'n':
	case 'q':
		return sd_bus_message_append_basic(m, t, &(uint16_t){(uint16_t)v});
	case 'i':
	case 'u':
		return sd_bus_message_append_basic(m, t, &(uint32_t){(uint32_t)v});
	case 'x':
	case 't':
		return sd_bus_message_append_basic(m, t, &v);
	case 'd':
		return sd_bus_message_append_basic(m, t, &(double){(double)(int64_t)v / 3.0});
	case 'o':
		rnd_path(f, buf, sizeof(buf));
		return sd_bus_message_append_basic(m, t, buf);
	case 'g':
		buf[0] = '\0';
		rnd_type(f, buf, 0);
		return sd_bus_message_append_basic(m, t, buf);
	case 'h': {
		_cleanup_close_ int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* sd-bus duplicates the descriptor. */
		return fd < 0 ? -errno : sd_bus_message_append_basic(m, t, &fd);
	}
	default:
		s = rnd_string(f, true);
		if (!s)
			return -ENOMEM;
		return sd_bus_message_append_basic(m, 's', s);
	}
}

int append_value(struct fuzz *f, sd_bus_message *m, const char *t, unsigned depth)
{
	switch (*t) {
	case 'a':
		return append_array(f, m, t, depth);
	case '(':
	case '{':
		return append_struct(f, m, t, depth);
	case 'v':
		return append_variant(f, m, depth);
	default:
		return append_basic(f, m, *t);
	}
}

/* Arguments for Properties' methods name real interfaces and properties. */
int append_property_args(struct fuzz *f, sd_bus_message *m, const struct method *me)
{
	const char *iface = f->ifaces[rnd_below(f, (unsigned)f->n_ifaces)];
	const char *prop = f->props[rnd_below(f, (unsigned)f->n_props)];
	int r;

	r = sd_bus_message_append(m, "s", iface);
	if (r < 0 || streq(me->member, "GetAll"))
		return r;
	r = sd_bus_message_append(m, "s", prop);
	if (r < 0 || streq(me->member, "Get"))
		return r;
	return append_variant(f, m, 0);
}
