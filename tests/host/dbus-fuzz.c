/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * dbus-fuzz: random method calls against mdevvirtiod's own D-Bus API.
 *
 *   dbus-fuzz [--seed N] [--calls N] [--timeout-ms N] [--big N] [--in-flight N]
 *
 * Defines one device (FUZZ_UUID) so that a Device object exists, then
 * introspects the manager, that device and the parent "mvsim" with every
 * interface they serve (Manager, Device, Parent, ObjectManager, Properties,
 * Peer, Introspectable) and makes --calls (default 2000) method calls chosen
 * from them, one after the other (or with up to --in-flight N outstanding,
 * made in the same order, answered as the daemon goes): mostly well-typed arguments drawn from edge
 * values (dbus-fuzz-values.c), and some ill-typed or misdirected ones (a
 * random signature, an extra or a missing argument, an unknown member,
 * interface or path, a method sent to another object). One call in --big
 * (default 50; 0 never) may carry a 1 MiB string or a 100,000-element array.
 *
 * The calls depend only on the seed and the introspected methods, never on
 * replies: the same seed against a daemon started the same way makes the
 * same calls. The seed is printed first; a failure prints the call.
 *
 * Passes (exit 0) when every call got a reply (a method return or an error)
 * within the timeout (default 10 s), the daemon kept its unique name all
 * along, and afterwards it still answers a plain call (Version) and a
 * Define/Undefine of a fresh UUID, and every error was one of ours or one of
 * sd-bus's for calls that reach no method (a System.Error.E* errno or a
 * Failed fails the run). Prints how often each error name was seen.
 * Exit 1 on a failure, 2 on a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dbus-fuzz.h"

static const char *const bogus_ifaces[] = {
    "org.mdevvirtio1.Nope",
    "org.mdevvirtio1",
    "org.freedesktop.DBus",
    "a.b",
};

static bool strv_has(char **v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (streq(v[i], s))
			return true;
	return false;
}

static void name_add(char **v, size_t *n, const char *s)
{
	if (*n < NAMES_MAX && !strv_has(v, *n, s))
		v[(*n)++] = strdup(s);
}

/* The value of attribute @attr in the tag starting at @tag, or NULL. */
static char *tag_attr(const char *tag, const char *attr)
{
	const char *end = strchr(tag, '>'), *p;
	char key[32];

	snprintf(key, sizeof(key), " %s=\"", attr);
	p = strstr(tag, key);
	if (!p || !end || p > end)
		return NULL;
	p += strlen(key);
	return strndup(p, strcspn(p, "\""));
}

static void method_add(struct fuzz *f, const char *path, const char *iface, const char *member,
		       const char *sig)
{
	if (f->n_methods >= METHODS_MAX)
		return;
	f->methods[f->n_methods++] =
	    (struct method){strdup(path), strdup(iface), strdup(member), strdup(sig)};
}

/* Every method of @xml (sd-bus's introspection of @path), with its in-signature. */
static void introspection_parse(struct fuzz *f, const char *path, const char *xml)
{
	_cleanup_free_ char *iface = NULL, *member = NULL;
	char sig[256] = "";

	for (const char *p = strchr(xml, '<'); p; p = strchr(p + 1, '<')) {
		if (strncmp(p, "<interface ", 11) == 0) {
			free(iface);
			iface = tag_attr(p, "name");
			if (iface)
				name_add(f->ifaces, &f->n_ifaces, iface);
		} else if (strncmp(p, "<method ", 8) == 0 && iface) {
			free(member);
			member = tag_attr(p, "name");
			sig[0] = '\0';
			if (member && strstr(p, "/>") == strchr(p, '>') - 1) {
				method_add(f, path, iface, member, "");
				free(member);
				member = NULL;
			}
		} else if (strncmp(p, "<arg ", 5) == 0 && member) {
			_cleanup_free_ char *type = tag_attr(p, "type"),
					    *dir = tag_attr(p, "direction");

			if (type && !(dir && streq(dir, "out")) &&
			    strlen(sig) + strlen(type) < sizeof(sig))
				strcat(sig, type);
		} else if (strncmp(p, "</method>", 9) == 0 && member) {
			method_add(f, path, iface, member, sig);
			free(member);
			member = NULL;
		} else if (strncmp(p, "<property ", 10) == 0) {
			_cleanup_free_ char *name = tag_attr(p, "name");

			if (name)
				name_add(f->props, &f->n_props, name);
		}
	}
}

