/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The callout leaf (src/daemon/callout*.c): mdevctl's words, argv and
 * stdin, the directories and their order, what scripts print back, running
 * one with its bounds, and which script answers in an operation.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "callout.h"
#include "check-main.h"
#include "root-path.h"

static char root[] = "/tmp/test-callout.XXXXXX";

static void setup(void)
{
	strcpy(root, "/tmp/test-callout.XXXXXX"); /* again for each test, forked or not */
	ck_assert_ptr_nonnull(mkdtemp(root));
	ck_assert_int_eq(root_set(root), 0);
}

static void teardown(void)
{
	_cleanup_free_ char *cmd = NULL;

	ck_assert_int_ge(asprintf(&cmd, "rm -rf '%s'", root), 0);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(root_set(NULL), 0);
}

/* Write @text to <root>/@path with @mode, creating its directories. */
static void put(const char *path, const char *text, mode_t mode)
{
	_cleanup_free_ char *full = NULL, *cmd = NULL;
	FILE *f;

	ck_assert_int_ge(asprintf(&full, "%s%s", root, path), 0);
	ck_assert_int_ge(asprintf(&cmd, "mkdir -p \"$(dirname '%s')\"", full), 0);
	ck_assert_int_eq(system(cmd), 0);
	f = fopen(full, "we");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(full, mode), 0);
}

START_TEST(words_are_mdevctls)
{
	ck_assert_str_eq(callout_event_to_string(CALLOUT_EVENT_PRE), "pre");
	ck_assert_str_eq(callout_event_to_string(CALLOUT_EVENT_NOTIFY), "notify");
	ck_assert_str_eq(callout_event_to_string(CALLOUT_EVENT_LIVE), "live");
	ck_assert_ptr_null(callout_event_to_string(_CALLOUT_EVENT_MAX));
	ck_assert_ptr_null(callout_event_to_string((enum callout_event) - 1));
	ck_assert_str_eq(callout_action_to_string(CALLOUT_ACTION_UNDEFINE), "undefine");
	ck_assert_str_eq(callout_action_to_string(CALLOUT_ACTION_CAPABILITIES), "capabilities");
	ck_assert_ptr_null(callout_action_to_string(_CALLOUT_ACTION_MAX));
	ck_assert_str_eq(callout_state_to_string(CALLOUT_STATE_FAILURE), "failure");
	ck_assert_ptr_null(callout_state_to_string(_CALLOUT_STATE_MAX));
}
END_TEST

START_TEST(argv_is_mdevctls)
{
	static const char *const want[] = {
	    "/s/10-x",
	    "-t",
	    "vfio_ap-passthrough",
	    "-e",
	    "post",
	    "-a",
	    "start",
	    "-s",
	    "failure",
	    "-u",
	    "11111111-2222-3333-4444-555555555555",
	    "-p",
	    "matrix",
	};
	const struct callout_device dev = {.parent = "matrix",
					   .type = "vfio_ap-passthrough",
					   .uuid = "11111111-2222-3333-4444-555555555555"};
	_cleanup_strv_free_ char **argv = NULL;
	char **bad = NULL;
	size_t n = 0;

	ck_assert_int_eq(callout_argv("/s/10-x", &dev, CALLOUT_EVENT_POST, CALLOUT_ACTION_START,
				      CALLOUT_STATE_FAILURE, &argv),
			 0);
	while (argv[n])
		n++;
	ck_assert_uint_eq(n, ELEMENTSOF(want));
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(argv[i], want[i]);
	/* Every argument is required; an unknown word is refused, not passed as "(null)". */
	ck_assert_int_eq(callout_argv("/s/x", &(struct callout_device){.parent = "p", .uuid = "u"},
				      CALLOUT_EVENT_PRE, CALLOUT_ACTION_START, CALLOUT_STATE_NONE,
				      &bad),
			 -EINVAL);
	ck_assert_int_eq(callout_argv("/s/x", &dev, _CALLOUT_EVENT_MAX, CALLOUT_ACTION_START,
				      CALLOUT_STATE_NONE, &bad),
			 -EINVAL);
	ck_assert_ptr_null(bad);
}
END_TEST

