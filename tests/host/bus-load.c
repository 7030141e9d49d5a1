/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * bus-load: callers the shell cannot be, for the host tests' hostile runs.
 *
 *   bus-load race <clients> <parent> <uuid> <type>
 *       <clients> connections, all set up first, each send one Define of
 *       the same (parent, uuid) at once; prints one line per reply:
 *       "ok" or the error name.
 *   bus-load oversize
 *       calls that break a limit (1 MiB strings in every string argument,
 *       100,000 attributes, a 100,000-key Modify); prints one line per call:
 *       "<what>\t<error name>\t<message>", or "<what>\tok" if it succeeded.
 *   bus-load flood <calls>
 *       <calls> calls (mostly reads and refusals, some Define, Modify and
 *       Undefine), 64 in flight at a time on one connection; prints
 *       "<calls> replies".
 *   bus-load listen <connections>
 *       <connections> connections that subscribe to every signal of the
 *       daemon and never read; prints "listening" and waits for stdin to close.
 *   bus-load durable <log> <uuid>...
 *       Define, Modify and Undefine the UUIDs (on mvsim, type
 *       mvsim-virtio_net) round-robin until the daemon goes away. Appends to
 *       <log> "begin <uuid> <state>" before each call, then "ack <uuid>
 *       <state>" after its reply, "refused <uuid> <error name>" after an error,
 *       or "lost <uuid>" if the daemon vanished first. <state> is "absent" or
 *       "<start>,<mac>". Each UUID starts from what the daemon says it is.
 *   bus-load repeat <rounds> <uuid>
 *       one connection, <rounds> times Define then Undefine of <uuid> (on
 *       mvsim, type mvsim-virtio_net, manual); prints its unique name, then
 *       one line per error name with its count ("ok" for replies), sorted.
 *
 * Exit 0 when the mode ran (whatever the replies), 1 on a bus failure of our
 * own, 2 on a usage error. The test scripts judge the output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "bus-load.h"

#define HUGE_STRING (1024 * 1024)
#define HUGE_COUNT 100000
#define IN_FLIGHT 64

static int usage(void)
{
	fprintf(stderr, "usage: bus-load race <clients> <parent> <uuid> <type>\n"
			"       bus-load oversize\n"
			"       bus-load flood <calls>\n"
			"       bus-load listen <connections>\n"
			"       bus-load durable <log> <uuid>...\n"
			"       bus-load repeat <rounds> <uuid>\n");
	return 2;
}

static int parse_count(const char *s, unsigned max, unsigned *ret)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v == 0 || v > max) {
		fprintf(stderr, "bus-load: invalid count '%s': expected 1 to %u\n", s, max);
		return -EINVAL;
	}
	*ret = (unsigned)v;
	return 0;
}

int bus_open(sd_bus **ret)
{
	int r = sd_bus_open_system(ret);

	if (r < 0)
		fprintf(stderr, "bus-load: cannot connect to the system bus: %s\n", strerror(-r));
	return r;
}

/* ------------------------------------------------------------------ race */

struct race {
	unsigned pending;
	sd_event *event;
};

static int race_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct race *race = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	printf("%s\n", e ? e->name : "ok");
	if (--race->pending == 0)
		sd_event_exit(race->event, 0);
	return 0;
}

static int mode_race(unsigned clients, const char *parent, const char *uuid, const char *type)
{
	_cleanup_free_ sd_bus **buses = calloc(clients, sizeof(*buses));
	struct race race = {.pending = clients};
	int r;

	if (!buses)
		return -ENOMEM;
	r = sd_event_new(&race.event);
	/* Every connection is up (Hello answered) before the first Define goes out. */
	for (unsigned i = 0; r >= 0 && i < clients; i++) {
		r = bus_open(&buses[i]);
		if (r >= 0)
			r = sd_bus_attach_event(buses[i], race.event, 0);
	}
	for (unsigned i = 0; r >= 0 && i < clients; i++)
		r = sd_bus_call_method_async(buses[i], NULL, API_NAME, API_ROOT, MANAGER_IFACE,
					     "Define", race_reply, &race, "ssssa(ss)", parent, uuid,
					     type, "manual", 1, "mac", "02:00:00:00:00:42");
	if (r >= 0)
		r = sd_event_loop(race.event);
	for (unsigned i = 0; i < clients; i++)
		sd_bus_flush_close_unref(buses[i]);
	sd_event_unref(race.event);
	return r;
}

/* -------------------------------------------------------------- oversize */