static int introspect(struct fuzz *f, const char *path)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *xml;
	int r;

	r = sd_bus_call_method(f->bus, API_NAME, path, "org.freedesktop.DBus.Introspectable",
			       "Introspect", &error, &reply, "");
	if (r >= 0)
		r = sd_bus_message_read(reply, "s", &xml);
	if (r < 0) {
		fprintf(stderr, "dbus-fuzz: cannot introspect %s: %s\n", path,
			error.message ?: strerror(-r));
		return r;
	}
	introspection_parse(f, path, xml);
	return 0;
}

static int owner_get(struct fuzz *f, char **ret)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
	const char *s;
	int r;

	r = sd_bus_call_method(f->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "GetNameOwner", &error, &reply, "s",
			       API_NAME);
	if (r >= 0)
		r = sd_bus_message_read(reply, "s", &s);
	if (r < 0)
		return r;
	*ret = strdup(s);
	return *ret ? 0 : -ENOMEM;
}

static void error_count(struct fuzz *f, const char *name)
{
	size_t i;

	for (i = 0; i < f->n_errors; i++)
		if (streq(f->errors[i].name, name))
			break;
	if (i == f->n_errors) {
		if (i == ERROR_NAMES_MAX)
			return;
		f->errors[f->n_errors++].name = strdup(name);
	}
	f->errors[i].count++;
}

/* A method as introspected, or mutated; *ret_sig_kept when its signature is the real one. */
static void call_choose(struct fuzz *f, struct method *ret, char path[static 256],
			char sig[static 256], bool *ret_sig_kept)
{
	const struct method *me = &f->methods[rnd_below(f, (unsigned)f->n_methods)];
	unsigned k = rnd_below(f, 100);

	f->fds_left = FDS_PER_MESSAGE;
	*ret = *me;
	snprintf(path, 256, "%s", me->path);
	snprintf(sig, 256, "%s", me->sig);
	ret->path = path;
	ret->sig = sig;
	if (k < 8) /* another object's method */
		snprintf(path, 256, "%s", f->methods[rnd_below(f, (unsigned)f->n_methods)].path);
	else if (k < 13)
		rnd_path(f, path, 256);
	else if (k < 17)
		ret->iface = (char *)bogus_ifaces[rnd_below(f, ELEMENTSOF(bogus_ifaces))];
	else if (k < 19)
		ret->iface = NULL; /* D-Bus allows a call without an interface */
	else if (k < 23)
		ret->member = one_in(f, 2) ? "NoSuchMethod" : "Define_";
	if (k >= 23 && k < 33) { /* a random signature */
		unsigned n = rnd_below(f, 5);

		sig[0] = '\0';
		while (n-- && strlen(sig) < 160)
			rnd_type(f, sig, 0);
	} else if (k >= 33 && k < 41 && strlen(sig) < 160) { /* an extra argument */
		rnd_type(f, sig, 0);
	} else if (k >= 41 && k < 48 && sig[0]) { /* the last argument missing */
		size_t off = 0;

		for (const char *p = sig; *p; p += type_len(p))
			off = (size_t)(p - sig);
		sig[off] = '\0';
	}
	*ret_sig_kept = streq(sig, me->sig);
}

static int call_build(struct fuzz *f, const struct method *me, bool sig_kept, sd_bus_message **ret)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(f->bus, &m, API_NAME, me->path, me->iface, me->member);
	if (r < 0)
		return r;
	f->big_left = one_in(f, f->big_every);
	if (me->iface && streq(me->iface, "org.freedesktop.DBus.Properties") && sig_kept &&
	    !one_in(f, 4))
		r = append_property_args(f, m, me);
	else
		for (const char *p = me->sig; *p && r >= 0; p += type_len(p))
			r = append_value(f, m, p, 0);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(m);
	return 0;
}

/* Errors that mean the daemon did not answer: it is gone, hung, or never got it. */
static bool error_is_no_answer(int r, const sd_bus_error *e)
{
	static const char *const names[] = {
	    SD_BUS_ERROR_NO_REPLY,     SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
	    SD_BUS_ERROR_DISCONNECTED, SD_BUS_ERROR_TIMEOUT,	     SD_BUS_ERROR_LIMITS_EXCEEDED,
	};

	if (r == -ETIMEDOUT || r == -ECONNRESET || r == -ENOTCONN || r == -EPIPE)
		return true;
	for (size_t i = 0; i < ELEMENTSOF(names); i++)
		if (sd_bus_error_has_name(e, names[i]))
			return true;
	return false;
}