START_TEST(config_json_is_compact_and_ordered)
{
	_cleanup_free_ char *a = NULL, *b = NULL;
	struct callout_attr attrs[] = {{(char *)"assign_adapter", (char *)"5"},
				       {(char *)"a/b", (char *)"x\"y/z"}};

	ck_assert_int_eq(callout_config_json("vfio_ap-passthrough", true, attrs, 2, &a), 0);
	ck_assert_str_eq(a, "{\"mdev_type\":\"vfio_ap-passthrough\",\"start\":\"auto\","
			    "\"attrs\":[{\"assign_adapter\":\"5\"},{\"a/b\":\"x\\\"y/z\"}]}");
	ck_assert_int_eq(callout_config_json("t", false, NULL, 0, &b), 0);
	ck_assert_str_eq(b, "{\"mdev_type\":\"t\",\"start\":\"manual\",\"attrs\":[]}");
}
END_TEST

START_TEST(attributes_as_mdevctl_reads_them)
{
	static const char good[] = "[{\"assign_adapter\":\"5\"},{\"assign_domain\":\"4\"}]\0\0";
	static const struct {
		const char *text, *why;
	} bad[] = {
	    {"{\"a\":\"1\"}", "attributes field is not an array"},
	    {"[\"a\"]", "invalid JSON format for attribute: not an object"},
	    {"[{\"a\":\"1\",\"b\":\"2\"}]", "invalid JSON format for attribute: too many fields"},
	    {"[{}, {\"a\":\"1\"}]", "invalid JSON format for attribute: too many fields"},
	    {"[{\"a\":1}]", "invalid JSON format for attribute: value must be of type str"},
	    {"[{\"a\":", "Invalid JSON received from callout script"},
	    {"[] []", "Invalid JSON received from callout script"},
	};
	struct callout_attr *a = NULL;
	size_t n = 99;

	ck_assert_int_eq(callout_attrs_parse("", 0, &a, &n, NULL), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(callout_attrs_parse("\0", 1, &a, &n, NULL), 0);
	ck_assert_int_eq(callout_attrs_parse("null\n", 5, &a, &n, NULL), 0);
	ck_assert_ptr_null(a);
	ck_assert_int_eq(callout_attrs_parse("[{}]\0", 5, &a, &n, NULL), 1);
	ck_assert_uint_eq(n, 0);
	callout_attrs_free(a, n);
	ck_assert_int_eq(callout_attrs_parse(good, sizeof(good) - 1, &a, &n, NULL), 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(a[0].name, "assign_adapter");
	ck_assert_str_eq(a[1].value, "4");
	callout_attrs_free(a, n);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
		_cleanup_free_ char *why = NULL;

		ck_assert_int_eq(
		    callout_attrs_parse(bad[i].text, strlen(bad[i].text), &a, &n, &why), -EINVAL);
		ck_assert_str_eq(why, bad[i].why);
		ck_assert_ptr_null(a);
	}
}
END_TEST

START_TEST(handshake_json)
{
	static const char answer[] =
	    "{\"provides\":{},\"supports\":{\"version\":2,\"actions\":[\"start\",\"modify\","
	    "\"dummy\"],\"events\":[\"pre\",\"live\"]}}\0";
	static const char *const bad[] = {
	    "",
	    "{}",
	    "{\"provides\":{\"version\":2,\"actions\":[],\"events\":[]}}",
	    "{\"supports\":{\"actions\":[],\"events\":[]}}",
	    "{\"supports\":{\"version\":-1,\"actions\":[],\"events\":[]}}",
	    "{\"supports\":{\"version\":2,\"actions\":[1],\"events\":[]}}",
	    "{\"supports\":{\"version\":2,\"actions\":[]}}",
	    "{\"supports\":{{{",
	};
	struct callout_supports s;

	ck_assert_str_eq(callout_provides_json(),
			 "{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\","
			 "\"undefine\",\"modify\",\"attributes\",\"capabilities\"],\"events\":["
			 "\"pre\",\"post\",\"notify\",\"get\",\"live\"]}}");
	ck_assert_int_eq(callout_supports_parse(answer, sizeof(answer) - 1, &s), 0);
	ck_assert_uint_eq(s.version, 2);
	ck_assert_uint_eq(s.actions, (1u << CALLOUT_ACTION_START) | (1u << CALLOUT_ACTION_MODIFY));
	ck_assert_uint_eq(s.events, (1u << CALLOUT_EVENT_PRE) | (1u << CALLOUT_EVENT_LIVE));
	ck_assert(s.unknown_actions);
	ck_assert(!s.unknown_events);
	for (size_t i = 0; i < ELEMENTSOF(bad); i++)
		ck_assert_int_eq(callout_supports_parse(bad[i], strlen(bad[i]), &s), -EINVAL);
}
END_TEST

START_TEST(directories_in_mdevctls_order)
{
	_cleanup_strv_free_ char **c = NULL, **n = NULL;
	_cleanup_free_ char *c0 = NULL, *c1 = NULL, *n0 = NULL, *n1 = NULL;

	ck_assert_int_eq(callout_dirs(CALLOUT_KIND_CALLOUT, &c), 0);
	ck_assert_int_eq(callout_dirs(CALLOUT_KIND_NOTIFIER, &n), 0);
	ck_assert_int_ge(asprintf(&c0, "%s/usr/lib/mdevctl/scripts.d/callouts", root), 0);
	ck_assert_int_ge(asprintf(&c1, "%s/etc/mdevctl.d/scripts.d/callouts", root), 0);
	ck_assert_int_ge(asprintf(&n0, "%s/usr/lib/mdevctl/scripts.d/notifiers", root), 0);
	ck_assert_int_ge(asprintf(&n1, "%s/etc/mdevctl.d/scripts.d/notifiers", root), 0);
	ck_assert_str_eq(c[0], c0);
	ck_assert_str_eq(c[1], c1);
	ck_assert_ptr_null(c[2]);
	ck_assert_str_eq(n[0], n0);
	ck_assert_str_eq(n[1], n1);
	ck_assert_ptr_null(n[2]);
}
END_TEST

START_TEST(scripts_sorted_by_name)
{
	static const char *const names[] = {"b", "a", "10-x", "2", "A", ".hidden"};
	static const char *const sorted[] = {".hidden", "10-x", "2", "A", "a", "b"};
	_cleanup_strv_free_ char **v = NULL, **none = NULL, **many = NULL;
	_cleanup_free_ char *dir = NULL, *missing = NULL;
	size_t dropped = 99;

	for (size_t i = 0; i < ELEMENTSOF(names); i++) {
		_cleanup_free_ char *p = NULL;

		ck_assert_int_ge(asprintf(&p, "/d/%s", names[i]), 0);
		put(p, "", 0755);
	}
	ck_assert_int_ge(asprintf(&dir, "%s/d", root), 0);
	ck_assert_int_eq(callout_dir_scripts(dir, &v, &dropped), 0);
	ck_assert_uint_eq(dropped, 0);
	for (size_t i = 0; i < ELEMENTSOF(sorted); i++) {
		_cleanup_free_ char *want = NULL;

		ck_assert_int_ge(asprintf(&want, "%s/%s", dir, sorted[i]), 0);
		ck_assert_str_eq(v[i], want);
	}
	ck_assert_ptr_null(v[ELEMENTSOF(sorted)]);

	ck_assert_int_ge(asprintf(&missing, "%s/nope", root), 0);
	ck_assert_int_eq(callout_dir_scripts(missing, &none, NULL), 0);
	ck_assert_ptr_null(none[0]);

	for (int i = 0; i < CALLOUT_SCRIPTS_MAX + 3; i++) {
		_cleanup_free_ char *p = NULL;

		ck_assert_int_ge(asprintf(&p, "/many/s%04d", i), 0);
		put(p, "", 0644);
	}
	free(dir);
	ck_assert_int_ge(asprintf(&dir, "%s/many", root), 0);
	ck_assert_int_eq(callout_dir_scripts(dir, &many, &dropped), 0);
	ck_assert_uint_eq(dropped, 3);
	ck_assert_ptr_nonnull(many[CALLOUT_SCRIPTS_MAX - 1]);
	ck_assert_ptr_null(many[CALLOUT_SCRIPTS_MAX]);
}
END_TEST

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

START_TEST(exec_stdin_stdout_status)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"cat; echo oops >&2; exit 7",
			NULL};
	_cleanup_(callout_output_done) struct callout_output o = {};

	ck_assert_int_eq(callout_exec(argv, "{\"mdev_type\":\"t\"}", 5000000, &o), 0);
	ck_assert_int_eq(o.status, 7);
	ck_assert(!o.timed_out);
	ck_assert_str_eq(o.out, "{\"mdev_type\":\"t\"}");
	ck_assert_str_eq(o.err, "oops\n");
}
END_TEST