static char *huge_string(char c)
{
	char *s = malloc(HUGE_STRING + 1);

	if (s) {
		memset(s, c, HUGE_STRING);
		s[HUGE_STRING] = '\0';
	}
	return s;
}

static void report(const char *what, int r, const sd_bus_error *e)
{
	if (r >= 0)
		printf("%s\tok\n", what);
	else
		printf("%s\t%s\t%s\n", what, e->name ?: "-", e->message ?: strerror(-r));
	fflush(stdout);
}

static int append_attrs(sd_bus_message *m, unsigned n, const char *value)
{
	char name[32];
	int r;

	r = sd_bus_message_open_container(m, 'a', "(ss)");
	for (unsigned i = 0; r >= 0 && i < n; i++) {
		snprintf(name, sizeof(name), "a%u", i);
		r = sd_bus_message_append(m, "(ss)", name, value);
	}
	return r < 0 ? r : sd_bus_message_close_container(m);
}

/* Manager.<method>(<prefix args>, a(ss) of n attributes, <suffix args>). */
static void call_attrs(sd_bus *bus, const char *what, const char *method, unsigned n,
		       const char *value)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, API_NAME, API_ROOT, MANAGER_IFACE, method);
	if (r >= 0 && streq(method, "Define"))
		r = sd_bus_message_append(m, "ssss", "mvsim", "", "mvsim-virtio_net", "manual");
	else if (r >= 0)
		r = sd_bus_message_append(m, "sss", "mvsim", "mvsim-virtio_net", "");
	if (r >= 0)
		r = append_attrs(m, n, value);
	if (r >= 0)
		r = sd_bus_call(bus, m, 60 * 1000000ULL, &e, NULL);
	report(what, r, &e);
}

/* Manager.Modify(uuid, {"attrs": n attributes} or n keys, 2). */
static void call_modify(sd_bus *bus, const char *what, const char *uuid, unsigned n, bool keys)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	char key[32];
	int r;

	r = sd_bus_message_new_method_call(bus, &m, API_NAME, API_ROOT, MANAGER_IFACE, "Modify");
	if (r >= 0)
		r = sd_bus_message_append(m, "s", uuid);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "{sv}");
	if (r >= 0 && !keys) {
		r = sd_bus_message_open_container(m, 'e', "sv");
		if (r >= 0)
			r = sd_bus_message_append(m, "s", "attrs");
		if (r >= 0)
			r = sd_bus_message_open_container(m, 'v', "a(ss)");
		if (r >= 0)
			r = append_attrs(m, n, "1");
		if (r >= 0)
			r = sd_bus_message_close_container(m);
		if (r >= 0)
			r = sd_bus_message_close_container(m);
	}
	for (unsigned i = 0; keys && r >= 0 && i < n; i++) {
		snprintf(key, sizeof(key), "k%u", i);
		r = sd_bus_message_append(m, "{sv}", key, "s", "x");
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_append(m, "u", 2);
	if (r >= 0)
		r = sd_bus_call(bus, m, 60 * 1000000ULL, &e, NULL);
	report(what, r, &e);
}

/* Manager.<method> with the string arguments of @sig, the @huge'th one 1 MiB. */
static void call_strings(sd_bus *bus, const char *what, const char *method, const char *sig,
			 const char *const *args, unsigned huge, const char *big)
{
	_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, API_NAME, API_ROOT, MANAGER_IFACE, method);
	for (unsigned i = 0; r >= 0 && sig[i]; i++) {
		if (sig[i] == 's')
			r = sd_bus_message_append(m, "s", i == huge ? big : args[i]);
		else if (sig[i] == 'A')
			r = append_attrs(m, 0, "");
		else if (sig[i] == 'u')
			r = sd_bus_message_append(m, "u", 2);
	}
	if (r >= 0)
		r = sd_bus_call(bus, m, 60 * 1000000ULL, &e, NULL);
	report(what, r, &e);
}

