/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cli_parse(): every argv shape libvirt emits, mdevctl's spellings, and bad
 * input; cli_log_parse(): MDEVCTL_LOG specs.
 */
#include <stdarg.h>

#include "check-main.h"
#include "cli-args.h"
#include "cli-log.h"

#define U "d069d019-36ea-4111-8f0a-8c9a70e21366"

static int parse(struct cli_command *c, char **error, const char *first, ...)
{
	const char *argv[64] = {"mdevvirtioctl"};
	va_list ap;
	int n = 1;

	va_start(ap, first);
	for (const char *a = first; a; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	free(*error);
	*error = NULL;
	return cli_parse(n, (char *const *)argv, false, c, error);
}

#define OK(...)                                                                                  \
	do {                                                                                     \
		int _r = parse(&c, &error, __VA_ARGS__, NULL);                                   \
		ck_assert_msg(_r == 0, "expected success, seen %d: %s", _r, error ? error : ""); \
	} while (0)
#define BAD(needle, ...)                                                           \
	do {                                                                       \
		int _r = parse(&c, &error, __VA_ARGS__, NULL);                     \
		ck_assert_msg(_r == -EINVAL, "expected usage error, seen %d", _r); \
		ck_assert_msg(error &&strstr(error, needle),                       \
			      "expected message with '%s', seen '%s'", needle,     \
			      error ? error : "(null)");                           \
	} while (0)

START_TEST(test_libvirt_shapes)
{
	_cleanup_free_ char *error = NULL;
	struct cli_command c;

	OK("list", "--dumpjson");
	ck_assert(c.verb == CLI_VERB_LIST && c.dumpjson && !c.defined);
	OK("list", "--dumpjson", "--defined");
	ck_assert(c.dumpjson && c.defined);

	OK("start", "--parent=0000:00:02.0", "--jsonfile=/dev/stdin");
	ck_assert(c.verb == CLI_VERB_START && !c.has_uuid);
	ck_assert_str_eq(c.parent, "0000:00:02.0");
	ck_assert_str_eq(c.jsonfile, "/dev/stdin");
	OK("start", "--parent=0000:00:02.0", "--jsonfile=/dev/stdin", "--uuid=" U);
	ck_assert(c.has_uuid);
	ck_assert_str_eq(c.uuid, U);
	OK("define", "--parent=0.0.0052", "--jsonfile=/dev/stdin");
	ck_assert(c.verb == CLI_VERB_DEFINE);
	OK("define", "--parent=0.0.0052", "--jsonfile=/dev/stdin", "--uuid=" U);
	ck_assert_str_eq(c.uuid, U);

	OK("modify", "--parent=0.0.0052", "--jsonfile=/dev/stdin", "--uuid=" U, "--defined",
	   "--live");
	ck_assert(c.verb == CLI_VERB_MODIFY && c.live && c.defined);
	OK("modify", "--parent=0.0.0052", "--jsonfile=/dev/stdin", "--uuid=" U, "--defined");
	ck_assert(!c.live && c.defined);

	OK("start", "--uuid=" U);
	OK("stop", "--uuid=" U);
	ck_assert(c.verb == CLI_VERB_STOP);
	OK("undefine", "--uuid=" U);
	ck_assert(c.verb == CLI_VERB_UNDEFINE);
	OK("modify", "--uuid", U, "--auto");
	ck_assert(c.auto_start && !c.manual);
	OK("modify", "--uuid", U, "--manual");
	ck_assert(c.manual && !c.auto_start);

	/* libvirt's capability probe: help wins over every constraint. */
	OK("modify", "--defined", "--live", "--jsonfile", "b", "--help");
	ck_assert(c.help && c.verb == CLI_VERB_MODIFY);
}
END_TEST

START_TEST(test_spellings)
{
	_cleanup_free_ char *error = NULL;
	struct cli_command c;

	OK("list", "-dv", "-p", "mvsim");
	ck_assert(c.defined && c.verbose);
	ck_assert_str_eq(c.parent, "mvsim");
	OK("list", "-pmvsim");
	ck_assert_str_eq(c.parent, "mvsim");
	OK("list", "-p=mvsim");
	ck_assert_str_eq(c.parent, "mvsim");
	OK("list", "-u", "D069D01936EA41118F0A8C9A70E21366");
	ck_assert_str_eq(c.uuid, U);
	OK("list", "-u", "{D069D019-36EA-4111-8F0A-8C9A70E21366}");
	ck_assert_str_eq(c.uuid, U);
	OK("list", "--uuid", "urn:uuid:" U);
	ck_assert_str_eq(c.uuid, U);
	OK("modify", "-u", U, "--addattr=mac", "--value=02:00:00:00:00:01", "-i", "0");
	ck_assert_str_eq(c.addattr, "mac");
	ck_assert_str_eq(c.value, "02:00:00:00:00:01");
	ck_assert_int_eq(c.index, 0);
	OK("modify", "-u", U, "--delattr");
	ck_assert(c.delattr && c.index == -1);
	OK("modify", "-u", U, "--value", "=x", "--addattr", "a");
	ck_assert_str_eq(c.value, "=x");
	OK("start-parent-mdevs", "0000:00:02.0");
	ck_assert_str_eq(c.parent, "0000:00:02.0");
	OK("status", U);
	ck_assert(c.verb == CLI_VERB_STATUS && c.has_uuid);
	OK("import");
	ck_assert(c.import_dir == NULL);
	OK("import", "-n", "/tmp/x");
	ck_assert(c.dry_run);
	ck_assert_str_eq(c.import_dir, "/tmp/x");
	OK("monitor", "--json");
	ck_assert(c.json);
	OK("--version");
	ck_assert(c.version);
	OK("types", "--dumpjson", "-p", "mvsim");
	OK("stop", "-f", "-u", U);
	ck_assert(c.force);
	OK("define", "-u", U);
}
END_TEST

START_TEST(test_lsmdev)
{
	_cleanup_free_ char *error = NULL;
	const char *argv[] = {"lsmdev", "-d", "--dumpjson"};
	struct cli_command c;

	ck_assert_int_eq(cli_parse(3, (char *const *)argv, true, &c, &error), 0);
	ck_assert(c.verb == CLI_VERB_LIST && c.defined && c.dumpjson);
}
END_TEST

START_TEST(test_bad_input)
{
	_cleanup_free_ char *error = NULL;
	struct cli_command c;

	BAD("Unknown option '-x'", "-V", "-x");
	BAD("Unknown command 'frob'", "frob");
	BAD("Unknown option '--frob'", "list", "--frob");
	BAD("Unknown option '-x'", "list", "-x");
	BAD("not valid for 'stop'", "stop", "-u", U, "--dumpjson");
	BAD("Invalid UUID 'xyz'", "list", "-u", "xyz");
	BAD("Invalid UUID", "list", "-u", U "0");
	BAD("Invalid UUID", "list", "-u", "");
	BAD("needs a value", "list", "-p");
	BAD("needs a value", "list", "--uuid");
	BAD("more than once", "list", "-u", U, "--uuid", U);
	BAD("takes no value", "list", "--defined=1");
	BAD("Invalid parent name '../x'", "list", "-p", "../x");
	BAD("Invalid parent name ''", "list", "--parent=");
	BAD("Invalid type name 'a/b'", "define", "-p", "p", "-t", "a/b");
	BAD("Invalid index", "modify", "-u", U, "--delattr", "-i", "x");
	BAD("Invalid index", "modify", "-u", U, "--delattr", "-i", "99999");
	BAD("needs --uuid or --parent", "define");
	/* A missing parent or type is the verb's failure (exit 1), as in mdevctl. */
	OK("define", "-u", U, "-t", "x");
	OK("define", "-p", "p");
	OK("define", "-u", U, "--jsonfile", "f");
	BAD("conflict", "define", "-p", "p", "-t", "x", "--jsonfile", "f");
	BAD("conflict", "define", "-p", "p", "-a", "--jsonfile", "f");
	BAD("needs a UUID", "undefine", "-p", "p");
	BAD("needs a UUID", "stop");
	BAD("needs a UUID", "status");
	BAD("needs --uuid", "modify", "-a");
	BAD("needs one of", "modify", "-u", U);
	/* mdevctl master: exactly one of --auto/--manual/--addattr/--delattr/--jsonfile. */
	BAD("needs one of", "modify", "-u", U, "-t", "x");
	OK("modify", "-u", U, "-t", "x", "--auto");
	BAD("only one of", "modify", "-u", U, "-a", "--delattr");
	BAD("only one of", "modify", "-u", U, "-p", "p", "--jsonfile", "f", "--delattr");
	BAD("only one of", "modify", "-u", U, "-p", "p", "--jsonfile", "f", "-a");
	BAD("needs '--value'", "modify", "-u", U, "--addattr", "a");
	BAD("needs '--addattr'", "modify", "-u", U, "--value", "v");
	BAD("conflict", "modify", "-u", U, "--addattr", "a", "--value", "v", "--delattr");
	BAD("conflict", "modify", "-u", U, "-a", "-m");
	BAD("conflict", "modify", "-u", U, "-a", "--delattr", "-i", "0");
	BAD("needs '--jsonfile'", "modify", "-u", U, "--live", "-a");
	BAD("conflict", "modify", "-u", U, "-p", "p", "--jsonfile", "f", "-t", "x");
	OK("modify", "-u", U, "--jsonfile", "f"); /* the verb: --parent needed without --live */
	OK("modify", "-u", U, "--live", "--jsonfile", "f");
	BAD("needs '--addattr' or '--delattr'", "modify", "-u", U, "-t", "x", "-i", "0");
	BAD("needs --uuid or --parent", "start");
	OK("start", "-u", U, "-t", "x");
	BAD("needs --uuid or --parent", "start", "-t", "x");
	OK("start", "-p", "p"); /* the verb: "Device is insufficiently specified", exit 1 */
	BAD("conflict", "start", "-p", "p", "-t", "x", "--jsonfile", "f");
	OK("start", "-u", U, "--jsonfile", "f");
	BAD("needs a parent", "start-parent-mdevs");
	BAD("Unexpected argument 'extra'", "list", "extra");
	BAD("Unexpected argument", "start-parent-mdevs", "a", "b");
	BAD("Unexpected argument '-u'", "start", "-p", "p", "-t", "x", "--", "-u");
	BAD("needs a file name", "define", "-p", "p", "--jsonfile=");
}
END_TEST

/* MDEVCTL_LOG, read as env_logger reads it. */
static void assert_log(const char *spec, enum cli_log_level want, const char *want_bad)
{
	_cleanup_free_ char *bad = NULL;
	enum cli_log_level l;

	ck_assert_int_eq(cli_log_parse(spec, &l, &bad), 0);
	ck_assert_msg(l == want, "'%s': level %d, want %d", strempty(spec), l, want);
	if (want_bad)
		ck_assert_msg(bad && streq(bad, want_bad), "'%s': ignored '%s', want '%s'",
			      strempty(spec), strempty(bad), want_bad);
	else
		ck_assert_msg(!bad, "'%s': ignored '%s'", strempty(spec), bad);
}

START_TEST(test_log_spec)
{
	_cleanup_free_ char *huge = NULL;

	assert_log(NULL, CLI_LOG_WARN, NULL);
	assert_log("", CLI_LOG_WARN, NULL);
	assert_log("off", CLI_LOG_OFF, NULL);
	assert_log("error", CLI_LOG_ERROR, NULL);
	assert_log("WARN", CLI_LOG_WARN, NULL);
	assert_log("info", CLI_LOG_INFO, NULL);
	assert_log("Debug", CLI_LOG_DEBUG, NULL);
	assert_log("trace", CLI_LOG_TRACE, NULL);
	/* Our module's directive wins over the default, in either order. */
	assert_log("mdevctl=debug,error", CLI_LOG_DEBUG, NULL);
	assert_log("error, mdevvirtioctl=info", CLI_LOG_INFO, NULL);
	assert_log("mdevctl::callouts=trace", CLI_LOG_TRACE, NULL);
	assert_log("mdevctl", CLI_LOG_TRACE, NULL);
	assert_log("mdevctl=", CLI_LOG_TRACE, NULL);
	assert_log("=info", CLI_LOG_INFO, NULL);
	/* Other modules are not ours; "mdevctlx" is another module. */
	assert_log("serde_json=trace", CLI_LOG_WARN, NULL);
	assert_log("mdevctlx=debug,info", CLI_LOG_INFO, NULL);
	assert_log("loud", CLI_LOG_WARN, NULL);
	/* The regex filter is dropped. */
	assert_log("debug/mdev.*", CLI_LOG_DEBUG, NULL);
	assert_log("info/a,b=trace", CLI_LOG_INFO, NULL);
	/* Bad directives are named and skipped; the rest applies. */
	assert_log("mdevctl=loud", CLI_LOG_WARN, "mdevctl=loud");
	assert_log("info,mdevctl=debug=1", CLI_LOG_INFO, "mdevctl=debug=1");
	assert_log("a=b,c=d,debug", CLI_LOG_DEBUG, "a=b");
	huge = malloc(CLI_LOG_SPEC_MAX + 2);
	ck_assert_ptr_nonnull(huge);
	memset(huge, 'd', CLI_LOG_SPEC_MAX + 1);
	huge[CLI_LOG_SPEC_MAX + 1] = '\0';
	assert_log(huge, CLI_LOG_WARN, "(longer than 1024 characters)");
}
END_TEST

static Suite *cli_args_suite(void)
{
	Suite *s = suite_create("cli-args");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_libvirt_shapes);
	tcase_add_test(tc, test_spellings);
	tcase_add_test(tc, test_lsmdev);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_log_spec);
	suite_add_tcase(s, tc);
	return s;
}

CHECK_MAIN(cli_args_suite)
