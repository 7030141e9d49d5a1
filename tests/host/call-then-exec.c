/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * call-then-exec: the exec race of a hostile caller, as a test tool.
 *
 *   call-then-exec <dest> <path> <interface> <member> [<signature> <args>...]
 *                  -- <program> [<arg>...]
 *
 * Connects to the system bus, sends one method call (arguments in busctl's
 * notation: basic types as words, an array as its element count followed by
 * the elements, a variant as its signature followed by the value), prints
 * the connection's unique name on stdout, and then execs <program> with the
 * bus connection still open, so that the call is judged while a different
 * program (a set-uid one, say) runs under the caller's PID. The reply is
 * never read here; the test sees it with dbus-monitor.
 *
 * Exit codes: 2 usage or a bad argument, 1 a bus failure, else the exec'd
 * program's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

struct args {
	char **v;
	int n;
	int i;
};

static const char *next_arg(struct args *a)
{
	return a->i < a->n ? a->v[a->i++] : NULL;
}

static int append_one(sd_bus_message *m, const char **sig, struct args *a);

/* The end of the complete type starting at @sig (one type, maybe a container). */
static const char *type_end(const char *sig)
{
	int depth = 0;

	do {
		if (*sig == '(' || *sig == '{')
			depth++;
		else if (*sig == ')' || *sig == '}')
			depth--;
		else if (*sig == 'a') {
			sig++;
			continue;
		} else if (*sig == '\0')
			return sig;
		sig++;
	} while (depth > 0);
	return sig;
}

static int append_basic(sd_bus_message *m, char type, const char *word)
{
	char *end;

	switch (type) {
	case 's':
	case 'o':
	case 'g':
		return sd_bus_message_append_basic(m, type, word);
	case 'u': {
		errno = 0;
		unsigned long v = strtoul(word, &end, 0);
		if (errno || *end || v > UINT32_MAX)
			return -EINVAL;
		uint32_t u = v;
		return sd_bus_message_append_basic(m, 'u', &u);
	}
	case 'b': {
		int b = strcmp(word, "true") == 0 || strcmp(word, "1") == 0;
		return sd_bus_message_append_basic(m, 'b', &b);
	}
	default:
		return -EOPNOTSUPP;
	}
}

static int append_array(sd_bus_message *m, const char **sig, struct args *a)
{
	const char *elem = *sig + 1, *end = type_end(elem), *word = next_arg(a);
	char contents[64];
	unsigned long n;
	int r;

	if (!word || (size_t)(end - elem) >= sizeof(contents))
		return -EINVAL;
	n = strtoul(word, NULL, 10);
	memcpy(contents, elem, end - elem);
	contents[end - elem] = '\0';
	r = sd_bus_message_open_container(m, 'a', contents);
	for (unsigned long i = 0; r >= 0 && i < n; i++) {
		const char *s = contents;
		r = append_one(m, &s, a);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	*sig = end;
	return r;
}

static int append_struct(sd_bus_message *m, const char **sig, struct args *a)
{
	const char *end = type_end(*sig);
	char type = **sig == '(' ? 'r' : 'e';
	char contents[64];
	const char *s;
	int r;

	if ((size_t)(end - *sig) >= sizeof(contents))
		return -EINVAL;
	memcpy(contents, *sig + 1, end - *sig - 2);
	contents[end - *sig - 2] = '\0';
	r = sd_bus_message_open_container(m, type, contents);
	for (s = contents; r >= 0 && *s;)
		r = append_one(m, &s, a);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	*sig = end;
	return r;
}

static int append_variant(sd_bus_message *m, const char **sig, struct args *a)
{
	const char *inner = next_arg(a), *s = inner;
	int r;

	if (!inner)
		return -EINVAL;
	r = sd_bus_message_open_container(m, 'v', inner);
	if (r >= 0)
		r = append_one(m, &s, a);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	(*sig)++;
	return r;
}

static int append_one(sd_bus_message *m, const char **sig, struct args *a)
{
	const char *word;

	switch (**sig) {
	case 'a':
		return append_array(m, sig, a);
	case '(':
	case '{':
		return append_struct(m, sig, a);
	case 'v':
		return append_variant(m, sig, a);
	default:
		word = next_arg(a);
		if (!word)
			return -EINVAL;
		return append_basic(m, *(*sig)++, word);
	}
}

int main(int argc, char **argv)
{
	sd_bus_message *m = NULL;
	sd_bus *bus = NULL;
	const char *name, *sig;
	uint64_t cookie;
	int sep, r, fd;

	for (sep = 1; sep < argc && strcmp(argv[sep], "--") != 0; sep++)
		;
	if (sep < 5 || sep + 1 >= argc) {
		fprintf(stderr,
			"usage: %s <dest> <path> <interface> <member> [<sig> <args>...] "
			"-- <program> [<arg>...]\n",
			argv[0]);
		return 2;
	}
	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_message_new_method_call(bus, &m, argv[1], argv[2], argv[3], argv[4]);
	if (r < 0) {
		fprintf(stderr, "call-then-exec: %s\n", strerror(-r));
		return 1;
	}
	if (sep > 5) {
		struct args a = {.v = argv + 6, .n = sep - 6};
		for (sig = argv[5]; r >= 0 && *sig;)
			r = append_one(m, &sig, &a);
		if (r < 0 || a.i != a.n) {
			fprintf(stderr, "call-then-exec: arguments do not match '%s'\n", argv[5]);
			return 2;
		}
	}
	/* With a cookie to return, sd-bus does not mark the call "no reply expected". */
	r = sd_bus_send(bus, m, &cookie);
	if (r >= 0)
		r = sd_bus_flush(bus);
	if (r >= 0)
		r = sd_bus_get_unique_name(bus, &name);
	if (r >= 0)
		r = fd = sd_bus_get_fd(bus);
	if (r < 0) {
		fprintf(stderr, "call-then-exec: %s\n", strerror(-r));
		return 1;
	}
	printf("%s\n", name);
	fflush(stdout);
	/* The connection outlives the exec, so the bus still knows the caller. */
	if (fcntl(fd, F_SETFD, 0) < 0)
		return 1;
	execv(argv[sep + 1], argv + sep + 1);
	fprintf(stderr, "call-then-exec: exec %s: %s\n", argv[sep + 1], strerror(errno));
	return 1;
}