static int mode_oversize(void)
{
	static const char *const define[] = {"mvsim", "", "mvsim-virtio_net", "manual"};
	static const char *const define_names[] = {"parent", "uuid", "type", "start"};
	static const char *const json[] = {"mvsim", "", NULL};
	static const char *const transient[] = {"mvsim", "mvsim-virtio_net", ""};
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	_cleanup_free_ char *big = huge_string('a'), *big_json = NULL;
	char what[64];
	int r;

	if (!big)
		return -ENOMEM;
	r = bus_open(&bus);
	if (r < 0)
		return r;
	for (unsigned i = 0; i < ELEMENTSOF(define); i++) {
		snprintf(what, sizeof(what), "Define %s 1MiB", define_names[i]);
		call_strings(bus, what, "Define", "ssssA", define, i, big);
	}
	call_strings(bus, "Undefine uuid 1MiB", "Undefine", "s", define + 1, 0, big);
	call_strings(bus, "Start uuid 1MiB", "Start", "s", define + 1, 0, big);
	call_strings(bus, "Stop uuid 1MiB", "Stop", "s", define + 1, 0, big);
	call_strings(bus, "StartTransient type 1MiB", "StartTransient", "sssA", transient, 1, big);
	call_strings(bus, "DefineJSON parent 1MiB", "DefineJSON", "sss", json, 0, big);
	/* A 1 MiB JSON document that is valid but for its size. */
	if (asprintf(&big_json,
		     "{\"mdev_type\":\"mvsim-virtio_net\",\"start\":\"manual\","
		     "\"attrs\":[{\"a\":\"%s\"}]}",
		     big) < 0)
		return -ENOMEM;
	call_strings(bus, "DefineJSON json 1MiB", "DefineJSON", "sss", json, 2, big_json);
	call_attrs(bus, "Define attribute value 1MiB", "Define", 1, big);
	call_attrs(bus, "Define 100000 attributes", "Define", HUGE_COUNT, "1");
	call_attrs(bus, "StartTransient 100000 attributes", "StartTransient", HUGE_COUNT, "1");
	call_modify(bus, "Modify 100000 attributes", "f0220000-1111-4000-8000-000000000001",
		    HUGE_COUNT, false);
	call_modify(bus, "Modify 100000 keys", "f0220000-1111-4000-8000-000000000001", HUGE_COUNT,
		    true);
	return 0;
}

/* ----------------------------------------------------------------- flood */

struct flood {
	sd_bus *bus;
	sd_event *event;
	unsigned total, sent, replied, lost;
};

static int flood_send(struct flood *f);

static int flood_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct flood *f = userdata;
	const sd_bus_error *e = sd_bus_message_get_error(m);

	f->replied++;
	if (e && (sd_bus_error_has_name(e, SD_BUS_ERROR_NO_REPLY) ||
		  sd_bus_error_has_name(e, SD_BUS_ERROR_SERVICE_UNKNOWN) ||
		  sd_bus_error_has_name(e, SD_BUS_ERROR_DISCONNECTED))) {
		f->lost++;
		fprintf(stderr, "bus-load: call %u got no answer: %s\n", f->replied, e->name);
	}
	if (f->sent < f->total)
		return flood_send(f);
	if (f->replied == f->total)
		sd_event_exit(f->event, 0);
	return 0;
}

/*
 * The next call: of every 32, 29 reads and refusals (no disk access) in turn,
 * then a Define, a Modify and an Undefine of one UUID (each an fsync or
 * three, which would otherwise be all the flood measures).
 */
static int flood_send(struct flood *f)
{
	unsigned n = f->sent++, round = n / 32;
	char uuid[40];

	snprintf(uuid, sizeof(uuid), "f1000000-0000-4000-8000-%012x", round);
	switch (n % 32) {
	case 29:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Define", flood_reply, f, "ssssa(ss)", "mvsim",
						uuid, "mvsim-virtio_net", "manual", 1, "mac",
						"02:00:00:00:00:01");
	case 30:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Modify", flood_reply, f, "sa{sv}u", uuid, 1,
						"start", "s", "auto", 2);
	case 31:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Undefine", flood_reply, f, "s", uuid);
	}
	switch (n % 6) {
	case 0:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT,
						"org.freedesktop.DBus.Properties", "Get",
						flood_reply, f, "ss", MANAGER_IFACE, "Version");
	case 1:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT,
						"org.freedesktop.DBus.ObjectManager",
						"GetManagedObjects", flood_reply, f, "");
	case 2:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Define", flood_reply, f, "ssssa(ss)", "../etc", "",
						"mvsim-virtio_net", "manual", 0);
	case 3:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Modify", flood_reply, f, "sa{sv}u", uuid, 1,
						"nosuchkey", "s", "x", 2);
	case 4:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"Start", flood_reply, f, "s", uuid);
	default:
		return sd_bus_call_method_async(f->bus, NULL, API_NAME, API_ROOT, MANAGER_IFACE,
						"NoSuchMethod", flood_reply, f, "");
	}
}