/* (Re)define FUZZ_UUID: the calls undefine it now and then. AlreadyExists is fine. */
static void fuzz_device_define(struct fuzz *f)
{
	sd_bus_call_method(f->bus, API_NAME, API_ROOT, MANAGER_IFACE, "Define", NULL, NULL,
			   "ssssa(ss)", "mvsim", FUZZ_UUID, "mvsim-virtio_net", "manual", 0);
}

/* Choose and build call @n; *ret_what describes it for messages. */
static int call_make(struct fuzz *f, unsigned n, sd_bus_message **ret, char **ret_what)
{
	char path[256], sig[256];
	struct method me;
	bool sig_kept;
	int r;

	call_choose(f, &me, path, sig, &sig_kept);
	r = call_build(f, &me, sig_kept, ret);
	if (r < 0)
		fprintf(stderr, "dbus-fuzz: call %u: cannot build %s %s.%s(%s): %s\n", n, me.path,
			me.iface ?: "-", me.member, me.sig, strerror(-r));
	else if (asprintf(ret_what, "%s %s.%s(%s)", me.path, me.iface ?: "-", me.member, me.sig) <
		 0)
		r = -ENOMEM;
	return r;
}

/* Count the answer to call @n (@r < 0 with @error set for an error). */
static int call_judge(struct fuzz *f, unsigned n, const char *what, int r,
		      const sd_bus_error *error)
{
	if (r >= 0) {
		f->returns++;
		return 0;
	}
	if (error_is_no_answer(r, error)) {
		fprintf(stderr, "dbus-fuzz: call %u: %s got no answer: %s%s%s\n", n, what,
			strerror(-r), error->name ? ": " : "", error->name ?: "");
		return -EIO;
	}
	error_count(f, error->name ?: "(no error name)");
	return 0;
}

static int call_one(struct fuzz *f, unsigned n)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
	_cleanup_free_ char *what = NULL;
	int r;

	r = call_make(f, n, &m, &what);
	if (r < 0)
		return r;
	r = sd_bus_call(f->bus, m, f->timeout_usec, &error, &reply);
	return call_judge(f, n, what, r, &error);
}

/* Error names a caller may see: ours, and exactly those sd-bus's answers to
 * calls that reach no method use (org.mdevvirtio1(5)). Anything else (System.Error.E*, Failed,
 * NoMemory) is a bare errno or an unmapped failure: unnamed to the caller. */
static int check_error_names(struct fuzz *f)
{
	static const char *const known[] = {
	    SD_BUS_ERROR_UNKNOWN_METHOD,    SD_BUS_ERROR_UNKNOWN_OBJECT,
	    SD_BUS_ERROR_UNKNOWN_INTERFACE, SD_BUS_ERROR_UNKNOWN_PROPERTY,
	    SD_BUS_ERROR_INVALID_ARGS,	    SD_BUS_ERROR_PROPERTY_READ_ONLY,
	};
	int r = 0;

	for (size_t i = 0; i < f->n_errors; i++) {
		const char *name = f->errors[i].name;
		bool ok = strncmp(name, "org.mdevvirtio1.Error.", 22) == 0;

		for (size_t k = 0; !ok && k < ELEMENTSOF(known); k++)
			ok = streq(name, known[k]);
		if (!ok) {
			fprintf(stderr, "dbus-fuzz: %u replies with the unexpected error name %s\n",
				f->errors[i].count, name);
			r = -EBADMSG;
		}
	}
	return r;
}

static int check_owner(struct fuzz *f, unsigned n)
{
	_cleanup_free_ char *now = NULL;
	int r = owner_get(f, &now);

	if (r < 0 || !streq(now, f->owner)) {
		fprintf(stderr, "dbus-fuzz: after call %u the daemon %s (it was %s)\n", n,
			r < 0 ? "no longer owns " API_NAME : "is a new process", f->owner);
		return -EIO;
	}
	return 0;
}

/* Between calls: keep FUZZ_UUID's object, and check the daemon is the same one. */
static int between_calls(struct fuzz *f, uint64_t n, uint64_t calls)
{
	if (n % 50 == 49)
		fuzz_device_define(f);
	if (n % 200 == 199 || n + 1 == calls)
		return check_owner(f, (unsigned)n);
	return 0;
}