START_TEST(exec_bounds_output)
{
	/* 100 KiB on each stream: kept up to the bound, the rest read and dropped. */
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"head -c 102400 /dev/zero | tr '\\0' o; "
				"head -c 102400 /dev/zero | tr '\\0' e >&2",
			NULL};
	_cleanup_(callout_output_done) struct callout_output o = {};

	ck_assert_int_eq(callout_exec(argv, NULL, 10000000, &o), 0);
	ck_assert_int_eq(o.status, 0);
	ck_assert_uint_eq(o.n_out, CALLOUT_STDOUT_MAX);
	ck_assert_uint_eq(o.n_err, CALLOUT_STDERR_MAX);
	ck_assert(o.err_truncated);
	ck_assert_uint_eq(strlen(o.err), CALLOUT_STDERR_MAX);
}
END_TEST

START_TEST(exec_stdin_not_read)
{
	/* A script that never reads a big stdin neither blocks nor kills us (SIGPIPE). */
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"exec 0<&-; exit 3", NULL};
	_cleanup_(callout_output_done) struct callout_output o = {};
	_cleanup_free_ char *big = malloc(1 << 20);

	ck_assert_ptr_nonnull(big);
	memset(big, 'x', (1 << 20) - 1);
	big[(1 << 20) - 1] = '\0';
	ck_assert_int_eq(callout_exec(argv, big, 5000000, &o), 0);
	ck_assert_int_eq(o.status, 3);
}
END_TEST