static int mode_flood(unsigned calls)
{
	struct flood f = {.total = calls};
	int r;

	r = bus_open(&f.bus);
	if (r >= 0)
		r = sd_event_new(&f.event);
	if (r >= 0)
		r = sd_bus_attach_event(f.bus, f.event, 0);
	for (unsigned i = 0; r >= 0 && i < IN_FLIGHT && f.sent < f.total; i++)
		r = flood_send(&f);
	if (r >= 0)
		r = sd_event_loop(f.event);
	if (r >= 0 && f.lost)
		r = -EIO;
	if (r < 0)
		fprintf(stderr, "bus-load: flood failed after %u replies: %s\n", f.replied,
			strerror(-r));
	else
		printf("%u replies\n", f.replied);
	sd_bus_flush_close_unref(f.bus);
	sd_event_unref(f.event);
	return r;
}

/* ---------------------------------------------------------------- listen */

static int mode_listen(unsigned connections)
{
	_cleanup_free_ sd_bus **buses = calloc(connections, sizeof(*buses));
	char buf[64];
	int r = 0;

	if (!buses)
		return -ENOMEM;
	for (unsigned i = 0; r >= 0 && i < connections; i++) {
		r = bus_open(&buses[i]);
		if (r >= 0)
			r = sd_bus_add_match(buses[i], NULL, "type='signal',sender='" API_NAME "'",
					     NULL, NULL);
	}
	if (r >= 0) {
		printf("listening\n");
		fflush(stdout);
		/* Never read the signals: slow subscribers are the bus's problem, not the daemon's.
		 */
		while (fread(buf, 1, sizeof(buf), stdin) > 0)
			;
	}
	for (unsigned i = 0; i < connections; i++)
		sd_bus_close_unref(buses[i]);
	return r;
}

/* ---------------------------------------------------------------- repeat */

struct tally {
	char name[256];
	unsigned count;
};

static void tally_add(struct tally *t, size_t *n, size_t max, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (streq(t[i].name, name)) {
			t[i].count++;
			return;
		}
	if (*n < max) {
		snprintf(t[*n].name, sizeof(t[*n].name), "%s", name);
		t[(*n)++].count = 1;
	}
}

static int tally_cmp(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->name, ((const struct tally *)b)->name);
}

static int mode_repeat(unsigned rounds, const char *uuid)
{
	_cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
	struct tally t[8];
	size_t n = 0;
	const char *name;
	int r;

	r = bus_open(&bus);
	if (r < 0)
		return r;
	r = sd_bus_get_unique_name(bus, &name);
	if (r < 0)
		return r;
	printf("%s\n", name);
	for (unsigned i = 0; i < rounds * 2; i++) {
		_cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

		if (i % 2 == 0)
			r = sd_bus_call_method(bus, API_NAME, API_ROOT, MANAGER_IFACE, "Define", &e,
					       NULL, "ssssa(ss)", "mvsim", uuid, "mvsim-virtio_net",
					       "manual", 0);
		else
			r = sd_bus_call_method(bus, API_NAME, API_ROOT, MANAGER_IFACE, "Undefine",
					       &e, NULL, "s", uuid);
		if (r < 0 && !e.name)
			return r;
		tally_add(t, &n, ELEMENTSOF(t), r < 0 ? e.name : "ok");
	}
	qsort(t, n, sizeof(*t), tally_cmp);
	for (size_t i = 0; i < n; i++)
		printf("%s %u\n", t[i].name, t[i].count);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned n;
	int r;

	if (argc == 6 && streq(argv[1], "race")) {
		if (parse_count(argv[2], 10000, &n) < 0)
			return 2;
		r = mode_race(n, argv[3], argv[4], argv[5]);
	} else if (argc == 2 && streq(argv[1], "oversize")) {
		r = mode_oversize();
	} else if (argc == 3 && streq(argv[1], "flood")) {
		if (parse_count(argv[2], 10000000, &n) < 0)
			return 2;
		r = mode_flood(n);
	} else if (argc == 3 && streq(argv[1], "listen")) {
		if (parse_count(argv[2], 10000, &n) < 0)
			return 2;
		r = mode_listen(n);
	} else if (argc == 4 && streq(argv[1], "repeat")) {
		if (parse_count(argv[2], 100000, &n) < 0)
			return 2;
		r = mode_repeat(n, argv[3]);
	} else if (argc >= 4 && streq(argv[1], "durable")) {
		r = mode_durable(argv[2], argv + 3, (unsigned)(argc - 3));
	} else {
		return usage();
	}
	if (r < 0)
		fprintf(stderr, "bus-load %s: %s\n", argv[1], strerror(-r));
	return r < 0 ? 1 : 0;
}