static int run_serial(struct fuzz *f, uint64_t calls)
{
	int r = 0;

	for (uint64_t n = 0; r >= 0 && n < calls; n++) {
		r = call_one(f, (unsigned)n);
		if (r >= 0)
			r = between_calls(f, n, calls);
	}
	return r;
}

/* --in-flight N: up to N calls outstanding; the calls are made in the same
 * order as serially, only their answers may interleave. */
struct pipeline {
	struct fuzz *f;
	uint64_t calls, sent, done;
	int r;
};

struct pending {
	struct pipeline *p;
	unsigned n;
	char *what;
};

static void pending_free(void *userdata)
{
	struct pending *pe = userdata;

	free(pe->what);
	free(pe);
}

static int pipeline_send(struct pipeline *p);

static int pipeline_reply(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
	struct pending *pe = userdata;
	struct pipeline *p = pe->p;
	const sd_bus_error *e = sd_bus_message_get_error(m);
	int r;

	r = call_judge(p->f, pe->n, pe->what, e ? -sd_bus_error_get_errno(e) ?: -EIO : 0, e);
	if (r >= 0)
		r = between_calls(p->f, p->done, p->calls);
	p->done++;
	if (r >= 0 && p->sent < p->calls)
		r = pipeline_send(p);
	if (r < 0 && p->r >= 0)
		p->r = r;
	return 0;
}

static int pipeline_send(struct pipeline *p)
{
	_cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
	_cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
	struct pending *pe = calloc(1, sizeof(*pe));
	int r;

	if (!pe)
		return -ENOMEM;
	*pe = (struct pending){p, (unsigned)p->sent++, NULL};
	r = call_make(p->f, pe->n, &m, &pe->what);
	if (r >= 0)
		r = sd_bus_call_async(p->f->bus, &slot, m, pipeline_reply, pe, p->f->timeout_usec);
	if (r < 0) {
		pending_free(pe);
		return r;
	}
	/* The slot owns pe from here and frees it with the reply or the bus. */
	sd_bus_slot_set_destroy_callback(slot, pending_free);
	return sd_bus_slot_set_floating(slot, 1);
}

static int run_pipelined(struct fuzz *f, uint64_t calls, unsigned in_flight)
{
	struct pipeline p = {.f = f, .calls = calls};
	int r = 0;

	for (unsigned i = 0; r >= 0 && i < in_flight && p.sent < calls; i++)
		r = pipeline_send(&p);
	/* A plain loop, not sd-event: its exit would close the connection. */
	while (r >= 0 && p.r >= 0 && p.done < calls) {
		r = sd_bus_process(f->bus, NULL);
		if (r == 0)
			r = sd_bus_wait(f->bus, UINT64_MAX);
	}
	return r < 0 ? r : p.r;
}

/* A plain call works afterwards: Version, and a Define/Undefine of a fresh UUID. */
static int check_plain(struct fuzz *f)
{
	_cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
	_cleanup_free_ char *version = NULL;
	int r;

	r = sd_bus_get_property_string(f->bus, API_NAME, API_ROOT, MANAGER_IFACE, "Version", &error,
				       &version);
	if (r >= 0) {
		/* Left over from the fuzzing, maybe: not an error. */
		sd_bus_call_method(f->bus, API_NAME, API_ROOT, MANAGER_IFACE, "Undefine", NULL,
				   NULL, "s", PLAIN_UUID);
		r = sd_bus_call_method(f->bus, API_NAME, API_ROOT, MANAGER_IFACE, "Define", &error,
				       NULL, "ssssa(ss)", "mvsim", PLAIN_UUID, "mvsim-virtio_net",
				       "manual", 1, "mac", "02:00:00:00:00:01");
	}
	if (r >= 0)
		r = sd_bus_call_method(f->bus, API_NAME, API_ROOT, MANAGER_IFACE, "Undefine",
				       &error, NULL, "s", PLAIN_UUID);
	if (r < 0) {
		fprintf(stderr, "dbus-fuzz: a plain call failed after the fuzzing: %s\n",
			error.message ?: strerror(-r));
		return r;
	}
	printf("dbus-fuzz: the daemon (version %s) still answers plain calls\n", version);
	return 0;
}