START_TEST(exec_timeout_kills_the_group)
{
	char marker[64];
	char *argv[] = {(char *)"/bin/sh", (char *)"-c", NULL, NULL};
	_cleanup_free_ char *script = NULL, *check = NULL;
	_cleanup_(callout_output_done) struct callout_output o = {};
	uint64_t t0;

	snprintf(marker, sizeof(marker), "%d", 500 + (int)(getpid() % 400));
	ck_assert_int_ge(
	    asprintf(&script, "echo started >&2; sleep %s.1 & sleep %s", marker, marker), 0);
	argv[2] = script;
	t0 = now_ms();
	ck_assert_int_eq(callout_exec(argv, NULL, 300000, &o), 0);
	ck_assert_uint_lt(now_ms() - t0, 3000);
	ck_assert(o.timed_out);
	ck_assert_int_eq(o.status, -1);
	ck_assert_str_eq(o.err, "started\n");
	/*
	 * The child it left in its process group went with it: killed at once,
	 * gone from the process table as soon as it is reaped, which on a
	 * loaded machine took over 200 ms once. Left alive, it would sleep for
	 * minutes; 10 s tells the two apart.
	 */
	ck_assert_int_ge(asprintf(&check, "pgrep -f '^sleep %s' >/dev/null", marker), 0);
	for (int i = 0; i < 100 && system(check) == 0; i++)
		usleep(100000);
	ck_assert_int_ne(system(check), 0);
}
END_TEST

START_TEST(exec_what_cannot_run)
{
	_cleanup_free_ char *missing = NULL, *plain = NULL;
	struct callout_output o = {};
	char *argv[] = {NULL, NULL};

	ck_assert_int_ge(asprintf(&missing, "%s/nope", root), 0);
	argv[0] = missing;
	ck_assert_int_eq(callout_exec(argv, NULL, 1000000, &o), -ENOENT);
	put("/plain", "#!/bin/sh\nexit 0\n", 0644);
	ck_assert_int_ge(asprintf(&plain, "%s/plain", root), 0);
	argv[0] = plain;
	ck_assert_int_eq(callout_exec(argv, NULL, 1000000, &o), -EACCES);
	ck_assert_ptr_null(o.out);
}
END_TEST

/* The signals a script starts with are the defaults, whatever the daemon blocks. */
START_TEST(exec_default_signals)
{
	char *argv[] = {(char *)"/bin/sh", (char *)"-c",
			(char *)"grep -E '^Sig(Blk|Ign):' /proc/self/status", NULL};
	_cleanup_(callout_output_done) struct callout_output o = {};
	unsigned long long blocked, ignored;
	sigset_t set, old;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, &old);
	ck_assert_int_eq(callout_exec(argv, NULL, 5000000, &o), 0);
	sigprocmask(SIG_SETMASK, &old, NULL);
	ck_assert_int_eq(sscanf(o.out, "SigBlk: %llx SigIgn: %llx", &blocked, &ignored), 2);
	/* Signals 1..31; glibc keeps its own real-time ones (32, 33) to itself. */
	ck_assert_uint_eq(blocked & 0x7fffffffu, 0);
	ck_assert_uint_eq(ignored & 0x7fffffffu, 0);
}
END_TEST

static const struct callout_device dev = {.parent = "matrix",
					  .type = "vfio_ap-passthrough",
					  .uuid = "11111111-2222-3333-4444-555555555555"};