static int setup(struct fuzz *f)
{
	_cleanup_free_ char *dev = NULL, *parent = NULL;
	int r;

	r = sd_bus_open_system(&f->bus);
	if (r < 0) {
		fprintf(stderr, "dbus-fuzz: cannot connect to the system bus: %s\n", strerror(-r));
		return r;
	}
	r = owner_get(f, &f->owner);
	if (r < 0) {
		fprintf(stderr, "dbus-fuzz: nobody owns %s: %s\n", API_NAME, strerror(-r));
		return r;
	}
	fuzz_device_define(f);
	if (sd_bus_path_encode(API_ROOT "/devices", FUZZ_UUID, &dev) < 0 ||
	    sd_bus_path_encode(API_ROOT "/parents", "mvsim", &parent) < 0)
		return -ENOMEM;
	if ((r = introspect(f, API_ROOT)) < 0 || (r = introspect(f, dev)) < 0 ||
	    (r = introspect(f, parent)) < 0)
		return r;
	if (f->n_methods == 0) {
		fprintf(stderr, "dbus-fuzz: the introspection lists no methods\n");
		return -ENOENT;
	}
	for (size_t i = 0; i < ELEMENTSOF(bogus_ifaces); i++)
		name_add(f->ifaces, &f->n_ifaces, bogus_ifaces[i]);
	name_add(f->props, &f->n_props, "NoSuchProperty");
	return 0;
}

static void fuzz_done(struct fuzz *f)
{
	for (size_t i = 0; i < f->n_methods; i++) {
		free(f->methods[i].path);
		free(f->methods[i].iface);
		free(f->methods[i].member);
		free(f->methods[i].sig);
	}
	for (size_t i = 0; i < f->n_ifaces; i++)
		free(f->ifaces[i]);
	for (size_t i = 0; i < f->n_props; i++)
		free(f->props[i]);
	for (size_t i = 0; i < f->n_errors; i++)
		free(f->errors[i].name);
	free(f->owner);
	sd_bus_flush_close_unref(f->bus);
}

static int parse_uint(const char *s, const char *what, uint64_t *ret)
{
	char *end;

	errno = 0;
	*ret = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-') {
		fprintf(stderr, "dbus-fuzz: invalid --%s '%s': expected a decimal number\n", what,
			s);
		return -EINVAL;
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct fuzz *f, uint64_t *seed, uint64_t *calls,
		      unsigned *in_flight)
{
	static const struct option options[] = {
	    {"seed", required_argument, NULL, 's'},	  {"calls", required_argument, NULL, 'c'},
	    {"timeout-ms", required_argument, NULL, 't'}, {"big", required_argument, NULL, 'b'},
	    {"in-flight", required_argument, NULL, 'i'},  {},
	};
	uint64_t v;
	int c, idx = 0;

	*seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
	*calls = 2000;
	*in_flight = 1;
	f->timeout_usec = 10 * 1000000ULL;
	f->big_every = 50;
	while ((c = getopt_long(argc, argv, "", options, &idx)) >= 0) {
		if (c == '?')
			return -EINVAL;
		if (parse_uint(optarg, options[idx].name, &v) < 0)
			return -EINVAL;
		if (c == 's')
			*seed = v;
		else if (c == 'c')
			*calls = v;
		else if (c == 't')
			f->timeout_usec = v * 1000;
		else if (c == 'b')
			f->big_every = (unsigned)v;
		else if (v >= 1 && v <= 1024)
			*in_flight = (unsigned)v;
		else
			return fprintf(stderr, "dbus-fuzz: --in-flight takes 1 to 1024\n"), -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "dbus-fuzz: unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct fuzz f = {};
	uint64_t seed, calls;
	unsigned in_flight;
	int r;

	if (parse_args(argc, argv, &f, &seed, &calls, &in_flight) < 0)
		return 2;
	printf("dbus-fuzz: seed %" PRIu64 " (rerun with --seed %" PRIu64 "), %" PRIu64 " calls\n",
	       seed, seed, calls);
	fflush(stdout);
	f.rng = seed ?: 1;
	r = setup(&f);
	if (r >= 0)
		r = in_flight > 1 ? run_pipelined(&f, calls, in_flight) : run_serial(&f, calls);
	if (r >= 0)
		r = check_plain(&f);
	if (r >= 0)
		r = check_error_names(&f);
	printf("dbus-fuzz: %zu methods, %u returns", f.n_methods, f.returns);
	for (size_t i = 0; i < f.n_errors; i++)
		printf(", %s %u", f.errors[i].name, f.errors[i].count);
	printf("\n");
	fuzz_done(&f);
	return r < 0 ? 1 : 0;
}