/* A script that records its name and argv in <root>/log, then runs @tail. */
static void script(const char *path, const char *tail)
{
	_cleanup_free_ char *text = NULL;

	ck_assert_int_ge(
	    asprintf(&text, "#!/bin/sh\necho \"${0##*/} $*\" >>'%s/log'\n%s\n", root, tail), 0);
	put(path, text, 0755);
}

static char *log_read(void)
{
	_cleanup_free_ char *p = NULL;
	char *text = NULL;
	size_t n = 0;
	FILE *f;

	ck_assert_int_ge(asprintf(&p, "%s/log", root), 0);
	f = fopen(p, "re");
	if (!f)
		return strdup("");
	ck_assert_int_ge(getdelim(&text, &n, '\0', f), 0);
	fclose(f);
	return text;
}

#define USR "/usr/lib/mdevctl/scripts.d/callouts/"
#define ETC "/etc/mdevctl.d/scripts.d/callouts/"
#define ARGS(e, a, s)                                    \
	"-t vfio_ap-passthrough -e " e " -a " a " -s " s \
	" -u 11111111-2222-3333-4444-555555555555 -p matrix\n"
#define HANDSHAKE(name) name " " ARGS("get", "capabilities", "none")

/*
 * An operation lists the directories once, at its first call: a script that
 * appears while it runs (here a notifier that adds another) is seen by the
 * next operation, not by this one's later calls.
 */
START_TEST(op_lists_the_directories_once)
{
	_cleanup_(callout_cache_freep) struct callout_cache *cache = NULL;
	_cleanup_free_ char *log = NULL, *log2 = NULL;
	struct callout_op op;

	script("/etc/mdevctl.d/scripts.d/notifiers/10-adder",
	       "d=${0%/*}; [ -e \"$d/20-added\" ] || cp \"$0\" \"$d/20-added\"");
	ck_assert_int_eq(callout_cache_new(&cache), 0);
	callout_op_init(&op, cache, &dev, NULL, NULL);
	callout_op_notify(&op, CALLOUT_ACTION_DEFINE, CALLOUT_STATE_NONE);
	callout_op_notify(&op, CALLOUT_ACTION_DEFINE, CALLOUT_STATE_SUCCESS);
	callout_op_done(&op);
	log = log_read();
	ck_assert_ptr_null(strstr(log, "20-added"));
	ck_assert_ptr_nonnull(strstr(log, "10-adder " ARGS("notify", "define", "success")));

	callout_op_init(&op, cache, &dev, NULL, NULL);
	callout_op_notify(&op, CALLOUT_ACTION_DEFINE, CALLOUT_STATE_SUCCESS);
	callout_op_done(&op);
	log2 = log_read();
	ck_assert_ptr_nonnull(strstr(log2, "20-added " ARGS("notify", "define", "success")));
}
END_TEST

START_TEST(op_search_order_and_exit_2)
{
	_cleanup_(callout_cache_freep) struct callout_cache *cache = NULL;
	_cleanup_free_ char *log = NULL;
	struct callout_op op;

	/* /usr/lib first (whatever the names), then /etc; exit 2 passes on. */
	script(USR "20-b", "exit 2");
	script(USR "30-notmine", "exit 2");
	script(ETC "00-a", "[ \"$4\" = pre ] && echo no >&2 && exit 1; exit 0");
	script(ETC "99-late", "exit 0");
	ck_assert_int_eq(callout_cache_new(&cache), 0);
	callout_op_init(&op, cache, &dev, NULL, NULL);
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_PRE, CALLOUT_ACTION_DEFINE,
					 CALLOUT_STATE_NONE, "{}", NULL),
			 -ECANCELED);
	ck_assert_str_eq(op.message, "Callout script '00-a' refused pre define of device "
				     "11111111-2222-3333-4444-555555555555 on parent matrix "
				     "(status 1): no");
	/* Who refused owns the rest of the operation: post goes to it alone. */
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_POST, CALLOUT_ACTION_DEFINE,
					 CALLOUT_STATE_SUCCESS, "{}", NULL),
			 1);
	callout_op_done(&op);
	log = log_read();
	/* clang-format off */
	ck_assert_str_eq(log,
			 HANDSHAKE("20-b")
			 HANDSHAKE("30-notmine")
			 HANDSHAKE("00-a")
			 HANDSHAKE("99-late")
			 "20-b " ARGS("pre", "define", "none")
			 "30-notmine " ARGS("pre", "define", "none")
			 "00-a " ARGS("pre", "define", "none")
			 "00-a " ARGS("post", "define", "success"));
	/* clang-format on */
}
END_TEST

START_TEST(op_nobody_handles_it)
{
	_cleanup_(callout_cache_freep) struct callout_cache *cache = NULL;
	struct callout_op op;

	script(USR "a", "exit 2");
	script(ETC "b", "kill -KILL $$"); /* killed by a signal: skipped, as mdevctl */
	put(USR "c", "not a script", 0644); /* cannot be executed: skipped */
	ck_assert_int_eq(callout_cache_new(&cache), 0);
	callout_op_init(&op, cache, &dev, NULL, NULL);
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_PRE, CALLOUT_ACTION_START,
					 CALLOUT_STATE_NONE, "{}", NULL),
			 0);
	ck_assert_ptr_null(op.owner);
	callout_op_done(&op);
}
END_TEST

START_TEST(op_versioned_and_cached)
{
	_cleanup_(callout_cache_freep) struct callout_cache *cache = NULL;
	_cleanup_free_ char *log = NULL, *log2 = NULL;
	struct callout_op op;

	script(USR "10-plain", "exit 0");
	script(ETC "50-versioned",
	       "[ \"$6\" = capabilities ] && echo "
	       "'{\"supports\":{\"version\":2,\"actions\":[\"define\"],\"events\":[\"pre\"]}}';"
	       " exit 0");
	ck_assert_int_eq(callout_cache_new(&cache), 0);
	callout_op_init(&op, cache, &dev, NULL, NULL);
	ck_assert_ptr_nonnull(callout_op_versioned(&op));
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_PRE, CALLOUT_ACTION_DEFINE,
					 CALLOUT_STATE_NONE, "{}", NULL),
			 1);
	/* Not declared: refused without running it. */
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_POST, CALLOUT_ACTION_DEFINE,
					 CALLOUT_STATE_SUCCESS, "{}", NULL),
			 -ECANCELED);
	ck_assert_str_eq(op.message, "Callout script '50-versioned' does not support event "
				     "'post' (device 11111111-2222-3333-4444-555555555555 on "
				     "parent matrix)");
	callout_op_done(&op);
	log = log_read();
	/* clang-format off */
	ck_assert_str_eq(log,
			 HANDSHAKE("10-plain")
			 HANDSHAKE("50-versioned")
			 "50-versioned " ARGS("pre", "define", "none"));
	/* clang-format on */

	/* A second operation: the handshake is not asked again... */
	callout_op_init(&op, cache, &dev, NULL, NULL);
	ck_assert_int_eq(callout_op_call(&op, CALLOUT_EVENT_PRE, CALLOUT_ACTION_DEFINE,
					 CALLOUT_STATE_NONE, "{}", NULL),
			 1);
	callout_op_done(&op);
	log2 = log_read();
	ck_assert_str_eq(log2 + strlen(log), "50-versioned " ARGS("pre", "define", "none"));

	/* ...until a script changes: then it is, and the plain one answers now. */
	script(ETC "50-versioned", "exit 0");
	callout_op_init(&op, cache, &dev, NULL, NULL);
	ck_assert_ptr_null(callout_op_versioned(&op));
	callout_op_done(&op);
}
END_TEST

static Suite *callout_suite(void)
{
	Suite *s = suite_create("callout");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, words_are_mdevctls);
	tcase_add_test(tc, argv_is_mdevctls);
	tcase_add_test(tc, config_json_is_compact_and_ordered);
	tcase_add_test(tc, attributes_as_mdevctl_reads_them);
	tcase_add_test(tc, handshake_json);
	tcase_add_test(tc, directories_in_mdevctls_order);
	tcase_add_test(tc, scripts_sorted_by_name);
	tcase_add_test(tc, exec_stdin_stdout_status);
	tcase_add_test(tc, exec_bounds_output);
	tcase_add_test(tc, exec_stdin_not_read);
	tcase_add_test(tc, exec_timeout_kills_the_group);
	tcase_add_test(tc, exec_what_cannot_run);
	tcase_add_test(tc, exec_default_signals);
	tcase_add_test(tc, op_lists_the_directories_once);
	tcase_add_test(tc, op_search_order_and_exit_2);
	tcase_add_test(tc, op_nobody_handles_it);
	tcase_add_test(tc, op_versioned_and_cached);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(callout_suite)
